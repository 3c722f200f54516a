"""doseunits/files.py: owner-only files and folders whatever the umask, writes that never
follow a link, leftovers removed, and reading only regular files of a bounded size."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from doseunits import files

pytestmark_posix = pytest.mark.skipif(os.name != "posix", reason="POSIX modes and links")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    """The probe's umask (022), which left patient data world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytestmark_posix
def test_a_folder_made_or_found_is_owner_only(tmp_path: Path) -> None:
    made = files.private_folder(tmp_path / "a" / "data")
    assert mode(made) == 0o700
    old = tmp_path / "old"
    old.mkdir(mode=0o755)
    assert mode(files.private_folder(old)) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    assert mode(files.private_folder(shared, tighten=False)) == 0o755  # IT's, kept


@pytestmark_posix
def test_a_written_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    for umask in (0o000, 0o022, 0o277):
        os.umask(umask)
        target = tmp_path / f"note-{umask:o}.txt"
        files.write_text(target, "Patient: Jane Roe\n")
        assert mode(target) == 0o600
        files.create_private(tmp_path / f"new-{umask:o}")
        assert mode(tmp_path / f"new-{umask:o}") == 0o600


@pytestmark_posix
def test_an_existing_world_readable_file_is_made_private(tmp_path: Path) -> None:
    old = tmp_path / "old.log"
    old.write_text("x")
    old.chmod(0o644)
    assert files.make_private(old)
    assert mode(old) == 0o600
    assert not files.make_private(tmp_path / "missing")


@pytestmark_posix
def test_a_write_replaces_a_link_instead_of_following_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "note.txt"
    link.symlink_to(victim)
    files.write_text(link, "the note")
    assert victim.read_text() == "precious"
    assert not link.is_symlink()
    assert link.read_text() == "the note"
    assert mode(link) == 0o600


@pytestmark_posix
def test_a_dangling_link_creates_nothing_at_its_target(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.pdf"
    link = tmp_path / "note.pdf"
    link.symlink_to(elsewhere)
    files.write_bytes(link, b"%PDF-1.4")
    assert not elsewhere.exists()
    assert link.read_bytes() == b"%PDF-1.4"
    assert not link.is_symlink()
    dangling = tmp_path / "history.sqlite3"
    dangling.symlink_to(tmp_path / "made-by-sqlite")
    with pytest.raises(files.NotAFile):
        files.refuse_link(dangling, "history.sqlite3")
    with pytest.raises(files.NotAFile, match="a link"):
        files.create_private(dangling)  # O_EXCL | O_NOFOLLOW: never creates the target
    assert not (tmp_path / "made-by-sqlite").exists()


@pytestmark_posix
def test_the_log_appends_without_following_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    link = tmp_path / "doseunits.log"
    link.symlink_to(victim)
    with pytest.raises(OSError, match="symbolic links"):  # ELOOP, from O_NOFOLLOW
        files.open_append(link)
    assert victim.read_text() == "keep"
    real = tmp_path / "real.log"
    with files.open_append(real) as stream:
        stream.write("line\n")
    with files.open_append(real) as stream:
        stream.write("more\n")
    assert real.read_text() == "line\nmore\n"
    assert mode(real) == 0o600


def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old report")

    def half_written() -> None:
        with files.AtomicFile(target) as stream:
            stream.write("half a new")
            raise RuntimeError("the disk filled")

    with pytest.raises(RuntimeError):
        half_written()
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_a_folder_or_a_device_as_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(files.NotAFile, match="a folder or a device"):
        files.write_text(tmp_path / "folder", "x")
    if os.name == "posix":
        with pytest.raises(files.NotAFile):
            files.write_text(Path("/dev/null"), "x")


@pytestmark_posix
def test_a_full_disk_is_an_oserror_and_leaves_nothing(tmp_path: Path) -> None:
    """A file-size limit (RLIMIT_FSIZE) fails the writes as a full disk does."""
    target = tmp_path / "export.csv"
    target.write_text("old export")
    done = subprocess.run(
        [sys.executable, "-c",
         "import resource, signal, sys\n"
         "from pathlib import Path\n"
         "from doseunits import files\n"
         "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
         "resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))\n"
         "try:\n"
         "    files.write_text(Path(sys.argv[1]), 'x' * 200_000)\n"
         "except OSError as error:\n"
         "    print(files.why(error))\n",
         str(target)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "file too large"
    assert target.read_text() == "old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_stale_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    killed = subprocess.run(
        [sys.executable, "-c",
         "import os, sys\n"
         "from pathlib import Path\n"
         "from doseunits import files\n"
         "f = files.AtomicFile(Path(sys.argv[1]))\n"
         "f.stream.write('x' * 1000); f.stream.flush()\n"
         "os.kill(os.getpid(), 9)\n",
         str(target)],
        check=False,
    )  # fmt: skip
    assert killed.returncode != 0
    left = list(tmp_path.glob(".report.csv.*.part"))
    assert len(left) == 1
    other = tmp_path / ".other.csv.0123456789ab.part"  # another target's: not touched
    other.write_text("x")
    files.write_text(target, "new report")
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "report.csv"]


@pytestmark_posix
def test_a_temporary_another_run_is_writing_stays(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    first = files.AtomicFile(target)  # still writing (locked)
    assert files.remove_stale_temporaries(target) == 0
    assert first.path.exists()
    first.stream.write("first")
    first.commit()
    assert target.read_text() == "first"


@pytestmark_posix
def test_reading_refuses_a_fifo_a_device_and_a_folder_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "catalog.toml"
    os.mkfifo(fifo)
    for path, kind in (
        (fifo, "a pipe"),
        (Path("/dev/zero"), "a device"),
        (Path("/dev/urandom"), "a device"),
        (tmp_path, "a folder"),
    ):
        with pytest.raises(files.NotAFile) as raised:
            files.read_limited(path, 1000)
        assert raised.value.strerror == f"it is {kind}, not a regular file"


def test_reading_stops_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "note.txt"
    big.write_bytes(b"x" * 2048)
    assert files.read_limited(big, 2048) == b"x" * 2048
    with pytest.raises(files.TooLarge) as raised:
        files.read_limited(big, 1024)
    assert raised.value.strerror == "it is larger than 1 KB, the most DoseUnits reads"
