"""The drug picker: type a name, HCPCS code or NDC; the catalog's search decides matches.
Beside it, what the window says about the picked drug: its code, descriptor, billing
unit, whether those facts are verified, and the catalog's note (J9022, not J9317).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from doseunits.catalog.model import Catalog, Drug
from doseunits.gui.qt_fast import set_property
from doseunits.gui.widgets.field_message import FieldMessage
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QObject, QStringListModel
    from PySide6.QtGui import QFocusEvent
    from PySide6.QtWidgets import QAbstractItemView, QCompleter


def drug_label(drug: Drug) -> str:
    return f"{drug.name} - {drug.hcpcs}"


class DrugSelector(QComboBox):
    """Editable combo box over the catalog; the catalog's search decides what matches.

    A typed text that matches exactly one drug is that drug. Enter, Tab (or leaving the
    field any other way) takes the highlighted match: the first, unless another was
    chosen with the arrow keys.

    Signals: ``drugChanged(object)`` with the chosen Drug, or None while the typed
    text matches no drug (each time the drug changes, not on every keystroke);
    ``accepted()`` when Enter took a drug.
    """

    drugChanged = Signal(object)
    accepted = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drugSelector")
        self.setAccessibleName("Drug")
        self.setAccessibleDescription("Type a drug name, HCPCS code or NDC to filter")
        self.setEditable(True)
        # No completer until the first typed letter (_completer_ready); Qt's own, inline,
        # would fill in the first label that starts with it. Qt takes a null completer.
        self.setCompleter(None)  # type: ignore[arg-type]
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(20)
        # The catalog's ready part (hand-checked and site drugs); the CMS-built part is
        # added once read, after the first frame or with the first search (add_loaded).
        self._drugs = list(catalog.ready)
        self._catalog = catalog
        for drug in self._drugs:
            self.addItem(drug_label(drug), drug.id)
        self._completer: QCompleter | None = None
        self._matches: QStringListModel | None = None
        self._typed: Drug | None = None  # the one drug the typed text matches
        self._shown: Drug | None = None  # the drug drugChanged last gave
        line = self.lineEdit()
        assert line is not None  # editable combo boxes have one
        line.setPlaceholderText("Drug name, HCPCS or NDC")
        line.textEdited.connect(self._filter)
        line.returnPressed.connect(self._enter)
        self.currentIndexChanged.connect(self._emit_current)
        self._shown = self.current_drug()
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._focus_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While the list of matches is open (installed with it, ``_completer_ready``):

        - a key pressed in the field goes through the list, as Qt's own popup would have
          it: the completer takes Enter, Tab, Escape and the arrow keys and hands the rest
          back to the field (its event filter on the list). The list never holds the
          keyboard itself, so every key comes to the window's focus widget in the order
          typed: once Enter has moved on to the dose, the keys typed ahead go to the dose,
          however late the computer handles them;
        - the window moved, resized, lost the keyboard or was clicked beside the field,
          or the combo box's arrow was clicked: the list closes, as a popup would (it no
          longer grabs the mouse).
        """
        from PySide6.QtCore import QEvent

        popup = self._open_popup()
        if popup is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress and (watched is self or watched is self.lineEdit()):
            QApplication.sendEvent(popup, event)
            return True
        closing: tuple[QEvent.Type, ...]
        if watched is self:  # its arrow clicked or wheeled: the combo box's own list
            closing = (QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.Hide)
        elif watched is self.window():
            closing = (
                QEvent.Type.Move,
                QEvent.Type.Resize,
                QEvent.Type.WindowDeactivate,
                QEvent.Type.MouseButtonPress,
                QEvent.Type.Hide,
            )
        else:
            return False
        if kind in closing:
            popup.hide()
        return False

    def _open_popup(self) -> QAbstractItemView | None:
        popup = self._completer.popup() if self._completer is not None else None
        return popup if popup is not None and popup.isVisible() else None

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Coming to the field with a drug's name in it selects the name: typing
        replaces it (Qt does so only for Tab and Alt-keys, not a window's first focus)."""
        super().focusInEvent(event)
        line = self.lineEdit()
        if line is not None and self.currentText() == self.itemText(self.currentIndex()):
            line.selectAll()

    def current_drug(self) -> Drug | None:
        index = self.currentIndex()
        if index >= 0 and self.currentText() == self.itemText(index):
            return self._drugs[index]
        return self._typed

    def select(self, drug_id: str) -> None:
        index = self.findData(drug_id)
        if index < 0 and not self._catalog.loaded:
            self.add_loaded()
            index = self.findData(drug_id)
        self._set_index(index)

    def matching(self, text: str) -> list[Drug]:
        self.add_loaded()
        return self._catalog.search(text) if text.strip() else list(self._drugs)

    def set_catalog(self, catalog: Catalog) -> None:
        """List ``catalog`` instead (an import, a label confirmed), keeping the drug picked
        when the new catalog has it; no signal (the window recomputes)."""
        current = self.current_drug()
        self.blockSignals(True)
        try:
            self.clear()
            self._catalog = catalog
            self._drugs = list(catalog.ready)
            for drug in self._drugs:
                self.addItem(drug_label(drug), drug.id)
            self._typed = None
            index = self.findData(current.id) if current is not None else -1
            self.setCurrentIndex(index)
            if index < 0:
                self.setEditText("")
        finally:
            self.blockSignals(False)
        self._shown = None  # its Drug is the new catalog's: the next pick is a change

    def add_loaded(self) -> None:
        """Read the catalog's pending part, if any, and list the drugs it brought."""
        self._catalog.load()
        drugs = self._catalog.drugs
        if len(drugs) == len(self._drugs):
            return
        listed = {id(d) for d in self._drugs}
        for drug in drugs:
            if id(drug) not in listed:
                self._drugs.append(drug)
                self.addItem(drug_label(drug), drug.id)

    def _completer_ready(self) -> tuple[QCompleter, QStringListModel]:
        """The list of matches under the field, made when first needed: the completer and
        its string-list model would cost the first frame ~1.5 ms (PySide6 still sets up
        the QCompleter class at start, for the ``setCompleter(None)`` above)."""
        if self._completer is None or self._matches is None:
            from PySide6.QtCore import QStringListModel, Qt
            from PySide6.QtWidgets import QCompleter

            matches = QStringListModel(self)
            completer = QCompleter(matches, self)
            # The catalog's search decides what matches (name, HCPCS or NDC), not Qt's
            # prefix match.
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setMaxVisibleItems(12)
            completer.activated.connect(self._choose_label)
            self.setCompleter(completer)
            # The list as a window that never takes the keyboard, not Qt's popup: a popup
            # grabs the keyboard, and on a busy X server the grab's focus-in can arrive
            # after Enter has closed the list; Qt then sends the keys typed ahead to the
            # closed list, whose focus proxy is this field ("1050" after "atezo" Enter
            # went "10" to the drug, "50" to the dose). Keys reach the list through
            # ``eventFilter`` instead; clicks on it pick a match as before.
            popup = completer.popup()
            assert popup is not None  # the completer makes its list on first asking
            popup.setWindowFlags(
                Qt.WindowType.ToolTip
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowDoesNotAcceptFocus
            )
            popup.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            self.installEventFilter(self)
            line = self.lineEdit()
            if line is not None:
                line.installEventFilter(self)
            window = self.window()
            if window is not self:
                window.installEventFilter(self)
            self._completer, self._matches = completer, matches
        return self._completer, self._matches

    def _filter(self, text: str) -> None:
        found = self.matching(text)
        self._typed = found[0] if len(found) == 1 and text.strip() else None
        completer, matches = self._completer_ready()
        matches.setStringList([drug_label(d) for d in found])
        if found and text.strip():
            completer.complete()
            from PySide6.QtCore import QTimer

            # After the field's own completion step, which follows this slot and resets
            # the list's current row.
            QTimer.singleShot(0, self._highlight_first)
        self._emit_current()

    def _highlight_first(self) -> None:
        """Mark the first match as the one Enter or Tab takes, without the completer
        writing its label into the field while the user is still typing."""
        from PySide6.QtCore import QItemSelectionModel

        completer, _ = self._completer_ready()
        popup = completer.popup()
        model = popup.model() if popup is not None else None  # the completer's, over ours
        if popup is None or model is None or not popup.isVisible() or model.rowCount() == 0:
            return
        selection = popup.selectionModel()
        selection.blockSignals(True)  # its selectionChanged would set the field's text
        try:
            selection.setCurrentIndex(
                model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            selection.blockSignals(False)
        popup.viewport().update()

    def highlighted_match(self) -> Drug | None:
        """The drug Enter or Tab would take now (None when nothing matches)."""
        text = self.currentText()
        exact = self.findText(text)
        if exact >= 0:
            return self._drugs[exact]
        popup = self._completer.popup() if self._completer is not None else None
        if popup is not None and popup.isVisible() and popup.currentIndex().isValid():
            index = self.findText(popup.currentIndex().data())
            if index >= 0:
                return self._drugs[index]
        found = self.matching(text)
        return found[0] if found else None

    def take_match(self) -> bool:
        """Pick the highlighted match; False when the text matches no drug."""
        drug = self.highlighted_match()
        if drug is None:
            return False
        self._set_index(self._drugs.index(drug))
        return True

    def _enter(self) -> None:
        if self.take_match():
            self.accepted.emit()

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """Leaving the field for another of the window's widgets (Tab, a mnemonic, a
        click) takes the match; leaving the window closes the list of matches.
        QApplication's signal, not focusOutEvent: the completer's event filter eats the
        field's focus-out while its list is open."""
        if old is not self or new is self:
            return
        if new is None or new.window() is not self.window():
            popup = self._open_popup()
            if popup is not None:
                popup.hide()
            return
        if self.currentText().strip() and self.currentText() != self.itemText(self.currentIndex()):
            self.take_match()

    def _choose_label(self, label: str) -> None:
        self._set_index(self.findText(label))

    def _set_index(self, index: int) -> None:
        self._typed = None
        if index == self.currentIndex():
            self.setEditText(self.itemText(index))
            self._emit_current()
        else:
            self.setCurrentIndex(index)
        popup = self._completer.popup() if self._completer is not None else None
        if popup is not None:
            popup.hide()

    def _emit_current(self) -> None:
        drug = self.current_drug()
        if drug is self._shown and drug is not None:
            return  # the same drug: its vials and rounding stay as they are
        self._shown = drug
        self.drugChanged.emit(drug)


class DrugBox(QGroupBox):
    """The "Drug" group: the picker (``selector``), its message line (``message``), the
    drug's code and billing unit (``info``) and the catalog's note about it (``note``)."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__("Drug")
        self.selector = DrugSelector(catalog)
        self.info = QLabel()
        self.info.setObjectName("drugInfo")
        set_property(self.info, "textFormat", "PlainText")  # see gui/qt_fast.py
        bold = self.info.font()
        bold.setBold(True)
        self.info.setFont(bold)
        self.info.setWordWrap(True)
        set_property(self.info, "textInteractionFlags", "TextSelectableByMouse")
        self.note = QLabel()
        self.note.setObjectName("drugNote")
        self.note.setWordWrap(True)
        self.message = FieldMessage("drugSelectorMessage")
        label = QLabel("D&rug")
        label.setBuddy(self.selector)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.selector, 1)
        layout.addLayout(row)
        for widget in (self.message.slot, self.info, self.note):
            layout.addWidget(widget)

    def show_drug(self, drug: Drug | None) -> None:
        if drug is None:
            self.info.clear()
            self.note.hide()
            return
        unverified = "" if drug.verified else "  [code and descriptor unverified]"
        self.info.setText(  # plain text: Qt's rich-text engine costs ~10 ms at start
            f"{drug.hcpcs}: {drug.descriptor}; billing unit "
            f"{fmt(drug.billing_unit_mg)} {drug.measure.symbol}{unverified}"
        )
        self.info.setToolTip(f"Source: {drug.source}")
        self.note.setText(drug.note)
        self.note.setVisible(bool(drug.note))
