"""A small picture of the opened vials: each filled with what was given and what was left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from doseunits.gui.qt_fast import set_property
from doseunits.quantities import fmt

if TYPE_CHECKING:
    from decimal import Decimal
    from typing import TypeAlias

    from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent

    from doseunits.catalog.model import Presentation
    from doseunits.engine.billing import BillingResult

    # One opened vial as drawn: its product, the amount administered from it and left in it
    # (in the drug's measure).
    DrawnVial: TypeAlias = tuple[Presentation, Decimal, Decimal]

MAX_DRAWN = 12
HATCH_ROWS = bytes(1 << (7 - row) for row in range(8))  # an 8x8 "/" line: the discarded part


def describe(vial: DrawnVial) -> str:
    presentation, given, left = vial
    kept = _fate(presentation.container)
    u = presentation.measure.symbol
    return (
        f"{fmt(presentation.strength_mg)} {u} vial: {fmt(given)} {u} administered, "
        f"{fmt(left)} {u} {kept}"
    )


def _fate(container: str) -> str:
    """What becomes of a vial's rest; an unconfirmed one's waits for its label (§3.6a)."""
    if container == "single-dose":
        return "discarded"
    if container == "multi-dose":
        return "kept (multi-dose)"
    return "left, pending the label"


class VialPicture(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vialPicture")
        self.setAccessibleName("Picture of the opened vials")
        # As wide as its row allows (its stretch in the window), nine lines of text high.
        # Fixed sizes, not Python sizeHint overrides that every layout pass would call.
        self.setMinimumWidth(200)  # room beside it for the amounts and their dollars
        self._fit_to_font()
        self.vials: list[DrawnVial] = []
        # Without vials the picture is only this sentence, in a label: the first frame
        # then needs no QPainter (PySide6 sets up its type and three enums on first use).
        self.empty_label = QLabel(self.description())
        set_property(self.empty_label, "alignment", "AlignCenter")  # see gui/qt_fast.py
        self.empty_label.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.empty_label)

    def _fit_to_font(self) -> None:
        self.setFixedHeight(self.fontMetrics().height() * 9)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # larger text: a taller picture
            self._fit_to_font()
        super().changeEvent(event)

    def show_result(self, result: BillingResult | None) -> None:
        self.vials = []
        if result:
            for use in result.uses:
                self.vials.extend((use.presentation, given, left) for given, left in use.per_vial())
        text = self.description()
        self.empty_label.setVisible(not self.vials)
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self.update()

    def description(self) -> str:
        if not self.vials:
            return "No vials: the order is incomplete."
        return "; ".join(f"Vial {n}: {describe(v)}" for n, v in enumerate(self.vials, 1)) + "."

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.vials:  # empty_label says so
            return
        # Loaded here, not at import: the first frame has no vials, and each class
        # PySide6 sets up costs start-up time (QPainter alone builds three Python enums;
        # Qt's namespace is built after the first frame, gui/startup.py).
        from PySide6.QtCore import QRectF, QSize, Qt
        from PySide6.QtGui import QBitmap, QBrush, QColor, QPainter, QPalette, QPen

        painter = QPainter(self)

        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        given = palette.color(QPalette.ColorRole.Highlight)
        wasted = QColor("#d84315")
        kept = palette.color(QPalette.ColorRole.Mid)
        line = self.fontMetrics().height()
        painter.setPen(text)
        hatch = QBitmap.fromData(QSize(8, 8), HATCH_ROWS)
        hatch.setDevicePixelRatio(self.devicePixelRatioF())  # as fine on a HiDPI screen
        self._legend(painter, line, given, QBrush(wasted, hatch), text)
        shown = self.vials[:MAX_DRAWN]
        slot = min(line * 4.0, (self.width() - line) / len(shown))
        body_h = line * 5.0
        top = line * 2.0
        for index, vial in enumerate(shown):
            x = line / 2 + index * slot + slot * 0.2
            width = slot * 0.6
            body = QRectF(x, top + line * 0.6, width, body_h)
            painter.setPen(QPen(text, 1))
            painter.setBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
            painter.drawRect(QRectF(x + width * 0.25, top, width * 0.5, line * 0.6))  # cap
            painter.drawRoundedRect(body, 4, 4)
            presentation, administered_mg, left_mg = vial
            full = presentation.strength_mg
            given_h = float(administered_mg / full) * (body_h - 2)
            left_h = float(left_mg / full) * (body_h - 2)
            bottom = body.bottom() - 1
            painter.fillRect(QRectF(x + 1, bottom - given_h, width - 2, given_h), given)
            left_rect = QRectF(x + 1, bottom - given_h - left_h, width - 2, left_h)
            painter.fillRect(left_rect, QBrush(wasted if presentation.single_dose else kept, hatch))
            painter.setPen(text)
            label = QRectF(
                max(0.0, body.center().x() - slot / 2), body.bottom() + 2, slot, line * 1.2
            )
            painter.drawText(
                label, Qt.AlignmentFlag.AlignHCenter, f"{fmt(full)} {presentation.measure.symbol}"
            )
        summary_left = line / 2 + len(shown) * slot + line
        if self.width() - summary_left > line * 8:
            painter.drawText(
                QRectF(summary_left, top, self.width() - summary_left - line / 2, body_h + line),
                Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                "\n".join(self._summary_lines()),
            )
        if len(self.vials) > MAX_DRAWN:
            painter.drawText(
                QRectF(0, top, self.width() - line / 2, line),
                Qt.AlignmentFlag.AlignRight,
                f"+{len(self.vials) - MAX_DRAWN} more",
            )

    def _summary_lines(self) -> list[str]:
        """Vials alike are told once: "4 x 180 mg: all given" (alike by strength, kind
        and split, so two products of one strength count together, as they are drawn)."""
        groups: dict[tuple[Decimal, str, Decimal, Decimal], int] = {}
        u = self.vials[0][0].measure.symbol if self.vials else "mg"  # one drug's vials
        for presentation, given, left in self.vials:
            key = (presentation.strength_mg, presentation.container, given, left)
            groups[key] = groups.get(key, 0) + 1
        lines = []
        for (strength_mg, container, given, left), count in groups.items():
            kept = _fate(container).removesuffix(" (multi-dose)")
            strength = fmt(strength_mg)
            lines.append(
                f"{count} x {strength} {u}: {fmt(given)} {u} given, {fmt(left)} {u} {kept}"
                if left else f"{count} x {strength} {u}: all given"
            )  # fmt: skip
        return lines

    def _legend(
        self, painter: QPainter, line: int, given: QColor, wasted: QBrush, text: QColor
    ) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QBrush, QPen

        x = line / 2
        for brush, words in ((QBrush(given), "administered"), (wasted, "discarded")):
            painter.setPen(QPen(text, 1))
            painter.setBrush(brush)
            painter.drawRect(QRectF(x, line * 0.25, line * 0.8, line * 0.8))
            width = self.fontMetrics().horizontalAdvance(words)
            painter.drawText(QRectF(x + line, 0, width + 4, line * 1.3),
                             Qt.AlignmentFlag.AlignVCenter, words)  # fmt: skip
            x += line * 2 + width
