"""File > Audit claims: the batch claim audit of ``doseunits audit``, with progress and cancel.

The audit runs in short steps from a timer on the window's own thread, so the window
stays responsive and no thread has to be stopped; Cancel takes effect between steps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from doseunits.audit.auditor import REQUIRED_COLUMNS, AuditCounts, Auditor
from doseunits.audit.job import AuditJob, count_rows
from doseunits.catalog.model import Catalog
from doseunits.errors import DoseUnitsError
from doseunits.payers.model import PayerList


class AuditDialog(QDialog):
    """Signals: ``progressed(int)`` rows done after each step; ``auditFinished(object)``
    with the AuditCounts when the report is written; ``cancelled()``; ``failed(str)``.

    Side effects are attributes tests replace: ``ask_input_path``, ``ask_output_path``.
    ``step_seconds`` is how long one step may audit before the window gets a turn.
    """

    progressed = Signal(int)
    auditFinished = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, catalog: Catalog, payers: PayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle("DoseUnits: audit claims")
        self.catalog = catalog
        self.payers = payers
        self.ask_input_path: Callable[[], Path | None] = self._ask_input_path
        self.ask_output_path: Callable[[], Path | None] = self._ask_output_path
        self.step_seconds = 0.04
        self.job: AuditJob | None = None
        self.counts: AuditCounts | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)
        self._build()

    def _build(self) -> None:
        columns = ", ".join(REQUIRED_COLUMNS)
        intro = QLabel(
            "Checks each claim row against the billing rules: administered units, the JW "
            f"line and JZ. The CSV needs the columns {columns} (payer and ordered optional; "
            "amounts in the drug's unit, or administered_mg and ordered_mg in mg)."
        )
        intro.setWordWrap(True)
        self.input_path = QLineEdit()
        self.input_path.setObjectName("auditInput")
        self.input_path.setAccessibleName("Claims CSV to audit")
        self.output_path = QLineEdit()
        self.output_path.setObjectName("auditOutput")
        self.output_path.setAccessibleName("Report CSV to write")
        browse_in = _button("auditInputBrowse", "Choo&se…", self.choose_input)
        browse_out = _button("auditOutputBrowse", "C&hoose…", self.choose_output)
        files = QGridLayout()
        rows = (
            ("&Claims CSV", self.input_path, browse_in),
            ("&Report CSV", self.output_path, browse_out),
        )
        for row, (label, edit, browse) in enumerate(rows):
            caption = QLabel(label)
            caption.setBuddy(edit)
            files.addWidget(caption, row, 0)
            files.addWidget(edit, row, 1)
            files.addWidget(browse, row, 2)

        self.progress = QProgressBar()
        self.progress.setObjectName("auditProgress")
        self.progress.setAccessibleName("Audit progress")
        self.progress.setValue(0)
        self.summary = QLabel()
        self.summary.setObjectName("auditSummary")
        self.summary.setWordWrap(True)
        self.run_button = _button("runAuditButton", "&Audit", self.start)
        self.cancel_button = _button("cancelAuditButton", "Ca&ncel", self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = _button("closeAuditButton", "Cl&ose", self.close)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.run_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(files)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.resize(640, 240)

    # Files --------------------------------------------------------------------------
    def choose_input(self) -> None:
        path = self.ask_input_path()
        if path is None:
            return
        self.input_path.setText(str(path))
        if not self.output_path.text().strip():
            self.output_path.setText(str(path.with_name(f"{path.stem}-audit.csv")))

    def choose_output(self) -> None:
        path = self.ask_output_path()
        if path is not None:
            self.output_path.setText(str(path))

    # Running --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self) -> None:
        if self.running:
            return
        source = Path(self.input_path.text().strip())
        target = Path(self.output_path.text().strip())
        if not self.input_path.text().strip() or not self.output_path.text().strip():
            self._fail("Choose the claims CSV to audit and where to write the report.")
            return
        try:
            self.job = AuditJob(source, target, Auditor(self.catalog, self.payers))
        except DoseUnitsError as error:
            self._fail(str(error))
            return
        total = count_rows(source)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.summary.setText(f"Auditing {source.name}…")
        self._set_running(True)
        self._timer.start(0)

    def _step(self) -> None:
        job = self.job
        if job is None:
            return
        try:
            counts = job.step(self.step_seconds)
        except DoseUnitsError as error:
            self._stop()
            self._fail(str(error))
            return
        self.progress.setMaximum(max(self.progress.maximum(), counts.rows))
        self.progress.setValue(counts.rows)
        self.progressed.emit(counts.rows)
        if not counts.finished:
            self._timer.start(0)
            return
        self.job = None
        self.counts = counts
        self._set_running(False)
        self.progress.setValue(self.progress.maximum())
        self.summary.setText(f"{counts.summary()}. Report written to {job.target}.")
        self.auditFinished.emit(counts)

    def cancel(self) -> None:
        if not self.running:
            return
        self._stop()
        self.summary.setText("Audit cancelled; no report was written.")
        self.cancelled.emit()

    def _stop(self) -> None:
        self._timer.stop()
        if self.job is not None:
            self.job.discard()
            self.job = None
        self._set_running(False)

    def _fail(self, message: str) -> None:
        self.summary.setText(message)
        self.failed.emit(message)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.input_path, self.output_path):
            widget.setEnabled(not running)

    def done(self, result: int) -> None:  # closing the dialog cancels a running audit
        self.cancel()
        super().done(result)

    def _ask_input_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Claims to audit", "", "CSV (*.csv)")
        return Path(name) if name else None

    def _ask_output_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Audit report", "audit.csv", "CSV (*.csv)")
        return Path(name) if name else None


def _button(name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button
