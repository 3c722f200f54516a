"""The drug picker's list of matches and the keys typed ahead of it.

The list is a window that never holds the keyboard (drug_selector.py, _completer_ready):
as Qt's popup it grabbed the keyboard, and on a busy X server the grab's focus-in could
come after Enter had closed it, so that the keys typed ahead went to the drug field
("atezo" Enter "1050": "10" in the drug, "50" in the dose). The X server's side is
tests/gui/test_keyboard_end_to_end.py; here, offscreen, what the fix rests on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from doseunits.gui.main_window import MainWindow
from gui_helpers import open_window


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.focus_drug()
    yield window
    window.close()


def matches_list(window: MainWindow) -> QAbstractItemView:
    completer = window.drug_selector.completer()
    popup = completer.popup() if completer is not None else None
    assert isinstance(popup, QAbstractItemView)
    return popup


def dose(window: MainWindow) -> QLineEdit:
    field = window.order_form.inputs["dose"]
    assert isinstance(field, QLineEdit)
    return field


def first_highlighted(popup: QAbstractItemView) -> bool:
    """The list open, its first match marked (the picker's _highlight_first has run)."""
    selected = [index.row() for index in popup.selectionModel().selectedIndexes()]
    return popup.isVisible() and popup.currentIndex().row() == 0 and selected == [0]


def key_event(char: str) -> QKeyEvent:
    """The key press a keyboard makes for ``char`` (a letter, a digit or Return)."""
    if char == "\r":
        key = Qt.Key.Key_Return
    elif char.isdigit():
        key = Qt.Key(Qt.Key.Key_0.value + int(char))
    else:
        key = Qt.Key(Qt.Key.Key_A.value + ord(char) - ord("a"))
    return QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, char)


def test_the_list_of_matches_never_holds_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.drug_selector, "ritux")
    popup = matches_list(window)
    qtbot.waitUntil(popup.isVisible)
    # Not Qt's popup (which grabs the keyboard) and never the focus window: the keys stay
    # with the window, in the order typed.
    assert QApplication.activePopupWidget() is None
    assert popup.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert popup.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert QApplication.focusWidget() is window.drug_selector
    assert QApplication.activeWindow() is window


def test_keys_queued_ahead_of_enter_go_to_the_dose(qtbot: QtBot, window: MainWindow) -> None:
    """A fast typist on a slow computer: "atezo" Enter "1050" all waiting in the window's
    queue before any is handled, each delivered as the window system delivers a key."""
    target = window.windowHandle()
    assert target is not None
    for char in "atezo\r1050":
        QApplication.postEvent(target, key_event(char))
    qtbot.waitUntil(lambda: dose(window).text() == "1050")
    assert window.drug_selector.currentText() == "Atezolizumab (Tecentriq) - J9022"
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.hcpcs == "J9022"
    assert QApplication.focusWidget() is dose(window)
    assert not matches_list(window).isVisible()


def test_keys_typed_while_the_list_is_open_edit_the_field(qtbot: QtBot, window: MainWindow) -> None:
    """Letters and Backspace typed with the list open reach the field (through the list,
    as with Qt's popup) and filter it again."""
    qtbot.keyClicks(window.drug_selector, "rituxx")
    popup = matches_list(window)
    assert window.drug_selector.currentText() == "rituxx"
    assert not popup.isVisible()  # nothing matches
    qtbot.keyClick(window.drug_selector, Qt.Key.Key_Backspace)
    qtbot.waitUntil(popup.isVisible)
    assert window.drug_selector.currentText() == "ritux"
    assert popup.model().rowCount() == 2  # rituximab, and rituximab with hyaluronidase


def test_up_down_escape_and_tab_go_through_the_field(qtbot: QtBot, window: MainWindow) -> None:
    """The keys Qt's popup took, and the same answers (its completer does the work):
    "ritux" has two matches; Down past the last goes back to the typed text."""
    picker = window.drug_selector
    qtbot.keyClicks(picker, "ritux")
    popup = matches_list(window)
    qtbot.waitUntil(lambda: first_highlighted(popup))
    assert popup.model().rowCount() == 2
    second = popup.model().index(1, 0).data()
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert popup.currentIndex().row() == 1
    assert picker.currentText() == second  # the highlighted match, shown in the field
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    assert not popup.currentIndex().isValid()
    assert picker.currentText() == "ritux"
    qtbot.keyClick(picker, Qt.Key.Key_Up)
    assert popup.currentIndex().row() == 1
    # Escape closes the list and nothing else; the focus stays.
    qtbot.keyClick(picker, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert picker.currentText() == second
    assert QApplication.focusWidget() is picker
    # Tab takes the highlighted match and goes on.
    line = picker.lineEdit()
    assert line is not None
    line.clear()
    qtbot.keyClicks(picker, "ritux")
    qtbot.waitUntil(lambda: first_highlighted(popup))
    qtbot.keyClick(picker, Qt.Key.Key_Down)
    qtbot.keyClick(picker, Qt.Key.Key_Tab)
    assert not popup.isVisible()
    assert picker.currentText() == second
    drug = picker.current_drug()
    assert drug is not None
    assert drug.id == "rituximab-hyaluronidase"
    assert QApplication.focusWidget() is not picker


def test_a_click_on_a_match_picks_it(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.drug_selector, "ritux")
    popup = matches_list(window)
    qtbot.waitUntil(popup.isVisible)
    index = popup.model().index(1, 0)
    label = index.data()
    qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center()
    )
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert window.drug_selector.currentText() == label
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert label.endswith(drug.hcpcs)


def test_the_list_closes_when_the_window_loses_the_keyboard(
    qtbot: QtBot, window: MainWindow
) -> None:
    qtbot.keyClicks(window.drug_selector, "ritux")
    popup = matches_list(window)
    qtbot.waitUntil(popup.isVisible)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert window.drug_selector.currentText() == "ritux"  # left as typed, nothing taken


def test_the_list_closes_when_the_window_moves(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.drug_selector, "ritux")
    popup = matches_list(window)
    qtbot.waitUntil(popup.isVisible)
    window.move(window.pos().x() + 40, window.pos().y() + 30)
    qtbot.waitUntil(lambda: not popup.isVisible())


def test_the_list_closes_for_the_combo_boxs_own(qtbot: QtBot, window: MainWindow) -> None:
    picker = window.drug_selector
    qtbot.keyClicks(picker, "ritux")
    popup = matches_list(window)
    qtbot.waitUntil(popup.isVisible)
    arrow = picker.rect().right() - 4, picker.rect().center().y()
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton, pos=QPoint(*arrow))
    assert not popup.isVisible()
    picker.hidePopup()
