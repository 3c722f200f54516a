"""How the window starts, in order, and why each step is where it is.

Every start-up trick lives here (the Qt names taken by string are gui/qt_fast.py), so
that the order can be read, and changed, in one place. Figures are instructions to the
first frame under callgrind, measured as docs/PERFORMANCE.md describes (a bare PySide6
window: 581 M; the target is at most 1.5 times that; the window: 857 M, 1.47). A
change that adds start-up work is measured there before it lands.

The order, which is the order of ``start()``:

1. The garbage collector is turned off (16 M). Start-up makes ~50 collections' worth
   of objects that all live as long as the window; scanning them is wasted work.
2. The core the window starts with (catalog, payers, note template, dates, folders)
   loads, and the standard library under it, before PySide6 does. Once loaded, PySide6
   reads the source of each module an import statement names (looking for "PySide6"
   in it) the first time it is named: 120 KB for typing.py. What is loaded first is
   never read.
3. PySide6 loads, and every module loaded so far is entered in its table as one that
   does not use it (``load_pyside``): the window's modules name typing, logging, os
   and contextlib, and PySide6 would read their 340 KB of source (7.5 M). The
   window's own modules are entered as using it, which is what reading their 130 KB
   would find (3.7 M). Then they load (doseunits.gui.app). No argument parser is
   built for the window (cli/main.py: argparse costs ~10 ms).
4. Qt's environment is set, then the QApplication is made (``before_qapplication``):
   ``QT_NO_GUI_THREADPOOL=1`` keeps the first frame's fills on the GUI thread, where
   219 hand-offs to two threads cost ~28 ms on a two-core machine.
5. The window is built without touching PySide6's ``Qt`` namespace, which builds its
   ~90 Python enums at once (126 M): properties are set by name (gui/qt_fast.py), and
   QPainter (three more enums) waits for the first vials to draw. PySide6 also sets up
   each other Qt class (and its enums) the first time Python touches it, so what the
   first frame does not show waits: the narrow screen's tabs are made the first time
   the window is narrow (``MainWindow.tabs``), and no size policy is read to keep a
   hidden widget's place (QSizePolicy and the layout of what it kept: 7.3 M).
6. The window is shown. Once its first frame is painted (gui/first_frame.py), the work
   it did not need runs, in this order (``after_first_frame``, then ``start``'s own):
   the start-up benchmark's report, which ends the process there; the
   application-wide scan catcher is installed (a Python filter on every event made
   the first paint ~90 ms slower); the garbage collector comes back on with
   start-up's objects frozen out of it; the window icon is set (``QIcon``, ~4 ms);
   then, posted, the engine's modules load and Qt's enums are built, before anyone
   can type a dose (49 M; ``load_after_first_frame``), then the catalog's CMS-built part
   (the shipped snapshot, a site's import: ~70 ms) is read and listed in the picker, and
   Medicare's payment limits are read for the first result's dollars (``load_prices``).

Loaded on first use instead: ``biip`` (150 ms, 18 MiB) with the first scan, the
drug picker's completer with the first typed letter, dialogs when opened.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doseunits.app.site import Site
    from doseunits.gui.first_frame import FirstFrame
    from doseunits.gui.main_window import MainWindow

EXIT_AFTER_START = "DOSEUNITS_EXIT_AFTER_START"  # the start-up benchmarks' switch


def start() -> int:
    """Open the window and run it until it is closed: ``doseunits`` without arguments."""
    gc.disable()  # 1
    load_before_pyside()  # 2
    load_pyside()  # 3
    from doseunits.errors import DoseUnitsError
    from doseunits.gui import app  # 3: the window's modules

    sys.excepthook = app.log_unhandled  # a slot's exception is logged; the window keeps running
    application = app.application()  # 4
    try:
        window = app.build_main_window()  # 5, and after_first_frame(window)
    except DoseUnitsError as error:  # a broken site catalog or template: say which
        print(f"doseunits: {error}", file=sys.stderr)
        return 2
    painted = window.first_frame.painted  # 6: after the window's own (after_first_frame)
    painted.connect(collect_garbage_again)
    painted.connect(app.set_window_icon)
    window.show()
    return application.exec()


def load_before_pyside() -> None:
    """Step 2: what the window starts with, before PySide6 can read its sources."""
    import doseunits.app.folders
    import doseunits.app.site
    import doseunits.dates
    import doseunits.outputs.note  # noqa: F401


def load_pyside() -> None:
    """Step 3: PySide6 loads, and is told that what was loaded before it does not use it.

    PySide6 decides whether a module uses it (for its optional ``__feature__`` switches)
    by reading the module's source the first time an import statement names it, even a
    module loaded long before (typing, logging, os, contextlib: 340 KB, 7.5 M
    instructions). A module loaded before PySide6 cannot use it, so it is entered as
    "ignore" (-1, PySide6's own answer for a module that does not name it) in PySide6's
    table; the window's modules, which all do, as 0 (no ``__feature__`` selected, its
    answer for them). Should a later PySide6 rename the table, only the saving is lost.
    """
    import PySide6  # noqa: F401 (what it loads while starting is its own business)

    feature = sys.modules.get("shibokensupport.feature")
    known = getattr(feature, "pyside_feature_dict", None)
    if isinstance(known, dict):
        for name in list(sys.modules):
            if not name.startswith(("PySide6", "shiboken6")):
                known.setdefault(name, -1)
        for name in _window_modules():
            known.setdefault(name, 0)  # "uses PySide6, no feature", as it would find


def _window_modules() -> list[str]:
    """The names of doseunits.gui's modules, from its folders (.py, or .pyc when frozen)."""
    import doseunits.gui

    names = []
    for folder in doseunits.gui.__path__:
        for sub in ("", "widgets", "actions", "dialogs"):
            package = "doseunits.gui" + (f".{sub}" if sub else "")
            try:
                with os.scandir(os.path.join(folder, sub)) as entries:
                    found = [entry.name for entry in entries]
            except OSError:  # not a folder (an archive): those are read, nothing worse
                continue
            for file in found:
                stem, dot, suffix = file.partition(".")
                if dot and suffix in ("py", "pyc") and stem != "__init__":
                    names.append(f"{package}.{stem}")
    return names


def before_qapplication() -> None:
    """Step 4, before the QApplication exists: Qt reads these once, at its first paint.

    A site can still set the variable itself (Qt takes any value as "off").
    """
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def after_first_frame(window: MainWindow) -> None:
    """Step 6 for one window (the tests' windows too): what waits for its first frame.

    The start-up benchmark's report comes first and ends the process, so that what it
    counts is the start and no more, as for the bare window (the work below cost 21 M
    instructions when the report came last).
    """
    from PySide6.QtCore import QTimer

    painted = window.first_frame.painted
    if os.environ.get(EXIT_AFTER_START):
        painted.connect(lambda: report_shown_and_quit(window.first_frame))
    painted.connect(window.install_scan_catcher)
    # Posted: the rest of this frame's slots (and the benchmark's report) go first.
    painted.connect(lambda: QTimer.singleShot(0, load_after_first_frame))
    # Then the catalog's CMS-built part (~730 codes, ~70 ms) and its picker entries; a
    # snapshot left out as a whole is said then (MainWindow.add_loaded_drugs).
    painted.connect(lambda: QTimer.singleShot(0, window.add_loaded_drugs))
    site = window.site  # not the window: a slot holding it would keep it alive
    painted.connect(lambda: QTimer.singleShot(0, lambda: load_prices(site)))


def load_after_first_frame() -> None:
    """The engine's modules (billing, plan, rules, rounding, the result's text: ~20 ms)
    and Qt's enums (~35 ms), which the window needs for its first result, not its first
    frame; loaded while the user is still finding the dose field."""
    from PySide6.QtCore import Qt

    import doseunits.engine.billing
    import doseunits.engine.rounding
    import doseunits.outputs.result_text  # noqa: F401

    Qt.AlignmentFlag.AlignCenter  # noqa: B018 (building the namespace is the point)


def load_prices(site: Site) -> None:
    """Medicare's payment limits (the CMS file read and its importer loaded: ~35 ms), for
    the first result's dollars; a file that can't be read is said with that result."""
    from contextlib import suppress

    from doseunits.errors import DoseUnitsError

    with suppress(DoseUnitsError):
        site.payment_limits()


def collect_garbage_again() -> None:
    """Step 6, once per process: start-up's objects stay for good, so they are kept out
    of later collections, and collection comes back on."""
    gc.freeze()
    gc.enable()


def report_shown_and_quit(frame: FirstFrame) -> None:
    """Print when the first frame was painted, for packaging/bench_startup.py, and end the
    process there: its peak memory and instruction count are then those of the start."""
    print(f"shown-at {frame.painted_at:.6f} cpu {frame.painted_cpu:.6f}", flush=True)
    sys.stderr.flush()
    os._exit(0)
