"""docs/billing-rules.md §3.6a: an unconfirmed container bills the administered line only;
a presentation without a confirmed volume gives its NDC quantity in UN, with a warning."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from string import Template

import pytest

from conftest import TODAY, fixture_drug
from doseunits.app.site import default_template_path, load_template
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Container, Drug
from doseunits.catalog.ndc import Ndc
from doseunits.engine.billing import BillingResult, compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount, least_waste_plan
from doseunits.outputs.note import line_text, render_note
from doseunits.outputs.result_text import (
    as_dict,
    as_text,
    discarded_amount_text,
    discarded_units_text,
)

D0 = Decimal(0)
UNCONFIRMED = Path(__file__).resolve().parents[1] / "data" / "unconfirmed.toml"


@pytest.fixture(scope="module")
def pembrolizumab() -> Drug:
    (drug,) = load_catalog([UNCONFIRMED]).drugs
    return drug


def bill(drug: Drug, dose: str, vials: list[tuple[int, int]] | None = None) -> BillingResult:
    counts = None
    if vials is not None:
        counts = tuple(VialCount(drug.presentations[i], n) for i, n in vials)
    return compute(DoseOrder(drug, TODAY, dose_mg=Decimal(dose), vials=counts))


def with_container(drug: Drug, container: Container, volume: str | None = None) -> Drug:
    presentations = tuple(
        dataclasses.replace(
            p, container=container, volume_ml=Decimal(volume) if volume else p.volume_ml
        )
        for p in drug.presentations
    )
    return dataclasses.replace(drug, presentations=presentations)


def test_waste_from_an_unconfirmed_vial_gets_no_jw_line(pembrolizumab: Drug) -> None:
    result = bill(pembrolizumab, "150", [(0, 2)])  # 150 mg from two 100 mg vials
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 150)]
    assert result.jw_units == 0
    assert not result.jz
    (warning,) = [w for w in result.warnings if "not confirmed" in w.text]
    assert warning.field == "vials"
    assert "single-dose: JW/JZ apply; multi-dose: neither" in warning.text
    assert "not ready until the label is checked" in warning.text
    assert any("not confirmed" in step for step in result.steps)


def test_no_waste_from_an_unconfirmed_vial_gets_no_jz(pembrolizumab: Drug) -> None:
    result = bill(pembrolizumab, "200", [(0, 2)])
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 200)]


def test_once_confirmed_single_dose_jw_and_jz_apply(pembrolizumab: Drug) -> None:
    single = with_container(pembrolizumab, "single-dose", "4")
    result = bill(single, "150", [(0, 2)])
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 150), (("JW",), 50)]
    assert not [w for w in result.warnings if "not confirmed" in w.text]
    assert [(line.modifiers, line.units) for line in bill(single, "200", [(0, 2)]).lines] == [
        (("JZ",), 200)
    ]


def test_once_confirmed_multi_dose_neither(pembrolizumab: Drug) -> None:
    result = bill(with_container(pembrolizumab, "multi-dose"), "150", [(0, 2)])
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 150)]
    assert result.kept_mg == 50


def test_without_a_volume_the_ndc_quantity_is_vials_in_un(pembrolizumab: Drug) -> None:
    """Keytruda's carton of two: vial counts count vials; the claim carries the package NDC."""
    result = bill(pembrolizumab, "200", [(1, 2)])
    (line,) = result.lines
    (quantity,) = line.ndcs
    assert (str(quantity.ndc), quantity.quantity, quantity.unit) == (
        "00006-3026-04",
        Decimal(2),
        "UN",
    )
    assert quantity.n4 == "N400006302604 UN2"
    assert (
        line_text(line) == "J9271 x 200 units; NDC 00006-3026-04 2 UN (vials) (N400006302604 UN2)"
    )
    (warning,) = [w for w in result.warnings if "volume" in w.text]
    assert "can't be given in mL" in warning.text
    assert result.administered_ml is None
    assert result.draw_ml is None
    data = as_dict(result, "")
    assert data["administered_ml"] is None
    assert data["vials"][0]["volume_ml"] is None


def test_a_confirmed_single_dose_without_volume_leaves_the_jw_quantity_out(
    pembrolizumab: Drug,
) -> None:
    single = with_container(pembrolizumab, "single-dose")
    result = bill(single, "150", [(0, 2)])
    administered, discarded = result.lines
    assert [(q.quantity, q.unit) for q in administered.ndcs] == [(Decimal(2), "UN")]
    assert (discarded.modifiers, discarded.units, discarded.ndcs) == (("JW",), 50, ())


def test_the_least_waste_plan_over_unconfirmed_vials(pembrolizumab: Drug) -> None:
    result = bill(pembrolizumab, "350")
    assert result.plan.vial_count == 4
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 350)]


def test_a_date_before_jz_changes_nothing_for_unconfirmed(pembrolizumab: Drug) -> None:
    result = compute(DoseOrder(pembrolizumab, dt.date(2022, 6, 1), dose_mg=Decimal(150)))
    assert [(line.modifiers, line.units) for line in result.lines] == [((), 150)]


# The rough edges of §3.6a: what an unconfirmed vial leaves is pending, never "0 discarded".
def test_what_an_unconfirmed_vial_leaves_is_pending_not_zero(pembrolizumab: Drug) -> None:
    result = bill(pembrolizumab, "150", [(0, 2)])  # 200 mg opened, 50 mg left
    assert result.discarded_mg == 0  # nothing is known to be discarded...
    assert result.pending_mg == 50  # ...and 50 mg waits for the label
    assert result.pending_discarded_units == 50
    assert (result.pending_jw_units, result.pending_jz) == (50, False)
    assert result.lines[0].units == 150
    assert len(result.lines) == 1
    assert "if single-dose, 50 units discarded (JW line)" in result.pending_text()
    assert "the 50 mg left is kept" in result.pending_text()
    assert any("Pending the label: if single-dose, 50 units" in step for step in result.steps)
    pending = as_dict(result, "")["discarded_pending_label"]
    assert pending == {
        "ndcs": ["00006-3026-02"],
        "left": {"amount": "50", "unit": "mg"},
        "left_mg": "50",
        "left_ml": None,
        "if_single_dose": {"discarded_units": 50, "jw_units": 50, "jz": False},
        "if_multi_dose": "neither JW nor JZ; what is left is kept",
        "explanation": result.pending_text(),
    }


def test_an_unconfirmed_vial_used_up_is_jz_if_single_dose(pembrolizumab: Drug) -> None:
    result = bill(pembrolizumab, "200", [(0, 2)])
    assert (result.pending_mg, result.pending_discarded_units, result.pending_jz) == (D0, 0, True)
    assert "nothing billable discarded (JZ on the administered line)" in result.pending_text()
    assert discarded_units_text(result) == "pending the label: JZ if single-dose"


def test_confirmed_vials_have_nothing_pending(pembrolizumab: Drug) -> None:
    result = bill(with_container(pembrolizumab, "single-dose", "4"), "150", [(0, 2)])
    assert (result.pending_mg, result.pending_discarded_units, result.pending_jz) == (D0, 0, False)
    assert as_dict(result, "")["discarded_pending_label"] is None
    assert discarded_amount_text(result) == "50 mg"
    assert discarded_units_text(result) == "50 units (JW)"


def test_the_text_and_the_note_say_pending_never_zero_discarded(pembrolizumab: Drug) -> None:
    result = bill(pembrolizumab, "150", [(0, 2)])
    note = render_note(result, load_template(default_template_path()))
    text = as_text(result, note)
    assert "Discarded         50 mg pending the label  unknown mL  pending the label: 50 units" in (
        text
    )
    assert "Label decides     if single-dose, 50 units discarded (JW line)" in text
    assert "Discarded: 0" not in note
    assert (
        "Discarded: 50 mg pending the label (unknown mL), left in vials whose container is "
        "not confirmed: discarded if the label says single-dose, kept if multi-dose"
    ) in note
    assert "from single-dose vials" not in note
    assert "kept in the multi-dose vial" not in note
    assert "50 mg (unknown mL) left, pending the label: discarded if single-dose" in note
    # An older template's bare number in mg says it too.
    old = render_note(result, Template("Discarded: $discarded_mg mg"))
    assert old == "Discarded: 0 + 50 pending the label mg\n"


def test_the_shipped_note_still_says_single_dose_waste_plainly() -> None:
    single = fixture_drug("10", ["1200"])
    result = compute(DoseOrder(single, TODAY, dose_mg=Decimal(1050)))
    note = render_note(result, load_template(default_template_path()))
    assert "Discarded: 150 mg (15 mL) from single-dose vials" in note


def test_less_given_from_an_unconfirmed_vial_says_the_label_decides(
    pembrolizumab: Drug,
) -> None:
    order = DoseOrder(
        pembrolizumab,
        TODAY,
        dose_mg=Decimal(200),
        administered_mg=Decimal(150),
        vials=(VialCount(pembrolizumab.presentations[0], 2),),
    )
    (warning,) = [w for w in compute(order).warnings if w.field == "administered"]
    assert "50 mg is left in vials whose container is not confirmed" in warning.text
    assert "multi-dose vials, kept" not in warning.text


def _mixed(first: Container, second: Container) -> Drug:
    """150 mg and 420 mg vials of the two containers given (the §3.7 example's strengths)."""
    small = fixture_drug("10", ["150"], first).presentations
    large = fixture_drug("10", ["420"], second).presentations
    large = (dataclasses.replace(large[0], ndc=Ndc("99999", "0002", "01")),)
    return dataclasses.replace(fixture_drug("10", ["150"]), presentations=small + large)


def test_the_plan_counts_an_unconfirmed_vials_rest_as_waste() -> None:
    """280 mg: one 420 mg vial would leave 140 mg; if its label says single-dose that is
    waste, so the plan takes two 150 mg single-dose vials (20 mg), as for two SDVs."""
    drug = _mixed("single-dose", "unconfirmed")
    plan = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(280))).plan
    assert [(v.presentation.strength_mg, v.count) for v in plan.vials] == [(Decimal(150), 2)]
    assert plan.discarded_mg(Decimal(280)) == 20
    assert least_waste_plan(drug.presentations, Decimal(280)).may_discard_mg == 300


def test_a_multi_dose_vial_beats_unconfirmed_ones_that_may_be_waste() -> None:
    drug = _mixed("unconfirmed", "multi-dose")  # 150 mg unconfirmed, 420 mg multi-dose
    result = compute(DoseOrder(drug, TODAY, dose_mg=Decimal(280)))
    assert [(v.presentation.strength_mg, v.count) for v in result.plan.vials] == [(Decimal(420), 1)]
    assert result.kept_mg == 140
    assert not result.unconfirmed


def test_opened_vials_are_drawn_single_dose_then_unconfirmed_then_multi_dose() -> None:
    drug = _mixed("unconfirmed", "multi-dose")
    unconfirmed, multi = drug.presentations
    order = DoseOrder(
        drug, TODAY, dose_mg=Decimal(200), vials=(VialCount(multi, 1), VialCount(unconfirmed, 1))
    )
    result = compute(order)
    drawn = {u.presentation.container: (u.administered_mg, u.left_mg) for u in result.uses}
    assert drawn == {"unconfirmed": (Decimal(150), D0), "multi-dose": (Decimal(50), Decimal(370))}
    assert (result.pending_mg, result.kept_mg) == (D0, Decimal(370))
    # Choosing these vials over the plan's one 420 mg vial wastes nothing more.
    assert not [w for w in result.warnings if "least-waste plan" in w.text]
    text = as_text(result, "")
    assert "Kept (multi-dose) 370 mg" in text
