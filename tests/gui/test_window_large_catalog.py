"""A large site import in the window: its drugs are read when picked; one that fails says
why at the drug field (file, drug, key) and never bills, and the others still do."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from catalog_helpers import snapshot_table, write_snapshot
from doseunits.app.folders import IMPORTED_SNAPSHOT, catalog_folder
from doseunits.gui import build_main_window
from doseunits.gui.dialogs.info import catalog_dialog
from gui_helpers import field, line_rows


def site_import_with_a_bad_drug(drugs: int = 10_000) -> Path:
    """drug-9990 (or the one ten before the last) has a letter O in a strength."""
    tables = [snapshot_table(n) for n in range(drugs)]
    tables[min(9_990, drugs - 10)]["presentation"][1]["strength"] = "12OO mg"  # type: ignore[index]
    folder = catalog_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return write_snapshot(folder / IMPORTED_SNAPSHOT, tables)


def test_a_bad_drug_deep_in_a_site_import_is_refused_at_the_drug_field(qtbot: QtBot) -> None:
    path = site_import_with_a_bad_drug()
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.catalog.loaded, timeout=20_000)
    line = window.drug_selector.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, "Drug 9990")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    picked = window.drug_selector.current_drug()
    assert picked is not None
    assert picked.id == "drug-9990"  # listed and picked: the catalog read it then
    problem = (
        f"Catalog file {path}, drug 'drug-9990', key 'presentation.strength': must be a "
        "number like 1050 or 72.5 (got '12OO mg')."
    )
    assert window.drug_message.isVisible()
    assert window.drug_message.text() == f"Error: {problem}"
    assert window.drug_box.info.text() == ""  # nothing shown of it
    assert window.vials.table.rowCount() == 0
    qtbot.keyClicks(field(window, "dose"), "150")
    assert window.drug_message.text() == f"Error: {problem}"  # with a dose too: no lines
    assert line_rows(window) == []
    window.drug_selector.select("drug-9991")
    assert not window.drug_message.isVisible()
    assert window.vials.table.rowCount() == 2
    assert [row[0] for row in line_rows(window)][:1] == ["J9991"]
    window.close()


def test_the_catalog_dialog_leaves_a_bad_drug_out_and_says_so(qtbot: QtBot) -> None:
    path = site_import_with_a_bad_drug(1_000)
    window = build_main_window()
    qtbot.addWidget(window)
    window.catalog.load()
    shipped = sum(len(d.ndc_texts()) for d in window.catalog.drugs) - 2_000
    dialog = catalog_dialog(window.catalog, window)
    table = dialog.findChild(QTableWidget, "catalogTable")
    assert table is not None
    assert table.rowCount() == shipped + 2 * 999  # every NDC but the bad drug's two
    said = [label.text() for label in dialog.findChildren(QLabel) if "left out" in label.text()]
    assert said == [
        said[0].split("\n")[0] + "\n1 drug left out, unreadable: "
        f"Catalog file {path}, drug 'drug-990', key 'presentation.strength': must be a "
        "number like 1050 or 72.5 (got '12OO mg')."
    ]
    window.close()
