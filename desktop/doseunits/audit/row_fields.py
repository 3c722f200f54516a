"""Reading one claim row's fields for the audit (core/audit.py): each either gives its
value or raises RowError with the sentence the report shows as the row's reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation

from doseunits.dates import strict_date
from doseunits.errors import InputError
from doseunits.quantities import MAX_DOSE_MG, Amount, Unit, amount_in, fmt, to_decimal

SHORT_ROW = "the row has fewer fields than the header; check its commas"


class RowError(Exception):
    """One row that can't be audited; its message is the row's reason."""


@functools.lru_cache(maxsize=4096)  # a month of claims has few distinct dates
def claim_date(text: str) -> dt.date | str:
    cleaned = text.strip()
    try:
        return strict_date(cleaned)
    except ValueError:
        if not cleaned:
            return "date_of_service is empty; write it YYYY-MM-DD"
        return f"date_of_service must be a real date written YYYY-MM-DD (got {cleaned!r})"


def claim_amount(
    text: str,
    measure: Unit,
    column: str = "administered",
    what: str = "amount given",
    written_in: Unit | None = None,
) -> Decimal:
    """An amount of the row's drug, as a plain Decimal in the drug's ``measure``.

    ``written_in`` is the column's own unit (mg for the older ``administered_mg`` and
    ``ordered_mg``); None for ``administered`` and ``ordered``, which are in the drug's
    measure or say their unit ("0.48 mg"). Numbers are read as the command line and the
    window read them (``quantities.to_decimal``: plain ASCII digits, at most 12 before
    the point and 6 after); the plainest are read at once, the fast path.
    """
    if _PLAIN.fullmatch(text):  # what to_decimal accepts as it is: no need to ask it
        amount = Decimal(text)
    else:
        cleaned = text.strip()
        if not cleaned:
            raise RowError(f"{column} is empty; give the {what} in {written_in or measure}")
        try:
            if written_in is None:
                amount = amount_in(cleaned, measure, column)
            else:
                amount = to_decimal(cleaned, column)
        except InputError as error:
            if written_in is not None and not _is_decimal(cleaned):
                raise RowError(f"{column} must be a number like 1050 (got {cleaned!r})") from None
            raise RowError(reason_of(error)) from None
    if written_in is not None and written_in is not measure:
        if written_in.kind != measure.kind:
            raise RowError(
                f"{column} is in {written_in}, but this drug is measured in {measure}; "
                f"give the {what} in a column {column.removesuffix('_mg')} instead"
            )
        if amount.is_finite():
            amount = Amount(amount, written_in).to(measure)
    if not amount.is_finite() or amount <= 0 or amount > MAX_DOSE_MG:
        raise RowError(
            f"{column} must be above 0 and at most {fmt(MAX_DOSE_MG)} (got {text.strip()!r})"
        )
    return amount


#: What ``quantities.to_decimal`` accepts as it is, read without asking it (the audit's hot
#: path): plain ASCII digits, at most 12 before the point and 6 after. Anything else, a
#: sign, an exponent, a space, a unit, another script's digits, goes through it.
_PLAIN = re.compile(r"[0-9]{1,12}(?:\.[0-9]{0,6})?")


def _is_decimal(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


#: Modifiers real claim lines carry beside JZ, passed through and not checked
#: (docs/billing-rules.md §3.9, §8): 340B (TB, JG, UD), NDC lines (KP, KQ), off-campus
#: departments (PO, PN), the route (JA, JB), coverage and notices (KX, GA, GY, GZ), and
#: state-supplied vaccine (SL). A payer profile's own 340B modifier is added per auditor.
OTHER_MODIFIERS = frozenset(
    {"TB", "JG", "UD", "KP", "KQ", "PO", "PN", "JA", "JB", "KX", "GA", "GY", "GZ", "SL"}
)


@functools.lru_cache(maxsize=1024)  # a file has few distinct modifier texts
def billed_modifiers(text: str) -> tuple[str, tuple[str, ...]]:
    """ "JZ" or "" from the billed modifiers ("JZ", "JZ TB", "TB,JZ,PO"), and the words
    that are not JZ or a known modifier (the auditor decides on them). JW here, or JZ
    twice, can't be read as a claim line: RowError."""
    words = text.replace(",", " ").upper().split()
    if "JW" in words or words.count("JZ") > 1:
        raise RowError(
            f"billed_modifier must be empty or JZ (got {text.strip()!r}); TB, JG, UD, KP, "
            "KQ, PO, PN, JA, JB, KX, GA, GY, GZ or SL may stand beside it, and JW units go in "
            "billed_jw_units"
        )
    unknown = tuple(word for word in words if word != "JZ" and word not in OTHER_MODIFIERS)
    return ("JZ" if "JZ" in words else ""), unknown


def modifier_jz(text: str) -> str:
    """ "JZ" or "" from the billed modifiers; a modifier DoseUnits does not know raises."""
    jz, unknown = billed_modifiers(text)
    if unknown:
        raise RowError(f"billed_modifier has {', '.join(unknown)}, which DoseUnits does not know")
    return jz


def unit_count(text: str | None, column: str, empty_is_zero: bool) -> int:
    """A count of billed units: a whole number of at least 0 (``105.0`` from Excel is 105)."""
    if text is None:
        raise RowError(SHORT_ROW)
    if text.isdigit() and text.isascii() and len(text) < 10:  # plain digits: the fast path
        number = int(text)
    else:  # read as every number is (quantities.to_decimal): no 1_050, no other digits
        cleaned = text.strip()
        if not cleaned:
            if empty_is_zero:
                return 0
            raise RowError(f"{column} is empty; give the units billed")
        if len(cleaned) > 12:  # never int() or format a huge text
            raise RowError(f"{column} is not a count of units (got {cleaned[:20]!r}...)")
        try:
            value = to_decimal(cleaned, column)
        except InputError:
            raise RowError(
                f"{column} must be a whole number in plain digits like 105 (got {cleaned!r})"
            ) from None
        if value.adjusted() > 9 or value != value.to_integral_value():
            raise RowError(f"{column} must be a whole number (got {cleaned!r})")
        number = int(value)
    if number < 0:
        raise RowError(f"{column} can't be negative (got {number})")
    return number


def reason_of(error: Exception) -> str:
    """An engine message as a report reason: first letter as written, no final stop."""
    return str(error).strip().rstrip(".")
