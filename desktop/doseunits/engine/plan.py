"""Which vials to open: the least-waste plan over a drug's presentations.

Least waste means the least discarded (what is left in the single-dose vials, which are
drawn first; a multi-dose vial keeps its rest), then the least labeled amount that covers
the dose, then the fewest vials (CMS/CGS: a 300 mg dose from 100 mg and 400 mg vials is
three 100 mg vials; 280 mg from 150 mg single-dose and 420 mg multi-dose vials is one
420 mg vial, nothing discarded, not two 150 mg vials and 20 mg discarded). A vial whose
container is not confirmed is planned as single-dose (docs/billing-rules.md §3.6a).
With one kind of container the first two are the same: the least labeled amount.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from doseunits.catalog.model import Presentation
from doseunits.errors import InputError
from doseunits.quantities import fmt

#: Up to this many combinations of the smaller vials are simply enumerated; beyond it
#: the search goes by remainders modulo the largest strength, up to MAX_REMAINDERS of
#: them (in the drug's smallest unit); past both, only odd site strengths, it refuses.
MAX_COMBINATIONS = 50_000
MAX_REMAINDERS = 300_000


class PlanTooLarge(InputError):
    """The exact least-waste search over these presentations would take too long."""


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
        return " + ".join(f"{v.count} x {v.presentation.strength}" for v in self.vials)

    @property
    def single_dose_mg(self) -> Decimal:
        """The labeled amount of the single-dose vials: what JW and JZ are worked out from."""
        return sum((v.labeled_mg for v in self.vials if v.presentation.single_dose), Decimal(0))

    @property
    def may_discard_mg(self) -> Decimal:
        """The labeled amount of the vials whose rest may have to be discarded: single-dose
        and, until their label is checked, unconfirmed (docs/billing-rules.md §3.6a)."""
        return sum((v.labeled_mg for v in self.vials if plans_single(v.presentation)), Decimal(0))

    def discarded_mg(self, dose_mg: Decimal) -> Decimal:
        """What is thrown away when ``dose_mg`` is drawn from these vials: the rest of the
        single-dose vials, which are drawn first. What stays in a multi-dose vial is kept;
        an unconfirmed vial counts as single-dose, the cautious choice (§3.6a)."""
        return max(Decimal(0), self.may_discard_mg - dose_mg)


def plans_single(presentation: Presentation) -> bool:
    """Planned as single-dose: a single-dose vial, or one whose container is not confirmed
    (docs/billing-rules.md §3.6a: its rest may have to be discarded, so a plan must not
    count on keeping it as it would a multi-dose vial's)."""
    return presentation.container != "multi-dose"


def least_waste_plan(presentations: Sequence[Presentation], dose_mg: Decimal) -> VialPlan:
    """The least-waste plan, remembered: the window asks again on every keystroke."""
    return _least_waste_plan(tuple(presentations), dose_mg)


@functools.lru_cache(maxsize=4096)
def _least_waste_plan(presentations: tuple[Presentation, ...], dose_mg: Decimal) -> VialPlan:
    """The least-waste plan: with single-dose and multi-dose vials mixed, ``_mixed_plan``;
    otherwise the least labeled amount >= ``dose_mg``, then the fewest vials.

    Exact: amounts are scaled to integers. Only the largest strength is left free;
    each smaller one is bounded, because ``lcm / s_i`` vials of strength ``s_i`` can
    always be swapped for fewer vials of the largest strength holding the same
    amount, and because a vial whose removal still covers the dose is never needed.
    Ties go to more of the larger vials, so the result is deterministic.
    """
    if dose_mg <= 0:
        raise ValueError("a plan needs a dose above 0")
    kinds = {plans_single(p) for p in presentations}
    if len(kinds) == 2:
        return _mixed_plan(presentations, dose_mg)
    shelf = _shelf(presentations)
    dose = math.ceil(dose_mg * shelf.scale)
    largest = shelf.strengths[0]

    def total(amount: int, vials: int) -> tuple[int, int, int]:
        big = max(0, -(-(dose - amount) // largest))
        return amount + big * largest, vials + big, big

    bounds = [-(-dose // s) for s in shelf.strengths[1:]]
    return _best_plan(shelf, bounds, total, dose_mg)


Score = Callable[[int, int], "tuple[int, int, int] | None"]


def _best_plan(shelf: _Shelf, dose_bounds: list[int], score: Score, dose_mg: Decimal) -> VialPlan:
    """The combination of smaller vials that ``score`` likes best, topped up with the largest.

    ``score(amount, vials)`` of the smaller vials gives (sort key, vial count, largest
    vials), or None when the combination can't be used; the least key wins. Up to
    MAX_COMBINATIONS combinations are enumerated: exact on both counts. Beyond that
    (only odd, finely divided site strengths) the smallest amount for each remainder
    modulo the largest strength is found by Dijkstra's algorithm: still exact for the
    labeled amount, hence for the units billed, since adding largest vials never
    changes the remainder; among plans of equal amount it may miss the fewest vials.
    """
    largest, *smaller = shelf.strengths
    ranges = [
        range(min(swap, bound) + 1)
        for swap, bound in zip(shelf.swap_bounds, dose_bounds, strict=True)
    ]
    if _combinations(ranges) <= MAX_COMBINATIONS:
        best: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        for combination in itertools.product(*ranges):
            amount = sum(c * s for c, s in zip(combination, smaller, strict=True))
            key = score(amount, sum(combination))
            if key is None:
                continue
            # Ties go to more of the larger vials, so the plan is deterministic.
            order = (key[0], key[1], -key[2], *(-c for c in combination))
            if best is None or order < best[0]:
                best = order, (key[2], *combination)
        if best is None:
            return VialPlan((), Decimal(0), 0)
        big, *rest = best[1]
        counts = tuple(rest)
    elif largest <= MAX_REMAINDERS:
        found = _by_remainder(largest, smaller, score)
        if found is None:
            return VialPlan((), Decimal(0), 0)
        big, counts = found
    else:
        raise PlanTooLarge(
            "The vial strengths of this drug are too finely divided to work out the "
            f"least-waste plan for {fmt(dose_mg)} {shelf.ordered[0].measure} exactly; give the "
            "opened vials.",
            "vials",
        )
    chosen = [VialCount(p, c) for p, c in zip(shelf.ordered, (big, *counts), strict=True) if c]
    labeled = sum((v.labeled_mg for v in chosen), Decimal(0))
    return VialPlan(tuple(chosen), labeled, sum(v.count for v in chosen))


def _mixed_plan(presentations: tuple[Presentation, ...], dose_mg: Decimal) -> VialPlan:
    """Single-dose and multi-dose vials mixed (docs/billing-rules.md §3.7): least discarded,
    then least labeled, then fewest vials, exactly.

    Any multi-dose vial lets a plan discard nothing (single-dose vials holding at most the
    dose, drawn first and used up; multi-dose vials for the rest), so the plan is the
    least labeled amount ``S + M >= dose`` with single-dose amount ``S <= dose``, then the
    fewest vials: for every ``S`` the fewest single-dose vials that make it (coin change),
    and the least multi-dose amount ``M`` that tops it up, with its fewest vials. Amounts
    are counted in steps of the strengths' greatest common divisor; past MAX_REMAINDERS
    steps (only odd site strengths) it refuses, as the search for one kind does.
    """
    singles = _shelf(tuple(p for p in presentations if plans_single(p)))
    multis = _shelf(tuple(p for p in presentations if not plans_single(p)))
    places = max(max(0, -int(d.as_tuple().exponent)) for d in (singles.scale, multis.scale))
    scaled = [int(p.strength_mg.scaleb(places)) for p in (*singles.ordered, *multis.ordered)]
    step = math.gcd(*scaled)
    dose = math.ceil(dose_mg.scaleb(places) / step)  # the cover, in whole steps
    within = math.floor(dose_mg.scaleb(places) / step)  # the most single-dose not to discard
    single_sizes = scaled[: len(singles.ordered)]
    multi_sizes = scaled[len(singles.ordered) :]
    top = dose + max(multi_sizes) // step
    if top > MAX_REMAINDERS:
        raise PlanTooLarge(
            "The vial strengths of this drug are too finely divided to work out the "
            f"least-waste plan for {fmt(dose_mg)} {singles.ordered[0].measure} exactly; give "
            "the opened vials.",
            "vials",
        )
    fewest_s, last_s = _fewest_vials([n // step for n in single_sizes], within)
    fewest_m, last_m = _fewest_vials([n // step for n in multi_sizes], top)
    # up[k]: the least multi-dose amount >= k that whole vials make (the next reachable).
    up = [top + 1] * (top + 2)
    for k in range(top, -1, -1):
        up[k] = k if fewest_m[k] >= 0 else up[k + 1]
    best: tuple[int, int, int] | None = None  # (labeled, vials, -single-dose amount)
    chosen = (0, 0)
    for s in range(within, -1, -1):  # more single-dose first on a tie: it is used up anyway
        if fewest_s[s] < 0:
            continue
        m = up[dose - s] if s < dose else 0
        if m > top:
            continue
        key = (s + m, fewest_s[s] + fewest_m[m], -s)
        if best is None or key < best:
            best, chosen = key, (s, m)
    counts: dict[Presentation, int] = {}
    for total, last, shelf in ((chosen[0], last_s, singles), (chosen[1], last_m, multis)):
        sizes = [int(p.strength_mg.scaleb(places)) // step for p in shelf.ordered]
        while total:
            index = last[total]
            counts[shelf.ordered[index]] = counts.get(shelf.ordered[index], 0) + 1
            total -= sizes[index]
    return VialPlan.of(VialCount(p, n) for p, n in counts.items())


def _fewest_vials(sizes: list[int], top: int) -> tuple[list[int], list[int]]:
    """For every amount 0..top (in steps): the fewest vials of these sizes that make it
    exactly (-1: none do), and the index of the size that last went in (ties to the
    larger vial, which comes first)."""
    fewest = [-1] * (top + 1)
    last = [-1] * (top + 1)
    fewest[0] = 0
    for amount in range(1, top + 1):
        for index, size in enumerate(sizes):
            before = amount - size
            if (
                before >= 0
                and fewest[before] >= 0
                and (fewest[amount] < 0 or fewest[before] + 1 < fewest[amount])
            ):
                fewest[amount] = fewest[before] + 1
                last[amount] = index
    return fewest, last


def _combinations(ranges: list[range]) -> int:
    return math.prod(len(r) for r in ranges)


def searched_exhaustively(presentations: Sequence[Presentation], dose_mg: Decimal) -> bool:
    """Whether the least-waste plan for this dose came from the exhaustive search."""
    shelf = _shelf(tuple(presentations))
    dose = math.ceil(dose_mg * shelf.scale)
    bounds = [-(-dose // s) for s in shelf.strengths[1:]]
    ranges = [range(min(w, b) + 1) for w, b in zip(shelf.swap_bounds, bounds, strict=True)]
    return _combinations(ranges) <= MAX_COMBINATIONS


def _by_remainder(
    largest: int, smaller: list[int], score: Score
) -> tuple[int, tuple[int, ...]] | None:
    settled: dict[int, tuple[int, int]] = {}
    queue = [(0, 0, 0)]
    while queue:
        amount, vials, remainder = heapq.heappop(queue)
        if remainder in settled:
            continue
        settled[remainder] = (amount, vials)
        for size in smaller:
            nxt = (remainder + size) % largest
            if nxt not in settled:
                heapq.heappush(queue, (amount + size, vials + 1, nxt))
    # Walk back from the winning remainder only: each step is a vial whose removal
    # leads to a settled remainder at exactly that smaller distance.
    scored = [(score(a, v), r) for r, (a, v) in settled.items()]
    usable = [(key, r) for key, r in scored if key is not None]
    if not usable:
        return None
    key, winner = min(usable)
    counts = [0] * len(smaller)
    remainder, (amount, vials) = winner, settled[winner]
    while amount:
        for index, size in enumerate(smaller):
            before = (remainder - size) % largest
            if before in settled and settled[before] == (amount - size, vials - 1):
                counts[index] += 1
                remainder, amount, vials = before, amount - size, vials - 1
                break
        else:  # pragma: no cover - Dijkstra's settled distances always have a predecessor
            raise AssertionError("no path back")
    return key[2], tuple(counts)


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

    The mirror of the least-waste plan, by the same search: it is the whole-vial dose
    just below an order, for dose rounding.
    """
    shelf = _shelf(tuple(presentations))
    dose = math.floor(dose_mg * shelf.scale)
    largest = shelf.strengths[0]

    def total(amount: int, vials: int) -> tuple[int, int, int] | None:
        if amount > dose:
            return None
        big = (dose - amount) // largest
        return -(amount + big * largest), vials + big, big

    bounds = [dose // s for s in shelf.strengths[1:]]
    plan = _best_plan(shelf, bounds, total, dose_mg)
    return plan if plan.labeled_mg else None


class LabeledAmounts:
    """Every labeled amount whole vials of one drug can make, found once and extended as
    doses grow: the claim audit's fast answer to "the least labeled amount that holds this
    dose" (the least-waste search, ~30-400 us a dose, made a month of claims 5x slower).
    """

    def __init__(self, strengths: list[Decimal]) -> None:
        places = max(max(0, -int(s.as_tuple().exponent)) for s in strengths)
        scaled = [int(s.scaleb(places)) for s in strengths]
        step = math.gcd(*scaled)
        self.step_mg = Decimal(step).scaleb(-places)
        self.sizes = sorted({n // step for n in scaled})
        self.made = bytearray(b"\x01")  # made[k]: k steps of labeled amount can be made

    #: Steps the table may hold (100 KB): strengths like 100.01 and 40 mg would need
    #: millions for a large dose; beyond this the audit asks the least-waste search.
    MAX_STEPS = 100_000

    def least_at_least(self, dose_mg: Decimal) -> Decimal | None:
        """The least amount whole vials can make that holds ``dose_mg``; None past the cap."""
        needed = math.ceil(dose_mg / self.step_mg)
        made, sizes = self.made, self.sizes
        if needed + sizes[-1] > self.MAX_STEPS:
            return None
        while len(made) <= needed + sizes[-1]:
            k = len(made)
            made.append(any(made[k - size] for size in sizes if size <= k))
        k = needed
        while not made[k]:
            k += 1
        return k * self.step_mg
