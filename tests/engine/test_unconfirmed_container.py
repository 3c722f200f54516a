"""docs/billing-rules.md §3.6a: an unconfirmed container bills the administered line only;
a presentation without a confirmed volume gives its NDC quantity in UN, with a warning."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import TODAY
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Container, Drug
from doseunits.engine.billing import BillingResult, compute
from doseunits.engine.order import DoseOrder
from doseunits.engine.plan import VialCount
from doseunits.outputs.note import line_text
from doseunits.outputs.result_text import as_dict

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
