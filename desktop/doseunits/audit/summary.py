"""The audit's summary per drug (HCPCS) and quarter: what was billed, what was discarded,
what it was worth, and what was wrong (docs/billing-rules.md §8).

Units are the claims' own (billed_units and billed_jw_units, as billed), so the summary
says what the site's claims told the payer. Rows are tallied per code and date of
service while the audit runs (a few numbers each: memory grows with the distinct dates,
not the rows); dollars are worked out at the end, each date at the payment limit in
force that day, and withheld where there is none. The quarter is the calendar quarter
of the date of service, as CMS's payment limit files and the refund program use it.

A drug's JW share of units above 10% is flagged: a signal for the discarded drug refund
program's threshold (IIJA §90004; SSA §1847A(h); 42 CFR 414.940), not the refund itself,
which CMS works out from all claims and the manufacturer pays.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from doseunits.catalog.pricing import NoPrice, PaymentLimits, cents

#: The applicable percentage's floor in 42 CFR 414.940: refunds are owed on discarded
#: amounts above 10% of a refundable drug's allowed charges (some drugs get more).
REFUND_SIGNAL = Decimal("0.10")

#: Columns of the summary CSV, in order.
SUMMARY_COLUMNS = (
    "hcpcs", "drug", "quarter", "quarter_start", "quarter_end", "claims",
    "administered_units", "jw_units", "jz_claims", "jw_share_percent", "administered_usd",
    "jw_usd", "priced_claims", "above_10_percent", "mismatches", "errors",
    "mismatch_reasons", "pricing",
)  # fmt: skip

# One (code, date) cell: claims, administered units, JW units, JZ claims, mismatches, errors.
_CLAIMS, _UNITS, _JW, _JZ, _MISMATCH, _ERROR = range(6)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


@dataclass(frozen=True)
class SummaryRow:
    """One drug in one quarter."""

    hcpcs: str
    drug: str
    quarter: Quarter
    claims: int
    administered_units: int
    jw_units: int
    jz_claims: int
    mismatches: int
    errors: int
    reasons: tuple[tuple[str, int], ...]  # mismatches by reason, most first
    administered_usd: Decimal | None  # None: no claim of the row could be priced
    jw_usd: Decimal | None
    priced_claims: int
    pricing: str  # the limits used, or why (some) dollars are withheld

    @property
    def jw_share(self) -> Decimal | None:
        """JW units over all billed units (administered + JW); None with no units."""
        total = self.administered_units + self.jw_units
        return Decimal(self.jw_units) / total if total else None

    @property
    def above_signal(self) -> bool:
        share = self.jw_share
        return share is not None and share > REFUND_SIGNAL

    def share_text(self) -> str:
        share = self.jw_share
        if share is None:
            return ""
        return str((share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))


@dataclass
class AuditSummary:
    """Tallies audited rows; ``rows()`` gives the summary. ``add`` is the audit's hook."""

    limits: PaymentLimits | None = None
    unsummarised: int = 0  # error rows whose drug or date could not be read
    _cells: dict[tuple[str, dt.date], list[int]] = field(default_factory=dict)
    _reasons: dict[tuple[str, dt.date], Counter[str]] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)

    def add(self, hcpcs: str, name: str, day: dt.date, units: int, jw: int, jz: bool) -> None:
        """One claim that was checked (ok or mismatch)."""
        key = (hcpcs, day)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = [0, 0, 0, 0, 0, 0]
            self._names.setdefault(hcpcs, name)
        cell[_CLAIMS] += 1
        cell[_UNITS] += units
        cell[_JW] += jw
        if jz:
            cell[_JZ] += 1

    def mismatch(self, hcpcs: str, day: dt.date, kinds: Iterable[str]) -> None:
        """The claim just added is a mismatch, for these reasons."""
        key = (hcpcs, day)
        self._cells[key][_MISMATCH] += 1
        self._reasons.setdefault(key, Counter()).update(kinds)

    def error(self, hcpcs: str | None, name: str, day: dt.date | None) -> None:
        """A row that could not be checked: counted with its drug and quarter when known."""
        if hcpcs is None or day is None:
            self.unsummarised += 1
            return
        key = (hcpcs, day)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = [0, 0, 0, 0, 0, 0]
            self._names.setdefault(hcpcs, name)
        cell[_CLAIMS] += 1
        cell[_ERROR] += 1

    def rows(self) -> list[SummaryRow]:
        """Per code and quarter, by code then quarter."""
        groups: dict[tuple[str, Quarter], list[tuple[dt.date, list[int]]]] = {}
        for (hcpcs, day), cell in self._cells.items():
            groups.setdefault((hcpcs, Quarter.of(day)), []).append((day, cell))
        rows = []
        for (hcpcs, quarter), cells in sorted(
            groups.items(), key=lambda g: (g[0][0], g[0][1].start)
        ):
            rows.append(self._row(hcpcs, quarter, cells))
        return rows

    def _row(
        self, hcpcs: str, quarter: Quarter, cells: list[tuple[dt.date, list[int]]]
    ) -> SummaryRow:
        totals = [sum(cell[i] for _, cell in cells) for i in range(6)]
        reasons: Counter[str] = Counter()
        for day, _ in cells:
            reasons.update(self._reasons.get((hcpcs, day), Counter()))
        admin_usd = jw_usd = Decimal(0)
        priced = 0
        sources: set[str] = set()
        withheld: list[str] = []
        for day, cell in cells:
            checked = cell[_CLAIMS] - cell[_ERROR]
            if not checked:
                continue
            price = (
                self.limits.price(hcpcs, day)
                if self.limits is not None
                else NoPrice(hcpcs, day, "no payment limits were given")
            )
            if isinstance(price, NoPrice):
                if price.reason not in withheld:
                    withheld.append(price.reason)
                continue
            priced += checked
            admin_usd += price.allowed(cell[_UNITS])
            jw_usd += price.allowed(cell[_JW])
            sources.add(f"${price.dollars_per_unit} per unit ({price.source})")
        pricing = "; ".join(sorted(sources))
        if withheld:
            pricing = "; ".join(
                [*([pricing] if pricing else []), *(f"withheld: {w}" for w in withheld)]
            )
        return SummaryRow(
            hcpcs=hcpcs,
            drug=self._names.get(hcpcs, ""),
            quarter=quarter,
            claims=totals[_CLAIMS],
            administered_units=totals[_UNITS],
            jw_units=totals[_JW],
            jz_claims=totals[_JZ],
            mismatches=totals[_MISMATCH],
            errors=totals[_ERROR],
            reasons=tuple(sorted(reasons.items(), key=lambda r: (-r[1], r[0]))),
            administered_usd=admin_usd if priced else None,
            jw_usd=jw_usd if priced else None,
            priced_claims=priced,
            pricing=pricing,
        )


def reasons_text(row: SummaryRow) -> str:
    return "; ".join(f"{kind}: {count}" for kind, count in row.reasons)


def summary_records(rows: Sequence[SummaryRow]) -> list[list[str]]:
    """The summary as CSV cells, ``SUMMARY_COLUMNS`` first."""
    records = [list(SUMMARY_COLUMNS)]
    for row in rows:
        records.append([
            row.hcpcs, row.drug, str(row.quarter), row.quarter.start.isoformat(),
            row.quarter.end.isoformat(), str(row.claims), str(row.administered_units),
            str(row.jw_units), str(row.jz_claims), row.share_text(),
            "" if row.administered_usd is None else cents(row.administered_usd),
            "" if row.jw_usd is None else cents(row.jw_usd),
            str(row.priced_claims), "yes" if row.above_signal else "no",
            str(row.mismatches), str(row.errors), reasons_text(row), row.pricing,
        ])  # fmt: skip
    return records


def write_summary_csv(rows: Sequence[SummaryRow], target: IO[str]) -> None:
    """The one place the summary CSV is written (the safety branch's CSV writer goes here)."""
    import csv

    writer = csv.writer(target, lineterminator="\n")
    writer.writerows(summary_records(rows))
