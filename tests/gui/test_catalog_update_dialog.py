"""File > Update drug catalog...: the real October 2025 crosswalk imported through the
dialog into the test's private site folder, the window billing from it at once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from doseunits.app.catalog_update import IMPORT_STAGES
from doseunits.app.folders import catalog_folder
from doseunits.gui.dialogs.catalog_update_dialog import CatalogUpdateDialog
from doseunits.gui.main_window import MainWindow
from gui_helpers import open_window, type_text

CMS = Path(__file__).resolve().parents[2] / "resources" / "cms"
CROSSWALK = CMS / "2025-10-asp-ndc-hcpcs-crosswalk.csv"
LIMITS = CMS / "2025-10-asp-pricing-file.csv"
KEYTRUDA_100 = "00006-3026-02"


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot, "atezolizumab")
    yield window
    window.close()


def open_dialog(qtbot: QtBot, window: MainWindow) -> CatalogUpdateDialog:
    """The dialog as the menu opens it."""
    menu_action = next(
        a
        for a in window.findChildren(QAction)
        if a.text() == "&Update drug catalog…"  # File menu
    )
    menu_action.trigger()
    dialog = window.findChild(CatalogUpdateDialog, "catalogUpdateDialog")
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def finish(qtbot: QtBot, dialog: CatalogUpdateDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)


def test_the_real_crosswalk_imports_and_the_picker_finds_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    chosen = {"crosswalk": CROSSWALK, "payment_limits": LIMITS}
    dialog.ask_path = chosen.get
    dialog.browse["crosswalk"].click()
    dialog.browse["payment_limits"].click()
    assert dialog.inputs["crosswalk"].text() == str(CROSSWALK)
    stages: list[int] = []
    dialog.progress.valueChanged.connect(stages.append)
    with qtbot.waitSignal(dialog.importFinished, timeout=60_000) as finished:
        dialog.import_button.click()
        assert dialog.running
        assert dialog.cancel_button.isEnabled()
        assert not dialog.import_button.isEnabled()
    finish(qtbot, dialog)
    done = finished.args[0] if finished.args else None
    assert done is not None
    snapshot = catalog_folder() / "cms-import.json"
    assert snapshot.is_file()
    assert stages[-1] == len(IMPORT_STAGES)
    text = dialog.status.text()
    assert text.startswith("CMS crosswalk in force 2025-10-01 to 2025-12-31: 8245 rows.\n")
    assert f"Imported: {done.codes} codes, {done.built.ndcs} NDCs" in text
    assert "Skipped, " in text
    assert "Disagreements: " in text
    assert "Payment limits: " in text
    assert f"Written: {snapshot}." in text
    assert "kept for --rollback" not in text  # nothing older to keep
    assert text.endswith("The window now bills from the new catalog.")
    # All of it can be read: the label is as tall as its wrapped lines (in the dialog's
    # first layout the last three were cut off at the bottom), scrolled if it must be.
    status = dialog.status
    qtbot.waitUntil(lambda: status.height() >= status.heightForWidth(status.width()))
    assert dialog.status_scroll.widget() is status
    # The window's catalog is the new one: the picker finds Keytruda by its NDC.
    assert window.catalog.find("J9271").origin == str(snapshot)
    assert window.site.catalog is window.catalog
    line = window.drug_selector.lineEdit()
    assert line is not None
    line.clear()
    type_text(line, KEYTRUDA_100)
    assert [d.hcpcs for d in window.drug_selector.matching(line.text())] == ["J9271"]
    window.drug_selector.select("j9271")
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.origin == str(snapshot)
    # A second import keeps the first for one rollback, and says so.
    with qtbot.waitSignal(dialog.importFinished, timeout=60_000):
        dialog.import_button.click()
    finish(qtbot, dialog)
    assert "the one it replaced is kept for --rollback." in dialog.status.text()
    assert (catalog_folder() / "cms-import.json.previous").is_file()
    dialog.close()


def test_the_order_on_screen_stays_through_an_import(qtbot: QtBot, window: MainWindow) -> None:
    window.order_form.inputs["dose"].setText("1050")
    assert window.result is not None
    dialog = open_dialog(qtbot, window)
    dialog.inputs["crosswalk"].setText(str(CROSSWALK))
    with qtbot.waitSignal(dialog.importFinished, timeout=60_000):
        dialog.import_button.click()
    finish(qtbot, dialog)
    assert window.order_form.inputs["dose"].text() == "1050"
    assert window.result is not None
    assert [(line.modifiers, line.units) for line in window.result.lines] == [
        ((), 105),
        (("JW",), 15),
    ]
    dialog.close()


def test_help_catalog_and_about_name_the_import_and_its_quarter(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.inputs["crosswalk"].setText(str(CROSSWALK))
    with qtbot.waitSignal(dialog.importFinished, timeout=60_000):
        dialog.import_button.click()
    finish(qtbot, dialog)
    dialog.close()
    window.show_about()
    about = window.findChild(QMessageBox, "aboutBox")
    assert about is not None
    assert "CMS ASP NDC-HCPCS crosswalk, in force 2025-10-01 to 2025-12-31" in about.text()
    about.close()
    window.show_catalog()
    catalog = window.findChild(QDialog, "catalogDialog")
    assert catalog is not None
    captions = [label.text() for label in catalog.findChildren(QLabel)]
    assert any(
        "Built from: hand-checked entries; CMS ASP NDC-HCPCS crosswalk, in force "
        "2025-10-01 to 2025-12-31"
        in text
        and "cms-import.json" in text
        for text in captions
    )
    catalog.close()


def test_cancel_leaves_the_old_snapshot(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.inputs["crosswalk"].setText(str(CROSSWALK))
    with qtbot.waitSignal(dialog.importFinished, timeout=60_000):
        dialog.import_button.click()
    finish(qtbot, dialog)
    snapshot = catalog_folder() / "cms-import.json"
    before = snapshot.read_bytes()
    catalog = window.catalog
    with qtbot.waitSignal(dialog.cancelled, timeout=60_000):
        dialog.import_button.click()
        dialog.cancel_button.click()  # while the crosswalk is being read
        assert dialog.status.text() == "Cancelling…"
    finish(qtbot, dialog)
    assert dialog.status.text() == (
        "Import cancelled; nothing was written, the catalog is as it was."
    )
    assert snapshot.read_bytes() == before
    assert not (catalog_folder() / "cms-import.json.previous").exists()
    assert window.catalog is catalog
    assert dialog.import_button.isEnabled()
    assert dialog.inputs["crosswalk"].isEnabled()
    dialog.close()


def test_closing_the_dialog_while_importing_cancels(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.inputs["crosswalk"].setText(str(CROSSWALK))
    dialog.import_button.click()
    dialog.close()
    assert not dialog.running
    assert not (catalog_folder() / "cms-import.json").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (str(LIMITS), "is not"),  # a payment limit file is not a crosswalk
        ("no-such-crosswalk.csv", "does not exist"),
    ],
)
def test_a_bad_file_is_one_sentence_in_the_dialog(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, name: str, expected: str
) -> None:
    dialog = open_dialog(qtbot, window)
    dialog.inputs["crosswalk"].setText(str(tmp_path / name) if "/" not in name else name)
    with qtbot.waitSignal(dialog.failed, timeout=60_000) as failed:
        dialog.import_button.click()
    finish(qtbot, dialog)
    message = failed.args[0] if failed.args else ""
    assert expected in message
    assert message.endswith("Nothing was imported; the catalog is as it was.")
    assert "Traceback" not in message
    assert "\n" not in message
    assert dialog.status.text() == message
    assert dialog.progress.value() == 0
    assert not (catalog_folder() / "cms-import.json").exists()
    dialog.close()


def test_import_without_a_crosswalk_asks_for_one(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(qtbot, window)
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.import_button.click()
    assert failed.args == ["Choose the CMS ASP NDC-HCPCS crosswalk to import first."]
    assert not dialog.running
    assert dialog.inputs["crosswalk"].accessibleName()
    assert dialog.browse["payment_limits"].accessibleName() == "Choose the CMS payment limit file"
    dialog.close()


def test_nothing_of_the_dialog_loads_before_it_is_chosen(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from doseunits.gui import build_main_window\n"
        "window = build_main_window(); window.show(); app.processEvents()\n"
        "print([m for m in ('doseunits.gui.dialogs.catalog_update_dialog',\n"
        "                   'doseunits.app.catalog_update') if m in sys.modules])\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "DOSEUNITS_CONFIG_DIR": str(tmp_path), "DOSEUNITS_DATA_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_catalog_folder_that_cant_be_written_is_one_sentence(
    qtbot: QtBot, window: MainWindow
) -> None:
    folder = catalog_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder\n", encoding="utf-8")  # where the snapshot would go
    dialog = open_dialog(qtbot, window)
    dialog.inputs["crosswalk"].setText(str(CROSSWALK))
    with qtbot.waitSignal(dialog.failed, timeout=60_000) as failed:
        dialog.import_button.click()
    finish(qtbot, dialog)
    message = failed.args[0] if failed.args else ""
    assert message == (
        f"{folder} can't be used (file exists). Nothing was imported; the catalog is as it was."
    )
    assert folder.read_text(encoding="utf-8") == "not a folder\n"
    dialog.close()
