"""The history file on disk: owner-only (with its -wal and -shm) whatever the umask, and
never opened through a link (issue 17's probe found them 0644, and links followed)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from string import Template
from typing import Any

import pytest

from doseunits.app.site import load_template
from doseunits.catalog.model import Catalog
from doseunits.engine.billing import BillingResult, compute
from doseunits.engine.order import DoseOrder, NoteDetails
from doseunits.history.store import FILE_NAME, HistoryError, HistoryStore

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and links")


def atezolizumab(catalog: Catalog) -> BillingResult:
    drug = catalog.find("atezolizumab")
    details = NoteDetails(patient="Jane Roe MRN 0042", preparer="AB")
    return compute(DoseOrder(drug, dt.date(2026, 11, 28), dose_mg=Decimal(1050), details=details))


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@posix_only
def test_the_history_its_wal_and_its_folder_are_owner_only(
    tmp_path: Path, catalog: Catalog
) -> None:
    folder = tmp_path / "data"
    store = HistoryStore(folder / FILE_NAME)
    store.record(atezolizumab(catalog), load_template())
    names = sorted(p.name for p in folder.iterdir())
    assert names == [FILE_NAME, f"{FILE_NAME}-shm", f"{FILE_NAME}-wal"]
    assert {name: mode(folder / name) for name in names} == dict.fromkeys(names, 0o600)
    assert mode(folder) == 0o700
    store.close()


@posix_only
def test_an_older_world_readable_history_is_made_private(tmp_path: Path, catalog: Catalog) -> None:
    template: Template = load_template()
    folder = tmp_path / "data"
    store = HistoryStore(folder / FILE_NAME)
    store.record(atezolizumab(catalog), template)
    store.close()
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)
    again = HistoryStore(folder / FILE_NAME)
    assert again.count() == 1
    assert mode(folder) == 0o700
    assert {mode(p) for p in folder.iterdir()} == {0o600}
    again.close()


@posix_only
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@posix_only
def test_a_link_as_the_history_is_refused_and_its_target_untouched(
    tmp_path: Path, suffix: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"someone else's file")
    (folder / f"{FILE_NAME}{suffix}").symlink_to(victim)
    with pytest.raises(HistoryError, match="is a link; DoseUnits won't write through one"):
        HistoryStore(folder / FILE_NAME)
    assert victim.read_bytes() == b"someone else's file"


@posix_only
def test_a_dangling_link_as_the_history_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    target = tmp_path / "elsewhere.sqlite3"
    (folder / FILE_NAME).symlink_to(target)
    with pytest.raises(HistoryError, match="link"):
        HistoryStore(folder / FILE_NAME)
    assert not target.exists()


# A link swapped in after the check, at each step Python's sqlite3 lets a test reach.
def _swap_in_link(path: Path, victim: Path) -> None:
    """Replace ``path`` by a link to ``victim`` in one step, as an attacker would."""
    link = path.with_name(f"{path.name}.swap")
    link.symlink_to(victim)
    os.replace(link, path)


@posix_only
@pytest.mark.parametrize("victim_bytes", [b"", b"someone else's file"])
def test_a_link_swapped_in_just_before_sqlite_opens_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, victim_bytes: bytes
) -> None:
    """Between the link check and sqlite3.connect: SQLite follows the link (an empty
    victim would get the history's tables); the file it opened is checked first."""
    folder = tmp_path / "data"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(victim_bytes)
    real_connect = sqlite3.connect

    def swapping(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        _swap_in_link(Path(database), victim)
        db: sqlite3.Connection = real_connect(database, *args, **kwargs)
        return db

    monkeypatch.setattr(sqlite3, "connect", swapping)
    with pytest.raises(HistoryError, match="was replaced while it was being opened"):
        HistoryStore(folder / FILE_NAME)
    assert victim.read_bytes() == victim_bytes


@posix_only
def test_a_link_swapped_in_and_back_around_the_open_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link during SQLite's open, the real file back right after: the name checks
    out again, but the file SQLite holds is the victim."""
    folder = tmp_path / "data"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"")
    real_connect = sqlite3.connect

    def swapping(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        path = Path(database)
        kept = path.with_name("kept")
        os.replace(path, kept)
        path.symlink_to(victim)
        db: sqlite3.Connection = real_connect(database, *args, **kwargs)
        os.replace(kept, path)
        return db

    monkeypatch.setattr(sqlite3, "connect", swapping)
    with pytest.raises(HistoryError, match="was replaced while it was being opened"):
        HistoryStore(folder / FILE_NAME)
    assert victim.read_bytes() == b""


@posix_only
def test_another_file_swapped_in_before_sqlite_opens_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    real_connect = sqlite3.connect

    def swapping(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        other = Path(database).with_name("other")
        other.write_bytes(b"")
        os.replace(other, database)
        db: sqlite3.Connection = real_connect(database, *args, **kwargs)
        return db

    monkeypatch.setattr(sqlite3, "connect", swapping)
    with pytest.raises(HistoryError, match="was replaced while it was being opened"):
        HistoryStore(folder / FILE_NAME)


@posix_only
@pytest.mark.parametrize("suffix", ["-wal", "-shm"])
def test_a_link_placed_as_the_wal_or_shm_after_the_open_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """After sqlite3.connect, before SQLite opens its -wal and -shm (on the first read):
    SQLite refuses to open them through a link, and the history says so in one sentence."""
    folder = tmp_path / "data"
    folder.mkdir()
    HistoryStore(folder / FILE_NAME).close()  # an existing history, in WAL mode
    victim = tmp_path / "victim"
    victim.write_bytes(b"someone else's file")
    real_connect = sqlite3.connect

    def placing(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = real_connect(database, *args, **kwargs)
        Path(f"{database}{suffix}").symlink_to(victim)
        return db

    monkeypatch.setattr(sqlite3, "connect", placing)
    with pytest.raises(HistoryError, match=r"^The order history .* can't be opened \("):
        HistoryStore(folder / FILE_NAME)
    assert victim.read_bytes() == b"someone else's file"


def test_an_untouched_history_opens_as_before(tmp_path: Path, catalog: Catalog) -> None:
    store = HistoryStore(tmp_path / FILE_NAME)
    store.record(atezolizumab(catalog), Template("$drug"))
    store.close()
    again = HistoryStore(tmp_path / FILE_NAME)
    assert again.count() == 1
    again.close()
