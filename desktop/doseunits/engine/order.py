"""What the pharmacist enters: the order, the opened vials and the note's details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from doseunits.catalog.model import Drug
from doseunits.catalog.ndc import Ndc
from doseunits.engine.plan import VialCount
from doseunits.payers.model import MEDICARE_RULES, Payer


@dataclass(frozen=True)
class VialDetails:
    """Lot and expiry of one presentation's vials, when known (they go in the note)."""

    lot: str = ""
    expiry: dt.date | None = None


@dataclass(frozen=True)
class NoteDetails:
    """Optional facts for the chart note (docs/billing-rules.md §7); nothing here is required."""

    preparer: str = ""
    witness: str = ""
    waste_reason: str = ""
    diagnosis_codes: str = ""
    prior_authorization: str = ""
    biomarker_on_file: str = ""
    patient: str = ""  # only what the user types in; never stored
    site: str = ""
    vials: dict[Ndc, VialDetails] = field(default_factory=dict)


@dataclass(frozen=True)
class DoseOrder:
    """One order. Give ``dose_mg``, or ``dose_per_kg_mg`` with ``weight_kg``.

    ``vials`` None means: open the least-waste plan. ``administered_mg`` None means
    the whole ordered dose was given.
    """

    drug: Drug
    date_of_service: dt.date
    dose_mg: Decimal | None = None
    dose_per_kg_mg: Decimal | None = None
    weight_kg: Decimal | None = None
    max_dose_mg: Decimal | None = None
    administered_mg: Decimal | None = None
    vials: tuple[VialCount, ...] | None = None
    details: NoteDetails = field(default_factory=NoteDetails)
    payer: Payer = MEDICARE_RULES
    acquired_340b: bool = False  # adds the payer's 340B modifier (JG, TB, UD...) to every line
    #: The site's 340B covered entity type (engine/rules.py ENTITIES_340B; "" not set):
    #: which of JG and TB a Medicare profile's 340B modifier is (docs/billing-rules.md §3.9).
    entity_340b: str = ""
    # Set when the user accepted a site-policy rounding of this dose (the note says so).
    rounded_from_mg: Decimal | None = None
    rounding_percent: Decimal | None = None
    # A weight-based order as written ("10 mg/kg x 73 kg = 730 mg"), when it was rounded:
    # the accepted dose is typed as a flat dose, and the note keeps how it was ordered.
    rounded_from_basis: str = ""
