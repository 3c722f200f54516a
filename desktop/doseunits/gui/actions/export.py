"""Getting the note out: clipboard, an atomically written text file, print or PDF."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextDocument

from doseunits import files

if TYPE_CHECKING:  # QtPrintSupport loads on first print, not at start-up
    from PySide6.QtPrintSupport import QPrinter


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def save_text_atomically(path: Path, text: str) -> None:
    """Write beside the target, then replace it (doseunits/files.py): a full disk never
    leaves half a file, a link at ``path`` is replaced, not followed, the file is 0600.

    Raises OSError; the caller shows it and keeps what is on screen.
    """
    files.write_text(path, text)


def save_pdf(path: Path, text: str, title: str) -> None:
    """The note as a PDF at ``path``: written to a private temporary file beside it, which
    then replaces it, as a text note is (a link there is replaced, not followed).

    Raises OSError; the caller shows it and keeps what is on screen.
    """
    with files.atomic_path(path) as temporary:
        print_note(pdf_printer(temporary), text, title)
        if not temporary.stat().st_size:
            raise OSError(errno.EIO, "the PDF came out empty", str(path))


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
