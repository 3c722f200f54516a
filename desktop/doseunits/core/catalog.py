"""The drug catalog: TOML files of drugs, their HCPCS codes and vial presentations.

Every fact carries its source and whether it was verified, so the window and the
note can show unverified facts as unverified. Files are validated on load; an
error names the file, the drug and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from doseunits.core.amounts import MAX_DOSE_MG, fmt, to_decimal
from doseunits.core.errors import CatalogError, DoseUnitsError, InputError
from doseunits.core.ndc import Ndc
from doseunits.core.resources import resource
from doseunits.core.tomlfile import read_toml

Container = Literal["single-dose", "multi-dose"]
_CONTAINERS: tuple[Container, ...] = ("single-dose", "multi-dose")
_HCPCS = re.compile(r"^[A-Z]\d{4}$")
_DRUG_KEYS = {
    "id", "name", "hcpcs", "descriptor", "billing_unit_mg", "verified", "source",
    "note", "reviewed", "presentation",
}  # fmt: skip
_PRESENTATION_KEYS = {
    "ndc", "strength_mg", "volume_ml", "container", "verified", "source", "note", "powder",
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Presentation:
    """One vial product: an NDC with its labeled strength and volume.

    Compared by identity (``eq=False``): each is one catalog entry, and identity
    hashing keeps the engine's dictionaries fast.
    """

    ndc: Ndc
    strength_mg: Decimal
    volume_ml: Decimal
    container: Container
    verified: bool
    source: str
    note: str = ""
    # A lyophilized powder: its mL are after reconstitution, and many payers want such
    # NDCs in UN (vials) rather than mL (see billing's NDC-unit warning).
    powder: bool = False

    @property
    def single_dose(self) -> bool:
        return self.container == "single-dose"

    @property
    def mg_per_ml(self) -> Decimal:
        return self.strength_mg / self.volume_ml

    def ml_for(self, mg: Decimal) -> Decimal:
        """Volume holding ``mg`` of this presentation (one division, so exact where it can be)."""
        return mg * self.volume_ml / self.strength_mg

    @property
    def label(self) -> str:
        return f"{fmt(self.strength_mg)} mg / {fmt(self.volume_ml)} mL {self.container} vial"


@dataclass(frozen=True, eq=False)
class Drug:
    """A drug as billed: one HCPCS code, its billing unit, and its presentations."""

    id: str
    name: str
    hcpcs: str
    descriptor: str
    billing_unit_mg: Decimal
    verified: bool
    source: str
    presentations: tuple[Presentation, ...]
    note: str = ""
    reviewed: dt.date | None = None
    origin: str = ""

    @property
    def all_verified(self) -> bool:
        return self.verified and all(p.verified for p in self.presentations)

    def presentation(self, ndc: Ndc) -> Presentation | None:
        return next((p for p in self.presentations if p.ndc == ndc), None)


@dataclass(frozen=True)
class Catalog:
    """The drugs known to this site, shipped ones first, site files overriding by id."""

    drugs: tuple[Drug, ...]
    files: tuple[Path, ...] = field(default=())

    def find(self, query: str) -> Drug:
        """A drug by id, HCPCS code or NDC (case-insensitive); a clear error otherwise."""
        wanted = query.strip()
        key = wanted.casefold()
        for drug in self.drugs:
            if key in (drug.id.casefold(), drug.hcpcs.casefold()):
                return drug
        try:
            ndc = Ndc.parse(wanted)
        except InputError:
            pass
        else:
            for drug in self.drugs:
                if drug.presentation(ndc):
                    return drug
        known = ", ".join(f"{d.id} ({d.hcpcs})" for d in self.drugs)
        raise InputError(f"No drug {wanted!r} in the catalog; known drugs: {known}.", "drug")

    def search(self, text: str) -> list[Drug]:
        """Drugs whose id, name, HCPCS or any NDC contains ``text`` (digits match NDCs)."""
        key = text.strip().casefold()
        digits = re.sub(r"\D", "", key)
        found = []
        for drug in self.drugs:
            words = f"{drug.id} {drug.name} {drug.hcpcs} {drug.descriptor}".casefold()
            ndcs = " ".join(f"{p.ndc} {p.ndc.eleven}" for p in drug.presentations)
            if key in words or key in ndcs or (len(digits) >= 4 and digits in ndcs):
                found.append(drug)
        return found

    def lookup_ndc(self, ndc: Ndc) -> tuple[Drug, Presentation] | None:
        for drug in self.drugs:
            presentation = drug.presentation(ndc)
            if presentation:
                return drug, presentation
        return None

    @property
    def reviewed(self) -> dt.date | None:
        """The oldest review date of any drug: every entry was reviewed on or after it.
        None when an entry has no date (a site's, say): then nothing can be said for all."""
        dates = [d.reviewed for d in self.drugs]
        return None if not dates or None in dates else min(d for d in dates if d)


def shipped_catalog_files() -> list[Path]:
    return sorted(resource("catalog").glob("*.toml"))


def load_catalog(files: Iterable[Path]) -> Catalog:
    """Load files in order; a drug in a later file replaces an earlier one with the same id."""
    by_id: dict[str, Drug] = {}
    paths = tuple(files)
    for path in paths:
        for drug in _load_file(path):
            by_id[drug.id] = drug
    _check_unique_ndcs(by_id.values())
    return Catalog(tuple(by_id.values()), paths)


def load_default_catalog(site_files: Sequence[Path] = ()) -> Catalog:
    return load_catalog([*shipped_catalog_files(), *site_files])


def _load_file(path: Path) -> list[Drug]:
    document = read_toml(path, "Catalog")
    tables = document.get("drug")
    if not isinstance(tables, list) or not tables:
        raise CatalogError(f"Catalog file {path} has no [[drug]] tables.")
    drugs: list[Drug] = []
    for index, table in enumerate(tables, start=1):
        drug = _DrugReader(path, index, table).drug()
        if any(d.id == drug.id for d in drugs):
            raise CatalogError(f"Catalog file {path}: drug {drug.id!r} appears twice.")
        drugs.append(drug)
    return drugs


class _DrugReader:
    """Reads one [[drug]] table, naming file, drug and key in every error."""

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
        presentations = tuple(self.presentation(p, n, source) for n, p in enumerate(raw, 1))
        return Drug(
            id=self.text(table, "id"),
            name=self.text(table, "name"),
            hcpcs=hcpcs,
            descriptor=self.text(table, "descriptor"),
            billing_unit_mg=self.amount(table, "billing_unit_mg"),
            verified=verified,
            source=source,
            presentations=presentations,
            note=self.text(table, "note", required=False),
            reviewed=reviewed,
            origin=str(self.path),
        )

    def presentation(self, table: object, number: int, drug_source: str) -> Presentation:
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
            strength_mg=self.amount(table, "strength_mg", at),
            volume_ml=self.amount(table, "volume_ml", at),
            container="single-dose" if container == "single-dose" else "multi-dose",
            verified=self.flag(table, "verified", default=True, prefix=at),
            source=self.text(table, "source", required=False, prefix=at) or drug_source,
            note=self.text(table, "note", required=False, prefix=at),
            powder=self.flag(table, "powder", default=False, prefix=at),
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
            problem = str(error).replace("the value ", "", 1).rstrip(".")
            raise self.fail(prefix + key, problem) from None
        if number <= 0 or number > MAX_DOSE_MG:
            raise self.fail(prefix + key, f"must be above 0 and at most 100000 (got {value!r})")
        return number


def _check_unique_ndcs(drugs: Iterable[Drug]) -> None:
    seen: dict[Ndc, str] = {}
    for drug in drugs:
        for presentation in drug.presentations:
            other = seen.setdefault(presentation.ndc, drug.id)
            if other != drug.id or sum(p.ndc == presentation.ndc for p in drug.presentations) > 1:
                raise CatalogError(
                    f"Catalog file {drug.origin}, drug {drug.id!r}, key 'presentation.ndc': "
                    f"NDC {presentation.ndc} is listed more than once (also in {other!r})."
                )
