"""A site catalog snapshot that can't be used as a whole (read just after the first frame)
is left out: the window says so once, in its message at start, naming the file, and bills
from the rest of its catalog (the hand-checked drugs, the shipped CMS-built part)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from catalog_helpers import snapshot_table, write_snapshot
from doseunits.catalog import files as catalog_files
from doseunits.gui import build_main_window
from doseunits.gui.dialogs.info import catalog_dialog
from doseunits.gui.main_window import MainWindow
from snapshot_helpers import BROKEN, SHIPPED_CODE, site_snapshot, truncated


def start_box(qtbot: QtBot, window: MainWindow) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "startProblemsBox") is not None)
    box = window.findChild(QMessageBox, "startProblemsBox")
    assert isinstance(box, QMessageBox)
    return box


def bills_atezolizumab(window: MainWindow) -> None:
    window.drug_selector.select("atezolizumab")
    window.order_form.inputs["dose"].setText("1050")
    assert window.result is not None
    assert [(line.modifiers, line.units) for line in window.result.lines] == [
        ((), 105), (("JW",), 15),
    ]  # fmt: skip


@pytest.mark.parametrize("make", BROKEN, ids=lambda make: make.__name__)
def test_a_broken_site_snapshot_is_left_out_with_a_message(
    qtbot: QtBot, make: Callable[[Path], str]
) -> None:
    path = site_snapshot()
    problem = make(path)
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    box = start_box(qtbot, window)
    text = box.text()
    box.close()
    assert text.startswith(f"Catalog file {path}")
    assert problem in text
    assert f"DoseUnits left {path} out and bills from the rest of its catalog" in text
    assert "Traceback" not in text
    assert window.catalog.loaded
    assert str(path) not in {d.origin for d in window.catalog.drugs}  # none of its drugs
    assert window.catalog.find(SHIPPED_CODE).hcpcs == SHIPPED_CODE  # the shipped part is there
    bills_atezolizumab(window)
    assert window.findChildren(QMessageBox, "startProblemsBox") == [box]  # said once
    window.close()


def test_help_catalog_says_which_file_was_left_out(qtbot: QtBot) -> None:
    path = site_snapshot()
    truncated(path)
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    start_box(qtbot, window).close()
    dialog = catalog_dialog(window.catalog, window)
    said = [label.text() for label in dialog.findChildren(QLabel) if "left out" in label.text()]
    assert len(said) == 1
    assert f"\nFile left out: Catalog file {path} is not a JSON catalog snapshot." in said[0]
    dialog.close()
    window.close()


def test_a_too_large_snapshot_is_left_out(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    path = site_snapshot()
    write_snapshot(path, [snapshot_table(n) for n in range(20)])
    monkeypatch.setattr(catalog_files, "SNAPSHOT_LIMIT", path.stat().st_size - 1)
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    box = start_box(qtbot, window)
    text = box.text()
    box.close()
    # The shipped snapshot (1.6 MB) is past this limit too: each is said, and left out.
    assert f"Catalog file {path} can't be read (it is larger than " in text
    assert f"DoseUnits left {path} out" in text
    assert len(window.catalog.left_out) == 2
    bills_atezolizumab(window)  # hand-checked
    window.close()


def test_a_good_site_snapshot_is_used_and_nothing_is_said(qtbot: QtBot) -> None:
    path = site_snapshot()
    write_snapshot(path, [snapshot_table(n) for n in range(3)])
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.catalog.loaded)
    qtbot.wait(50)  # the slot after the load has run
    assert window.findChild(QMessageBox, "startProblemsBox") is None
    assert window.catalog.left_out == ()
    assert window.catalog.find("drug-2").origin == str(path)
    window.close()


def test_a_start_problem_and_a_left_out_snapshot_share_one_message(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = site_snapshot()
    truncated(path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DOSEUNITS_DATA_DIR", str(blocker / "data"))
    window = build_main_window()
    qtbot.addWidget(window)
    window.show()
    box = start_box(qtbot, window)
    qtbot.waitUntil(lambda: window.catalog.loaded)
    qtbot.waitUntil(lambda: str(path) in box.text())
    assert "history and the log are not available" in box.text()
    assert window.findChildren(QMessageBox, "startProblemsBox") == [box]
    box.close()
    bills_atezolizumab(window)
    window.close()
