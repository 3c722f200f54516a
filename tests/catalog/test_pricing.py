"""Payment limits by code and date of service: the real October 2025 file, several
quarters, and the figure withheld (never stale) outside them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from doseunits.catalog.importers.base import Quarter
from doseunits.catalog.importers.files import read_payment_limits
from doseunits.catalog.pricing import NoPrice, PaymentLimits, Price, QuarterLimits, cents, usd

ROOT = Path(__file__).resolve().parents[2]
OCTOBER = ROOT / "resources" / "cms" / "2025-10-asp-pricing-file.csv"
Q4 = Quarter(dt.date(2025, 10, 1), dt.date(2025, 12, 31))
Q1 = Quarter(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def october() -> QuarterLimits:
    result = read_payment_limits(OCTOBER)
    records = ((r.hcpcs, r.dollars_per_unit) for r in result.records)
    return QuarterLimits.of(records, result.quarter, OCTOBER.name)


def test_the_october_2025_limits_price_atezolizumab_as_published() -> None:
    limits = PaymentLimits([october()])
    price = limits.price("J9022", dt.date(2025, 11, 15))
    assert isinstance(price, Price)
    assert price.dollars_per_unit == Decimal("91.340")
    assert str(price.dollars_per_unit) == "91.340"  # its three places kept
    assert price.quarter == Q4
    assert price.source == "2025-10-asp-pricing-file.csv"
    assert usd(price.allowed(105)) == "$9,590.70"
    assert usd(price.allowed(15)) == "$1,370.10"
    assert cents(price.allowed(105)) == "9590.70"


@pytest.mark.parametrize("day", [dt.date(2025, 10, 1), dt.date(2025, 12, 31)])
def test_both_ends_of_the_quarter_are_priced(day: dt.date) -> None:
    assert isinstance(PaymentLimits([october()]).price("J9035", day), Price)


@pytest.mark.parametrize("day", [dt.date(2025, 9, 30), dt.date(2026, 1, 1)])
def test_a_date_outside_every_quarter_is_withheld_with_its_reason(day: dt.date) -> None:
    price = PaymentLimits([october()]).price("J9022", day)
    assert isinstance(price, NoPrice)
    assert price.reason == (
        f"no payment limit file covers {day.isoformat()} (imported: 2025-10-01 to "
        "2025-12-31); import that quarter's CMS file"
    )


def test_a_code_the_quarter_does_not_list_is_withheld() -> None:
    price = PaymentLimits([october()]).price("J9998", dt.date(2025, 11, 1))
    assert isinstance(price, NoPrice)
    assert "no payment limit for J9998 in 2025-10-asp-pricing-file.csv" in price.reason


def test_no_file_at_all_says_so() -> None:
    price = PaymentLimits().price("J9022", dt.date(2025, 11, 1))
    assert isinstance(price, NoPrice)
    assert price.reason == "no payment limit file is loaded"


def test_each_date_takes_its_own_quarter_and_the_last_file_wins_a_shared_one() -> None:
    # Made-up figures (test data, not CMS's): a second quarter and a corrected Q4.
    q1 = QuarterLimits.of([("J9022", Decimal("92.001"))], Q1, "test-q1.csv")
    corrected = QuarterLimits.of([("J9022", Decimal("90.5"))], Q4, "test-q4-corrected.csv")
    limits = PaymentLimits([october(), q1])
    first, second = (
        limits.price("J9022", dt.date(2025, 12, 31)),
        limits.price("J9022", dt.date(2026, 1, 2)),
    )
    assert isinstance(first, Price)
    assert isinstance(second, Price)
    assert (first.dollars_per_unit, second.dollars_per_unit) == (
        Decimal("91.340"), Decimal("92.001"),
    )  # fmt: skip
    later = PaymentLimits([october(), q1, corrected]).price("J9022", dt.date(2025, 11, 15))
    assert isinstance(later, Price)
    assert (later.dollars_per_unit, later.source) == (Decimal("90.5"), "test-q4-corrected.csv")


def test_cents_round_half_up_only_for_display() -> None:
    assert usd(Decimal("0.005")) == "$0.01"
    assert usd(Decimal("1234567.125")) == "$1,234,567.13"
    assert cents(Decimal("2.675")) == "2.68"  # a float would give 2.67
