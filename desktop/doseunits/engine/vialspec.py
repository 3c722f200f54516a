"""The vial SPEC of the command line and the audit: ``STRENGTH[xCOUNT]`` or ``NDC[xCOUNT]``.

The strength is in the drug's measure ("1200", "480"), or with its unit ("480mcg",
"0.48 mg" for the same syringe of a drug billed per mcg).
"""

from __future__ import annotations

import re

from doseunits.catalog.model import Catalog, Drug
from doseunits.catalog.ndc import Ndc
from doseunits.engine.plan import VialCount
from doseunits.errors import InputError
from doseunits.quantities import MAX_VIALS, amount_in

# A unit word has no "x" in it (mg, mcg, g, units), so "480mcgx2" reads one way only.
_SPEC = re.compile(
    r"^(?P<what>[0-9][0-9.\-]*?)(?:\s*(?P<unit>[a-wyz]+))?(?:\s*x\s*(?P<count>[0-9]+))?$",
    re.IGNORECASE,
)


def spec_parts(spec: str) -> tuple[str, int]:
    """The vial of one SPEC as written (a strength in mg or an NDC) and its count:
    ``840x2`` -> ("840", 2), ``1200`` -> ("1200", 1)."""
    text = _quoted(spec)
    match = _SPEC.match(spec.strip())
    if not match:
        raise InputError(
            f"Vial {text!r} is not STRENGTH[xCOUNT] or NDC[xCOUNT] (like 1200x1 or "
            "50242-0917-01x1).",
            "vials",
        )
    digits = match["count"] or "1"
    count = int(digits) if len(digits) <= 4 else MAX_VIALS + 1  # never int() a huge text
    if not 1 <= count <= MAX_VIALS:
        raise InputError(
            f"The vial count in {text!r} must be a whole number from 1 to {MAX_VIALS}.", "vials"
        )
    what = f"{match['what']} {match['unit']}" if match["unit"] else match["what"]
    return what, count


def parse_vial(spec: str, drug: Drug, catalog: Catalog | None = None) -> VialCount:
    """``1200x1``, ``840x2``, ``480mcg``, ``50242-0918-01x1``, ``1200`` (one vial)."""
    what, count = spec_parts(spec)
    text = _quoted(spec)
    if " " not in what and ("-" in what or (what.isdigit() and len(what) >= 10)):
        ndc = Ndc.parse(what, "vials")
        presentation = drug.presentation(ndc)
        if presentation is None:
            other = catalog.lookup_ndc(ndc) if catalog else None
            where = f"it is {other[0].name}" if other else "it is not in the catalog"
            raise InputError(f"NDC {ndc} is not a vial of {drug.name}: {where}.", "vials")
        return VialCount(presentation, count)

    strength = amount_in(what, drug.measure, f"The strength in vial {text!r}", "vials")
    for presentation in drug.presentations:
        if presentation.strength_mg == strength:
            return VialCount(presentation, count)
    strengths = ", ".join(str(p.strength) for p in drug.presentations)
    raise InputError(
        f"{drug.name} has no {drug.amount(strength)} vial; its vials are {strengths}.", "vials"
    )


def _quoted(spec: str) -> str:
    """A spec as its messages quote it: one readable sentence, however long it was."""
    text = spec.strip()
    return text[:37] + "..." if len(text) > 40 else text


def parse_vials(specs: list[str], drug: Drug, catalog: Catalog | None = None) -> list[VialCount]:
    return [parse_vial(spec, drug, catalog) for spec in specs]
