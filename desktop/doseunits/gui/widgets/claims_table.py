"""The audit's rows as a table: filter by status, search, sort; each row's reason in full.

The model holds the report's rows (every mismatch and error, and the ok rows up to
``KEEP_OK``: a month of claims in full, a year's problems); it shows and filters, never
audits. Double-clicking a row asks for that claim in the order form (``openRequested``
with the row's cells by column name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

#: ok rows kept for the table (mismatches and errors are always kept).
KEEP_OK = 100_000
STATUSES = ("all", "mismatch or error", "ok", "mismatch", "error")
_Index = QModelIndex | QPersistentModelIndex


class ClaimsModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header: list[str] = []
        self.rows: list[list[str]] = []  # as kept
        self.visible: list[int] = []  # indexes into rows, filtered and sorted
        self.ok_left_out = 0
        self._status_column = -1
        self._status = "all"
        self._search = ""
        self._ok_kept = 0
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # Filling ------------------------------------------------------------------------
    def start(self, header: Sequence[str]) -> None:
        self.beginResetModel()
        self.header = list(header)
        self.rows = []
        self.visible = []
        self.ok_left_out = self._ok_kept = 0
        self._status_column = self.header.index("status")
        self.endResetModel()

    def keep(self, row: list[str]) -> None:
        """One report row, as the audit writes it (not shown until ``refresh``)."""
        if row[self._status_column] == "ok":
            if self._ok_kept >= KEEP_OK:
                self.ok_left_out += 1
                return
            self._ok_kept += 1
        self.rows.append(list(row))

    def refresh(self) -> None:
        self.beginResetModel()
        self.visible = [n for n, row in enumerate(self.rows) if self._shown(row)]
        if self._sort is not None:
            self._order(*self._sort)
        self.endResetModel()

    # Filter, search, sort --------------------------------------------------------------
    def set_status(self, status: str) -> None:
        self._status = status
        self.refresh()

    def set_search(self, text: str) -> None:
        self._search = text.strip().casefold()
        self.refresh()

    def _shown(self, row: list[str]) -> bool:
        status = row[self._status_column] if len(row) > self._status_column else ""
        wanted = self._status
        if wanted == "mismatch or error":
            if status == "ok":
                return False
        elif wanted != "all" and status != wanted:
            return False
        return not self._search or any(self._search in cell.casefold() for cell in row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.header):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._order(column, order)
        self.layoutChanged.emit()

    def _order(self, column: int, order: Qt.SortOrder) -> None:
        def key(n: int) -> tuple[int, float, str]:
            text = self.rows[n][column] if column < len(self.rows[n]) else ""
            try:
                return (0, float(text), "")  # numbers as numbers
            except ValueError:
                return (1, 0.0, text.casefold())

        self.visible.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # Qt's model --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.header)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
        ):  # fmt: skip
            return None
        row = self.rows[self.visible[index.row()]]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.header[section] if section < len(self.header) else None
        return str(self.visible[section] + 1) if section < len(self.visible) else None

    def row_at(self, visible_row: int) -> dict[str, str]:
        row = self.rows[self.visible[visible_row]]
        return dict(zip(self.header, row, strict=False))


class ClaimsTable(QWidget):
    """Signal ``openRequested(dict)``: the double-clicked row, by column name."""

    openRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ClaimsModel(self)
        self.status = QComboBox()
        self.status.setObjectName("claimsStatusFilter")
        self.status.setAccessibleName("Show rows with status")
        self.status.addItems(STATUSES)
        self.status.currentTextChanged.connect(self.model.set_status)
        self.search = QLineEdit()
        self.search.setObjectName("claimsSearch")
        self.search.setAccessibleName("Search the rows")
        self.search.setPlaceholderText("Search: drug, date, reason…")
        self.search.textChanged.connect(self.model.set_search)
        self.view = QTableView()
        self.view.setObjectName("claimsView")
        self.view.setAccessibleName("Audited claims")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        # File order until a heading is clicked (no arrow claims a sort that is not there).
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self._open)
        self.view.selectionModel().currentRowChanged.connect(self._show_reason)
        self.reason = QLabel()
        self.reason.setObjectName("claimsReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel()
        self.count.setObjectName("claimsCount")
        self.model.modelReset.connect(self._show_count)
        bar = QHBoxLayout()
        caption = QLabel("Sho&w")
        caption.setBuddy(self.status)
        bar.addWidget(caption)
        bar.addWidget(self.status)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reason)

    def _show_count(self) -> None:
        model = self.model
        text = f"{len(model.visible):,} of {len(model.rows):,} rows"
        if model.ok_left_out:
            text += f" ({model.ok_left_out:,} more ok rows are in the report file only)"
        self.count.setText(text)

    def _show_reason(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.reason.clear()
            return
        row = self.model.row_at(current.row())
        reason = row.get("reason", "")
        self.reason.setText(
            f"{row.get('status', '')}: {reason}" if reason else row.get("status", "")
        )

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.openRequested.emit(self.model.row_at(index.row()))
