"""The CMS importers on the real October 2025 files (resources/cms/) and on hostile ones.

Every figure asserted here was measured on those files; resources/cms/README.md says
where they come from and how the crosswalk was trimmed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from doseunits.catalog.importers import cms_crosswalk as cw
from doseunits.catalog.importers import cms_payment_limits as pl
from doseunits.catalog.importers.base import ImportFileError, ImportResult, Quarter
from doseunits.catalog.importers.cms_crosswalk import (
    CrosswalkEntry,
    codes_by_ndc,
    parse_crosswalk,
)
from doseunits.catalog.importers.cms_payment_limits import PaymentLimit, parse_payment_limits
from doseunits.catalog.importers.dosage import UnsupportedDosage, parse_dosage
from doseunits.catalog.importers.files import (
    IMPORTERS,
    read_crosswalk,
    read_payment_limits,
)
from doseunits.catalog.ndc import Ndc
from doseunits.errors import DoseUnitsError

CMS = Path(__file__).resolve().parents[2] / "resources" / "cms"
CROSSWALK = CMS / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
PAYMENT_LIMITS = CMS / "2025-10-asp-pricing-file.csv"
OCTOBER_2025 = Quarter(dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def crosswalk_bytes() -> bytes:
    return CROSSWALK.read_bytes()


@pytest.fixture(scope="module")
def crosswalk() -> ImportResult[CrosswalkEntry]:
    return read_crosswalk(CROSSWALK)


@pytest.fixture(scope="module")
def payment_limits() -> ImportResult[PaymentLimit]:
    return read_payment_limits(PAYMENT_LIMITS)


def entry(result: ImportResult[CrosswalkEntry], ndc: str, code: str) -> CrosswalkEntry:
    (found,) = [e for e in result.records if e.ndc == Ndc.parse(ndc) and e.hcpcs == code]
    return found


# The real crosswalk


def test_the_committed_copy_keeps_cms_bytes(crosswalk_bytes: bytes) -> None:
    """cp1252 (not UTF-8), CRLF, the preamble, no empty trailing columns."""
    with pytest.raises(UnicodeDecodeError):
        crosswalk_bytes.decode("utf-8")
    assert b"1 million\xa0PFU" in crosswalk_bytes
    assert crosswalk_bytes.startswith(b"October 2025 ASP NDC - HCPCS Crosswalk")
    records = list(csv.reader(io.StringIO(crosswalk_bytes.decode("cp1252"), newline="")))
    assert {len(r) for r in records} == {10}
    assert records[8][:4] == ["_2025_CODE", "Short Description", "LABELER NAME", "NDC2"]
    assert crosswalk_bytes.count(b"\r\n") == 8254


def test_the_whole_files_figures(crosswalk: ImportResult[CrosswalkEntry]) -> None:
    assert crosswalk.quarter == OCTOBER_2025
    assert crosswalk.report.counts == {
        "rows": 8245,
        "codes": 974,
        "NDCs": 6789,
        "IDs that are not NDCs": 1284,
        "NDCs under more than one code": 133,
        "rows whose BILLUNITSPKG is not BILLUNITS x PKG QTY": 250,
        "of which more than rounding": 49,
    }


def test_what_is_imported_and_what_is_left_out(crosswalk: ImportResult[CrosswalkEntry]) -> None:
    report = crosswalk.report
    assert report.rows == 8245
    assert report.skipped_by_reason() == {
        cw.NOT_AN_NDC: 1284,
        cw.DOSAGE_NOT_SUPPORTED: 833,
        cw.CPT_CODE: 27,
    }
    assert report.skipped_details(cw.DOSAGE_NOT_SUPPORTED) == {
        "mL": 427,
        "sq cm": 155,
        "up to": 115,
        "combination": 48,
        "mEq": 43,
        "qualified": 15,
        "per dose": 13,
        "tiered": 9,
        "each": 5,
        "PFU": 2,
        "cells": 1,
    }
    entries = crosswalk.records
    assert len(entries) == 6101 == report.rows - len(report.skipped)
    codes = {e.hcpcs: e.dosage.measure for e in entries}
    assert len(codes) == 732
    assert sorted(codes.values()).count("mg") == 610
    assert sorted(codes.values()).count("mcg") == 45
    assert sorted(codes.values()).count("g") == 10
    assert sorted(codes.values()).count("units") == 67
    assert len({e.ndc for e in entries}) == 6037
    assert not any(c[0].isdigit() for c in codes)  # no CPT code
    assert sum(not e.whole_units for e in entries) == 204


def test_an_ndc_under_several_codes_is_kept_under_each(
    crosswalk: ImportResult[CrosswalkEntry],
) -> None:
    by_ndc = codes_by_ndc(crosswalk.records)
    assert sum(len(codes) > 1 for codes in by_ndc.values()) == 64
    # Procrit 10,000 units: J0885 (epoetin alfa, non-ESRD) and Q4081 (ESRD on dialysis).
    assert by_ndc[Ndc.parse("59676-0310-01")] == ("J0885", "Q4081")


def test_disagreements_per_ndc_are_reported(crosswalk: ImportResult[CrosswalkEntry]) -> None:
    disagreements = crosswalk.report.disagreements
    assert len(disagreements) == 196
    assert sum(d.beyond_rounding for d in disagreements) == 48
    # Bleomycin: one item of 1 unit in a package of 1, published as 2 units per NDC.
    (bleomycin,) = [d for d in disagreements if d.identifier == "63323-0137-20"]
    assert (bleomycin.computed, bleomycin.published, bleomycin.beyond_rounding) == (
        Decimal(1),
        Decimal(2),
        True,
    )
    # Rounded up to whole units: 10 x 8.33 = 83.30 published as 84.
    rounded = [d for d in disagreements if d.identifier == "00049-0420-10"]
    assert [(d.computed, d.published, d.beyond_rounding) for d in rounded] == [
        (Decimal("83.30"), Decimal(84), False)
    ]


@pytest.mark.parametrize(
    ("ndc", "code", "name", "dosage", "per_item", "size", "strength"),
    [
        ("50242-0917-01", "J9022", "Tecentriq", "10 mg", 120, 20, "1200 mg"),
        ("50242-0933-01", "J9024", "Tecentriq Hybreza", "5 mg", 375, 15, "1875 mg"),
        ("00006-3026-02", "J9271", "Keytruda", "1 mg", 100, 4, "100 mg"),
        ("50242-0060-01", "J9035", "Avastin", "10 mg", 10, 4, "100 mg"),
        ("50242-0132-01", "J9355", "Herceptin", "10 mg", 15, 1, "150 mg"),
        ("55135-0132-01", "J9317", "Trodelvy", "2.5 mg", 72, 1, "180 mg"),
    ],
)
def test_known_rows(
    crosswalk: ImportResult[CrosswalkEntry],
    ndc: str,
    code: str,
    name: str,
    dosage: str,
    per_item: int,
    size: int,
    strength: str,
) -> None:
    found = entry(crosswalk, ndc, code)
    assert found.drug_name == name
    assert str(found.dosage) == dosage
    assert found.units_per_item == per_item
    assert found.package_size == size
    assert found.items_per_package == 1
    assert found.units_per_package == found.units_per_package_published == per_item
    assert found.strength == strength
    assert found.published_ndc == ndc


def test_a_carton_of_items(crosswalk: ImportResult[CrosswalkEntry]) -> None:
    """Keytruda 00006-3026-04 is two 100 mg vials; Procrit 59676-0310-01 six vials."""
    keytruda = entry(crosswalk, "00006-3026-04", "J9271")
    assert keytruda.items_per_package == 2
    assert keytruda.strength == "100 mg"
    assert keytruda.units_per_package == 200
    procrit = entry(crosswalk, "59676-0310-01", "J0885")
    assert procrit.items_per_package == 6
    assert procrit.strength == "10000 units"
    assert str(procrit.dosage) == "1000 units"


def test_line_numbers_are_the_files_lines(
    crosswalk: ImportResult[CrosswalkEntry], crosswalk_bytes: bytes
) -> None:
    """Lines as an editor counts them: the line breaks inside 8 drug names count too."""
    lines = crosswalk_bytes.decode("cp1252").replace("\r\n", "\n").split("\n")
    tecentriq = entry(crosswalk, "50242-0917-01", "J9022")
    assert ",50242-0917-01,Tecentriq," in lines[tecentriq.line - 1]
    last = crosswalk.records[-1]
    assert f",{last.published_ndc}," in lines[last.line - 1]
    ketorolac = entry(crosswalk, "00404-9998-01", "J1885")
    assert ketorolac.drug_name == "Ketorolac Tromethamine"


def test_the_report_as_csv(crosswalk: ImportResult[CrosswalkEntry]) -> None:
    out = io.StringIO()
    crosswalk.report.write_csv(out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 2144 + 196
    assert rows[0].keys() == {"file", "line", "what", "reason", "code", "id", "detail"}
    pfu = [r for r in rows if r["detail"] == "PFU"]
    assert {r["reason"] for r in pfu} == {cw.DOSAGE_NOT_SUPPORTED}
    (bleomycin,) = [r for r in rows if r["id"] == "63323-0137-20"]
    assert bleomycin["reason"] == "wrong"
    assert bleomycin["detail"] == "BILLUNITS 1 x PKG QTY 1 = 1; BILLUNITSPKG 2"
    assert all(r["file"] == str(CROSSWALK) for r in rows)


# The real payment limit file


def test_payment_limits(payment_limits: ImportResult[PaymentLimit]) -> None:
    assert payment_limits.quarter == OCTOBER_2025
    assert payment_limits.report.counts == {"rows": 1012, "codes": 1012}
    assert payment_limits.report.skipped_by_reason() == {pl.CPT_CODE: 34, pl.NO_LIMIT: 1}
    (no_limit,) = [s for s in payment_limits.report.skipped if s.reason == pl.NO_LIMIT]
    assert (no_limit.code, no_limit.detail) == ("A9606", "Payment Limit 'N/A'")
    assert len(payment_limits.records) == 977
    by_code = {p.hcpcs: p for p in payment_limits.records}
    for code, limit in (("J9022", "91.340"), ("J9317", "36.276"), ("J9271", "60.291")):
        assert str(by_code[code].dollars_per_unit) == limit  # exactly as published
    assert str(by_code["J9022"].dosage) == "10 mg"
    assert by_code["J9022"].coinsurance_percent == 20
    pegaspargase = by_code["J9266"]
    assert (pegaspargase.dosage_text, pegaspargase.notes) == (
        "1 EA",
        "Inflation-adjusted coinsurance",
    )
    assert by_code["J9266"].dosage == parse_dosage("1 EA")


def test_every_imported_code_is_priced(
    crosswalk: ImportResult[CrosswalkEntry], payment_limits: ImportResult[PaymentLimit]
) -> None:
    priced = {p.hcpcs for p in payment_limits.records}
    unpriced = sorted({e.hcpcs for e in crosswalk.records} - priced)
    assert len(unpriced) == 0, unpriced


# Hostile files


def test_another_years_header_and_spellings(crosswalk_bytes: bytes) -> None:
    """_2026_CODE, NDC for NDC2, other cases and spaces: the same rows."""
    changed = (
        crosswalk_bytes.replace(b"_2025_CODE", b"_2026_CODE")
        .replace(b",NDC2,", b", NDC ,")
        .replace(b"HCPCS dosage", b"HCPCS  Dosage")
        .replace(b"LABELER NAME", b"Labeler Name")
    )
    assert changed != crosswalk_bytes
    result = parse_crosswalk(changed, "2026.csv")
    assert len(result.records) == 6101
    assert entry(result, "50242-0917-01", "J9022").strength == "1200 mg"


def test_a_utf8_file_reads_the_same(crosswalk_bytes: bytes) -> None:
    original = parse_crosswalk(crosswalk_bytes, "cp1252.csv")
    utf8 = crosswalk_bytes.decode("cp1252").encode("utf-8")
    for data in (utf8, b"\xef\xbb\xbf" + utf8):
        result = parse_crosswalk(data, "utf8.csv")
        assert result.records == original.records
        assert result.quarter == original.quarter


def test_a_truncated_file(crosswalk_bytes: bytes) -> None:
    """Cut inside a row: the rows before it are read, the cut one is reported."""
    cut = crosswalk_bytes[: crosswalk_bytes.index(b"50242-0917-01") + 20]
    result = parse_crosswalk(cut, "cut.csv")
    last = result.report.skipped[-1]
    assert (last.reason, last.identifier) == (cw.INCOMPLETE, "50242-0917-01")
    assert result.records[-1].hcpcs < "J9022"
    with pytest.raises(ImportFileError, match=r"cut\.csv is not a CMS ASP NDC-HCPCS crosswalk"):
        parse_crosswalk(crosswalk_bytes[:300], "cut.csv")
    header_only = crosswalk_bytes[: crosswalk_bytes.index(b"BILLUNITSPKG") + 14]
    with pytest.raises(ImportFileError, match="header but no rows"):
        parse_crosswalk(header_only, "cut.csv")


def test_files_that_are_not_a_crosswalk(tmp_path: Path) -> None:
    not_crosswalk = [
        PAYMENT_LIMITS.read_bytes(),
        b"name,dose\r\natezolizumab,1200\r\n",
        bytes(range(256)) * 10,
        b"PK\x03\x04 an xlsx workbook",
    ]
    for number, data in enumerate(not_crosswalk):
        path = tmp_path / f"file{number}.csv"
        path.write_bytes(data)
        with pytest.raises(DoseUnitsError) as caught:
            read_crosswalk(path)
        message = str(caught.value)
        assert str(path) in message
        assert "CSV" in message or "crosswalk" in message, message
    with pytest.raises(ImportFileError, match=r"_YYYY_CODE, .*NDC2 or NDC"):
        parse_crosswalk(PAYMENT_LIMITS.read_bytes(), "p.csv")
    with pytest.raises(ImportFileError, match="not a CMS Part B payment limit file"):
        parse_payment_limits(CROSSWALK.read_bytes(), "c.csv")


def test_empty_missing_and_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match=rf"{empty} is empty; expected a CMS ASP"):
        read_crosswalk(empty)
    with pytest.raises(ImportFileError, match=r"empty; expected a CMS Part B payment limit"):
        read_payment_limits(empty)
    with pytest.raises(ImportFileError, match="does not exist"):
        read_crosswalk(tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="is a folder"):
        read_payment_limits(tmp_path)


def test_a_file_without_its_dates(crosswalk_bytes: bytes) -> None:
    undated = crosswalk_bytes.replace(b"Effective October 1, 2025", b"Valid from October 1")
    with pytest.raises(ImportFileError, match="does not say the dates it is in force"):
        parse_crosswalk(undated, "undated.csv")


HEADER = (
    "_2025_CODE,Short Description,LABELER NAME,NDC2,Drug Name,HCPCS dosage,PKG SIZE,"
    "PKG QTY,BILLUNITS,BILLUNITSPKG\r\n"
)
PREAMBLE = "Crosswalk\r\nEffective January 1, 2026 through March 31, 2026\r\n\r\n"


def small_crosswalk(*rows: str) -> bytes:
    return (PREAMBLE + HEADER + "".join(r + "\r\n" for r in rows)).encode("cp1252")


def test_ndc_forms_and_ids_that_are_not_ndcs() -> None:
    """The crosswalk prints 5-4-2; other 10-digit forms and 11 digits are NDCs too.
    Plain 10 and 12 digits, 5-6 and catalog numbers are not (made-up labeler 99999)."""
    ndcs = ["99999-0001-01", "9999-0002-01", "99999-003-01", "99999-0004-1", "99999000501"]
    others = ["9999900061", "888867413689", "99999-000701", "PS12015", ""]
    data = small_crosswalk(
        *(f"J9999,Test drug,Test,{ndc},Test,10 MG,1,1,10,10" for ndc in ndcs + others)
    )
    result = parse_crosswalk(data, "small.csv")
    assert result.quarter == Quarter(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert [str(e.ndc) for e in result.records] == [
        "99999-0001-01",
        "09999-0002-01",
        "99999-0003-01",
        "99999-0004-01",
        "99999-0005-01",
    ]
    assert [s.identifier for s in result.report.skipped] == others
    assert {s.reason for s in result.report.skipped} == {cw.NOT_AN_NDC}


def test_bad_numbers_repeats_and_codes() -> None:
    data = small_crosswalk(
        "J9999,Test,Test,99999-0001-01,Test,10 MG,1,1,,10",
        "J9999,Test,Test,99999-0002-01,Test,10 MG,1,1,ten,10",
        "J9999,Test,Test,99999-0003-01,Test,10 MG,1,2,10,20",
        "J9999,Test,Test,99999-0003-01,Test,10 MG,1,2,10,20",
        "J9998,Test,Test,99999-0003-01,Test,1 MG,1,2,100,200",
        "99999,Test,Test,99999-0004-01,Test,10 MG,1,1,10,10",
        "j999,Test,Test,99999-0005-01,Test,10 MG,1,1,10,10",
        "J9999,Test,Test,99999-0006-01,Test,3 MG - 1 MG,1,1,10,10",
    )
    result = parse_crosswalk(data, "small.csv")
    assert [(e.hcpcs, str(e.ndc), e.strength) for e in result.records] == [
        ("J9999", "99999-0003-01", "100 mg"),
        ("J9998", "99999-0003-01", "100 mg"),
    ]
    assert [(s.line, s.reason, s.detail) for s in result.report.skipped] == [
        (5, cw.BAD_NUMBER, "BILLUNITS ''"),
        (6, cw.BAD_NUMBER, "BILLUNITS 'ten'"),
        (8, cw.REPEATED, ""),
        (10, cw.CPT_CODE, "descriptors are the AMA's"),
        (11, cw.NOT_HCPCS, ""),
        (12, cw.DOSAGE_NOT_SUPPORTED, "combination"),
    ]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("1 MG", "1 mg"),
        ("1MG", "1 mg"),
        (" 0.1 MG", "0.1 mg"),
        ("10 MG ", "10 mg"),
        ("0.1 mg", "0.1 mg"),
        ("1.125 gm", "1.125 g"),
        (".625 GM", "0.625 g"),
        ("25 MCG", "25 mcg"),
        ("100,000 UNITS", "100000 units"),
        ("1000 UNITS", "1000 units"),
        ("1 UNIT", "1 units"),
        ("150 IU", "150 units"),
        ("1 USP UNIT", "1 units"),
    ],
)
def test_dosages_read(text: str, read: str) -> None:
    assert str(parse_dosage(text)) == read


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1 million\xa0PFU", "PFU"),
        ("1 ML", "mL"),
        ("1000 CC", "mL"),
        ("1 EACH", "each"),
        ("1 EA", "each"),
        ("PER VIAL", "each"),
        ("Per Dose", "per dose"),
        ("Per infusion (minimum 50 million cells)", "cells"),
        ("UP TO 600 million CAR-positive viable T cells", "up to"),
        ("3 MG - 1 MG", "combination"),
        ("5MG-1MG", "combination"),
        ("1 MG/2.27 MG", "combination"),
        ("3 MG & 3 MG", "combination"),
        ("UP TO 0.50 MG", "up to"),
        ("Less than or equal to 100 MG", "tiered"),
        ("Greater than 7 days and up to 28 days of therapy ", "tiered"),
        ("10 MG (rituximab)", "qualified"),
        ("300 MCG (1500 IU)", "qualified"),
        ("1 SQ CM", "sq cm"),
        ("2 MEQ", "mEq"),
        ("0 MG", "zero"),
        ("100,00 UNITS", "other"),
        ("", "blank"),
    ],
)
def test_dosages_not_supported_yet(text: str, kind: str) -> None:
    dosage = parse_dosage(text)
    assert isinstance(dosage, UnsupportedDosage)
    assert (dosage.kind, dosage.text) == (kind, text)


def test_the_registry_names_each_importer() -> None:
    assert IMPORTERS["crosswalk"].parse is parse_crosswalk
    assert IMPORTERS["payment-limits"].parse is parse_payment_limits
