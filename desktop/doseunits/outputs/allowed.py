"""What an order's lines are allowed: units x the payment limit in force on the date of
service (docs/billing-rules.md §8), a step after the engine, which never prices.

Each line gets its allowed dollars; ``discarded`` is the discarded units' worth (rule 3.2)
at the same limit, whether or not the payer pays a JW line for them: what the waste cost.
With an unconfirmed container it is not known until the label is checked: ``pending`` is
the worth if single-dose, and ``discarded`` is None (§3.6a).
Outside every loaded quarter, or for a code the quarter's file does not list, every
figure is None and ``reason`` says why: withheld, never a stale price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from doseunits.catalog.pricing import NoPrice, PaymentLimits, Price, cents, usd

if TYPE_CHECKING:
    from doseunits.engine.billing import BillingResult


@dataclass(frozen=True)
class Allowed:
    price: Price | NoPrice
    lines: tuple[Decimal | None, ...]  # one per result.lines, in order
    administered: Decimal | None  # the administered line(s)
    jw: Decimal | None  # the JW line(s) as billed
    discarded: Decimal | None  # the discarded units, billed or not; None while pending
    #: An unconfirmed container's waste (docs/billing-rules.md §3.6a): what the discarded
    #: units would be worth if its label says single-dose. None when every container is
    #: confirmed (or there is no price); then ``discarded`` is None too, never $0.
    pending: Decimal | None = None

    @property
    def priced(self) -> bool:
        return isinstance(self.price, Price)

    @property
    def reason(self) -> str:
        """Where the price comes from, or why there is none."""
        return self.price.describe()

    def limit_text(self) -> str:
        """``$91.340 per unit`` as published, or "withheld"."""
        price = self.price
        return f"${price.dollars_per_unit} per unit" if isinstance(price, Price) else "withheld"

    def text(self, dollars: Decimal | None) -> str:
        """``$9,590.70``, or "withheld" when there is no price."""
        return "withheld" if dollars is None else usd(dollars)

    def discarded_text(self) -> str:
        """The discarded units' worth: ``$1,370.10``; with an unconfirmed container
        ``pending the label ($1,370.10 if single-dose)``, never a plain $0."""
        if self.pending is not None:
            return f"pending the label ({usd(self.pending)} if single-dose)"
        return self.text(self.discarded)

    def as_json(self) -> dict[str, Any]:
        price = self.price
        if isinstance(price, Price):
            pricing: dict[str, Any] = {
                "priced": True,
                "per_unit_usd": str(price.dollars_per_unit),
                "quarter": {"start": price.quarter.start.isoformat(),
                            "end": price.quarter.end.isoformat()},
                "source": price.source,
                "basis": "Medicare Part B payment limit",
            }  # fmt: skip
        else:
            pricing = {"priced": False, "reason": price.reason}
        return {
            "pricing": pricing,
            "administered_usd": _cents(self.administered),
            "jw_usd": _cents(self.jw),
            "discarded_usd": _cents(self.discarded),
            "discarded_pending_label_usd": _cents(self.pending),
        }


def allowed_amounts(result: BillingResult, limits: PaymentLimits) -> Allowed:
    price = limits.price(result.drug.hcpcs, result.order.date_of_service)
    if isinstance(price, NoPrice):
        return Allowed(price, (None,) * len(result.lines), None, None, None)
    lines = tuple(price.allowed(line.units) for line in result.lines)
    administered = sum(
        (a for a, line in zip(lines, result.lines, strict=True) if line.kind == "administered"),
        Decimal(0),
    )
    jw = sum(
        (a for a, line in zip(lines, result.lines, strict=True) if line.kind == "discarded"),
        Decimal(0),
    )
    if result.unconfirmed:  # the waste is not known to be $0: pending the label (§3.6a)
        pending = price.allowed(result.pending_discarded_units)
        return Allowed(price, lines, administered, jw, None, pending)
    return Allowed(price, lines, administered, jw, price.allowed(result.jw_units))


def withheld(result: BillingResult, reason: str) -> Allowed:
    """No figures, and why (the limits could not be read, say)."""
    price = NoPrice(result.drug.hcpcs, result.order.date_of_service, reason)
    return Allowed(price, (None,) * len(result.lines), None, None, None)


def _cents(dollars: Decimal | None) -> str | None:
    return None if dollars is None else cents(dollars)
