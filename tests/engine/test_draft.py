"""The order as typed (engine/draft.py): one mapping to the engine's order and back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import string
from decimal import Decimal
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doseunits.app.site import load_default_catalog, load_default_payers
from doseunits.catalog.model import Catalog
from doseunits.engine.draft import (
    NoteTexts,
    OrderDraft,
    VialLot,
    build_order,
    draft_of,
    rounding_threshold,
)
from doseunits.engine.order import DoseOrder, NoteDetails, VialDetails
from doseunits.engine.plan import VialCount
from doseunits.errors import InputError, OrderField
from doseunits.history.records import inputs_from_json, inputs_json
from doseunits.payers.model import MEDICARE_RULES, PayerList
from doseunits.quantities import MAX_VIALS

CATALOG = load_default_catalog()
PAYERS = load_default_payers()
DAY = "2026-11-28"

# Amounts as a person could type them: up to 6 decimals, up to 12 digits before them.
amounts = st.builds(
    lambda digits, places, sign: sign * Decimal(digits).scaleb(-places),
    st.integers(0, 10**12),
    st.integers(0, 6),
    st.sampled_from([1, -1]),
).filter(lambda number: number.adjusted() <= 12)
optional_amounts = st.none() | amounts
texts = st.text(string.ascii_letters + string.digits + " .-/", max_size=12).map(str.strip)


@st.composite
def orders(draw: st.DrawFn) -> DoseOrder:
    drug = draw(st.sampled_from(CATALOG.drugs))
    vials = None
    if draw(st.booleans()):
        opened = draw(st.lists(st.sampled_from(drug.presentations), unique=True))
        vials = tuple(VialCount(p, draw(st.integers(1, MAX_VIALS))) for p in opened)
    lots = {}
    for presentation in draw(st.lists(st.sampled_from(drug.presentations), unique=True)):
        lot = draw(texts)
        expiry = draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
        if lot or expiry:
            lots[presentation.ndc] = VialDetails(lot, expiry)
    names = [f.name for f in dataclasses.fields(NoteDetails) if f.name != "vials"]
    details = NoteDetails(**{name: draw(texts) for name in names}, vials=lots)
    return DoseOrder(
        drug=drug,
        date_of_service=draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))),
        dose_mg=draw(optional_amounts),
        dose_per_kg_mg=draw(optional_amounts),
        weight_kg=draw(optional_amounts),
        max_dose_mg=draw(optional_amounts),
        administered_mg=draw(optional_amounts),
        vials=vials,
        details=details,
        payer=draw(st.sampled_from(PAYERS.payers)),
        acquired_340b=draw(st.booleans()),
        rounded_from_mg=draw(optional_amounts),
        rounding_percent=draw(optional_amounts),
        rounded_from_basis=draw(st.text(max_size=30)),
    )


@settings(max_examples=300, deadline=None)
@given(orders())
def test_an_order_typed_back_is_the_same_order(order: DoseOrder) -> None:
    draft = draft_of(order)
    assert build_order(draft, CATALOG, PAYERS) == order
    assert draft_of(build_order(draft, CATALOG, PAYERS)) == draft
    # What the history keeps of it (no lots: they are in the note) reads back the same.
    kept = dataclasses.replace(draft, lots=())
    assert inputs_from_json(json.loads(json.dumps(inputs_json(kept)))) == kept


def test_every_error_field_is_a_field_of_the_draft() -> None:
    names = {f.name for f in dataclasses.fields(OrderDraft)}
    assert set(get_args(OrderField)) <= names


def test_empty_amounts_were_not_given_and_no_payer_is_the_rules_as_written() -> None:
    order = build_order(OrderDraft("J9022", DAY, dose=" 1050 "), CATALOG, PayerList(()))
    assert order.drug.id == "atezolizumab"
    assert order.date_of_service == dt.date(2026, 11, 28)
    assert order.dose_mg == Decimal(1050)
    assert (order.dose_per_kg_mg, order.weight_kg, order.administered_mg) == (None,) * 3
    assert order.vials is None
    assert order.payer is MEDICARE_RULES


def test_texts_are_trimmed_and_lots_read() -> None:
    draft = OrderDraft(
        "atezolizumab", DAY, dose="1050", vials=("1200x1",),
        lots=(VialLot("50242-0917-01", " AB12 ", "2027-01-31"), VialLot("50242-0918-01")),
        note=NoteTexts(preparer=" AB ", biomarker_on_file="PD-L1 on file"),
    )  # fmt: skip
    order = build_order(draft, CATALOG, PAYERS)
    (vial,) = order.vials or ()
    assert (str(vial.presentation.ndc), vial.count) == ("50242-0917-01", 1)
    assert order.details.preparer == "AB"
    assert order.details.biomarker_on_file == "PD-L1 on file"
    assert {str(n): d for n, d in order.details.vials.items()} == {
        "50242-0917-01": VialDetails("AB12", dt.date(2027, 1, 31))
    }


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"drug": "J9999x"}, "drug", "No drug 'J9999x'"),
        ({"date": "2026-02-30"}, "date", "date of service must be a real date"),
        ({"date": "2026-W01-1"}, "date", "YYYY-MM-DD"),
        ({"dose": "1,050"}, "dose", r"The dose \(mg\) must be a number"),
        ({"dose": "", "dose_per_kg": "ten"}, "dose_per_kg", "dose per kg"),
        ({"weight": "7O"}, "weight", "weight"),
        ({"max_dose": "NaN"}, "max_dose", "finite"),
        ({"administered": "1e400"}, "administered", "far too large"),
        ({"vials": ("1200x0",)}, "vials", "from 1 to 1000"),
        ({"vials": ("333",)}, "vials", "no 333 mg vial"),
        ({"vials": ("5024-20917-01x1",)}, "vials", "is not an NDC"),
        ({"lots": (VialLot("50242-0917-01", "", "31/01/2027"),)}, "lots", "expiry"),
        ({"lots": (VialLot("5024209170", "A1"),)}, "lots", "is not an NDC"),
        ({"payer": "nobody"}, "payer", "No payer profile"),
        ({"rounded_from": "x"}, "dose", "rounded from"),
    ],
)
def test_each_bad_input_names_its_field(change: dict[str, Any], field: str, words: str) -> None:
    draft = dataclasses.replace(OrderDraft("atezolizumab", DAY, dose="1050"), **change)
    with pytest.raises(InputError, match=words) as caught:
        build_order(draft, CATALOG, PAYERS)
    assert caught.value.field == field


def test_the_command_line_names_its_flags(catalog: Catalog) -> None:
    labels: dict[OrderField, str] = {"dose": "The dose (--dose, mg)"}
    with pytest.raises(InputError, match=r"The dose \(--dose, mg\) must be a number"):
        build_order(OrderDraft("atezolizumab", DAY, dose="abc"), catalog, PAYERS, labels)


def test_rounding_threshold() -> None:
    assert rounding_threshold("10", "The threshold") == Decimal(10)
    for bad in ("-1", "101", "", "ten"):
        with pytest.raises(InputError, match="The threshold"):
            rounding_threshold(bad, "The threshold")
