"""Helpers for driving the real window in tests."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from doseunits.gui import build_main_window
from doseunits.gui.main_window import MainWindow


def line_rows(window: MainWindow) -> list[list[str]]:
    table: QTableWidget = window.results.lines
    rows = []
    for row in range(table.rowCount()):
        cells = [table.item(row, c) for c in range(table.columnCount())]
        rows.append([cell.text() if cell else "" for cell in cells])
    return rows


def units(window: MainWindow) -> list[tuple[str, str]]:
    """(modifiers, units) of each claim line as shown."""
    return [(row[1], row[2]) for row in line_rows(window) if row[2]]


def field(window: MainWindow, name: str) -> QLineEdit:
    return window.order_form.inputs[name]


def message(window: MainWindow, name: str) -> str:
    label = window.order_form.messages[name]
    return label.text() if label.isVisible() else ""


def type_text(widget: QWidget, text: str) -> None:
    """Type any text as key events carrying it (QTest.keyClicks asserts on non-ASCII)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def open_window(qtbot: QtBot, drug: str = "atezolizumab") -> MainWindow:
    """The real window as the user gets it, shown, with a drug picked."""
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    window.drug_selector.select(drug)
    return window
