"""An Excel workbook's cells as the rows ``base.read_records`` reads (CMS also publishes
the crosswalk as XLSX).

openpyxl, in read-only mode, is imported here and only here, when a workbook is given:
the window and the other commands never load it. The installed .deb leaves it out
(packaging/doseunits.spec: bundled, it brings a copy of expat that is not Debian's); there
a workbook is refused with one sentence asking for CMS's CSV.

Each cell becomes the text a CSV export would hold: text as it is, a whole number
without a point, any other number in plain decimal notation (``133.33``, never
``1.3333E2``), a number whose display format pads it with zeros (``00000000000``) padded
likewise, since that is how an 11-digit NDC keeps its leading zeros in a number cell.
Rows are numbered as the sheet numbers them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from doseunits.catalog.importers.base import ImportFileError, Table, read_records

#: The largest a workbook may unpack to: far above a CMS crosswalk, below a zip bomb.
MAX_UNPACKED = 512 * 1024 * 1024
_ZEROS = re.compile(r"0+")


class SheetRows:
    """A worksheet's rows as lists of text, with the sheet's row number as ``line_num``."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self.line_num = 0

    def __iter__(self) -> SheetRows:
        return self

    def __next__(self) -> list[str]:
        row = next(self._rows)
        self.line_num += 1
        return [cell_text(cell) for cell in row]


def cell_text(cell: Any) -> str:
    """One read-only cell as the text a CSV export of it would hold."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        padded = getattr(cell, "number_format", "")
        if isinstance(padded, str) and _ZEROS.fullmatch(padded) and value >= 0:
            return str(value).zfill(len(padded))
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return format(Decimal(repr(value)), "f")  # the shortest text giving this double
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_xlsx_table(
    data: bytes,
    source: str,
    columns: Mapping[str, Any],
    what: str,
) -> Table:
    """The first worksheet holding the header ``columns`` describe, read as
    ``base.read_table`` reads a CSV; one sentence naming the file otherwise."""
    _check_zip(data, source)
    try:
        import openpyxl  # only here: a workbook is being imported
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # the installed .deb leaves openpyxl out (packaging/doseunits.spec)
        raise ImportFileError(
            f"{source} is an Excel workbook, which this installation of DoseUnits does not "
            "read (openpyxl is not installed); import CMS's CSV of the same crosswalk."
        ) from None

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise ImportFileError(
            f"{source} is a zip but not an Excel workbook DoseUnits can read (.xlsx); "
            "save it as .xlsx or use CMS's CSV."
        ) from None
    try:
        first_error: ImportFileError | None = None
        for sheet in book.worksheets:
            try:
                return read_records(SheetRows(sheet.iter_rows()), source, columns, what)
            except ImportFileError as error:
                first_error = first_error or error
            except (KeyError, ValueError, TypeError, zipfile.BadZipFile, EOFError) as error:
                raise ImportFileError(
                    f"{source} is a damaged Excel workbook ({type(error).__name__} in sheet "
                    f"{sheet.title!r}); save it again or use CMS's CSV."
                ) from None
        raise first_error or ImportFileError(f"{source} has no worksheet; expected {what}.")
    finally:
        book.close()


def _check_zip(data: bytes, source: str) -> None:
    """A workbook is a zip: refuse a damaged one, or one that unpacks past MAX_UNPACKED."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ImportFileError(
            f"{source} starts as a zip (an Excel workbook) but is damaged or cut short; "
            "download it again or use CMS's CSV."
        ) from None
    if unpacked > MAX_UNPACKED:
        raise ImportFileError(
            f"{source} unpacks to {unpacked:,} bytes, far more than any CMS workbook; "
            "check the file."
        )
