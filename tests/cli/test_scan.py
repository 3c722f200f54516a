"""Real GS1 element strings built for our NDCs, through the engine and the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doseunits.catalog.model import Catalog
from doseunits.catalog.ndc import Ndc
from doseunits.cli.main import main
from doseunits.errors import InputError
from doseunits.scan import parse_scan, ten_digit_forms
from scan_helpers import ATEZOLIZUMAB_1200, GS, NIVOLUMAB_240, TRODELVY, gtin_for, scan_of


@pytest.mark.parametrize(
    ("text", "ndc", "drug"),
    [
        (scan_of(ATEZOLIZUMAB_1200, serial="SN1"), "50242-0917-01", "atezolizumab"),
        ("]d2" + scan_of(ATEZOLIZUMAB_1200, serial="SN1"), "50242-0917-01", "atezolizumab"),
        ("]Q3" + scan_of(NIVOLUMAB_240), "00003-3734-13", "nivolumab"),
        ("]C1" + scan_of(TRODELVY, expiry="261200"), "55135-0132-01", "sacituzumab-govitecan"),
        (f"01{gtin_for(ATEZOLIZUMAB_1200)}10B1234{GS}17270630", "50242-0917-01", "atezolizumab"),
    ],
)
def test_scans_of_our_vials(catalog: Catalog, text: str, ndc: str, drug: str) -> None:
    scan = parse_scan(text, catalog)
    assert str(scan.ndc) == ndc
    assert scan.drug is not None
    assert scan.drug.id == drug
    assert scan.lot == "B1234"
    assert scan.expiry in (dt.date(2027, 6, 30), dt.date(2026, 12, 31))  # DD 00: month end


def test_serial_with_and_without_the_separator(catalog: Catalog) -> None:
    with_gs = parse_scan(f"01{gtin_for(ATEZOLIZUMAB_1200)}10LOT7{GS}21SER99", catalog)
    assert (with_gs.lot, with_gs.serial) == ("LOT7", "SER99")
    # Without GS the variable-length lot swallows the rest, as GS1 says it must.
    without = parse_scan(f"01{gtin_for(ATEZOLIZUMAB_1200)}10LOT721SER99", catalog)
    assert (without.lot, without.serial) == ("LOT721SER99", "")


def test_expired_and_unknown(catalog: Catalog) -> None:
    old = parse_scan(scan_of(ATEZOLIZUMAB_1200, expiry="240131"), catalog)
    assert old.expired_on(dt.date(2026, 11, 28))
    unknown = parse_scan(scan_of("9999999999"), catalog)
    assert (unknown.ndc, unknown.drug, unknown.ndc10) == (None, None, "9999999999")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (scan_of(ATEZOLIZUMAB_1200)[:-8], "not a readable GS1"),  # truncated
        ("01" + gtin_for(ATEZOLIZUMAB_1200)[:-1] + "3", "check digit"),  # bad check digit
        ("hello", "not a readable GS1"),
        ("", "empty"),
        ("17270630", "no GTIN"),
        ("]", "not a GS1 barcode"),  # a typed "]" and Enter: biip raised IndexError
        (f"01{gtin_for(ATEZOLIZUMAB_1200)}17271332", r"AI \(17\)"),  # month 13
    ],
)
def test_malformed_scans_are_refused(catalog: Catalog, text: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        parse_scan(text, catalog)
    assert caught.value.field == "scan"


def test_ten_digit_forms() -> None:
    assert ten_digit_forms(Ndc.parse("50242-0917-01")) == {"5024291701", "5024209171"}
    assert "0003373413" in ten_digit_forms(Ndc.parse("0003-3734-13"))


def test_scan_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    text = "]d2" + scan_of(ATEZOLIZUMAB_1200, serial="SN1").replace(GS, "\\x1d")
    assert main(["scan", text, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "gtin": gtin_for(ATEZOLIZUMAB_1200), "ndc": "50242-0917-01", "drug": "atezolizumab",
        "lot": "B1234", "expiry": "2027-06-30", "serial": "SN1", "expired": False,
    }  # fmt: skip


def test_scan_command_unknown_ndc_is_null(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", scan_of("9999999999"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["ndc"], out["drug"]) == (None, None)


def test_scan_command_malformed_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", scan_of(ATEZOLIZUMAB_1200)[:10], "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("doseunits: ")
    assert captured.err.count("\n") == 1


def test_calc_with_payer_340b_and_rounding(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["calc", "--drug", "J9317", "--dose-per-kg", "10", "--weight", "72.5",
                 "--payer", "medicaid", "--340b", "--round-within", "10", "--json"])  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [(ln["modifiers"], ln["units"]) for ln in out["lines"]] == [
        (["UD"], 290), (["JW", "UD"], 70)  # Medicaid's 340B modifier, not Medicare's TB
    ]  # fmt: skip
    assert out["rounding_suggestion"]["rounded_mg"] == "720"
    assert "Payer profile: Medicaid" in out["snippet"]
    assert main(["calc", "--drug", "J9317", "--dose", "1", "--payer", "aetna"]) == 2
