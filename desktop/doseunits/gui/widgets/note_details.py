"""Optional facts for the chart note (docs/billing-rules.md §7); patient text is never saved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

if TYPE_CHECKING:
    from doseunits.engine.draft import NoteTexts

# objectName, label, accessible name
TEXT_FIELDS = {
    "preparer": ("preparerInput", "&Prepared by (initials)", "Preparer initials"),
    "witness": ("witnessInput", "Waste wi&tnessed by", "Waste witness initials"),
    "waste_reason": ("wasteReasonInput", "Reason for waste", "Reason for waste"),
    "diagnosis_codes": ("diagnosisInput", "Dia&gnosis code(s)", "Diagnosis codes"),
    "prior_authorization": ("priorAuthInput", "Prior a&uthorization", "Prior authorization"),
    "site": ("siteInput", "Site", "Site name"),
    "patient": ("patientInput", "Patient (not saved)", "Patient identifier, never saved"),
}
#: What a new order keeps and the window remembers between sessions: never the patient's.
REMEMBERED = ("site", "preparer")


class NoteDetailsForm(QWidget):
    """Signals: ``changed()`` on any edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.inputs: dict[str, QLineEdit] = {}
        for field, (name, label, accessible) in TEXT_FIELDS.items():
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setAccessibleName(accessible)
            edit.setMaxLength(200)
            edit.textChanged.connect(self.changed)
            caption = QLabel(label)
            caption.setBuddy(edit)
            self.inputs[field] = edit
            layout.addRow(caption, edit)
        self.inputs["waste_reason"].setPlaceholderText("e.g. remainder of single-dose vial")
        self.inputs["diagnosis_codes"].setPlaceholderText("e.g. C34.90")
        self.inputs["patient"].setPlaceholderText("optional; only in the note, never saved")
        self.biomarker = QCheckBox("Biomarker result on file")
        self.biomarker.setObjectName("biomarkerCheck")
        self.biomarker_text = QLineEdit()
        self.biomarker_text.setObjectName("biomarkerInput")
        self.biomarker_text.setAccessibleName("Biomarker result")
        self.biomarker_text.setPlaceholderText("e.g. PD-L1 SP142")
        self.biomarker.toggled.connect(self.changed)
        self.biomarker_text.textChanged.connect(self.changed)
        row = QHBoxLayout()
        row.addWidget(self.biomarker)
        row.addWidget(self.biomarker_text, 1)
        layout.addRow("Biomarker", row)

    def texts(self) -> NoteTexts:
        from doseunits.engine.draft import NoteTexts

        def text(field: str) -> str:
            return self.inputs[field].text()

        biomarker = ""
        if self.biomarker.isChecked():
            biomarker = self.biomarker_text.text().strip() or "yes"
        return NoteTexts(
            preparer=text("preparer"),
            witness=text("witness"),
            waste_reason=text("waste_reason"),
            diagnosis_codes=text("diagnosis_codes"),
            prior_authorization=text("prior_authorization"),
            biomarker_on_file=biomarker,
            patient=text("patient"),
            site=text("site"),
        )

    def fill(self, texts: NoteTexts) -> None:
        for field, edit in self.inputs.items():
            edit.setText(getattr(texts, field))
        biomarker = texts.biomarker_on_file.strip()
        self.biomarker.setChecked(bool(biomarker))
        self.biomarker_text.setText("" if biomarker == "yes" else biomarker)

    def clear_order(self) -> None:
        """A new order keeps who prepares and where; it drops everything about the patient."""
        for field, edit in self.inputs.items():
            if field not in REMEMBERED:
                edit.clear()
        self.biomarker.setChecked(False)
        self.biomarker_text.clear()

    def remembered(self) -> dict[str, str]:
        """The fields in ``REMEMBERED`` as typed, by field name."""
        return {field: self.inputs[field].text() for field in REMEMBERED}

    def restore(self, remembered: dict[str, str]) -> None:
        """Fill in what ``remembered`` gave (fields outside ``REMEMBERED`` are not taken)."""
        for field in REMEMBERED:
            if field in remembered:
                self.inputs[field].setText(remembered[field])
