"""What the order history keeps of one order, and how it reads back.

No patient identifier unless the site opted in: ``inputs_of`` leaves the patient and the
prior-authorization number (``PATIENT_LINKED``) out of the stored inputs, and
``note_for_history`` renders the note again without them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from string import Template
from typing import Any

from doseunits.engine.billing import BillingResult
from doseunits.engine.draft import NoteTexts, OrderDraft, draft_of
from doseunits.engine.vialspec import spec_parts
from doseunits.outputs.note import render_note


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
    inputs: OrderDraft  # the order as typed, to reopen it
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


def inputs_of(result: BillingResult, store_patient_identifier: bool = False) -> OrderDraft:
    """The order as typed, as the history keeps it: without the patient-linked fields
    unless the site opted in, and without lots and expiries (they are in the note; a
    reopened order is prepared from other vials)."""
    draft = draft_of(result.order)
    note = draft.note
    if not store_patient_identifier:
        note = dataclasses.replace(note, **dict.fromkeys(PATIENT_LINKED, ""))
    return dataclasses.replace(draft, lots=(), note=note)


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


# The stored JSON keeps the names it had before OrderDraft (rows written by older
# versions read back, and older versions read these).
def inputs_json(draft: OrderDraft) -> dict[str, Any]:
    vials = None
    if draft.vials is not None:
        vials = [list(spec_parts(spec)) for spec in draft.vials]  # [NDC, count] pairs
    note = dataclasses.asdict(draft.note)
    return {
        "drug_id": draft.drug,
        "date_of_service": draft.date,
        "dose_mg": draft.dose,
        "dose_per_kg_mg": draft.dose_per_kg,
        "weight_kg": draft.weight,
        "max_dose_mg": draft.max_dose,
        "administered_mg": draft.administered,
        "vials": vials,
        "payer_id": draft.payer,
        "acquired_340b": draft.acquired_340b,
        "details": {name: text for name, text in note.items() if text},
        "rounded_from_mg": draft.rounded_from,
        "rounding_percent": draft.rounding_percent,
        "rounded_from_basis": draft.rounded_from_basis,
    }


def inputs_from_json(data: dict[str, Any]) -> OrderDraft:
    vials = data.get("vials")
    details = {str(k): str(v) for k, v in dict(data.get("details", {})).items()}
    known = {item.name for item in dataclasses.fields(NoteTexts)}
    return OrderDraft(
        drug=str(data["drug_id"]),
        date=dt.date.fromisoformat(data["date_of_service"]).isoformat(),
        dose=str(data.get("dose_mg", "")),
        dose_per_kg=str(data.get("dose_per_kg_mg", "")),
        weight=str(data.get("weight_kg", "")),
        max_dose=str(data.get("max_dose_mg", "")),
        administered=str(data.get("administered_mg", "")),
        # Rows kept before the vials were written as the draft's also list unopened
        # presentations (count 0): not vials opened, so not in the draft.
        vials=None if vials is None else tuple(f"{n}x{int(c)}" for n, c in vials if int(c) > 0),
        payer=str(data.get("payer_id", "")),
        acquired_340b=bool(data.get("acquired_340b", False)),
        note=NoteTexts(**{k: v for k, v in details.items() if k in known}),
        rounded_from=str(data.get("rounded_from_mg", "")),  # absent in older rows
        rounding_percent=str(data.get("rounding_percent", "")),
        rounded_from_basis=str(data.get("rounded_from_basis", "")),
    )
