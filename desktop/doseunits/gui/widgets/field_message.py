"""A one-line message under an input: an error (red) or a warning (amber), or nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR = "error"
WARNING = "warning"
INFO = "info"
_PREFIX = {ERROR: "Error: ", WARNING: "Check: ", INFO: ""}


class FieldMessage(QLabel):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.kind = ""
        self.hide()

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
