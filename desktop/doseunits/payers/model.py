"""Payer profiles: how a payer wants the lines, never how many units there are.

A profile decides whether the JW line is billed, whether JZ goes on the administered
line (its JZ policy), whether each NDC gets its own line (and then KP/KQ), the NDC unit
of a powder, and which modifier marks 340B-acquired drug. Shipped in
``resources/payers/*.toml``; a site adds or overrides by ``id`` with ``payers/*.toml`` in
its config folder.
"""

from __future__ import annotations

import datetime as dt
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
# docs/billing-rules.md §3.9: the Medicare Part B 340B modifier, by the covered entity's
# type and the date of service. JG and TB were created by the CY 2018 OPPS final rule
# (CMS-1678-FC) for hospitals paid under the OPPS; CMS's Part B inflation rebate guidance
# (December 2022, revised March 2023) made every 340B covered entity mark 340B-acquired
# drugs on Part B claims no later than 2024-01-01.
JG_TB_CREATED = dt.date(2018, 1, 1)
EVERY_ENTITY_340B = dt.date(2024, 1, 1)


class Entity340B:
    """A 340B covered entity type. A plain class, not a NamedTuple: the settings' schema
    builds the table at start, and a NamedTuple class costs ~1 M instructions there."""

    __slots__ = ("label", "modifier", "since")

    def __init__(self, label: str, modifier: str, since: dt.date) -> None:
        self.label = label  # as a sentence names it: "a critical access hospital"
        self.modifier = modifier  # JG or TB
        self.since = since  # the first date of service it must mark 340B drugs


#: The site's 340B covered entity type (site setting billing/entity_340b) -> its modifier.
ENTITIES_340B: dict[str, Entity340B] = {
    "dsh": Entity340B("a disproportionate share hospital", "JG", JG_TB_CREATED),
    "rural-referral-center": Entity340B("a rural referral centre", "JG", JG_TB_CREATED),
    "non-rural-sch": Entity340B("a sole community hospital that is not rural", "JG", JG_TB_CREATED),
    "grantee": Entity340B(
        "a grantee or other non-hospital covered entity (Ryan White, hemophilia centre)",
        "JG", EVERY_ENTITY_340B,
    ),
    "rural-sch": Entity340B("a rural sole community hospital", "TB", JG_TB_CREATED),
    "childrens": Entity340B("a children's hospital", "TB", JG_TB_CREATED),
    "cancer-hospital": Entity340B("a PPS-exempt cancer hospital", "TB", JG_TB_CREATED),
    "critical-access": Entity340B("a critical access hospital", "TB", EVERY_ENTITY_340B),
    "maryland": Entity340B(
        "a Maryland All-Payer or Total Cost of Care Model hospital", "TB", EVERY_ENTITY_340B
    ),
    "non-excepted-pbd": Entity340B(
        "a non-excepted off-campus provider-based department", "TB", EVERY_ENTITY_340B
    ),
}  # fmt: skip
#: Where a site sets it, for the messages that ask it to.
ENTITY_340B_SETTING = "[billing] entity_340b in site-settings.toml"

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
