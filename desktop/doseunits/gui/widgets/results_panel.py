"""What the engine worked out: amounts, claim lines, warnings, the steps and the note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from doseunits.outputs.note import SECOND_NDC, ml
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QResizeEvent

    from doseunits.engine.billing import BillingResult
    from doseunits.outputs.allowed import Allowed

SAME_LINE = "\N{DOWNWARDS ARROW WITH TIP RIGHTWARDS} same line"
LINE_COLUMNS = ("HCPCS", "Modifiers", "Units", "NDC", "NDC qty", "N4 string")
AMOUNT_ROWS = ("Administered", "Discarded", "Opened (labeled)")


class ResultsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        amounts = QGroupBox("Amounts")
        grid = QGridLayout(amounts)
        self.headings: list[QLabel] = []
        titles = ("", "mg", "mL", "billing units", "allowed")
        for column, title in enumerate(titles, start=0):
            heading = QLabel(title)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            grid.addWidget(heading, 0, column)
            self.headings.append(heading)
        self.headings[1].setObjectName("amountUnitHeading")  # the drug's measure
        self.amounts: dict[tuple[int, int], QLabel] = {}
        for row, title in enumerate(AMOUNT_ROWS, start=1):
            grid.addWidget(QLabel(title), row, 0)
            for column in (1, 2, 3, 4):
                label = QLabel("-")
                label.setObjectName(f"amount_{row}_{column}")
                self.amounts[(row, column)] = label
                grid.addWidget(label, row, column)
        grid.setColumnStretch(5, 1)
        # Where the dollars come from (limit, quarter, file), or why they are withheld.
        self.pricing = QLabel()
        self.pricing.setObjectName("pricingView")
        self.pricing.setWordWrap(True)
        self.pricing.setAccessibleName("Pricing")
        grid.addWidget(self.pricing, len(AMOUNT_ROWS) + 1, 0, 1, 6)
        self.amounts_box = amounts

        lines_box = QGroupBox("Claim lines")
        lines_layout = QVBoxLayout(lines_box)
        self.lines = QTableWidget(0, len(LINE_COLUMNS))
        self.lines.setObjectName("linesTable")
        self.lines.setAccessibleName("Claim lines")
        self.lines.setHorizontalHeaderLabels(LINE_COLUMNS)
        self.lines.verticalHeader().hide()
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._size_lines()
        lines_layout.addWidget(self.lines)
        self.second_ndc = QLabel(f"{SAME_LINE}: {SECOND_NDC}")
        self.second_ndc.setObjectName("secondNdcNote")
        self.second_ndc.setWordWrap(True)
        self.second_ndc.hide()
        lines_layout.addWidget(self.second_ndc)
        layout.addWidget(lines_box)
        # The lines in short, for a window too narrow to show the results beside the
        # order (the window shows it then, under its tabs).
        self.summary = QLabel()
        self.summary.setObjectName("linesSummary")
        self.summary.setAccessibleName("Claim lines in short")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(self.fontMetrics().lineSpacing())
        self.summary.hide()

        # One warning a line, in a read-only text box like the note's (not a list widget:
        # its classes and their enums cost start-up ~3 ms for no gain).
        self.warnings = QPlainTextEdit()
        self.warnings.setObjectName("warningsView")
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setReadOnly(True)
        self._fit_warnings()
        self.steps = QLabel()
        self.steps.setObjectName("stepsView")
        self.steps.setWordWrap(True)
        self.steps.setAccessibleName("How the units were worked out")
        checks = QGroupBox("Warnings and how it was worked out")
        checks_layout = QVBoxLayout(checks)
        checks_layout.addWidget(self.warnings)
        checks_layout.addWidget(self.steps)
        layout.addWidget(checks)

        note_box = QGroupBox("Note for the chart")
        note_layout = QVBoxLayout(note_box)
        self.snippet = QPlainTextEdit()
        self.snippet.setObjectName("snippetView")
        self.snippet.setAccessibleName("Documentation note")
        self.snippet.setReadOnly(True)
        # A whole short note in view; in a small window the results pane scrolls instead.
        self.snippet.setMinimumHeight(self.fontMetrics().lineSpacing() * 14)
        self.fixed_font = False  # set with the first note: nothing shows it before one
        self.amounts_wrap = False  # the amounts wrap from the first result on
        note_layout.addWidget(self.snippet)
        layout.addWidget(note_box, 1)

    def show_result(
        self, result: BillingResult, snippet: str, allowed: Allowed | None = None
    ) -> None:
        from doseunits.outputs.result_text import (
            discarded_amount_text,
            discarded_ml_text,
            discarded_units_text,
            line_rows,
        )

        unit = result.drug.measure.symbol
        if self.headings[1].text() != unit:
            self.headings[1].setText(unit)
        dollars = ("", "", "")
        if allowed is not None:
            dollars = (allowed.text(allowed.administered), allowed.discarded_text(), "")
            self.pricing.setText(
                f"Priced at the {allowed.reason}" if allowed.priced
                else f"Dollars withheld: {allowed.reason}."
            )  # fmt: skip
        values = {
            1: (
                fmt(result.administered_mg),
                ml(result.administered_ml),
                str(result.admin_units),
                dollars[0],
            ),
            2: (  # with an unconfirmed container, pending the label: never a bare 0 (§3.6a)
                discarded_amount_text(result) if result.unconfirmed else fmt(result.discarded_mg),
                discarded_ml_text(result),
                discarded_units_text(result),
                dollars[1],
            ),
            3: (fmt(result.labeled_mg), "", result.plan.describe(), dollars[2]),
        }
        if not self.amounts_wrap:  # at the first result: nothing before it is long
            # "pending the label: 10 units (JW) if single-dose" and its dollars, unwrapped,
            # widened the results past the window's edge, cutting every box off there.
            for label in self.amounts.values():
                label.setWordWrap(True)
            self.amounts_wrap = True
        for row, texts in values.items():
            for column, text in enumerate(texts, start=1):
                self.amounts[(row, column)].setText(text)
        rows = line_rows(result)
        self._fill_lines(rows)
        self.summary.setText(
            "Lines: " + "; ".join(
                " ".join(part for part in (row[0], row[1], f"{row[2]} units") if part)
                for row in rows if row[2]
            )
        )  # fmt: skip
        self.warnings.setPlainText("\n".join(w.text for w in result.warnings) or "No warnings.")
        self._fit_warnings()
        self.steps.setText("\n".join(result.steps))
        if not self.fixed_font:
            from PySide6.QtGui import QFontDatabase  # ~1.5 ms of start-up otherwise

            self.snippet.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.fixed_font = True
        self.snippet.setPlainText(snippet)

    def clear_result(self) -> None:
        for label in self.amounts.values():
            label.setText("-")
        self.pricing.clear()
        self._fill_lines([])
        self.summary.setText("Lines: none yet (no valid order).")
        self.warnings.clear()
        self._fit_warnings()
        self.steps.clear()
        self.snippet.clear()

    def _size_lines(self) -> None:
        """Wide enough for a line's every column without a horizontal scroll bar."""
        advance = self.lines.fontMetrics().horizontalAdvance
        samples = (
            "HCPCS",
            "Modifiers",
            "Units",
            "50242-0917-01",
            "NDC qty",
            "N450242091701 ML17.5",
        )
        width = sum(advance(sample) + 16 for sample in samples) + 2 * self.lines.frameWidth()
        self.lines.setMinimumWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.warnings.toPlainText():  # narrower: the same warnings take more lines
            self._fit_warnings()

    def _fit_warnings(self) -> None:
        """As tall as its warnings, wrapped at its width (two lines at least, so one
        warning coming or going does not move what is below). Empty (at start), two
        lines without measuring text: that cost the first frame ~45 M instructions."""
        box = self.warnings
        metrics = box.fontMetrics()
        margin = 4  # QTextDocument's documentMargin, as the box's own document has
        lines = 2
        text = box.toPlainText()
        if text:
            from PySide6.QtCore import QRect

            width = max(box.viewport().width() - 2 * margin, 10 * metrics.averageCharWidth())
            flags = 0x1000 | 0x0020  # TextWordWrap | AlignTop, not Qt's enums: gui/qt_fast.py
            height = metrics.boundingRect(QRect(0, 0, width, 100_000), flags, text).height()
            lines = max(lines, -(-height // metrics.lineSpacing()))
        wanted = lines * metrics.lineSpacing() + 2 * margin + 2 * box.frameWidth() + 2
        if box.minimumHeight() != wanted or box.maximumHeight() != wanted:
            box.setFixedHeight(wanted)

    def _fill_lines(self, rows: Sequence[tuple[str, ...]]) -> None:
        self.lines.setRowCount(len(rows))
        second = False
        for row, texts in enumerate(rows):
            if not texts[0] and texts[3]:  # the line's next NDC, not a line of its own
                texts = (SAME_LINE, *texts[1:])
                second = True
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if text == SAME_LINE:
                    item.setToolTip(SECOND_NDC)
                self.lines.setItem(row, column, item)
        self.second_ndc.setVisible(second)
        height = sum(self.lines.rowHeight(r) for r in range(len(rows)))
        self.lines.setFixedHeight(
            height + self.lines.horizontalHeader().height() + 2 * self.lines.frameWidth() + 2
            + self.lines.fontMetrics().height()
        )  # fmt: skip
