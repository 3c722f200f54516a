"""The vial row's "Check label": what an unconfirmed vial's label says, recorded for the
site as ``doseunits catalog confirm`` does, and billed at once (docs/billing-rules.md
§3.6a: single-dose, JW/JZ apply; multi-dose, neither)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from doseunits.app.folders import CONFIRMATIONS, catalog_folder
from doseunits.catalog.ndc import Ndc
from doseunits.gui import build_main_window
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, open_window, units

ZALTRAP_100 = Ndc.parse("00024-5840-01")  # Zaltrap 100 mg, J9400: no label record
TECENTRIQ_1200 = Ndc.parse("50242-0917-01")  # hand-checked single-dose


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot, "j9400")
    window.note_form.inputs["preparer"].setText("AB")
    yield window
    window.close()


def button(window: MainWindow, ndc: Ndc = ZALTRAP_100) -> QToolButton:
    found = window.vials.label_buttons.get(ndc)
    assert found is not None
    return found


def choose(window: MainWindow, container: str, ndc: Ndc = ZALTRAP_100) -> None:
    menu = button(window, ndc).menu()
    assert menu is not None
    action = next(a for a in menu.actions() if a.objectName() == f"vialLabel_{container}")
    action.trigger()


def recorded() -> list[str]:
    path = catalog_folder() / CONFIRMATIONS
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def container_of(window: MainWindow, ndc: Ndc) -> str:
    found = window.catalog.lookup_ndc(ndc)
    assert found is not None
    return found[1].container


def test_an_unconfirmed_vial_offers_the_label_check(window: MainWindow) -> None:
    assert set(window.vials.label_buttons) == {ZALTRAP_100, Ndc.parse("00024-5841-01")}
    check = button(window)
    assert check.text() == "Check label"
    assert check.accessibleName() == (
        "Container of 100 mg vial (volume and container not confirmed), NDC "
        "00024-5840-01: unconfirmed. Choose what the label says"
    )
    menu = check.menu()
    assert menu is not None
    assert [a.text() for a in menu.actions()] == [
        "Label says &single-dose (JW/JZ apply)",
        "Label says &multi-dose (neither JW nor JZ)",
    ]


def test_tab_reaches_the_label_check_before_the_rows_count(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.vials.table.setFocus()
    seen = []
    for _ in range(5):  # what Tab does where a widget does not take it itself
        window.focusNextPrevChild(True)
        now = QApplication.focusWidget()
        assert now is not None
        seen.append(now.objectName())
    assert seen == [
        "vialLabel_00024584001", "vialCount_00024584001", "vialLot_00024584001",
        "vialExpiry_00024584001", "vialLabel_00024584101",
    ]  # fmt: skip
    assert button(window).focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_a_hand_checked_vial_asks_nothing(qtbot: QtBot) -> None:
    window = open_window(qtbot, "atezolizumab")
    assert window.vials.label_buttons == {}
    assert window.vials.disagreement_note is None  # made when first needed
    window.close()


def test_single_dose_records_it_and_the_waste_is_billed(window: MainWindow) -> None:
    field(window, "dose").setText("150")
    window.vials.set_counts({ZALTRAP_100: 2})  # two 100 mg vials opened, as typed
    assert units(window) == [("", "150")]  # the administered line only, until checked
    assert "not ready until the label is checked" in window.vials.message.text()
    choose(window, "single-dose")
    lines = recorded()
    assert lines[0] == "ndc,container,by,at"
    assert lines[1].startswith("00024-5840-01,single-dose,AB,")
    assert len(lines) == 2
    assert container_of(window, ZALTRAP_100) == "single-dose"
    assert units(window) == [("", "150"), ("JW", "50")]
    assert "not ready until the label is checked" not in window.vials.message.text()
    assert field(window, "dose").text() == "150"  # the order stays as typed
    assert window.vials.typed_vials() == ("00024-5840-01x2",)
    assert ZALTRAP_100 not in window.vials.label_buttons  # asked once
    assert "00024-5840-01: single-dose, label checked at this site by AB" in (
        window.statusBar().currentMessage()
    )
    assert window.vials.spin(0).hasFocus() or not window.isActiveWindow()


def test_multi_dose_bills_neither_jw_nor_jz(window: MainWindow) -> None:
    field(window, "dose").setText("200")
    window.vials.set_counts({ZALTRAP_100: 2})  # two 100 mg vials, not the 200 mg one
    choose(window, "multi-dose")
    assert recorded()[1].startswith("00024-5840-01,multi-dose,AB,")
    assert units(window) == [("", "200")]
    assert window.result is not None
    assert all(not line.modifiers for line in window.result.lines)  # no JZ either
    assert "not ready until the label is checked" not in window.vials.message.text()


def test_the_next_window_does_not_ask_again(qtbot: QtBot, window: MainWindow) -> None:
    choose(window, "single-dose")
    window.close()
    again = build_main_window()
    qtbot.addWidget(again)
    again.show()
    again.drug_selector.select("j9400")
    assert ZALTRAP_100 not in again.vials.label_buttons
    assert container_of(again, ZALTRAP_100) == "single-dose"
    field(again, "dose").setText("150")
    again.vials.set_counts({ZALTRAP_100: 2})
    assert units(again) == [("", "150"), ("JW", "50")]
    again.close()


def test_without_initials_it_asks_for_them_once(window: MainWindow) -> None:
    preparer = window.note_form.inputs["preparer"]
    preparer.clear()
    asked: list[int] = []
    answer = ""  # declined: nothing recorded

    def ask() -> str:
        asked.append(1)
        return answer

    window.ask_initials = ask
    choose(window, "single-dose")
    assert asked == [1]
    assert recorded() == []
    assert container_of(window, ZALTRAP_100) == "unconfirmed"
    answer = "CD"
    choose(window, "single-dose")
    assert recorded()[1].startswith("00024-5840-01,single-dose,CD,")
    assert preparer.text() == "CD"  # the note's preparer: not asked again
    choose(window, "multi-dose", Ndc.parse("00024-5841-01"))
    assert asked == [1, 1]
    assert recorded()[2].startswith("00024-5841-01,multi-dose,CD,")


def test_initials_that_are_not_initials_are_one_sentence(window: MainWindow) -> None:
    window.note_form.inputs["preparer"].setText("A,B")
    choose(window, "single-dose")
    assert recorded() == []
    assert window.vials.message.text() == (
        "Error: Who checked the label (--by) must be initials or a name in letters, not "
        "'A,B'. Nothing was recorded."
    )


def test_a_confirmation_that_differs_from_a_sourced_fact_is_shown_beside_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.drug_selector.select("atezolizumab")
    field(window, "dose").setText("1050")
    assert units(window) == [("", "105"), ("JW", "15")]
    # The station reads multi-dose on a label the catalog has as single-dose: the CLI
    # records it; the window is handed the catalog with it (what a new window reads).
    from doseunits.app.catalog_update import confirm_label, with_catalog

    catalog, _, _ = confirm_label(
        window.catalog, str(TECENTRIQ_1200), "multi-dose", "EF", catalog_folder()
    )
    window.use_site(with_catalog(window.site, catalog))
    item = window.vials.table.item(0, 0)
    assert item is not None
    assert item.text() == "1200 mg / 20 mL, MDV \N{NOT EQUAL TO}"
    note = window.vials.disagreement_note
    assert note is not None
    assert note.isVisible()
    assert note.text().startswith(
        "\N{NOT EQUAL TO} NDC 50242-0917-01: multi-dose (label checked at this site by EF "
    )
    assert "the catalog said single-dose (Genentech" in note.text()
    assert units(window) == [("", "105")]  # the label in hand is the last word
    window.drug_selector.select("j9400")  # another drug: the note goes
    assert not note.isVisible()


def test_the_keyboard_opens_the_choice_and_a_letter_takes_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    check = button(window)
    check.setFocus()
    pressed: list[str] = []

    def in_the_menu() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            pressed.append(menu.objectName())
            qtbot.keyClick(menu, Qt.Key.Key_S)  # the mnemonic: single-dose

    QTimer.singleShot(200, in_the_menu)
    qtbot.keyClick(check, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(recorded()), timeout=5_000)
    assert pressed == [f"vialLabelMenu_{ZALTRAP_100.eleven}"]
    assert recorded()[1].startswith("00024-5840-01,single-dose,AB,")


def test_the_check_label_button_has_room_for_its_menu_arrow(window: MainWindow) -> None:
    # InstantPopup draws the arrow in the button's corner without widening it: the
    # screenshots showed it over the "l" of "label".
    found = button(window)
    arrow = found.style().pixelMetric(found.style().PixelMetric.PM_MenuButtonIndicator)
    text = found.fontMetrics().horizontalAdvance(found.text())
    assert found.width() >= text + arrow + 8


def test_a_confirmations_file_that_is_a_link_is_one_sentence(window: MainWindow) -> None:
    folder = catalog_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder.parent / "elsewhere.csv"
    (folder / CONFIRMATIONS).symlink_to(target)
    choose(window, "single-dose")  # an exception out of the slot fails the test
    assert not target.exists()  # nothing written through the link
    assert container_of(window, ZALTRAP_100) == "unconfirmed"
    assert ZALTRAP_100 in window.vials.label_buttons  # still asked
    text = window.vials.message.text()
    assert text.startswith(f"Error: {folder / CONFIRMATIONS} can't be used (")
    assert "is a link" in text
    assert text.endswith("Nothing was recorded.")


def test_a_catalog_folder_that_is_a_file_is_one_sentence(window: MainWindow) -> None:
    folder = catalog_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder\n", encoding="utf-8")
    choose(window, "multi-dose")
    assert container_of(window, ZALTRAP_100) == "unconfirmed"
    text = window.vials.message.text()
    assert text.startswith(f"Error: {folder} can't be used (")
    assert text.endswith("Nothing was recorded.")
