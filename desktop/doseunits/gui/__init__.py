"""The desktop window (PySide6). It displays and edits; the billing lives in doseunits.core."""

from __future__ import annotations

from typing import TYPE_CHECKING

# Before any PySide6 import: PySide6 reads the source of every module imported after it
# (looking for ``from __feature__ import``), ~0.3 ms a module from a checkout. The core
# the window starts with, and the standard library under it, load first.
import doseunits.core.catalog
import doseunits.core.dates
import doseunits.core.payers
import doseunits.core.site
import doseunits.core.snippet  # noqa: F401

if TYPE_CHECKING:
    from doseunits.gui.main_window import MainWindow


def build_main_window() -> MainWindow:
    """The window the user gets, ready to show, without starting the event loop."""
    from doseunits.gui.app import build_main_window as build

    return build()
