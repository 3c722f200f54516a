"""Payer profiles: how a payer wants the lines, never how many units there are.

A profile decides whether the JW line is billed, whether JZ goes on the administered
line, whether each NDC gets its own line, and which modifier marks 340B-acquired drug.
Shipped in ``resources/payers/*.toml``; a site adds or overrides by ``id`` with
``payers/*.toml`` in its config folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from doseunits.errors import InputError

DEFAULT_PAYER = "medicare-part-b"


@dataclass(frozen=True)
class Payer:
    id: str
    name: str
    jw_billable: bool
    jz_required: bool
    line_per_ndc: bool
    ndc_required: bool
    modifier_340b: str
    source: str
    note: str = ""

    # The billing engine and the claim audit both ask these two, so a profile means
    # the same thing to a new claim and to a billed one.
    def jw_line_units(self, discarded_units: int) -> int:
        """Units on the JW line: the discarded units, or none when this payer doesn't pay
        for discarded drug (they are still documented in the note)."""
        return discarded_units if self.jw_billable else 0

    def uses_jz(self, rules_say_jz: bool) -> bool:
        """JZ on the administered line: when the rules say so and this payer asks for it."""
        return rules_say_jz and self.jz_required


#: The rules of docs/billing-rules.md §3 exactly, for an order that names no payer.
MEDICARE_RULES = Payer(
    id=DEFAULT_PAYER, name="Medicare Part B", jw_billable=True, jz_required=True,
    line_per_ndc=False, ndc_required=False, modifier_340b="TB", source="CMS JW/JZ policy",
)  # fmt: skip


@dataclass(frozen=True)
class PayerList:
    payers: tuple[Payer, ...]

    def find(self, name: str) -> Payer:
        """By id or by name, case-insensitive."""
        key = name.strip().casefold()
        for payer in self.payers:
            if key in (payer.id.casefold(), payer.name.casefold()):
                return payer
        known = ", ".join(p.id for p in self.payers)
        raise InputError(f"No payer profile {name.strip()!r}; known profiles: {known}.", "payer")
