"""Exact amounts: every number that reaches billing is a Decimal parsed here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from doseunits.core.errors import InputError

#: The engine is exact for any dose up to this amount; larger ones are refused.
MAX_DOSE_MG = Decimal(100_000)


def to_decimal(value: object, what: str, field: str = "") -> Decimal:
    """Parse a person's or a file's number; ``what`` names it in the error."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise InputError(f"{what} must be a number (got {value!r}).", field)
    text = value.strip() if isinstance(value, str) else value
    if text == "":
        raise InputError(f"{what} is empty; type a number.", field)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InputError(
            f"{what} must be a number like 1050 or 72.5 (got {str(value).strip()!r}).", field
        ) from None
    if not number.is_finite():
        raise InputError(f"{what} must be a finite number (got {str(value).strip()!r}).", field)
    return number


def positive(value: object, what: str, field: str = "", limit: Decimal = MAX_DOSE_MG) -> Decimal:
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
