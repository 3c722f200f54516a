"""Reading an import's file from disk, and which importer reads which kind of file.

The importers themselves take bytes; this is the one place that opens files, so a
window or the command line can name the file in every message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doseunits.catalog.importers.base import ImportFileError, ImportResult
from doseunits.catalog.importers.cms_crosswalk import CrosswalkEntry, parse_crosswalk
from doseunits.catalog.importers.cms_payment_limits import PaymentLimit, parse_payment_limits

#: Larger than any CMS file (the crosswalk is 2.8 MB): a wrong file fails fast.
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Importer:
    """One kind of source file: its name for people, and the function reading its bytes."""

    key: str
    name: str
    parse: Callable[[bytes, str], ImportResult[Any]]


IMPORTERS = {
    importer.key: importer
    for importer in (
        Importer("crosswalk", "CMS ASP NDC-HCPCS crosswalk (CSV)", parse_crosswalk),
        Importer("payment-limits", "CMS Part B payment limit file (CSV)", parse_payment_limits),
    )
}


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or one sentence naming it when it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFileError(
                f"{path} is {size:,} bytes, far larger than any CMS file; check the file."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder; choose the CSV file inside it.") from None
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read: {error.strerror or error}.") from None


def read_crosswalk(path: Path) -> ImportResult[CrosswalkEntry]:
    return parse_crosswalk(read_bytes(path), str(path))


def read_payment_limits(path: Path) -> ImportResult[PaymentLimit]:
    return parse_payment_limits(read_bytes(path), str(path))
