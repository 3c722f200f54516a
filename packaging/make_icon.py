"""Draw the DoseUnits icon (a vial, part given, part discarded) as PNGs in resources/icons.

QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen

SIZES = (256, 48)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    s = size / 256
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#1f3b57"), 10 * s))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(QRectF(96 * s, 16 * s, 64 * s, 36 * s), 6 * s, 6 * s)  # cap
    body = QRectF(64 * s, 52 * s, 128 * s, 188 * s)
    painter.drawRoundedRect(body, 22 * s, 22 * s)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#2e86c1"))  # administered
    painter.drawRoundedRect(QRectF(74 * s, 120 * s, 108 * s, 110 * s), 14 * s, 14 * s)
    painter.setBrush(QBrush(QColor("#d84315"), Qt.BrushStyle.BDiagPattern))  # discarded
    painter.drawRect(QRectF(74 * s, 84 * s, 108 * s, 36 * s))
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    folder = Path(__file__).resolve().parent.parent / "resources" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        name = "doseunits.png" if size == 256 else f"doseunits-{size}.png"
        if not draw(size).save(str(folder / name)):
            print(f"could not write {folder / name}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
