"""Knowing when a window's first frame is on screen.

Work that the first frame does not need (the application-wide scan catcher) waits for
it, and the start-up benchmark stops its clock at it. A timer started at ``show()``
fires before the first paint, so the window itself is watched for its first Paint
event; the rest of that paint pass (its children, the flush to the screen) finishes
before anything posted from there runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class FirstFrame(QObject):
    """Signals: ``painted()`` once, after the window's first frame is painted.

    ``painted_at`` (wall clock) and ``painted_cpu`` (process CPU time) record that moment
    for the start-up benchmark, before any slot of ``painted`` runs.
    """

    painted = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.done = False
        self.painted_at = self.painted_cpu = 0.0
        window.installEventFilter(self)  # only the window's own events, not the children's

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        self.painted_at, self.painted_cpu = time.time(), time.process_time()
        self.painted.emit()
