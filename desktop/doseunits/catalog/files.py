"""Catalog files: TOML tables of drugs read into the catalog model, validated on load.

A large catalog (the shipped one built from CMS's files, a site's import) is a JSON
snapshot of the same tables (``.json``: ``{"format": "doseunits-catalog", "drug":
[...]}``); TOML's parser takes 7 s for 100,000 drugs, JSON's under 1 s. Both are read
by the one validator, ``DrugReader``. Every error names the file, the drug and the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
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

_CONTAINERS: dict[str, Container] = {
    "single-dose": "single-dose", "multi-dose": "multi-dose", "unconfirmed": "unconfirmed",
}  # fmt: skip
_HCPCS = re.compile(r"^[A-Z]\d{4}$")
_DRUG_KEYS = {
    "id", "name", "hcpcs", "descriptor", "billing_unit", "billing_unit_mg", "verified",
    "source", "note", "reviewed", "presentation", "imported",
}  # fmt: skip
_PRESENTATION_KEYS = {
    "ndc", "strength", "strength_mg", "volume_ml", "container", "verified", "source", "note",
    "powder", "container_source", "items_per_package", "also_billed_under",
}  # fmt: skip
#: Texts already read and checked (a large catalog repeats a few hundred strengths):
#: a hit gives the same Decimal the full reading would.
_BILLING_UNITS: dict[str, tuple[Decimal, Unit]] = {}
_STRENGTHS: dict[tuple[str, Unit], Decimal] = {}
#: A JSON snapshot's ``format``; a file without it is not a catalog snapshot.
SNAPSHOT_FORMAT = "doseunits-catalog"
SNAPSHOT_VERSION = 1


def load_catalog(files: Iterable[Path]) -> Catalog:
    """Load files in order; a drug in a later file replaces an earlier one with the same id."""
    paths = tuple(files)
    sources: list[str] = []
    # Reading makes millions of objects that all live on: the collector's passes over
    # them doubled the time of a 100,000-drug snapshot; it is paused while reading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        drugs = merge_drugs([_load_file(path, sources) for path in paths])
    finally:
        if collecting:
            gc.enable()
    return Catalog(drugs, paths, sources=sources)


def merge_drugs(layers: Iterable[Iterable[Drug]], ready: Iterable[Drug] = ()) -> tuple[Drug, ...]:
    """Drugs in order, a later one replacing an earlier one with the same id; the NDCs
    checked once over all of them. ``ready`` drugs (already loaded, in front) are kept
    as they are unless a later layer replaces them."""
    by_id: dict[str, Drug] = {d.id: d for d in ready}
    for layer in layers:
        for drug in layer:
            by_id[drug.id] = drug
    _check_unique_ndcs(by_id.values())
    return tuple(by_id.values())


def merge_imported(ready: tuple[Drug, ...], imported: Iterable[Drug]) -> tuple[Drug, ...]:
    """``ready`` (hand-checked and the sites' own files) in front, then the imported drugs:
    hand-checked facts win. An imported drug with the id of a ready one is left out; an
    imported NDC a ready drug already lists is left out of the imported drug (it is the
    same code, or a code CMS does not pair with it), and a drug left with none is dropped.
    So no conflict between the two parts can fail the catalog after the window is up."""
    ids = {d.id for d in ready}
    listed: dict[Ndc, str] = {p.ndc: d.hcpcs for d in ready for p in d.presentations}
    merged = list(ready)
    for drug in imported:
        if drug.id in ids:
            continue
        kept = tuple(
            p
            for p in drug.presentations
            if p.ndc not in listed
            or (listed[p.ndc] != drug.hcpcs and listed[p.ndc] in p.also_billed_under)
        )
        if len(kept) == len(drug.presentations):
            merged.append(drug)
        elif kept:
            merged.append(dataclasses.replace(drug, presentations=kept))
    return tuple(merged)


def _load_file(path: Path, sources: list[str] | None = None) -> list[Drug]:
    if path.suffix.casefold() == ".json":
        tables, source = read_snapshot(path)
        if sources is not None and source:
            sources.append(source)
    else:
        tables = read_toml(path, "Catalog").get("drug")
    if not isinstance(tables, list) or not tables:
        raise CatalogError(f"Catalog file {path} has no [[drug]] tables.")
    drugs: dict[str, Drug] = {}  # by id: a set-like check keeps a large file linear
    origin = str(path)
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, dict):  # drug = ["x"]: not a [[drug]] table
            raise CatalogError(f"Catalog file {path}, drug #{index}: is not a [[drug]] table.")
        drug = DrugReader(path, index, table, origin).drug()
        if drug.id in drugs:
            raise CatalogError(f"Catalog file {path}: drug {drug.id!r} appears twice.")
        drugs[drug.id] = drug
    return list(drugs.values())


class DrugReader:
    """Reads one [[drug]] table into a Drug, naming file, drug and key in every error.

    Public so an importer (the CMS files, the FDA directory) validates what it makes
    exactly as a hand-written catalog file is validated.
    """

    def __init__(
        self, path: Path, index: int, table: Mapping[str, object], origin: str = ""
    ) -> None:
        self.path = path
        self.origin = origin or str(path)
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
        if isinstance(reviewed, str) and self.path.suffix.casefold() == ".json":
            try:  # JSON has no dates: a snapshot writes them as ISO text
                reviewed = dt.date.fromisoformat(reviewed)
            except ValueError:
                raise self.fail("reviewed", "must be a date like 2026-11-28") from None
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
            origin=self.origin,
            measure=measure,
            imported=self.flag(table, "imported", default=False),
        )

    def billing_unit(self, table: Mapping[str, object]) -> tuple[Decimal, Unit]:
        """``billing_unit = "10 mg"`` ("1 mcg", "1000 units"): its unit is the drug's measure,
        except that a code billed per gram is measured in mg (doses are written in mg).
        The older ``billing_unit_mg = "10"`` is read as mg."""
        value = table.get("billing_unit")
        known = _BILLING_UNITS.get(value) if isinstance(value, str) else None
        if known is not None and "billing_unit_mg" not in table:
            return known  # the same text read before: the same answer
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
        read = self.checked(amount.to(measure), "billing_unit", value), measure
        if len(_BILLING_UNITS) < 4096:
            _BILLING_UNITS[value] = read
        return read

    def strength(self, table: Mapping[str, object], measure: Unit) -> Decimal:
        """``strength = "1200 mg"`` ("480 mcg", "10000 units"), in the drug's measure; the
        older ``strength_mg`` is read as mg. A units strength for a mg drug is an error."""
        key = "presentation.strength"
        value: object = table.get("strength")
        known = _STRENGTHS.get((value, measure)) if isinstance(value, str) else None
        if known is not None and "strength_mg" not in table:
            return known  # the same text read before for this measure: the same answer
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
                amount = _parse_amount(value)
            except InputError as error:
                raise self.fail(key, _problem(error)) from None
        if amount.unit.kind != measure.kind:
            raise self.fail(
                key, f"{amount} can't be a strength of a drug billed in {measure} ({value!r})"
            )
        strength = self.checked(amount.to(measure), key, value)
        if isinstance(value, str) and "strength_mg" not in table and len(_STRENGTHS) < 65536:
            _STRENGTHS[value, measure] = strength
        return strength

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
        container = _CONTAINERS.get(self.text(table, "container", prefix=at))
        if container is None:
            raise self.fail(
                "presentation.container", "must be 'single-dose', 'multi-dose' or 'unconfirmed'"
            )
        try:
            ndc = _parse_ndc(self.text(table, "ndc", prefix=at))
        except DoseUnitsError as error:
            raise self.fail("presentation.ndc", str(error).rstrip(".")) from None
        return Presentation(
            ndc=ndc,
            strength_mg=self.strength(table, measure),
            # No volume: none is confirmed (the NDC quantity then can't be given in mL).
            volume_ml=self.amount(table, "volume_ml", at) if "volume_ml" in table else None,
            container=container,
            verified=self.flag(table, "verified", default=True, prefix=at),
            source=self.text(table, "source", required=False, prefix=at) or drug_source,
            note=self.text(table, "note", required=False, prefix=at),
            powder=self.flag(table, "powder", default=False, prefix=at),
            measure=measure,
            container_source=self.text(table, "container_source", required=False, prefix=at),
            items_per_package=self.items(table),
            also_billed_under=self.codes(table, "also_billed_under"),
        )

    def items(self, table: Mapping[str, object]) -> int:
        """``items_per_package``: the vials in the NDC's package, a whole number from 1."""
        value = table.get("items_per_package", 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
            raise self.fail(
                "presentation.items_per_package", "must be a whole number of items from 1"
            )
        return value

    def codes(self, table: Mapping[str, object], key: str) -> tuple[str, ...]:
        if key not in table:
            return ()
        value = table[key]
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(code, str) and _HCPCS.match(code) for code in value
        ):
            raise self.fail(f"presentation.{key}", 'must be a list of HCPCS codes like ["J9022"]')
        return tuple(value)

    # ``prefix`` is "presentation." inside a [[drug.presentation]], so errors name the key.
    def text(
        self, table: Mapping[str, object], key: str, required: bool = True, prefix: str = ""
    ) -> str:
        value = table.get(key)
        if type(value) is str and value and not value[0].isspace() and not value[-1].isspace():
            return value  # the usual case, already trimmed
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


def read_snapshot(path: Path) -> tuple[object, str]:
    """A JSON snapshot's drug tables and what it was built from ("CMS ASP NDC-HCPCS
    crosswalk, 2025-10-01 to 2025-12-31"); one sentence naming the file otherwise."""
    import json  # not at start-up: the shipped snapshot is read after the first frame

    try:
        document = json.loads(path.read_bytes())
    except OSError as error:
        raise CatalogError(f"Catalog file {path} can't be read ({error.strerror}).") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CatalogError(f"Catalog file {path} is not a JSON catalog snapshot.") from None
    if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
        raise CatalogError(
            f"Catalog file {path} is not a DoseUnits catalog snapshot "
            f'(no "format": "{SNAPSHOT_FORMAT}").'
        )
    if document.get("version") != SNAPSHOT_VERSION:
        raise CatalogError(
            f"Catalog file {path} is snapshot version {document.get('version')!r}; this "
            f"DoseUnits reads version {SNAPSHOT_VERSION}: import the CMS files again."
        )
    source = document.get("source")
    return document.get("drug"), source if isinstance(source, str) else ""


def snapshot_document(tables: list[dict[str, object]], source: str) -> dict[str, object]:
    """The JSON document ``read_snapshot`` reads: tables as a catalog file writes them."""
    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "source": source,
        "drug": tables,
    }


def _problem(error: InputError) -> str:
    """A quantities message about "the value", as the rest of a catalog sentence."""
    return str(error).replace("the value ", "", 1).rstrip(".")


def _check_unique_ndcs(drugs: Iterable[Drug]) -> None:
    """One pass over every presentation: an NDC seen before, in this drug or another, fails,
    unless the two drugs bill under different codes and one of the two presentations says
    so (``also_billed_under``): CMS lists some NDCs under two codes, kept under both."""
    seen: dict[Ndc, tuple[Drug, Presentation]] = {}
    for drug in drugs:
        for presentation in drug.presentations:
            earlier = seen.get(presentation.ndc)
            if earlier is not None:  # in an earlier drug, or earlier in this one
                other, first = earlier
                if (
                    other is drug
                    or other.hcpcs == drug.hcpcs
                    or not (
                        other.hcpcs in presentation.also_billed_under
                        or drug.hcpcs in first.also_billed_under
                    )
                ):
                    raise CatalogError(
                        f"Catalog file {drug.origin}, drug {drug.id!r}, key "
                        f"'presentation.ndc': NDC {presentation.ndc} is listed more than "
                        f"once (also in {other.id!r})."
                    )
            seen[presentation.ndc] = (drug, presentation)


@functools.lru_cache(maxsize=256)
def _parse_amount(text: str) -> Amount:
    """Strengths repeat (a catalog of 100,000 drugs has a few hundred): parsed once each."""
    return parse_amount(text, "the value")


def _parse_ndc(text: str) -> Ndc:
    """The common spelling (5-4-2, hyphenated) read without a regular expression."""
    if len(text) == 13 and text[5] == "-" and text[10] == "-":
        labeler, product, package = text[:5], text[6:10], text[11:]
        if (labeler + product + package).isdigit() and (labeler + product + package).isascii():
            return Ndc(labeler, product, package)
    return Ndc.parse(text)
