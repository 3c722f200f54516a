"""Getting the note out: clipboard, an atomically written text file, print or PDF."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextDocument

if TYPE_CHECKING:  # QtPrintSupport loads on first print, not at start-up
    from PySide6.QtPrintSupport import QPrinter


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def save_text_atomically(path: Path, text: str) -> None:
    """Write beside the target, then replace it: a full disk never leaves half a file.

    Raises OSError; the caller shows it and keeps what is on screen.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def note_document(text: str, title: str) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    document.setPlainText(text)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    return document


def print_note(printer: QPrinter, text: str, title: str) -> None:
    note_document(text, title).print_(printer)


def pdf_printer(path: Path) -> QPrinter:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer
