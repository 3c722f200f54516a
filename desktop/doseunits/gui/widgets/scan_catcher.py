"""Recognise a barcode scanner typing into any widget of the window.

A USB scanner types like a keyboard. Configured to send the AIM symbology identifier
(``]d2`` for GS1 DataMatrix, ``]C1``, ``]Q3``), every scan starts with ``]``, which
nobody types into a dose. From a ``]`` on, keys are held back; Enter ends the scan.
If the keys stop without Enter (a person typed ``]``), they are given back to the
widget that was typed into, as they were. In the scan field every key is caught this
way, because a line edit drops the ASCII 29 group separator that GS1 needs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

IDLE_MS = 400  # longer than a scanner's gap between keys, shorter than a person's pause


class ScanCatcher(QObject):
    """Signals: ``scanned(str)`` with the whole scan, symbology prefix included."""

    scanned = Signal(str)

    def __init__(self, window: QWidget, scan_field: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.scan_field = scan_field
        self.buffer = ""
        self.target: QObject | None = None
        self._replaying = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(IDLE_MS)
        self.timer.timeout.connect(self.flush)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.window or not isinstance(event, QKeyEvent):
            return False
        if not self.buffer:
            starts = event.text() == "]" or (watched is self.scan_field and event.text().strip())
            if event.type() == QEvent.Type.KeyPress and starts:
                self.buffer, self.target = event.text(), watched
                self.timer.start()
                return True
            return False
        if event.type() == QEvent.Type.KeyRelease:
            return True
        from PySide6.QtCore import Qt  # not at import: see gui/qt_fast.py

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text, self.buffer, self.target = self.buffer, "", None
            self.timer.stop()
            self.scanned.emit(text)
            return True
        self.buffer += event.text()
        self.timer.start()
        return True

    def flush(self) -> None:
        """Give held keys back to their widget now (the idle timer does this by itself)."""
        self.timer.stop()
        text, target = self.buffer, self.target
        self.buffer, self.target = "", None
        if target is None:
            return
        from PySide6.QtCore import Qt

        self._replaying = True
        try:
            for char in text:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                    )
        finally:
            self._replaying = False
