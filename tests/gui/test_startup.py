"""The window's start (doseunits.gui.startup): what happens before its first frame, what
waits for it, and the by-name property helper that keeps Qt's enums off that frame."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from doseunits.gui import startup
from doseunits.gui.qt_fast import QtPropertyError, set_property

# The real start, `doseunits` without arguments, watched from outside: each Python enum
# PySide6 builds is noted, and the state of the process is taken at two moments, by
# wrapping the start's own after-first-frame step (collect_garbage_again, connected to
# the first frame) and then once what that frame posted has run.
PROBE = """
import enum, gc, json, os, sys
made = []
create = enum.EnumType._create_
def counting(cls, class_name, names, **kw):
    made.append(kw.get("qualname") or class_name)
    return create(cls, class_name, names, **kw)
enum.EnumType._create_ = counting
import inspect
read = []  # the modules whose source PySide6 reads (shibokensupport.feature)
get_source = inspect.getsource
def reading(module):
    read.append(getattr(module, "__name__", "?"))
    return get_source(module)
inspect.getsource = reading

from doseunits.gui import startup

def state():
    from PySide6.QtWidgets import QApplication
    return {
        "gc_enabled": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
        "engine": "doseunits.engine.billing" in sys.modules,
        "prices": "doseunits.catalog.pricing" in sys.modules,
        "qt_enums": "Qt.Key" in made or "Key" in made,
        "icon": not QApplication.windowIcon().isNull(),
        "sources_read": list(read),
    }

seen = {}
at_first_frame = startup.collect_garbage_again
def watching():
    seen["first_frame"] = state()
    at_first_frame()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    def later():
        seen["after"] = state()
        QApplication.quit()
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, later))
startup.collect_garbage_again = watching

code = startup.start()
loaded = list(sys.modules)
seen["core_before_pyside"] = loaded.index("doseunits.outputs.note") < loaded.index("PySide6")
seen["threadpool"] = os.environ.get("QT_NO_GUI_THREADPOOL")
seen["exit"] = code
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def start(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("start")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "DOSEUNITS_CONFIG_DIR": str(folder), "DOSEUNITS_DATA_DIR": str(folder)}  # fmt: skip
    env.pop("DOSEUNITS_EXIT_AFTER_START", None)
    env.pop("QT_NO_GUI_THREADPOOL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return seen


def test_the_first_frame_does_not_build_qts_enums(start: dict[str, Any]) -> None:
    """Building Qt's namespace costs the first frame 126 M instructions (~35 ms); this
    guards against a new use of ``Qt`` (or of an overload next to a Qt enum) on the way
    there. They are built just after it, which shows the probe would have seen them."""
    assert start["first_frame"]["qt_enums"] is False
    assert start["after"]["qt_enums"] is True


def test_the_engine_loads_after_the_first_frame(start: dict[str, Any]) -> None:
    assert start["first_frame"]["engine"] is False
    assert start["after"]["engine"] is True


def test_the_payment_limits_are_read_after_the_first_frame(start: dict[str, Any]) -> None:
    """The CMS file and its importer (~35 ms) are not the first frame's work."""
    assert start["first_frame"]["prices"] is False
    assert start["after"]["prices"] is True


def test_garbage_collection_waits_for_the_first_frame(start: dict[str, Any]) -> None:
    assert start["first_frame"]["gc_enabled"] is False
    assert start["after"]["gc_enabled"] is True
    assert start["after"]["frozen"] > 10_000  # start-up's objects, out of later collections


def test_the_icon_is_set_after_the_first_frame(start: dict[str, Any]) -> None:
    assert start["first_frame"]["icon"] is False
    assert start["after"]["icon"] is True


def test_the_core_loads_before_pyside_and_qt_gets_its_environment(
    start: dict[str, Any],
) -> None:
    assert start["core_before_pyside"] is True
    assert start["threadpool"] == "1"
    assert start["exit"] == 0


def test_pyside_reads_none_of_our_sources(start: dict[str, Any]) -> None:
    """PySide6 reads a module's source the first time an import names it, to see whether
    it uses PySide6: the standard library the window's modules name (340 KB, 7.5 M
    instructions) and the window's modules (130 KB, 3.7 M) are entered in its table
    first, so none is read before the first frame. PySide6's own start still reads its
    package's source, which shows the probe sees the reads."""
    read = start["first_frame"]["sources_read"]
    for loaded_before in ("typing", "logging", "os", "contextlib", "doseunits.app.site"):
        assert loaded_before not in read
    assert [name for name in read if name.startswith("doseunits")] == []
    assert "PySide6" in read


def test_the_window_modules_are_all_listed() -> None:
    """What startup enters as using PySide6 is every module of doseunits.gui."""
    gui = Path(__file__).resolve().parents[2] / "desktop" / "doseunits" / "gui"
    every = {
        ".".join(("doseunits", *path.relative_to(gui.parent).with_suffix("").parts))
        for path in gui.rglob("*.py")
        if path.name != "__init__.py"
    }
    assert set(startup._window_modules()) == every


def test_set_property_sets_by_name(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    set_property(label, "alignment", "AlignCenter")
    set_property(label, "textInteractionFlags", "TextSelectableByMouse|LinksAccessibleByMouse")
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter
    assert label.textInteractionFlags() == (
        Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.LinksAccessibleByMouse
    )


def test_set_property_raises_on_a_key_qt_does_not_have(qtbot: QtBot) -> None:
    scroll = QScrollArea()
    qtbot.addWidget(scroll)
    refused = r"Qt refused 'ScrollBarAlwaysOf' for the 'horizontalScrollBarPolicy' property"
    with pytest.raises(QtPropertyError, match=refused):
        set_property(scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOf")
    assert scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded


def test_set_property_raises_on_a_name_the_class_does_not_declare(qtbot: QtBot) -> None:
    """Qt would add a dynamic property of that name and carry on; it is taken off again."""
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(QtPropertyError, match="QLabel has no Qt property 'alignmnet'"):
        set_property(label, "alignmnet", "AlignCenter")
    assert b"alignmnet" not in [bytes(name.data()) for name in label.dynamicPropertyNames()]


def test_the_window_sets_no_qt_property_by_hand() -> None:
    """Every by-name property call goes through set_property, so a typo raises."""
    gui = Path(__file__).resolve().parents[2] / "desktop" / "doseunits" / "gui"
    by_hand = [
        f"{path.relative_to(gui)}:{number}"
        for path in sorted(gui.rglob("*.py"))
        if path.name != "qt_fast.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".setProperty(" in line
    ]
    assert by_hand == []
