"""Getting the finished note out of the window: copy, save as text, print, save as PDF.

The file and printer dialogs are attributes (``ask_save_path``, ``ask_pdf_path``,
``ask_printer``), so tests replace them instead of blocking on a modal dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QPushButton

from doseunits.gui.widgets.field_message import ERROR, FieldMessage

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


class NoteActions(QObject):
    """Signals: ``noteSent()`` when a note left the app (copied, saved or printed)."""

    noteSent = Signal()

    def __init__(
        self,
        window: QMainWindow,
        message: FieldMessage,
        note: Callable[[], str],
        title: Callable[[], str],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.message = message
        self.note = note
        self.title = title
        self.ask_save_path: Callable[[], Path | None] = self._ask_save_path
        self.ask_pdf_path: Callable[[], Path | None] = self._ask_pdf_path
        self.ask_printer: Callable[[], object | None] = self._ask_printer

    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton]:
        """The window's copy, save and print buttons (their shortcuts are the menus')."""
        made = []
        for name, text, slot, tip in (
            ("copyButton", "&Copy note", self.copy, "Copy the note (Ctrl+Shift+C)"),
            ("saveButton", "Save as text…", self.save, "Save the note as a text file (Ctrl+S)"),
            ("printButton", "Print / PDF…", self.print_note,
             "Print the note, or print it to a PDF file (Ctrl+P)"),
        ):  # fmt: skip
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            made.append(button)
        return made[0], made[1], made[2]

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def copy(self) -> None:
        from doseunits.gui.actions import export  # loaded on first use, not at start-up

        if self.note():
            export.copy_to_clipboard(self.note())
            self._status("Note copied to the clipboard.")
            self.noteSent.emit()

    def save(self) -> None:
        from doseunits.gui.actions import export

        path = self.ask_save_path() if self.note() else None
        if path is None:
            return
        try:
            export.save_text_atomically(path, self.note())
        except OSError as error:
            reason = error.strerror or str(error)
            self.message.show_message(
                ERROR, f"The note was not saved to {path} ({reason}); it is still on screen."
            )
            return
        self._status(f"Note saved to {path}.")
        self.noteSent.emit()

    def print_note(self) -> None:
        from doseunits.gui.actions import export

        printer = self.ask_printer() if self.note() else None
        if printer is not None:
            export.print_note(printer, self.note(), self.title())  # type: ignore[arg-type]
            self._status("Note sent to the printer.")
            self.noteSent.emit()

    def save_pdf(self) -> None:
        """Through QPdfWriter, checked, then in place of the target; a failure is a
        message and the order is not finished (nothing recorded in the history)."""
        from doseunits.gui.actions import export

        path = self.ask_pdf_path() if self.note() else None
        if path is None:
            return
        try:
            export.save_pdf_atomically(path, self.note(), self.title())
        except OSError as error:
            reason = error.strerror or str(error)
            self.message.show_message(
                ERROR, f"The note was not saved as PDF to {path} ({reason}); it is still on screen."
            )
            return
        self.message.clear_message()
        self._status(f"Note saved as PDF to {path}.")
        self.noteSent.emit()

    def _ask_save_path(self) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(self.window, "Save note", "note.txt", "Text (*.txt)")
        from pathlib import Path

        return Path(name) if name else None

    def _ask_pdf_path(self) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getSaveFileName(
            self.window, "Save note as PDF", "note.pdf", "PDF (*.pdf)"
        )
        from pathlib import Path

        return Path(name) if name else None

    def _ask_printer(self) -> object | None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.window)
        return printer if dialog.exec() else None
