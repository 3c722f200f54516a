"""File > Update drug catalog...: ``doseunits catalog import`` in the window.

The user chooses CMS's crosswalk (and, optionally, its payment limit file and FDA's NDC
Directory); Import runs app/catalog_update.py's ``import_catalog``, the command line's
own code, on a worker thread, while a timer on the window's thread shows its stages in
the progress bar (the audit dialog's pattern, gui/dialogs/audit_dialog.py). Cancel is
asked between stages; a cancelled import stops before the snapshot is written, so the
catalog stays as it was.
The summary is the lines ``catalog import`` prints. The snapshot goes into the user's
site-catalog folder; the system-wide one is IT's (``catalog import --site``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from doseunits.app.catalog_update import IMPORT_STAGES, ImportDone, import_catalog, reloaded
from doseunits.app.folders import catalog_folder
from doseunits.app.site import Site
from doseunits.errors import DoseUnitsError
from doseunits.gui.qt_fast import set_property

#: The crosswalk as CMS publishes it, CSV or XLSX.
CROSSWALK_FILTER = "CMS crosswalk (*.csv *.xlsx);;All files (*)"
LIMITS_FILTER = "CMS payment limit file (*.csv);;All files (*)"
FDA_FILTER = "FDA NDC Directory (ndctext.zip package.txt);;All files (*)"


@dataclass(frozen=True)
class FileChoice:
    """One file the import reads: its name in the dialog and the filter of its chooser."""

    key: str
    label: str
    accessible: str
    placeholder: str
    filter: str
    required: bool


#: The files, in the order shown.
FILES = (
    FileChoice("crosswalk", "CMS &crosswalk", "CMS ASP NDC-HCPCS crosswalk to import",
               "required: the quarter's ASP NDC-HCPCS crosswalk", CROSSWALK_FILTER, True),
    FileChoice("payment_limits", "&Payment limits", "CMS payment limit file (optional)",
               "optional: the quarter's ASP pricing file, stored for pricing", LIMITS_FILTER,
               False),
    FileChoice("fda_ndc", "&FDA NDC Directory", "FDA NDC Directory (optional)",
               "optional: FDA's ndctext.zip or its package.txt (containers, volumes)",
               FDA_FILTER, False),
)  # fmt: skip


class _Worker:
    """The import on its own thread; what it has got to, read by the dialog's timer."""

    def __init__(self, site: Site, paths: dict[str, Path | None], folder: Path) -> None:
        self.site = site
        self.paths = paths
        self.folder = folder
        self.cancel = threading.Event()
        self.lock = threading.Lock()
        self.stage = (0, len(IMPORT_STAGES), IMPORT_STAGES[0])
        self.done: ImportDone | None = None
        self.site_after: Site | None = None
        self.error = ""
        self.reload_error = ""
        self.finished = False
        self.thread = threading.Thread(target=self._run, name="catalog-import", daemon=True)

    def _progress(self, done: int, total: int, stage: str) -> None:
        with self.lock:
            self.stage = (done, total, stage)

    def _run(self) -> None:
        try:
            crosswalk = self.paths["crosswalk"]
            assert crosswalk is not None
            done = import_catalog(
                crosswalk,
                self.folder,
                self.paths.get("payment_limits"),
                self.paths.get("fda_ndc"),
                progress=self._progress,
                cancelled=self.cancel.is_set,
            )
            with self.lock:
                self.done = done
            if done is not None:
                try:
                    site_after = reloaded(self.site)
                except DoseUnitsError as error:
                    with self.lock:
                        self.reload_error = str(error)
                else:
                    with self.lock:
                        self.site_after = site_after
        except DoseUnitsError as error:
            with self.lock:
                self.error = str(error)
        except OSError as error:  # a folder that can't be written, a full disk: as the CLI
            from doseunits import files

            with self.lock:
                self.error = files.cannot_use(error, self.folder)
        except Exception as error:  # never a traceback in the window: log it, say it once
            logging.getLogger(__name__).error("Unexpected error in the import", exc_info=error)
            with self.lock:
                self.error = (
                    f"The import stopped on an unexpected error ({type(error).__name__}); "
                    "details are in the log file."
                )
        finally:
            with self.lock:
                self.finished = True


class CatalogUpdateDialog(QDialog):
    """Signals: ``importFinished(object)`` with the ImportDone; ``cancelled()``;
    ``failed(str)`` with the sentence shown.

    ``ask_path(key)`` (the file choosers) is an attribute tests replace; ``updated``
    is called with the site read again after an import (the window takes its catalog).
    """

    importFinished = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(
        self,
        site: Site,
        parent: QWidget | None = None,
        *,
        updated: Callable[[Site], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("catalogUpdateDialog")
        self.setWindowTitle("DoseUnits: update the drug catalog")
        self.site = site
        self.updated = updated
        self.folder = catalog_folder()
        self.ask_path: Callable[[str], Path | None] = self._ask_path
        self.worker: _Worker | None = None
        self.result_done: ImportDone | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self._poll)
        self._build()

    def _build(self) -> None:
        intro = QLabel(
            "Imports CMS's quarterly ASP NDC-HCPCS crosswalk into this computer's site "
            "catalog, as 'doseunits catalog import' does. Hand-checked drugs keep their "
            "facts; an imported container stays unconfirmed until a label record, FDA's "
            "directory or a check of the label here says what it is. The "
            "import it replaces is kept for one rollback (doseunits catalog import "
            "--rollback)."
        )
        intro.setWordWrap(True)
        where = QLabel(
            f"Written to: {self.folder}\n(The system-wide site catalog is IT's: "
            "doseunits catalog import --site.)"
        )
        where.setObjectName("catalogUpdateFolder")
        where.setWordWrap(True)
        set_property(where, "textInteractionFlags", "TextSelectableByMouse")
        grid = QGridLayout()
        self.inputs: dict[str, QLineEdit] = {}
        self.browse: dict[str, QPushButton] = {}
        for row, choice in enumerate(FILES):
            edit = QLineEdit()
            edit.setObjectName(f"{choice.key}Input")
            edit.setAccessibleName(choice.accessible)
            edit.setPlaceholderText(choice.placeholder)
            caption = QLabel(choice.label)
            caption.setBuddy(edit)
            button = QPushButton("Choose…")
            button.setObjectName(f"{choice.key}Browse")
            button.setAccessibleName(f"Choose the {choice.accessible.split(' (')[0]}")
            button.clicked.connect(lambda _=False, key=choice.key: self.choose(key))
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(button, row, 2)
            self.inputs[choice.key] = edit
            self.browse[choice.key] = button
        self.progress = QProgressBar()
        self.progress.setObjectName("catalogUpdateProgress")
        self.progress.setAccessibleName("Import progress")
        self.progress.setRange(0, len(IMPORT_STAGES))
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m stages")
        self.status = QLabel("Choose the crosswalk, then Import.")
        self.status.setObjectName("catalogUpdateStatus")
        self.status.setWordWrap(True)
        set_property(self.status, "textFormat", "PlainText")
        set_property(self.status, "alignment", "AlignLeft|AlignTop")
        set_property(
            self.status, "textInteractionFlags", "TextSelectableByMouse|TextSelectableByKeyboard"
        )
        self.import_button = _button("runImportButton", "&Import", self.start)
        self.import_button.setDefault(True)
        self.cancel_button = _button("cancelImportButton", "Ca&ncel", self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = _button("closeImportButton", "Cl&ose", self.close)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.import_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addLayout(grid)
        layout.addWidget(self.progress)
        # The summary is a dozen lines or more: scrolled, never cut off at the bottom.
        self.status_scroll = QScrollArea()
        self.status_scroll.setObjectName("catalogUpdateStatusScroll")
        self.status_scroll.setWidget(self.status)
        self.status_scroll.setWidgetResizable(True)
        set_property(self.status_scroll, "frameShape", "NoFrame")
        set_property(self.status_scroll, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        layout.addWidget(self.status_scroll, 1)
        layout.addLayout(buttons)
        self.resize(760, 520)  # the summary of a whole crosswalk, unscrolled at 1280x800

    # Files --------------------------------------------------------------------------
    def choose(self, key: str) -> None:
        path = self.ask_path(key)
        if path is not None:
            self.inputs[key].setText(str(path))

    def _ask_path(self, key: str) -> Path | None:
        choice = next(c for c in FILES if c.key == key)
        title = choice.accessible.split(" (")[0]
        name, _ = QFileDialog.getOpenFileName(self, title, "", choice.filter)
        return Path(name) if name else None

    # Running --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running:
            return
        paths: dict[str, Path | None] = {}
        for choice in FILES:
            text = self.inputs[choice.key].text().strip()
            if choice.required and not text:
                self._fail(f"Choose the {choice.accessible.split(' (')[0]} first.")
                self.inputs[choice.key].setFocus()
                return
            paths[choice.key] = Path(text) if text else None
        self.result_done = None
        self.worker = _Worker(self.site, paths, self.folder)
        self.progress.setValue(0)
        self.status.setText(f"{IMPORT_STAGES[0]}…")
        self._set_running(True)
        self.worker.thread.start()
        self._timer.start()

    def _poll(self) -> None:
        worker = self.worker
        if worker is None:
            self._timer.stop()
            return
        with worker.lock:
            done_stages, _, stage = worker.stage
            finished = worker.finished
        self.progress.setValue(done_stages)
        if stage == IMPORT_STAGES[-1]:
            self.cancel_button.setEnabled(False)  # the snapshot is being replaced
        if not finished:
            if not worker.cancel.is_set():
                self.status.setText(f"{stage}…")
            return
        self._timer.stop()
        worker.thread.join()
        self.worker = None
        self._set_running(False)
        self._finish(worker)

    def _finish(self, worker: _Worker) -> None:
        if worker.error:
            self.progress.setValue(0)
            self._fail(f"{worker.error} Nothing was imported; the catalog is as it was.")
            return
        done = worker.done
        if done is None:
            self.progress.setValue(0)
            self.status.setText("Import cancelled; nothing was written, the catalog is as it was.")
            self.cancelled.emit()
            return
        self.result_done = done
        self.progress.setValue(self.progress.maximum())
        lines = done.summary_lines()
        if worker.reload_error:
            lines.append(
                f"The window could not read the catalog again ({worker.reload_error}); "
                "restart DoseUnits to bill from the new import."
            )
        elif worker.site_after is not None:
            self.site = worker.site_after
            if self.updated is not None:
                self.updated(worker.site_after)
            lines.append("The window now bills from the new catalog.")
        self.status.setText("\n".join(lines))
        self.importFinished.emit(done)

    def cancel(self) -> None:
        worker = self.worker
        if worker is None:
            return
        worker.cancel.set()
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling…")

    def wait(self, timeout: float = 60.0) -> None:
        """Until the running import has finished (or stopped), then show how it ended."""
        worker = self.worker
        if worker is not None:
            worker.thread.join(timeout)
            self._poll()

    def _fail(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)

    def _set_running(self, running: bool) -> None:
        self.import_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for key in self.inputs:
            self.inputs[key].setEnabled(not running)
            self.browse[key].setEnabled(not running)

    def done(self, result: int) -> None:  # closing the dialog cancels a running import
        self.cancel()
        self.wait()
        super().done(result)


def _button(name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(slot)
    return button
