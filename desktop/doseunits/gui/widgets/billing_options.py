"""Who pays and the site's policy: payer profile, 340B, and the dose-rounding threshold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from doseunits.app.settings import ROUNDING_PERCENT
from doseunits.gui.widgets.field_message import FieldMessage
from doseunits.payers.model import DEFAULT_PAYER, Payer, PayerList

if TYPE_CHECKING:
    from decimal import Decimal


MAX_ROUNDING = ROUNDING_PERCENT.maximum  # percent; HOPA's example policy is 10
_ROUNDING_TIP = (
    "Site policy (HOPA: 10%): suggest the nearest whole-vial dose within this "
    "percentage of the order. Never applied without your acceptance."
)


class BillingOptions(QWidget):
    """Signals: ``changed()`` on any edit."""

    changed = Signal()

    def __init__(self, payers: PayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.payers = payers
        layout = QFormLayout(self)
        self.payer = QComboBox()
        self.payer.setObjectName("payerSelector")
        self.payer.setAccessibleName("Payer profile")
        for payer in payers.payers:
            self.payer.addItem(payer.name, payer.id)
            self.payer.setItemData(self.payer.count() - 1, payer.source, 3)  # tooltip role
        self.select_payer(DEFAULT_PAYER)  # until the site's saved choice is restored
        self.payer.currentIndexChanged.connect(self.changed)
        caption = QLabel("Pa&yer profile")
        caption.setBuddy(self.payer)
        layout.addRow(caption, self.payer)
        self.message = FieldMessage("payerSelectorMessage", lines=0)  # on a payer change
        layout.addRow(self.message.slot)  # a row of its own
        self.acquired_340b = QCheckBox("&340B-acquired drug (adds the payer's 340B modifier)")
        self.acquired_340b.setObjectName("acquired340bCheck")
        self.acquired_340b.toggled.connect(self.changed)
        layout.addRow("", self.acquired_340b)
        self.rounding = QSpinBox()
        self.rounding.setObjectName("roundingPercentInput")
        self.rounding.setAccessibleName("Site dose-rounding threshold in percent, 0 for off")
        self.rounding.setRange(0, MAX_ROUNDING)
        self.rounding.setSuffix(" %")
        self.rounding.setSpecialValueText("off")
        self.rounding.setToolTip(_ROUNDING_TIP)
        self.rounding.valueChanged.connect(self.changed)
        caption = QLabel("Dose rounding pol&icy")
        caption.setBuddy(self.rounding)
        layout.addRow(caption, self.rounding)

    def current_payer(self) -> Payer:
        return self.payers.find(self.payer_id())

    def payer_id(self) -> str:
        return str(self.payer.currentData())

    def select_payer(self, payer_id: str) -> None:
        index = self.payer.findData(payer_id)
        if index >= 0:
            self.payer.setCurrentIndex(index)

    def policy(self) -> int:
        """The dose-rounding threshold in percent (0: off)."""
        return self.rounding.value()

    def set_policy(self, percent: int, fixed_by_site: bool = False) -> None:
        """``fixed_by_site``: the site's settings file set it, so it can't be changed here."""
        self.rounding.setValue(percent)
        self.rounding.setEnabled(not fixed_by_site)
        self.rounding.setToolTip(
            f"{_ROUNDING_TIP} Set for every user by the site's settings file."
            if fixed_by_site else _ROUNDING_TIP
        )  # fmt: skip

    @property
    def rounding_percent(self) -> Decimal:
        from decimal import Decimal  # at the first dose, not at start (gui/__init__.py)

        return Decimal(self.rounding.value())
