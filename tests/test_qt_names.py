"""The window's first frame goes around PySide6's ``Qt`` namespace (gui/qt_names.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import Qt

from doseunits.gui import qt_names


def test_the_text_flags_are_qts_own() -> None:
    align, text = Qt.AlignmentFlag, Qt.TextFlag
    ours = [qt_names.ALIGN_LEFT, qt_names.ALIGN_RIGHT, qt_names.ALIGN_HCENTER,
            qt_names.ALIGN_VCENTER, qt_names.ALIGN_CENTER, qt_names.WORD_WRAP]  # fmt: skip
    qts = [align.AlignLeft, align.AlignRight, align.AlignHCenter, align.AlignVCenter,
           align.AlignCenter, text.TextWordWrap]  # fmt: skip
    assert ours == [flag.value for flag in qts]


PROBE = """
import enum, sys
made = []
create = enum.EnumType._create_
def counting(cls, class_name, names, **kw):
    made.append(kw.get("qualname") or class_name)
    return create(cls, class_name, names, **kw)
enum.EnumType._create_ = counting
from doseunits.gui.app import application, build_main_window
window = build_main_window()
window.first_frame.painted.connect(application().quit)
window.show()
application().exec()
print("Qt.Key built" if "Qt.Key" in made or "Key" in made else "Qt's enums not built")
"""


def test_the_first_frame_does_not_build_qts_enums(tmp_path: object) -> None:
    """Building Qt's namespace costs ~35 ms of start-up; this guards against a new use of
    ``Qt`` (or of an overload next to a Qt enum) on the way to the first frame."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "DOSEUNITS_CONFIG_DIR": str(tmp_path), "DOSEUNITS_DATA_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Qt's enums not built"
