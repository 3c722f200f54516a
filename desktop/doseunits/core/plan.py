"""Which vials to open: the least-waste plan over a drug's presentations.

Least waste means the least labeled amount that covers the dose, then the fewest
vials (CMS/CGS: a 300 mg dose from 100 mg and 400 mg vials is three 100 mg vials).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from doseunits.core.amounts import fmt
from doseunits.core.catalog import Presentation


class VialCount(NamedTuple):
    presentation: Presentation
    count: int  # type: ignore[assignment]  # shadows tuple.count, never called

    @property
    def labeled_mg(self) -> Decimal:
        return self.presentation.strength_mg * self.count


class VialPlan(NamedTuple):
    """Opened vials, one entry per presentation with a count of at least 1."""

    vials: tuple[VialCount, ...]
    labeled_mg: Decimal
    vial_count: int

    @classmethod
    def of(cls, counts: Iterable[VialCount]) -> VialPlan:
        """Merge repeated presentations, drop zero counts, largest strength first."""
        merged: dict[Presentation, int] = {}
        for vial in counts:
            merged[vial.presentation] = merged.get(vial.presentation, 0) + vial.count
        kept = [VialCount(p, n) for p, n in merged.items() if n > 0]
        kept.sort(key=lambda v: -v.presentation.strength_mg)
        labeled = sum((v.labeled_mg for v in kept), Decimal(0))
        return cls(tuple(kept), labeled, sum(v.count for v in kept))

    def describe(self) -> str:
        return " + ".join(f"{v.count} x {fmt(v.presentation.strength_mg)} mg" for v in self.vials)


def least_waste_plan(presentations: Sequence[Presentation], dose_mg: Decimal) -> VialPlan:
    """The least-waste plan, remembered: the window asks again on every keystroke."""
    return _least_waste_plan(tuple(presentations), dose_mg)


@functools.lru_cache(maxsize=4096)
def _least_waste_plan(presentations: tuple[Presentation, ...], dose_mg: Decimal) -> VialPlan:
    """The plan with the least labeled amount >= ``dose_mg``, then the fewest vials.

    Exact: amounts are scaled to integers. Only the largest strength is left free;
    each smaller one is bounded, because ``lcm / s_i`` vials of strength ``s_i`` can
    always be swapped for fewer vials of the largest strength holding the same
    amount, and because a vial whose removal still covers the dose is never needed.
    Ties go to more of the larger vials, so the result is deterministic.
    """
    if dose_mg <= 0:
        raise ValueError("a plan needs a dose above 0")
    shelf = _shelf(presentations)
    dose = math.ceil(dose_mg * shelf.scale)
    largest, *smaller = shelf.strengths
    ranges = [
        range(min(swap, -(-dose // s)) + 1)
        for swap, s in zip(shelf.swap_bounds, smaller, strict=True)
    ]
    best: tuple[int, int, tuple[int, ...]] | None = None
    for counts in itertools.product(*ranges):
        amount = sum(c * s for c, s in zip(counts, smaller, strict=True))
        big = max(0, -(-(dose - amount) // largest))
        key = (amount + big * largest, big + sum(counts), (-big, *(-c for c in counts)))
        if best is None or key < best:
            best = key
    assert best is not None
    chosen = [VialCount(p, -c) for p, c in zip(shelf.ordered, best[2], strict=True) if c]
    labeled = sum((v.labeled_mg for v in chosen), Decimal(0))
    return VialPlan(tuple(chosen), labeled, sum(v.count for v in chosen))


@dataclass(frozen=True)
class _Shelf:
    """A drug's distinct strengths, largest first, as integers, with their swap bounds."""

    ordered: tuple[Presentation, ...]
    scale: Decimal
    strengths: tuple[int, ...]
    swap_bounds: tuple[int, ...]


@functools.lru_cache(maxsize=256)
def _shelf(presentations: tuple[Presentation, ...]) -> _Shelf:
    """Depends on the presentations only, so it is worked out once per drug."""
    by_strength: dict[Decimal, Presentation] = {}
    for presentation in presentations:
        by_strength.setdefault(presentation.strength_mg, presentation)  # first listed wins
    if not by_strength:
        raise ValueError("a plan needs at least one presentation")
    ordered = tuple(sorted(by_strength.values(), key=lambda p: -p.strength_mg))
    exponent = min(min(int(p.strength_mg.as_tuple().exponent) for p in ordered), 0)
    scale = Decimal(10) ** -exponent
    strengths = tuple(int(p.strength_mg * scale) for p in ordered)
    largest = strengths[0]
    swap_bounds = tuple(largest // math.gcd(s, largest) - 1 for s in strengths[1:])
    return _Shelf(ordered, scale, strengths, swap_bounds)


def fullest_plan_within(presentations: Sequence[Presentation], dose_mg: Decimal) -> VialPlan | None:
    """The most labeled amount <= ``dose_mg`` in whole vials (then fewest vials), or None.

    The mirror of the least-waste plan, with the same swap bound on the smaller
    strengths: it is the whole-vial dose just below an order, for dose rounding.
    """
    shelf = _shelf(tuple(presentations))
    dose = math.floor(dose_mg * shelf.scale)
    largest, *smaller = shelf.strengths
    ranges = [
        range(min(swap, dose // s) + 1) for swap, s in zip(shelf.swap_bounds, smaller, strict=True)
    ]
    best: tuple[int, int, tuple[int, ...]] | None = None
    for counts in itertools.product(*ranges):
        amount = sum(c * s for c, s in zip(counts, smaller, strict=True))
        if amount > dose:
            continue
        big = (dose - amount) // largest
        key = (-(amount + big * largest), big + sum(counts), (-big, *(-c for c in counts)))
        if best is None or key < best:
            best = key
    if best is None or best[0] == 0:
        return None
    chosen = [VialCount(p, -c) for p, c in zip(shelf.ordered, best[2], strict=True) if c]
    labeled = sum((v.labeled_mg for v in chosen), Decimal(0))
    return VialPlan(tuple(chosen), labeled, sum(v.count for v in chosen))
