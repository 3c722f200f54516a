"""The order as typed, and the one place it becomes the engine's order.

``OrderDraft`` holds every input as text, the way the window's fields, the command
line's flags and the order history hold it. ``build_order`` turns it, with the site's
catalog and payers, into a ``DoseOrder`` (each bad input is an ``InputError`` naming the
draft's field); ``draft_of`` gives an order back as typed, to store and to reopen.

It sits with the engine rather than in ``app`` because the order history (below
``app``) stores drafts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from doseunits.catalog.model import Catalog, Drug
from doseunits.catalog.ndc import Ndc
from doseunits.dates import strict_date
from doseunits.engine.order import DoseOrder, NoteDetails, VialDetails
from doseunits.engine.vialspec import parse_vials
from doseunits.errors import InputError, OrderField
from doseunits.payers.model import DEFAULT_PAYER, MEDICARE_RULES, Payer, PayerList
from doseunits.quantities import amount_in, fmt, to_decimal


@dataclass(frozen=True)
class NoteTexts:
    """The note's optional facts as typed (docs/billing-rules.md §7)."""

    preparer: str = ""
    witness: str = ""
    waste_reason: str = ""
    diagnosis_codes: str = ""
    prior_authorization: str = ""
    biomarker_on_file: str = ""
    patient: str = ""  # only what the user types in; never stored unless the site opts in
    site: str = ""


@dataclass(frozen=True)
class VialLot:
    """The lot and expiry (YYYY-MM-DD) typed for one NDC's vials; either may be empty."""

    ndc: str
    lot: str = ""
    expiry: str = ""


@dataclass(frozen=True)
class OrderDraft:
    """One order as typed. Amounts are text; an empty one was not given."""

    drug: str  # catalog id, HCPCS code or NDC
    date: str  # the date of service, YYYY-MM-DD
    dose: str = ""  # a flat dose, or
    dose_per_kg: str = ""  # a dose per kg with the weight (and a cap, optionally)
    weight: str = ""
    max_dose: str = ""
    administered: str = ""  # when less than ordered was given
    #: The opened vials, one SPEC each as ``--vial`` takes them (``840x2``,
    #: ``50242-0917-01x1``); None: open the least-waste plan.
    vials: tuple[str, ...] | None = None
    lots: tuple[VialLot, ...] = ()
    payer: str = ""  # a payer profile's id or name; empty: the site's medicare-part-b
    acquired_340b: bool = False
    #: An accepted site-policy rounding: the dose ordered, the site's threshold in percent
    #: and how a weight-based dose was written. Empty when the dose was not rounded.
    rounded_from: str = ""
    rounding_percent: str = ""
    rounded_from_basis: str = ""
    note: NoteTexts = field(default_factory=NoteTexts)

    @property
    def weight_based(self) -> bool:
        return bool(self.dose_per_kg.strip() or self.weight.strip())


_MG = re.compile(r"\bmg\b")
#: How an error names each amount (the window's words); the command line names its flags.
AMOUNT_LABELS: Mapping[OrderField, str] = {
    "dose": "The dose (mg)",
    "dose_per_kg": "The dose per kg (mg/kg)",
    "weight": "The weight (kg)",
    "max_dose": "The maximum dose (mg)",
    "administered": "The administered amount (mg)",
}


def build_order(
    draft: OrderDraft,
    catalog: Catalog,
    payers: PayerList,
    labels: Mapping[OrderField, str] | None = None,
) -> DoseOrder:
    """The engine's order. Only the text is read here; the engine checks the ranges
    (a dose above 0, a weight up to 500 kg) and how the amounts go together. ``labels``
    name amounts in errors, where they differ from the window's."""
    drug = catalog.find(draft.drug)
    labels = {  # "The dose (mg)" of a drug measured in mcg is "The dose (mcg)"
        name: _MG.sub(drug.measure.symbol, label)
        for name, label in {**AMOUNT_LABELS, **(labels or {})}.items()
    }

    def amount(name: OrderField, text: str) -> Decimal | None:
        return drug_amount(text, drug, labels[name], name)

    return DoseOrder(  # keywords in the order the inputs are checked, as the form reads
        drug=drug,
        date_of_service=service_date(draft.date),
        dose_mg=amount("dose", draft.dose),
        dose_per_kg_mg=per_kg_amount(draft.dose_per_kg, drug, labels["dose_per_kg"]),
        weight_kg=weight_amount(draft.weight, labels["weight"]),
        max_dose_mg=amount("max_dose", draft.max_dose),
        administered_mg=amount("administered", draft.administered),
        vials=None if draft.vials is None else tuple(parse_vials(list(draft.vials), drug, catalog)),
        details=note_details(draft.note, draft.lots),
        payer=payer_of(draft.payer, payers),
        acquired_340b=draft.acquired_340b,
        entity_340b=payers.entity_340b,
        rounded_from_mg=drug_amount(
            draft.rounded_from, drug, f"The dose it was rounded from ({drug.measure})", "dose"
        ),
        rounding_percent=percent(draft.rounding_percent, "The rounding threshold (%)", "dose"),
        rounded_from_basis=draft.rounded_from_basis,
    )


# One reader per kind of amount, so a reader can change (say, to a drug's own unit)
# without touching the rest. Empty text is an amount not given.
def drug_amount(text: str, drug: Drug, what: str, name: OrderField) -> Decimal | None:
    """An amount of the drug in its measure, or written with a unit that converts to it
    exactly ("0.48 mg" of a drug measured in mcg is 480): a dose, a cap, what was given."""
    return amount_in(text, drug.measure, what, name) if text.strip() else None


def per_kg_amount(text: str, drug: Drug, what: str) -> Decimal | None:
    """The drug per kg of body weight, in the drug's measure per kg ("5 mcg" per kg)."""
    return amount_in(text, drug.measure, what, "dose_per_kg") if text.strip() else None


def weight_amount(text: str, what: str) -> Decimal | None:
    """The patient's weight (kg)."""
    return to_decimal(text, what, "weight") if text.strip() else None


def percent(text: str, what: str, name: OrderField = "dose") -> Decimal | None:
    """A percentage, such as a site's rounding threshold."""
    return to_decimal(text, what, name) if text.strip() else None


def rounding_threshold(text: str, what: str) -> Decimal:
    """A site's dose-rounding threshold: a percentage from 0 to 100 (0: no rounding)."""
    number = to_decimal(text, what)
    if not 0 <= number <= 100:
        raise InputError(f"{what} must be a percentage from 0 to 100 (got {text}).")
    return number


def service_date(text: str) -> dt.date:
    try:
        return strict_date(text)
    except ValueError:
        raise InputError(
            f"The date of service must be a real date written YYYY-MM-DD (got {text!r}).", "date"
        ) from None


def note_details(texts: NoteTexts, lots: tuple[VialLot, ...]) -> NoteDetails:
    vials = {}
    for typed in lots:
        ndc = Ndc.parse(typed.ndc, "lots")
        lot, expiry_text = typed.lot.strip(), typed.expiry.strip()
        expiry = None
        if expiry_text:
            try:
                expiry = strict_date(expiry_text)
            except ValueError:
                raise InputError(
                    f"The expiry of NDC {ndc} must be a date written YYYY-MM-DD "
                    f"(got {expiry_text!r}).",
                    "lots",
                ) from None
        if lot or expiry:
            vials[ndc] = VialDetails(lot, expiry)
    return NoteDetails(
        preparer=texts.preparer.strip(),
        witness=texts.witness.strip(),
        waste_reason=texts.waste_reason.strip(),
        diagnosis_codes=texts.diagnosis_codes.strip(),
        prior_authorization=texts.prior_authorization.strip(),
        biomarker_on_file=texts.biomarker_on_file.strip(),
        patient=texts.patient.strip(),
        site=texts.site.strip(),
        vials=vials,
    )


def payer_of(name: str, payers: PayerList) -> Payer:
    """The named profile; none named: the site's ``medicare-part-b`` (a site file may
    override the shipped one by id), or the rules as written when the list has none."""
    if name.strip():
        return payers.find(name)
    for payer in payers.payers:
        if payer.id == DEFAULT_PAYER:
            return payer
    return MEDICARE_RULES


def draft_of(order: DoseOrder) -> OrderDraft:
    """The order as it would have been typed: amounts in plain decimals (fmt), the
    opened vials by NDC, the drug and the payer by id."""

    def text(value: Decimal | None) -> str:
        return "" if value is None else fmt(value)

    details = order.details
    vials = None
    if order.vials is not None:
        vials = tuple(f"{v.presentation.ndc}x{v.count}" for v in order.vials if v.count > 0)
    lots = tuple(
        VialLot(str(ndc), d.lot, d.expiry.isoformat() if d.expiry else "")
        for ndc, d in details.vials.items()
    )
    return OrderDraft(
        drug=order.drug.id,
        date=order.date_of_service.isoformat(),
        dose=text(order.dose_mg),
        dose_per_kg=text(order.dose_per_kg_mg),
        weight=text(order.weight_kg),
        max_dose=text(order.max_dose_mg),
        administered=text(order.administered_mg),
        vials=vials,
        lots=lots,
        payer=order.payer.id,
        acquired_340b=order.acquired_340b,
        rounded_from=text(order.rounded_from_mg),
        rounding_percent=text(order.rounding_percent),
        rounded_from_basis=order.rounded_from_basis,
        note=NoteTexts(
            preparer=details.preparer,
            witness=details.witness,
            waste_reason=details.waste_reason,
            diagnosis_codes=details.diagnosis_codes,
            prior_authorization=details.prior_authorization,
            biomarker_on_file=details.biomarker_on_file,
            patient=details.patient,
            site=details.site,
        ),
    )
