"""Help menu: the catalog with every fact's source, and About with the rules' sources."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doseunits import __version__
from doseunits.catalog.model import Catalog, Drug, Presentation
from doseunits.errors import CatalogError
from doseunits.gui.qt_fast import set_property
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from decimal import Decimal

#: The short facts first, so what is verified is in view on a small screen; the long
#: ones (descriptor, source) last, elided, and in full under the table for the row picked.
CATALOG_COLUMNS = (
    "Drug", "HCPCS", "NDC", "Strength", "Volume (mL)", "Container", "Billing unit",
    "Verified", "Descriptor", "Source",
)  # fmt: skip
VERIFIED_COLUMN = CATALOG_COLUMNS.index("Verified")

RULE_SOURCES = (
    "CMS, Discarded Drugs and Biologicals: JW/JZ Modifier Policy FAQs",
    "Medicare Claims Processing Manual, chapter 17, section 40",
    "MAC articles: Noridian JD/JF/JE, CGS JW and JZ Modifier Guidelines (June 2023), NGS, "
    "First Coast",
)


#: Columns that can be long, at most this many characters wide (elided, the whole text
#: in the cell's tooltip), so every column fits a small screen's dialog.
_CAPPED = {"Drug": 24, "Descriptor": 24, "Container": 14, "Source": 40}


def catalog_dialog(catalog: Catalog, parent: QWidget) -> QDialog:
    """Every NDC of the catalog with its facts' sources; the search field filters by
    drug name, HCPCS or NDC (the catalog's own search, as the drug picker)."""
    from PySide6.QtWidgets import QLineEdit

    dialog = QDialog(parent)
    dialog.setObjectName("catalogDialog")
    dialog.setWindowTitle("DoseUnits catalog")
    rows: list[tuple[Drug, Presentation]] = []
    unreadable: list[str] = []  # a large site file's drugs that fail when read: said below
    for drug in catalog.drugs:
        try:
            rows += [(drug, p) for p in drug.presentations]
        except CatalogError as error:
            unreadable.append(str(error))
    table = QTableWidget(len(rows), len(CATALOG_COLUMNS))
    table.setObjectName("catalogTable")
    table.setAccessibleName("Catalog: one row per NDC")
    table.setHorizontalHeaderLabels(CATALOG_COLUMNS)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    for row, (drug, presentation) in enumerate(rows):
        verified = "yes" if drug.verified and presentation.verified else (
            "code unverified" if not drug.verified else "NDC unverified")  # fmt: skip
        source = presentation.source
        if presentation.source != drug.source:
            source = f"Code: {drug.source}. NDC: {presentation.source}"
        texts = (
            drug.name, drug.hcpcs, str(presentation.ndc), str(presentation.strength),
            volume_text(presentation.volume_ml), presentation.container, str(drug.billing_unit),
            verified, drug.descriptor, source,
        )  # fmt: skip
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(row, column, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.resizeColumnsToContents()
    char = table.fontMetrics().averageCharWidth()
    for column, title in enumerate(CATALOG_COLUMNS):
        if title in _CAPPED:
            table.setColumnWidth(column, min(table.columnWidth(column), _CAPPED[title] * char))
    header.setStretchLastSection(True)

    search = QLineEdit()
    search.setObjectName("catalogSearch")
    search.setAccessibleName("Search the catalog")
    search.setPlaceholderText("Drug name, HCPCS or NDC")
    search.setClearButtonEnabled(True)
    found = QLabel()
    found.setObjectName("catalogFound")
    drug_of_row = [drug for drug, _ in rows]

    def show_matching(text: str) -> None:
        wanted = {d.id for d in catalog.search(text)} if text.strip() else None
        shown = 0
        for row, drug in enumerate(drug_of_row):
            hide = wanted is not None and drug.id not in wanted
            table.setRowHidden(row, hide)
            shown += not hide
        drugs = len(wanted) if wanted is not None else len(catalog.drugs)
        found.setText(f"{plural(shown, 'NDC')} of {plural(drugs, 'drug')} shown.")

    search.textChanged.connect(show_matching)
    show_matching("")
    label = QLabel("&Search")
    label.setBuddy(search)
    row_layout = QHBoxLayout()
    row_layout.addWidget(label)
    row_layout.addWidget(search, 1)
    row_layout.addWidget(found)

    details = QLabel()
    details.setObjectName("catalogDetails")
    details.setWordWrap(True)
    set_property(details, "textFormat", "PlainText")
    set_property(details, "textInteractionFlags", "TextSelectableByMouse|TextSelectableByKeyboard")
    details.setMinimumHeight(3 * details.fontMetrics().lineSpacing())

    def show_details() -> None:
        row = table.currentRow()
        if row < 0:
            details.setText("Pick a row to read its descriptor and sources in full.")
            return
        item = table.item
        texts = [cell.text() if (cell := item(row, c)) else "" for c in range(len(CATALOG_COLUMNS))]
        details.setText(f"{texts[0]}, NDC {texts[2]}: {texts[8]}.\nSource: {texts[9]}")

    table.currentCellChanged.connect(show_details)
    show_details()

    reviewed = catalog.reviewed.isoformat() if catalog.reviewed else "unknown"
    names = ", ".join(path.name for path in catalog.files)
    caption = QLabel(
        f"Every catalog entry reviewed on or after {reviewed}. Unverified facts are shown "
        f"as unverified on screen and in the note. Built from: {sources_text(catalog)}. "
        f"Files: {names}"
        + (
            f"\n{plural(len(unreadable), 'drug')} left out, unreadable: {unreadable[0]}"
            if unreadable
            else ""
        )
        + "".join(f"\nFile left out: {sentence}" for sentence in catalog.left_out)
    )
    caption.setToolTip("\n".join(str(path) for path in catalog.files))
    caption.setWordWrap(True)
    layout = QVBoxLayout(dialog)
    layout.addWidget(caption)
    layout.addLayout(row_layout)
    layout.addWidget(table, 1)
    layout.addWidget(details)
    free = parent.screen().availableGeometry()
    width = sum(table.columnWidth(c) for c in range(table.columnCount())) + 60
    width = min(width, free.width() - 40)
    dialog.resize(width, min(520, free.height() - 60))
    # The source takes what is left (elided; in full under the table): no scrolling right
    # (60 px: the dialog's margins, the table's frame and its vertical scroll bar).
    last = len(CATALOG_COLUMNS) - 1
    others = sum(table.columnWidth(c) for c in range(last))
    table.setColumnWidth(last, max(12 * char, min(table.columnWidth(last), width - 60 - others)))
    search.setFocus()
    return dialog


def plural(count: int, noun: str) -> str:
    """``1 NDC``, ``2 NDCs``, ``1 order``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def about_box(catalog: Catalog, parent: QWidget) -> QMessageBox:
    reviewed = catalog.reviewed.isoformat() if catalog.reviewed else "unknown"
    sources = "".join(f"<li>{s}</li>" for s in RULE_SOURCES)
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle("About DoseUnits")
    box.setText(
        f"<b>DoseUnits {__version__}</b><br>Catalog entries reviewed on or after {reviewed}."
        f"<br>Catalog built from: {escape(sources_text(catalog))}."
        f"<p>Billing rules (Medicare Part B JW/JZ policy) from:</p><ul>{sources}</ul>"
        "<p>Atezolizumab bills as J9022 (10 mg units); J9317 is sacituzumab govitecan-hziy "
        "(2.5 mg units).</p>"
    )
    return box


def sources_text(catalog: Catalog) -> str:
    """What the catalog was built from, each once, with its quarter (the shipped CMS
    snapshot's, a site import's), after the hand-checked entries."""
    imported = list(dict.fromkeys(catalog.sources))
    return "; ".join(["hand-checked entries", *imported])


def volume_text(volume: Decimal | None) -> str:
    return "unconfirmed" if volume is None else fmt(volume)
