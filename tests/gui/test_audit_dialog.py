"""File > Audit claims: the audit in steps with a progress bar, cancel, and the summary."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenu, QProgressBar, QPushButton
from pytestqt.qtbot import QtBot

from doseunits.app.site import load_default_payers
from doseunits.audit.auditor import AuditCounts
from doseunits.catalog.model import Catalog
from doseunits.gui import build_main_window
from doseunits.gui.dialogs.audit_dialog import AuditDialog
from doseunits.gui.main_window import MainWindow

CLICK = Qt.MouseButton.LeftButton
HEADER = "date_of_service,drug,administered_mg,vials,billed_units,billed_modifier,billed_jw_units"
ROWS = (
    "2026-11-28,atezolizumab,1050,1200x1,105,,15",
    "2026-11-28,atezolizumab,1050,1200x1,105,,0",
    "2026-11-28,atezolizumab,1680,840x2,168,JZ,0",
    "2026-11-28,nobody,1,1x1,1,,0",
)


def claims(path: Path, copies: int) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(ROWS * copies) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def dialog(qtbot: QtBot, catalog: Catalog) -> AuditDialog:
    dialog = AuditDialog(catalog, load_default_payers())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_audit_runs_with_progress_and_summary(
    qtbot: QtBot, dialog: AuditDialog, tmp_path: Path
) -> None:
    source = claims(tmp_path / "november.csv", 1000)
    dialog.ask_input_path = lambda: source
    qtbot.mouseClick(dialog.findChild(QPushButton, "auditInputBrowse"), CLICK)
    report = tmp_path / "november-audit.csv"
    assert dialog.output_path.text() == str(report)  # proposed beside the input
    dialog.step_seconds = 0.002
    steps: list[int] = []
    dialog.progressed.connect(steps.append)
    with qtbot.waitSignal(dialog.auditFinished, timeout=20_000) as done:
        qtbot.mouseClick(dialog.findChild(QPushButton, "runAuditButton"), CLICK)
        assert dialog.cancel_button.isEnabled()
        assert not dialog.run_button.isEnabled()
    counts = done.args[0]
    assert counts == AuditCounts(4000, 2000, 1000, 1000, finished=True)
    assert len(steps) > 1
    assert steps == sorted(steps)
    progress = dialog.findChild(QProgressBar, "auditProgress")
    assert isinstance(progress, QProgressBar)
    assert progress.value() == progress.maximum() == 4000
    assert dialog.summary.text() == (
        f"4000 rows: 2000 ok, 1000 mismatch, 1000 error. Report written to {report}."
    )
    with report.open(encoding="utf-8", newline="") as stream:
        statuses = [row["status"] for row in csv.DictReader(stream)]
    assert statuses[:4] == ["ok", "mismatch", "ok", "error"]
    assert len(statuses) == 4000
    assert dialog.run_button.isEnabled()
    assert not dialog.cancel_button.isEnabled()


def test_cancel_stops_and_writes_no_report(
    qtbot: QtBot, dialog: AuditDialog, tmp_path: Path
) -> None:
    source = claims(tmp_path / "big.csv", 5000)
    report = tmp_path / "report.csv"
    dialog.input_path.setText(str(source))
    dialog.ask_output_path = lambda: report
    qtbot.mouseClick(dialog.findChild(QPushButton, "auditOutputBrowse"), CLICK)
    dialog.step_seconds = 0.001
    with qtbot.waitSignal(dialog.progressed, timeout=10_000):
        dialog.start()
    with (
        qtbot.waitSignal(dialog.cancelled, timeout=5_000),
        qtbot.assertNotEmitted(dialog.auditFinished, wait=100),
    ):
        qtbot.mouseClick(dialog.findChild(QPushButton, "cancelAuditButton"), CLICK)
    assert 0 < dialog.progress.value() < 20_000
    assert dialog.summary.text() == "Audit cancelled; no report was written."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]
    assert dialog.run_button.isEnabled()


def test_a_bad_file_is_one_sentence(qtbot: QtBot, dialog: AuditDialog, tmp_path: Path) -> None:
    source = tmp_path / "wrong.csv"
    source.write_text("claim,amount\n1,2\n", encoding="utf-8")
    dialog.input_path.setText(str(source))
    dialog.output_path.setText(str(tmp_path / "out.csv"))
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.start()
    message = failed.args[0]
    assert message.startswith(f"{source} has none of the audit's columns")
    assert dialog.summary.text() == message
    assert not dialog.running
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wrong.csv"]


def test_file_menu_opens_the_audit(qtbot: QtBot) -> None:
    window: MainWindow = build_main_window()
    qtbot.addWidget(window)
    window.show()
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    actions = {a.text(): a for a in file_menu.actions()}
    assert "&Keep local order history" in actions
    assert "Order &history…" in actions
    actions["&Audit claims…"].trigger()
    dialog = window.findChild(QDialog, "auditDialog")
    assert isinstance(dialog, AuditDialog)
    assert dialog.isVisible()
    dialog.close()
    window.close()
