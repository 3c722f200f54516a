"""Shared fixtures. Qt runs offscreen unless DOSEUNITS_TEST_ON_SCREEN=1 (for debugging)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

if not os.environ.get("DOSEUNITS_TEST_ON_SCREEN"):
    # A 1920x1200 screen (offscreen's own is 800x800, where the window is in its small
    # screen layout); tests/gui/test_window_layout.py sizes the window for small ones.
    _screen = Path(__file__).resolve().parent / "data" / "offscreen-1920x1200.json"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

from doseunits.app.site import load_default_catalog
from doseunits.catalog.model import Catalog, Container, Drug, Presentation
from doseunits.catalog.ndc import Ndc

TODAY = dt.date(2026, 11, 28)


def _use_private_folders(base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSEUNITS_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("DOSEUNITS_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "xdg-config"))
    monkeypatch.setenv("DOSEUNITS_SITE_DIR", str(base / "system-site"))


@pytest.fixture(scope="session", autouse=True)
def _private_folders_for_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Module-wide windows (set up before any test's own folders) get private folders
    too: such a window once saved its fuzzed initials into the user's real settings."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _use_private_folders(tmp_path_factory.mktemp("session-folders"), monkeypatch)
        yield


@pytest.fixture(autouse=True)
def _private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes a real user's settings, site files or data."""
    _use_private_folders(tmp_path, monkeypatch)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Each test's windows are deleted when it ends, after its fixtures closed them.

    pytest-qt closes a test's widgets and calls deleteLater, which Qt carries out only
    in an event loop started afterwards; the tests' processEvents calls are not one, so
    closed windows, with their connections and timers, lived on until some later test
    ran a loop of its own (7 top-level widgets were still there at the end of tests/gui;
    none now). Tests that never made a QApplication are left be.
    """
    widgets = sys.modules.get("PySide6.QtWidgets")
    application = widgets.QApplication.instance() if widgets is not None else None
    if application is not None:
        from PySide6.QtCore import QEvent

        application.sendPostedEvents(None, QEvent.Type.DeferredDelete)


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


GUI_TESTS = Path(__file__).resolve().parent / "gui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The ``gui`` mark comes from here, never by hand: every test under tests/gui/, and
    any other that drives a real widget (it asks for ``qtbot``)."""
    for item in items:
        if item.path.is_relative_to(GUI_TESTS) or "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
