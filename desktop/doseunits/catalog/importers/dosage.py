"""A HCPCS code's dosage as CMS spells it, read as an amount and a measure.

The October 2025 crosswalk spells dosages 136 ways: ``1 MG``, ``1MG``, `` 0.1 MG``,
``10 MG `` (trailing space), ``1.125 gm``, ``.625 GM``, ``100,000 UNITS``, ``1 IU``.
Mass (mg, mcg, g) and units (IU, UNITS, USP UNITS) are what the catalog can bill; every
other kind (per mL, each, per dose, cells, PFU, two-drug combinations ``3 MG - 1 MG``,
``UP TO 0.50 MG``, tiered ``Less than or equal to 100 MG``) is named, not read, so the
import can count it as not supported yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from doseunits.quantities import fmt

Measure = Literal["mg", "mcg", "g", "units"]

_MEASURES: dict[str, Measure] = {
    "MG": "mg",
    "MCG": "mcg",
    "G": "g",
    "GM": "g",
    "GRAM": "g",
    "UNIT": "units",
    "UNITS": "units",
    "IU": "units",
    "USP UNIT": "units",
    "USP UNITS": "units",
}
_AMOUNT = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_SIMPLE = re.compile(rf"{_AMOUNT}\s*({'|'.join(sorted(_MEASURES, key=len, reverse=True))})")
_ANY_AMOUNT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(MG|MCG|GM|G|ML|IU|UNITS?)\b")


@dataclass(frozen=True)
class Dosage:
    """One billing unit of a code: an amount of a measure (10 mg, 1000 units)."""

    amount: Decimal
    measure: Measure

    def __str__(self) -> str:
        """As a catalog file writes it: ``billing_unit = "10 mg"``."""
        return f"{fmt(self.amount)} {self.measure}"


@dataclass(frozen=True)
class UnsupportedDosage:
    """A dosage of a kind the catalog cannot bill yet; ``kind`` names it for the report."""

    kind: str
    text: str


def parse_dosage(text: str) -> Dosage | UnsupportedDosage:
    """``10 MG`` -> 10 mg; ``3 MG - 1 MG`` -> not supported (combination)."""
    cleaned = " ".join(text.replace("\xa0", " ").split()).upper()
    match = _SIMPLE.fullmatch(cleaned)
    if match is not None:
        amount = Decimal(match.group(1).replace(",", ""))
        if amount > 0:
            return Dosage(amount, _MEASURES[match.group(2)])
    return UnsupportedDosage(_kind(cleaned), text)


def _kind(cleaned: str) -> str:
    if not cleaned:
        return "blank"
    if _SIMPLE.fullmatch(cleaned):
        return "zero"
    if cleaned.startswith("UP TO"):
        return "up to"
    if cleaned.startswith(("LESS THAN", "GREATER THAN")):
        return "tiered"
    if "CELLS" in cleaned:
        return "cells"
    if "PFU" in cleaned:
        return "PFU"
    if re.search(r"\bPER\b.*\b(DOSE|INFUSION)\b", cleaned):
        return "per dose"
    outside = re.sub(r"\(.*?\)", "", cleaned)  # 300 MCG (1500 IU) states one amount twice
    if len(_ANY_AMOUNT.findall(outside)) >= 2:
        return "combination"
    if re.fullmatch(rf"{_AMOUNT}\s*(ML|CC)", cleaned):
        return "mL"
    if re.fullmatch(rf"{_AMOUNT}\s*(EACH|EA)|PER (VIAL|\d.* APPLICATOR)", cleaned):
        return "each"
    if re.fullmatch(rf"{_AMOUNT}\s*SQ CM", cleaned):
        return "sq cm"
    if re.fullmatch(rf"{_AMOUNT}\s*MEQ", cleaned):
        return "mEq"
    if _SIMPLE.match(cleaned) or re.search(r"\bI\.?U\b", cleaned):
        # 10 MG (rituximab), 300 MCG (1500 IU), 1 I.U. VWF:RCO, PER FACTOR VIII IU
        return "qualified"
    return "other"
