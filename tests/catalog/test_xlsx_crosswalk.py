"""The crosswalk as an Excel workbook (XLSX), read through openpyxl in read-only mode.

The workbook is written here, with openpyxl, from the committed October 2025 crosswalk
(resources/cms/): every row as CMS's CSV has it, the numbers as number cells, as a
spreadsheet holds them. What it yields must be what the CSV yields.
"""

from __future__ import annotations

import csv
import io
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell
from test_cms_import import CROSSWALK

from doseunits.catalog.importers.base import ImportFileError
from doseunits.catalog.importers.cms_crosswalk import CrosswalkEntry, parse_crosswalk
from doseunits.catalog.importers.files import read_crosswalk
from doseunits.catalog.importers.xlsx import cell_text
from doseunits.catalog.ndc import Ndc

NUMBER_COLUMNS = {6, 7, 8, 9}  # PKG SIZE, PKG QTY, BILLUNITS, BILLUNITSPKG


def crosswalk_rows() -> list[list[str]]:
    text = CROSSWALK.read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_number(text: str) -> int | float | str:
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return int(number) if number == number.to_integral_value() else float(text)


def workbook(path: Path, rows: list[list[str]], padded_ndc: str = "", sheets: int = 1) -> Path:
    book = openpyxl.Workbook(write_only=True)
    for extra in range(sheets - 1):  # sheets before the crosswalk's, as a cover page
        book.create_sheet(f"Notes {extra}").append(["About this file"])
    sheet = book.create_sheet("Crosswalk")
    header_seen = False
    for row in rows:
        cells: list[object] = []
        for at, text in enumerate(row):
            if header_seen and at in NUMBER_COLUMNS:
                cells.append(as_number(text))
            elif header_seen and at == 3 and text == padded_ndc:
                cell = WriteOnlyCell(sheet, value=int(text.replace("-", "")))
                cell.number_format = "00000000000"  # how a number cell keeps leading zeros
                cells.append(cell)
            else:
                cells.append(text)
        header_seen = header_seen or row[:1] == ["_2025_CODE"]
        sheet.append(cells)
    book.save(path)
    return path


def key(entry: CrosswalkEntry) -> tuple[object, ...]:
    return (entry.hcpcs, entry.ndc, entry.strength, entry.items_per_package,
            entry.units_per_item, entry.units_per_package_published, entry.dosage)  # fmt: skip


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "October 2025 ASP NDC-HCPCS Crosswalk.xlsx"
    return workbook(path, crosswalk_rows(), padded_ndc="00006-3026-04", sheets=2)


def test_the_workbook_reads_as_the_csv_does(xlsx: Path) -> None:
    from_csv = read_crosswalk(CROSSWALK)
    from_xlsx = read_crosswalk(xlsx)
    assert from_xlsx.quarter == from_csv.quarter
    assert [key(e) for e in from_xlsx.records] == [key(e) for e in from_csv.records]
    assert from_xlsx.report.counts == from_csv.report.counts
    assert from_xlsx.report.skipped_by_reason() == from_csv.report.skipped_by_reason()
    assert [
        (d.code, d.identifier, d.computed, d.published) for d in from_xlsx.report.disagreements
    ] == [(d.code, d.identifier, d.computed, d.published) for d in from_csv.report.disagreements]
    assert len(from_xlsx.report.disagreements) == len(from_csv.report.disagreements) == 196
    # Rows are numbered as the sheet numbers them: Tecentriq's row, found by its cells.
    sheet_row = next(n for n, row in enumerate(crosswalk_rows(), 1) if row[3] == "50242-0917-01")
    (tecentriq,) = [e for e in from_xlsx.records if e.ndc == Ndc.parse("50242-0917-01")]
    assert (tecentriq.line, tecentriq.strength, tecentriq.units_per_item) == (
        sheet_row, "1200 mg", Decimal(120),
    )  # fmt: skip
    # Zynlonta's fractional BILLUNITS survives the number cell: 133.33, not 133.330000001.
    zynlonta = [e for e in from_xlsx.records if e.units_per_item == Decimal("133.33")]
    assert zynlonta
    # The NDC held as a zero-padded number cell reads as its 11 digits.
    (carton,) = [e for e in from_xlsx.records if e.ndc == Ndc.parse("00006-3026-04")]
    assert (carton.published_ndc, carton.items_per_package) == ("00006302604", Decimal(2))
    # openpyxl is loaded for the workbook only.
    assert "openpyxl" in sys.modules


def test_the_cli_imports_a_workbook(xlsx: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from doseunits.cli.main import main

    assert main(["catalog", "import", "--crosswalk", str(xlsx)]) == 0
    out = capsys.readouterr().out
    assert "CMS crosswalk in force 2025-10-01 to 2025-12-31: 8245 rows." in out
    assert "Imported: 723 codes, 5988 NDCs" in out


def test_hostile_workbooks(tmp_path: Path) -> None:
    rows = crosswalk_rows()
    # Another year's header and NDC for NDC2 are found by content, as in a CSV.
    renamed = [list(r) for r in rows]
    header = next(i for i, r in enumerate(renamed) if r[:1] == ["_2025_CODE"])
    renamed[header][0], renamed[header][3] = "_2024_CODE", "NDC"
    other_year = parse_crosswalk(workbook(tmp_path / "y.xlsx", renamed).read_bytes(), "y.xlsx")
    assert len(other_year.records) == len(read_crosswalk(CROSSWALK).records)
    # A workbook that is not a crosswalk names itself and what was expected.
    notes = workbook(tmp_path / "notes.xlsx", [["name", "dose"], ["atezolizumab", "1200"]])
    with pytest.raises(ImportFileError, match=r"notes\.xlsx is not a CMS ASP NDC-HCPCS"):
        parse_crosswalk(notes.read_bytes(), "notes.xlsx")
    # Cut short, or a zip that is no workbook: one sentence, no traceback.
    data = workbook(tmp_path / "w.xlsx", rows[:40]).read_bytes()
    with pytest.raises(ImportFileError, match="damaged or cut short"):
        parse_crosswalk(data[: len(data) // 2], "cut.xlsx")
    other = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="not an Excel workbook DoseUnits can read"):
        parse_crosswalk(other.getvalue(), "other.xlsx")
    # Only a header: no rows below it.
    with pytest.raises(ImportFileError, match="header but no rows"):
        parse_crosswalk(workbook(tmp_path / "h.xlsx", rows[: header + 1]).read_bytes(), "h.xlsx")


class _Cell:
    def __init__(self, value: object, number_format: str = "General") -> None:
        self.value = value
        self.number_format = number_format


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (_Cell(None), ""),
        (_Cell(120), "120"),
        (_Cell(133.33), "133.33"),
        (_Cell(0.1), "0.1"),
        (_Cell(1e-05), "0.00001"),
        (_Cell(6302604, "00000000000"), "00006302604"),
        (_Cell(6302604), "6302604"),
        (_Cell(" 10 MG "), " 10 MG "),
        (_Cell(True), "TRUE"),
        (_Cell(float("nan")), ""),
    ],
)
def test_cells_read_as_a_csv_export_holds_them(cell: _Cell, text: str) -> None:
    assert cell_text(cell) == text


def test_without_openpyxl_a_workbook_is_one_sentence(
    xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the installed .deb, which leaves openpyxl out."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl -> ImportError
    with pytest.raises(ImportFileError) as caught:
        read_crosswalk(xlsx)
    assert str(caught.value) == (
        f"{xlsx} is an Excel workbook, which this installation of DoseUnits does not read "
        "(openpyxl is not installed); import CMS's CSV of the same crosswalk."
    )
