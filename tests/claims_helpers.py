"""Made-up claim rows for the audit's benchmark and its memory measurement.

A realistic mix: flat and weight-based doses (so amounts vary), three drugs, the vials a
pharmacy opens (the least-waste ones), about one row in ten billed wrong and one in fifty
malformed. Deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

AUDIT_HEADER = (
    "date_of_service,drug,administered_mg,vials,billed_units,billed_modifier,billed_jw_units"
)
# drug, billing unit (mg), vial plans: (largest dose the plan covers, strength, count)
# that are the least-waste plans for those doses, typical dose range (mg)
_DRUGS = (
    ("atezolizumab", 10, ((840, 840, 1), (1200, 1200, 1), (1680, 840, 2)), (840, 1680)),
    ("J9317", 2.5, None, (400, 1200)),  # one strength (180 mg): as many vials as needed
    ("nivolumab", 1, ((240, 240, 1), (480, 240, 2)), (240, 480)),  # flat 240 or 480 mg
)


def claim_rows(count: int, seed: int = 6) -> Iterator[str]:
    """``count`` CSV lines (no header) in the audit's input format. The vials are the
    least-waste ones for the dose, as a pharmacy opens them; about one row in ten is
    billed wrong and one in fifty malformed."""
    pick = random.Random(seed)
    for _ in range(count):
        drug, unit, plans, (low, high) = pick.choice(_DRUGS)
        if drug == "nivolumab":
            dose: float = pick.choice((240, 480))
        else:
            dose = round(pick.uniform(low, high), 1)
        if plans is None:
            strength, vials = 180, math.ceil(dose / 180)
        else:
            strength, vials = next((s, n) for top, s, n in plans if dose <= top)
        units = math.ceil(dose / unit)
        discarded = math.floor((vials * strength - units * unit) / unit)
        modifier = "" if discarded else "JZ"
        day = f"2026-{pick.randint(1, 11):02d}-{pick.randint(1, 28):02d}"
        roll = pick.random()
        if roll < 0.05:
            discarded = 0  # JW line missing
        elif roll < 0.10:
            units -= 1
        elif roll < 0.12:
            day = "2026-02-30"
        yield f"{day},{drug},{dose},{strength}x{vials},{units},{modifier},{discarded}"


def claims_csv(count: int, seed: int = 6) -> str:
    return AUDIT_HEADER + "\n" + "\n".join(claim_rows(count, seed)) + "\n"
