"""Nothing stale: what followed the last plan goes blank with no valid order, a drug
change clears the last scan's message, the warnings box shows every warning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from doseunits.catalog.ndc import Ndc
from doseunits.gui.main_window import MainWindow
from gui_helpers import field, line_rows, open_window, units
from scan_helpers import ATEZOLIZUMAB_1200, scan_of


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    window.order_form.date.setDate(QDate(2026, 11, 28))
    yield window
    window.close()


def counts(window: MainWindow) -> list[int]:
    return [spin.value() for spin in window.vials._spins]


@pytest.mark.parametrize("bad", ["10O0", "-480", "1,050", "0"])
def test_a_bad_dose_blanks_the_counts_that_followed_the_plan(window: MainWindow, bad: str) -> None:
    field(window, "dose").setText("1050")
    assert counts(window) == [1, 0]
    assert window.picture.vials
    field(window, "dose").setText(bad)
    assert line_rows(window) == []
    assert counts(window) == [0, 0]  # as the picture: no vials
    assert not window.picture.vials
    assert not window.vials.typed_note.isVisible()


def test_typed_counts_stay_and_are_marked_as_typed(window: MainWindow) -> None:
    field(window, "dose").setText("1050")
    assert not window.vials.typed_note.isVisible()
    window.vials.set_count(Ndc.parse("50242-0918-01"), 2)
    window.vials.set_count(Ndc.parse("50242-0917-01"), 0)
    assert window.vials.typed_note.isVisible()
    field(window, "dose").setText("10O0")
    assert counts(window) == [0, 2]  # the user's, kept
    assert window.vials.typed_note.isVisible()
    assert "as typed" in window.vials.typed_note.text()
    window.vials.follow_plan()
    assert not window.vials.typed_note.isVisible()


def test_the_typed_note_moves_nothing(window: MainWindow, qtbot: QtBot) -> None:
    """The note comes and goes beside the least-waste button; the button stays put and
    the table above it does not move."""
    field(window, "dose").setText("1050")
    button, table = window.vials.least_waste_button, window.vials.table
    before = (button.mapTo(window, button.rect().topLeft()), button.size(), table.geometry())
    window.vials.set_count(Ndc.parse("50242-0918-01"), 2)
    qtbot.waitUntil(window.vials.typed_note.isVisible)
    layout = window.vials.layout()
    assert layout is not None
    layout.activate()
    after = (button.mapTo(window, button.rect().topLeft()), button.size(), table.geometry())
    assert after == before
    assert window.vials.typed_note.geometry().right() < button.geometry().left()


def test_a_bad_dose_hides_the_rounding_suggestion(window: MainWindow) -> None:
    window.billing.rounding.setValue(10)
    field(window, "dose").setText("1150")
    assert window.rounding_banner.isVisible()
    field(window, "dose").setText("1150x")
    assert not window.rounding_banner.isVisible()


def test_a_drug_change_clears_the_scan_message(window: MainWindow) -> None:
    window.handle_scan(scan_of(ATEZOLIZUMAB_1200, lot="2B1234"))
    assert "lot 2B1234" in window.vials.scan_message.text()
    window.drug_selector.select("nivolumab")
    assert not window.vials.scan_message.isVisible()
    assert window.vials.scan_message.text() == ""


def test_the_warnings_box_grows_to_show_every_warning(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(1240, 760)
    field(window, "dose").setText("1680")
    window.vials.set_count(Ndc.parse("50242-0917-01"), 2)  # not the least-waste plan
    window.vials.set_count(Ndc.parse("50242-0918-01"), 0)
    window.vials.lot_inputs[0].setText("B1")
    window.vials.expiry_inputs[0].setText("2020-01-31")  # expired
    field(window, "administered").setText("1600")  # less than ordered
    assert units(window)
    box = window.results.warnings
    assert len(box.toPlainText().splitlines()) >= 3
    qtbot.wait(20)
    bar = box.verticalScrollBar()
    assert bar is not None
    assert bar.maximum() == 0  # nothing to scroll to: every line is in view
    window.resize(900, 700)  # narrower: more wrapped lines, a taller box
    qtbot.wait(20)
    assert bar.maximum() == 0


def test_a_second_ndc_row_is_explained_in_the_window_and_the_note(window: MainWindow) -> None:
    field(window, "dose").setText("2040")  # 1200 mg + 840 mg: one line, two NDCs
    rows = line_rows(window)
    assert [row[0] for row in rows] == [
        "J9022",
        "\N{DOWNWARDS ARROW WITH TIP RIGHTWARDS} same line",
    ]
    assert window.results.second_ndc.isVisible()
    assert "item 19 / the 837P NTE segment" in window.results.second_ndc.text()
    note = window.results.snippet.toPlainText()
    assert 'never on a line of its own (Palmetto GBA, "Reporting the NDC").' in note
    field(window, "dose").setText("1050")  # one NDC: nothing to explain
    assert not window.results.second_ndc.isVisible()
    assert "Palmetto" not in window.results.snippet.toPlainText()


def test_ml_has_one_precision_in_the_amounts_the_note_and_the_lines(window: MainWindow) -> None:
    field(window, "dose").setText("1000")  # 1000 mg at 60 mg/mL: 16.666... mL
    assert window.results.amounts[(1, 2)].text() == "16.667"
    assert window.results.amounts[(2, 2)].text() == "3.333"
    note = window.results.snippet.toPlainText()
    assert "Administered: 1000 mg (16.667 mL)" in note
    assert "Discarded: 200 mg (3.333 mL)" in note
    assert [row[4] for row in line_rows(window)] == ["16.667 ML", "3.333 ML"]
