"""Reading an import's file from disk, and which importer reads which kind of file.

The importers themselves take bytes; this is the one place that opens files, so a
window or the command line can name the file in every message.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doseunits import files
from doseunits.catalog.importers.base import ImportFileError, ImportResult
from doseunits.catalog.importers.cms_crosswalk import CrosswalkEntry, parse_crosswalk
from doseunits.catalog.importers.cms_payment_limits import PaymentLimit, parse_payment_limits
from doseunits.catalog.importers.fda_ndc import FdaDirectory, parse_fda_packages

#: Larger than any CMS file (the crosswalk is 2.8 MB): a wrong file fails fast.
MAX_BYTES = 64 * 1024 * 1024
#: FDA's package.txt is about 30 MB unzipped (some 250,000 packages); a wrong or hostile
#: file (a zip bomb) fails before it is read.
MAX_FDA_BYTES = 512 * 1024 * 1024
FDA_PACKAGES = "package.txt"


@dataclass(frozen=True)
class Importer:
    """One kind of source file: its name for people, and the function reading its bytes."""

    key: str
    name: str
    parse: Callable[[bytes, str], ImportResult[Any]]


IMPORTERS = {
    importer.key: importer
    for importer in (
        Importer("crosswalk", "CMS ASP NDC-HCPCS crosswalk (CSV or XLSX)", parse_crosswalk),
        Importer("payment-limits", "CMS Part B payment limit file (CSV)", parse_payment_limits),
    )
}


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or one sentence naming it when it cannot be read."""
    return _read_limited(path, MAX_BYTES, "any CMS file")


def _read_limited(path: Path, limit: int, than: str) -> bytes:
    """A regular file of at most ``limit`` bytes (``files.read_limited``: a pipe or a
    device is refused, never waited on), or one sentence naming it."""
    try:
        return files.read_limited(path, limit)
    except FileNotFoundError:
        raise ImportFileError(f"{path} does not exist.") from None
    except files.TooLarge:
        raise ImportFileError(
            f"{path} is {path.stat().st_size:,} bytes, far larger than {than}; check the file."
        ) from None
    except OSError as error:
        if path.is_dir():
            raise ImportFileError(f"{path} is a folder; choose the CSV file inside it.") from None
        raise ImportFileError(f"{path} cannot be read: {error.strerror or error}.") from None


def read_crosswalk(path: Path) -> ImportResult[CrosswalkEntry]:
    return parse_crosswalk(read_bytes(path), str(path))


def read_payment_limits(path: Path) -> ImportResult[PaymentLimit]:
    return parse_payment_limits(read_bytes(path), str(path))


def read_fda_directory(path: Path) -> FdaDirectory:
    """FDA's NDC Directory: ``ndctext.zip`` as downloaded, a folder holding its
    ``product.txt`` and ``package.txt`` (any case), or ``package.txt`` itself."""
    try:
        if path.is_dir():
            return _fda_from_folder(path)
        if path.is_file() and (zipfile.is_zipfile(path) or _starts_as_zip(path)):
            return _fda_from_zip(path)  # a zip cut short has no index: refused as damaged
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read: {error.strerror or error}.") from None
    if path.is_file() and path.name.casefold() == FDA_PACKAGES:
        return _fda_file(path)
    if not path.exists():
        raise ImportFileError(f"{path} does not exist.")
    raise ImportFileError(
        f"{path} is not FDA's NDC Directory: expected ndctext.zip, or its folder with "
        "product.txt and package.txt."
    )


def _starts_as_zip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def _fda_from_folder(folder: Path) -> FdaDirectory:
    found = [p for p in folder.iterdir() if p.name.casefold() == FDA_PACKAGES and p.is_file()]
    if not found:
        raise ImportFileError(
            f"{folder} has no package.txt: expected the folder of FDA's NDC Directory "
            "(ndctext.zip unpacked: product.txt and package.txt)."
        )
    return _fda_file(found[0])


def _fda_file(path: Path) -> FdaDirectory:
    data = _read_limited(path, MAX_FDA_BYTES, "FDA's package.txt")
    try:
        dated = dt.date.fromtimestamp(path.stat().st_mtime)
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read: {error.strerror or error}.") from None
    return parse_fda_packages(data, str(path), dated)


def _fda_from_zip(path: Path) -> FdaDirectory:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.infolist()
                if m.filename.rsplit("/", 1)[-1].casefold() == FDA_PACKAGES
            ]  # fmt: skip
            if not members:
                raise ImportFileError(
                    f"{path} has no package.txt inside: expected FDA's ndctext.zip."
                )
            member = members[0]
            if member.file_size > MAX_FDA_BYTES:
                raise ImportFileError(
                    f"{path}'s package.txt unpacks to {member.file_size:,} bytes, far larger "
                    "than FDA's; check the file."
                )
            with archive.open(member) as stream:
                data = stream.read(MAX_FDA_BYTES + 1)
            if len(data) > MAX_FDA_BYTES:
                raise ImportFileError(f"{path}'s package.txt is larger than it says; check it.")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise ImportFileError(
            f"{path} is a damaged or unsupported zip (cut short, or encrypted); download "
            "ndctext.zip again."
        ) from None
    try:
        dated: dt.date | None = dt.date(*member.date_time[:3])
    except ValueError:
        dated = None
    return parse_fda_packages(data, f"{path} (package.txt)", dated)
