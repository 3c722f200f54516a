"""Starting the window: the application, the site, settings, logging, the exception hook."""

from __future__ import annotations

import gc
import logging
import os
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication

from doseunits.app.folders import APP_NAME, data_dir
from doseunits.app.resources import resource
from doseunits.app.site import Site
from doseunits.gui.actions.settings_store import SettingsStore
from doseunits.gui.first_frame import FirstFrame
from doseunits.gui.main_window import MainWindow

log = logging.getLogger("doseunits")


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Qt splits large fills among a pool of threads. For this window's small fills the
    # hand-offs cost more than they save: ~28 ms of a ~415 ms start on a two-core machine
    # (219 hand-offs to two threads for its first frame). Qt reads this once, before the
    # first paint; a site can still set it to anything itself (any value turns it off).
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    return app


def set_window_icon() -> None:
    """The application's icon; run_app sets it after the first frame (QIcon: ~4 ms)."""
    from PySide6.QtGui import QIcon

    icon = resource("icons", "doseunits.png")
    if icon.is_file():
        QApplication.setWindowIcon(QIcon(str(icon)))


def build_main_window(site: Site | None = None) -> MainWindow:
    """The window the user gets, ready to show; the event loop is not started.

    ``site``: what it works with, loaded already (the self-test's); else loaded here.
    """
    log_to_file()
    application()
    site = site or Site.load()
    return MainWindow(site, SettingsStore(site.user_settings_file, site.settings))


def log_to_file() -> None:
    """Log to ``doseunits.log`` in the user's data folder (once; again if the folder moved)."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "doseunits.log"
    for old in list(log.handlers):
        if isinstance(old, logging.FileHandler):
            if old.baseFilename == str(path.resolve()):
                return
            log.removeHandler(old)
            old.close()
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)  # opened at the first record
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    log.error("Unhandled exception", exc_info=(kind, error, tb))


def run_app() -> int:
    from doseunits.errors import DoseUnitsError

    sys.excepthook = _excepthook  # a slot's exception is logged; the window keeps running
    app = application()
    try:
        window = build_main_window()
    except DoseUnitsError as error:  # a broken site catalog or template: say which
        print(f"doseunits: {error}", file=sys.stderr)
        return 2
    window.first_frame.painted.connect(_collect_garbage_again)
    window.first_frame.painted.connect(set_window_icon)
    if os.environ.get("DOSEUNITS_EXIT_AFTER_START"):  # start-up benchmarks
        window.first_frame.painted.connect(lambda: _report_shown_and_quit(window.first_frame))
    window.show()
    return app.exec()


def _collect_garbage_again() -> None:
    """After the first frame: start-up's objects stay for good, so keep them out of later
    collections, and collect again (the command line turned it off for the start)."""
    gc.freeze()
    gc.enable()


def _report_shown_and_quit(frame: FirstFrame) -> None:
    """Print when the first frame was painted, for packaging/bench_startup.py, and end the
    process there: its peak memory and instruction count are then those of the start."""
    print(f"shown-at {frame.painted_at:.6f} cpu {frame.painted_cpu:.6f}", flush=True)
    sys.stderr.flush()
    os._exit(0)


def smoke_test_window(site: Site | None = None) -> None:
    """Open the real window offscreen, type an order, check the lines, close it."""
    window = build_main_window(site)
    window.show()
    window.drug_selector.select("atezolizumab")
    window.order_form.inputs["dose"].setText("1050")
    application().processEvents()
    lines = window.result.lines if window.result else ()
    got = [(line.modifiers, line.units) for line in lines]
    window.close()
    if got != [((), 105), (("JW",), 15)]:
        raise AssertionError(f"the window showed {got} for atezolizumab 1050 mg")
