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
    QAbstractItemView,
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
from doseunits.gui.dialogs.info import VERIFIED_COLUMN, about_box, catalog_dialog
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
        assert found or name == "about", name  # the walk found its Alt-keys (OK has none)
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


def active(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def drug_id(window: MainWindow) -> str:
    drug = window.drug_selector.current_drug()
    return drug.id if drug else ""


def type_drug(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type into the picker, then let its list of matches settle (one event loop turn)."""
    line = window.drug_selector.lineEdit()
    assert line is not None
    qtbot.keyClicks(line, text)
    qtbot.wait(10)


def test_focus_starts_in_the_drug_picker_with_its_text_selected(
    qtbot: QtBot, window: MainWindow
) -> None:
    active(qtbot, window)
    assert QApplication.focusWidget() is window.drug_selector
    line = window.drug_selector.lineEdit()
    assert line is not None
    assert line.selectedText() == line.text() != ""
    type_drug(qtbot, window, "nivo")  # replaces the selected name
    assert line.text() == "nivo"


@pytest.mark.parametrize("key", [Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_tab_and_enter_take_the_highlighted_match(
    qtbot: QtBot, window: MainWindow, key: Qt.Key
) -> None:
    active(qtbot, window)
    window.focus_drug()
    type_drug(qtbot, window, "ritux")  # two drugs: rituximab (first), rituximab SC
    assert drug_id(window) == ""
    assert window.drug_selector.highlighted_match() is not None
    qtbot.keyClick(QApplication.focusWidget(), key)
    assert drug_id(window) == "rituximab"
    assert window.drug_selector.currentText() == "Rituximab (Rituxan) - J9312"
    assert not window.drug_message.isVisible()  # no "No drug matches" beside the match
    assert not window.drug_selector.hasFocus()  # Tab and Enter both move on
    assert QApplication.focusWidget() is window.order_form.flat or key != Qt.Key.Key_Tab


def test_enter_goes_on_to_the_dose_the_order_uses(qtbot: QtBot, window: MainWindow) -> None:
    active(qtbot, window)
    type_drug(qtbot, window, "nivo")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.order_form.inputs["dose"]
    window.order_form.per_kg.setChecked(True)
    window.focus_drug()
    type_drug(qtbot, window, "saci")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert drug_id(window) == "sacituzumab-govitecan"
    assert QApplication.focusWidget() is window.order_form.inputs["dose_per_kg"]


def test_the_arrow_keys_choose_another_match(qtbot: QtBot, window: MainWindow) -> None:
    active(qtbot, window)
    type_drug(qtbot, window, "ritux")
    completer = window.drug_selector.completer()
    popup = completer.popup() if completer is not None else None
    assert isinstance(popup, QAbstractItemView)
    assert popup.isVisible()
    assert popup.currentIndex().row() == 0  # the first match is highlighted
    assert [i.row() for i in popup.selectionModel().selectedIndexes()] == [0]
    # The keys go where a keyboard sends them, the focus widget: the list never holds the
    # keyboard (drug_selector.py, _completer_ready).
    assert QApplication.focusWidget() is window.drug_selector
    qtbot.keyClick(window.drug_selector, Qt.Key.Key_Down)
    qtbot.keyClick(window.drug_selector, Qt.Key.Key_Return)
    assert drug_id(window) == "rituximab-hyaluronidase"


def test_a_name_matching_one_drug_is_that_drug_while_typing(
    qtbot: QtBot, window: MainWindow
) -> None:
    active(qtbot, window)
    # "sacit" names one drug in the whole catalog ("nivo" is nivolumab and, in the CMS-built
    # part, nivolumab with relatlimab: two, so neither is picked for the user)
    type_drug(qtbot, window, "sacit")
    assert drug_id(window) == "sacituzumab-govitecan"
    assert window.drug_selector.currentText() == "sacit"  # still as typed
    window.order_form.inputs["dose"].setText("725")
    assert window.result is not None
    assert window.result.drug.id == "sacituzumab-govitecan"
    counts_before = [s.value() for s in window.vials._spins]
    type_drug(qtbot, window, "u")  # "sacitu": the same drug, its vials untouched
    assert [s.value() for s in window.vials._spins] == counts_before
    assert drug_id(window) == "sacituzumab-govitecan"


def test_a_text_matching_nothing_stays_an_error_after_tab(qtbot: QtBot, window: MainWindow) -> None:
    active(qtbot, window)
    type_drug(qtbot, window, "zzz")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert drug_id(window) == ""
    assert "No drug matches 'zzz'" in window.drug_message.text()


def test_new_order_puts_focus_back_in_the_drug_picker(qtbot: QtBot, window: MainWindow) -> None:
    active(qtbot, window)
    window.order_form.inputs["dose"].setFocus()
    window.new_order()
    assert QApplication.focusWidget() is window.drug_selector


def test_help_catalog_searches_and_shows_every_column(
    qtbot: QtBot, window: MainWindow, catalog: Catalog
) -> None:
    from PySide6.QtWidgets import QLineEdit, QTableWidget

    window.resize(1024, 738)
    dialog = catalog_dialog(catalog, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableWidget, "catalogTable")
    search = dialog.findChild(QLineEdit, "catalogSearch")
    found = dialog.findChild(QLabel, "catalogFound")
    assert table is not None
    assert search is not None
    assert found is not None
    assert dialog.width() <= window.screen().availableGeometry().width()
    viewport = table.viewport()
    assert viewport is not None
    for column in range(table.columnCount()):  # each column starts inside the table
        assert table.columnViewportPosition(column) < viewport.width(), column
    verified = table.columnViewportPosition(VERIFIED_COLUMN) + table.columnWidth(VERIFIED_COLUMN)
    assert verified <= viewport.width()  # what is verified: in view, whole
    source = table.columnViewportPosition(9)
    assert source + 12 * table.fontMetrics().averageCharWidth() <= viewport.width()
    table.setCurrentCell(0, 0)
    details = dialog.findChild(QLabel, "catalogDetails")
    assert details is not None
    assert details.text().startswith("Atezolizumab (Tecentriq), NDC 50242-0917-01: Injection")
    assert "Source: " in details.text()
    total = table.rowCount()
    assert found.text() == f"{total} NDCs of {len(catalog.drugs)} drugs shown."
    qtbot.keyClicks(search, "J9317")
    shown = [r for r in range(total) if not table.isRowHidden(r)]
    assert {table.item(r, 1).text() for r in shown} == {"J9317"}  # type: ignore[union-attr]
    ndcs = len(catalog.find("J9317").presentations)
    assert len(shown) == ndcs
    assert found.text() == f"{ndcs} NDC{'' if ndcs == 1 else 's'} of 1 drug shown."
    search.clear()
    qtbot.keyClicks(search, "0003-3734")
    shown = [r for r in range(total) if not table.isRowHidden(r)]
    assert {table.item(r, 0).text() for r in shown} == {"Nivolumab (Opdivo)"}  # type: ignore[union-attr]
    dialog.close()


def tab_chain(window: MainWindow) -> list[QWidget]:
    """The widgets Tab visits from the drug picker, in order, until it comes back."""
    chain: list[QWidget] = [window.drug_selector]
    widget: QWidget = window.drug_selector
    for _ in range(5000):
        following = widget.nextInFocusChain()
        assert following is not None
        widget = following
        if widget is window.drug_selector:
            return chain
        takes_tab = widget.focusPolicy().value & 0x1 and widget.focusProxy() is None
        if takes_tab and widget.isEnabled() and widget.isVisible():
            chain.append(widget)
    raise AssertionError("the focus chain does not come back to the drug picker")


def accessible_name(widget: QWidget) -> str:
    """What a screen reader reads as the widget's name: its accessible name, or for a
    combo box (whose name on Linux is its text) the label it is labelled by."""
    from PySide6.QtGui import QAccessible

    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None, widget.objectName()
    name = iface.text(QAccessible.Text.Name)
    if iface.role() == QAccessible.Role.ComboBox:
        labels = [
            other.text(QAccessible.Text.Name)
            for other, relation in iface.relations(QAccessible.RelationFlag.Labelled)
        ]
        name = widget.accessibleName() or " ".join(labels)
    return name


@pytest.mark.parametrize("size", [(1280, 770), (853, 503)])
def test_every_focusable_widget_has_an_accessible_name(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    window.billing.rounding.setValue(10)
    window.order_form.inputs["dose"].setText("1150")  # the rounding button is there
    qtbot.wait(20)
    for pane in (window.form_pane, window.results_pane):
        window.show_pane(pane)
        qtbot.wait(10)
        for widget in tab_chain(window):
            name = accessible_name(widget)
            assert name.strip(), widget.objectName() or type(widget).__name__
            assert "&" not in name, name


def test_tab_goes_through_the_window_in_the_order_it_reads(window: MainWindow) -> None:
    window.resize(1280, 770)
    window.billing.rounding.setValue(10)
    window.order_form.inputs["dose"].setText("1150")
    names = [w.objectName() for w in tab_chain(window)]
    expected = [
        "drugSelector", "flatDoseMode", "doseInput", "administeredInput", "dateInput",
        "acceptRoundingButton", "payerSelector", "acquired340bCheck", "roundingPercentInput",
        "scanInput", "vialTable", "vialCount_50242091701", "vialLot_50242091701",
        "vialExpiry_50242091701", "vialCount_50242091801", "leastWasteButton",
        "preparerInput", "witnessInput", "wasteReasonInput", "patientInput", "linesTable",
        "snippetView", "copyButton", "saveButton", "printButton", "newOrderButton",
    ]  # fmt: skip
    positions = [names.index(name) for name in expected]
    assert positions == sorted(positions), names
    assert "formPane" not in names  # the scroll panes are no Tab stop
    assert "resultsScroll" not in names


def test_switching_the_dose_type_takes_the_focus_to_the_other_types_first_field(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Alt+B then a quick Tab put the focus in the dose, which the switch then turned
    off: the focus went on to Administered and the dose per kg was typed there."""
    active(qtbot, window)
    form = window.order_form
    form.inputs["dose"].setFocus()
    form.per_kg.setChecked(True)
    assert QApplication.focusWidget() is form.inputs["dose_per_kg"]
    form.inputs["weight"].setFocus()
    form.flat.setChecked(True)
    assert QApplication.focusWidget() is form.inputs["dose"]


def test_alt_b_switches_the_dose_type_before_the_next_key(qtbot: QtBot, window: MainWindow) -> None:
    # Qt clicks a button's mnemonic 100 ms late (animateClick): "Alt+B Tab 10" typed at a
    # keyboard's pace put the 1 into the dose field. The switch must come with the Alt+B.
    active(qtbot, window)
    window.drug_selector.select("sacituzumab-govitecan")
    window.focus_dose()
    qtbot.keyClick(window.order_form.inputs["dose"], Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    form = window.order_form
    assert form.per_kg.isChecked()  # at once: no event loop has run since the key
    assert not form.inputs["dose"].isEnabled()
    assert form.inputs["dose_per_kg"].isEnabled()
    qtbot.keyClick(form.per_kg, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "10")
    assert form.inputs["dose_per_kg"].text() == "10"
    assert form.inputs["dose"].text() == ""
    qtbot.wait(150)  # the late click itself changes nothing
    assert form.per_kg.isChecked()
    qtbot.keyClick(form.per_kg, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert form.flat.isChecked()
