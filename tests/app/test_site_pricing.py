"""The site's payment limits: the shipped CMS file, then the site's folder, read lazily."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doseunits.app.folders import config_dir
from doseunits.app.site import PAYMENT_LIMITS_FOLDER, Site
from doseunits.catalog.pricing import NoPrice, Price
from doseunits.errors import DoseUnitsError

HEADER = (
    "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,Co-insurance Percentage,Notes\n"
)


def limit_file(name: str, effective: str, rows: str) -> None:
    """A payment limit file laid out as CMS's; its figures are test data, not CMS's."""
    folder = config_dir() / PAYMENT_LIMITS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    text = f"Payment Allowance Limits for Medicare Part B Drugs,,,,,\n{effective},,,,,\n\n"
    (folder / name).write_text(text + HEADER + rows, encoding="utf-8")


def test_the_limits_are_read_on_first_use_not_with_the_site() -> None:
    site = Site.load()
    assert site._payment_limits is None
    limits = site.payment_limits()
    assert site.payment_limits() is limits  # once
    price = limits.price("J9022", dt.date(2025, 11, 15))
    assert isinstance(price, Price)
    assert price.dollars_per_unit == Decimal("91.340")


def test_a_site_file_adds_its_quarter_and_overrides_the_shipped_one() -> None:
    limit_file(
        "2026-01.csv",
        '"Effective January 1, 2026 through March 31, 2026"',
        '"J9022","Inj, atezolizumab,10 mg",10 MG,99.999,20.000,\n',
    )
    limit_file(
        "2025-10-corrected.csv",
        '"Effective October 1, 2025 through December 31, 2025"',
        '"J9022","Inj, atezolizumab,10 mg",10 MG,90.000,20.000,\n',
    )
    limits = Site.load().payment_limits()
    january = limits.price("J9022", dt.date(2026, 2, 1))
    november = limits.price("J9022", dt.date(2025, 11, 15))
    assert isinstance(january, Price)
    assert isinstance(november, Price)
    assert (january.dollars_per_unit, january.source) == (Decimal("99.999"), "2026-01.csv")
    assert (november.dollars_per_unit, november.source) == (
        Decimal("90.000"), "2025-10-corrected.csv",
    )  # fmt: skip
    # A code the site's quarter does not list is not priced from the shipped quarter.
    missing = limits.price("J9035", dt.date(2025, 11, 15))
    assert isinstance(missing, NoPrice)
    assert "2025-10-corrected.csv" in missing.reason
    assert isinstance(limits.price("J9022", dt.date(2026, 4, 1)), NoPrice)


def test_a_site_file_that_is_not_a_payment_limit_file_is_one_sentence_naming_it() -> None:
    folder = config_dir() / PAYMENT_LIMITS_FOLDER
    folder.mkdir(parents=True)
    (folder / "notes.csv").write_text("just,some\ntext,here\n", encoding="utf-8")
    site = Site.load()  # loading the site does not read it
    with pytest.raises(DoseUnitsError, match=r"notes\.csv.*payment limit file"):
        site.payment_limits()
