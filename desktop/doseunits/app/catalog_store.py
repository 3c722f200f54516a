"""Writing a site's catalog folder: an imported snapshot (with one rollback kept) and the
label confirmations. The catalog's models only read; this is where the files are made.

A snapshot is written to a temporary file beside its place, read back through the
catalog's own validator, and only then moved over the old one (``os.replace``: readers
see the old file or the new, never half of one). The old one is kept as
``cms-import.json.previous`` for one rollback (``catalog import --rollback``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from doseunits.app.folders import CONFIRMATIONS, IMPORTED_SNAPSHOT, PREVIOUS_SNAPSHOT
from doseunits.catalog.build import BuiltCatalog
from doseunits.catalog.confirm import HEADER, Confirmation, confirmation_line
from doseunits.catalog.files import load_catalog, snapshot_document
from doseunits.catalog.model import Catalog
from doseunits.errors import CatalogError


def snapshot_text(built: BuiltCatalog) -> str:
    """The snapshot as JSON, one drug a line (a new quarter's diff reads drug by drug)."""
    document = snapshot_document([], built.source)
    head = json.dumps(document, ensure_ascii=False)[: -len("[]}")]
    drugs = ",\n".join(json.dumps(t, ensure_ascii=False) for t in built.tables)
    return f"{head}[\n{drugs}\n]}}\n"


def write_snapshot(built: BuiltCatalog, path: Path, keep_previous: bool = True) -> Catalog:
    """Write ``built`` at ``path`` atomically once it validates; the drugs as read back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".cms-import-", suffix=".json", dir=path.parent)
    temp = Path(temporary)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(snapshot_text(built))
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)  # drug facts, not patient data: every user of the site reads them
        catalog = load_catalog([temp], check=True)  # every drug through the validator
        if keep_previous and path.is_file():
            os.replace(path, path.with_name(PREVIOUS_SNAPSHOT))
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return catalog


def import_into(built: BuiltCatalog, folder: Path) -> tuple[Catalog, bool]:
    """The site folder's snapshot replaced by ``built``; True when an older one was kept."""
    had = (folder / IMPORTED_SNAPSHOT).is_file()
    return write_snapshot(built, folder / IMPORTED_SNAPSHOT), had


def roll_back(folder: Path) -> None:
    """The import before the last one back in place (the last one is removed)."""
    previous = folder / PREVIOUS_SNAPSHOT
    if not previous.is_file():
        raise CatalogError(f"There is no earlier import to go back to in {folder}.")
    os.replace(previous, folder / IMPORTED_SNAPSHOT)


def record_confirmation(item: Confirmation, folder: Path) -> Path:
    """Append one confirmation to the folder's file (made with its header when new)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIRMATIONS
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as stream:
        if new:
            stream.write(",".join(HEADER) + "\n")
        stream.write(confirmation_line(item))
    return path


def now() -> dt.datetime:
    """When a confirmation is recorded: local time, to the second, with its offset."""
    return dt.datetime.now().astimezone().replace(microsecond=0)
