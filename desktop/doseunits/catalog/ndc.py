"""National Drug Codes: the 11-digit 5-4-2 form the claim needs, and the N4 string."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from doseunits.errors import InputError, InputField
from doseunits.quantities import fmt_places

_HYPHENATED = re.compile(r"^([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})$")
_SEGMENT_LENGTHS = {(5, 4, 2), (4, 4, 2), (5, 3, 2), (5, 4, 1)}


class Ndc(NamedTuple):
    """An NDC held as its three zero-padded segments (labeler 5, product 4, package 2)."""

    labeler: str
    product: str
    package: str

    @classmethod
    def parse(cls, text: str, field: InputField = "") -> Ndc:
        """Accept 5-4-2, 4-4-2, 5-3-2, 5-4-1 with hyphens, or 11 digits (read as 5-4-2).

        ``field``: the order's field the text was typed in, for the error."""
        cleaned = text.strip()
        if re.fullmatch(r"[0-9]{11}", cleaned):
            return cls(cleaned[:5], cleaned[5:9], cleaned[9:])
        match = _HYPHENATED.match(cleaned)
        if match is None or tuple(len(g) for g in match.groups()) not in _SEGMENT_LENGTHS:
            raise InputError(
                f"NDC {text.strip()!r} is not an NDC: write it as 5-4-2 with hyphens "
                "(like 50242-0917-01) or as 11 digits.",
                field,
            )
        labeler, product, package = match.groups()
        return cls(labeler.zfill(5), product.zfill(4), package.zfill(2))

    @property
    def eleven(self) -> str:
        """The claim form: 11 digits, no hyphens (50242091701)."""
        return self.labeler + self.product + self.package

    def __str__(self) -> str:
        return f"{self.labeler}-{self.product}-{self.package}"


def n4_string(ndc: Ndc, unit: str, quantity: Decimal) -> str:
    """CMS-1500 24A shaded area / 837P: N4, the 11-digit NDC, a space, unit and quantity.

    NUCC allows up to three decimals in the quantity, so it is rounded half-up there.
    """
    return f"N4{ndc.eleven} {unit}{fmt_places(quantity, 3)}"
