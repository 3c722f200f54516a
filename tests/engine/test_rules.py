"""Rules 1-7 of docs/billing-rules.md §3: the sources' worked examples and ones drawn from them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from conftest import TODAY, fixture_drug
from doseunits.catalog.model import Catalog
from doseunits.engine.billing import BillingResult, compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount
from doseunits.errors import InputError


def run(
    unit: str,
    vials: list[tuple[str, int]],
    administered: str,
    date: dt.date = TODAY,
    container: str = "single-dose",
) -> BillingResult:
    strengths = sorted({s for s, _ in vials}, key=Decimal)
    drug = fixture_drug(
        unit, strengths, "multi-dose" if container == "multi-dose" else "single-dose"
    )
    by_strength = {p.strength_mg: p for p in drug.presentations}
    counts = tuple(VialCount(by_strength[Decimal(s)], n) for s, n in vials)
    return compute(DoseOrder(drug, date, dose_mg=Decimal(administered), vials=counts))


def summary(result: BillingResult) -> list[tuple[tuple[str, ...], int]]:
    return [(line.modifiers, line.units) for line in result.lines]


# docs/billing-rules.md §3, the sources' table.
@pytest.mark.parametrize(
    ("source", "unit", "vials", "administered", "expected"),
    [
        ("Noridian JD", "1", [("100", 1)], "95", [((), 95), (("JW",), 5)]),
        ("Noridian JD", "100", [("100", 1)], "70", [(("JZ",), 1)]),
        ("Claims Manual 17 §40", "10", [("10", 1)], "7", [(("JZ",), 1)]),
        ("Noridian JF J1745", "10", [("100", 4)], "400", [(("JZ",), 40)]),
        ("CGS", "10", [("100", 4)], "305", [((), 31), (("JW",), 9)]),
    ],
)
def test_worked_examples_from_the_sources(
    source: str, unit: str, vials: list[tuple[str, int]], administered: str, expected: object
) -> None:
    assert summary(run(unit, vials, administered)) == expected, source


def test_atezolizumab_1050_from_one_1200_vial(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal("1050")))
    admin, jw = result.lines
    assert (admin.hcpcs, admin.modifiers, admin.units) == ("J9022", (), 105)
    assert (jw.hcpcs, jw.modifiers, jw.units) == ("J9022", ("JW",), 15)
    assert admin.ndcs[0].n4 == "N450242091701 ML17.5"
    assert jw.ndcs[0].n4 == "N450242091701 ML2.5"
    assert result.discarded_mg == Decimal(150)


def test_decimal_not_float_1050_1_mg_is_106_units(catalog: Catalog) -> None:
    result = compute(DoseOrder(catalog.find("J9022"), TODAY, dose_mg=Decimal("1050.1")))
    assert result.admin_units == 106
    assert result.jw_units == 14  # 1200 - 1060 = 140 mg


# Derived from the rules (at least ten).
@pytest.mark.parametrize(
    ("case", "unit", "vials", "administered", "expected"),
    [
        ("fractional unit, whole units", "2.5", [("180", 1)], "175", [((), 70), (("JW",), 2)]),
        ("fractional unit rounds up", "2.5", [("180", 1)], "176", [((), 71), (("JW",), 1)]),
        ("fractional, sub-unit waste is JZ", "2.5", [("180", 1)], "178", [(("JZ",), 72)]),
        ("half-mg unit", "0.5", [("10", 1)], "7.3", [((), 15), (("JW",), 5)]),
        ("waste just under a unit", "10", [("100", 1)], "91", [(("JZ",), 10)]),
        ("waste exactly one unit", "10", [("100", 1)], "90", [((), 9), (("JW",), 1)]),
        ("two presentations", "10", [("1200", 1), ("840", 1)], "1680", [((), 168), (("JW",), 36)]),
        ("several vials of one", "1", [("240", 2), ("40", 1)], "500", [((), 500), (("JW",), 20)]),
        ("dose equals labeled", "10", [("840", 2)], "1680", [(("JZ",), 168)]),
        ("tiny dose, big vial", "10", [("1200", 1)], "0.01", [((), 1), (("JW",), 119)]),
    ],
)
def test_derived_examples(
    case: str, unit: str, vials: list[tuple[str, int]], administered: str, expected: object
) -> None:
    assert summary(run(unit, vials, administered)) == expected, case


@pytest.mark.parametrize(
    ("date", "modifiers"),
    [
        (dt.date(2022, 12, 31), ()),
        (dt.date(2023, 1, 1), ("JZ",)),
        (dt.date(2023, 6, 30), ("JZ",)),
        (dt.date(2023, 7, 1), ("JZ",)),
    ],
)
def test_jz_starts_on_2023_01_01(date: dt.date, modifiers: tuple[str, ...]) -> None:
    result = run("10", [("100", 4)], "400", date=date)
    assert summary(result) == [(modifiers, 40)]
    if not modifiers:
        assert any("before 2023-01-01" in step for step in result.steps)


def test_jw_line_before_2017_is_kept_with_a_warning() -> None:
    result = run("10", [("100", 1)], "50", date=dt.date(2016, 12, 31))
    assert summary(result) == [((), 5), (("JW",), 5)]
    assert [w.field for w in result.warnings] == ["date"]


def test_multi_dose_gets_neither_jw_nor_jz() -> None:
    result = run("10", [("420", 1)], "300", container="multi-dose")
    assert summary(result) == [((), 30)]
    assert result.discarded_mg == 0
    assert result.kept_mg == 120


def test_mixed_containers_draw_single_dose_first() -> None:
    drug = fixture_drug("10", ["150"])
    multi = fixture_drug("10", ["420"], "multi-dose").presentations[0]
    mixed = dataclasses.replace(drug, presentations=(*drug.presentations, multi))
    order = DoseOrder(
        mixed, TODAY, dose_mg=Decimal(500),
        vials=(VialCount(drug.presentations[0], 1), VialCount(multi, 1)),
    )  # fmt: skip
    result = compute(order)
    # 150 mg single-dose used up, 350 mg from the multi-dose vial: nothing wasted, so JZ.
    assert summary(result) == [(("JZ",), 50)]
    assert result.kept_mg == 70


def test_what_stays_in_a_multi_dose_vial_is_not_called_waste() -> None:
    """Trastuzumab-like: 150 mg single-dose and 420 mg multi-dose. 300 mg from the 420 mg
    vial keeps 120 mg in it; 500 mg from two 420 mg vials keeps 340 mg. Neither is waste,
    so no least-waste warning, and no rounding that would "save" it."""
    from doseunits.engine.rounding import suggest_rounding

    drug = fixture_drug("10", ["150"])
    multi = fixture_drug("10", ["420"], "multi-dose").presentations[0]
    mixed = dataclasses.replace(drug, presentations=(*drug.presentations, multi))
    for dose, count in (("300", 1), ("500", 2)):
        order = DoseOrder(mixed, TODAY, dose_mg=Decimal(dose), vials=(VialCount(multi, count),))
        result = compute(order)
        assert result.discarded_mg == 0
        assert not [w.text for w in result.warnings if w.field == "vials"], dose
    assert suggest_rounding(mixed, Decimal(400), Decimal(10)) is None  # 420 multi-dose: kept
    # Single-dose vials opened beyond the plan are still waste, and said to be.
    extra = compute(DoseOrder(mixed, TODAY, dose_mg=Decimal(300),
                              vials=(VialCount(drug.presentations[0], 3),)))  # fmt: skip
    (told,) = [w.text for w in extra.warnings if w.field == "vials"]
    assert "extra 150 mg of waste" in told


def test_weight_based_with_cap(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    order = DoseOrder(
        drug, TODAY, dose_per_kg_mg=Decimal(15), weight_kg=Decimal(95), max_dose_mg=Decimal(1200)
    )
    result = compute(order)
    assert result.ordered_mg == 1200
    assert "capped" in result.dose_basis
    assert summary(result) == [(("JZ",), 120)]


def test_sacituzumab_10_mg_per_kg_for_72_5_kg(catalog: Catalog) -> None:
    drug = catalog.find("J9317")
    result = compute(DoseOrder(drug, TODAY, dose_per_kg_mg=Decimal(10), weight_kg=Decimal("72.5")))
    assert result.ordered_mg == 725
    assert result.plan.describe() == "5 x 180 mg"
    assert summary(result) == [((), 290), (("JW",), 70)]
    assert result.discarded_ml == Decimal("17.5")


def test_infusion_stopped_early_counts_the_rest_as_discarded(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(1200), administered_mg=Decimal(900)))
    assert summary(result) == [((), 90), (("JW",), 30)]
    assert [w.field for w in result.warnings] == ["administered"]
    assert result.draw_ml == 20


def test_given_vials_wasting_more_than_the_plan_warn(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    big = drug.presentations[0]
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(800), vials=(VialCount(big, 1),)))
    assert summary(result) == [((), 80), (("JW",), 40)]
    (warning,) = result.warnings
    assert warning.field == "vials"
    assert "1 x 840 mg" in warning.text


def test_several_ndcs_on_one_line_each_with_its_quantity(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    vials = tuple(VialCount(p, 1) for p in drug.presentations)
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(2000), vials=vials))
    admin, jw = result.lines
    assert [(str(q.ndc), q.quantity_text) for q in admin.ndcs] == [
        ("50242-0917-01", "20"),
        ("50242-0918-01", "13.333"),
    ]
    assert [(str(q.ndc), q.quantity_text) for q in jw.ndcs] == [("50242-0918-01", "0.667")]
    assert (admin.units, jw.units) == (200, 4)


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"dose_mg": Decimal(0)}, "dose", "more than 0"),
        ({"dose_mg": Decimal(-5)}, "dose", "more than 0"),
        ({"dose_mg": Decimal(100001)}, "dose", "at most 100000"),
        ({"dose_per_kg_mg": Decimal(10)}, "weight", "weight"),
        ({"dose_per_kg_mg": Decimal(10), "weight_kg": Decimal(0)}, "weight", "more than 0"),
        ({"dose_mg": Decimal(10), "dose_per_kg_mg": Decimal(1)}, "dose", "not both"),
        ({}, "dose", "Type the ordered dose"),
        ({"dose_mg": Decimal(100), "administered_mg": Decimal(101)}, "administered", "more than"),
        ({"dose_mg": Decimal(100), "max_dose_mg": Decimal(0)}, "max_dose", "more than 0"),
    ],
)
def test_bad_orders_name_their_field(
    catalog: Catalog, kwargs: dict[str, Decimal], field: str, words: str
) -> None:
    with pytest.raises(InputError, match=words) as caught:
        compute(DoseOrder(catalog.find("atezolizumab"), TODAY, **kwargs))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_vials_that_do_not_cover_the_dose_are_refused(catalog: Catalog) -> None:
    drug = catalog.find("atezolizumab")
    small = drug.presentations[1]
    with pytest.raises(InputError, match="less than the 1050 mg administered") as caught:
        compute(DoseOrder(drug, TODAY, dose_mg=Decimal(1050), vials=(VialCount(small, 1),)))
    assert caught.value.field == "vials"


def test_vials_of_another_drug_are_refused(catalog: Catalog) -> None:
    other = catalog.find("nivolumab").presentations[0]
    with pytest.raises(InputError, match="not a presentation"):
        compute(
            DoseOrder(catalog.find("atezolizumab"), TODAY, dose_mg=Decimal(40),
                      vials=(VialCount(other, 1),))
        )  # fmt: skip


def test_steps_explain_the_arithmetic(catalog: Catalog) -> None:
    result = compute(DoseOrder(catalog.find("atezolizumab"), TODAY, dose_mg=Decimal(1050)))
    text = "\n".join(result.steps)
    assert "1050 mg / 10 mg = 105, rounded up to 105" in text
    assert "(1200 mg single-dose labeled - 105 x 10 mg already billed) / 10 mg" in text


def test_finely_divided_site_strengths_are_refused_not_searched_for_minutes() -> None:
    from doseunits.engine.plan import PlanTooLarge

    drug = fixture_drug("1", ["997", "991", "0.001", "977"])
    with pytest.raises(PlanTooLarge, match="give the opened vials"):
        compute(DoseOrder(drug, TODAY, dose_mg=Decimal(90000)))
    given = (VialCount(drug.presentations[0], 10),)
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(9000), vials=given))
    assert result.admin_units == 9000
    assert any("least-waste comparison could not" in w.text for w in result.warnings)


def test_overfill_is_refused_with_what_may_be_billed(catalog: Catalog) -> None:
    """docs/billing-rules.md §3.2a: Trodelvy 181 mg from one 180 mg vial: the labeled 180 mg
    may be billed (72 units of 2.5 mg, JZ), the overfill never."""
    from doseunits.engine.plan import VialCount

    drug = catalog.find("J9317")
    vial = (VialCount(drug.presentations[0], 1),)
    with pytest.raises(InputError) as raised:
        compute(DoseOrder(drug, TODAY, dose_mg=Decimal(181), vials=vial))
    assert raised.value.field == "vials"
    message = str(raised.value)
    assert message.startswith("The opened vials hold 180 mg, less than the 181 mg administered")
    assert "enter 180 mg (the labeled amount, 72 units with JZ) as administered" in message
    assert "overfill" in message
    billed = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(180), vials=vial))
    assert [(line.modifiers, line.units) for line in billed.lines] == [(("JZ",), 72)]
