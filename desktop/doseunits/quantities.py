"""Exact amounts: every number that reaches billing is a Decimal parsed here."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from doseunits.errors import InputError, InputField

#: The engine is exact for any dose up to this amount (in the drug's measure: mg, mcg,
#: units); larger ones are refused.
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


# Measures ---------------------------------------------------------------------------
# A drug is billed in its own measure: most by mass (J9022 per 10 mg, J1442 per 1 mcg),
# some in units of activity (J0885 per 1000 units). Inside the engine every amount is a
# plain Decimal in the drug's measure (fast, and exact); these types are for the edges,
# where text is read and written, and where two measures meet (a catalog's "0.48 mg"
# strength for a drug billed per mcg).


class Unit:
    """One measure: its symbol, its kind, and (mass) its power of ten against 1 mg.

    A plain class, not a dataclass: it is defined while the window starts, and a
    dataclass's generated methods cost more to make than these few lines.
    """

    __slots__ = ("exponent", "kind", "symbol")
    symbol: str  # as written in notes and labels: "mg", "mcg", "g", "units"
    kind: str  # "mass" or "units" (a plain str: typing is not imported while starting)
    exponent: int  # 1 mcg = 10**-3 mg; units of activity have no mg at all

    def __init__(self, symbol: str, kind: str, exponent: int = 0) -> None:
        object.__setattr__(self, "symbol", symbol)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "exponent", exponent)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Unit is immutable ({name})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Unit):
            return NotImplemented
        return (self.symbol, self.kind, self.exponent) == (other.symbol, other.kind, other.exponent)

    def __hash__(self) -> int:
        return hash((self.symbol, self.kind, self.exponent))

    def __repr__(self) -> str:
        return f"Unit({self.symbol!r}, {self.kind!r}, {self.exponent})"

    def __str__(self) -> str:
        return self.symbol


MG = Unit("mg", "mass")
MCG = Unit("mcg", "mass", -3)
G = Unit("g", "mass", 3)
UNITS = Unit("units", "units")
#: The words a file or a person may write for each measure (compared case-insensitively).
#: "mcg" rather than "ug"/"µg", and "units" rather than "U"/"IU": the Joint Commission's
#: and ISMP's error-prone abbreviations are refused, not guessed.
_WORDS = {"mg": MG, "mcg": MCG, "g": G, "units": UNITS, "unit": UNITS}
MEASURES = (MG, MCG, G, UNITS)
_AMOUNT = re.compile(r"(?P<number>[^\sA-Za-z]+)\s?(?P<word>[A-Za-z]+)?")


def unit_named(word: str) -> Unit | None:
    return _WORDS.get(word.strip().casefold())


class MeasureError(InputError):
    """Two amounts of different kinds met: mg can't become units."""


class Amount:
    """A Decimal with its measure. Mass converts exactly between mg, mcg and g; mass and
    units never mix (as money of two currencies does not add up without a rate)."""

    __slots__ = ("unit", "value")
    value: Decimal
    unit: Unit

    def __init__(self, value: Decimal, unit: Unit) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "unit", unit)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"an Amount is immutable ({name})")

    def __repr__(self) -> str:
        return f"Amount({self.value!r}, {self.unit!r})"

    def to(self, unit: Unit) -> Decimal:
        """The value in ``unit``, exact (a power of ten); another kind is a MeasureError."""
        if unit == self.unit:
            return self.value
        if unit.kind != self.unit.kind:
            raise MeasureError(f"{self} is not an amount in {unit} (a {self.unit.kind} amount).")
        number = self.value.scaleb(self.unit.exponent - unit.exponent)
        exponent = number.as_tuple().exponent
        return number.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else number

    def __str__(self) -> str:
        return f"{fmt(self.value)} {self.unit.symbol}"

    def _same(self, other: Amount) -> Decimal:
        return other.to(self.unit)

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.value + self._same(other), self.unit)

    def __sub__(self, other: Amount) -> Amount:
        return Amount(self.value - self._same(other), self.unit)

    def __lt__(self, other: Amount) -> bool:
        return self.value < self._same(other)

    def __le__(self, other: Amount) -> bool:
        return self.value <= self._same(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Amount):
            return NotImplemented
        if other.unit.kind != self.unit.kind:
            return False
        return self.value == other.to(self.unit)

    def __hash__(self) -> int:
        base = self.to(MG) if self.unit.kind == "mass" else self.value
        return hash((self.unit.kind, base.normalize()))


def parse_amount(
    value: object, what: str, field: InputField = "", measure: Unit | None = None
) -> Amount:
    """ "10 mg", "10mg", "1 mcg", "1000 units"; a plain number is in ``measure`` when one is
    given (the drug's), else the unit is required. The number is read as to_decimal reads."""
    if not isinstance(value, str):
        number = to_decimal(value, what, field)
        if measure is None:
            raise InputError(f"{what} needs its unit, like 10 mg (got {fmt(number)}).", field)
        return Amount(number, measure)
    text = value.strip()
    match = _AMOUNT.fullmatch(text)
    if match is None or match["word"] is None:
        number = to_decimal(text, what, field)  # a plain number, or its clear error
        if measure is None:
            raise InputError(f"{what} needs its unit, like 10 mg (got {text!r}).", field)
        return Amount(number, measure)
    unit = unit_named(match["word"])
    if unit is None:
        known = ", ".join(u.symbol for u in MEASURES)
        raise InputError(
            f"{what} has an unknown unit {match['word']!r}; write one of {known} "
            f"(got {text[:40]!r}).",
            field,
        )
    return Amount(to_decimal(match["number"], what, field), unit)


def amount_in(value: object, measure: Unit, what: str, field: InputField = "") -> Decimal:
    """A typed amount as a plain Decimal in the drug's ``measure``: "0.48 mg" for a drug
    billed per mcg is 480. A unit of the other kind is one clear sentence."""
    amount = parse_amount(value, what, field, measure)
    if amount.unit.kind != measure.kind:
        raise InputError(
            f"{what} is in {amount.unit}, but this drug is measured in {measure} (got {amount}).",
            field,
        )
    number = amount.to(measure)
    if number != number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP):
        raise InputError(
            f"{what} has more than {MAX_DECIMALS} decimal places in {measure} (got {amount}).",
            field,
        )
    return number
