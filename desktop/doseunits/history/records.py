"""What the order history keeps of one order, and how it reads back.

No patient identifier unless the site opted in: ``inputs_of`` leaves the patient and the
prior-authorization number (``PATIENT_LINKED``) out of the stored inputs, and
``note_for_history`` renders the note again without them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from string import Template
from typing import Any

from doseunits.engine.billing import BillingResult
from doseunits.outputs.note import render_note
from doseunits.quantities import fmt


@dataclass(frozen=True)
class OrderInputs:
    """What the window needs to fill its form again; amounts as the text typed (fmt), in
    the drug's measure ``unit`` (the *_mg names are from when every drug was in mg)."""

    drug_id: str
    date_of_service: dt.date
    dose_mg: str = ""
    dose_per_kg_mg: str = ""
    weight_kg: str = ""
    max_dose_mg: str = ""
    administered_mg: str = ""
    #: (NDC, count) as typed in the vial table; None when the counts followed the plan.
    vials: tuple[tuple[str, int], ...] | None = None
    payer_id: str = ""
    acquired_340b: bool = False
    details: dict[str, str] = field(default_factory=dict)  # note fields; no patient by default
    #: An accepted dose rounding: the ordered dose and the site's threshold, so a reopened
    #: order's note says again that (and why) its dose was rounded. Empty when none.
    rounded_from_mg: str = ""
    rounding_percent: str = ""
    rounded_from_basis: str = ""  # a weight-based order as written, when it was rounded
    unit: str = "mg"  # the drug's measure; absent (so mg) in rows kept before measures

    @property
    def weight_based(self) -> bool:
        return bool(self.dose_per_kg_mg)


@dataclass(frozen=True)
class HistoryEntry:
    """One stored order."""

    id: int
    created_at: str
    date_of_service: dt.date
    drug_id: str
    hcpcs: str
    ordered: Decimal  # in the drug's measure, ``unit``
    administered: Decimal
    vials: str  # "1 x 1200 mg + 1 x 840 mg"
    lines: tuple[str, ...]  # "J9022-JW x 15 units; NDC ..."
    note: str
    inputs: OrderInputs
    unit: str = "mg"  # the drug's measure when the order was kept: mg, mcg, g, units

    # The names of the days when every amount was mg; in ``unit``, as stored.
    @property
    def ordered_mg(self) -> Decimal:
        return self.ordered

    @property
    def administered_mg(self) -> Decimal:
        return self.administered


#: Note fields that point at one patient: the patient line, and the prior-authorization
#: number (a payer issues it for one patient; with the payer it finds them). Left out of
#: the history unless the site opted in. Diagnosis codes stay: they are what an audit of
#: medical necessity asks for, and name no one.
PATIENT_LINKED = ("patient", "prior_authorization")


def inputs_of(result: BillingResult, store_patient_identifier: bool = False) -> OrderInputs:
    order = result.order

    def text(value: Decimal | None) -> str:
        return "" if value is None else fmt(value)

    details = {}
    for item in dataclasses.fields(order.details):  # the text fields; lots are in the note
        value = getattr(order.details, item.name)
        if (
            isinstance(value, str)
            and value
            and (item.name not in PATIENT_LINKED or store_patient_identifier)
        ):
            details[item.name] = value
    typed = None
    if order.vials is not None:
        typed = tuple((str(v.presentation.ndc), v.count) for v in order.vials)
    return OrderInputs(
        drug_id=order.drug.id,
        date_of_service=order.date_of_service,
        dose_mg=text(order.dose_mg),
        dose_per_kg_mg=text(order.dose_per_kg_mg),
        weight_kg=text(order.weight_kg),
        max_dose_mg=text(order.max_dose_mg),
        administered_mg=text(order.administered_mg),
        vials=typed,
        payer_id=order.payer.id,
        acquired_340b=order.acquired_340b,
        details=details,
        rounded_from_mg=text(order.rounded_from_mg),
        rounding_percent=text(order.rounding_percent),
        rounded_from_basis=order.rounded_from_basis,
        unit=order.drug.measure.symbol,
    )


def note_for_history(
    result: BillingResult, template: Template, store_patient_identifier: bool
) -> str:
    """The note as stored: without the patient-linked lines unless the site opted in."""
    details = result.order.details
    if not store_patient_identifier and any(getattr(details, n) for n in PATIENT_LINKED):
        unlinked = dataclasses.replace(details, patient="", prior_authorization="")
        order = dataclasses.replace(result.order, details=unlinked)
        result = dataclasses.replace(result, order=order)
    return render_note(result, template)


def inputs_json(inputs: OrderInputs) -> dict[str, Any]:
    data = dataclasses.asdict(inputs)
    data["date_of_service"] = inputs.date_of_service.isoformat()
    data["vials"] = None if inputs.vials is None else [list(v) for v in inputs.vials]
    return data


def inputs_from_json(data: dict[str, Any]) -> OrderInputs:
    vials = data.get("vials")
    return OrderInputs(
        drug_id=str(data["drug_id"]),
        date_of_service=dt.date.fromisoformat(data["date_of_service"]),
        dose_mg=str(data.get("dose_mg", "")),
        dose_per_kg_mg=str(data.get("dose_per_kg_mg", "")),
        weight_kg=str(data.get("weight_kg", "")),
        max_dose_mg=str(data.get("max_dose_mg", "")),
        administered_mg=str(data.get("administered_mg", "")),
        vials=None if vials is None else tuple((str(n), int(c)) for n, c in vials),
        payer_id=str(data.get("payer_id", "")),
        acquired_340b=bool(data.get("acquired_340b", False)),
        details={str(k): str(v) for k, v in dict(data.get("details", {})).items()},
        rounded_from_mg=str(data.get("rounded_from_mg", "")),  # absent in older rows
        rounding_percent=str(data.get("rounding_percent", "")),
        rounded_from_basis=str(data.get("rounded_from_basis", "")),
        unit=str(data.get("unit", "mg")),
    )
