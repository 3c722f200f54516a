"""The drug picker: type a name, HCPCS code or NDC; the catalog's search decides matches.
Beside it, what the window says about the picked drug: its code, descriptor, billing
unit, whether those facts are verified, and the catalog's note (J9022, not J9317).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from doseunits.catalog.model import Catalog, Drug
from doseunits.gui.qt_fast import set_property
from doseunits.gui.widgets.field_message import FieldMessage
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QCompleter


def drug_label(drug: Drug) -> str:
    return f"{drug.name} - {drug.hcpcs}"


class DrugSelector(QComboBox):
    """Editable combo box over the catalog.

    Signals: ``drugChanged(object)`` with the chosen Drug, or None while the typed
    text matches no drug.
    """

    drugChanged = Signal(object)

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
        self.setMinimumContentsLength(28)
        # The catalog's ready part (hand-checked and site drugs); the CMS-built part is
        # added once read, after the first frame or with the first search (add_loaded).
        self._drugs = list(catalog.ready)
        self._catalog = catalog
        for drug in self._drugs:
            self.addItem(drug_label(drug), drug.id)
        self._completer: QCompleter | None = None
        self._matches: QStringListModel | None = None
        line = self.lineEdit()
        assert line is not None  # editable combo boxes have one
        line.setPlaceholderText("Drug name, HCPCS or NDC")
        line.textEdited.connect(self._filter)
        line.returnPressed.connect(self._take_first_match)
        self.currentIndexChanged.connect(self._emit_current)

    def current_drug(self) -> Drug | None:
        index = self.currentIndex()
        if index < 0 or self.currentText() != self.itemText(index):
            return None
        return self._drugs[index]

    def select(self, drug_id: str) -> None:
        index = self.findData(drug_id)
        if index < 0 and not self._catalog.loaded:
            self.add_loaded()
            index = self.findData(drug_id)
        self.setCurrentIndex(index)

    def matching(self, text: str) -> list[Drug]:
        self.add_loaded()
        return self._catalog.search(text) if text.strip() else list(self._drugs)

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
            completer.activated.connect(self._choose_label)
            self.setCompleter(completer)
            self._completer, self._matches = completer, matches
        return self._completer, self._matches

    def _filter(self, text: str) -> None:
        labels = [drug_label(d) for d in self.matching(text)]
        completer, matches = self._completer_ready()
        matches.setStringList(labels)
        if labels and text.strip():
            completer.complete()
        if self.current_drug() is None:
            self.drugChanged.emit(None)

    def _take_first_match(self) -> None:
        text = self.currentText()
        exact = self.findText(text)
        if exact >= 0:
            self._set_index(exact)
            return
        matches = self.matching(text)
        if matches:
            self._set_index(self._drugs.index(matches[0]))

    def _choose_label(self, label: str) -> None:
        self._set_index(self.findText(label))

    def _set_index(self, index: int) -> None:
        if index == self.currentIndex():
            self.setEditText(self.itemText(index))
            self._emit_current()
        else:
            self.setCurrentIndex(index)
        popup = self._completer.popup() if self._completer is not None else None
        if popup is not None:
            popup.hide()

    def _emit_current(self) -> None:
        self.drugChanged.emit(self.current_drug())


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
        for widget in (self.message, self.info, self.note):
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
