"""Every file DoseUnits writes or reads from a site, written and read one safe way.

- Owner-only: what can hold patient data or settings (the history and its -wal/-shm,
  the log, settings.ini, notes, reports, exports) is made 0600 in folders made 0700,
  whatever the umask. On Windows ``chmod`` can only set read-only; there the files get
  the default ACL of the user's profile folder they are in (the owner, SYSTEM and
  Administrators), as the README says.
- Writes never follow a link: a file is written to a temporary file created exclusively
  (``O_CREAT | O_EXCL | O_NOFOLLOW``, mode 0600) beside its target, flushed to disk, then
  moved over the target in one step (``os.replace``: a link there is replaced, not
  followed). A failed write removes its temporary file; one left by a killed run
  (``.NAME.*.part``) is removed by the next write to the same target. While a write is
  under way its temporary file is locked, so a second DoseUnits writing the same target
  never removes the first one's.
- Appending (the log) opens without following a link, and only a regular file.
- Reading a site's file (catalog, payers, template, settings, an audit's input) opens
  only a regular file (never a pipe, a device or a folder), and at most ``limit`` bytes.

The standard library only, and no Qt: the command line, the history, the audit and the
window all write through here.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
TEMPORARY_SUFFIX = ".part"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, which has no such links to follow
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once, then is refused
_BINARY = getattr(os, "O_BINARY", 0)
_POSIX = os.name == "posix"


class NotAFile(OSError):
    """A path that is a pipe, a device, a folder or a link where a regular file is wanted;
    its ``strerror`` says which, for the caller's sentence."""


class TooLarge(OSError):
    """A file past the size its reader accepts."""


def _not_a_file(path: Path, kind: str, errno_: int = errno.EINVAL) -> NotAFile:
    return NotAFile(errno_, f"it is {kind}, not a regular file", str(path))


# Folders and permissions ------------------------------------------------------------
def private_folder(path: Path, tighten: bool = True) -> Path:
    """``path`` as a folder only its owner can enter, made (with its parents) if missing.

    ``tighten``: an existing folder is made 0700 too (the data folder, DoseUnits' own);
    False leaves an existing one as it is (a config folder IT shared on purpose). Raises
    OSError when it can't be made or is not a folder. Only ``path`` itself is changed:
    the parents made are the user's own (~/.local/share and the like).
    """
    existed = path.is_dir()
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if not path.is_dir():
        raise NotAFile(errno.ENOTDIR, "it is not a folder", str(path))
    if existed and not tighten:
        return path
    if _POSIX and stat.S_IMODE(os.stat(path).st_mode) != PRIVATE_FOLDER:
        with contextlib.suppress(PermissionError):  # a shared folder IT set up stays so
            os.chmod(path, PRIVATE_FOLDER)
    return path


def make_private(path: Path) -> bool:
    """Make the regular file ``path`` 0600 without following a link; False when there is
    no such file. Raises NotAFile when it is a link or not a regular file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except FileNotFoundError:
        return False
    except OSError as error:
        if os.path.islink(path):
            raise _not_a_file(path, "a link", errno.ELOOP) from error
        raise
    try:
        _check_regular(descriptor, path)
        if _POSIX:
            os.fchmod(descriptor, PRIVATE_FILE)
    finally:
        os.close(descriptor)
    return True


def create_private(path: Path) -> bool:
    """Create the empty file ``path`` exclusively, 0600, unless it exists (then it is
    made 0600). True when it was created. Never follows a link (a dangling one too)."""
    try:
        descriptor = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, PRIVATE_FILE
        )
    except FileExistsError:
        make_private(path)
        return False
    if _POSIX:
        os.fchmod(descriptor, PRIVATE_FILE)  # a umask of 0277 would have left 0400
    os.close(descriptor)
    return True


def refuse_link(path: Path, what: str = "it") -> None:
    """Raise NotAFile when ``path`` is a link (dangling or not): a file DoseUnits writes
    by name (SQLite's, Qt's) must not be opened through one."""
    if os.path.islink(path):
        raise NotAFile(
            errno.ELOOP, f"{what} is a link; DoseUnits won't write through one", str(path)
        )


# Writing ----------------------------------------------------------------------------
class AtomicFile:
    """A new version of ``target``, written to a temporary file beside it.

    ``stream`` (text, or bytes with ``binary``) is written; ``commit()`` moves it over
    the target in one step, ``discard()`` removes it. Until then the target is as it was.
    ``permissions``: 0600 unless a file every user of a site reads (a site catalog: 0644).
    Raises OSError (NotAFile when the target is a folder or a device).
    """

    def __init__(
        self,
        target: Path,
        *,
        binary: bool = False,
        encoding: str = "utf-8",
        newline: str = "",
        permissions: int = PRIVATE_FILE,
    ) -> None:
        self.target = target
        if target.exists() and not target.is_file():
            raise _not_a_file(target, "a folder or a device")
        remove_stale_temporaries(target)
        self.path, descriptor = _create_temporary(target, permissions)
        try:
            _lock(descriptor)
            mode = "wb" if binary else "w"
            extra: dict[str, Any] = {} if binary else {"encoding": encoding, "newline": newline}
            self.stream: IO[Any] = os.fdopen(descriptor, mode, **extra)
        except BaseException:
            os.close(descriptor)
            self.path.unlink(missing_ok=True)
            raise
        self.done = False

    def commit(self) -> None:
        """Flush to disk and replace the target; on failure the temporary file is gone."""
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.replace(self.path, self.target)
        except BaseException:
            self.discard()
            raise
        self.done = True
        _sync_folder(self.target.parent)

    def discard(self) -> None:
        """Leave the target as it was and remove the temporary file (never raises)."""
        if self.done:
            return
        self.done = True
        _close_even_if_full(self.stream)
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> IO[Any]:
        return self.stream

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_text(path: Path, text: str, newline: str = "\n") -> None:
    """``text`` as the whole of ``path`` (UTF-8), atomically, 0600. Raises OSError."""
    with AtomicFile(path, newline=newline) as stream:
        stream.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    """``data`` as the whole of ``path``, atomically, 0600 (a PDF made in memory, as
    QPdfWriter on a QBuffer makes one). Raises OSError."""
    with AtomicFile(path, binary=True) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A private temporary file's name beside ``target``, for a writer that takes only a
    file name (QPrinter); when the block ends without an error it replaces ``target``."""
    pending = AtomicFile(target, binary=True)
    try:
        yield pending.path
    except BaseException:
        pending.discard()
        raise
    pending.stream.close()  # the writer wrote by name; reopen to flush it to disk
    descriptor = os.open(pending.path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
    try:
        _check_regular(descriptor, pending.path)
        if _POSIX:
            os.fchmod(descriptor, PRIVATE_FILE)
        os.fsync(descriptor)
    except BaseException:
        os.close(descriptor)
        pending.discard()
        raise
    os.close(descriptor)
    try:
        os.replace(pending.path, target)
    except BaseException:
        pending.discard()
        raise
    pending.done = True
    _sync_folder(target.parent)


def open_append(path: Path, permissions: int = PRIVATE_FILE) -> io.TextIOWrapper:
    """``path`` opened to append UTF-8 text (the log): created 0600 (or ``permissions``),
    never through a link, only a regular file. Raises OSError."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC
    descriptor = os.open(path, flags, permissions)
    try:
        _check_regular(descriptor, path)
        if _POSIX:
            os.fchmod(descriptor, permissions)
            os.set_blocking(descriptor, True)
        stream = os.fdopen(descriptor, "a", encoding="utf-8")
        assert isinstance(stream, io.TextIOWrapper)
        return stream
    except BaseException:
        os.close(descriptor)
        raise


def remove_stale_temporaries(target: Path) -> int:
    """Remove the temporary files a killed run left for ``target`` (``.NAME.*.part``);
    one another DoseUnits is writing (locked) stays. Returns how many were removed."""
    removed = 0
    try:
        candidates = list(target.parent.glob(f".{_glob_escape(target.name)}.*{TEMPORARY_SUFFIX}"))
    except OSError:
        return 0
    for candidate in candidates:
        try:
            descriptor = os.open(candidate, os.O_RDWR | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
        except OSError:
            continue  # a link, or not ours: left alone
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode) or not _try_lock(descriptor):
                continue
            candidate.unlink()
            removed += 1
        except OSError:
            continue
        finally:
            os.close(descriptor)
    return removed


def _close_even_if_full(stream: IO[Any]) -> None:
    """Close ``stream`` and its file, even when its last flush fails (a full disk)."""
    try:
        stream.close()
    except OSError:
        inner: Any = stream
        while hasattr(inner, "buffer") or hasattr(inner, "raw"):
            inner = getattr(inner, "buffer", None) or inner.raw
        with contextlib.suppress(OSError):
            inner.close()


def _create_temporary(target: Path, permissions: int = PRIVATE_FILE) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | _BINARY
    for _ in range(100):
        path = target.with_name(f".{target.name}.{os.urandom(6).hex()}{TEMPORARY_SUFFIX}")
        try:
            descriptor = os.open(path, flags, PRIVATE_FILE)
        except FileExistsError:
            continue
        if _POSIX:
            try:
                os.fchmod(descriptor, permissions)
            except BaseException:
                os.close(descriptor)
                path.unlink(missing_ok=True)
                raise
        return path, descriptor
    raise FileExistsError(f"no temporary file name is free beside {target}")


def _lock(descriptor: int) -> None:
    if _POSIX:
        import fcntl

        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _try_lock(descriptor: int) -> bool:
    """True when no other process holds the file (Windows: an open file can't be removed
    anyway, so the removal itself is the test)."""
    if not _POSIX:
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut once its folder is synced (POSIX only)."""
    if not _POSIX:
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | _CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


# Reading ----------------------------------------------------------------------------
def _check_regular(descriptor: int, path: Path) -> os.stat_result:
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        kind = (
            "a folder" if stat.S_ISDIR(status.st_mode)
            else "a pipe" if stat.S_ISFIFO(status.st_mode)
            else "a device" if stat.S_ISCHR(status.st_mode) or stat.S_ISBLK(status.st_mode)
            else "not a regular file"
        )  # fmt: skip
        raise _not_a_file(path, kind)
    return status


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened to read, only if it is a regular file (a pipe never blocks: it is
    opened without waiting, then refused). Raises OSError (NotAFile)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY)
    except IsADirectoryError:
        raise _not_a_file(path, "a folder", errno.EISDIR) from None
    try:
        _check_regular(descriptor, path)
        if _POSIX:
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_limited(path: Path, limit: int) -> bytes:
    """The whole regular file ``path``, if it holds at most ``limit`` bytes. Raises
    OSError: NotAFile, or TooLarge (its ``strerror`` gives the limit)."""
    with open_regular(path) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            errno.EFBIG, f"it is larger than {_size(limit)}, the most DoseUnits reads", str(path)
        )
    return data


def _size(count: int) -> str:
    return f"{count // (1 << 20)} MB" if count >= 1 << 20 else f"{count // 1024} KB"


def why(error: OSError) -> str:
    """An OSError as the part of a sentence in brackets: "no space left on device"."""
    text = error.strerror or str(error) or type(error).__name__
    return text[:1].lower() + text[1:]


def cannot_use(error: OSError, where: object) -> str:
    """An OSError as one sentence naming its file (``where`` when it names none): "/srv/x
    can't be used (permission denied)." The command line, the window and its dialogs."""
    return f"{error.filename or where} can't be used ({why(error)})."
