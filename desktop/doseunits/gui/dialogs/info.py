"""Help menu: the catalog with every fact's source, and About with the rules' sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doseunits import __version__
from doseunits.catalog.model import Catalog

if TYPE_CHECKING:
    from decimal import Decimal
from doseunits.quantities import fmt

CATALOG_COLUMNS = (
    "Drug", "HCPCS", "Descriptor", "Billing unit", "NDC", "Strength", "Volume (mL)",
    "Container", "Verified", "Source",
)  # fmt: skip

RULE_SOURCES = (
    "CMS, Discarded Drugs and Biologicals: JW/JZ Modifier Policy FAQs",
    "Medicare Claims Processing Manual, chapter 17, section 40",
    "MAC articles: Noridian JD/JF/JE, CGS JW and JZ Modifier Guidelines (June 2023), NGS, "
    "First Coast",
)


def catalog_dialog(catalog: Catalog, parent: QWidget) -> QDialog:
    dialog = QDialog(parent)
    dialog.setObjectName("catalogDialog")
    dialog.setWindowTitle("DoseUnits catalog")
    rows = [(drug, p) for drug in catalog.drugs for p in drug.presentations]
    table = QTableWidget(len(rows), len(CATALOG_COLUMNS))
    table.setObjectName("catalogTable")
    table.setHorizontalHeaderLabels(CATALOG_COLUMNS)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    for row, (drug, presentation) in enumerate(rows):
        verified = "yes" if drug.verified and presentation.verified else (
            "code unverified" if not drug.verified else "NDC unverified")  # fmt: skip
        source = presentation.source
        if presentation.source != drug.source:
            source = f"Code: {drug.source}. NDC: {presentation.source}"
        texts = (
            drug.name, drug.hcpcs, drug.descriptor, str(drug.billing_unit),
            str(presentation.ndc), str(presentation.strength), volume_text(presentation.volume_ml),
            presentation.container, verified, source,
        )  # fmt: skip
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(row, column, item)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    reviewed = catalog.reviewed.isoformat() if catalog.reviewed else "unknown"
    files = ", ".join(str(path) for path in catalog.files)
    caption = QLabel(
        f"Every catalog entry reviewed on or after {reviewed}. Unverified facts are shown "
        f"as unverified on screen and in the note. Files: {files}"
    )
    caption.setWordWrap(True)
    layout = QVBoxLayout(dialog)
    layout.addWidget(caption)
    layout.addWidget(table)
    dialog.resize(1100, 420)
    return dialog


def about_box(catalog: Catalog, parent: QWidget) -> QMessageBox:
    reviewed = catalog.reviewed.isoformat() if catalog.reviewed else "unknown"
    sources = "".join(f"<li>{s}</li>" for s in RULE_SOURCES)
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About DoseUnits")
    box.setText(
        f"<b>DoseUnits {__version__}</b><br>Catalog entries reviewed on or after {reviewed}."
        f"<p>Billing rules (Medicare Part B JW/JZ policy) from:</p><ul>{sources}</ul>"
        "<p>Atezolizumab bills as J9022 (10 mg units); J9317 is sacituzumab govitecan-hziy "
        "(2.5 mg units).</p>"
    )
    return box


def volume_text(volume: Decimal | None) -> str:
    return "unconfirmed" if volume is None else fmt(volume)
