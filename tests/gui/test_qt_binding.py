"""Guards against a broken Qt binding: PySide6 6.12.0 on Python 3.11 drops a reference to
None on every void method call, so the window crashed after a few thousand edits
("Fatal Python error: none_dealloc"). Found by the hypothesis input test; pinned away.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.clear()
        label.setText("x")
        label.hide()
    assert sys.getrefcount(None) >= before - 10  # a broken binding loses 6000 here
