"""The opened vials: one row per presentation with a count, lot and expiry.

Counts follow the least-waste plan until the user edits one; then they stay as
typed until the least-waste button puts the plan back.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from doseunits.catalog.model import Drug, Presentation
from doseunits.catalog.ndc import Ndc
from doseunits.gui.qt_fast import set_property
from doseunits.gui.widgets.field_message import FieldMessage
from doseunits.quantities import MAX_VIALS, fmt

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from doseunits.engine.draft import VialLot
    from doseunits.engine.plan import VialPlan

COLUMNS = ("Vial", "NDC", "Count", "Lot", "Expiry")
COUNT, LOT, EXPIRY = 2, 3, 4
UNVERIFIED = " \N{DAGGER}"


#: What a vial's label may say, as the row's menu offers it (docs/billing-rules.md §3.6a).
LABEL_CHOICES = (
    ("single-dose", "Label says &single-dose (JW/JZ apply)"),
    ("multi-dose", "Label says &multi-dose (neither JW nor JZ)"),
)
DISAGREES = " \N{NOT EQUAL TO}"


class VialPanel(QWidget):
    """Signals: ``changed()`` when a count, lot or expiry is edited;
    ``labelChosen(Ndc, str)`` when the user says what an unconfirmed vial's label says
    ("single-dose" or "multi-dose"; the window records it, this panel only asks)."""

    changed = Signal()
    labelChosen = Signal(object, str)

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
        # A long vial ("100 mg / volume unconfirmed, MDV") keeps both ends in view.
        set_property(self.table, "textElideMode", "ElideMiddle")
        self.table.setWordWrap(False)  # wrapped, it would show the first words only
        for policy in ("horizontalScrollBarPolicy", "verticalScrollBarPolicy"):
            set_property(self.table, policy, "ScrollBarAlwaysOff")  # see gui/qt_fast.py
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Every input of a row is its own widget with an accessible name (count, lot,
        # expiry); the table's own cells only show the vial and its NDC.
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
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
        #: Where this site's label check differs from a sourced container: both, beside
        #: the rows (the row's vial ends in DISAGREES); made when first needed.
        self.disagreement_note: QLabel | None = None
        self.message = FieldMessage("vialTableMessage")
        self.scan = QLineEdit()
        self.scan.setObjectName("scanInput")
        self.scan.setAccessibleName("Vial barcode scan")
        self.scan.setPlaceholderText("Scan a vial here (or anywhere in the window)")
        self.scan_message = FieldMessage("scanMessage")
        scan_row = QHBoxLayout()
        scan_label = QLabel("Scan &vial")
        scan_label.setBuddy(self.scan)
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan, 1)
        # Beside the button, so it takes no line of its own when it comes and goes.
        self.typed_note = QLabel("Counts as typed, not the plan.")
        self.typed_note.setObjectName("vialCountsTyped")
        self.typed_note.setWordWrap(True)
        self.typed_note.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.typed_note, 1)
        # The button stays where it is: the stretch holds the note's place while it is
        # hidden (not the note's size policy: PySide6's QSizePolicy costs the start 3.5 M).
        buttons.addStretch()
        buttons.addWidget(self.least_waste_button)
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(scan_row)
        layout.addWidget(self.scan_message.slot)
        layout.addWidget(self.table)
        layout.addWidget(self.unverified_note)
        layout.addWidget(self.message.slot)
        layout.addLayout(buttons)
        self.edited = False
        self._presentations: list[Presentation] = []
        self._spins: list[QSpinBox] = []
        self.lot_inputs: list[QLineEdit] = []
        self.expiry_inputs: list[QLineEdit] = []
        #: The "Check label" button of each row whose container is unconfirmed.
        self.label_buttons: dict[Ndc, QToolButton] = {}
        self._filling = False

    def set_drug(self, drug: Drug | None) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and self.table.isAncestorOf(focus):
            self.table.setFocus()  # its cell inputs are about to be replaced
        self._filling = True
        self._presentations = list(drug.presentations) if drug else []
        self._spins, self.lot_inputs, self.expiry_inputs = [], [], []
        self.label_buttons = {}
        self.table.setRowCount(0)  # the last drug's cell widgets go
        self.table.setRowCount(len(self._presentations))
        for row, presentation in enumerate(self._presentations):
            strength = f"{fmt(presentation.strength_mg)} {presentation.measure.symbol}"
            volume = presentation.volume_ml
            shown = "volume unconfirmed" if volume is None else f"{fmt(volume)} mL"
            kind = {"single-dose": "SDV", "multi-dose": "MDV"}.get(presentation.container)
            label = f"{strength} / {shown}, {kind or 'container unconfirmed'}"
            if presentation.container_disagreement:
                label += DISAGREES
            ndc = str(presentation.ndc) + ("" if presentation.verified else UNVERIFIED)
            self.table.setItem(row, 0, _shown(label, presentation.source))
            if not presentation.container_confirmed:
                self.table.setCellWidget(row, 0, self._label_control(presentation, label))
            self.table.setItem(row, 1, _shown(ndc, presentation.source))
            spin = QSpinBox()
            spin.setRange(0, MAX_VIALS)
            spin.setObjectName(f"vialCount_{presentation.ndc.eleven}")
            spin.setAccessibleName(f"Count of {presentation.label}, NDC {presentation.ndc}")
            spin.valueChanged.connect(self._count_edited)
            self.table.setCellWidget(row, COUNT, spin)
            self._spins.append(spin)
            eleven, what = presentation.ndc.eleven, f"{presentation.label}, NDC {presentation.ndc}"
            lot = self._detail_input(f"vialLot_{eleven}", f"Lot of {what}", "")
            expiry = self._detail_input(f"vialExpiry_{eleven}", f"Expiry of {what}", "YYYY-MM-DD")
            self.table.setCellWidget(row, LOT, lot)
            expiry.editingFinished.connect(self._detail_edited)  # half-typed, then left: flag it
            self.table.setCellWidget(row, EXPIRY, expiry)
            self.lot_inputs.append(lot)
            self.expiry_inputs.append(expiry)
        self._filling = False
        self._set_edited(False)
        # Tab goes through the rows' inputs, row by row, before the least-waste button
        # (cell widgets made now would otherwise come last in the window's tab order).
        chain: list[QWidget] = [self.table]
        rows = zip(self._presentations, self._spins, self.lot_inputs, self.expiry_inputs,
                   strict=True)  # fmt: skip
        for presentation, spin, lot, expiry in rows:
            button = self.label_buttons.get(presentation.ndc)
            chain += [spin, lot, expiry] if button is None else [button, spin, lot, expiry]
        chain.append(self.least_waste_button)
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        for row, spin in enumerate(self._spins):
            self.table.setRowHeight(row, spin.sizeHint().height() + 2)
        self.table.setFixedHeight(self._table_height())
        unverified = [p for p in self._presentations if not p.verified]
        self.unverified_note.setVisible(bool(unverified))
        differing = [
            f"{DISAGREES.strip()} NDC {p.ndc}: {p.container} ({p.container_source}); "
            f"the catalog said {p.container_disagreement}."
            for p in self._presentations
            if p.container_disagreement
        ]
        note = self.disagreement_note
        if differing and note is None:
            note = self.disagreement_note = QLabel()
            note.setObjectName("vialContainerDisagreement")
            note.setWordWrap(True)
            set_property(note, "textFormat", "PlainText")
            self._layout.insertWidget(self._layout.indexOf(self.unverified_note) + 1, note)
        if note is not None:
            note.setText("\n".join(differing))
            note.setVisible(bool(differing))

    def _label_control(self, presentation: Presentation, label: str) -> QWidget:
        """The row's vial, and a button whose menu says what its label says: one choice,
        by mouse or keys (Tab to it, Space, S or M)."""
        from PySide6.QtWidgets import QMenu, QStyle

        cell = QWidget()
        cell.setAutoFillBackground(True)  # over the item's text (kept for its readers)
        row = QHBoxLayout(cell)
        row.setContentsMargins(4, 0, 0, 0)
        row.setSpacing(4)
        strength = QLabel(f"{fmt(presentation.strength_mg)} {presentation.measure.symbol}")
        strength.setToolTip(f"{label}\nSource: {presentation.source}")
        button = QToolButton()
        button.setObjectName(f"vialLabel_{presentation.ndc.eleven}")
        button.setText("Check label")
        button.setToolTip(
            "Container unconfirmed: the claim is not ready until the label is checked. "
            "Choose what it says (single-dose: JW/JZ apply; multi-dose: neither); it is "
            "recorded for this site, as 'doseunits catalog confirm' does."
        )
        button.setAccessibleName(
            f"Container of {presentation.label}, NDC {presentation.ndc}: unconfirmed. "
            "Choose what the label says"
        )
        set_property(button, "popupMode", "InstantPopup")
        set_property(button, "focusPolicy", "StrongFocus")
        menu = QMenu(button)
        menu.setObjectName(f"vialLabelMenu_{presentation.ndc.eleven}")
        for container, text in LABEL_CHOICES:
            action = menu.addAction(text)
            action.setObjectName(f"vialLabel_{container}")
            action.triggered.connect(
                lambda _=False, ndc=presentation.ndc, kind=container: self.labelChosen.emit(
                    ndc, kind
                )
            )
        button.setMenu(menu)
        # InstantPopup draws the menu's arrow in the corner without making room for it
        # (only MenuButtonPopup does): without this it sat on the "l" of "label".
        arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator)
        button.setMinimumWidth(button.sizeHint().width() + arrow)
        row.addWidget(strength)
        row.addWidget(button)
        row.addStretch()
        self.label_buttons[presentation.ndc] = button
        return cell

    @property
    def presentations(self) -> tuple[Presentation, ...]:
        """The rows' presentations, in order."""
        return tuple(self._presentations)

    def spin(self, row: int) -> QSpinBox:
        """The row's count."""
        return self._spins[row]

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
        self._set_edited(False)
        self.changed.emit()

    def _set_edited(self, edited: bool) -> None:
        """Counts typed (or scanned) by the user stay as they are until the least-waste
        button; the note beside it says so."""
        self.edited = edited
        self.typed_note.setVisible(edited)

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
        lots = [t for t in self.lot_inputs[row].text().strip().split(", ") if t]
        if lot and lot not in lots:
            lots.append(lot)
        self.lot_inputs[row].setText(", ".join(lots))
        known = self.expiry_inputs[row].text().strip()
        if expiry and (not known or expiry.isoformat() < known):
            self.expiry_inputs[row].setText(expiry.isoformat())  # the earliest expiry counts
        self._filling = False
        self._set_edited(True)
        self.changed.emit()

    def typed_vials(self) -> tuple[str, ...] | None:
        """The typed counts as vial specs (``NDCxCOUNT``, rows above 0), or None while
        they follow the plan."""
        if not self.edited:
            return None
        return tuple(
            f"{p.ndc}x{s.value()}"
            for p, s in zip(self._presentations, self._spins, strict=True)
            if s.value() > 0
        )

    def lots(self) -> tuple[VialLot, ...]:
        """Each row's lot and expiry as typed; an expiry still being typed is not one yet
        (no error until the field is left)."""
        from doseunits.engine.draft import VialLot

        found = []
        for row, presentation in enumerate(self._presentations):
            lot = self.lot_inputs[row].text()
            expiry_input = self.expiry_inputs[row]
            expiry = expiry_input.text()
            if len(expiry.strip()) < len("YYYY-MM-DD") and expiry_input.hasFocus():
                expiry = ""
            if lot.strip() or expiry.strip():
                found.append(VialLot(str(presentation.ndc), lot, expiry))
        return tuple(found)

    def set_counts(self, counts: Mapping[Ndc, int] | None) -> None:
        """Counts as typed, even where they equal the plan (a row not named: 0); None
        follows the plan again."""
        if counts is None:
            self.follow_plan()
            return
        self._filling = True
        for presentation, spin in zip(self._presentations, self._spins, strict=True):
            spin.setValue(counts.get(presentation.ndc, 0))
        self._filling = False
        self._set_edited(True)
        self.changed.emit()

    def set_lots(self, lots: Mapping[Ndc, tuple[str, str]]) -> None:
        """(lot, expiry) text of each NDC's row; rows not named are emptied."""
        for row, presentation in enumerate(self._presentations):
            lot, expiry = lots.get(presentation.ndc, ("", ""))
            self.lot_inputs[row].setText(lot)
            self.expiry_inputs[row].setText(expiry)

    def clear(self) -> None:
        self._set_edited(False)
        self._filling = True
        for spin in self._spins:
            spin.setValue(0)
        for line in (*self.lot_inputs, *self.expiry_inputs):
            line.clear()
        self._filling = False

    def _detail_input(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setAccessibleName(accessible)
        line.setPlaceholderText(placeholder)
        line.setFrame(False)  # the table draws the grid
        line.textChanged.connect(self._detail_edited)
        return line

    def _count_edited(self) -> None:
        if not self._filling:
            self._set_edited(True)
            self.changed.emit()

    def _detail_edited(self) -> None:
        if not self._filling:
            self.changed.emit()


def _shown(text: str, source: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(f"Source: {source}")
    return item
