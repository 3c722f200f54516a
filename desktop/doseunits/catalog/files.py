"""Catalog files: TOML tables of drugs read into the catalog model, validated on load.

A large catalog (the shipped one built from CMS's files, a site's import) is a JSON
snapshot of the same tables (``.json``: ``{"format": "doseunits-catalog", "drug":
[...]}``); TOML's parser takes 7 s for 100,000 drugs, JSON's under 1 s. Both are read
by the one validator, ``DrugReader``: a TOML file's drugs at load, a snapshot's each
when first used (``load_catalog``). Every error names the file, the drug and the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from doseunits.catalog.model import Catalog, Container, Drug, LazyDrug, Presentation
from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError, DoseUnitsError, InputError
from doseunits.files import read_limited, why
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
#: The most a JSON snapshot may hold: 100,000 drugs are ~45 MB, every NDC CMS lists 2 MB
#: (the shipped one); /dev/zero, or a file that grew by mistake, stops here.
SNAPSHOT_LIMIT = 256 << 20


def load_catalog(files: Iterable[Path], check: bool = False) -> Catalog:
    """Load files in order; a drug in a later file replaces an earlier one with the same id.

    A TOML file's drugs are all read and checked now. A JSON snapshot's are read when
    first used (``LazyDrug``: 100,000 drugs in about 1 s of CPU, not 2.4-2.9): only each
    drug's id, name, HCPCS, descriptor and NDCs now, so ids and NDCs are checked across
    the whole catalog at once. ``check``: every drug of every file read and checked now,
    as ``catalog import`` and ``catalog check`` do."""
    paths = tuple(files)
    sources: list[str] = []
    # Reading makes millions of objects that all live on: the collector's passes over
    # them doubled the time of a 100,000-drug snapshot; it is paused while reading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        drugs = merge_drugs([_load_file(path, sources, check) for path in paths])
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
    listed: dict[str, str] = {ndc: d.hcpcs for d in ready for ndc in d.ndc_texts()}
    merged = list(ready)
    for drug in imported:
        if drug.id in ids:
            continue
        if all(  # a snapshot's drug is read only where an NDC clashes
            ndc not in listed
            or (listed[ndc] != drug.hcpcs and listed[ndc] in drug.also_billed(ndc))
            for ndc in drug.ndc_texts()
        ):
            merged.append(drug)
            continue
        try:
            read = drug.validated()
        except CatalogError:
            merged.append(drug)  # it fails wherever it is used, and never bills
            continue
        kept = tuple(
            p
            for p in read.presentations
            if str(p.ndc) not in listed
            or (listed[str(p.ndc)] != read.hcpcs and listed[str(p.ndc)] in p.also_billed_under)
        )
        if kept:
            merged.append(dataclasses.replace(read, presentations=kept))
    return tuple(merged)


def _load_file(path: Path, sources: list[str] | None = None, check: bool = True) -> list[Drug]:
    lazy = False
    if path.suffix.casefold() == ".json":
        tables, source = read_snapshot(path)
        if sources is not None and source:
            sources.append(source)
        lazy = not check
    else:
        tables = read_toml(path, "Catalog").get("drug")
    if not isinstance(tables, list) or not tables:
        raise CatalogError(f"Catalog file {path} has no [[drug]] tables.")
    origin = str(path)
    if lazy:
        return list(_lazy_drugs(path, tables, origin).values())
    drugs: dict[str, Drug] = {}  # by id: a set-like check keeps a large file linear
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, dict):  # drug = ["x"]: not a [[drug]] table
            raise CatalogError(f"Catalog file {path}, drug #{index}: is not a [[drug]] table.")
        drug = DrugReader(path, index, table, origin).drug()
        if drug.id in drugs:
            raise CatalogError(f"Catalog file {path}: drug {drug.id!r} appears twice.")
        drugs[drug.id] = drug
    return list(drugs.values())


def _lazy_drugs(path: Path, tables: list[object], origin: str) -> dict[str, Drug]:
    """A snapshot's drugs by id, each read when first used (``LazyDrug``), with what the
    picker and the NDC checks need read now. One tight loop for the usual table (texts
    already trimmed, a HCPCS code in capitals, NDCs written 5-4-2, no other codes);
    any other goes through ``_lazy_drug``, which reads it carefully or says why not."""
    drugs: dict[str, Drug] = {}
    match = _HCPCS.match
    for index, table in enumerate(tables, start=1):
        if type(table) is not dict:
            raise CatalogError(f"Catalog file {path}, drug #{index}: is not a [[drug]] table.")
        get = table.get
        ident, name, hcpcs, descriptor = get("id"), get("name"), get("hcpcs"), get("descriptor")
        presentations = get("presentation")
        ndcs: list[str] = []
        if (
            type(ident) is str and type(name) is str and type(descriptor) is str
            and type(hcpcs) is str and match(hcpcs) is not None and ident == ident.strip()
            and name == name.strip() and descriptor == descriptor.strip()
            and ident and name and descriptor and type(presentations) is list
        ):  # fmt: skip
            for entry in presentations:
                ndc = entry.get("ndc") if type(entry) is dict else None
                if (
                    type(ndc) is not str or len(ndc) != 13 or ndc[5] != "-" or ndc[10] != "-"
                    or "also_billed_under" in entry
                ):  # fmt: skip
                    break
                ndcs.append(ndc)
            else:
                drug: Drug = LazyDrug(
                    ident, name, hcpcs, descriptor, origin, tuple(ndcs), None,
                    functools.partial(_read_drug, path, index, table, origin),
                )  # fmt: skip
                if ident in drugs:
                    raise CatalogError(f"Catalog file {path}: drug {ident!r} appears twice.")
                drugs[ident] = drug
                continue
        drug = _lazy_drug(path, index, table, origin)
        if drug.id in drugs:
            raise CatalogError(f"Catalog file {path}: drug {drug.id!r} appears twice.")
        drugs[drug.id] = drug
    return drugs


def _lazy_drug(path: Path, index: int, table: dict[str, object], origin: str) -> LazyDrug:
    """A snapshot's drug with what the picker and the NDC checks need, each checked now
    (id, name, HCPCS, descriptor: a drug the picker could not name fails the file, as a
    duplicate NDC does); the rest is read by ``DrugReader`` when the drug is first used.

    An NDC written 5-4-2 is listed as written (one that is not all digits fails when
    the drug is read, and can equal no real NDC's text); another spelling as ``Ndc``
    reads it. An NDC or ``also_billed_under`` that can't be read is left out of the
    listing: the drug fails with its sentence when used, and never bills."""
    reader = DrugReader(path, index, table, origin)
    ident, name, hcpcs, descriptor = (
        reader.text(table, key) for key in ("id", "name", "hcpcs", "descriptor")
    )  # each raises, or gives the text trimmed
    hcpcs = hcpcs.upper()
    if not _HCPCS.match(hcpcs):
        raise reader.fail("hcpcs", f"{hcpcs!r} is not a HCPCS code like J9022")
    ndcs: list[str] = []
    also: dict[str, tuple[str, ...]] = {}
    presentations = table.get("presentation")
    for entry in presentations if isinstance(presentations, list) else ():
        ndc = entry.get("ndc") if isinstance(entry, dict) else None
        if not isinstance(ndc, str):
            continue
        if len(ndc) != 13 or ndc[5] != "-" or ndc[10] != "-":
            try:
                ndc = str(Ndc.parse(ndc))
            except InputError:
                continue
        ndcs.append(ndc)
        codes = entry.get("also_billed_under", ())
        if isinstance(codes, list) and codes and all(isinstance(c, str) for c in codes):
            also[ndc] = tuple(codes)
    return LazyDrug(
        ident, name, hcpcs, descriptor, origin, tuple(ndcs), also or None,
        functools.partial(_read_drug, path, index, table, origin),
    )  # fmt: skip


def _read_drug(path: Path, index: int, table: Mapping[str, object], origin: str) -> Drug:
    return DrugReader(path, index, table, origin).drug()


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

    try:  # a regular file only, bounded: a pipe would block the window, /dev/zero fill it
        data = read_limited(path, SNAPSHOT_LIMIT)
    except FileNotFoundError:
        raise CatalogError(f"Catalog file {path} does not exist.") from None
    except OSError as error:
        raise CatalogError(f"Catalog file {path} can't be read ({why(error)}).") from None
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CatalogError(f"Catalog file {path} is not a JSON catalog snapshot.") from None
    except RecursionError:
        raise CatalogError(
            f"Catalog file {path} is nested too deeply to be a catalog snapshot."
        ) from None
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
    """An NDC listed twice, in one drug or two, fails, unless the two drugs bill under
    different codes and one of the two presentations says so (``also_billed_under``):
    CMS lists some NDCs under two codes, kept under both. From each drug's NDC texts, so
    a snapshot's drugs are checked without being read; one set over all of them first
    (200,000 NDCs in a few ms), the rules only where an NDC comes back."""
    drugs = tuple(drugs)
    every = [ndc for drug in drugs for ndc in drug.ndc_texts()]
    if len(set(every)) == len(every):
        return
    twice = {ndc for ndc, count in Counter(every).items() if count > 1}
    seen: dict[str, Drug] = {}
    for drug in drugs:
        for ndc in drug.ndc_texts():
            if ndc not in twice:
                continue
            other = seen.get(ndc)
            if other is not None:  # in an earlier drug, or earlier in this one
                _check_twice(drug, ndc, other)
            seen[ndc] = drug


def _check_twice(drug: Drug, ndc: str, other: Drug) -> None:
    """``ndc`` of ``drug`` was listed before, last by ``other``."""
    if (
        other is not drug
        and other.hcpcs != drug.hcpcs
        and (other.hcpcs in drug.also_billed(ndc) or drug.hcpcs in other.also_billed(ndc))
    ):
        return
    raise CatalogError(
        f"Catalog file {drug.origin}, drug {drug.id!r}, key 'presentation.ndc': NDC {ndc} "
        f"is listed more than once (also in {other.id!r})."
    )


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
