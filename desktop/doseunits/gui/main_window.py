"""The main window: an order in, billing lines and the note out, recomputed on every edit.

It reads what the widgets hold as the order typed (``draft()``), has engine/draft.py
make the engine's order of it, asks the engine, and shows the result; no billing rule
lives here. ``load_draft`` fills the widgets with an order typed (a reopened one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from doseunits.catalog.model import Drug
from doseunits.errors import CatalogError, DoseUnitsError, InputError
from doseunits.gui.actions.menus import build_menus
from doseunits.gui.actions.note_actions import NoteActions
from doseunits.gui.actions.order_history import OrderHistory
from doseunits.gui.actions.window_settings import restore_settings, save_settings
from doseunits.gui.first_frame import FirstFrame
from doseunits.gui.qt_fast import set_property
from doseunits.gui.widgets.billing_options import BillingOptions
from doseunits.gui.widgets.drug_selector import DrugBox
from doseunits.gui.widgets.field_message import ERROR, INFO, WARNING, FieldMessage
from doseunits.gui.widgets.note_details import NoteDetailsForm
from doseunits.gui.widgets.order_form import OrderForm
from doseunits.gui.widgets.results_panel import ResultsPanel
from doseunits.gui.widgets.rounding_banner import RoundingBanner
from doseunits.gui.widgets.scan_catcher import ScanCatcher
from doseunits.gui.widgets.vial_picture import VialPicture
from doseunits.gui.widgets.vial_table import VialPanel
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    from PySide6.QtGui import QCloseEvent, QResizeEvent
    from PySide6.QtWidgets import QTabWidget

    from doseunits.app.site import Site
    from doseunits.catalog.ndc import Ndc
    from doseunits.engine.billing import BillingResult
    from doseunits.engine.draft import OrderDraft
    from doseunits.engine.order import DoseOrder
    from doseunits.engine.rounding import RoundingSuggestion
    from doseunits.errors import OrderField
    from doseunits.gui.actions.settings_store import SettingsStore
    from doseunits.outputs.allowed import Allowed

    Engine: TypeAlias = Callable[[DoseOrder], BillingResult]


class MainWindow(QMainWindow):
    """The engine is an attribute (``engine``) and the note's dialogs live on
    ``note_actions``, so tests replace them instead of blocking on dialogs.
    """

    def __init__(self, site: Site, settings: SettingsStore, engine: Engine | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("DoseUnits: billable units and drug waste")
        self.site = site
        self.catalog = site.catalog
        self.template = site.template
        self.settings = settings
        self.engine = engine or _compute
        #: Asks who checked a label when the note has no preparer's initials (one field;
        #: tests replace it). "" when the user declines.
        self.ask_initials: Callable[[], str] = self._ask_initials
        self.payers = site.payers
        self.accepted_rounding: RoundingSuggestion | None = None
        self.result: BillingResult | None = None
        self.allowed: Allowed | None = None  # the result's dollars
        self.snippet_text = ""
        self.unexpected_errors = 0
        self._build()
        restore_settings(self)
        self._drug_changed(self.drug_selector.current_drug())
        self.focus_drug()  # what is typed first goes into the drug picker

    # Layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.drug_box = DrugBox(self.catalog)
        self.drug_selector = self.drug_box.selector
        self.drug_message = self.drug_box.message

        self.order_form = OrderForm()
        order_box = QGroupBox("Order")
        QVBoxLayout(order_box).addWidget(self.order_form)
        self.billing = BillingOptions(self.payers)
        billing_box = QGroupBox("Billing")
        QVBoxLayout(billing_box).addWidget(self.billing)
        self.vials = VialPanel()
        vial_box = QGroupBox("Vials opened")
        QVBoxLayout(vial_box).addWidget(self.vials)
        self.note_form = NoteDetailsForm()
        note_box = QGroupBox("For the note (optional)")
        QVBoxLayout(note_box).addWidget(self.note_form)
        form = self.order_form
        #: Each field of the order (errors.OrderField): its input and the message line
        #: under it, where its errors and warnings are shown.
        self.field_widgets: dict[OrderField, tuple[QWidget, FieldMessage]] = {
            "drug": (self.drug_selector, self.drug_message),
            "date": (form.date, form.messages["date"]),
            "dose": (form.inputs["dose"], form.messages["dose"]),
            "dose_per_kg": (form.inputs["dose_per_kg"], form.messages["dose_per_kg"]),
            "weight": (form.inputs["weight"], form.messages["weight"]),
            "max_dose": (form.inputs["max_dose"], form.messages["max_dose"]),
            "administered": (form.inputs["administered"], form.messages["administered"]),
            "vials": (self.vials.table, self.vials.message),
            "lots": (self.vials.table, self.vials.message),  # lot and expiry: in its rows
            "payer": (self.billing.payer, self.billing.message),
        }

        left = QWidget()
        left.setObjectName("orderPane")
        left_layout = QVBoxLayout(left)
        for box in (self.drug_box, order_box, billing_box, vial_box, note_box):
            left_layout.addWidget(box)
        left_layout.addStretch()
        self.form_pane = _scroll_pane(left, "formPane")

        self.picture = VialPicture()
        self.results = ResultsPanel()
        self.export_message = FieldMessage("exportMessage", lines=0)  # after an action
        self.note_actions = NoteActions(
            self, self.export_message, lambda: self.snippet_text, self._title
        )
        right = QWidget()
        right.setObjectName("resultsPane")
        right_layout = QVBoxLayout(right)
        top = QHBoxLayout()
        top.addWidget(self.picture, 1)
        top.addWidget(self.results.amounts_box)
        right_layout.addLayout(top)
        right_layout.addWidget(self.results, 1)
        self.results_pane = _scroll_pane(right, "resultsScroll")
        self.form_pane.setMinimumWidth(
            left.minimumSizeHint().width() + _bar_width(self.form_pane) + 4
        )
        self.results_pane.setMinimumWidth(
            right.minimumSizeHint().width() + _bar_width(self.results_pane) + 4
        )
        #: Narrower than this, the order and the results are two tabs (see _arrange).
        self.wide_width = self.form_pane.minimumWidth() + self.results_pane.minimumWidth() + 40

        # Side by side when the window is wide enough, else two tabs; what is below them
        # (the rounding suggestion, the lines in short, the buttons) is always in view.
        self.splitter = QSplitter()
        self.splitter.setObjectName("paneSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setMinimumWidth(1)  # the window may get narrower: tabs, then
        self._tabs: QTabWidget | None = None  # made when first narrow (the tabs property)
        self.narrow = False
        self._into_splitter()
        central = QWidget()
        column = QVBoxLayout(central)
        self.rounding_banner = RoundingBanner()
        column.addWidget(self.rounding_banner)
        column.addWidget(self.splitter, 1)
        self._column = column  # the tabs go below the splitter, in its place
        column.addWidget(self.results.summary)
        column.addWidget(self.export_message.slot)
        column.addLayout(self._buttons())
        self.setCentralWidget(central)
        self._tab_actions()
        self.order_history = OrderHistory(self)
        self.note_actions.noteSent.connect(self.order_history.order_finished)  # finished
        build_menus(self, self.note_actions, self.order_history)
        self.statusBar()

        self.drug_selector.drugChanged.connect(self._drug_changed)
        self.drug_selector.accepted.connect(self.focus_dose)  # Enter: on to the dose
        self.order_form.changed.connect(self.recompute)
        self.vials.changed.connect(self.recompute)
        self.vials.labelChosen.connect(self.confirm_label)
        self.note_form.changed.connect(self.recompute)
        self.billing.changed.connect(self.recompute)
        self.rounding_banner.accepted.connect(self.accept_rounding)
        self.vials.scan.returnPressed.connect(self._scan_field_entered)  # typed by hand
        self.scan_catcher = ScanCatcher(self, self.vials.scan)
        self.scan_catcher.scanned.connect(self.handle_scan)
        self.scan_catcher_installed = False
        self.first_frame = FirstFrame(self)  # what waits for it: gui/startup.py
        self.setTabOrder(self.drug_selector, self.order_form.flat)
        # The suggestion's button, when shown, right after the order's fields (Alt+A too).
        self.setTabOrder(self.order_form.date, self.rounding_banner.button)
        self.setTabOrder(self.rounding_banner.button, self.billing.payer)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        buttons = self.note_actions.buttons()
        self.copy_button, self.save_button, self.print_button = buttons
        self.new_button = QPushButton("&New order")
        self.new_button.setObjectName("newOrderButton")
        self.new_button.setToolTip("Clear the order (Ctrl+N)")
        self.new_button.clicked.connect(self.new_order)
        for button in buttons:
            row.addWidget(button)
        row.addStretch()
        row.addWidget(self.new_button)
        return row

    def _into_splitter(self) -> None:
        self.splitter.addWidget(self.form_pane)
        self.splitter.addWidget(self.results_pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self.form_pane.minimumWidth(), self.results_pane.minimumWidth()])

    def _tab_actions(self) -> None:
        """Ctrl+1 and Ctrl+2 show the order and the results when they are tabs (Ctrl+Tab
        too, as in every tab widget)."""
        from PySide6.QtGui import QAction

        for key, pane in (("Ctrl+1", self.form_pane), ("Ctrl+2", self.results_pane)):
            action = QAction(parent=self)
            set_property(action, "shortcut", key)
            action.triggered.connect(lambda _=False, pane=pane: self.show_pane(pane))
            self.addAction(action)

    @property
    def tabs(self) -> QTabWidget:
        """The order and the results as two tabs, made the first time the window is
        narrow: a wide window never needs them (gui/startup.py, step 5)."""
        if self._tabs is None:
            from PySide6.QtWidgets import QTabWidget

            tabs = QTabWidget()
            tabs.setObjectName("paneTabs")
            tabs.setAccessibleName("Order and results")
            tabs.hide()
            self._column.insertWidget(self._column.indexOf(self.splitter) + 1, tabs, 1)
            self._tabs = tabs
        return self._tabs

    def show_pane(self, pane: QWidget) -> None:
        """Bring the order or the results into view (a tab, when the window is narrow)."""
        if self.narrow:
            self.tabs.setCurrentWidget(pane)

    def _arrange(self) -> None:
        """Side by side when both fit; two tabs, Order and Results, when they don't (a
        small or scaled screen). The lines in short stay below the tabs while typing."""
        narrow = self.width() < self.wide_width
        if narrow == self.narrow:
            return
        focus = QApplication.focusWidget()
        self.narrow = narrow
        self.setUpdatesEnabled(False)
        try:
            if narrow:
                self.tabs.addTab(self.form_pane, "Order")
                self.tabs.addTab(self.results_pane, "Results")
                self.tabs.setTabToolTip(0, "The order (Ctrl+1)")
                self.tabs.setTabToolTip(1, "Lines, steps and the note (Ctrl+2)")
                self.splitter.hide()
                self.tabs.show()
            else:
                if self._tabs is not None:
                    self._tabs.clear()
                    self._tabs.hide()
                self._into_splitter()
                self.splitter.show()
            self.results.summary.setVisible(narrow)
        finally:
            self.setUpdatesEnabled(True)
        if focus is not None and focus.isVisible():
            focus.setFocus()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange()
        super().resizeEvent(event)

    # Computing ----------------------------------------------------------------------
    def _drug_changed(self, drug: Drug | None) -> None:
        self.accepted_rounding = None  # it was worked out for the drug that was picked
        if drug is not None:
            try:
                drug.validated()
            except CatalogError:  # a large site file's drug that fails: recompute says why
                drug = None
        if drug is not None:
            self.order_form.set_measure(drug.measure)
        self.vials.set_drug(drug)
        self.vials.scan_message.clear_message()  # about the last drug's vial, if any
        self.drug_box.show_drug(drug)
        self.recompute()

    def recompute(self) -> None:
        """Read the inputs, ask the engine, show the result or mark what is wrong."""
        self._clear_messages()
        self.rounding_banner.reserve(bool(self.billing.policy()))
        drug = self.drug_selector.current_drug()
        if drug is None:
            text = self.drug_selector.currentText().strip()
            if text:
                self.drug_message.show_message(
                    ERROR, f"No drug matches {text!r}; pick one from the list."
                )
            return self._show(None)
        try:
            drug.validated()  # a large site file's drug is read and checked when picked
        except CatalogError as error:
            self.drug_message.show_message(ERROR, str(error))
            return self._show(None)
        if not self.order_form.has_dose():
            return self._show(None)
        from doseunits.engine.draft import build_order
        from doseunits.outputs.note import render_note

        self.accepted_rounding = self._held_rounding()
        try:
            result = self.engine(build_order(self.draft(), self.catalog, self.payers))
            allowed = self._allowed(result)
            snippet = render_note(result, self.template, allowed)
        except InputError as error:
            self._input_message(error).show_message(ERROR, str(error))
            return self._show(None)
        except DoseUnitsError as error:  # a site template that can't be filled
            self.export_message.show_message(ERROR, str(error))
            return self._show(None)
        except Exception as error:  # never lose the window to a bug: log it, say it once
            self.report_unexpected(error)
            return self._show(None)
        self.vials.show_plan(result.plan if result.plan_proposed else None)
        self.rounding_banner.show_suggestion(self._suggestion(result))
        by_field: dict[OrderField, list[str]] = {}
        for warning in result.warnings:  # several warnings on one field share its line
            by_field.setdefault(warning.field, []).append(warning.text)
        for field, texts in by_field.items():
            self.field_widgets[field][1].show_message(WARNING, " ".join(texts))
        return self._show(result, snippet, allowed)

    def _allowed(self, result: BillingResult) -> Allowed:
        """The lines' dollars at the payment limit of the date of service (the limits are
        read with the first result, or just after the first frame)."""
        from doseunits.outputs.allowed import allowed_amounts, withheld

        try:
            limits = self.site.payment_limits()
        except DoseUnitsError as error:  # a site's payment limit file that can't be read
            return withheld(result, str(error).rstrip("."))
        return allowed_amounts(result, limits)

    def _suggestion(self, result: BillingResult) -> RoundingSuggestion | None:
        from dataclasses import replace

        from doseunits.engine.plan import PlanTooLarge
        from doseunits.engine.rounding import suggest_rounding

        percent = self.billing.rounding_percent
        if self.accepted_rounding is not None or not percent:
            return None
        try:
            suggestion = suggest_rounding(result.drug, result.ordered_mg, percent)
        except PlanTooLarge:  # odd site strengths: no suggestion rather than a stall
            return None
        if suggestion is not None and self.order_form.weight_based:  # the note keeps it
            return replace(suggestion, ordered_basis=result.dose_basis)
        return suggestion

    def accept_rounding(self, suggestion: RoundingSuggestion) -> None:
        """Only here does a rounded dose replace the order, and the note will say so."""
        form = self.order_form
        form.blockSignals(True)  # both edits in before one recompute: in between, the dose
        try:  # field's old text would look like an edit that undoes the rounding
            form.flat.setChecked(True)
            form.inputs["dose"].setText(fmt(suggestion.rounded_mg))
        finally:
            form.blockSignals(False)
        self.accepted_rounding = suggestion
        self.recompute()

    def _scan_field_entered(self) -> None:
        self.handle_scan(self.vials.scan.text())
        self.vials.scan.clear()

    def handle_scan(self, text: str) -> None:
        """A vial scanned: select its drug, add one vial with its lot and expiry.

        An expired vial, an NDC the catalog doesn't know or a bad scan changes nothing.
        """
        from doseunits.scan import parse_scan  # biip's tables: ~150 ms, so on first scan

        message = self.vials.scan_message
        try:
            scan = parse_scan(text, self.catalog)
        except InputError as error:
            message.show_message(ERROR, f"{error} Nothing was changed.")
            return
        refusal = scan.refusal(self.order_form.date_of_service())
        if refusal or scan.drug is None or scan.presentation is None:
            message.show_message(ERROR, f"{refusal} Nothing was changed.")
            return
        current = self.drug_selector.current_drug()
        if current is None or current.id != scan.drug.id:
            self.drug_selector.select(scan.drug.id)
        self.vials.add_scanned(scan.presentation.ndc, scan.lot, scan.expiry)
        message.show_message(INFO, f"Added 1 vial: NDC {scan.ndc}, lot {scan.lot or '-'}.")

    # The order as typed ---------------------------------------------------------------
    def draft(self) -> OrderDraft:
        """What the widgets hold, as typed (the fields the dose type switches off: empty)."""
        from doseunits.engine.draft import OrderDraft

        form = self.order_form
        drug = self.drug_selector.current_drug()
        rounding = self._held_rounding()
        return OrderDraft(
            drug=drug.id if drug else self.drug_selector.currentText().strip(),
            date=form.date_text(),
            dose=form.used_text("dose"),
            dose_per_kg=form.used_text("dose_per_kg"),
            weight=form.used_text("weight"),
            max_dose=form.used_text("max_dose"),
            administered=form.used_text("administered"),
            vials=self.vials.typed_vials(),
            lots=self.vials.lots(),
            payer=self.billing.payer_id(),
            acquired_340b=self.billing.acquired_340b.isChecked(),
            rounded_from=fmt(rounding.ordered_mg) if rounding else "",
            rounding_percent=fmt(rounding.threshold_percent) if rounding else "",
            rounded_from_basis=rounding.ordered_basis if rounding else "",
            note=self.note_form.texts(),
        )

    def load_draft(self, draft: OrderDraft) -> None:
        """Fill the window with an order as typed, as a new order (a reopened one, say),
        and compute it once. A vial or lot the drug no longer has is left out; an
        accepted rounding is kept when the site's rule still gives the same dose.

        Raises InputError (field "drug"), changing nothing, when the catalog has no such
        drug."""
        from doseunits.catalog.ndc import Ndc
        from doseunits.engine.vialspec import parse_vial

        drug = self.catalog.find(draft.drug)
        self.new_order()
        self.drug_selector.select(drug.id)  # its drugChanged sets up the vial table
        parts = (self.order_form, self.vials, self.note_form, self.billing)
        for widget in parts:
            widget.blockSignals(True)  # one recompute at the end, with everything in
        try:
            texts = {"dose": draft.dose, "dose_per_kg": draft.dose_per_kg,
                     "weight": draft.weight, "max_dose": draft.max_dose,
                     "administered": draft.administered}  # fmt: skip
            self.order_form.fill(draft.weight_based, texts, draft.date)
            if draft.payer.strip():
                self.billing.select_payer(draft.payer)
            self.billing.acquired_340b.setChecked(draft.acquired_340b)
            self.note_form.fill(draft.note)
            counts: dict[Ndc, int] | None = None
            if draft.vials is not None:
                counts = {}
                for spec in draft.vials:
                    try:
                        vial = parse_vial(spec, drug)
                    except InputError:
                        continue
                    ndc = vial.presentation.ndc
                    counts[ndc] = counts.get(ndc, 0) + vial.count
            self.vials.set_counts(counts)
            lots = {}
            for typed in draft.lots:
                try:
                    lots[Ndc.parse(typed.ndc)] = (typed.lot, typed.expiry)
                except InputError:
                    continue
            self.vials.set_lots(lots)
        finally:
            for widget in parts:
                widget.blockSignals(False)
        self.accepted_rounding = self._rounding_of(draft, drug)
        self.recompute()

    def _rounding_of(self, draft: OrderDraft, drug: Drug) -> RoundingSuggestion | None:
        """A draft's accepted rounding, worked out again from its ordered dose and the
        site's threshold, so the note says again that the dose was rounded and why; None
        when that no longer gives the draft's dose (or the draft's numbers are damaged)."""
        if not draft.rounded_from.strip():
            return None
        from dataclasses import replace

        from doseunits.engine.draft import drug_amount, percent
        from doseunits.engine.rounding import suggest_rounding
        from doseunits.gui.widgets.billing_options import MAX_ROUNDING

        try:
            ordered = drug_amount(draft.rounded_from, drug, "The dose it was rounded from", "dose")
            threshold = percent(draft.rounding_percent, "The rounding threshold")
            if ordered is None or threshold is None or ordered <= 0:
                return None
            if not 0 < threshold <= MAX_ROUNDING:
                return None
            suggestion = suggest_rounding(drug, ordered, threshold)
        except (InputError, ArithmeticError):  # a damaged or hand-edited row (PlanTooLarge too)
            return None
        if suggestion is None or fmt(suggestion.rounded_mg) != draft.dose.strip():
            return None
        return replace(suggestion, ordered_basis=draft.rounded_from_basis)

    def _held_rounding(self) -> RoundingSuggestion | None:
        """The accepted rounding while the flat dose field holds the rounded dose; once the
        dose is edited the order is no longer the rounded one."""
        rounding, form = self.accepted_rounding, self.order_form
        if rounding and (
            form.weight_based or form.text("dose").strip() != fmt(rounding.rounded_mg)
        ):
            return None
        return rounding

    def _show(
        self, result: BillingResult | None, snippet: str = "", allowed: Allowed | None = None
    ) -> None:
        self.result = result
        self.snippet_text = snippet
        self.allowed = allowed
        self.picture.show_result(result)
        if result is None:  # nothing that followed the last plan stays
            self.vials.show_plan(None)  # counts the user typed stay, marked as typed
            self.rounding_banner.show_suggestion(None)
            self.results.clear_result()
        else:
            self.results.show_result(result, snippet, allowed)
        for button in (self.copy_button, self.save_button, self.print_button):
            button.setEnabled(result is not None)

    def _input_message(self, error: InputError) -> FieldMessage:
        """Where an input error is shown: at its field's line, or (one about no field of
        the order) under the results."""
        field = error.field
        if field == "" or field == "scan":  # never from an order; not the drug's line either
            return self.export_message
        return self.field_widgets[field][1]

    def _clear_messages(self) -> None:
        for _, message in self.field_widgets.values():
            message.clear_message()
        self.export_message.clear_message()

    def field_input(self, field: OrderField) -> QWidget:
        """The input of a field of the order (for tests and focus)."""
        return self.field_widgets[field][0]

    def report_unexpected(self, error: Exception) -> None:
        import logging

        self.unexpected_errors += 1
        logging.getLogger(__name__).error("Unexpected error while computing", exc_info=error)
        if self.unexpected_errors == 1:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "DoseUnits: unexpected error",
                "Something went wrong that DoseUnits did not expect. The lines are cleared "
                "rather than shown wrong; the window keeps working.\n\n"
                f"{type(error).__name__}: {error}\n\nDetails are in the log file.",
                parent=self,
            )
            box.setObjectName("unexpectedErrorBox")
            box.open()

    # Actions ------------------------------------------------------------------------
    def new_order(self) -> None:
        for widget in (self.order_form, self.vials, self.note_form, self.drug_selector,
                       self.billing):  # fmt: skip
            widget.blockSignals(True)
        self.order_form.clear()
        self.vials.clear()
        self.note_form.clear_order()
        self.billing.acquired_340b.setChecked(False)
        self.accepted_rounding = None
        self.vials.scan_message.clear_message()
        for widget in (self.order_form, self.vials, self.note_form, self.drug_selector,
                       self.billing):  # fmt: skip
            widget.blockSignals(False)
        self.recompute()
        self.focus_drug()

    def focus_drug(self) -> None:
        """The drug picker, its text selected: typing replaces it."""
        self.drug_selector.setFocus()
        line = self.drug_selector.lineEdit()
        if line is not None:
            line.selectAll()

    def focus_dose(self) -> None:
        """The first amount the dose type uses: the dose, or the dose per kg."""
        form = self.order_form
        form.inputs["dose_per_kg" if form.weight_based else "dose"].setFocus()

    def show_catalog(self) -> None:
        from doseunits.gui.dialogs.info import catalog_dialog

        catalog_dialog(self.catalog, self).show()

    def add_loaded_drugs(self) -> None:
        """Just after the first frame (gui/startup.py): the catalog's CMS-built part is
        read and listed in the picker. A snapshot that could not be used as a whole (the
        window's Site leaves such a file out) is said once, as a problem at start."""
        self.drug_selector.add_loaded()
        left_out = self.catalog.left_out
        if left_out:
            import logging

            for sentence in left_out:
                logging.getLogger(__name__).warning("A catalog file was left out: %s", sentence)
            self.say_at_start(list(left_out))

    def say_at_start(self, problems: list[str]) -> None:
        """What kept the window from some of its site's files (or its data folder), in the
        one message at start: added to it while it is still open."""
        from PySide6.QtWidgets import QMessageBox

        box = self.findChild(QMessageBox, "startProblemsBox")
        if isinstance(box, QMessageBox) and box.isVisible():
            box.setText("\n\n".join([box.text(), *problems]))
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, "DoseUnits: at start", "\n\n".join(problems), parent=self
        )
        box.setObjectName("startProblemsBox")
        box.open()

    def update_catalog(self) -> None:
        """File > Update drug catalog: the import dialog (its module loads when chosen)."""
        from PySide6.QtCore import Qt

        from doseunits.gui.dialogs.catalog_update_dialog import CatalogUpdateDialog

        dialog = CatalogUpdateDialog(self.site, self, updated=self.use_site)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def use_site(self, site: Site) -> None:
        """Bill from ``site``'s catalog from now on (after an import or a label check):
        the picker lists its drugs and the order on screen is computed again with it."""
        draft = self.draft() if self.drug_selector.current_drug() is not None else None
        focus = QApplication.focusWidget()
        self.site = site
        self.catalog = site.catalog
        self.drug_selector.set_catalog(site.catalog)
        if draft is not None:
            try:
                self.load_draft(draft)
            except InputError:  # the drug is not in the new catalog: a new order
                self.new_order()
        else:
            self._drug_changed(self.drug_selector.current_drug())
        from shiboken6 import isValid

        if focus is not None and isValid(focus) and focus.isVisible() and focus.window() is self:
            focus.setFocus()  # unless it went with the old rows (a row's label button)

    def confirm_label(self, ndc: Ndc, container: str) -> None:
        """What the vial's label says, recorded for this site as ``doseunits catalog
        confirm`` does (app/catalog_update.py), by the note's preparer (asked for when
        the note has none), and applied at once: the order is computed again with it."""
        from doseunits.app.catalog_update import confirm_label, with_catalog
        from doseunits.app.folders import catalog_folder

        preparer = self.note_form.inputs["preparer"]
        by = preparer.text().strip()
        if not by:
            by = self.ask_initials().strip()
            if not by:
                return
        try:
            catalog, item, path = confirm_label(
                self.catalog, str(ndc), container, by, catalog_folder()
            )
        except DoseUnitsError as error:  # initials that are not initials; a file problem
            self.vials.message.show_message(ERROR, f"{error} Nothing was recorded.")
            return
        except OSError as error:  # the folder can't be written, the file is a link
            from doseunits import files

            sentence = files.cannot_use(error, catalog_folder())
            self.vials.message.show_message(ERROR, f"{sentence} Nothing was recorded.")
            return
        if not preparer.text().strip():
            preparer.setText(by)  # who checked it prepares the dose: not asked again
        self.use_site(with_catalog(self.site, catalog))
        row = next((i for i, p in enumerate(self.vials.presentations) if p.ndc == ndc), -1)
        if row >= 0:
            self.vials.spin(row).setFocus()  # the row's next input: its label is checked
        self.statusBar().showMessage(
            f"NDC {item.ndc}: {item.container}, {item.source}; recorded in {path}."
        )

    def _ask_initials(self) -> str:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            self, "Who checked the label?", "Your initials (also the note's preparer):"
        )
        return text if ok else ""

    def show_about(self) -> None:
        from doseunits.gui.dialogs.info import about_box

        about_box(self.catalog, self).open()

    def _title(self) -> str:
        return f"DoseUnits note: {self.result.drug.name}" if self.result else "DoseUnits note"

    def save_settings(self) -> None:
        save_settings(self)

    def install_scan_catcher(self) -> None:
        """Catch scans typed into any of the window's widgets (after its first frame: a
        Python filter on every event made the first paint ~90 ms slower)."""
        application = QApplication.instance()
        if application is not None and not self.scan_catcher_installed:
            application.installEventFilter(self.scan_catcher)
            self.scan_catcher_installed = True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.scan_catcher.flush()  # keys held as a possible scan go in before saving
        self.save_settings()
        super().closeEvent(event)


def _scroll_pane(content: QWidget, name: str) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setObjectName(name)
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    set_property(scroll, "focusPolicy", "NoFocus")  # a Tab stop with nothing to do
    set_property(scroll, "frameShape", "NoFrame")  # the group boxes draw the frames
    set_property(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
    return scroll


def _bar_width(scroll: QScrollArea) -> int:
    bar = scroll.verticalScrollBar()
    return bar.sizeHint().width() if bar is not None else 0


def _compute(order: DoseOrder) -> BillingResult:
    from doseunits.engine.billing import compute

    return compute(order)
