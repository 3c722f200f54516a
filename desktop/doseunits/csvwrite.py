"""The one CSV writer: every CSV DoseUnits writes (the audit's report and summary, the
history's export) goes through ``CsvWriter``.

- RFC 4180: fields separated by commas, rows ended by CRLF, a field holding a comma, a
  quote, a CR or an LF (a bare CR too) quoted, its quotes doubled.
- Formula cells neutralised, as OWASP's "CSV Injection" page says: a cell starting with
  ``=``, ``+``, ``-``, ``@``, a tab, a CR or a NUL gets a ``'`` in front, so a spreadsheet
  shows it as text instead of running it (``=HYPERLINK(...)`` from a claims file echoed
  into the report, a site's drug id in an export).

  One exception, decided and written down here: a cell that is only a plain negative
  number (``-5``, ``-0.25``: a minus, digits, at most one point) is left as it is. A
  spreadsheet reads it as that number and runs nothing; prefixing it would turn a
  biller's ``-5`` in ``billed_units`` into the text ``'-5`` and hide what was billed.
  The numbers DoseUnits itself writes are never negative, so such a cell is always an
  echo of the input, shown as typed.

No file is opened here: the caller hands a text stream (opened with ``newline=""``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

#: What a spreadsheet takes as the start of a formula (OWASP, CSV Injection).
FORMULA_STARTS = frozenset("=+-@\t\r\0")
_PLAIN_NEGATIVE = re.compile(r"-[0-9]+(?:\.[0-9]+)?")
#: A row's cells, each after this separator, are searched at once (a literal prefix: the
#: search skips to it in C); a cell that holds it only sends its row to the exact check.
_SEPARATOR = "\x1f"
_RISKY = re.compile(r"\x1f[=+\-@\t\r\x00]")


_search = _RISKY.search
_join = _SEPARATOR.join


def neutralised(cell: object) -> object:
    """``cell`` as it is safe to write: a formula-like text with ``'`` in front."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS and not _PLAIN_NEGATIVE.fullmatch(cell):
        return "'" + cell
    return cell


class CsvWriter:
    """``writerow`` / ``writerows`` as ``csv.writer``'s, with the rules of the module."""

    __slots__ = ("_write",)

    def __init__(self, stream: IO[str]) -> None:
        self._write = csv.writer(stream, lineterminator="\r\n").writerow

    def writerow(self, row: Sequence[Any]) -> Any:
        try:  # the audit's hot path: one join and one search in C; most rows are clean
            risky = _search(_SEPARATOR + _join(row)) is not None
        except TypeError:  # a number or None among the cells
            risky = True
        if risky:
            row = [neutralised(cell) for cell in row]
        return self._write(row)

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)
