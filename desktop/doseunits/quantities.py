"""Exact amounts: every number that reaches billing is a Decimal parsed here."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from doseunits.errors import InputError, InputField

#: The engine is exact for any dose up to this amount; larger ones are refused.
MAX_DOSE_MG = Decimal(100_000)
MAX_VIALS = 1000  # of one presentation in one order
#: More decimals than a balance or a syringe can show is a typing slip, not a dose.
MAX_DECIMALS = 6
#: Plain ASCII decimal numbers only: no "1_050", no other scripts' digits, no grouping.
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")


def to_decimal(value: object, what: str, field: InputField = "") -> Decimal:
    """Parse a person's or a file's number; ``what`` names it in the error."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise InputError(f"{what} must be a number (got {value!r}).", field)
    text = value.strip() if isinstance(value, str) else value
    if text == "":
        raise InputError(f"{what} is empty; type a number.", field)
    shown = str(value).strip()
    if len(shown) > 40:
        shown = shown[:37] + "..."
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is not None and not number.is_finite():
        raise InputError(f"{what} must be a finite number (got {shown!r}).", field)
    if number is None or (isinstance(text, str) and not _NUMBER.fullmatch(text)):
        raise InputError(f"{what} must be a number like 1050 or 72.5 (got {shown!r}).", field)
    if number.adjusted() > 12:
        raise InputError(f"{what} is far too large (got {shown!r}).", field)
    if number != number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP):
        raise InputError(
            f"{what} has more than {MAX_DECIMALS} decimal places (got {shown!r}).", field
        )
    return number


def positive(
    value: object, what: str, field: InputField = "", limit: Decimal = MAX_DOSE_MG
) -> Decimal:
    """A number above zero and at most ``limit``."""
    number = to_decimal(value, what, field)
    if number <= 0:
        raise InputError(f"{what} must be more than 0 (got {fmt(number)}).", field)
    if number > limit:
        raise InputError(f"{what} must be at most {fmt(limit)} (got {fmt(number)}).", field)
    return number


def fmt(number: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: 1050, 17.5, 0.25."""
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):f}"
    return f"{number.normalize():f}"


def fmt_places(number: Decimal, places: int) -> str:
    """Rounded half-up to at most ``places`` decimals, then trimmed: 7.1428 -> 7.143."""
    return fmt(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
