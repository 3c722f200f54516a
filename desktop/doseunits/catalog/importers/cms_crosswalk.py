"""CMS's ASP NDC-HCPCS crosswalk: which NDCs bill under which HCPCS code, in what units.

Each row is one NDC under one code: the code's short descriptor and dosage (its billing
unit), the labeler, the drug name, the package size (no unit is stated: mL for
solutions, 1 for powders, mg-like for one labeler, so mass is never read from it), the
items in the NDC's package (PKG QTY), the billable units in one item (BILLUNITS, may be
fractional: Zynlonta 133.33) and in the whole NDC (BILLUNITSPKG, published; 250 rows of
October 2025 are not BILLUNITS x PKG QTY, so it is recomputed and the difference reported).

Rows left out, each counted by reason with its line: IDs that are not NDCs (skin
substitutes' catalog numbers, devices' barcodes), CPT codes (five digits; their
descriptors are the AMA's), dosages the catalog cannot bill yet (per mL, combinations...).
An NDC under two codes is kept under both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from doseunits.catalog.importers.base import (
    Disagreement,
    ImportFileError,
    ImportReport,
    ImportResult,
    Row,
    Skipped,
    decode,
    published_number,
    quarter_from_preamble,
    read_table,
)
from doseunits.catalog.importers.dosage import Dosage, UnsupportedDosage, parse_dosage
from doseunits.catalog.ndc import Ndc
from doseunits.errors import InputError
from doseunits.quantities import fmt

#: The header cells, as ``base.header_key`` spells them. The first carries the year.
COLUMNS = {
    "code": re.compile(r"_?\d{4}_code|hcpcs code|hcpcs"),
    "descriptor": re.compile(r"short desc(ription|riptor)?"),
    "labeler": re.compile(r"labeler name|labeler"),
    "ndc": re.compile(r"ndc2?"),
    "drug_name": re.compile(r"drug name"),
    "dosage": re.compile(r"hcpcs (code )?dosage"),
    "package_size": re.compile(r"pkg size|package size"),
    "package_quantity": re.compile(r"pkg qty|package quantity"),
    "units_per_item": re.compile(r"billunits"),
    "units_per_package": re.compile(r"billunitspkg"),
}
WHAT = (
    "a CMS ASP NDC-HCPCS crosswalk (expected a header row with _YYYY_CODE, Short "
    "Description, LABELER NAME, NDC2 or NDC, Drug Name, HCPCS dosage, PKG SIZE, PKG QTY, "
    "BILLUNITS and BILLUNITSPKG)"
)

_HCPCS = re.compile(r"[A-Z]\d{4}")
_CPT = re.compile(r"\d{5}")

# Skip reasons, as the report and its CSV spell them.
INCOMPLETE = "incomplete row"
NOT_AN_NDC = "not an NDC"
CPT_CODE = "CPT code"
NOT_HCPCS = "not a HCPCS code"
BAD_NUMBER = "not a number"
DOSAGE_NOT_SUPPORTED = "dosage not supported yet"
REPEATED = "same NDC and code again"


@dataclass(frozen=True)
class CrosswalkEntry:
    """One NDC under one HCPCS code, with a dosage the catalog can bill (mass or units)."""

    line: int
    hcpcs: str
    descriptor: str
    labeler: str
    ndc: Ndc
    published_ndc: str  # as printed (50242-0917-01)
    drug_name: str
    dosage: Dosage  # the code's billing unit: 10 mg
    dosage_text: str  # as printed: "10 MG", " 0.1 MG", "100,000 UNITS"
    package_size: Decimal  # unitless as published; never a mass
    items_per_package: Decimal  # PKG QTY: vials (or syringes) in the NDC's package
    units_per_item: Decimal  # BILLUNITS
    units_per_package_published: Decimal  # BILLUNITSPKG as printed

    @property
    def units_per_package(self) -> Decimal:
        """Billable units in the NDC's whole package, recomputed: BILLUNITS x PKG QTY."""
        return self.units_per_item * self.items_per_package

    @property
    def labeled_amount_per_item(self) -> Decimal:
        """One item's labeled amount: BILLUNITS x dosage (Tecentriq 120 x 10 mg = 1200)."""
        return self.units_per_item * self.dosage.amount

    @property
    def strength(self) -> str:
        """One item's amount as a catalog file writes it: ``strength = "1200 mg"``."""
        return f"{fmt(self.labeled_amount_per_item)} {self.dosage.measure}"

    @property
    def whole_units(self) -> bool:
        """False where BILLUNITS is fractional (Zynlonta 133.33 x 0.075 mg): CMS rounded
        it, so the labeled amount derived from it is near the label's, not the label's."""
        return self.units_per_item == self.units_per_item.to_integral_value()


def parse_crosswalk(data: bytes, source: str) -> ImportResult[CrosswalkEntry]:
    """Read a crosswalk's bytes (cp1252 or UTF-8 CSV, or an XLSX workbook); ``source``
    names it in messages."""
    if not data.strip():
        raise ImportFileError(f"{source} is empty; expected {WHAT}.")
    if data.startswith(b"PK\x03\x04"):  # CMS's XLSX (openpyxl, loaded only for it)
        from doseunits.catalog.importers.xlsx import read_xlsx_table

        table = read_xlsx_table(data, source, COLUMNS, WHAT)
    else:
        table = read_table(decode(data, source), source, COLUMNS, WHAT)
    if not table.rows:
        raise ImportFileError(f"{source} has a crosswalk header but no rows below it.")
    quarter = quarter_from_preamble(table.preamble, source)
    entries: list[CrosswalkEntry] = []
    skipped: list[Skipped] = []
    disagreements: list[Disagreement] = []
    seen: set[tuple[Ndc, str]] = set()
    cells = [_Cells.of(row) for row in table.rows]  # each NDC and number read once
    for row in cells:
        outcome = _read_row(row)
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
            continue
        entry, disagreement = outcome
        if disagreement is not None:
            disagreements.append(disagreement)
        if isinstance(entry, Skipped):
            skipped.append(entry)
        elif (entry.ndc, entry.hcpcs) in seen:
            skipped.append(Skipped(entry.line, REPEATED, entry.hcpcs, entry.published_ndc))
        else:
            seen.add((entry.ndc, entry.hcpcs))
            entries.append(entry)
    report = ImportReport(
        source=source,
        rows=len(table.rows),
        skipped=tuple(skipped),
        disagreements=tuple(disagreements),
        counts=_file_counts(cells),
    )
    return ImportResult(tuple(entries), quarter, report)


@dataclass(frozen=True)
class _Cells:
    """A row's cells trimmed, with its NDC and numbers read (or what is wrong with them)."""

    row: Row
    cells: dict[str, str]
    code: str
    ndc: Ndc | None
    numbers: dict[str, Decimal] | str

    @classmethod
    def of(cls, row: Row) -> _Cells:
        cells = {name: value.strip() for name, value in row.cells.items()}
        return cls(row, cells, cells["code"].upper(), _ndc(cells["ndc"]), _numbers(cells))


def _read_row(read: _Cells) -> Skipped | tuple[CrosswalkEntry | Skipped, Disagreement | None]:
    row, cells, code, ndc, numbers = read.row, read.cells, read.code, read.ndc, read.numbers
    identifier = cells["ndc"]
    if not row.complete:
        return Skipped(row.line, INCOMPLETE, code, identifier, "fewer cells than the header")
    if ndc is None:
        return Skipped(row.line, NOT_AN_NDC, code, identifier)
    if isinstance(numbers, str):
        return Skipped(row.line, BAD_NUMBER, code, identifier, numbers)
    per_item, items = numbers["units_per_item"], numbers["package_quantity"]
    disagreement = None
    if per_item * items != numbers["units_per_package"]:
        disagreement = Disagreement(
            row.line, code, identifier, per_item, items, numbers["units_per_package"]
        )
    if _CPT.fullmatch(code):
        skip = Skipped(row.line, CPT_CODE, code, identifier, "descriptors are the AMA's")
        return skip, disagreement
    if not _HCPCS.fullmatch(code):
        return Skipped(row.line, NOT_HCPCS, code, identifier), disagreement
    dosage = parse_dosage(row.cells["dosage"])
    if isinstance(dosage, UnsupportedDosage):
        skip = Skipped(row.line, DOSAGE_NOT_SUPPORTED, code, identifier, dosage.kind)
        return skip, disagreement
    entry = CrosswalkEntry(
        line=row.line,
        hcpcs=code,
        descriptor=cells["descriptor"],
        labeler=cells["labeler"],
        ndc=ndc,
        published_ndc=identifier,
        drug_name=" ".join(cells["drug_name"].split()),  # "Ketorolac Tromethamine\n"
        dosage=dosage,
        dosage_text=row.cells["dosage"],
        package_size=numbers["package_size"],
        items_per_package=items,
        units_per_item=per_item,
        units_per_package_published=numbers["units_per_package"],
    )
    return entry, disagreement


_HEADER_NAMES = {
    "package_size": "PKG SIZE",
    "package_quantity": "PKG QTY",
    "units_per_item": "BILLUNITS",
    "units_per_package": "BILLUNITSPKG",
}


def _numbers(cells: dict[str, str]) -> dict[str, Decimal] | str:
    """The four numbers of a row, or what is wrong with the first bad one."""
    numbers: dict[str, Decimal] = {}
    for name, header in _HEADER_NAMES.items():
        number = published_number(cells[name])
        if number is None or number <= 0:
            return f"{header} {cells[name]!r}"
        numbers[name] = number
    return numbers


def _ndc(identifier: str) -> Ndc | None:
    """An NDC in 5-4-2, 4-4-2, 5-3-2, 5-4-1 (hyphenated) or 11 digits; None for anything
    else. A plain 10- or 12-digit ID is not read as an NDC: its segments cannot be told
    (this file's 12-digit IDs are devices' barcodes), so a longer NDC form must be added
    to ``Ndc.parse`` with its own spelling when FDA's takes effect."""
    try:
        return Ndc.parse(identifier)
    except InputError:
        return None


def _file_counts(rows: list[_Cells]) -> dict[str, int]:
    """The whole file's counts, before anything is left out (CMS's own figures)."""
    codes: defaultdict[Ndc, set[str]] = defaultdict(set)
    all_codes: set[str] = set()
    not_ndcs = disagree = wrong = 0
    for row in rows:
        all_codes.add(row.code)
        if row.ndc is None:
            not_ndcs += 1
        else:
            codes[row.ndc].add(row.code)
        numbers = row.numbers
        if not isinstance(numbers, str):
            computed = numbers["units_per_item"] * numbers["package_quantity"]
            if computed != numbers["units_per_package"]:
                disagree += 1
                wrong += abs(computed - numbers["units_per_package"]) >= 1
    return {
        "rows": len(rows),
        "codes": len(all_codes),
        "NDCs": len(codes),
        "IDs that are not NDCs": not_ndcs,
        "NDCs under more than one code": sum(1 for c in codes.values() if len(c) > 1),
        "rows whose BILLUNITSPKG is not BILLUNITS x PKG QTY": disagree,
        "of which more than rounding": wrong,
    }


def codes_by_ndc(entries: tuple[CrosswalkEntry, ...]) -> dict[Ndc, tuple[str, ...]]:
    """Each NDC's codes in file order: the picker shows every code an NDC bills under."""
    found: defaultdict[Ndc, list[str]] = defaultdict(list)
    for entry in entries:
        found[entry.ndc].append(entry.hcpcs)
    return {ndc: tuple(codes) for ndc, codes in found.items()}
