"""A one-line message under an input: an error (red) or a warning (amber), or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

ERROR = "error"
WARNING = "warning"
INFO = "info"
_PREFIX = {ERROR: "Error: ", WARNING: "Check: ", INFO: ""}


class _Slot(QWidget):
    """The message's place in its layout (see FieldMessage)."""

    def __init__(self, message: FieldMessage, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.message = message

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.message.fit_slot()


class FieldMessage(QLabel):
    """Layouts take its ``slot``, which keeps a message's space while it is hidden: one
    coming and going while the user types moves nothing below it (a longer one still
    takes what it needs). A hidden layout item keeps no space in a QFormLayout, even
    with retainSizeWhenHidden, hence the slot.

    ``lines``: the lines kept (0: none, for messages that follow an action, not typing);
    ``typical``: or as many lines as a message this long takes at the slot's width.
    """

    def __init__(
        self, name: str, parent: QWidget | None = None, lines: int = 1, typical: int = 0
    ) -> None:
        self.slot = _Slot(self, parent)
        self.slot.setObjectName(f"{name}Slot")
        super().__init__(self.slot)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.kind = ""
        self.lines, self.typical = lines, typical
        self.reserving = True
        box = QVBoxLayout(self.slot)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self)
        self.fit_slot()
        self.hide()

    def reserve(self, on: bool) -> None:
        """Keep the message's space while it is hidden (off: for a field not in use)."""
        self.reserving = on
        self.fit_slot()

    def fit_slot(self) -> None:
        metrics = self.fontMetrics()
        lines = self.lines
        if self.typical and self.slot.width() > 0:
            wanted = self.typical * metrics.averageCharWidth()
            lines = max(lines, -(-wanted // max(self.slot.width(), 1)))
        height = lines * metrics.lineSpacing() if self.reserving else 0
        if self.slot.minimumHeight() != height:
            self.slot.setMinimumHeight(height)

    def show_message(self, kind: str, text: str) -> None:
        from PySide6.QtGui import QColor, QPalette  # on the first message, not at start

        self.kind = kind
        self.setText(_PREFIX[kind] + text)
        # Colours are mixed with the palette's text colour, so dark mode stays readable.
        base = self.palette().color(QPalette.ColorRole.WindowText)
        if kind == INFO:
            self.setStyleSheet("")
            self.setAccessibleName(self.text())
            self.show()
            return
        accent = QColor("#c62828") if kind == ERROR else QColor("#b26a00")
        if base.lightness() > 128:  # light text: a dark theme
            accent = accent.lighter(170)
        self.setStyleSheet(f"color: {accent.name()};")
        self.setAccessibleName(self.text())
        self.show()

    def clear_message(self) -> None:
        self.kind = ""
        self.clear()
        self.hide()
