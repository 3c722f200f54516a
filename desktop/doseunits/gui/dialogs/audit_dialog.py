"""File > Audit claims: the batch claim audit of ``doseunits audit``, with progress and
cancel, then its rows (filter, search, sort, open one in the order form) and the summary
per drug and quarter (table, chart of JW dollars, CSV and PDF export).

The audit runs in short steps from a timer on the window's own thread, so the window
stays responsive and no thread has to be stopped; Cancel takes effect between steps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from doseunits.audit.auditor import REQUIRED_COLUMNS, AuditCounts, Auditor, claim_draft
from doseunits.audit.job import AuditJob, count_rows, save_summary_csv
from doseunits.audit.summary import AuditSummary, SummaryRow, reasons_text
from doseunits.catalog.model import Catalog
from doseunits.catalog.pricing import PaymentLimits, usd
from doseunits.engine.draft import OrderDraft
from doseunits.errors import DoseUnitsError
from doseunits.gui.widgets.claims_table import ClaimsTable
from doseunits.gui.widgets.waste_chart import WasteChart
from doseunits.payers.model import PayerList

SUMMARY_HEADINGS = (
    "HCPCS", "Drug", "Quarter", "Claims", "Administered units", "JW units", "JZ claims",
    "JW share", "Administered $", "JW $", "Mismatches", "Errors", "Mismatches by reason",
    "Pricing",
)  # fmt: skip


class AuditDialog(QDialog):
    """Signals: ``progressed(int)`` rows done after each step; ``auditFinished(object)``
    with the AuditCounts when the report is written; ``cancelled()``; ``failed(str)``.

    Side effects are attributes tests replace: ``ask_input_path``, ``ask_output_path``,
    ``ask_summary_path(suffix)``. ``step_seconds`` is how long one step may audit before
    the window gets a turn. ``limits`` gives the payment limits (the site's, read on
    first use); ``open_claim`` opens a double-clicked row in the order form.
    """

    progressed = Signal(int)
    auditFinished = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        payers: PayerList,
        parent: QWidget | None = None,
        *,
        limits: Callable[[], PaymentLimits] | None = None,
        open_claim: Callable[[OrderDraft], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle("DoseUnits: audit claims")
        self.catalog = catalog
        self.payers = payers
        self.ask_input_path: Callable[[], Path | None] = self._ask_input_path
        self.ask_output_path: Callable[[], Path | None] = self._ask_output_path
        self.ask_summary_path: Callable[[str], Path | None] = self._ask_summary_path
        self.limits = limits
        self.open_claim = open_claim
        self.audit_summary: AuditSummary | None = None
        self.summary_rows: list[SummaryRow] = []
        self.step_seconds = 0.04
        self.job: AuditJob | None = None
        self._priced_note = ""
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
        self.claims = ClaimsTable()
        self.claims.openRequested.connect(self.open_row)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("auditTabs")
        self.tabs.addTab(self.claims, "C&laims")
        self.tabs.addTab(self._summary_tab(), "Su&mmary per drug and quarter")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(files)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.resize(960, 640)

    def _summary_tab(self) -> QWidget:
        self.summary_table = QTableWidget(0, len(SUMMARY_HEADINGS))
        self.summary_table.setObjectName("summaryTable")
        self.summary_table.setAccessibleName("Summary per drug and quarter")
        self.summary_table.setHorizontalHeaderLabels(SUMMARY_HEADINGS)
        self.summary_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary_table.verticalHeader().hide()
        self.summary_table.horizontalHeader().setStretchLastSection(True)
        self.chart = WasteChart()
        self.flag_note = QLabel(
            "JW share: discarded units billed on JW lines over all units billed. '!' marks a "
            "share above 10%, the floor of the applicable percentage of CMS's discarded drug "
            "refund program (42 CFR 414.940): a signal to review, not the refund itself."
        )
        self.flag_note.setWordWrap(True)
        self.export_csv = _button("exportSummaryCsv", "Export summary as CS&V…", self.save_csv)
        self.export_pdf = _button("exportSummaryPdf", "Export summary as &PDF…", self.save_pdf)
        for button in (self.export_csv, self.export_pdf):
            button.setEnabled(False)
        split = QSplitter()
        split.setOrientation(Qt.Orientation.Vertical)
        split.addWidget(self.summary_table)
        split.addWidget(self.chart)
        exports = QHBoxLayout()
        exports.addWidget(self.flag_note, 1)
        exports.addWidget(self.export_csv)
        exports.addWidget(self.export_pdf)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(split, 1)
        layout.addLayout(exports)
        return tab

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
        limits = None
        priced = ""
        try:
            limits = self.limits() if self.limits is not None else None
        except DoseUnitsError as error:  # the audit runs; its dollars are withheld
            priced = f" Dollars withheld: {str(error).rstrip('.')}."
        self.audit_summary = AuditSummary(limits)
        self._priced_note = priced
        try:
            self.job = AuditJob(
                source,
                target,
                Auditor(self.catalog, self.payers),
                self.audit_summary,
                keep=self.claims.model.keep,
            )
        except DoseUnitsError as error:
            self._fail(str(error))
            return
        self.claims.model.start(self.job.header)
        self.claims.model.refresh()
        self._show_summary([])
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
        self.summary.setText(
            f"{counts.summary()}. Report written to {job.target}.{self._priced_note}"
        )
        self.claims.model.refresh()
        if counts.mismatch or counts.error:  # the biller's work first
            self.claims.status.setCurrentText("mismatch or error")
        self._show_summary(self.audit_summary.rows() if self.audit_summary else [])
        self.auditFinished.emit(counts)

    def cancel(self) -> None:
        if not self.running:
            return
        self._stop()
        self.claims.model.start(self.claims.model.header or ["status"])
        self.claims.model.refresh()
        self._show_summary([])
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

    # Rows and summary --------------------------------------------------------------------
    def open_row(self, row: dict[str, str]) -> None:
        """The claim in the order form, as DoseUnits would bill it."""
        if self.open_claim is None:
            return
        try:
            self.open_claim(claim_draft(row))
        except DoseUnitsError as error:
            self.summary.setText(f"This row can't be opened: {error}")

    def _show_summary(self, rows: list[SummaryRow]) -> None:
        from doseunits.gui.summary_report import chart_bars

        self.summary_rows = rows
        table = self.summary_table
        table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            share = row.share_text()
            cells = (
                row.hcpcs, row.drug, str(row.quarter), f"{row.claims:,}",
                f"{row.administered_units:,}", f"{row.jw_units:,}", f"{row.jz_claims:,}",
                (f"{share}%" + (" !" if row.above_signal else "")) if share else "",
                "withheld" if row.administered_usd is None else usd(row.administered_usd),
                "withheld" if row.jw_usd is None else usd(row.jw_usd),
                f"{row.mismatches:,}", f"{row.errors:,}", reasons_text(row), row.pricing,
            )  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(number, column, item)
        table.resizeColumnsToContents()
        self.chart.show_bars(chart_bars(rows))
        for button in (self.export_csv, self.export_pdf):
            button.setEnabled(bool(rows))

    def save_csv(self) -> None:
        path = self.ask_summary_path(".csv")
        if path is None:
            return
        try:
            save_summary_csv(self.summary_rows, path)
        except DoseUnitsError as error:
            self._fail(str(error))
            return
        self.summary.setText(f"Summary written to {path}.")

    def save_pdf(self) -> None:
        from doseunits.gui.summary_report import save_summary_pdf

        path = self.ask_summary_path(".pdf")
        if path is None:
            return
        name = Path(self.input_path.text().strip()).name
        try:
            save_summary_pdf(self.summary_rows, path, name)
        except DoseUnitsError as error:
            self._fail(str(error))
            return
        self.summary.setText(f"Summary PDF written to {path}.")

    def _ask_summary_path(self, suffix: str) -> Path | None:
        kind = "PDF (*.pdf)" if suffix == ".pdf" else "CSV (*.csv)"
        name, _ = QFileDialog.getSaveFileName(self, "Audit summary", f"summary{suffix}", kind)
        return Path(name) if name else None

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
