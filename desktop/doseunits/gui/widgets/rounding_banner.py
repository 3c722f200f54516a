"""The dose-rounding suggestion: shown, with what it saves; applied only on acceptance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

if TYPE_CHECKING:
    from doseunits.engine.rounding import RoundingSuggestion


class RoundingBanner(QFrame):
    """Signals: ``accepted(object)`` with the RoundingSuggestion the user accepted."""

    accepted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roundingBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setObjectName("roundingText")
        self.text.setWordWrap(True)
        self.button = QPushButton("&Accept rounded dose")
        self.button.setObjectName("acceptRoundingButton")
        self.button.clicked.connect(self._accept)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.suggestion: RoundingSuggestion | None = None
        self.reserving = False  # Qt's default: a hidden widget keeps no space
        self.hide()

    def reserve(self, on: bool) -> None:
        """While the site's rounding policy is on, its space is kept when there is no
        suggestion, so one coming and going while the dose is typed moves nothing. (Off,
        as it starts, it leaves the size policy alone: PySide6's QSizePolicy costs the
        start 3.5 M instructions.)"""
        if on == self.reserving:
            return
        self.reserving = on
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(on)
        self.setSizePolicy(policy)
        lines = 2 * self.text.fontMetrics().lineSpacing()
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        extra = margins.top() + margins.bottom() if margins is not None else 0
        self.setMinimumHeight(max(lines, self.button.sizeHint().height()) + extra + 4)

    def show_suggestion(self, suggestion: RoundingSuggestion | None) -> None:
        self.suggestion = suggestion
        if suggestion is None:
            self.hide()
            return
        self.text.setText(suggestion.describe())
        self.setAccessibleDescription(suggestion.describe())
        self.show()

    def _accept(self) -> None:
        if self.suggestion is not None:
            self.accepted.emit(self.suggestion)
