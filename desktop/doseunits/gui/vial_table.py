"""The opened vials: one row per presentation with a count, lot and expiry.

Counts follow the least-waste plan until the user edits one; then they stay as
typed until the least-waste button puts the plan back.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doseunits.core.amounts import fmt
from doseunits.core.catalog import Drug, Presentation
from doseunits.core.dates import strict_date
from doseunits.core.errors import InputError
from doseunits.core.ndc import Ndc
from doseunits.core.order import VialDetails
from doseunits.core.plan import VialCount, VialPlan
from doseunits.core.vialspec import MAX_VIALS
from doseunits.gui.field_message import FieldMessage

COLUMNS = ("Vial", "NDC", "Count", "Lot", "Expiry")
COUNT, LOT, EXPIRY = 2, 3, 4
UNVERIFIED = " \N{DAGGER}"


class VialPanel(QWidget):
    """Signals: ``changed()`` when a count, lot or expiry is edited."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("vialTable")
        self.table.setAccessibleName("Opened vials")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        expiry = self.table.horizontalHeaderItem(EXPIRY)
        if expiry is not None:
            expiry.setToolTip("Expiry date, written YYYY-MM-DD")
        self.table.setToolTip("SDV: single-dose vial; MDV: multiple-dose vial")
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.itemChanged.connect(self._item_changed)
        self.least_waste_button = QPushButton("&Least-waste plan")
        self.least_waste_button.setObjectName("leastWasteButton")
        self.least_waste_button.setToolTip("Put the counts back to the least-waste plan")
        self.least_waste_button.clicked.connect(self.follow_plan)
        self._size_columns()
        self.unverified_note = QLabel(
            f"{UNVERIFIED} NDC not verified against a label; see Help > Catalog for its source."
        )
        self.unverified_note.setWordWrap(True)
        self.unverified_note.hide()
        self.message = FieldMessage("vialTableMessage")
        self.scan = QLineEdit()
        self.scan.setObjectName("scanInput")
        self.scan.setAccessibleName("Vial barcode scan")
        self.scan.setPlaceholderText("Scan a vial here (or anywhere in the window)")
        self.scan_message = FieldMessage("scanMessage")
        scan_row = QHBoxLayout()
        scan_label = QLabel("Sc&an")
        scan_label.setBuddy(self.scan)
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan, 1)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.least_waste_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(scan_row)
        layout.addWidget(self.scan_message)
        layout.addWidget(self.table)
        layout.addWidget(self.unverified_note)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.edited = False
        self._presentations: list[Presentation] = []
        self._spins: list[QSpinBox] = []
        self._filling = False

    def set_drug(self, drug: Drug | None) -> None:
        self._filling = True
        self._presentations = list(drug.presentations) if drug else []
        self._spins = []
        self.table.setRowCount(len(self._presentations))
        for row, presentation in enumerate(self._presentations):
            label = f"{fmt(presentation.strength_mg)} mg / {fmt(presentation.volume_ml)} mL, " + (
                "SDV" if presentation.single_dose else "MDV"
            )
            ndc = str(presentation.ndc) + ("" if presentation.verified else UNVERIFIED)
            self.table.setItem(row, 0, _fixed(label, presentation.source))
            self.table.setItem(row, 1, _fixed(ndc, presentation.source))
            spin = QSpinBox()
            spin.setRange(0, MAX_VIALS)
            spin.setObjectName(f"vialCount_{presentation.ndc.eleven}")
            spin.setAccessibleName(f"Count of {presentation.label}, NDC {presentation.ndc}")
            spin.valueChanged.connect(self._count_edited)
            self.table.setCellWidget(row, COUNT, spin)
            self._spins.append(spin)
            for column in (LOT, EXPIRY):
                self.table.setItem(row, column, QTableWidgetItem(""))
        self._filling = False
        self.edited = False
        for row, spin in enumerate(self._spins):
            self.table.setRowHeight(row, spin.sizeHint().height() + 2)
        self.table.setFixedHeight(self._table_height())
        unverified = [p for p in self._presentations if not p.verified]
        self.unverified_note.setVisible(bool(unverified))

    def _size_columns(self) -> None:
        """Widths from the font, not the data, so the panel keeps one width for every drug."""
        advance = self.fontMetrics().horizontalAdvance
        samples = ("1600 mg / 13.4 mL, SDV", "50242-0051-21" + UNVERIFIED, "0000", "AB12345C",
                   "2027-01-31")  # fmt: skip
        widths = [advance(sample) + 18 for sample in samples]
        widths[COUNT] += 24  # the spin box arrows
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        self.table.setMinimumWidth(sum(widths) + 2 * self.table.frameWidth())

    def _table_height(self) -> int:
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        header = self.table.horizontalHeader().sizeHint().height()
        return rows + header + 2 * self.table.frameWidth()

    def show_plan(self, plan: VialPlan | None) -> None:
        """Show the engine's plan in the counts, unless the user has typed their own."""
        if self.edited:
            return
        counts = {v.presentation: v.count for v in plan.vials} if plan else {}
        self._filling = True
        for presentation, spin in zip(self._presentations, self._spins, strict=True):
            spin.setValue(counts.get(presentation, 0))
        self._filling = False

    def follow_plan(self) -> None:
        self.edited = False
        self.changed.emit()

    def set_count(self, ndc: Ndc, count: int) -> None:
        """As if typed (used by tests and, later, by barcode scans)."""
        for presentation, spin in zip(self._presentations, self._spins, strict=True):
            if presentation.ndc == ndc:
                spin.setValue(count)

    def add_scanned(self, ndc: Ndc, lot: str, expiry: dt.date | None) -> None:
        """One scanned vial: counts become as-opened, lot and expiry go on its row."""
        row = next(i for i, p in enumerate(self._presentations) if p.ndc == ndc)
        self._filling = True
        if not self.edited:  # the first scan replaces the proposed plan with real vials
            for spin in self._spins:
                spin.setValue(0)
        self._spins[row].setValue(self._spins[row].value() + 1)
        lots = [t for t in self._cell(row, LOT).split(", ") if t]
        if lot and lot not in lots:
            lots.append(lot)
        self._set_cell(row, LOT, ", ".join(lots))
        known = self._cell(row, EXPIRY)
        if expiry and (not known or expiry.isoformat() < known):
            self._set_cell(row, EXPIRY, expiry.isoformat())  # the earliest expiry counts
        self._filling = False
        self.edited = True
        self.changed.emit()

    def _set_cell(self, row: int, column: int, text: str) -> None:
        item = self.table.item(row, column)
        if item is not None:
            item.setText(text)

    def counts(self) -> tuple[VialCount, ...] | None:
        """The typed counts, or None while they follow the plan."""
        if not self.edited:
            return None
        return tuple(
            VialCount(p, s.value()) for p, s in zip(self._presentations, self._spins, strict=True)
        )

    def details(self) -> dict[Ndc, VialDetails]:
        found = {}
        for row, presentation in enumerate(self._presentations):
            lot = self._cell(row, LOT)
            expiry_text = self._cell(row, EXPIRY)
            expiry = None
            if expiry_text:
                try:
                    expiry = strict_date(expiry_text)
                except ValueError:
                    raise InputError(
                        f"The expiry of NDC {presentation.ndc} must be a date written "
                        f"YYYY-MM-DD (got {expiry_text!r}).",
                        "vials",
                    ) from None
            if lot or expiry:
                found[presentation.ndc] = VialDetails(lot, expiry)
        return found

    def clear(self) -> None:
        self.edited = False
        self._filling = True
        for row, spin in enumerate(self._spins):
            spin.setValue(0)
            for column in (LOT, EXPIRY):
                item = self.table.item(row, column)
                if item:
                    item.setText("")
        self._filling = False

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def _count_edited(self) -> None:
        if not self._filling:
            self.edited = True
            self.changed.emit()

    def _item_changed(self) -> None:
        if not self._filling:
            self.changed.emit()


def _fixed(text: str, tooltip: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(f"Source: {tooltip}")
    return item
