"""What a billed unit is allowed: Medicare Part B's payment limit by HCPCS code and quarter.

CMS publishes one payment limit file a quarter (``catalog/importers/cms_payment_limits.py``
reads it). ``PaymentLimits`` holds any number of them and answers, for a code and a date
of service, the dollars per billing unit in force that day and the file they come from,
or why there is none: no file covers the date, or the file covering it has no limit for
the code. A price is never carried over from another quarter (docs/billing-rules.md §8).

Dollars are Decimal exactly as published (``91.340``); ``usd`` rounds half-up to cents
for display only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from doseunits.catalog.importers.base import Quarter

CENT = Decimal("0.01")


@dataclass(frozen=True)
class QuarterLimits:
    """One payment limit file: its quarter, where it came from and dollars per unit by code."""

    quarter: Quarter
    source: str  # the file's name, as a person would recognise it
    dollars_per_unit: Mapping[str, Decimal]

    @classmethod
    def of(
        cls, records: Iterable[tuple[str, Decimal]], quarter: Quarter, source: str
    ) -> QuarterLimits:
        return cls(quarter, source, dict(records))


@dataclass(frozen=True)
class Price:
    """The payment limit in force for one code on one date of service."""

    hcpcs: str
    dollars_per_unit: Decimal  # as published
    quarter: Quarter
    source: str

    def allowed(self, units: int) -> Decimal:
        """Units x the limit, exact (round with ``usd`` to show it)."""
        return self.dollars_per_unit * units

    def describe(self) -> str:
        return (
            f"Medicare Part B payment limit ${self.dollars_per_unit} per unit, "
            f"{self.quarter} ({self.source})"
        )


@dataclass(frozen=True)
class NoPrice:
    """Why a code has no price on a date: the figure is withheld, never a stale one."""

    hcpcs: str
    date: dt.date
    reason: str

    def describe(self) -> str:
        return self.reason


class PaymentLimits:
    """Payment limit files, any number of quarters. Where two cover the same date the one
    given last wins (a site's file, or a corrected file for the same quarter)."""

    def __init__(self, quarters: Iterable[QuarterLimits] = ()) -> None:
        self.quarters: tuple[QuarterLimits, ...] = tuple(quarters)
        self._by_date: dict[dt.date, QuarterLimits | None] = {}

    def __len__(self) -> int:
        return len(self.quarters)

    def quarter_of(self, date: dt.date) -> QuarterLimits | None:
        """The file in force on ``date`` (remembered: an audit asks for few dates)."""
        try:
            return self._by_date[date]
        except KeyError:
            pass
        found = None
        for limits in reversed(self.quarters):
            if limits.quarter.covers(date):
                found = limits
                break
        if len(self._by_date) > 4096:
            self._by_date.clear()
        self._by_date[date] = found
        return found

    def price(self, hcpcs: str, date: dt.date) -> Price | NoPrice:
        limits = self.quarter_of(date)
        if limits is None:
            return NoPrice(hcpcs, date, self._uncovered(date))
        dollars = limits.dollars_per_unit.get(hcpcs)
        if dollars is None:
            return NoPrice(
                hcpcs,
                date,
                f"no payment limit for {hcpcs} in {limits.source} ({limits.quarter})",
            )
        return Price(hcpcs, dollars, limits.quarter, limits.source)

    def covered(self) -> str:
        """The quarters held, for messages: "2025-10-01 to 2025-12-31"."""
        spans = sorted({str(q.quarter) for q in self.quarters})
        return "; ".join(spans) if spans else "none"

    def _uncovered(self, date: dt.date) -> str:
        if not self.quarters:
            return "no payment limit file is loaded"
        return (
            f"no payment limit file covers {date.isoformat()} (imported: {self.covered()}); "
            "import that quarter's CMS file"
        )


def usd(dollars: Decimal) -> str:
    """Dollars for people: cents, rounded half-up, with thousands separators: $9,590.70."""
    return f"${dollars.quantize(CENT, ROUND_HALF_UP):,}"


def cents(dollars: Decimal) -> str:
    """Dollars as plain cents for files and JSON: 9590.70."""
    return str(dollars.quantize(CENT, ROUND_HALF_UP))
