"""docs/billing-rules.md §3.7 with single-dose and multi-dose vials of one drug: the plan
discards the least, then holds the least labeled amount, then opens the fewest vials."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import TODAY, fixture_drug
from doseunits.catalog.model import Drug, Presentation
from doseunits.engine.billing import compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount, VialPlan, least_waste_plan
from doseunits.engine.rounding import suggest_rounding


def mixed(single: list[str], multi: list[str]) -> Drug:
    drug = fixture_drug("10", single)
    others = fixture_drug("10", multi, "multi-dose").presentations
    others = tuple(dataclasses.replace(p, ndc=p.ndc._replace(package="02"))
                   for p in others)  # fmt: skip
    return dataclasses.replace(drug, presentations=(*drug.presentations, *others))


def test_the_issues_example_280_mg() -> None:
    """280 mg from 150 mg single-dose and 420 mg multi-dose vials: one 420 mg vial (nothing
    discarded, 140 mg kept), not two 150 mg vials (20 mg discarded, JW 2)."""
    drug = mixed(["150"], ["420"])
    plan = least_waste_plan(drug.presentations, Decimal(280))
    assert plan.describe() == "1 x 420 mg"
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(280)))
    assert [(ln.modifiers, ln.units) for ln in result.lines] == [((), 28)]
    assert (result.discarded_mg, result.kept_mg) == (Decimal(0), Decimal(140))
    # Two 150 mg vials typed in: the extra waste is warned about, against that plan.
    typed = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(280),
                              vials=(VialCount(drug.presentations[0], 2),)))  # fmt: skip
    assert [(ln.modifiers, ln.units) for ln in typed.lines] == [((), 28), (("JW",), 2)]
    (told,) = [w.text for w in typed.warnings if w.field == "vials"]
    assert "least-waste plan for 280 mg is 1 x 420 mg" in told
    assert "extra 20 mg of waste" in told
    # And the rounding suggestion sees no waste to save (the multi-dose rest is kept).
    assert suggest_rounding(drug, Decimal(280), Decimal(10)) is None


def test_single_dose_vials_used_up_still_come_first_on_labeled_amount() -> None:
    """CGS's 300 mg from 100 mg vials stays three of them beside a 420 mg multi-dose vial:
    nothing discarded either way, and 300 mg labeled is less than 420 mg."""
    drug = mixed(["100"], ["420"])
    assert least_waste_plan(drug.presentations, Decimal(300)).describe() == "3 x 100 mg"
    assert least_waste_plan(drug.presentations, Decimal(350)).describe() == "1 x 420 mg"
    both = mixed(["150"], ["420"])
    assert least_waste_plan(both.presentations, Decimal(500)).describe() == (
        "1 x 420 mg + 1 x 150 mg"
    )


def score(plan: VialPlan, dose: Decimal) -> tuple[Decimal, Decimal, int]:
    return plan.discarded_mg(dose), plan.labeled_mg, plan.vial_count


def every_plan(presentations: tuple[Presentation, ...], dose: Decimal) -> list[VialPlan]:
    """Every count of each presentation up to what alone covers the dose (a count beyond
    that only adds labeled amount and vials, so it is never better)."""
    bounds = [int(dose // p.strength_mg) + 1 for p in presentations]
    plans = []
    for counts in itertools.product(*(range(b + 1) for b in bounds)):
        plan = VialPlan.of(VialCount(p, n) for p, n in zip(presentations, counts, strict=True))
        if plan.labeled_mg >= dose:
            plans.append(plan)
    return plans


strengths = st.integers(min_value=1, max_value=60).map(lambda n: str(n * 5))


@settings(max_examples=150, deadline=None)
@given(
    single=st.lists(strengths, min_size=1, max_size=2, unique=True),
    multi=st.lists(strengths, min_size=1, max_size=2, unique=True),
    dose=st.integers(min_value=1, max_value=700).map(lambda n: Decimal(n) / 2),
)
def test_the_mixed_plan_is_never_beaten_by_any_plan_enumerated(
    single: list[str], multi: list[str], dose: Decimal
) -> None:
    """Least discarded first, then least labeled, then fewest vials: no enumerated plan
    scores better, and the plan covers the dose."""
    if set(single) & set(multi):
        return  # one strength in both containers: the catalog would list two NDCs
    drug = mixed(single, multi)
    plan = least_waste_plan(drug.presentations, dose)
    assert plan.labeled_mg >= dose
    best = min(score(p, dose) for p in every_plan(drug.presentations, dose))
    assert score(plan, dose) == best
    assert plan.discarded_mg(dose) == 0  # a multi-dose vial always makes that possible
