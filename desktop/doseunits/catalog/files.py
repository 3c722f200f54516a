"""Catalog files: TOML tables of drugs read into the catalog model, validated on load.

Every error names the file, the drug and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from doseunits.catalog.model import Catalog, Container, Drug, Presentation
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError, DoseUnitsError, InputError
from doseunits.quantities import (
    MAX_DECIMALS,
    MAX_DOSE_MG,
    MG,
    Amount,
    G,
    Unit,
    parse_amount,
    to_decimal,
)
from doseunits.tomlfile import read_toml

_CONTAINERS: tuple[Container, ...] = ("single-dose", "multi-dose")
_HCPCS = re.compile(r"^[A-Z]\d{4}$")
_DRUG_KEYS = {
    "id", "name", "hcpcs", "descriptor", "billing_unit", "billing_unit_mg", "verified",
    "source", "note", "reviewed", "presentation",
}  # fmt: skip
_PRESENTATION_KEYS = {
    "ndc", "strength", "strength_mg", "volume_ml", "container", "verified", "source", "note",
    "powder",
}  # fmt: skip


def load_catalog(files: Iterable[Path]) -> Catalog:
    """Load files in order; a drug in a later file replaces an earlier one with the same id."""
    by_id: dict[str, Drug] = {}
    paths = tuple(files)
    for path in paths:
        for drug in _load_file(path):
            by_id[drug.id] = drug
    _check_unique_ndcs(by_id.values())
    return Catalog(tuple(by_id.values()), paths)


def _load_file(path: Path) -> list[Drug]:
    document = read_toml(path, "Catalog")
    tables = document.get("drug")
    if not isinstance(tables, list) or not tables:
        raise CatalogError(f"Catalog file {path} has no [[drug]] tables.")
    drugs: dict[str, Drug] = {}  # by id: a set-like check keeps a large file linear
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, dict):  # drug = ["x"]: not a [[drug]] table
            raise CatalogError(f"Catalog file {path}, drug #{index}: is not a [[drug]] table.")
        drug = DrugReader(path, index, table).drug()
        if drug.id in drugs:
            raise CatalogError(f"Catalog file {path}: drug {drug.id!r} appears twice.")
        drugs[drug.id] = drug
    return list(drugs.values())


class DrugReader:
    """Reads one [[drug]] table into a Drug, naming file, drug and key in every error.

    Public so an importer (the CMS files, the FDA directory) validates what it makes
    exactly as a hand-written catalog file is validated.
    """

    def __init__(self, path: Path, index: int, table: Mapping[str, object]) -> None:
        self.path = path
        ident = table.get("id")
        self.where = f"drug {ident!r}" if isinstance(ident, str) else f"drug #{index}"
        self.table = table

    def fail(self, key: str, problem: str) -> CatalogError:
        return CatalogError(f"Catalog file {self.path}, {self.where}, key {key!r}: {problem}.")

    def drug(self) -> Drug:
        table = self.table
        unknown = sorted(set(table) - _DRUG_KEYS)
        if unknown:
            raise self.fail(unknown[0], "unknown key (a typo?)")
        hcpcs = self.text(table, "hcpcs").upper()
        if not _HCPCS.match(hcpcs):
            raise self.fail("hcpcs", f"{hcpcs!r} is not a HCPCS code like J9022")
        raw = table.get("presentation")
        if not isinstance(raw, list) or not raw:
            raise self.fail("presentation", "at least one [[drug.presentation]] is needed")
        verified = self.flag(table, "verified")
        source = self.text(table, "source")
        reviewed = table.get("reviewed")
        if reviewed is not None and not isinstance(reviewed, dt.date):
            raise self.fail("reviewed", "must be a TOML date like 2026-11-28")
        billing_unit, measure = self.billing_unit(table)
        presentations = tuple(
            self.presentation(p, n, source, measure) for n, p in enumerate(raw, 1)
        )
        return Drug(
            id=self.text(table, "id"),
            name=self.text(table, "name"),
            hcpcs=hcpcs,
            descriptor=self.text(table, "descriptor"),
            billing_unit_mg=billing_unit,
            verified=verified,
            source=source,
            presentations=presentations,
            note=self.text(table, "note", required=False),
            reviewed=reviewed,
            origin=str(self.path),
            measure=measure,
        )

    def billing_unit(self, table: Mapping[str, object]) -> tuple[Decimal, Unit]:
        """``billing_unit = "10 mg"`` ("1 mcg", "1000 units"): its unit is the drug's measure,
        except that a code billed per gram is measured in mg (doses are written in mg).
        The older ``billing_unit_mg = "10"`` is read as mg."""
        if "billing_unit_mg" in table:
            if "billing_unit" in table:
                raise self.fail("billing_unit_mg", "give billing_unit or billing_unit_mg, not both")
            return self.amount(table, "billing_unit_mg"), MG
        value = table.get("billing_unit")
        if not isinstance(value, str):
            raise self.fail("billing_unit", 'missing or not a text like "10 mg" or "1000 units"')
        try:
            amount = parse_amount(value, "the value")
        except InputError as error:
            raise self.fail("billing_unit", _problem(error)) from None
        measure = MG if amount.unit == G else amount.unit
        return self.checked(amount.to(measure), "billing_unit", value), measure

    def strength(self, table: Mapping[str, object], measure: Unit) -> Decimal:
        """``strength = "1200 mg"`` ("480 mcg", "10000 units"), in the drug's measure; the
        older ``strength_mg`` is read as mg. A units strength for a mg drug is an error."""
        key = "presentation.strength"
        value: object
        if "strength_mg" in table:
            if "strength" in table:
                raise self.fail(key + "_mg", "give strength or strength_mg, not both")
            key += "_mg"
            value = table.get("strength_mg")
            amount = Amount(self.amount(table, "strength_mg", "presentation."), MG)
        else:
            value = table.get("strength")
            if not isinstance(value, str):
                raise self.fail(key, 'missing or not a text like "1200 mg" or "480 mcg"')
            try:
                amount = parse_amount(value, "the value")
            except InputError as error:
                raise self.fail(key, _problem(error)) from None
        if amount.unit.kind != measure.kind:
            raise self.fail(
                key, f"{amount} can't be a strength of a drug billed in {measure} ({value!r})"
            )
        return self.checked(amount.to(measure), key, value)

    def checked(self, number: Decimal, key: str, value: object) -> Decimal:
        """Above 0, at most MAX_DOSE_MG and to MAX_DECIMALS places, in the drug's measure."""
        if number <= 0 or number > MAX_DOSE_MG:
            raise self.fail(key, f"must be above 0 and at most 100000 (got {value!r})")
        if number != number.quantize(Decimal(1).scaleb(-MAX_DECIMALS), rounding=ROUND_HALF_UP):
            raise self.fail(key, f"has more than {MAX_DECIMALS} decimal places (got {value!r})")
        return number

    def presentation(
        self, table: object, number: int, drug_source: str, measure: Unit = MG
    ) -> Presentation:
        if not isinstance(table, dict):
            raise self.fail("presentation", f"entry {number} is not a table")
        unknown = sorted(set(table) - _PRESENTATION_KEYS)
        if unknown:
            raise self.fail(f"presentation.{unknown[0]}", "unknown key (a typo?)")
        at = "presentation."
        container = self.text(table, "container", prefix=at)
        if container not in _CONTAINERS:
            raise self.fail("presentation.container", "must be 'single-dose' or 'multi-dose'")
        try:
            ndc = Ndc.parse(self.text(table, "ndc", prefix=at))
        except DoseUnitsError as error:
            raise self.fail("presentation.ndc", str(error).rstrip(".")) from None
        return Presentation(
            ndc=ndc,
            strength_mg=self.strength(table, measure),
            volume_ml=self.amount(table, "volume_ml", at),
            container="single-dose" if container == "single-dose" else "multi-dose",
            verified=self.flag(table, "verified", default=True, prefix=at),
            source=self.text(table, "source", required=False, prefix=at) or drug_source,
            note=self.text(table, "note", required=False, prefix=at),
            powder=self.flag(table, "powder", default=False, prefix=at),
            measure=measure,
        )

    # ``prefix`` is "presentation." inside a [[drug.presentation]], so errors name the key.
    def text(
        self, table: Mapping[str, object], key: str, required: bool = True, prefix: str = ""
    ) -> str:
        value = table.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            problem = "missing or not a text" if value is None else "must be a text"
            raise self.fail(prefix + key, problem)
        return value.strip()

    def flag(
        self, table: Mapping[str, object], key: str, default: bool | None = None, prefix: str = ""
    ) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(prefix + key, "must be true or false")
        return value

    def amount(self, table: Mapping[str, object], key: str, prefix: str = "") -> Decimal:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
            raise self.fail(prefix + key, "missing or not a number")
        try:
            number = to_decimal(str(value), "the value")
        except InputError as error:
            raise self.fail(prefix + key, _problem(error)) from None
        return self.checked(number, prefix + key, value)


def _problem(error: InputError) -> str:
    """A quantities message about "the value", as the rest of a catalog sentence."""
    return str(error).replace("the value ", "", 1).rstrip(".")


def _check_unique_ndcs(drugs: Iterable[Drug]) -> None:
    """One pass over every presentation: an NDC seen before, in this drug or another, fails."""
    seen: dict[Ndc, str] = {}
    for drug in drugs:
        for presentation in drug.presentations:
            other = seen.get(presentation.ndc)
            if other is not None:  # in an earlier drug, or earlier in this one
                raise CatalogError(
                    f"Catalog file {drug.origin}, drug {drug.id!r}, key 'presentation.ndc': "
                    f"NDC {presentation.ndc} is listed more than once (also in {other!r})."
                )
            seen[presentation.ndc] = drug.id
