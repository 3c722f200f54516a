"""FDA's NDC Directory (``ndctext.zip``): each package's container type, item count and
volume, read from ``package.txt``'s ``PACKAGEDESCRIPTION``.

``package.txt`` is tab-separated with a header row (FDA, "NDC Package File Definitions":
PRODUCTID, PRODUCTNDC, NDCPACKAGECODE, PACKAGEDESCRIPTION, STARTMARKETINGDATE,
ENDMARKETINGDATE, NDC_EXCLUDE_FLAG, SAMPLE_PACKAGE); columns are matched by name, trimmed
and case-insensitively, wherever they stand. The text is UTF-8 where it decodes as UTF-8,
else Windows-1252, else Latin-1 (FDA does not state an encoding and copies vary); only
ASCII words are read from it.

A description nests its levels outermost first, split by ``>`` (``/`` in older copies):
``2 VIAL in 1 CARTON (0006-3026-04)  > 4 mL in 1 VIAL (0006-3026-01)``. The innermost
level is one item (a vial, a syringe): its contents (``4 mL``) and its container
(``VIAL``); the levels above it count the items in the package (2). Where the innermost
level counts the items themselves (``10 VIAL, SINGLE-DOSE in 1 CARTON``, no contents
level), they are the items and their own words the container. The container type is
read from the item's container words only where they say it: ``SINGLE-DOSE`` (or
FDA's retired ``SINGLE-USE``, which CMS's JW/JZ policy names beside it) is single-dose,
``MULTI-DOSE`` (or ``MULTIPLE-DOSE``) multi-dose; anything else, including
``SINGLE-PATIENT-USE`` and a plain ``VIAL``, tells nothing (docs/billing-rules.md
§3.6b). A kit (parts joined by ``*``) or a level that does not read is left with no
facts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from doseunits.catalog.importers.base import ImportFileError, ImportReport, Skipped, header_key
from doseunits.catalog.ndc import Ndc
from doseunits.errors import InputError

Container = Literal["single-dose", "multi-dose", "unconfirmed"]

#: The columns read, as ``base.header_key`` spells FDA's names; the first two are needed.
COLUMNS = {"code": "ndcpackagecode", "description": "packagedescription"}
OPTIONAL = {
    "product": "productndc",
    "start": "startmarketingdate",
    "end": "endmarketingdate",
    "exclude": "ndc_exclude_flag",
    "sample": "sample_package",
}
WHAT = (
    "FDA's NDC Directory package.txt (a tab-separated header row with PRODUCTID, "
    "PRODUCTNDC, NDCPACKAGECODE, PACKAGEDESCRIPTION...)"
)

# Skip reasons, as the report spells them.
INCOMPLETE = "incomplete row"
NOT_AN_NDC = "not an NDC"
REPEATED = "same package code again"

# Why a package's description gave no facts.
KIT = "kit (parts joined by *)"
UNREADABLE = "description not read"

_SPLIT = re.compile(r"\s+[>/]\s+")
_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
# "2 VIAL in 1 CARTON (0006-3026-04)": what, how many, in how many of which container.
_LEVEL = re.compile(
    rf"(?P<qty>{_NUMBER})\s+(?P<what>.+?)\s+in\s+(?P<n>\d+)\s+(?P<container>[^()]+?)"
    r"\s*(?:\([^()]*\))?",
    re.IGNORECASE,
)
_SINGLE = re.compile(r"\bSINGLE[- ](?:DOSE|USE)\b", re.IGNORECASE)
_MULTI = re.compile(r"\bMULTI(?:PLE)?[- ]DOSE\b", re.IGNORECASE)


@dataclass(frozen=True)
class PackageFacts:
    """What one package description states about one item of the package."""

    container: Container
    container_words: str  # the item's container as written: "VIAL, SINGLE-DOSE"
    items: int | None  # items in the package, where every level counts whole ones
    volume_ml: Decimal | None  # one item's contents where stated in mL
    conflict: bool = False  # the item's container words say both single- and multi-dose
    unread: str = ""  # why nothing was read (KIT, UNREADABLE), else ""


@dataclass(frozen=True)
class FdaPackage:
    """One row of package.txt: an NDC package code and what its description says."""

    line: int
    ndc: Ndc
    package_code: str  # as published: "50242-917-01"
    description: str
    facts: PackageFacts
    sample: bool = False


#: One package.txt row as kept: its line, the code as published, the description as
#: published, and whether it is a sample package.
_Row = tuple[int, str, str, bool]


@dataclass(frozen=True)
class FdaDirectory:
    """package.txt read: its rows by NDC, what it is (for sources), and its report.

    A description is read when its package is asked for (``get``): an import asks for the
    crosswalk's few thousand NDCs out of some 250,000 packages."""

    rows: dict[Ndc, _Row]
    source: str  # "FDA NDC Directory package.txt, file dated 2026-11-30"
    report: ImportReport

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, ndc: Ndc) -> FdaPackage | None:
        row = self.rows.get(ndc)
        if row is None:
            return None
        line, code, description, sample = row
        description = " ".join(description.split())
        return FdaPackage(line, ndc, code, description, package_facts(description), sample)


def parse_fda_packages(data: bytes, source: str, dated: dt.date | None = None) -> FdaDirectory:
    """Read package.txt's bytes; ``source`` names the file in messages, ``dated`` is the
    file's own date (the zip entry's) where known."""
    text = _decode(data, source)
    if not text.strip():
        raise ImportFileError(f"{source} is empty; expected {WHAT}.")
    # Tab-separated, never quoted (a description may hold a lone quote): split as it is.
    lines = text.split("\n")
    header = lines[0].rstrip("\r").split("\t")
    keys = [header_key(cell) for cell in header]
    missing = [name.upper() for name in COLUMNS.values() if name not in keys]
    if missing:
        raise ImportFileError(
            f"{source} is not {WHAT}: its first row has no {' or '.join(missing)} column."
        )
    # Every row has every column (empty ones between tabs): a shorter row was cut short,
    # and its description may be too ("15 mL in 1 VIAL, MULTI").
    needed = len(header)
    code_at = keys.index(COLUMNS["code"])
    description_at = keys.index(COLUMNS["description"])
    sample_at = keys.index(OPTIONAL["sample"]) if OPTIONAL["sample"] in keys else None
    rows: dict[Ndc, _Row] = {}
    skipped: list[Skipped] = []
    count = 0
    for line, raw in enumerate(lines[1:], start=2):
        record = raw.rstrip("\r").split("\t")
        if not raw.strip():
            continue
        count += 1
        if len(record) < needed:
            skipped.append(Skipped(line, INCOMPLETE, detail="fewer cells than the header"))
            continue
        code = record[code_at].strip()
        ndc = _ndc(code)
        if ndc is None:
            skipped.append(Skipped(line, NOT_AN_NDC, identifier=code))
        elif ndc in rows:
            skipped.append(Skipped(line, REPEATED, identifier=code))
        else:
            sample = sample_at is not None and record[sample_at].strip().upper() == "Y"
            rows[ndc] = (line, code, record[description_at], sample)
    if not count:
        raise ImportFileError(f"{source} has FDA's package header but no rows below it.")
    name = "FDA NDC Directory package.txt"
    described = f"{name}, file dated {dated.isoformat()}" if dated else name
    report = ImportReport(source, count, tuple(skipped), counts={"packages": len(rows)})
    return FdaDirectory(rows, described, report)


_SHAPES = {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}


def _ndc(code: str) -> Ndc | None:
    """FDA's 10-digit 4-4-2, 5-3-2, 5-4-1 (or 5-4-2) code as an NDC, without the regular
    expression ``Ndc.parse`` runs (250,000 of them); anything else through it."""
    parts = code.split("-")
    if len(parts) == 3:
        labeler, product, package = parts
        digits = labeler + product + package
        shape = (len(labeler), len(product), len(package))
        if shape in _SHAPES and digits.isascii() and digits.isdigit():
            return Ndc(labeler.zfill(5), product.zfill(4), package.zfill(2))
    try:
        return Ndc.parse(code)
    except InputError:
        return None


def package_facts(description: str) -> PackageFacts:
    """``1 VIAL, SINGLE-DOSE in 1 CARTON (50242-933-01)  / 15 mL in 1 VIAL, SINGLE-DOSE``
    -> single-dose, 1 item, 15 mL."""
    if "*" in description:
        return PackageFacts("unconfirmed", "", None, None, unread=KIT)
    levels = []
    for part in _SPLIT.split(description.strip()):
        match = _LEVEL.fullmatch(part.strip())
        if match is None:
            return PackageFacts("unconfirmed", "", None, None, unread=UNREADABLE)
        levels.append(match)
    if not levels:
        return PackageFacts("unconfirmed", "", None, None, unread=UNREADABLE)
    item = levels[-1]
    if _is_item(item["what"]):  # "10 VIAL, SINGLE-DOSE in 1 CARTON": no contents level
        words = item["what"].strip()
        single = bool(_SINGLE.search(words))
        multi = bool(_MULTI.search(words))
        container: Container = "unconfirmed"
        if single != multi:
            container = "single-dose" if single else "multi-dose"
        return PackageFacts(container, words, _items(levels, outer=len(levels)), None,
                            conflict=single and multi)  # fmt: skip
    words = item["container"].strip()
    # The item's container is named twice: inside its own level and as what the level
    # above counts ("1 VIAL, SINGLE-DOSE in 1 CARTON  > 20 mL in 1 VIAL").
    said = [words] + ([levels[-2]["what"].strip()] if len(levels) > 1 else [])
    single = any(_SINGLE.search(w) for w in said)
    multi = any(_MULTI.search(w) for w in said)
    container = "unconfirmed"
    if single != multi:
        container = "single-dose" if single else "multi-dose"
        words = next(w for w in said if (_SINGLE if single else _MULTI).search(w))
    volume = Decimal(item["qty"]) if item["what"].strip().casefold() == "ml" else None
    return PackageFacts(container, words, _items(levels), volume, conflict=single and multi)


#: What an innermost level counts when it counts items, not their contents: FDA's
#: package types for one item ("10 VIAL, SINGLE-DOSE in 1 CARTON" lists no mL level).
_ITEMS = frozenset({"VIAL", "AMPULE", "SYRINGE", "CARTRIDGE", "INJECTOR"})


def _is_item(what: str) -> bool:
    return what.split(",")[0].strip().upper() in _ITEMS


def _items(levels: list[re.Match[str]], outer: int | None = None) -> int | None:
    """Items in the package: the product of each outer level's count (all but the
    innermost, unless ``outer`` says how many), where each counts whole inner containers
    in one outer one."""
    outer = len(levels) - 1 if outer is None else outer
    if outer < len(levels) and levels[-1]["n"] != "1":
        return None
    items = 1
    for level in levels[:outer]:
        qty = Decimal(level["qty"])
        if level["n"] != "1" or qty != qty.to_integral_value() or qty < 1:
            return None
        items *= int(qty)
    return items


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            f"{source} is not text (it holds NUL bytes: UTF-16 or binary); expected {WHAT}."
        )
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")  # every byte is a character: only ASCII words are read
