"""The reference for the start-up, size and memory benchmarks: a bare PySide6 window.

Same window size as DoseUnits, and the same report when DOSEUNITS_EXIT_AFTER_START is
set: it prints ``shown-at <epoch seconds>`` once the window's first frame is painted,
then quits. The first frame is found the way the app finds it (an event filter on the
window waits for its first Paint event; see doseunits/gui/first_frame.py), so both
carry the same probe. It can't import doseunits: the reference must not load our code.
"""

import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def shown() -> None:
    print(f"shown-at {time.time():.6f} cpu {time.process_time():.6f}", flush=True)
    os._exit(0)  # as the app does: the start ends here


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, shown)
        return False


app = QApplication([])
window = QWidget()
window.resize(1240, 760)
probe = FirstPaint(window)
if os.environ.get("DOSEUNITS_EXIT_AFTER_START"):
    window.installEventFilter(probe)
window.show()
app.exec()
