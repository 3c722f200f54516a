"""The window's side of the order history: the opt-in switch, recording, reopening.

History is off until the user checks "Keep local order history" (QSettings
``history/enabled``). Then an order is recorded when its note is copied, saved or
printed: the moment it is finished. Site settings in the same INI file:
``history/store_patient_identifier`` (default false: the patient line is left out) and
``history/retention_days`` (0 keeps everything; otherwise older orders are purged when
the history is opened, and from the History window).
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QObject, QSettings, Signal
from PySide6.QtGui import QAction

from doseunits.catalog.ndc import Ndc
from doseunits.errors import DoseUnitsError
from doseunits.gui.widgets.billing_options import MAX_ROUNDING
from doseunits.outputs.note import ROUNDED_FROM
from doseunits.quantities import fmt

TYPE_CHECKING = False  # not typing's: see gui/__init__.py
if TYPE_CHECKING:  # the history's SQLite code loads when it is first used
    from doseunits.gui.main_window import MainWindow
    from doseunits.history.records import OrderInputs
    from doseunits.history.store import HistoryStore

ENABLED = "history/enabled"
STORE_PATIENT = "history/store_patient_identifier"
RETENTION_DAYS = "history/retention_days"


def setting_flag(settings: QSettings, key: str) -> bool:
    """A true/false setting as QSettings' INI file spells it ("true", "1", ...)."""
    return str(settings.value(key, "false")).strip().lower() in ("true", "1", "yes", "on")


def setting_days(settings: QSettings) -> int:
    try:
        return max(0, int(str(settings.value(RETENTION_DAYS, 0) or 0)))
    except ValueError:
        return 0


class OrderHistory(QObject):
    """Signals: ``recorded(int)`` with the id of each order stored."""

    recorded = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.keep_action = QAction(text="Keep local order &history", parent=window)
        self.keep_action.setObjectName("keepHistoryAction")
        self.keep_action.setCheckable(True)
        self.keep_action.setChecked(setting_flag(self.settings, ENABLED))
        self.keep_action.setToolTip(
            "Record each order whose note is copied, saved or printed, on this computer only"
        )
        self.keep_action.toggled.connect(self._toggled)
        self._store: HistoryStore | None = None

    @property
    def enabled(self) -> bool:
        return self.keep_action.isChecked()

    def _toggled(self, on: bool) -> None:
        self.settings.setValue(ENABLED, on)
        self.settings.sync()

    def store(self) -> HistoryStore | None:
        """The history, opened on first use; None (and a message) when it can't be used."""
        if self._store is not None:
            return self._store
        from doseunits.history.store import HistoryStore

        try:
            store = HistoryStore(
                store_patient_identifier=setting_flag(self.settings, STORE_PATIENT)
            )
            days = setting_days(self.settings)
            if days:
                store.purge(days)
        except DoseUnitsError as error:
            self.window.statusBar().showMessage(f"Order history not available: {error}", 10000)
            import logging

            logging.getLogger(__name__).warning("Order history not available: %s", error)
            return None
        if store.notice:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "DoseUnits: order history",
                store.notice,
                parent=self.window,
            )
            box.setObjectName("historyNoticeBox")
            box.open()
        self._store = store
        return store

    def order_finished(self) -> None:
        """The note was copied, saved or printed: record the order if history is on."""
        window = self.window
        if not self.enabled or window.result is None:
            return
        store = self.store()
        if store is None:
            return
        try:
            order_id = store.record(window.result, window.template)
        except DoseUnitsError as error:
            window.statusBar().showMessage(f"The order was not kept in the history: {error}", 10000)
            return
        self.recorded.emit(order_id)

    def reopen(self, inputs: OrderInputs, note: str = "") -> tuple[bool, str]:
        """Fill the window's form with a stored order (``note``: the note it was stored
        with). Returns whether it was reopened, and what the user must know ("" if all
        is as stored)."""
        window = self.window
        if window.drug_selector.findData(inputs.drug_id) < 0:
            return False, f"The drug {inputs.drug_id!r} is no longer in the catalog."
        window.new_order()
        window.drug_selector.select(inputs.drug_id)
        form = window.order_form
        (form.per_kg if inputs.weight_based else form.flat).setChecked(True)
        texts = {
            "dose": inputs.dose_mg,
            "dose_per_kg": inputs.dose_per_kg_mg,
            "weight": inputs.weight_kg,
            "max_dose": inputs.max_dose_mg,
            "administered": inputs.administered_mg,
        }
        drug = window.drug_selector.current_drug()
        if drug is not None and inputs.unit != drug.measure.symbol:  # the catalog changed:
            texts = {  # the form converts "480 mcg" into the drug's measure exactly
                f: t and (t if f == "weight" else f"{t} {inputs.unit}") for f, t in texts.items()
            }
        for field, text in texts.items():
            form.inputs[field].setText(text)
        day = inputs.date_of_service
        form.date.setDate(QDate(day.year, day.month, day.day))
        if inputs.payer_id:
            window.billing.select_payer(inputs.payer_id)
        window.billing.acquired_340b.setChecked(inputs.acquired_340b)
        for field, edit in window.note_form.inputs.items():
            if field not in ("preparer", "site") and field in inputs.details:
                edit.setText(inputs.details[field])
        if inputs.vials is None:
            window.vials.follow_plan()
        else:
            for ndc, count in inputs.vials:
                window.vials.set_count(Ndc.parse(ndc), count)
            window.vials.edited = True  # as typed, even where they equal the plan
        caution = self._restore_rounding(inputs, note)
        window.recompute()
        return True, caution

    def _restore_rounding(self, inputs: OrderInputs, note: str) -> str:
        """The order's accepted rounding, worked out again from its ordered dose and the
        site's threshold, so the note says again that the dose was rounded and why.
        Returns what to tell the user when that can't be done."""
        said = f"{ROUNDED_FROM} " in note
        if not inputs.rounded_from_mg:
            if said:  # kept before roundings were stored with the order
                return ("Its note said the dose was rounded per site policy; the new note "
                        "can't say so (kept by an older DoseUnits): check the dose.")  # fmt: skip
            return ""
        from decimal import Decimal

        from doseunits.engine.plan import PlanTooLarge
        from doseunits.engine.rounding import suggest_rounding

        drug = self.window.drug_selector.current_drug()
        suggestion = None
        try:
            ordered = Decimal(inputs.rounded_from_mg)
            percent = Decimal(inputs.rounding_percent or "0")
            if drug and ordered.is_finite() and ordered > 0 and 0 < percent <= MAX_ROUNDING:
                suggestion = suggest_rounding(drug, ordered, percent)
        except (ArithmeticError, ValueError, PlanTooLarge):  # a damaged or hand-edited row
            suggestion = None
        if suggestion is None or fmt(suggestion.rounded_mg) != inputs.dose_mg:
            return (
                f"Its dose was rounded from {inputs.rounded_from_mg} mg per site policy, "
                "and that rounding can't be worked out the same way again (the catalog "
                "changed?): the new note won't say so; check the dose."
            )
        from dataclasses import replace

        self.window.accepted_rounding = replace(suggestion, ordered_basis=inputs.rounded_from_basis)
        return ""

    def show_dialog(self) -> None:
        from doseunits.app.folders import data_dir
        from doseunits.gui.dialogs.history_dialog import HistoryDialog
        from doseunits.history.store import FILE_NAME

        if not self.enabled and not (data_dir() / FILE_NAME).exists():
            self.window.statusBar().showMessage(
                "The order history is off: check File > Keep local order history.", 10000
            )
            return
        store = self.store()
        if store is None:
            return
        dialog = HistoryDialog(store, self, self.window)
        from PySide6.QtCore import Qt  # not at start: see gui/qt_names.py

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
