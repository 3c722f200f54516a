"""The audit summary drawn with Qt: the bar chart of JW dollars by drug (the dialog's
widget and the PDF share it) and the one-page PDF, written with QPdfWriter (no print
system: no QPrinter, no CUPS connection).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from doseunits.audit.auditor import AuditError
from doseunits.audit.summary import REFUND_SIGNAL, SummaryRow
from doseunits.catalog.pricing import usd

BAR = QColor("#3b6ea8")
FLAGGED = QColor("#c0392b")  # the drug's JW share passes 10% in some quarter
INK = QColor("#202020")
GRID = QColor("#b0b0b0")


def chart_bars(rows: Sequence[SummaryRow]) -> list[tuple[str, Decimal, bool]]:
    """(label, JW dollars, flagged) per drug over the summary's quarters, largest first;
    drugs with no priced claims are left out (their dollars are withheld)."""
    by_code: dict[str, tuple[str, Decimal, bool]] = {}
    for row in rows:
        if row.jw_usd is None:
            continue
        label, dollars, flagged = by_code.get(
            row.hcpcs, (f"{row.hcpcs} {row.drug}", Decimal(0), False)
        )
        by_code[row.hcpcs] = (label, dollars + row.jw_usd, flagged or row.above_signal)
    return sorted(by_code.values(), key=lambda bar: (-bar[1], bar[0]))


def paint_chart(
    painter: QPainter, area: QRectF, bars: Sequence[tuple[str, Decimal, bool]], size: float
) -> None:
    """Horizontal bars in ``area``: the drug, its bar, its dollars; ``size`` is the text
    height in the painter's units."""
    font = QFont(painter.font())
    font.setPixelSize(max(1, round(size)))
    painter.setFont(font)
    painter.setPen(INK)
    title_height = size * 1.8
    painter.drawText(
        QRectF(area.left(), area.top(), area.width(), title_height),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        "JW (discarded) dollars by drug, at the payment limits",
    )
    if not bars:
        painter.drawText(
            QRectF(area.left(), area.top() + title_height, area.width(), title_height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            "No priced JW dollars to chart.",
        )
        return
    metrics = painter.fontMetrics()
    label_width = min(area.width() * 0.4, max(metrics.horizontalAdvance(b[0]) for b in bars) + size)
    value_width = max(metrics.horizontalAdvance(usd(b[1])) for b in bars) + size
    top = area.top() + title_height
    row_height = min(size * 2.2, (area.bottom() - top) / len(bars))
    most = max(b[1] for b in bars) or Decimal(1)
    track = area.width() - label_width - value_width
    align_left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for index, (label, dollars, flagged) in enumerate(bars):
        y = top + index * row_height
        painter.setPen(INK)
        painter.drawText(
            QRectF(area.left(), y, label_width - size / 2, row_height),
            align_left,
            metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(label_width - size / 2)),
        )
        length = float(dollars / most) * track
        bar = QRectF(
            area.left() + label_width, y + row_height * 0.2, max(length, 1.0), row_height * 0.6
        )
        painter.fillRect(bar, FLAGGED if flagged else BAR)
        painter.drawText(
            QRectF(bar.right() + size / 3, y, value_width, row_height), align_left, usd(dollars)
        )
    painter.setPen(GRID)
    axis = area.left() + label_width
    painter.drawLine(QPointF(axis, top), QPointF(axis, top + len(bars) * row_height))
    if any(flagged for *_, flagged in bars):
        painter.setPen(FLAGGED)
        y = top + len(bars) * row_height
        painter.drawText(
            QRectF(area.left(), y, area.width(), size * 1.8),
            align_left,
            f"Red: JW share of units above {REFUND_SIGNAL:%} in a quarter (refund signal).",
        )


TABLE = (
    ("HCPCS", 0.07),
    ("Drug", 0.2),
    ("Quarter", 0.08),
    ("Claims", 0.06),
    ("Units", 0.07),
    ("JW units", 0.07),
    ("JZ", 0.045),
    ("JW share", 0.075),
    ("Administered $", 0.12),
    ("JW $", 0.1),
    ("Mismatch", 0.07),
)


def _cells(row: SummaryRow) -> list[str]:
    share = row.share_text()
    return [
        row.hcpcs,
        row.drug,
        str(row.quarter),
        f"{row.claims:,}",
        f"{row.administered_units:,}",
        f"{row.jw_units:,}",
        f"{row.jz_claims:,}",
        (f"{share}%" + (" !" if row.above_signal else "")) if share else "",
        "withheld" if row.administered_usd is None else usd(row.administered_usd),
        "withheld" if row.jw_usd is None else usd(row.jw_usd),
        f"{row.mismatches:,}",
    ]


def save_summary_pdf(rows: Sequence[SummaryRow], target: Path, source_name: str) -> None:
    """One US Letter page: the title, the table (as many rows as fit), the chart, the
    sources. Raises AuditError naming the file when it can't be written."""
    if QGuiApplication.instance() is None:  # the command line: no window, no display
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        global _APP
        _APP = QGuiApplication([])
    try:
        target.touch()
    except OSError as error:
        raise AuditError(f"The summary PDF {target} can't be written ({error.strerror}).") from None
    writer = QPdfWriter(str(target))
    writer.setTitle(f"DoseUnits audit summary: {source_name}")
    writer.setCreator("DoseUnits")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Landscape,
            QMarginsF(36, 36, 36, 36),
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise AuditError(f"The summary PDF {target} can't be written.")
    try:
        _paint_page(painter, writer, rows, source_name)
    finally:
        painter.end()


_APP: QGuiApplication | None = None


def _paint_page(
    painter: QPainter, writer: QPdfWriter, rows: Sequence[SummaryRow], source_name: str
) -> None:
    scale = writer.resolution() / 72  # draw in points
    painter.scale(scale, scale)
    page = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    width, height = page.width(), page.height()
    font = QFont(painter.font())
    align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    font.setPixelSize(14)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(INK)
    painter.drawText(QRectF(0, 0, width, 20), align, f"DoseUnits audit summary: {source_name}")
    font.setBold(False)
    font.setPixelSize(8)
    painter.setFont(font)
    painter.drawText(
        QRectF(0, 20, width, 12),
        align,
        f"Per drug (HCPCS) and quarter, units as billed; dollars at the Medicare Part B "
        f"payment limit in force on each date of service. Made {dt.date.today().isoformat()}.",
    )
    y = 40.0
    line = 12.0
    bars = chart_bars(rows)
    chart_height = min(height * 0.4, 30 + line * 1.6 * max(1, len(bars)))
    table_bottom = height - chart_height - 40
    fit = max(0, int((table_bottom - y) // line) - 1)
    font.setBold(True)
    painter.setFont(font)
    x = 0.0
    for title, share in TABLE:
        painter.drawText(QRectF(x, y, width * share, line), align, title)
        x += width * share
    font.setBold(False)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    shown = rows[:fit]
    for row in shown:
        y += line
        x = 0.0
        for text, (_, share) in zip(_cells(row), TABLE, strict=True):
            cell = width * share
            painter.setPen(FLAGGED if text.endswith(" !") else INK)
            painter.drawText(
                QRectF(x, y, cell - 4, line),
                align,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(cell - 4)),
            )
            x += cell
    painter.setPen(INK)
    if len(rows) > len(shown):
        y += line
        painter.drawText(
            QRectF(0, y, width, line),
            align,
            f"... and {len(rows) - len(shown)} more rows in the summary CSV.",
        )
    paint_chart(painter, QRectF(0, table_bottom + 8, width * 0.8, chart_height), bars, 9)
    painter.setPen(INK)
    font.setPixelSize(7)
    painter.setFont(font)
    painter.drawText(
        QRectF(0, height - 24, width, 24),
        int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
        "'!': the drug's JW share of billed units is above 10%, the floor of the applicable "
        "percentage in CMS's discarded drug refund program (IIJA §90004; SSA §1847A(h); "
        "42 CFR 414.940). A signal to review, not the refund: CMS works that out from all "
        "claims of a refundable single-dose drug.",
    )
