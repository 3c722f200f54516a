"""CMS's Medicare Part B payment limit file ("ASP Pricing File"): dollars per HCPCS
dosage unit for one quarter.

The limit is used exactly as published (``91.340`` keeps its three places): it is not
always ASP + 6% (the notes say "Inflation-adjusted coinsurance", "8% of reference add-on
applied", "AMP-based payment limit"). Its dosage is spelled as the pricing file spells it,
which may differ from the crosswalk's (J9266 ``1 EA`` here, ``1 EACH`` there), so it is
kept as published with its reading beside it. Rows left out, by reason with their line:
CPT codes (AMA descriptors), codes that are not HCPCS, limits that are not a number
(``N/A``), a code listed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from doseunits.catalog.importers.base import (
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

COLUMNS = {
    "code": re.compile(r"hcpcs code|hcpcs|_?\d{4}_code"),
    "descriptor": re.compile(r"short desc(ription|riptor)?"),
    "dosage": re.compile(r"hcpcs (code )?dosage"),
    "limit": re.compile(r"payment (allowance )?limit"),
}
OPTIONAL = {
    "coinsurance": re.compile(r"co-?insurance percentage"),
    "notes": re.compile(r"notes?"),
}
WHAT = (
    "a CMS Part B payment limit file (expected a header row with HCPCS Code, Short "
    "Description, HCPCS Code Dosage and Payment Limit)"
)

_HCPCS = re.compile(r"[A-Z]\d{4}")
_CPT = re.compile(r"\d{5}")

CPT_CODE = "CPT code"
NOT_HCPCS = "not a HCPCS code"
NO_LIMIT = "no payment limit"
INCOMPLETE = "incomplete row"
REPEATED = "same code again"


@dataclass(frozen=True)
class PaymentLimit:
    """Medicare's limit for one HCPCS code: dollars per dosage unit, in force for the
    result's quarter."""

    line: int
    hcpcs: str
    descriptor: str
    dosage: Dosage | UnsupportedDosage
    dosage_text: str  # as printed: "10 MG", "1 EA"
    dollars_per_unit: Decimal  # as printed: 91.340
    coinsurance_percent: Decimal | None
    notes: str


def parse_payment_limits(data: bytes, source: str) -> ImportResult[PaymentLimit]:
    """Read a payment limit file's bytes; ``source`` names it in messages."""
    if not data.strip():
        raise ImportFileError(f"{source} is empty; expected {WHAT}.")
    table = read_table(decode(data, source), source, COLUMNS, WHAT, OPTIONAL)
    if not table.rows:
        raise ImportFileError(f"{source} has a payment limit header but no rows below it.")
    quarter = quarter_from_preamble(table.preamble, source)
    limits: list[PaymentLimit] = []
    skipped: list[Skipped] = []
    codes: set[str] = set()
    for row in table.rows:
        outcome = _read_row(row, codes)
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
        else:
            codes.add(outcome.hcpcs)
            limits.append(outcome)
    counts = {"rows": len(table.rows), "codes": len({r.cells["code"].strip() for r in table.rows})}
    report = ImportReport(source, len(table.rows), tuple(skipped), counts=counts)
    return ImportResult(tuple(limits), quarter, report)


def _read_row(row: Row, codes: set[str]) -> PaymentLimit | Skipped:
    cells = {name: value.strip() for name, value in row.cells.items()}
    code, limit_text = cells["code"].upper(), cells["limit"]
    if not row.complete:
        return Skipped(row.line, INCOMPLETE, code, detail="fewer cells than the header")
    if _CPT.fullmatch(code):
        return Skipped(row.line, CPT_CODE, code, detail="descriptors are the AMA's")
    if not _HCPCS.fullmatch(code):
        return Skipped(row.line, NOT_HCPCS, code)
    limit = published_number(limit_text)
    if limit is None:
        return Skipped(row.line, NO_LIMIT, code, detail=f"Payment Limit {limit_text!r}")
    if code in codes:
        return Skipped(row.line, REPEATED, code)
    return PaymentLimit(
        line=row.line,
        hcpcs=code,
        descriptor=cells["descriptor"],
        dosage=parse_dosage(row.cells["dosage"]),
        dosage_text=row.cells["dosage"],
        dollars_per_unit=limit,
        coinsurance_percent=published_number(cells["coinsurance"]),
        notes=" ".join(cells["notes"].split()),
    )
