"""The order history in the window: opt-in recording, the History view, reopen, reprint."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from doseunits.app.folders import data_dir
from doseunits.app.settings import HISTORY_ENABLED, RETENTION_DAYS
from doseunits.catalog.ndc import Ndc
from doseunits.gui.dialogs.history_dialog import HistoryDialog
from doseunits.gui.main_window import MainWindow
from doseunits.history.store import FILE_NAME
from gui_helpers import field, open_window, units

CLICK = Qt.MouseButton.LeftButton
PATIENT = "Jane Roe MRN 0042"


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    window = open_window(qtbot)
    window.order_form.date.setDate(QDate(2026, 11, 28))
    yield window
    window.order_history.close()
    window.close()


def enter_order(window: MainWindow, dose: str = "1050", patient: str = PATIENT) -> None:
    field(window, "dose").setText(dose)
    window.note_form.inputs["patient"].setText(patient)


def open_history(window: MainWindow) -> HistoryDialog:
    window.order_history.show_dialog()
    dialog = window.findChild(QDialog, "historyDialog")
    assert isinstance(dialog, HistoryDialog)  # the window's child, deleted on close
    return dialog


def test_off_by_default_nothing_is_written(qtbot: QtBot, window: MainWindow) -> None:
    assert not window.order_history.keep_action.isChecked()
    enter_order(window)
    with qtbot.assertNotEmitted(window.order_history.recorded):
        qtbot.mouseClick(window.copy_button, CLICK)
    assert not (data_dir() / FILE_NAME).exists()
    window.order_history.show_dialog()
    assert window.findChild(QDialog, "historyDialog") is None
    assert "order history is off" in window.statusBar().currentMessage()


def test_copy_save_and_print_record_the_finished_order(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from doseunits.gui.actions.export import pdf_printer

    window.order_history.keep_action.trigger()
    assert window.settings.get(HISTORY_ENABLED) is True
    assert "enabled=true" in Path(window.settings.user_file).read_text(encoding="utf-8")
    enter_order(window)
    with qtbot.waitSignal(window.order_history.recorded) as copied:
        qtbot.mouseClick(window.copy_button, CLICK)
    window.note_actions.ask_save_path = lambda: tmp_path / "note.txt"
    with qtbot.waitSignal(window.order_history.recorded):
        qtbot.mouseClick(window.save_button, CLICK)
    window.note_actions.ask_printer = lambda: pdf_printer(tmp_path / "printed.pdf")
    with qtbot.waitSignal(window.order_history.recorded):
        qtbot.mouseClick(window.print_button, CLICK)
    window.note_actions.ask_save_path = lambda: None  # cancelled: not finished, not recorded
    with qtbot.assertNotEmitted(window.order_history.recorded):
        qtbot.mouseClick(window.save_button, CLICK)
    store = window.order_history.store()
    assert store is not None
    assert store.count() == 3
    entry = store.get(copied.args[0])
    assert entry is not None
    assert PATIENT in window.snippet_text  # on screen, in the copied note
    assert PATIENT not in entry.note  # never in the history
    assert "J9022-JW x 15 units" in entry.note


def test_history_view_search_reopen_reprint_copy_export(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from doseunits.gui.actions.export import pdf_printer

    window.order_history.keep_action.setChecked(True)
    enter_order(window, "1680")
    window.note_actions.copy()
    window.order_form.per_kg.setChecked(True)
    for name, text in (("dose_per_kg", "15"), ("weight", "95"), ("max_dose", "1200")):
        field(window, name).setText(text)
    window.vials.set_count(Ndc.parse("50242-0918-01"), 2)
    window.vials.set_count(Ndc.parse("50242-0917-01"), 0)
    window.order_form.date.setDate(QDate(2026, 11, 1))
    assert units(window) == [("", "120"), ("JW", "48")]
    window.note_actions.copy()

    dialog = open_history(window)
    table = dialog.table
    assert table.rowCount() == 2
    first = table.item(0, 0)
    assert first is not None
    assert first.text() == "2026-11-28"
    dialog.drug_filter.setText("J9317")
    assert table.rowCount() == 0
    dialog.drug_filter.setText("j9022")
    assert table.rowCount() == 2
    dialog.date_to.setDate(QDate(2026, 11, 15))
    assert table.rowCount() == 1
    assert dialog.status.text() == "1 order found."  # not "1 orders" (issue 15)
    assert "15 mg/kg x 95 kg" in dialog.note.toPlainText()

    window.new_order()
    assert units(window) == []
    with qtbot.waitSignal(dialog.reopened):
        qtbot.mouseClick(dialog.findChild(QPushButton, "reopenButton"), CLICK)
    assert window.order_form.weight_based
    assert [field(window, n).text() for n in ("dose_per_kg", "weight", "max_dose")] == [
        "15", "95", "1200"
    ]  # fmt: skip
    assert window.order_form.date_of_service() == dt.date(2026, 11, 1)
    assert window.vials.edited
    assert units(window) == [("", "120"), ("JW", "48")]

    pdf = tmp_path / "reprint.pdf"
    window.note_actions.ask_printer = lambda: pdf_printer(pdf)
    qtbot.mouseClick(dialog.findChild(QPushButton, "reprintButton"), CLICK)
    assert pdf.stat().st_size > 1000
    qtbot.mouseClick(dialog.findChild(QPushButton, "copyHistoryNoteButton"), CLICK)
    assert QApplication.clipboard().text() == dialog.note.toPlainText()

    dialog.date_to.setDate(QDate(2000, 1, 1))  # "any"
    target = tmp_path / "history.csv"
    dialog.ask_path = lambda: target
    qtbot.mouseClick(dialog.findChild(QPushButton, "exportHistoryButton"), CLICK)
    with target.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["date_of_service"] for r in rows] == ["2026-11-28", "2026-11-01"]
    assert dialog.status.text() == f"2 orders exported to {target}."
    dialog.close()


def test_reopen_a_flat_dose_that_followed_the_plan(qtbot: QtBot, window: MainWindow) -> None:
    window.order_history.keep_action.setChecked(True)
    enter_order(window, "1050")
    field(window, "administered").setText("1000")
    window.note_actions.copy()
    window.new_order()
    window.drug_selector.select("nivolumab")
    dialog = open_history(window)
    dialog.reopen()
    drug = window.drug_selector.current_drug()
    assert drug is not None
    assert drug.id == "atezolizumab"
    assert (field(window, "dose").text(), field(window, "administered").text()) == ("1050", "1000")
    assert not window.vials.edited
    assert units(window) == [("", "100"), ("JW", "20")]
    assert window.note_form.inputs["patient"].text() == ""
    dialog.close()


def test_reopen_keeps_an_accepted_rounding_in_the_note(qtbot: QtBot, window: MainWindow) -> None:
    window.order_history.keep_action.setChecked(True)
    window.drug_selector.select("sacituzumab-govitecan")
    window.billing.rounding.setValue(10)
    window.order_form.per_kg.setChecked(True)
    field(window, "dose_per_kg").setText("10")
    field(window, "weight").setText("72.5")
    qtbot.mouseClick(window.rounding_banner.button, Qt.MouseButton.LeftButton)
    rounded = ("Dose rounded from 725 mg (ordered as 10 mg/kg x 72.5 kg = 725 mg) to 720 mg "
               "per site policy (within 10%)")  # fmt: skip
    assert rounded in window.results.snippet.toPlainText()
    window.note_actions.copy()
    window.new_order()
    assert rounded not in window.results.snippet.toPlainText()
    dialog = open_history(window)
    dialog.reopen()
    assert field(window, "dose").text() == "720"
    assert units(window) == [("JZ", "288")]
    assert rounded in window.results.snippet.toPlainText()  # the note says so again
    assert not window.rounding_banner.isVisible()
    assert dialog.status.text() == "Order of 2026-11-28 reopened."
    window.drug_selector.select("nivolumab")  # another drug: that rounding is not its own
    assert window.accepted_rounding is None
    assert "Dose rounded" not in window.results.snippet.toPlainText()
    dialog.close()


def test_a_rounding_that_no_longer_comes_out_the_same_is_said(window: MainWindow) -> None:
    from doseunits.engine.draft import OrderDraft

    inputs = OrderDraft("sacituzumab-govitecan", "2026-11-28", dose="700",
                        rounded_from="725", rounding_percent="10")  # fmt: skip
    reopened, caution = window.order_history.reopen(inputs)
    assert reopened  # as stored, with a word of caution
    assert "rounded from 725 mg" in caution
    assert field(window, "dose").text() == "700"
    assert window.accepted_rounding is None
    assert "Dose rounded" not in window.results.snippet.toPlainText()
    for bad in ("Infinity", "-5", "x"):  # a damaged or hand-edited row: no crash either
        damaged = OrderDraft("sacituzumab-govitecan", "2026-11-28", dose="720",
                             rounded_from=bad, rounding_percent="10")  # fmt: skip
        assert window.order_history.reopen(damaged)[0]
        assert window.accepted_rounding is None
    older = OrderDraft("sacituzumab-govitecan", "2026-11-28", dose="720")
    note = "Dose rounded from 725 mg to 720 mg per site policy (within 10%); ..."
    assert "can't say so" in window.order_history.reopen(older, note)[1]


def test_retention_purge(qtbot: QtBot, window: MainWindow) -> None:
    window.order_history.keep_action.setChecked(True)
    store = window.order_history.store()
    assert store is not None
    enter_order(window)
    assert window.result is not None
    now = dt.datetime.now(dt.UTC)
    for days_ago in (400, 40, 1):
        store.record(window.result, window.template, now=now - dt.timedelta(days=days_ago))
    dialog = open_history(window)
    assert dialog.table.rowCount() == 3
    asked: list[int] = []

    def confirm(days: int) -> bool:
        asked.append(days)
        return True

    dialog.confirm_purge = confirm
    dialog.retention.setValue(30)
    qtbot.mouseClick(dialog.findChild(QPushButton, "purgeButton"), CLICK)
    assert asked == [30]
    assert dialog.table.rowCount() == 1
    assert dialog.status.text() == "2 orders older than 30 days were deleted."
    assert window.settings.get(RETENTION_DAYS) == 30
    dialog.close()


def test_a_damaged_history_is_moved_aside_with_a_message(qtbot: QtBot, window: MainWindow) -> None:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE_NAME).write_bytes(b"\x00garbage" * 512)
    window.order_history.keep_action.setChecked(True)
    enter_order(window)
    with qtbot.waitSignal(window.order_history.recorded):
        window.note_actions.copy()
    box = window.findChild(QMessageBox, "historyNoticeBox")
    assert isinstance(box, QMessageBox)
    assert "was damaged" in box.text()
    assert [p.name for p in folder.glob(f"{FILE_NAME}.damaged-*")]
    box.close()
