"""Dose rounding to whole vials (HOPA: within 10% of the ordered dose), as a suggestion.

A site turns it on with a threshold; the app suggests the nearest whole-vial dose and
the waste it saves, and applies it only when the user accepts (docs/billing-rules.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from doseunits.catalog.model import Drug
from doseunits.engine.plan import VialPlan, fullest_plan_within, least_waste_plan
from doseunits.quantities import fmt

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RoundingSuggestion:
    ordered_mg: Decimal
    rounded_mg: Decimal
    plan: VialPlan
    waste_saved_mg: Decimal
    threshold_percent: Decimal
    ordered_basis: str = ""  # how a weight-based dose was ordered; empty for a flat one
    # The drug's measure: the unit of the amounts above (named *_mg since every drug was).
    unit: str = "mg"

    @property
    def change_percent(self) -> Decimal:
        return (self.rounded_mg - self.ordered_mg) / self.ordered_mg * HUNDRED

    def describe(self) -> str:
        direction = "down" if self.rounded_mg < self.ordered_mg else "up"
        u = self.unit
        return (
            f"Site policy allows rounding within {fmt(self.threshold_percent)}%: "
            f"{fmt(self.ordered_mg)} {u} rounds {direction} to {fmt(self.rounded_mg)} {u} "
            f"({self.plan.describe()}, {abs(self.change_percent):.1f}% {direction}), saving "
            f"{fmt(self.waste_saved_mg)} {u} of waste. Needs prescriber approval per policy."
        )


def suggest_rounding(
    drug: Drug, ordered_mg: Decimal, threshold_percent: Decimal
) -> RoundingSuggestion | None:
    """The nearest whole-vial dose within the threshold (ties round down), if it saves waste."""
    if threshold_percent <= 0 or ordered_mg <= 0:
        return None
    up = least_waste_plan(drug.presentations, ordered_mg)
    waste = up.discarded_mg(ordered_mg)  # a multi-dose vial's rest is kept, not wasted
    if waste == 0:
        return None  # already a whole-vial dose, or nothing would be thrown away
    down = fullest_plan_within(drug.presentations, ordered_mg)
    limit = ordered_mg * threshold_percent / HUNDRED
    candidates = [(ordered_mg - down.labeled_mg, 0, down)] if down else []
    candidates.append((up.labeled_mg - ordered_mg, 1, up))
    distance, _, plan = min(candidates, key=lambda c: (c[0], c[1]))
    if distance > limit:
        return None
    return RoundingSuggestion(
        ordered_mg, plan.labeled_mg, plan, waste, threshold_percent, unit=drug.measure.symbol
    )
