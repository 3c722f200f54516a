"""Getting the note out: clipboard, an atomically written text file, print or PDF.

A PDF is made by QPdfWriter (QtGui), not QPrinter: QtPrintSupport opens connections to
the local print service (CUPS) even to write a file. Printing keeps the print dialog.
"""

from __future__ import annotations

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


def note_document(text: str, title: str) -> QTextDocument:
    document = QTextDocument()
    document.setDefaultFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    document.setPlainText(text)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    return document


def print_note(printer: QPrinter, text: str, title: str) -> None:
    note_document(text, title).print_(printer)


class PdfNotWritten(OSError):
    """The PDF could not be written whole (a full disk, a folder that refuses it)."""


def save_pdf_atomically(path: Path, text: str, title: str) -> None:
    """Write the note as a PDF beside the target, check it, then replace the target: a
    full disk or a refusing folder never leaves half a PDF, nor truncates an old one.

    Raises OSError (PdfNotWritten when Qt wrote nothing usable, as it does without
    saying so); the caller shows it and keeps what is on screen.
    """
    from PySide6.QtGui import QPdfWriter

    # A private (0600) file beside the target, never through a link (doseunits/files.py);
    # it replaces the target only when the block ends without an error.
    with files.atomic_path(path) as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setTitle(title)
        writer.setCreator("DoseUnits")
        writer.setResolution(300)
        note_document(text, title).print_(writer)
        del writer  # the file is complete once the writer is gone
        check_pdf(temporary)


def check_pdf(path: Path) -> None:
    """A whole PDF: its header, at least one page, and its end-of-file marker last (a
    write cut short by a full disk has no trailer). Raises PdfNotWritten."""
    data = path.read_bytes()
    if not data:
        raise PdfNotWritten(0, "nothing was written")
    if not data.startswith(b"%PDF-") or b"/Type /Page" not in data:
        raise PdfNotWritten(0, "the file written is not a PDF")
    if not data.rstrip().endswith(b"%%EOF"):
        raise PdfNotWritten(0, "the PDF was cut short (is the disk full?)")


def pdf_printer(path: Path) -> QPrinter:
    """A printer that prints to a PDF file (for tests of the print path; the window's
    own PDFs come from save_pdf_atomically)."""
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer
