"""At the compounding station: scans, payer profiles, 340B and dose rounding in the window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from doseunits.gui import build_main_window
from doseunits.gui.main_window import MainWindow
from doseunits.gui.widgets.scan_catcher import IDLE_MS
from gui_helpers import field, line_rows, open_window, type_text, units
from scan_helpers import ATEZOLIZUMAB_1200, gtin_for, scan_of


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot, "nivolumab")
    # installed after the first frame
    qtbot.waitUntil(lambda: window.scan_catcher_installed, timeout=30_000)
    yield window
    window.close()


def counts(window: MainWindow) -> list[int]:
    return [spin.value() for spin in window.vials._spins]


def lot(window: MainWindow, row: int) -> str:
    return window.vials.lot_inputs[row].text()


def expiry(window: MainWindow, row: int) -> str:
    return window.vials.expiry_inputs[row].text()


def scan_into(qtbot: QtBot, widget: object, text: str) -> None:
    type_text(widget, text)  # type: ignore[arg-type]
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_a_scan_in_the_scan_field_selects_the_drug_and_adds_a_vial(
    qtbot: QtBot, window: MainWindow
) -> None:
    scan_into(qtbot, window.vials.scan, scan_of(ATEZOLIZUMAB_1200, serial="S1"))
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.id == "atezolizumab"
    assert counts(window) == [1, 0]
    assert (lot(window, 0), expiry(window, 0)) == ("B1234", "2027-06-30")
    assert "Added 1 vial" in window.vials.scan_message.text()
    qtbot.keyClicks(field(window, "dose"), "1050")
    assert units(window) == [("", "105"), ("JW", "15")]
    assert "lot B1234, exp 2027-06-30" in window.results.snippet.toPlainText()
    scan_into(qtbot, window.vials.scan, scan_of(ATEZOLIZUMAB_1200, lot="C77"))
    assert counts(window) == [2, 0]
    assert lot(window, 0) == "B1234, C77"


def test_a_scan_typed_into_the_dose_field_is_recognised(qtbot: QtBot, window: MainWindow) -> None:
    dose = field(window, "dose")
    qtbot.keyClicks(dose, "1050")
    dose.setFocus()
    scan_into(qtbot, dose, "]d2" + scan_of(ATEZOLIZUMAB_1200, serial="S9"))
    assert dose.text() == "1050"  # the scan did not land in the dose
    assert counts(window) == [1, 0]
    assert units(window) == [("", "105"), ("JW", "15")]


def test_a_typed_bracket_is_given_back(qtbot: QtBot, window: MainWindow) -> None:
    edit = window.note_form.inputs["waste_reason"]
    type_text(edit, "]x")
    assert edit.text() == ""
    qtbot.waitUntil(lambda: edit.text() == "]x", timeout=IDLE_MS * 5)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (scan_of(ATEZOLIZUMAB_1200, expiry="240131"), "expired on 2024-01-31"),
        (scan_of("9999999999"), "NDC 9999999999 is not in the catalog"),
        (scan_of(ATEZOLIZUMAB_1200)[:12], "not a readable GS1"),
        ("01" + gtin_for(ATEZOLIZUMAB_1200)[:-1] + "0", "check digit"),
    ],
)
def test_bad_scans_change_nothing(qtbot: QtBot, window: MainWindow, text: str, words: str) -> None:
    qtbot.keyClicks(field(window, "dose"), "480")
    before = (counts(window), line_rows(window))
    scan_into(qtbot, window.vials.scan, text)
    assert words in window.vials.scan_message.text()
    assert "Nothing was changed" in window.vials.scan_message.text()
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.id == "nivolumab"
    assert (counts(window), line_rows(window)) == before


def test_payer_and_340b_change_the_lines(qtbot: QtBot, window: MainWindow) -> None:
    window.drug_selector.select("atezolizumab")
    qtbot.keyClicks(field(window, "dose"), "1050")
    window.billing.acquired_340b.setChecked(True)
    assert units(window) == [("TB", "105"), ("JW TB", "15")]
    window.billing.select_payer("commercial-no-waste")
    assert units(window) == [("TB", "105")]
    assert "Payer profile: Commercial (discarded drug not billable) (340B-acquired)" in (
        window.results.snippet.toPlainText()
    )


def test_rounding_is_suggested_and_applied_only_when_accepted(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.drug_selector.select("sacituzumab-govitecan")
    window.billing.rounding.setValue(10)
    window.order_form.per_kg.setChecked(True)
    qtbot.keyClicks(field(window, "dose_per_kg"), "10")
    qtbot.keyClicks(field(window, "weight"), "72.5")
    banner = window.rounding_banner
    assert banner.isVisible()
    assert "725 mg rounds down to 720 mg" in banner.text.text()
    assert units(window) == [("", "290"), ("JW", "70")]  # not applied yet
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert field(window, "dose").text() == "720"
    assert units(window) == [("JZ", "288")]
    assert not banner.isVisible()
    note = window.results.snippet.toPlainText()
    assert (
        "Dose rounded from 725 mg (ordered as 10 mg/kg x 72.5 kg = 725 mg) to 720 mg per site "
        "policy (within 10%)"
    ) in note  # the order as written stays in the note, though the form now says 720 mg
    assert "prescriber approval" in note
    field(window, "dose").setText("700")  # edited afterwards: no longer the rounded dose
    assert "Dose rounded" not in window.results.snippet.toPlainText()


def test_accepting_keeps_the_rounding_when_the_flat_dose_field_held_another_dose(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Switching back to a flat dose recomputed with the field's old 700 mg, which looked
    like an edit after accepting and dropped the rounding from the note."""
    window.drug_selector.select("sacituzumab-govitecan")
    window.billing.rounding.setValue(10)
    qtbot.keyClicks(field(window, "dose"), "700")
    window.order_form.per_kg.setChecked(True)
    qtbot.keyClicks(field(window, "dose_per_kg"), "10")
    qtbot.keyClicks(field(window, "weight"), "72.5")
    qtbot.mouseClick(window.rounding_banner.button, Qt.MouseButton.LeftButton)
    assert field(window, "dose").text() == "720"
    assert window.accepted_rounding is not None
    assert "Dose rounded from 725 mg (ordered as 10 mg/kg x 72.5 kg = 725 mg) to 720 mg" in (
        window.results.snippet.toPlainText()
    )


def test_payer_and_rounding_policy_persist(qtbot: QtBot, window: MainWindow) -> None:
    window.billing.select_payer("medicaid")
    window.billing.rounding.setValue(10)
    window.close()
    again = build_main_window()
    qtbot.addWidget(again)
    assert again.billing.current_payer().id == "medicaid"
    assert again.billing.rounding.value() == 10


def test_a_window_started_minimised_still_catches_scans(qtbot: QtBot) -> None:
    """What waits for the first frame must not wait for ever when there is none to see."""
    window = build_main_window()
    qtbot.addWidget(window)
    window.showMinimized()
    qtbot.waitUntil(lambda: window.scan_catcher_installed, timeout=30_000)
    assert window.first_frame.painted_at > 0


def test_the_note_keeps_the_order_as_written_beside_the_accepted_rounding(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Accepting 1200 mg for an order of 1150 mg wrote "Ordered dose: 1200 mg"; the real
    order came only on the note's last line."""
    window.drug_selector.select("atezolizumab")
    window.billing.rounding.setValue(10)
    field(window, "dose").setText("1150")
    qtbot.mouseClick(window.rounding_banner.button, Qt.MouseButton.LeftButton)
    assert units(window) == [("JZ", "120")]
    lines = window.results.snippet.toPlainText().splitlines()
    at = lines.index("Ordered dose: 1150 mg flat dose (as written)")
    assert lines[at + 1] == (
        "Dose rounded from 1150 mg to 1200 mg per site policy (within 10%); prescriber "
        "approval is required by policy."
    )
    assert sum("Dose rounded from" in line for line in lines) == 1
    assert not any(line.startswith("Ordered dose: 1200") for line in lines)
