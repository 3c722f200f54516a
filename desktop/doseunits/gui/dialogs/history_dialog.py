"""File > Order history: find a past order, reopen it, reprint its note, export, purge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doseunits.app.settings import RETENTION_DAYS
from doseunits.errors import DoseUnitsError
from doseunits.history.records import HistoryEntry
from doseunits.history.store import HistoryStore
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from doseunits.gui.actions.order_history import OrderHistory

COLUMNS = ("Date of service", "Drug", "HCPCS", "Ordered", "Administered", "Vials",
           "Claim lines", "Recorded (UTC)")  # fmt: skip
#: A date field at its minimum shows "any" and filters nothing.
NO_DATE = QDate(2000, 1, 1)


class HistoryDialog(QDialog):
    """Signals: ``reopened(int)`` with the id of the order put back in the window.

    Side effects are attributes tests replace: ``ask_path`` (export file) and
    ``confirm_purge`` (asked before deleting old orders).
    """

    reopened = Signal(int)

    def __init__(self, store: HistoryStore, history: OrderHistory, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle("DoseUnits: order history")
        self.store = store
        self.history = history
        self.entries: list[HistoryEntry] = []
        self.ask_path: Callable[[], Path | None] = self._ask_path
        self.confirm_purge: Callable[[int], bool] = self._confirm_purge
        self._build()
        self.search()
        self.resize(1000, 560)

    def _build(self) -> None:
        self.date_from = _date_edit("historyDateFrom", "Date of service from")
        self.date_to = _date_edit("historyDateTo", "Date of service to")
        self.drug_filter = QLineEdit()
        self.drug_filter.setObjectName("historyDrugFilter")
        self.drug_filter.setAccessibleName("Drug id or HCPCS")
        self.drug_filter.setPlaceholderText("drug id or HCPCS, e.g. J9022")
        filters = QHBoxLayout()
        for label, widget in (("&From", self.date_from), ("&To", self.date_to),
                              ("D&rug / HCPCS", self.drug_filter)):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget, 1 if widget is self.drug_filter else 0)
        for date_edit in (self.date_from, self.date_to):
            date_edit.dateChanged.connect(self.search)
        self.drug_filter.textChanged.connect(self.search)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Orders in the history")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self.reopen)
        self.note = QPlainTextEdit()
        self.note.setObjectName("historyNote")
        self.note.setAccessibleName("The stored note")
        self.note.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.note)

        self.reopen_button = _button("reopenButton", "Re&open in the window", self.reopen)
        self.reprint_button = _button("reprintButton", "&Print note…", self.reprint)
        self.copy_button = _button("copyHistoryNoteButton", "&Copy note", self.copy_note)
        self.export_button = _button("exportHistoryButton", "&Export CSV…", self.export)
        actions = QHBoxLayout()
        for button in (self.reopen_button, self.reprint_button, self.copy_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.export_button)

        self.retention = QSpinBox()
        self.retention.setObjectName("retentionDays")
        self.retention.setAccessibleName("Keep orders for this many days")
        self.retention.setRange(RETENTION_DAYS.minimum, RETENTION_DAYS.maximum)
        self.retention.setSpecialValueText("forever")
        self.retention.setSuffix(" days")
        self.retention.setValue(self.history.retention_days)
        if self.history.retention_fixed_by_site:
            self.retention.setEnabled(False)
            self.retention.setToolTip("Set for every user by the site's settings file.")
        self.retention.valueChanged.connect(self.history.set_retention_days)
        self.purge_button = _button("purgeButton", "Purge o&lder orders", self.purge)
        keep = QFormLayout()
        keep.addRow("&Keep orders", self.retention)
        retention_row = QHBoxLayout()
        retention_row.addLayout(keep)
        retention_row.addWidget(self.purge_button)
        retention_row.addStretch()

        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        layout.addLayout(retention_row)
        layout.addWidget(self.status)

    # Searching --------------------------------------------------------------------------
    def search(self) -> None:
        self.entries = self.store.search(
            _date(self.date_from), _date(self.date_to), self.drug_filter.text()
        )
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            texts = (entry.date_of_service.isoformat(), entry.drug_id, entry.hcpcs,
                     f"{fmt(entry.ordered)} {entry.unit}",
                     f"{fmt(entry.administered)} {entry.unit}", entry.vials,
                     "; ".join(line.split(";")[0] for line in entry.lines),
                     entry.created_at.replace("T", " ").rstrip("Z"))  # fmt: skip
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        from doseunits.gui.dialogs.info import plural

        self.status.setText(f"{plural(len(self.entries), 'order')} found.")
        if self.entries:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        entry = self.selected()
        self.note.setPlainText(entry.note if entry else "")
        for button in (self.reopen_button, self.reprint_button, self.copy_button):
            button.setEnabled(entry is not None)

    # Actions ----------------------------------------------------------------------------
    def reopen(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        reopened, message = self.history.reopen(entry.inputs, entry.note, entry.unit)
        if not reopened:
            self.status.setText(message)
            return
        done = f"Order of {entry.date_of_service.isoformat()} reopened."
        self.status.setText(f"{done} {message}" if message else done)
        self.reopened.emit(entry.id)

    def reprint(self) -> None:
        from doseunits.gui.actions import export

        entry = self.selected()
        if entry is None:
            return
        printer = self.history.ask_printer()
        if printer is not None:
            title = f"DoseUnits note: {entry.drug_id} {entry.date_of_service.isoformat()}"
            export.print_note(printer, entry.note, title)  # type: ignore[arg-type]
            self.status.setText("Note sent to the printer.")

    def copy_note(self) -> None:
        from doseunits.gui.actions import export

        entry = self.selected()
        if entry is not None:
            export.copy_to_clipboard(entry.note)
            self.status.setText("Note copied to the clipboard.")

    def export(self) -> None:
        path = self.ask_path()
        if path is None:
            return
        try:
            count = self.store.export_csv(
                path, _date(self.date_from), _date(self.date_to), self.drug_filter.text()
            )
        except DoseUnitsError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"{count} orders exported to {path}.")

    def purge(self) -> None:
        days = self.retention.value()
        if not days:
            self.status.setText("Set how many days to keep orders before purging.")
            return
        if not self.confirm_purge(days):
            return
        try:
            removed = self.store.purge(days)
        except DoseUnitsError as error:
            self.status.setText(str(error))
            return
        self.search()
        self.status.setText(f"{removed} orders older than {days} days were deleted.")

    def _ask_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export order history", "order-history.csv", "CSV (*.csv)"
        )
        return Path(name) if name else None

    def _confirm_purge(self, days: int) -> bool:
        answer = QMessageBox.question(
            self, "Purge order history", f"Delete every order recorded more than {days} days ago?"
        )
        return answer == QMessageBox.StandardButton.Yes


def _date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("any")
    edit.setDate(NO_DATE)
    return edit


def _date(edit: QDateEdit) -> dt.date | None:
    day = edit.date()
    if day == NO_DATE:
        return None
    return dt.date(day.year(), day.month(), day.day())


def _button(name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button
