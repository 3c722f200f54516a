"""The full catalog in the window: read after the first frame, searched in the picker."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from doseunits.gui import build_main_window
from gui_helpers import type_text


def test_the_cms_part_is_read_after_the_first_frame_and_listed(qtbot: QtBot) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    assert not window.catalog.loaded  # nothing of it before the first frame
    assert window.drug_selector.count() == 7
    window.show()
    qtbot.waitUntil(lambda: window.catalog.loaded, timeout=10_000)
    qtbot.waitUntil(lambda: window.drug_selector.count() == 730, timeout=10_000)
    window.close()


def test_a_newcomer_finds_pembrolizumab_in_the_picker(qtbot: QtBot) -> None:
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    line = window.drug_selector.lineEdit()
    assert line is not None
    line.clear()
    type_text(line, "pembrolizumab")
    assert [d.hcpcs for d in window.drug_selector.matching(line.text())] == ["J9271"]
    window.drug_selector.select("j9271")
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.hcpcs == "J9271"
    assert window.vials.table.rowCount() == 2
    label = window.vials.table.item(1, 0)
    assert label is not None
    # Its container and volume come from its label (resources/catalog/labels/).
    assert label.text() == "100 mg / 4 mL, SDV"
    window.drug_selector.select("j9272")  # Jemperli: no record names its container
    label = window.vials.table.item(0, 0)
    assert label is not None
    assert label.text() == "500 mg / volume unconfirmed, container unconfirmed"
    window.close()
