"""The window's side of the order history: the opt-in switch, recording, reopening.

History is off until the user checks "Keep local order history" (the setting
``history/enabled``). Then an order is recorded when its note is copied, saved or
printed: the moment it is finished. Site settings (app/settings.py):
``history/store_patient_identifier`` (default false: the patient line is left out) and
``history/retention_days`` (0 keeps everything; otherwise older orders are purged when
the history is opened, and from the History window).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from doseunits.app.settings import HISTORY_ENABLED, RETENTION_DAYS, STORE_PATIENT_IDENTIFIER
from doseunits.errors import DoseUnitsError, InputError
from doseunits.outputs.note import ROUNDED_FROM

if TYPE_CHECKING:  # the history's SQLite code loads when it is first used
    from doseunits.engine.draft import OrderDraft
    from doseunits.gui.main_window import MainWindow
    from doseunits.history.store import HistoryStore


class OrderHistory(QObject):
    """Signals: ``recorded(int)`` with the id of each order stored."""

    recorded = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.keep_action = QAction(text="&Keep local order history", parent=window)
        self.keep_action.setObjectName("keepHistoryAction")
        self.keep_action.setCheckable(True)
        self.keep_action.setChecked(self.settings.get(HISTORY_ENABLED))
        self.keep_action.setToolTip(
            "Record each order whose note is copied, saved or printed, on this computer only"
        )
        self.keep_action.toggled.connect(self._toggled)
        self._store: HistoryStore | None = None
        #: Why the history can't be kept this session (the data folder can't be made),
        #: said once at start (gui/app.py); then no order is recorded.
        self.unavailable = ""

    @property
    def enabled(self) -> bool:
        return self.keep_action.isChecked()

    def _toggled(self, on: bool) -> None:
        self.settings.set(HISTORY_ENABLED, on)
        self.settings.sync()

    @property
    def retention_days(self) -> int:
        """Orders older than this many days are purged (0: kept for ever)."""
        return self.settings.get(RETENTION_DAYS)

    @property
    def retention_fixed_by_site(self) -> bool:
        return self.settings.fixed_by_site(RETENTION_DAYS)

    def set_retention_days(self, days: int) -> None:
        self.settings.set(RETENTION_DAYS, days)  # not written when the site fixes it

    def ask_printer(self) -> object | None:
        """The window's print dialog (tests replace ``note_actions.ask_printer``)."""
        return self.window.note_actions.ask_printer()

    def store(self) -> HistoryStore | None:
        """The history, opened on first use; None (and a message) when it can't be used."""
        if self._store is not None:
            return self._store
        if self.unavailable:
            self.window.statusBar().showMessage(self.unavailable, 10000)
            return None
        from doseunits.app.folders import data_dir
        from doseunits.history.store import FILE_NAME, HistoryStore

        try:
            store = HistoryStore(
                data_dir() / FILE_NAME,
                store_patient_identifier=self.settings.get(STORE_PATIENT_IDENTIFIER),
            )
            days = self.retention_days
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
        if not self.enabled or window.result is None or self.unavailable:
            return  # unavailable: said once at start, not at every note
        store = self.store()
        if store is None:
            return
        try:
            order_id = store.record(window.result, window.template)
        except DoseUnitsError as error:
            window.statusBar().showMessage(f"The order was not kept in the history: {error}", 10000)
            return
        self.recorded.emit(order_id)

    def reopen(self, draft: OrderDraft, note: str = "", unit: str = "") -> tuple[bool, str]:
        """Fill the window's form with a stored order (``note``: the note it was stored
        with; ``unit``: the drug's measure then), keeping this station's preparer and
        site. Returns whether it was reopened, and what the user must know ("" if all is
        as stored)."""
        from dataclasses import replace

        window = self.window
        drug = window.catalog.search(draft.drug)
        if unit and drug and drug[0].id == draft.drug and drug[0].measure.symbol != unit:
            draft = in_unit(draft, unit)  # the catalog changed the drug's measure since
        here = window.draft().note
        note_texts = replace(draft.note, preparer=here.preparer, site=here.site)
        try:
            window.load_draft(replace(draft, note=note_texts))
        except InputError:
            return False, f"The drug {draft.drug!r} is no longer in the catalog."
        return True, self._rounding_caution(draft, note)

    def _rounding_caution(self, draft: OrderDraft, note: str) -> str:
        """What to tell the user when the order's accepted rounding could not be put back
        (the window works it out again, so the note says again that the dose was rounded)."""
        if not draft.rounded_from.strip():
            if f"{ROUNDED_FROM} " in note:  # kept before roundings were stored with the order
                return ("Its note said the dose was rounded per site policy; the new note "
                        "can't say so (kept by an older DoseUnits): check the dose.")  # fmt: skip
            return ""
        if not self.window.draft().rounded_from:
            drug = self.window.drug_selector.current_drug()
            unit = f" {drug.measure}" if drug and draft.rounded_from.strip()[-1:].isdigit() else ""
            return (
                f"Its dose was rounded from {draft.rounded_from}{unit} per site policy, "
                "and that rounding can't be worked out the same way again (the catalog "
                "changed?): the new note won't say so; check the dose."
            )
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
        from PySide6.QtCore import Qt  # not at start: see gui/qt_fast.py

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def in_unit(draft: OrderDraft, unit: str) -> OrderDraft:
    """The draft's amounts written with the measure they were kept in ("480 mcg"), so
    the form converts them exactly into the drug's measure today."""
    from dataclasses import replace

    def written(text: str) -> str:
        return f"{text} {unit}" if text.strip() else text

    return replace(
        draft,
        dose=written(draft.dose),
        dose_per_kg=written(draft.dose_per_kg),
        max_dose=written(draft.max_dose),
        administered=written(draft.administered),
        rounded_from=written(draft.rounded_from),
    )
