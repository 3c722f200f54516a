"""The order: flat or weight-based dose, optional cap and administered amount, date."""

from __future__ import annotations

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

from doseunits.dates import calendar_day
from doseunits.gui.widgets.field_message import FieldMessage
from doseunits.quantities import MG, Unit, amount_in, to_decimal

TYPE_CHECKING = False  # not typing's: see gui/__init__.py
if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

# How an error message names each number ("The dose (mg) must be more than 0"); the
# amounts' "mg" becomes the drug's measure (set_measure).
NUMBER_LABELS = {
    "dose": "The dose (mg)",
    "dose_per_kg": "The dose per kg (mg/kg)",
    "weight": "The weight (kg)",
    "max_dose": "The maximum dose (mg)",
    "administered": "The administered amount (mg)",
}
# Core field name -> (objectName, label with mnemonic, accessible name, placeholder)
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
        self.flat = QRadioButton("&Flat dose")
        self.flat.setObjectName("flatDoseMode")
        self.per_kg = QRadioButton("Weight-&based")
        self.per_kg.setObjectName("perKgDoseMode")
        self.flat.setChecked(True)
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
        self.labels = dict(NUMBER_LABELS)
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
        message = FieldMessage(f"{name}Message")
        self.messages[field] = message
        layout.addRow(caption, widget)
        layout.addRow("", message)

    def _mode_changed(self) -> None:
        weight_based = self.per_kg.isChecked()
        self.inputs["dose"].setEnabled(not weight_based)
        for field in ("dose_per_kg", "weight", "max_dose"):
            self.inputs[field].setEnabled(weight_based)
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
            self.labels[field] = NUMBER_LABELS[field].replace("mg", u)

    def text(self, field: str) -> str:
        return self.inputs[field].text()

    def number(self, field: str) -> Decimal | None:
        """The number typed in a field, None when it is empty; InputError names the field.
        An amount is in the drug's measure, or says its unit ("0.48 mg" of a mcg drug)."""
        text = self.text(field).strip()
        if not text:
            return None
        if field == "weight":
            return to_decimal(text, self.labels[field], field)
        return amount_in(text, self.measure, self.labels[field], field)

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

    def clear(self) -> None:
        for edit in self.inputs.values():
            edit.clear()
        self.flat.setChecked(True)
        self.date.setDate(QDate.currentDate())
