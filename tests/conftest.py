"""Shared fixtures. Qt runs offscreen unless DOSEUNITS_TEST_ON_SCREEN=1 (for debugging)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

if not os.environ.get("DOSEUNITS_TEST_ON_SCREEN"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from doseunits.core.catalog import Catalog, Container, Drug, Presentation, load_default_catalog
from doseunits.core.ndc import Ndc

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes a real user's settings, site files or data."""
    monkeypatch.setenv("DOSEUNITS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DOSEUNITS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_default_catalog()


def fixture_drug(
    unit: str,
    strengths: list[str],
    container: Container = "single-dose",
    mg_per_ml: str = "10",
) -> Drug:
    """A made-up drug for the rule examples; its NDCs use labeler 99999 (test only)."""
    presentations = tuple(
        Presentation(
            ndc=Ndc("99999", f"{n:04d}", "01"),
            strength_mg=Decimal(s),
            volume_ml=Decimal(s) / Decimal(mg_per_ml),
            container=container,
            verified=True,
            source="test fixture, not a real product",
        )
        for n, s in enumerate(strengths, start=1)
    )
    return Drug(
        id="fixture",
        name="Fixture drug",
        hcpcs="J9999",
        descriptor=f"Test drug, {unit} mg",
        billing_unit_mg=Decimal(unit),
        verified=True,
        source="test fixture",
        presentations=presentations,
    )
