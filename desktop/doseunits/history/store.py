"""Local order history (opt-in): each finished order in a SQLite file in the data folder.

What is kept: the order's inputs (drug, HCPCS, date of service, the dose fields, the
vial counts as typed), its claim lines and its note. What is not: the patient, nor the
prior-authorization number that leads to them. The note is rendered again without those
lines unless the site turned on ``store_patient_identifier``. Writes are transactions
in WAL mode, so a crash loses at most the order being written. A damaged file is moved
aside and a fresh one started: the history never stops the app from opening.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from string import Template

from doseunits import files
from doseunits.csvwrite import CsvWriter
from doseunits.engine.billing import BillingResult
from doseunits.errors import DoseUnitsError
from doseunits.history.records import (
    HistoryEntry,
    inputs_from_json,
    inputs_json,
    inputs_of,
    note_for_history,
)
from doseunits.outputs.note import PRIOR_AUTH_LABEL, line_text
from doseunits.quantities import MG, Amount, fmt, unit_named

log = logging.getLogger(__name__)
FILE_NAME = "history.sqlite3"
#: 2: prior-authorization numbers are kept only where the site keeps patient identifiers
#: (files written as version 1 are cleared of them when opened; see _forget_prior_auths).
#: 3: amounts in the drug's own measure: ordered_mg and administered_mg became ordered and
#: administered, with the measure in unit ("mg" for every order written before; see
#: _MEASURES_V3).
SCHEMA_VERSION = 3
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,       -- UTC, YYYY-MM-DDTHH:MM:SSZ
    date_of_service TEXT NOT NULL,  -- YYYY-MM-DD
    drug_id TEXT NOT NULL,
    hcpcs TEXT NOT NULL,
    ordered TEXT NOT NULL,          -- in the drug's measure (unit)
    administered TEXT NOT NULL,
    inputs TEXT NOT NULL,           -- JSON: the form as typed (OrderInputs)
    vials TEXT NOT NULL,            -- JSON: the opened vials [[ndc, strength, count]]
    lines TEXT NOT NULL,            -- JSON: the claim lines
    note TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT 'mg' -- the drug's measure: mg, mcg, g or units
);
CREATE INDEX IF NOT EXISTS orders_date ON orders (date_of_service);
CREATE INDEX IF NOT EXISTS orders_drug ON orders (drug_id);
CREATE INDEX IF NOT EXISTS orders_hcpcs ON orders (hcpcs);
CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at);
"""
_COLUMNS_V2 = {
    "id", "created_at", "date_of_service", "drug_id", "hcpcs", "ordered_mg",
    "administered_mg", "inputs", "vials", "lines", "note",
}  # fmt: skip
_COLUMNS = (_COLUMNS_V2 - {"ordered_mg", "administered_mg"}) | {"ordered", "administered", "unit"}
#: Every order of a version 1 or 2 file was billed by the mg (the only measure then).
_MEASURES_V3 = """
ALTER TABLE orders RENAME COLUMN ordered_mg TO ordered;
ALTER TABLE orders RENAME COLUMN administered_mg TO administered;
ALTER TABLE orders ADD COLUMN unit TEXT NOT NULL DEFAULT 'mg';
"""
#: ordered_mg and administered_mg stay for the scripts that read an export: in mg for a
#: drug measured by mass, empty for one in units; ordered, administered and unit beside.
EXPORT_COLUMNS = (
    "id", "created_at", "date_of_service", "drug_id", "hcpcs", "ordered_mg",
    "administered_mg", "ordered", "administered", "unit", "vials", "lines", "note",
)  # fmt: skip


class HistoryError(DoseUnitsError):
    """The history can't be used (a folder that can't be written, a newer file format)."""


class HistoryStore:
    """The history file, open. ``notice`` says, once, that a damaged file was moved aside."""

    def __init__(self, path: Path, store_patient_identifier: bool = False) -> None:
        self.path = path  # the window's is the data folder's FILE_NAME
        self.store_patient_identifier = store_patient_identifier
        self.notice = ""
        try:
            files.private_folder(self.path.parent)
        except OSError as error:
            raise HistoryError(
                f"The history folder {self.path.parent} can't be created ({_why(error)})."
            ) from None
        self._found_version = 0  # the schema version the file had before it was opened
        self._db = self._open()
        if self._found_version == 1 and not store_patient_identifier:
            self._forget_prior_auths()

    # Opening, and starting afresh when the file is damaged --------------------------
    def _open(self) -> sqlite3.Connection:
        checked = _prepare_private(self.path)
        try:
            db, self._found_version = _connect(self.path, checked)
            return db
        except sqlite3.DatabaseError as error:
            if not _is_damage(error):
                raise HistoryError(
                    f"The order history {self.path} can't be opened ({error})."
                ) from None
            self._move_aside(str(error))
        checked = _prepare_private(self.path)
        try:
            db, self._found_version = _connect(self.path, checked)
            return db
        except sqlite3.DatabaseError as error:
            raise HistoryError(
                f"A new order history at {self.path} can't be started ({error})."
            ) from None

    def _move_aside(self, reason: str) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        number = 1
        while aside.exists():
            number += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{number}")
        try:  # the WAL and its index go too, or SQLite would replay them into the new file
            for suffix in ("", "-wal", "-shm"):
                part = Path(f"{self.path}{suffix}")
                if part.exists():
                    os.replace(part, Path(f"{aside}{suffix}"))
        except OSError as error:
            raise HistoryError(
                f"The order history {self.path} is damaged and can't be moved aside "
                f"({_why(error)}); move it away by hand."
            ) from None
        self.notice = (
            f"The order history file was damaged ({reason}); it was moved to {aside.name} "
            "and a new, empty history was started."
        )
        log.warning("%s", self.notice)

    def _forget_prior_auths(self) -> None:
        """Orders recorded before version 2 kept the prior-authorization number (issued for
        one patient) in their inputs and note: take it out, and overwrite where it was."""
        prefix = f"{PRIOR_AUTH_LABEL}: "
        try:
            self._db.execute("PRAGMA secure_delete=ON")  # freed space is zeroed, not left
            with _transaction(self._db):
                rows = self._db.execute("SELECT id, inputs, note FROM orders").fetchall()
                for row in rows:
                    try:
                        inputs = json.loads(row["inputs"])
                        had = inputs["details"].pop("prior_authorization", None)
                        stored = json.dumps(inputs)
                    except (ValueError, KeyError, TypeError, AttributeError):
                        had, stored = None, row["inputs"]  # a damaged row: its note, at least
                    lines = row["note"].split("\n")
                    kept = [line for line in lines if not line.startswith(prefix)]
                    if had is not None or kept != lines:
                        self._db.execute(
                            "UPDATE orders SET inputs = ?, note = ? WHERE id = ?",
                            (stored, "\n".join(kept), row["id"]),
                        )
        except sqlite3.DatabaseError as error:
            self._recovering(error)
            return
        try:  # rewrite the file without the old pages (VACUUM needs room for a copy)
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
        except sqlite3.OperationalError as error:  # a full disk: cleared, not compacted
            log.warning("The order history was cleared but not compacted: %s", error)

    def _recovering(self, error: sqlite3.DatabaseError) -> None:
        """Damage found after opening: start afresh, or say why the history can't be used."""
        if not _is_damage(error):
            raise HistoryError(f"The order history can't be used ({error}).") from None
        self._db.close()
        self._move_aside(str(error))
        self._db, _ = _connect(self.path, _prepare_private(self.path))

    # Writing ------------------------------------------------------------------------
    def record(
        self,
        result: BillingResult,
        template: Template,
        now: dt.datetime | None = None,
    ) -> int:
        """Store a finished order; returns its id."""
        keep = self.store_patient_identifier
        inputs = inputs_of(result, keep)
        note = note_for_history(result, template, keep)
        vials = [[str(v.presentation.ndc), fmt(v.presentation.strength_mg), v.count]
                 for v in result.plan.vials]  # fmt: skip
        lines = [
            {"hcpcs": line.hcpcs, "modifiers": list(line.modifiers), "units": line.units,
             "ndcs": [[str(q.ndc), q.quantity_text, q.unit] for q in line.ndcs],
             "text": line_text(line)}
            for line in result.lines
        ]  # fmt: skip
        row = (
            _timestamp(now),
            result.order.date_of_service.isoformat(),
            result.drug.id,
            result.drug.hcpcs,
            fmt(result.ordered_mg),
            fmt(result.administered_mg),
            json.dumps(inputs_json(inputs)),
            json.dumps(vials),
            json.dumps(lines),
            note,
            result.drug.measure.symbol,
        )
        try:
            return self._insert(row)
        except sqlite3.DatabaseError as error:
            self._recovering(error)  # damaged while open: moved aside, so try once more
        try:
            return self._insert(row)
        except sqlite3.DatabaseError as error:
            raise HistoryError(f"The order was not added to the history ({error}).") from None

    def _insert(self, row: tuple[str, ...]) -> int:
        with _transaction(self._db):
            cursor = self._db.execute(
                "INSERT INTO orders (created_at, date_of_service, drug_id, hcpcs, ordered, "
                "administered, inputs, vials, lines, note, unit) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                row,
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def purge(self, older_than_days: int, now: dt.datetime | None = None) -> int:
        """Delete orders recorded more than ``older_than_days`` ago; returns how many."""
        if older_than_days < 1:
            raise HistoryError("Keep orders for at least 1 day when purging the history.")
        cutoff = _timestamp((now or _utcnow()) - dt.timedelta(days=older_than_days))
        try:
            with _transaction(self._db):
                cursor = self._db.execute("DELETE FROM orders WHERE created_at < ?", (cutoff,))
        except sqlite3.DatabaseError as error:
            self._recovering(error)
            return 0
        return cursor.rowcount

    # Reading ------------------------------------------------------------------------
    def search(
        self,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        drug: str = "",
        limit: int | None = 1000,
    ) -> list[HistoryEntry]:
        """Newest date of service first; ``drug`` matches a drug id or a HCPCS code."""
        return list(self._select(date_from, date_to, drug, limit))

    def _select(
        self, date_from: dt.date | None, date_to: dt.date | None, drug: str, limit: int | None
    ) -> Iterator[HistoryEntry]:
        where: list[str] = []
        values: list[object] = []
        if date_from:
            where.append("date_of_service >= ?")
            values.append(date_from.isoformat())
        if date_to:
            where.append("date_of_service <= ?")
            values.append(date_to.isoformat())
        wanted = drug.strip().lower()
        if wanted:
            pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(lower(drug_id) LIKE ? ESCAPE '\\' OR lower(hcpcs) LIKE ? ESCAPE '\\')")
            values += [pattern + "%", pattern + "%"]
        sql = "SELECT * FROM orders"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY date_of_service DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        try:
            cursor = self._db.execute(sql, values)
            for row in cursor:
                yield _entry(row)
        except sqlite3.DatabaseError as error:
            self._recovering(error)

    def get(self, order_id: int) -> HistoryEntry | None:
        """One order, to reopen or reprint."""
        try:
            row = self._db.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
        except sqlite3.DatabaseError as error:
            self._recovering(error)
            return None
        return None if row is None else _entry(row)

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM orders").fetchone()[0])

    def export_csv(
        self,
        path: Path,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        drug: str = "",
    ) -> int:
        """Write the matching orders to a CSV file (atomically, 0600, never through a
        link: doseunits/files.py); returns how many."""
        written = 0
        try:
            with files.AtomicFile(path) as stream:
                writer = CsvWriter(stream)  # RFC 4180, formula cells neutralised
                writer.writerow(EXPORT_COLUMNS)
                for entry in self._select(date_from, date_to, drug, None):
                    writer.writerow(_export_row(entry))
                    written += 1
        except OSError as error:
            raise HistoryError(f"The export {path} can't be written ({_why(error)}).") from None
        return written

    def close(self) -> None:
        self._db.close()


Identity = tuple[int, int]  # (st_dev, st_ino): which file, whatever its name
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _prepare_private(path: Path) -> Identity:
    """The history file and its -wal and -shm: never opened through a link (SQLite would
    follow one, and create a dangling one's target), and owner-only (0600). The file is
    made 0600 before SQLite opens it: SQLite gives the -wal and -shm the file's mode.
    Returns the identity of the file checked, which ``_connect`` holds SQLite's to."""
    try:
        for suffix in ("", "-wal", "-shm"):
            files.refuse_link(Path(f"{path}{suffix}"), f"{path.name}{suffix}")
        files.create_private(path)
        for suffix in ("-wal", "-shm"):  # left 0644 by an older DoseUnits
            files.make_private(Path(f"{path}{suffix}"))
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        try:
            status = os.fstat(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise HistoryError(f"The order history {path} can't be opened ({_why(error)}).") from None
    return status.st_dev, status.st_ino


def _held_files() -> set[Identity] | None:
    """The identities of the files this process has open (Linux /proc/self/fd, macOS and
    the BSDs /dev/fd), or None where the system lists none (Windows)."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            names = os.listdir(listing)
        except OSError:
            continue
        held = set()
        for name in names:
            try:
                status = os.fstat(int(name))
            except (OSError, ValueError):  # the listing's own descriptor, closed by now
                continue
            held.add((status.st_dev, status.st_ino))
        return held
    return None


def _identity(path: str | Path, follow: bool = False) -> Identity | None:
    try:
        status = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return None
    if not follow and not stat.S_ISREG(status.st_mode):
        return None  # a link, or not a file
    return status.st_dev, status.st_ino


def _check_opened(db: sqlite3.Connection, path: Path, checked: Identity) -> None:
    """Refuse unless the file SQLite opened is the one ``_prepare_private`` checked: a link
    swapped in between the check and SQLite's open (which follows links and names the
    file by its target) is caught here, before anything is read from or written to it.
    Python's sqlite3 can't pass SQLITE_OPEN_NOFOLLOW, so this is as close as it gets: the
    name still names the checked file, SQLite names it too (``PRAGMA database_list`` gives
    the target of a link it followed), and this process holds that file open."""
    listed = db.execute("PRAGMA database_list").fetchone()[2]
    held = _held_files()
    if (
        _identity(path) != checked
        or _identity(listed, follow=True) != checked
        or (held is not None and checked not in held)
    ):
        raise HistoryError(
            f"The order history {path} was replaced while it was being opened (by a link, "
            "or another file); DoseUnits won't write through one."
        )


def _check_journal(path: Path) -> None:
    """The -wal and -shm SQLite made or opened: regular files, not links (SQLite refuses
    a link there itself), and the very ones this process holds open."""
    held = _held_files()
    for suffix in ("-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if not os.path.lexists(part):
            continue
        found = _identity(part)
        if found is None or (held is not None and found not in held):
            raise HistoryError(
                f"The order history's {part.name} was replaced while it was being opened "
                "(by a link, or another file); DoseUnits won't write through one."
            )


def _connect(path: Path, checked: Identity | None = None) -> tuple[sqlite3.Connection, int]:
    """Open, check and set up the file; raises sqlite3.DatabaseError if it is damaged.
    Returns the connection and the schema version the file had (0 for a new one).
    ``checked``: the identity ``_prepare_private`` gave, held to the file SQLite opens."""
    if checked is None:
        checked = _prepare_private(path)
    db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    try:
        _check_opened(db, path, checked)  # before any page is read or written
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")  # a committed order survives a power cut too
        status = [row[0] for row in db.execute("PRAGMA quick_check")]
        if status != ["ok"]:
            raise sqlite3.DatabaseError(f"quick_check: {'; '.join(map(str, status[:3]))}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"The order history {path} was written by a newer DoseUnits; update DoseUnits "
                "to use it."
            )
        columns = {row[1] for row in db.execute("PRAGMA table_info(orders)")}
        migrate = ""
        if columns == _COLUMNS_V2 and version < 3:
            migrate = _MEASURES_V3
        elif columns and columns != _COLUMNS:
            raise sqlite3.DatabaseError("its orders table is not a DoseUnits order history")
        # One transaction: a file is either still version 2 or wholly version 3.
        db.executescript(
            f"BEGIN IMMEDIATE;{migrate}{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
        )
        _check_journal(path)
    except BaseException:
        db.close()
        raise
    return db, int(version)


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when anything fails."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if not self.db.in_transaction:
            return
        if kind is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    return not isinstance(error, sqlite3.OperationalError)  # our own quick_check failure


def _entry(row: sqlite3.Row) -> HistoryEntry:
    vials = json.loads(row["vials"])
    lines = json.loads(row["lines"])
    return HistoryEntry(
        id=row["id"],
        created_at=row["created_at"],
        date_of_service=dt.date.fromisoformat(row["date_of_service"]),
        drug_id=row["drug_id"],
        hcpcs=row["hcpcs"],
        ordered=Decimal(row["ordered"]),
        administered=Decimal(row["administered"]),
        unit=row["unit"],
        vials=" + ".join(f"{count} x {strength} {row['unit']}" for _, strength, count in vials),
        lines=tuple(str(line["text"]) for line in lines),
        note=row["note"],
        inputs=inputs_from_json(json.loads(row["inputs"])),
    )


def _export_row(entry: HistoryEntry) -> Sequence[object]:
    return (
        entry.id, entry.created_at, entry.date_of_service.isoformat(), entry.drug_id,
        entry.hcpcs, _in_mg(entry.ordered, entry.unit), _in_mg(entry.administered, entry.unit),
        fmt(entry.ordered), fmt(entry.administered), entry.unit, entry.vials,
        "\n".join(entry.lines), entry.note,
    )  # fmt: skip


def _in_mg(value: Decimal, unit: str) -> str:
    measure = unit_named(unit)
    if measure is None or measure.kind != "mass":
        return ""
    return fmt(Amount(value, measure).to(MG))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp(moment: dt.datetime | None) -> str:
    moment = moment or _utcnow()
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _why(error: OSError) -> str:
    return files.why(error)
