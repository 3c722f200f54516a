"""Knowing when a window's first frame is on screen.

Work that the first frame does not need (the application-wide scan catcher, the icon,
the engine's modules, garbage collection) waits for it, and the start-up benchmark stops
its clock at it. A timer started at ``show()`` fires before the first paint, so the
window itself is watched for its first Paint event; the rest of that paint pass (its
children, the flush to the screen) finishes before anything posted from there runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class FirstFrame(QObject):
    """Signals: ``painted()`` once, after the window's first frame is painted; at once if
    it is shown minimised (no frame until it is restored); and ``FALLBACK_MS`` after it
    is shown if no frame has come by then, so what waits for the frame still happens.

    ``painted_at`` (wall clock) and ``painted_cpu`` (process CPU time) record that moment
    for the start-up benchmark, before any slot of ``painted`` runs.
    """

    FALLBACK_MS = 30_000  # far beyond a real first frame, even under valgrind

    painted = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.painted_at = self.painted_cpu = 0.0
        self.fallback = QTimer(self)  # a child: it goes when the window goes
        self.fallback.setSingleShot(True)
        self.fallback.timeout.connect(self._finish)
        window.installEventFilter(self)  # only the window's own events, not the children's

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        minimised = kind == QEvent.Type.Show and self.window.isMinimized()
        if kind == QEvent.Type.Paint or minimised:
            # Watched no more; the rest of this paint pass ends before the posted call.
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self._finish)
        elif kind == QEvent.Type.Show:
            self.fallback.start(self.FALLBACK_MS)
        return False

    def _finish(self) -> None:
        if self.painted_at:  # once, whichever of frame and fallback comes first
            return
        self.fallback.stop()
        self.window.removeEventFilter(self)
        self.painted_at, self.painted_cpu = time.time(), time.process_time()
        self.painted.emit()
