"""Writing a site's catalog folder: an imported snapshot (with one rollback kept) and the
label confirmations. The catalog's models only read; this is where the files are made.

A snapshot is written to a temporary file beside its place, read back through the
catalog's own validator, and only then moved over the old one (``os.replace``: readers
see the old file or the new, never half of one). The old one is kept as
``cms-import.json.previous`` for one rollback (``catalog import --rollback``).

A payment limit file imported with the catalog is stored, as published, in the folder
pricing reads (``payment-limits/``), one file a quarter named by its quarter: a newer file
for the same quarter replaces it, another quarter's stays, so past dates of service
still price.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from doseunits import files
from doseunits.app.folders import CONFIRMATIONS, IMPORTED_SNAPSHOT, PREVIOUS_SNAPSHOT
from doseunits.catalog.build import BuiltCatalog
from doseunits.catalog.confirm import HEADER, Confirmation, confirmation_line
from doseunits.catalog.files import load_catalog, snapshot_document
from doseunits.catalog.importers.base import ImportFileError, ImportResult, Quarter
from doseunits.catalog.importers.cms_payment_limits import PaymentLimit, parse_payment_limits
from doseunits.catalog.importers.files import read_bytes
from doseunits.catalog.model import Catalog
from doseunits.errors import CatalogError

#: The site catalog's files are drug facts for every user of the site, not patient data.
SITE_FILE = 0o644


def snapshot_text(built: BuiltCatalog) -> str:
    """The snapshot as JSON, one drug a line (a new quarter's diff reads drug by drug)."""
    document = snapshot_document([], built.source)
    head = json.dumps(document, ensure_ascii=False)[: -len("[]}")]
    drugs = ",\n".join(json.dumps(t, ensure_ascii=False) for t in built.tables)
    return f"{head}[\n{drugs}\n]}}\n"


def write_snapshot(built: BuiltCatalog, path: Path, keep_previous: bool = True) -> Catalog:
    """Write ``built`` at ``path`` atomically once it validates; the drugs as read back.
    Through ``files.AtomicFile`` (a temporary file made exclusively, never through a link,
    removed on failure, a killed run's cleaned at the next import), 0644: drug facts, not
    patient data, that every user of the site reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pending = files.AtomicFile(path, newline="\n", permissions=SITE_FILE)
    try:
        pending.stream.write(snapshot_text(built))
        pending.stream.flush()
        catalog = load_catalog([_as_json(pending.path)], check=True)  # every drug validated
        if keep_previous and path.is_file():
            os.replace(path, path.with_name(PREVIOUS_SNAPSHOT))
    except BaseException:
        pending.discard()
        raise
    pending.commit()
    return catalog


def _as_json(temporary: Path) -> Path:
    """The temporary file (``.cms-import.json.*.part``: files.py's name, which its clean-up
    of a killed run's leftovers looks for) read as the JSON snapshot it holds."""

    class Snapshot(type(temporary)):  # type: ignore[misc]  # PosixPath or WindowsPath
        @property
        def suffix(self) -> str:
            return ".json"

    return Snapshot(temporary)


def import_into(built: BuiltCatalog, folder: Path) -> tuple[Catalog, bool]:
    """The site folder's snapshot replaced by ``built``; True when an older one was kept."""
    had = (folder / IMPORTED_SNAPSHOT).is_file()
    return write_snapshot(built, folder / IMPORTED_SNAPSHOT), had


def payment_limits_name(quarter: Quarter) -> str:
    """The stored file's name: its quarter, so one file a quarter is kept."""
    return f"payment-limits-{quarter.start.isoformat()}-to-{quarter.end.isoformat()}.csv"


def prepare_payment_limits(
    source_path: Path, limits: ImportResult[PaymentLimit], folder: Path
) -> files.AtomicFile:
    """The payment limit file read as ``limits``, copied byte for byte into ``folder``
    (where pricing reads it, app/site.py) but not yet in place: ``commit()`` puts it there
    atomically, ``discard()`` leaves the folder as it was. So an import makes it before it
    replaces its snapshot, and a folder that can't take it stops the import before
    anything moves.

    The bytes stored are read again and checked to be the file ``limits`` was read from
    (the same quarter and codes), so a file changed in between is refused, not stored."""
    data = read_bytes(source_path)
    again = parse_payment_limits(data, str(source_path))
    if again.quarter != limits.quarter or again.records != limits.records:
        raise ImportFileError(f"{source_path} changed while it was imported; import it again.")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / payment_limits_name(limits.quarter)
    pending = files.AtomicFile(target, binary=True)
    try:
        pending.stream.write(data)
        os.chmod(pending.path, 0o644)  # prices, not patient data: every user of the site
    except BaseException:
        pending.discard()
        raise
    return pending


def roll_back(folder: Path) -> None:
    """The import before the last one back in place (the last one is removed)."""
    previous = folder / PREVIOUS_SNAPSHOT
    if not previous.is_file():
        raise CatalogError(f"There is no earlier import to go back to in {folder}.")
    os.replace(previous, folder / IMPORTED_SNAPSHOT)


def record_confirmation(item: Confirmation, folder: Path) -> Path:
    """Append one confirmation to the folder's file (made with its header when new), never
    through a link and only to a regular file (``files.open_append``), 0644 like the
    snapshot. Raises OSError (NotAFile for a link)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIRMATIONS
    files.refuse_link(path, path.name)  # the clear sentence; O_NOFOLLOW is the guarantee
    with files.open_append(path, permissions=SITE_FILE) as stream:
        if not stream.tell():  # new, or empty: the header first
            stream.write(",".join(HEADER) + "\n")
        stream.write(confirmation_line(item))
    return path


def now() -> dt.datetime:
    """When a confirmation is recorded: local time, to the second, with its offset."""
    return dt.datetime.now().astimezone().replace(microsecond=0)
