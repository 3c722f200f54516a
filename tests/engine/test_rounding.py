"""Dose rounding to whole vials: a suggestion within the site's threshold, at its edges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from doseunits.catalog.model import Catalog
from doseunits.engine.plan import fullest_plan_within
from doseunits.engine.rounding import suggest_rounding


@pytest.mark.parametrize(
    ("drug", "dose", "threshold", "rounded"),
    [
        ("sacituzumab-govitecan", "725", "10", "720"),  # 4 x 180, 0.7% down
        ("atezolizumab", "1050", "10", None),  # 1200 is +14.3%, 840 is -20%
        ("atezolizumab", "1080", "10", None),  # 1200 is +11.1%: outside
        ("atezolizumab", "1091", "10", "1200"),  # +9.99%: inside
        ("atezolizumab", "1090.9", "10", None),  # just over 10% below 1200
        ("atezolizumab", "1200", "10", None),  # already whole vials
        ("nivolumab", "475", "10", "480"),
        ("bevacizumab", "1010", "10", "1000"),  # down wins over up (1100)
        ("bevacizumab", "1050", "10", "1000"),  # tie 50/50: rounds down
        ("sacituzumab-govitecan", "725", "0", None),  # policy off
        ("sacituzumab-govitecan", "100", "10", None),  # nothing whole below 180
    ],
)
def test_rounding_threshold_edges(
    catalog: Catalog, drug: str, dose: str, threshold: str, rounded: str | None
) -> None:
    suggestion = suggest_rounding(catalog.find(drug), Decimal(dose), Decimal(threshold))
    assert (suggestion.rounded_mg if suggestion else None) == (
        Decimal(rounded) if rounded else None
    )


def test_exactly_at_the_threshold_is_inside(catalog: Catalog) -> None:
    drug = catalog.find("sacituzumab-govitecan")  # 200 mg: 180 is exactly 10% below
    suggestion = suggest_rounding(drug, Decimal(200), Decimal(10))
    assert suggestion is not None
    assert suggestion.rounded_mg == 180
    assert suggestion.change_percent == -10
    assert suggest_rounding(drug, Decimal(200), Decimal("9.99")) is None


def test_suggestion_says_what_it_saves(catalog: Catalog) -> None:
    suggestion = suggest_rounding(catalog.find("sacituzumab-govitecan"), Decimal(725), Decimal(10))
    assert suggestion is not None
    assert suggestion.waste_saved_mg == 175
    assert "prescriber approval" in suggestion.describe()


def test_fullest_plan_within(catalog: Catalog) -> None:
    nivolumab = catalog.find("nivolumab").presentations
    plan = fullest_plan_within(nivolumab, Decimal(475))
    assert plan is not None
    assert plan.labeled_mg == 460
    assert fullest_plan_within(nivolumab, Decimal(39)) is None
