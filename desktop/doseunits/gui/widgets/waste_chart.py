"""A bar chart of JW dollars by drug, drawn with QPainter (the PDF draws the same)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget


class WasteChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wasteChart")
        self.setAccessibleName("JW dollars by drug")
        self.bars: list[tuple[str, Decimal, bool]] = []
        self.setMinimumHeight(160)

    def show_bars(self, bars: Sequence[tuple[str, Decimal, bool]]) -> None:
        self.bars = list(bars)
        from doseunits.catalog.pricing import usd

        self.setAccessibleDescription(
            "; ".join(f"{label}: {usd(dollars)}" for label, dollars, _ in self.bars)
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        from doseunits.gui.summary_report import paint_chart

        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.palette().base())
            size = self.fontMetrics().height() * 0.8
            area = QRectF(self.rect()).adjusted(8, 4, -8, -4)
            paint_chart(painter, area, self.bars, size)
        finally:
            painter.end()
