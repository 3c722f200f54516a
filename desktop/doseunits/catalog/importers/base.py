"""What every importer shares: the file's quarter, its report, and reading its table.

CMS's files open with a preamble (a title, "Effective October 1, 2025 through
December 31, 2025", notes) before the header row, and the header's spelling drifts
between years (``_2025_CODE``, ``NDC2`` or ``NDC``, ``HCPCS dosage`` or ``HCPCS Dosage``),
so the header is found by its cells and columns are matched case-insensitively, trimmed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Generic, Protocol, TypeVar

from doseunits.csvwrite import CsvWriter
from doseunits.errors import DoseUnitsError

Record = TypeVar("Record")

#: Rows read before giving up on finding the header (CMS's preambles are 8 or 9 lines).
HEADER_SEARCH_ROWS = 50


class ImportFileError(DoseUnitsError):
    """A file an importer cannot read; the message names the file and what was expected."""


@dataclass(frozen=True)
class Quarter:
    """The dates a file's facts are in force, both days included."""

    start: dt.date
    end: dt.date

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class Skipped:
    """A row left out, with the file's line number and why."""

    line: int
    reason: str
    code: str = ""
    identifier: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Disagreement:
    """A row whose published per-NDC billable units are not BILLUNITS x PKG QTY."""

    line: int
    code: str
    identifier: str
    per_item: Decimal
    items: Decimal
    published: Decimal

    @property
    def computed(self) -> Decimal:
        return self.per_item * self.items

    @property
    def beyond_rounding(self) -> bool:
        """More than a rounding to whole units apart (bleomycin 1 x 1 published as 2)."""
        return abs(self.computed - self.published) >= 1


@dataclass(frozen=True)
class ImportReport:
    """What was left out and what disagreed, each with its line, writable as CSV."""

    source: str
    rows: int
    skipped: tuple[Skipped, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    #: The whole file's own figures before anything was left out (codes, NDCs...).
    counts: Mapping[str, int] = field(default_factory=dict)

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(s.reason for s in self.skipped).most_common())

    def skipped_details(self, reason: str) -> dict[str, int]:
        """Counts by detail within one reason (the kinds of dosage not supported yet)."""
        return dict(Counter(s.detail for s in self.skipped if s.reason == reason).most_common())

    def write_csv(self, stream: IO[str]) -> None:
        """Every skipped row and disagreement, one per line, for a person to check."""
        writer = CsvWriter(stream)  # a crosswalk's cells may start with "=": neutralised
        writer.writerow(["file", "line", "what", "reason", "code", "id", "detail"])
        for s in self.skipped:
            writer.writerow(
                [self.source, s.line, "skipped", s.reason, s.code, s.identifier, s.detail]
            )
        for d in self.disagreements:
            kind = "wrong" if d.beyond_rounding else "rounded"
            detail = (
                f"BILLUNITS {d.per_item} x PKG QTY {d.items} = {d.computed}; "
                f"BILLUNITSPKG {d.published}"
            )
            writer.writerow(
                [self.source, d.line, "disagreement", kind, d.code, d.identifier, detail]
            )


@dataclass(frozen=True)
class ImportResult(Generic[Record]):
    """An importer's output: the records, the quarter they are in force, and the report."""

    records: tuple[Record, ...]
    quarter: Quarter
    report: ImportReport


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file and its cells by wanted column."""

    line: int
    cells: Mapping[str, str]
    complete: bool = True


@dataclass(frozen=True)
class Table:
    """A CMS file's table: the preamble above the header, and the data rows below it."""

    preamble: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...] = field(default=())


def decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without a BOM) where the bytes are UTF-8, else CMS's cp1252."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{source} is an Excel workbook or a zip; use the CSV from CMS's zip instead."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{source} is not text (neither UTF-8 nor Windows-1252); expected a CSV file."
        ) from None


def header_key(cell: str) -> str:
    """A header cell as compared: trimmed, spaces collapsed, case folded."""
    return " ".join(cell.split()).casefold()


def read_table(
    text: str,
    source: str,
    columns: Mapping[str, re.Pattern[str]],
    what: str,
    optional: Mapping[str, re.Pattern[str]] | None = None,
) -> Table:
    """Find the header row by its cells and read the rows below it.

    ``columns`` maps each wanted column's name to a pattern matching its header cell
    (as ``header_key`` spells it); the first row holding all of them is the header.
    ``optional`` columns are read where the header has them (their cells are "" if not).
    ``what`` names the expected file in the error, for example "a CMS NDC-HCPCS crosswalk
    (a header with _YYYY_CODE, NDC2 or NDC, HCPCS dosage, BILLUNITS...)".
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return read_records(reader, source, columns, what, optional)
    except csv.Error as error:
        raise ImportFileError(
            f"{source} is not a readable CSV file near line {reader.line_num}: {error}."
        ) from None


class NumberedRows(Protocol):
    """Rows of cells that count the lines read so far (``csv.reader``; a worksheet's
    rows through ``importers/xlsx.py``)."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...


def read_records(
    reader: NumberedRows,
    source: str,
    columns: Mapping[str, re.Pattern[str]],
    what: str,
    optional: Mapping[str, re.Pattern[str]] | None = None,
) -> Table:
    """``read_table`` over rows already split into cells, each numbered by ``line_num``."""
    preamble: list[str] = []
    positions: dict[str, int] | None = None
    record: list[str] = []
    for record in reader:
        positions = _header_positions(record, columns)
        if positions is not None:
            break
        # Cells rejoined as they were: an unquoted "October 1, 2025" spans two.
        preamble.append(" ".join(",".join(record).rstrip(",").split()))
        if reader.line_num >= HEADER_SEARCH_ROWS:
            break
    if positions is None:
        raise ImportFileError(f"{source} is not {what}: no such header row was found.")
    header_line = reader.line_num
    needed = max(positions.values()) + 1
    positions.update(_optional_positions(record, optional or {}))
    rows = []
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        cells = {name: record[at] if at < len(record) else "" for name, at in positions.items()}
        cells.update((name, "") for name in optional or {} if name not in positions)
        rows.append(Row(line, cells, complete=len(record) >= needed))
    return Table(tuple(p for p in preamble if p), header_line, tuple(rows))


def _header_positions(
    record: Sequence[str], columns: Mapping[str, re.Pattern[str]]
) -> dict[str, int] | None:
    keys = [header_key(cell) for cell in record]
    positions: dict[str, int] = {}
    for name, pattern in columns.items():
        at = next((i for i, key in enumerate(keys) if pattern.fullmatch(key)), None)
        if at is None:
            return None
        positions[name] = at
    return positions


def _optional_positions(
    record: Sequence[str], optional: Mapping[str, re.Pattern[str]]
) -> dict[str, int]:
    keys = [header_key(cell) for cell in record]
    found = {}
    for name, pattern in optional.items():
        at = next((i for i, key in enumerate(keys) if pattern.fullmatch(key)), None)
        if at is not None:
            found[name] = at
    return found


_MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}  # fmt: skip
_DATE = r"([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})"
_EFFECTIVE = re.compile(rf"effective\s+{_DATE}\s+(?:through|to|-)\s+{_DATE}", re.IGNORECASE)


def quarter_from_preamble(preamble: Sequence[str], source: str) -> Quarter:
    """The "Effective October 1, 2025 through December 31, 2025" line as two dates.

    Month names are read here rather than by strptime, whose %B follows the locale.
    """
    for line in preamble:
        match = _EFFECTIVE.search(line)
        if match is None:
            continue
        try:
            start = _date(*match.groups()[:3])
            end = _date(*match.groups()[3:])
        except ValueError:
            continue
        if start <= end:
            return Quarter(start, end)
    raise ImportFileError(
        f"{source} does not say the dates it is in force: expected a line like "
        "'Effective October 1, 2025 through December 31, 2025' above the header."
    )


def _date(month: str, day: str, year: str) -> dt.date:
    number = _MONTHS.get(month.casefold())
    if number is None:
        raise ValueError(month)
    return dt.date(int(year), number, int(day))


_PLAIN_NUMBER = re.compile(r"\d+(\.\d*)?|\.\d+")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def published_number(text: str) -> Decimal | None:
    """A number exactly as the file prints it (``91.340`` keeps its three places);
    None for anything else. Thousands commas are accepted where they group correctly."""
    cleaned = text.strip()
    if _GROUPED_NUMBER.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(cleaned):
        return None
    return Decimal(cleaned)
