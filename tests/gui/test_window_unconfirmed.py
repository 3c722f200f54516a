"""The window's amounts for a vial whose container is not confirmed (docs/billing-rules.md
§3.6a): what it leaves is pending the label, never a bare 0 discarded or $0 of waste."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from doseunits.engine.draft import OrderDraft
from gui_helpers import open_window


def test_the_discarded_row_says_pending_the_label(qtbot: QtBot) -> None:
    window = open_window(qtbot)
    qtbot.waitUntil(lambda: window.catalog.loaded, timeout=10_000)
    window.load_draft(OrderDraft("J0248", "2025-11-10", dose="150"))  # 2 x 100 mg, 50 left
    amounts = window.results.amounts
    assert amounts[(2, 1)].text() == "50 mg pending the label"
    assert amounts[(2, 3)].text() == "pending the label: 50 units (JW) if single-dose"
    assert amounts[(2, 4)].text() == "pending the label ($336.45 if single-dose)"
    assert "Pending the label: if single-dose, 50 units discarded" in window.results.steps.text()
    note = window.results.snippet.toPlainText()
    assert "Discarded: 50 mg pending the label" in note
    window.load_draft(OrderDraft("atezolizumab", "2025-11-15", dose="1050"))
    assert (amounts[(2, 1)].text(), amounts[(2, 4)].text()) == ("150", "$1,370.10")
    window.close()


def test_pending_amounts_wrap_inside_the_window(qtbot: QtBot) -> None:
    # Unwrapped, "pending the label: 10 units (JW) if single-dose" and its dollars
    # widened the results past the pane at 1280x800, cutting every box off at its edge.
    window = open_window(qtbot)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.catalog.loaded, timeout=10_000)
    window.load_draft(OrderDraft("j9400", "2025-11-14", dose_per_kg="4", weight="72.5"))
    qtbot.waitUntil(lambda: not window.narrow)
    pending = window.results.amounts[(2, 3)].text()
    assert pending == "pending the label: 10 units (JW) if single-dose"
    qtbot.wait(200)  # the layouts' posted requests: the widths settle
    pane = window.results_pane
    content = pane.widget()
    assert content is not None
    assert content.width() <= pane.viewport().width()
    box = window.results.amounts_box
    assert box.mapTo(content, box.rect().topRight()).x() < pane.viewport().width()
    window.close()
