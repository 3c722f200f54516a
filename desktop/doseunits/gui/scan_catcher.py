"""Recognise a barcode scanner typing into any widget of the window.

A USB scanner types like a keyboard. Configured to send the AIM symbology identifier
(``]d2`` for GS1 DataMatrix, ``]C1``, ``]Q3``), every scan starts with ``]``, which
nobody types into a dose. From a ``]`` on, keys are held back; Enter ends the scan.
If the keys stop without Enter (a person typed ``]``), they are given back to the
widget that was typed into, as they were. In the scan field every key is caught this
way, because a line edit drops the ASCII 29 group separator that GS1 needs.

Without the identifier (many scanners ship so), a vial's scan starts with ``01``, its
GTIN's application identifier, typed faster than any hand can: a ``1`` that follows a
``0`` within ``FAST_MS`` in a text field starts holding keys back. A scan keeps that
pace to its Enter; the text field then gets back the text it had before the ``0``. A
slower key, or keys that stop, give everything back at once, as typed.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

IDLE_MS = 400  # longer than a scanner's gap between keys, shorter than a person's pause
FAST_MS = 25  # a scanner's keys come 1-10 ms apart; a person's 60 ms and more
GTIN_SCAN_LENGTH = 16  # "01" and the 14-digit GTIN: the least a vial's scan carries


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
        # A "0" just typed into a text field: when, where, and the field's text before it.
        self._zero: tuple[float, QLineEdit, str, int] | None = None
        self._given = 0  # keys of the buffer the widget already has (the "0")
        self._last = 0.0  # when the last key of a prefix-less scan came
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
        now = time.monotonic()
        if not self.buffer:
            return self._start(watched, event, now)
        if event.type() == QEvent.Type.KeyRelease:
            return True
        from PySide6.QtCore import Qt  # not at import: see gui/qt_names.py

        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        prefixless = self._given > 0
        if prefixless and not enter:
            slow = now - self._last > FAST_MS / 1000
            digit = event.text().isascii() and event.text().isdigit()
            not_gtin = len(self.buffer) < GTIN_SCAN_LENGTH and not digit
            if slow or not_gtin:  # a person, or no GTIN's 14 digits after "01"
                self.flush()  # give it all back, this key after the held ones
                return False
        self._last = now
        if enter:
            if prefixless and len(self.buffer) < GTIN_SCAN_LENGTH:
                self.flush()  # too short for a vial's scan: typed, Enter and all
                return False
            text, self.buffer, self.target = self.buffer, "", None
            self.timer.stop()
            if prefixless and self._zero is not None:
                self._undo_zero()
            self._given = 0
            self.scanned.emit(text)
            return True
        self.buffer += event.text()
        self.timer.start()
        return True

    def _start(self, watched: QWidget, event: QKeyEvent, now: float) -> bool:
        """A key with nothing held: does a scan start here?"""
        if event.type() != QEvent.Type.KeyPress:
            return False
        text = event.text()
        if text == "]" or (watched is self.scan_field and text.strip()):
            self.buffer, self.target, self._given = text, watched, 0
            self.timer.start()
            return True
        zero = self._zero
        self._zero = None
        if isinstance(watched, QLineEdit) and watched is not self.scan_field:
            if text == "0":  # perhaps a scan's "01": remember how the field was
                self._zero = (now, watched, watched.text(), watched.cursorPosition())
            elif text == "1" and zero and zero[1] is watched and now - zero[0] <= FAST_MS / 1000:
                self._zero = zero
                self.buffer, self.target, self._given, self._last = "01", watched, 1, now
                self.timer.start()
                return True
        return False

    def _undo_zero(self) -> None:
        """The scan's first key went into a text field: put the field back as it was."""
        assert self._zero is not None
        _, edit, text, cursor = self._zero
        self._zero = None
        edit.setText(text)
        edit.setCursorPosition(cursor)

    def flush(self) -> None:
        """Give held keys back to their widget now (the idle timer does this by itself)."""
        self.timer.stop()
        text, target = self.buffer[self._given :], self.target
        self.buffer, self.target, self._given, self._zero = "", None, 0, None
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
