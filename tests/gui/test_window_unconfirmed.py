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
