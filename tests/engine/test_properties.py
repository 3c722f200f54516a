"""Hypothesis property tests of the engine's invariants over wide ranges."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import fixture_drug
from doseunits.app.site import load_default_catalog
from doseunits.catalog.model import Drug
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount, least_waste_plan, searched_exhaustively

units = st.sampled_from(["0.1", "0.5", "1", "2.5", "10", "100"])
# Strengths in tenths of a mg, so fractional strengths are covered too.
strengths = st.lists(st.integers(5, 20_000), min_size=1, max_size=4, unique=True).map(
    lambda tenths: [str(Decimal(t) / 10) for t in tenths]
)
dates = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))


@st.composite
def orders(draw: st.DrawFn) -> DoseOrder:
    container = draw(st.sampled_from(["single-dose", "multi-dose"]))
    drug = fixture_drug(draw(units), draw(strengths), container)  # type: ignore[arg-type]
    counts = [draw(st.integers(0, 6)) for _ in drug.presentations]
    if not any(counts):
        counts[0] = 1
    vials = tuple(VialCount(p, n) for p, n in zip(drug.presentations, counts, strict=True))
    labeled = sum((v.labeled_mg for v in vials), Decimal(0))
    hundredths = draw(st.integers(1, int(labeled * 100)))
    administered = Decimal(hundredths) / 100
    return DoseOrder(drug, draw(dates), dose_mg=administered, vials=vials)


@settings(max_examples=400, deadline=None)
@given(orders())
def test_billing_invariants(order: DoseOrder) -> None:
    result = compute(order)
    unit = order.drug.billing_unit_mg
    admin, *rest = result.lines
    # Administered units cover the administered amount, by less than one unit.
    assert admin.units * unit >= result.administered_mg > (admin.units - 1) * unit
    single = sum((v.labeled_mg for v in result.plan.vials if v.presentation.single_dose),
                 Decimal(0))  # fmt: skip
    # The two lines never bill more than the labeled amount, unless rounding up alone does.
    assert (admin.units + result.jw_units) * unit <= single or (
        result.jw_units == 0 and admin.units * unit > single
    )
    if single == 0:  # multi-dose only: neither JW nor JZ
        assert rest == []
        assert admin.modifiers == ()
    elif order.date_of_service >= dt.date(2023, 1, 1):
        # Single-dose: a JW line xor JZ.
        assert (rest != []) != (admin.modifiers == ("JZ",))
    else:
        assert admin.modifiers == ()
    for line in rest:
        assert line.modifiers == ("JW",)
        assert line.units >= 1
    assert result.discarded_mg + result.kept_mg + result.administered_mg == result.labeled_mg


def best_by_dynamic_programming(drug: Drug, dose: Decimal, scale: int = 10) -> tuple[Decimal, int]:
    """An independent oracle: the fewest vials for every reachable amount (1/scale mg)."""
    sizes = [int(p.strength_mg * scale) for p in drug.presentations]
    need = math.ceil(dose * scale)
    top = need + max(sizes)
    fewest = [0] + [math.inf] * top
    for amount in range(1, top + 1):
        for size in sizes:
            if size <= amount and fewest[amount - size] + 1 < fewest[amount]:
                fewest[amount] = fewest[amount - size] + 1
    amount = next(a for a in range(need, top + 1) if fewest[a] != math.inf)
    return Decimal(amount) / scale, int(fewest[amount])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(5, 3_000), min_size=1, max_size=4, unique=True),
    st.integers(1, 6_000),
)
def test_least_waste_plan_matches_an_exhaustive_search(tenths: list[int], dose_tenths: int) -> None:
    drug = fixture_drug("1", [str(Decimal(t) / 10) for t in tenths])
    dose = Decimal(dose_tenths) / 10
    plan = least_waste_plan(drug.presentations, dose)
    assert plan.labeled_mg >= dose
    least_mg, fewest_vials = best_by_dynamic_programming(drug, dose)
    assert plan.labeled_mg == least_mg  # always exact: this is what is billed
    if searched_exhaustively(drug.presentations, dose):
        assert plan.vial_count == fewest_vials
    else:  # finely divided odd strengths: the remainder search may use more vials
        assert plan.vial_count >= fewest_vials


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(20, 400), min_size=1, max_size=3, unique=True), st.integers(1, 400))
def test_least_waste_plan_is_never_worse_than_any_listed_plan(
    sizes: list[int], dose_mg: int
) -> None:
    drug = fixture_drug("1", [str(s) for s in sizes])
    dose = Decimal(dose_mg)
    plan = least_waste_plan(drug.presentations, dose)
    ranges = [range(math.ceil(dose_mg / s) + 1) for s in sizes]
    for counts in itertools.product(*ranges):
        total = sum(c * s for c, s in zip(counts, sizes, strict=True))
        if total >= dose:
            assert (plan.labeled_mg, plan.vial_count) <= (total, sum(counts))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 100_000))
def test_plan_is_exact_up_to_100000_mg(dose_mg: int) -> None:
    nivolumab = load_default_catalog().find("nivolumab")  # four presentations
    plan = least_waste_plan(nivolumab.presentations, Decimal(dose_mg))
    expected = best_by_dynamic_programming(nivolumab, Decimal(dose_mg), scale=1)
    assert (plan.labeled_mg, plan.vial_count) == expected
