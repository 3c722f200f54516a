"""Copy a CMS ASP CSV without its empty trailing columns, every other byte unchanged.

CMS's October 2025 crosswalk has 250 columns of which only the first 10 hold anything;
the rest are commas (2.8 MB of them). This keeps the preamble, the cp1252 bytes, the
CRLF line ends and the quoted line breaks inside cells, so the importer is tested on the
file's real quirks. It checks its own work: both files read back as the same cells.

    python packaging/trim_cms_file.py ORIGINAL.csv COPY.csv
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path


def used_columns(text: str) -> tuple[int, int]:
    """(columns in each record, columns up to the last one that ever holds a cell)."""
    records = list(csv.reader(io.StringIO(text, newline="")))
    widths = {len(record) for record in records}
    if len(widths) != 1:
        raise SystemExit(f"records have different widths {sorted(widths)}; not trimmed")
    used = max(
        (i + 1 for record in records for i, cell in enumerate(record) if cell.strip()),
        default=0,
    )
    return widths.pop(), used


def trim(raw: bytes) -> bytes:
    text = raw.decode("cp1252")
    width, used = used_columns(text)
    extra = b"," * (width - used)
    # A record ends at CRLF; a line break inside a quoted cell is a bare LF, so
    # splitting at CRLF splits records, and each record ends with its empty columns.
    records = raw.split(b"\r\n")
    if records[-1] != b"":
        raise SystemExit("the file does not end with CRLF; not trimmed")
    kept = []
    for number, record in enumerate(records[:-1], start=1):
        if not record.endswith(extra):
            raise SystemExit(f"record {number} does not end with {len(extra)} empty columns")
        kept.append(record[: len(record) - len(extra)])
    trimmed = b"\r\n".join([*kept, b""])
    before = list(csv.reader(io.StringIO(text, newline="")))
    after = list(csv.reader(io.StringIO(trimmed.decode("cp1252"), newline="")))
    if [r[:used] for r in before] != after:
        raise SystemExit("the trimmed copy does not read back as the same cells")
    return trimmed


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    source, target = (Path(a) for a in argv)
    raw = source.read_bytes()
    trimmed = trim(raw)
    target.write_bytes(trimmed)
    print(f"{source.name}: {len(raw):,} bytes -> {target.name}: {len(trimmed):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
