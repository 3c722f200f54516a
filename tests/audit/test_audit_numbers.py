"""The audit reads numbers as the command line and the window do (issue 17): the probe
found Thai, Arabic and fullwidth digits, 1_050, more than 6 decimals and 20-40
significant digits accepted, giving wrong expected units (1050.00000000000000000000000001
mg marked ok at 105 units; the exact ceiling is 106)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doseunits.audit.auditor import Auditor, audit_rows, open_report
from doseunits.audit.row_fields import RowError, claim_amount, unit_count
from doseunits.catalog.model import Catalog
from doseunits.errors import InputError
from doseunits.payers.model import PayerList
from doseunits.quantities import MAX_DOSE_MG, MCG, MG, amount_in, to_decimal

HEADER = "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units"
MG_HEADER = HEADER.replace("administered", "administered_mg")


def audited(catalog: Catalog, header: str, row: str) -> dict[str, str]:
    out = io.StringIO()
    reader, writer = open_report(io.StringIO(f"{header}\n{row}\n"), out)
    audit_rows(reader, writer, Auditor(catalog, PayerList(())))
    [report] = list(csv.DictReader(io.StringIO(out.getvalue())))
    return report


REFUSED = [
    ("\u0e51\u0e50\u0e55\u0e50", "must be a number like 1050 or 72.5"),  # Thai digits
    ("\u0661\u0660\u0665\u0660", "must be a number like 1050 or 72.5"),  # Arabic-Indic digits
    ("\uff11\uff10\uff15\uff10", "must be a number like 1050 or 72.5"),  # fullwidth digits
    ("1_050", "must be a number like 1050 or 72.5"),
    ("1050.0000001", "more than 6 decimal places"),
    ("1050.00000000000000000000000001", "more than 6 decimal places"),
    ("1049.99999999999999999999999999999999999", "more than 6 decimal places"),
]


@pytest.mark.parametrize("header", [HEADER, MG_HEADER])
@pytest.mark.parametrize(("amount", "why"), REFUSED)
def test_an_amount_the_command_line_refuses_is_an_error_row_saying_why(
    catalog: Catalog, header: str, amount: str, why: str
) -> None:
    report = audited(catalog, header, f"2026-11-28,atezolizumab,{amount},1200x1,105,,15")
    column = header.split(",")[2]
    assert report["status"] == "error"
    assert report["expected_units"] == ""
    assert report["reason"].startswith(column)
    assert why in report["reason"] or "must be a number like 1050" in report["reason"]


@pytest.mark.parametrize(
    "units",
    ["\u0e51\u0e50\u0e55", "\u0661\u0660\u0665", "\uff11\uff10\uff15", "1_05",
     "105.0000001", "105.00000000000000000000000001"],
)  # fmt: skip
def test_billed_units_the_command_line_refuses_are_an_error_row(
    catalog: Catalog, units: str
) -> None:
    report = audited(catalog, HEADER, f"2026-11-28,atezolizumab,1050,1200x1,{units},,15")
    assert report["status"] == "error"
    assert report["reason"].startswith(
        ("billed_units must be a whole number", "billed_units is not a count of units")
    )


@pytest.mark.parametrize(
    ("amount", "units"), [("1050", "105"), ("1050.000000", "105"), ("1.05e3", "105"),
                          (" 1050 ", "105"), ("1050.5", "106"), ("1050 mg", "105")],
)  # fmt: skip
def test_amounts_the_command_line_reads_are_read_the_same(
    catalog: Catalog, amount: str, units: str
) -> None:
    report = audited(catalog, HEADER, f"2026-11-28,atezolizumab,{amount},1200x1,{units},,14")
    assert report["expected_units"] == units, report["reason"]


NUMBERISH = st.text(
    alphabet=st.sampled_from("0123456789.-+eE _\u0e51\u0661\uff11 mgc"), min_size=0, max_size=45
) | st.decimals(allow_nan=False, allow_infinity=False).map(str)


@settings(max_examples=1500, deadline=None)
@given(NUMBERISH, st.sampled_from([MG, MCG]))
def test_the_audit_reads_every_amount_as_amount_in_does(text: str, measure: object) -> None:
    assert measure in (MG, MCG)
    expected: Decimal | None
    try:
        read = amount_in(text, measure, "administered")  # type: ignore[arg-type]
        expected = read if 0 < read <= MAX_DOSE_MG else None
    except InputError:
        expected = None
    try:
        got: Decimal | None = claim_amount(text, measure)  # type: ignore[arg-type]
    except RowError:
        got = None
    assert got == expected


@settings(max_examples=1000, deadline=None)
@given(NUMBERISH)
def test_the_audit_reads_every_count_as_to_decimal_does(text: str) -> None:
    try:
        number = to_decimal(text, "billed_units")
        expected: int | None = (
            int(number)
            if number == number.to_integral_value() and number >= 0 and number.adjusted() <= 9
            and len(text.strip()) <= 12
            else None
        )  # fmt: skip
    except InputError:
        expected = None if text.strip() else 0
    try:
        got: int | None = unit_count(text, "billed_units", empty_is_zero=True)
    except RowError:
        got = None
    assert got == expected
