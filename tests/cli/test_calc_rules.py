"""Issue 16's rules as `doseunits calc` prints them and as the audit judges them."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from conftest import fixture_drug
from doseunits.app.site import load_default_payers
from doseunits.audit.auditor import REQUIRED_COLUMNS, Auditor, audit_rows, open_report
from doseunits.catalog.model import Catalog
from doseunits.cli.main import main


def calc(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["calc", "--date", "2026-11-28", *args]) == 0
    out: str = capsys.readouterr().out
    return out


def test_calc_prints_powders_in_un_and_the_second_ndc(capsys: pytest.CaptureFixture[str]) -> None:
    out = calc(capsys, "--drug", "sacituzumab-govitecan", "--dose", "725")
    assert "J9317         290  55135-0132-01  4.028 UN  N455135013201 UN4.028" in out
    assert "J9317  JW      70  55135-0132-01  0.972 UN  N455135013201 UN0.972" in out
    out = calc(capsys, "--drug", "atezolizumab", "--dose", "2040", "--vial", "1200x1",
               "--vial", "840x1")  # fmt: skip
    assert "the second goes in item 19 of the CMS-1500 or the 837P NTE segment" in out
    assert "denied as a duplicate" in out


def test_calc_less_given_says_what_the_lines_bill(capsys: pytest.CaptureFixture[str]) -> None:
    out = calc(capsys, "--drug", "atezolizumab", "--dose", "1200", "--administered", "800",
               "--vial", "840x1")  # fmt: skip
    assert "J9022  JW       4" in out
    assert "40 mg is left in the opened single-dose vials and counts as discarded" in out
    assert "not given counts as discarded" not in out


def test_the_audit_judges_mixed_containers_by_what_is_discarded() -> None:
    """280 mg from 150 mg single-dose and 420 mg multi-dose vials: two 150 mg vials and
    JW 2 is waste beyond the least-waste vials (one 420 mg, nothing discarded)."""
    drug = fixture_drug("10", ["150"])
    multi = fixture_drug("10", ["420"], "multi-dose").presentations[0]
    multi = dataclasses.replace(multi, ndc=multi.ndc._replace(package="02"))
    mixed = Catalog((dataclasses.replace(drug, presentations=(*drug.presentations, multi)),))
    header = ",".join(REQUIRED_COLUMNS)
    text = f"{header}\n2026-11-28,fixture,280,150x2,28,,2\n2026-11-28,fixture,280,420x1,28,,0\n"
    reader, writer = open_report(io.StringIO(text), out := io.StringIO())
    audit_rows(reader, writer, Auditor(mixed, load_default_payers()))
    report = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["status"], r["reason"]) for r in report] == [
        ("mismatch", "2 JW units are waste beyond the least-waste vials for 280 mg (0 mg "
         "labeled single-dose); payers may deny them (if more was ordered than given, add "
         "ordered)"),
        ("ok", ""),
    ]  # fmt: skip
