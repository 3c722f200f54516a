"""The desktop window (PySide6). It displays and edits; the billing lives in doseunits.engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

# Before any PySide6 import: PySide6 reads the source of every module named by an import
# statement after it loads (looking for "PySide6" in it), ~0.3 ms for a small module from
# a checkout, ~2 ms for typing.py. The core the window starts with, and the standard
# library under it, load first. For the same reason the window's modules name no more
# of the standard library than they must at import: they write ``TYPE_CHECKING = False``
# (which mypy and ruff read as typing's) and import the rest where it is used.
# tests/test_qt_names.py checks which sources the start reads.
import doseunits.app.folders
import doseunits.app.site
import doseunits.dates
import doseunits.outputs.note  # noqa: F401

if TYPE_CHECKING:
    from doseunits.gui.main_window import MainWindow


def build_main_window() -> MainWindow:
    """The window the user gets, ready to show, without starting the event loop."""
    from doseunits.gui.app import build_main_window as build

    return build()
