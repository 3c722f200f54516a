"""Payer profiles: how a payer wants the lines, never how many units there are.

A profile decides whether the JW line is billed, whether JZ goes on the administered
line (its JZ policy), whether each NDC gets its own line (and then KP/KQ), the NDC unit
of a powder, and which modifier marks 340B-acquired drug. Shipped in
``resources/payers/*.toml``; a site adds or overrides by ``id`` with ``payers/*.toml`` in
its config folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from doseunits.errors import InputError

DEFAULT_PAYER = "medicare-part-b"

#: docs/billing-rules.md §3.4: JZ on the administered line when nothing billable was
#: discarded. "required": added, and missing is a mismatch (from 2023-07-01); "optional":
#: added, and missing is fine; "not-used": never added, and billed is a mismatch.
JzPolicy = Literal["required", "optional", "not-used"]
JZ_POLICIES: tuple[JzPolicy, ...] = ("required", "optional", "not-used")
#: ``modifier_340b`` of a profile that follows Medicare's rule (docs/billing-rules.md §3.9):
#: JG or TB by the site's 340B entity type and the date of service.
BY_ENTITY = "by-entity"
#: NDC quantity units a profile may want for a lyophilized powder (docs/billing-rules.md §4).
PowderUnit = Literal["UN", "ML"]


@dataclass(frozen=True)
class Payer:
    id: str
    name: str
    jw_billable: bool
    jz_policy: JzPolicy
    line_per_ndc: bool
    ndc_required: bool
    modifier_340b: str  # a two-character modifier, or BY_ENTITY
    source: str
    note: str = ""
    #: With ``line_per_ndc``: KP on a code's first NDC line, KQ on the others (West
    #: Virginia Medicaid, docs/billing-rules.md §4).
    kp_kq: bool = False
    #: A powder's NDC quantity: UN (its share of the vials, NCPDP "each") or mL.
    powder_unit: PowderUnit = "UN"

    # The billing engine and the claim audit both ask these, so a profile means the same
    # thing to a new claim and to a billed one.
    def jw_line_units(self, discarded_units: int) -> int:
        """Units on the JW line: the discarded units, or none when this payer doesn't pay
        for discarded drug (they are still documented in the note)."""
        return discarded_units if self.jw_billable else 0

    def uses_jz(self, rules_say_jz: bool) -> bool:
        """JZ on the administered line: when the rules say so and this payer takes JZ."""
        return rules_say_jz and self.jz_policy != "not-used"

    @property
    def jz_optional(self) -> bool:
        """A line without JZ is as good as one with it."""
        return self.jz_policy == "optional"


#: The rules of docs/billing-rules.md §3 exactly, for an order that names no payer.
MEDICARE_RULES = Payer(
    id=DEFAULT_PAYER, name="Medicare Part B", jw_billable=True, jz_policy="required",
    line_per_ndc=False, ndc_required=False, modifier_340b=BY_ENTITY, source="CMS JW/JZ policy",
)  # fmt: skip


@dataclass(frozen=True)
class PayerList:
    payers: tuple[Payer, ...]
    #: The site's 340B covered entity type (site setting billing/entity_340b; "" not set),
    #: for the profiles whose ``modifier_340b`` is BY_ENTITY.
    entity_340b: str = ""

    def find(self, name: str) -> Payer:
        """By id or by name, case-insensitive."""
        key = name.strip().casefold()
        for payer in self.payers:
            if key in (payer.id.casefold(), payer.name.casefold()):
                return payer
        known = ", ".join(p.id for p in self.payers)
        raise InputError(f"No payer profile {name.strip()!r}; known profiles: {known}.", "payer")

    def for_entity(self, entity_340b: str) -> PayerList:
        """These profiles at a site of this 340B entity type."""
        return replace(self, entity_340b=entity_340b)
