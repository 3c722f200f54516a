"""Keyboard first: one Alt-key per letter in every window, dialog and menu; the drug picker
takes focus and the match; Tab order and accessible names (through Qt's accessibility)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from doseunits.app.site import load_default_payers
from doseunits.catalog.model import Catalog
from doseunits.gui.dialogs.audit_dialog import AuditDialog
from doseunits.gui.dialogs.info import about_box, catalog_dialog
from doseunits.gui.main_window import MainWindow
from gui_helpers import open_window

W = TypeVar("W", bound=QWidget)


def mnemonic(text: str) -> str:
    """The Alt-key of a text with an ``&`` ("" when none), as Qt reads it."""
    return QKeySequence.mnemonic(text).toString()


def mnemonics(top: QWidget) -> dict[str, list[str]]:
    """Every Alt-key of one window or dialog (its menu bar's titles included, not the
    items inside a menu: those are each menu's own) -> the texts that use it."""
    found: dict[str, list[str]] = {}

    def mine(widgets: Sequence[W]) -> list[W]:  # not those of a child dialog
        return [w for w in widgets if w.window() is top]

    def add(text: str) -> None:
        key = mnemonic(text)
        if key:
            found.setdefault(key, []).append(text)

    for label in mine(top.findChildren(QLabel)):
        if label.buddy() is not None:
            add(label.text())
    for button in mine(top.findChildren(QAbstractButton)):
        add(button.text())
    for box in mine(top.findChildren(QGroupBox)):
        add(box.title())
    for bar in mine(top.findChildren(QTabBar)):
        for index in range(bar.count()):
            add(bar.tabText(index))
    for menu_bar in mine(top.findChildren(QMenuBar)):
        for action in menu_bar.actions():
            add(action.text())
    return found


def menu_mnemonics(menu: QMenu) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for action in menu.actions():
        key = mnemonic(action.text())
        if key:
            found.setdefault(key, []).append(action.text())
    return found


def collisions(found: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: texts for key, texts in found.items() if len(texts) > 1}


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    yield window
    window.close()


def test_no_alt_key_has_two_targets_in_any_window_dialog_or_menu(
    qtbot: QtBot, window: MainWindow, catalog: Catalog
) -> None:
    window.billing.rounding.setValue(10)  # the rounding banner and its button are there
    window.order_form.inputs["dose"].setText("1150")
    assert window.rounding_banner.isVisible()
    tops: dict[str, QWidget] = {"main window": window}
    tops["catalog"] = catalog_dialog(catalog, window)
    tops["about"] = about_box(catalog, window)
    tops["audit"] = AuditDialog(catalog, load_default_payers(), window)
    window.order_history.keep_action.setChecked(True)
    window.order_history.show_dialog()
    history = window.findChild(QDialog, "historyDialog")
    assert history is not None
    tops["history"] = history
    walked = {}
    for name, top in tops.items():
        found = mnemonics(top)
        assert found or name in ("about", "catalog"), name  # the walk found its Alt-keys
        walked[name] = collisions(found)
    menus = [a.menu() for a in window.menuBar().actions()]
    for menu in menus:
        assert isinstance(menu, QMenu)
        walked[f"menu {menu.title()}"] = collisions(menu_mnemonics(menu))
    assert {name: found for name, found in walked.items() if found} == {}
    assert len(menus) == 3
    for top in tops.values():
        if top is not window:
            top.close()
            top.deleteLater()
    window.order_history.close()


def test_the_main_window_has_the_alt_keys_it_had_for_the_order(window: MainWindow) -> None:
    found = mnemonics(window)
    for key in ("Alt+F", "Alt+E", "Alt+H", "Alt+R", "Alt+D", "Alt+K", "Alt+W", "Alt+B",
                "Alt+S", "Alt+C", "Alt+N", "Alt+A", "Alt+V"):  # fmt: skip
        assert key in found, key


def test_alt_f_opens_the_file_menu(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.drug_selector.setFocus()
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    qtbot.keyClick(window.drug_selector, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(file_menu.isVisible)
    assert QApplication.activePopupWidget() is file_menu
    file_menu.close()
    qtbot.waitUntil(lambda: not file_menu.isVisible())


def test_alt_r_goes_back_to_the_drug(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    reason = window.note_form.inputs["waste_reason"]
    reason.setFocus()
    qtbot.keyClick(reason, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.drug_selector.hasFocus())
