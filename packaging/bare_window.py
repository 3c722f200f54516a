"""The reference for the start-up, size and memory benchmarks: a bare PySide6 window.

Same window size as DoseUnits, and the same report when DOSEUNITS_EXIT_AFTER_START is
set: it prints ``shown-at <epoch seconds>`` once the window is up, then quits.
"""

import os
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

app = QApplication([])
window = QWidget()
window.resize(1240, 760)
window.show()


def shown() -> None:
    print(f"shown-at {time.time():.6f}", flush=True)
    app.quit()


if os.environ.get("DOSEUNITS_EXIT_AFTER_START"):
    QTimer.singleShot(0, shown)
app.exec()
