"""The window on small and scaled screens: side by side when both panes fit, else two
tabs with the lines in short below them; every control reachable, nothing moved by a
message that comes and goes. (Real screenshots: packaging/screenshots.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QByteArray, QPoint, QRect
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from doseunits.app.settings import WINDOW_GEOMETRY
from doseunits.gui.actions.window_settings import fit_to_screen
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, open_window

#: (width, height) in Qt's logical pixels: 1024x768 at 100%, 1280x800 at 150%
#: (QT_SCALE_FACTOR=1.5), less a window manager's title bar.
SMALL = {"1024x768": (1024, 768 - 30), "1280x800 at 150%": (853, 533 - 30)}


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    yield window
    window.close()


def is_narrow(window: MainWindow) -> bool:
    return window.narrow


def settle(qtbot: QtBot) -> None:
    qtbot.wait(20)


def focusable(window: MainWindow) -> list[QWidget]:
    """The widgets Tab reaches in the order and results panes."""
    found = []
    for pane in (window.form_pane, window.results_pane):
        content = pane.widget()
        assert content is not None
        for widget in content.findChildren(QWidget):
            takes_tab = widget.focusPolicy().value & 0x1 and widget.focusProxy() is None
            if takes_tab and widget.isEnabled() and widget.isVisibleTo(content):
                found.append(widget)
    return found


def pane_of(window: MainWindow, widget: QWidget) -> QScrollArea:
    for pane in (window.form_pane, window.results_pane):
        if pane.isAncestorOf(widget):
            return pane
    raise AssertionError(widget.objectName())


@pytest.mark.parametrize("screen", SMALL)
def test_small_screens_get_tabs_and_every_control_is_reachable(
    qtbot: QtBot, window: MainWindow, screen: str
) -> None:
    width, height = SMALL[screen]
    window.resize(width, height)
    field(window, "dose").setText("1050")
    settle(qtbot)
    assert (window.width(), window.height()) == (width, height)  # no larger than asked
    minimum = window.minimumSizeHint()
    assert minimum.width() <= width
    assert minimum.height() <= height
    assert is_narrow(window)
    assert window.tabs.isVisible()
    assert not window.splitter.isVisible()
    whole = window.rect()
    widgets = focusable(window)
    assert len(widgets) > 20
    for widget in widgets:
        pane = pane_of(window, widget)
        window.show_pane(pane)
        pane.ensureWidgetVisible(widget)
        settle(qtbot)
        assert widget.isVisible(), widget.objectName()
        box = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        viewport = pane.viewport()
        assert viewport is not None
        shown = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())
        name = widget.objectName() or widget.accessibleName() or type(widget).__name__
        assert whole.contains(shown), name
        assert shown.left() <= box.left(), name  # not cut on either side
        assert box.right() <= shown.right(), name
        # In view: all of it, or (taller than the view, the note) its top and the cursor.
        if box.height() <= shown.height():
            assert shown.contains(box) or shown.contains(box.topLeft()), name
        else:
            assert shown.contains(box.topLeft()), name
    for button in (window.copy_button, window.save_button, window.print_button,
                   window.new_button):  # fmt: skip
        box = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        assert whole.contains(box), button.objectName()


@pytest.mark.parametrize("screen", SMALL)
def test_the_lines_stay_in_view_while_typing_on_a_small_screen(
    qtbot: QtBot, window: MainWindow, screen: str
) -> None:
    window.resize(*SMALL[screen])
    window.show_pane(window.form_pane)
    field(window, "dose").setText("1050")
    settle(qtbot)
    summary = window.results.summary
    assert summary.isVisible()
    assert summary.text() == "Lines: J9022 105 units; J9022 JW 15 units"
    field(window, "dose").setText("10O0")
    assert "none" in summary.text()


def test_a_wide_window_has_the_order_and_results_side_by_side(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(1280, 770)
    settle(qtbot)
    assert not is_narrow(window)
    assert window.splitter.isVisible()
    assert window.form_pane.isVisible()
    assert window.results_pane.isVisible()
    assert not window.results.summary.isVisible()  # the lines themselves are in view
    window.resize(900, 700)  # and back to tabs, the focus kept
    dose = field(window, "dose")
    dose.setFocus()
    settle(qtbot)
    assert is_narrow(window)
    window.resize(1280, 770)
    settle(qtbot)
    assert not is_narrow(window)
    assert window.tabs.count() == 0


def test_a_size_saved_on_a_larger_screen_is_fitted_to_this_one(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(4000, 3000)
    window.settings.set(WINDOW_GEOMETRY, bytes(window.saveGeometry().data()))
    assert window.restoreGeometry(QByteArray(window.settings.get(WINDOW_GEOMETRY)))
    fit_to_screen(window)
    free = window.screen().availableGeometry()
    assert window.width() <= free.width()
    assert window.height() <= free.height()


def top_of(widget: QWidget, window: MainWindow) -> int:
    return widget.mapTo(window, QPoint(0, 0)).y()


@pytest.mark.parametrize("size", [(1280, 770), (1024, 738)])
def test_messages_that_come_and_go_move_nothing(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    window.billing.rounding.setValue(10)
    window.show_pane(window.form_pane)
    dose = field(window, "dose")
    dose.setText("1050")
    for _ in range(5):  # the first layout passes at this size
        settle(qtbot)
    below = [window.order_form.inputs["administered"], window.billing.payer, window.vials.scan]
    panes = [window.tabs if window.narrow else window.splitter]
    before = [top_of(w, window) for w in below + panes]
    for typed in ("10", "10O", "10O0", "1150", "115", "1150"):  # an error, a suggestion
        dose.setText(typed)
        settle(qtbot)
        assert [top_of(w, window) for w in below + panes] == before, typed
    assert window.rounding_banner.isVisible()
    QApplication.processEvents()
