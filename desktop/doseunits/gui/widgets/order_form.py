"""The order: flat or weight-based dose, optional cap and administered amount, date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from doseunits.dates import calendar_day, strict_date
from doseunits.gui.widgets.field_message import FieldMessage
from doseunits.quantities import MG, Unit

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

# The order's field name (errors.OrderField) -> (objectName, label with mnemonic,
# accessible name, placeholder). How errors name each amount: engine/draft.py.
NUMBER_FIELDS = {
    "dose": ("doseInput", "&Dose (mg)", "Ordered dose in mg", "e.g. 1050"),
    "dose_per_kg": ("dosePerKgInput", "Dose per &kg (mg/kg)", "Dose in mg per kg", "e.g. 10"),
    "weight": ("weightInput", "&Weight (kg)", "Patient weight in kg", "e.g. 72.5"),
    "max_dose": ("maxDoseInput", "Ma&x dose (mg)", "Maximum dose in mg (cap)", "optional"),
    "administered": (
        "administeredInput",
        "Ad&ministered (mg)",
        "Amount administered in mg, when less than ordered",
        "optional: if less than ordered",
    ),
}


class OrderForm(QWidget):
    """Signals: ``changed()`` on any edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.flat = QRadioButton("Flat d&ose")
        self.flat.setObjectName("flatDoseMode")
        self.per_kg = QRadioButton("Weight-&based")
        self.per_kg.setObjectName("perKgDoseMode")
        self.flat.setChecked(True)
        # Qt takes a button's mnemonic (Alt+O, Alt+B) with animateClick(): pressed at once,
        # clicked 100 ms later. Keys typed right after it (Tab, the dose per kg) landed
        # before the switch, in the dose field. Checked on pressed, the switch comes first.
        self.flat.pressed.connect(lambda: self.flat.setChecked(True))
        self.per_kg.pressed.connect(lambda: self.per_kg.setChecked(True))
        modes = QButtonGroup(self)
        modes.addButton(self.flat)
        modes.addButton(self.per_kg)
        row = QHBoxLayout()
        row.addWidget(self.flat)
        row.addWidget(self.per_kg)
        row.addStretch()
        layout.addRow("Dose type", row)

        self.inputs: dict[str, QLineEdit] = {}
        self.messages: dict[str, FieldMessage] = {}
        self.captions: dict[str, QLabel] = {}
        self.measure = MG
        for field, (name, label, accessible, hint) in NUMBER_FIELDS.items():
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setAccessibleName(accessible)
            edit.setPlaceholderText(hint)
            edit.textChanged.connect(self.changed)
            self.inputs[field] = edit
            self._add(layout, field, label, edit, name)

        self.date = QDateEdit()
        self.date.setObjectName("dateInput")
        self.date.setAccessibleName("Date of service")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate())
        self.date.dateChanged.connect(self.changed)
        self._add(layout, "date", "Date of &service", self.date, "dateInput")

        self.flat.toggled.connect(self._mode_changed)
        self._mode_changed()

    def _add(self, layout: QFormLayout, field: str, label: str, widget: QWidget, name: str) -> None:
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.captions[field] = caption
        # The whole row's width, the space of a typing error's message kept (one
        # sentence, ~90 characters), so it moves nothing below it; none for the date.
        typed = field != "date"
        message = FieldMessage(f"{name}Message", lines=int(typed), typical=90 * typed)
        self.messages[field] = message
        layout.addRow(caption, widget)
        layout.addRow(message.slot)

    def _mode_changed(self) -> None:
        weight_based = self.per_kg.isChecked()
        dose, per_kg = self.inputs["dose"], self.inputs["dose_per_kg"]
        per_kg_fields = [self.inputs[f] for f in ("dose_per_kg", "weight", "max_dose")]
        # The focus in a field being switched off goes to the other type's first field,
        # not on to whatever follows it.
        was_in = next((e for e in (dose, *per_kg_fields) if e.hasFocus()), None)
        for edit in per_kg_fields:
            edit.setEnabled(weight_based)
        dose.setEnabled(not weight_based)
        if was_in is not None and not was_in.isEnabled():
            (per_kg if weight_based else dose).setFocus()
        for field, edit in self.inputs.items():  # no space kept under fields not in use
            self.messages[field].reserve(edit.isEnabled())
        self.changed.emit()

    def set_measure(self, measure: Unit) -> None:
        """Amounts are typed in the drug's measure: "Dose (mcg)", "Dose per kg (units/kg)"."""
        if measure == self.measure:
            return  # the start-up's first drug is in mg, as the form is built
        self.measure = measure
        u = measure.symbol
        for field, (_, label, accessible, _) in NUMBER_FIELDS.items():
            if field == "weight":
                continue
            self.captions[field].setText(label.replace("mg", u))
            self.inputs[field].setAccessibleName(accessible.replace("mg", u))

    def text(self, field: str) -> str:
        return self.inputs[field].text()

    def used_text(self, field: str) -> str:
        """The text of a field the dose type uses; "" for the other type's fields (they
        keep their text while switched off, but are not part of the order)."""
        per_kg_only = field in ("dose_per_kg", "weight", "max_dose")
        if field == "administered" or per_kg_only == self.weight_based:
            return self.text(field)
        return ""

    def has_dose(self) -> bool:
        """Something typed to work the order out from: the dose, or the dose per kg or the
        weight (a missing one of those two is then named at its field)."""
        fields = ("dose_per_kg", "weight") if self.weight_based else ("dose",)
        return any(self.text(f).strip() for f in fields)

    @property
    def weight_based(self) -> bool:
        return self.per_kg.isChecked()

    def date_of_service(self) -> dt.date:
        qdate = self.date.date()
        return calendar_day(qdate.year(), qdate.month(), qdate.day())

    def date_text(self) -> str:
        """The date of service as an order writes it, YYYY-MM-DD."""
        qdate = self.date.date()
        return f"{qdate.year():04d}-{qdate.month():02d}-{qdate.day():02d}"

    def fill(self, weight_based: bool, texts: Mapping[str, str], date_text: str) -> None:
        """The dose type, each number field's text ("" where ``texts`` has none) and the
        date of service (kept as it is when ``date_text`` is not a date)."""
        (self.per_kg if weight_based else self.flat).setChecked(True)
        for field, edit in self.inputs.items():
            edit.setText(texts.get(field, ""))
        try:
            day = strict_date(date_text)
        except ValueError:
            return
        self.date.setDate(QDate(day.year, day.month, day.day))

    def clear(self) -> None:
        for edit in self.inputs.values():
            edit.clear()
        self.flat.setChecked(True)
        self.date.setDate(QDate.currentDate())
