"""The window's parts: the application, the site, settings, logging, the exception hook.

The order they start in, and what waits for the first frame, is gui/startup.py.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication

from doseunits.app.folders import APP_NAME, data_dir
from doseunits.app.resources import resource
from doseunits.app.site import Site
from doseunits.gui import startup
from doseunits.gui.actions.settings_store import SettingsStore
from doseunits.gui.main_window import MainWindow

log = logging.getLogger("doseunits")


def application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    startup.before_qapplication()
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    return app


def set_window_icon() -> None:
    """The application's icon; set after the first frame (gui/startup.py)."""
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
    window = MainWindow(site, SettingsStore(site.user_settings_file, site.settings))
    startup.after_first_frame(window)
    return window


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


def log_unhandled(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """The window's ``sys.excepthook``: a slot's exception goes to the log."""
    log.error("Unhandled exception", exc_info=(kind, error, tb))


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
