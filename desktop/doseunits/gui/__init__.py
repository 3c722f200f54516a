"""The desktop window (PySide6). It displays and edits; the billing lives in doseunits.engine.

How it starts, in order, and what waits for its first frame: doseunits.gui.startup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doseunits.gui.main_window import MainWindow


def build_main_window() -> MainWindow:
    """The window the user gets, ready to show, without starting the event loop."""
    from doseunits.gui.app import build_main_window as build

    return build()
