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


READS = """
import os, runpy, sys
def hook(event, args):
    if event != "open" or not str(args[0]).endswith(".py"):
        return
    frame = sys._getframe(1)  # only PySide6's source check, not imports compiled from source
    while frame is not None and frame.f_code.co_name != "_mod_uses_pyside":
        frame = frame.f_back
    if frame is not None:
        os.write(2, f"read {args[0]}\\n".encode())
sys.addaudithook(hook)
sys.argv = ["doseunits"]
runpy.run_module("doseunits", run_name="__main__")
"""


def test_the_start_reads_no_standard_library_source(tmp_path: object) -> None:
    """PySide6 reads the source of each module an import statement names once it has
    loaded (~2 ms for typing.py): the window's modules leave the standard library to the
    core, which loads first (see doseunits/gui/__init__.py)."""
    import sysconfig

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DOSEUNITS_EXIT_AFTER_START": "1",
           "DOSEUNITS_CONFIG_DIR": str(tmp_path), "DOSEUNITS_DATA_DIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", READS], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "shown-at" in done.stdout
    paths = sysconfig.get_paths()
    stdlib = os.path.realpath(paths["stdlib"])
    installed = {os.path.realpath(paths[key]) + os.sep for key in ("purelib", "platlib")}
    read = [line[5:] for line in done.stderr.splitlines() if line.startswith("read ")]
    ours = [path for path in read if "doseunits" in path]
    assert ours, "the probe saw no source read at all (did PySide6 rename its check?)"
    from_stdlib = {
        os.path.relpath(real, stdlib)
        for real in map(os.path.realpath, read)
        if real.startswith(stdlib + os.sep) and not real.startswith(tuple(installed))
    }
    # enum.py is read by PySide6's own start (the bare window's too); __future__ is tiny.
    assert from_stdlib <= {"enum.py", "__future__.py"}, sorted(from_stdlib)
