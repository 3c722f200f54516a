"""The drug catalog: TOML files of drugs, their HCPCS codes and vial presentations.

Every fact carries its source and whether it was verified, so the window and the
note can show unverified facts as unverified. Files are validated on load; an
error names the file, the drug and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from doseunits.catalog.ndc import Ndc
from doseunits.errors import InputError
from doseunits.quantities import MG, Amount, Unit, fmt

Container = Literal["single-dose", "multi-dose"]


@dataclass(frozen=True, eq=False)
class Presentation:
    """One vial product: an NDC with its labeled strength and volume.

    ``strength_mg`` is in the drug's ``measure`` (mg for most drugs; 480 for a 480 mcg
    syringe of a drug billed per mcg): the engine's plain Decimal. Compared by identity
    (``eq=False``): each is one catalog entry, and identity hashing keeps the engine's
    dictionaries fast.
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
    measure: Unit = MG  # the drug's: the unit of strength_mg (set by the catalog reader)

    @property
    def strength(self) -> Amount:
        return Amount(self.strength_mg, self.measure)

    @property
    def single_dose(self) -> bool:
        return self.container == "single-dose"

    @property
    def mg_per_ml(self) -> Decimal:
        """Concentration in the drug's measure per mL."""
        return self.strength_mg / self.volume_ml

    def ml_for(self, mg: Decimal) -> Decimal:
        """Volume holding ``mg`` (in the drug's measure) of this presentation (one division,
        so exact where it can be)."""
        return mg * self.volume_ml / self.strength_mg

    @property
    def label(self) -> str:
        strength = fmt(self.strength_mg)
        return f"{strength} {self.measure.symbol} / {fmt(self.volume_ml)} mL {self.container} vial"


@dataclass(frozen=True, eq=False)
class Drug:
    """A drug as billed: one HCPCS code, its billing unit, and its presentations.

    ``measure`` is the unit of its billing unit (J9022 "10 mg": mg; J1442 "1 mcg": mcg;
    J0885 "1000 units": units). ``billing_unit_mg``, its presentations' strengths and
    every amount of its orders are plain Decimals in that measure (the names keep "mg"
    from when every drug was billed by the mg; for such drugs they still are mg).
    """

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
    measure: Unit = MG

    @property
    def billing_unit(self) -> Amount:
        return Amount(self.billing_unit_mg, self.measure)

    def amount(self, value: Decimal) -> str:
        """An amount of this drug as written: "1050 mg", "480 mcg", "10000 units"."""
        return f"{fmt(value)} {self.measure.symbol}"

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
        """Drugs whose id, name, HCPCS or any NDC contains ``text`` (digits match NDCs),
        best first: the drug ``text`` names exactly (id, name, HCPCS), then names and ids
        that start with it, then the rest, each in catalog order."""
        key = text.strip().casefold()
        digits = re.sub(r"\D", "", key)
        found = []
        for drug in self.drugs:
            words = f"{drug.id} {drug.name} {drug.hcpcs} {drug.descriptor}".casefold()
            ndcs = " ".join(f"{p.ndc} {p.ndc.eleven}" for p in drug.presentations)
            if key in words or key in ndcs or (len(digits) >= 4 and digits in ndcs):
                found.append(drug)

        def rank(drug: Drug) -> int:
            names = (drug.id.casefold(), drug.name.casefold())
            if key in (*names, drug.hcpcs.casefold()):
                return 0
            return 1 if any(name.startswith(key) for name in names) else 2

        return sorted(found, key=rank)

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
