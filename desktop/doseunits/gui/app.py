"""The window's parts: the application, the site, settings, logging, the exception hook.

The order they start in, and what waits for the first frame, is gui/startup.py.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication

from doseunits import files
from doseunits.app.folders import APP_NAME, data_dir
from doseunits.app.resources import resource
from doseunits.app.site import Site
from doseunits.errors import DoseUnitsError
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

    ``site``: what it works with, loaded already (the self-test's); else loaded here. A
    site file that can't be used, or a data folder that can't be made, never stops the
    window: it opens (with the shipped files, or without history and log) and says why
    once its first frame is painted.
    """
    problems = []
    unavailable = log_to_file()
    if unavailable:
        problems.append(unavailable)
    application()
    if site is None:
        try:
            site = Site.load(leave_out_broken=True)  # a broken snapshot: said after the frame
        except DoseUnitsError as error:
            site = Site.load_shipped()
            problems.append(
                f"{error} DoseUnits opened with its shipped catalog, payer profiles and note "
                "template instead, without the site's own; ask whoever keeps the site's "
                "files to correct it."
            )
            log.warning("A site file can't be used: %s", error)
    window = MainWindow(site, SettingsStore(site.user_settings_file, site.settings))
    if unavailable and not data_dir().is_dir():
        window.order_history.unavailable = unavailable
    startup.after_first_frame(window)
    if problems:
        window.first_frame.painted.connect(lambda: show_start_problems(window, problems))
    return window


def show_start_problems(window: MainWindow, problems: list[str]) -> None:
    """What kept the window from its site's files or its data folder, said once."""
    window.say_at_start(problems)


class PrivateLogHandler(logging.FileHandler):
    """``logging.FileHandler`` whose file is opened owner-only (0600), never through a
    link and only if it is a regular file (doseunits/files.py)."""

    def _open(self) -> io.TextIOWrapper:
        return files.open_append(Path(self.baseFilename))

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:  # opened at the first record (delay=True)
            try:
                self.stream = self._open()
            except OSError:  # replaced by a link or a pipe since the start: not logged
                return
        super().emit(record)


def log_to_file() -> str:
    """Log to ``doseunits.log`` in the user's data folder (once; again if the folder moved).

    Returns "" or, when the data folder can't be made, the sentence the window shows:
    then nothing is logged to a file (and the history can't be kept either)."""
    folder = data_dir()
    try:
        files.private_folder(folder)
    except OSError as error:
        for old in list(log.handlers):
            if isinstance(old, logging.FileHandler):
                log.removeHandler(old)
                old.close()
        return (
            f"The data folder {folder} can't be created ({files.why(error)}): the order "
            "history and the log are not available in this session."
        )
    path = folder / "doseunits.log"
    try:
        files.refuse_link(path, path.name)
    except OSError as error:
        return f"The log {path} can't be written ({files.why(error)}): nothing is logged."
    for old in list(log.handlers):
        if isinstance(old, logging.FileHandler):
            if old.baseFilename == os.path.abspath(path):
                return ""
            log.removeHandler(old)
            old.close()
    handler = PrivateLogHandler(path, encoding="utf-8", delay=True)  # opened at the first record
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return ""


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
