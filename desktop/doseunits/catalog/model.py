"""The drug catalog: TOML files of drugs, their HCPCS codes and vial presentations.

Every fact carries its source and whether it was verified, so the window and the
note can show unverified facts as unverified. Files are validated on load; an
error names the file, the drug and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from doseunits.catalog.ndc import Ndc
from doseunits.errors import CatalogError, InputError
from doseunits.quantities import MG, Amount, Unit, fmt

#: "unconfirmed": no source the catalog was built from says single- or multi-dose (CMS's
#: crosswalk does not): the engine bills such a vial's administered line only
#: (docs/billing-rules.md §3.6a).
Container = Literal["single-dose", "multi-dose", "unconfirmed"]


@dataclass(frozen=True, eq=False)
class Presentation:
    """One vial product: an NDC with its labeled strength and volume.

    One presentation is one item (vial, syringe) of its NDC's package: Keytruda
    00006-3026-04 is a carton of two 100 mg vials (``items_per_package`` 2), its
    strength is one vial's, vial counts count vials, and the claim carries the package
    NDC. ``strength_mg`` is in the drug's ``measure`` (mg for most drugs; 480 for a 480 mcg
    syringe of a drug billed per mcg): the engine's plain Decimal. ``volume_ml`` is None
    where no source confirms it (CMS's PKG SIZE states no unit): then the NDC quantity
    can't be given in mL. Compared by identity (``eq=False``): each is one catalog entry,
    and identity hashing keeps the engine's dictionaries fast.
    """

    ndc: Ndc
    strength_mg: Decimal
    volume_ml: Decimal | None
    container: Container
    verified: bool
    source: str
    note: str = ""
    # A lyophilized powder: its mL are after reconstitution, and many payers want such
    # NDCs in UN (vials) rather than mL (see billing's NDC-unit warning).
    powder: bool = False
    measure: Unit = MG  # the drug's: the unit of strength_mg (set by the catalog reader)
    #: Where the container type comes from, when not from ``source`` (a label, a
    #: station's confirmation); "" means ``source``.
    container_source: str = ""
    #: A sourced container type that a station's confirmation overrode, with its source:
    #: shown beside the confirmed one ("multi-dose (hand-checked: ...)").
    container_disagreement: str = ""
    items_per_package: int = 1  # CMS's PKG QTY: the vials in the NDC's package
    #: The other HCPCS codes this NDC bills under (CMS lists 64 NDCs under two codes):
    #: the catalog keeps it under each, and the picker shows both.
    also_billed_under: tuple[str, ...] = ()

    @property
    def strength(self) -> Amount:
        return Amount(self.strength_mg, self.measure)

    @property
    def single_dose(self) -> bool:
        return self.container == "single-dose"

    @property
    def container_confirmed(self) -> bool:
        return self.container != "unconfirmed"

    @property
    def mg_per_ml(self) -> Decimal | None:
        """Concentration in the drug's measure per mL; None without a confirmed volume."""
        return None if self.volume_ml is None else self.strength_mg / self.volume_ml

    def ml_for(self, mg: Decimal) -> Decimal | None:
        """Volume holding ``mg`` (in the drug's measure) of this presentation (one division,
        so exact where it can be); None without a confirmed volume."""
        return None if self.volume_ml is None else mg * self.volume_ml / self.strength_mg

    @property
    def label(self) -> str:
        """ "1200 mg / 20 mL single-dose vial"; what no source confirms is said once, after
        it ("100 mg vial (2 in the package; volume and container not confirmed)")."""
        strength = f"{fmt(self.strength_mg)} {self.measure.symbol}"
        volume = "" if self.volume_ml is None else f" / {fmt(self.volume_ml)} mL"
        unconfirmed = self.container == "unconfirmed"
        container = "" if unconfirmed else f" {self.container}"
        open_facts = [
            name
            for name, missing in (("volume", self.volume_ml is None), ("container", unconfirmed))
            if missing
        ]
        notes = [f"{self.items_per_package} in the package"] if self.items_per_package > 1 else []
        if open_facts:
            notes.append(f"{' and '.join(open_facts)} not confirmed")
        said = f" ({'; '.join(notes)})" if notes else ""
        return f"{strength}{volume}{container} vial{said}"


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
    #: Built from CMS's files (the shipped snapshot or a site's import), not hand-checked.
    imported: bool = False

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

    def validated(self) -> Drug:
        """This drug, checked: a drug of a large catalog file (``LazyDrug``) is read and
        checked now, or raises the CatalogError naming file, drug and key (each time)."""
        return self

    def ndc_texts(self) -> tuple[str, ...]:
        """Its presentations' NDCs as 5-4-2 text, without reading the drug: what the NDC
        checks, the search and the lookups by NDC need."""
        return tuple(str(p.ndc) for p in self.presentations)

    def also_billed(self, ndc: str) -> tuple[str, ...]:
        """The other codes the presentation of NDC text ``ndc`` bills under (the last one
        with it, where a drug lists it twice), without reading the drug."""
        found = (p.also_billed_under for p in reversed(self.presentations) if str(p.ndc) == ndc)
        return next(found, ())


class LazyDrug(Drug):
    """A drug of a large catalog file (a JSON snapshot), read and checked when first used.

    Only what the search and the NDC checks need is read with the file: id, name, HCPCS,
    descriptor and each NDC (``ndc_texts``, ``also_billed``). Any other fact, read
    anywhere, reads the drug through ``build`` (the catalog validator) once; the object
    then *becomes* that ``Drug`` (its class is switched, its identity kept), so later
    reads cost what a plain Drug's do. A drug that fails raises its CatalogError (file,
    drug, key) on every read of a fact it would bill with: it never bills.
    """

    def __init__(
        self,
        id: str,
        name: str,
        hcpcs: str,
        descriptor: str,
        origin: str,
        ndcs: tuple[str, ...],
        also: dict[str, tuple[str, ...]] | None,
        build: Callable[[], Drug],
    ) -> None:
        # Frozen: written directly, as dataclasses do. ``also``: by NDC text, only where a
        # presentation has ``also_billed_under`` (most have none).
        self.__dict__.update(
            id=id, name=name, hcpcs=hcpcs, descriptor=descriptor, origin=origin,
            _ndcs=ndcs, _also=also, _build=build,
        )  # fmt: skip

    def validated(self) -> Drug:
        state = self.__dict__
        problem = state.get("_problem")
        if problem is None:
            try:
                drug = state["_build"]()
            except CatalogError as error:
                problem = state["_problem"] = str(error)
            else:
                # Filled before the class is switched and never emptied: a thread reading
                # it meanwhile (the window's audit) sees this drug whole, either way.
                state.update(drug.__dict__)
                object.__setattr__(self, "__class__", Drug)
                return self
        raise CatalogError(problem)

    def ndc_texts(self) -> tuple[str, ...]:
        ndcs: tuple[str, ...] = self.__dict__["_ndcs"]
        return ndcs

    def also_billed(self, ndc: str) -> tuple[str, ...]:
        also: dict[str, tuple[str, ...]] | None = self.__dict__["_also"]
        return also.get(ndc, ()) if also else ()

    def __repr__(self) -> str:  # the dataclass's would read (and could fail)
        return f"LazyDrug({self.id!r}, not read yet)"

    # Every field but those read with the file reads the drug first.
    @property
    def billing_unit_mg(self) -> Decimal:
        return self.validated().billing_unit_mg

    @property
    def verified(self) -> bool:
        return self.validated().verified

    @property
    def source(self) -> str:
        return self.validated().source

    @property
    def presentations(self) -> tuple[Presentation, ...]:
        return self.validated().presentations

    @property
    def note(self) -> str:
        return self.validated().note

    @property
    def reviewed(self) -> dt.date | None:
        return self.validated().reviewed

    @property
    def measure(self) -> Unit:
        return self.validated().measure

    @property
    def imported(self) -> bool:
        return self.validated().imported


#: What a catalog's pending part gives: every drug, what the imported part was built
#: from, and the sentences saying which files it left out and why.
Loaded = tuple[tuple[Drug, ...], tuple[str, ...], tuple[str, ...]]


class Catalog:
    """The drugs known to this site, shipped ones first, site files overriding by id.

    Part of it may be ``pending``: a large catalog (the shipped CMS snapshot, a site's
    import) is read when first needed, not before the window's first frame. ``ready``
    holds what is loaded so far; ``drugs``, ``search`` and a ``find`` that misses the
    ready part load the rest. ``pending`` is handed the ready drugs and returns the
    whole catalog (ready ones kept as they are, in front), what it was built from, and
    the files it left out, each as the sentence saying why (``left_out``).
    """

    __slots__ = ("_drugs", "_index", "_left_out", "_pending", "_sources", "files")

    def __init__(
        self,
        drugs: Iterable[Drug],
        files: Iterable[Path] = (),
        pending: Callable[[tuple[Drug, ...]], Loaded] | None = None,
        sources: Iterable[str] = (),
        left_out: Iterable[str] = (),
    ) -> None:
        self._drugs = tuple(drugs)
        self.files = tuple(files)
        self._pending = pending
        self._index: _SearchIndex | None = None
        self._sources = tuple(sources)
        self._left_out = tuple(left_out)

    @property
    def sources(self) -> tuple[str, ...]:
        """What the imported part was built from, for About and ``catalog show`` (the
        shipped CMS snapshot's source and quarter, a site import's)."""
        self.load()
        return self._sources

    @property
    def left_out(self) -> tuple[str, ...]:
        """The catalog files the pending part could not use as a whole (unreadable, not a
        snapshot, an NDC or drug id listed twice), each as one sentence naming the file:
        the window bills from the rest and says so (``Site.load(leave_out_broken=True)``)."""
        self.load()
        return self._left_out

    @property
    def drugs(self) -> tuple[Drug, ...]:
        self.load()
        return self._drugs

    @property
    def ready(self) -> tuple[Drug, ...]:
        """The drugs loaded so far, without loading the rest."""
        return self._drugs

    @property
    def loaded(self) -> bool:
        return self._pending is None

    def load(self) -> None:
        """Read the pending part, once (a broken file raises CatalogError here)."""
        if self._pending is not None:
            self._drugs, sources, left_out = self._pending(self._drugs)  # may raise: asked again
            self._pending = None
            self._sources += sources
            self._left_out += left_out
            self._index = None

    def find(self, query: str) -> Drug:
        """A drug by id, HCPCS code or NDC (case-insensitive), else the one drug whose name
        or descriptor holds ``query``; a clear error otherwise (several match: they are
        named). The ready part is asked first, so hand-checked drugs answer without loading.
        The drug found is checked (a large file's drugs are read when first used): one that
        fails is an InputError about the drug field, naming file, drug and key."""
        wanted = query.strip()
        found = _find(self._drugs, wanted)
        if found is None and not self.loaded:
            self.load()
            found = _find(self._drugs, wanted)
        if found is not None:
            return _checked(found)
        matches = self.search(wanted) if len(wanted) >= 3 else []
        if len(matches) == 1:  # a name ("carboplatin", "Keytruda") that means one drug
            return _checked(matches[0])
        if matches:
            some = ", ".join(f"{d.name} ({d.hcpcs})" for d in matches[:6])
            more = f" and {len(matches) - 6} more" if len(matches) > 6 else ""
            raise InputError(
                f"{wanted!r} matches {len(matches)} drugs: {some}{more}; give the HCPCS code.",
                "drug",
            )
        shown = self._drugs[:12]
        known = ", ".join(f"{d.id} ({d.hcpcs})" for d in shown)
        more = f" and {len(self._drugs) - len(shown)} more" if len(self._drugs) > len(shown) else ""
        raise InputError(f"No drug {wanted!r} in the catalog; known drugs: {known}{more}.", "drug")

    def search(self, text: str) -> list[Drug]:
        """Drugs whose id, name, HCPCS, descriptor or any NDC contains ``text``, best first:
        the drug ``text`` names exactly (id, name, HCPCS), then names and ids that start
        with it, then the rest, each in catalog order.

        An NDC matches in any form: hyphenated 5-4-2, 4-4-2, 5-3-2 or 5-4-1, 10 or 11
        digits, or four or more of its digits."""
        if self._index is None or not self.loaded:
            self.load()
            self._index = _SearchIndex(self._drugs)
        key = text.strip().casefold()

        def rank(drug: Drug) -> int:
            names = (drug.id.casefold(), drug.name.casefold())
            if key in (*names, drug.hcpcs.casefold()):
                return 0
            return 1 if any(name.startswith(key) for name in names) else 2

        return sorted(self._index.search(text), key=rank)

    def lookup_ndc(self, ndc: Ndc) -> tuple[Drug, Presentation] | None:
        """The first drug listing ``ndc`` (an NDC under two codes: see ``all_for_ndc``)."""
        found = self.all_for_ndc(ndc)
        return found[0] if found else None

    def all_for_ndc(self, ndc: Ndc) -> list[tuple[Drug, Presentation]]:
        """Every drug listing ``ndc``: more than one where it bills under two codes. Only
        those drugs are read (a large file's): one that fails raises its CatalogError."""
        for drugs in (self._drugs, None):
            if drugs is None:
                if self.loaded:
                    break
                self.load()
                drugs = self._drugs
            wanted = str(ndc)
            listing = [d for d in drugs if wanted in d.ndc_texts()]
            found = [(d, p) for d in listing for p in d.presentations if p.ndc == ndc]
            if found:
                return found
        return []

    @property
    def reviewed(self) -> dt.date | None:
        """The oldest review date of the hand-checked drugs: every one was reviewed on or
        after it. None when one has no date (a site's, say): then nothing can be said.
        Drugs built from CMS's files carry their quarter instead (``sources``)."""
        dates = [  # a large file's drugs not read yet: a snapshot, which has its quarter
            d.reviewed for d in self._drugs if not isinstance(d, LazyDrug) and not d.imported
        ]
        return None if not dates or None in dates else min(d for d in dates if d)


def _find(drugs: tuple[Drug, ...], wanted: str) -> Drug | None:
    key = wanted.casefold()
    for drug in drugs:
        if key in (drug.id.casefold(), drug.hcpcs.casefold()):
            return drug
    try:
        ndc = str(Ndc.parse(wanted))
    except InputError:
        return None
    for drug in drugs:
        if ndc in drug.ndc_texts():
            return drug
    return None


def _checked(drug: Drug) -> Drug:
    """``drug`` read and checked, or an InputError about the drug field saying why not."""
    try:
        return drug.validated()
    except CatalogError as error:
        raise InputError(str(error), "drug") from None


class _SearchIndex:
    """Each drug's words and NDC digits as one lower-case text, built once per catalog:
    a keystroke is then one substring test per drug (about 0.2 ms over ~740 drugs)."""

    __slots__ = ("drugs", "ndcs", "words")

    def __init__(self, drugs: tuple[Drug, ...]) -> None:
        self.drugs = drugs
        self.words = [f"{d.id} {d.name} {d.hcpcs} {d.descriptor}".casefold() for d in drugs]
        # Each NDC as 11 digits and as hyphenated 5-4-2, "|" between, so digits typed
        # never match across two NDCs.
        self.ndcs = [
            "|".join(f"{ndc.replace('-', '')}|{ndc}" for ndc in d.ndc_texts()) for d in drugs
        ]

    def search(self, text: str) -> list[Drug]:
        key = text.strip().casefold()
        if not key:
            return list(self.drugs)
        forms = _ndc_forms(key)
        digits = re.sub(r"\D", "", key)
        found = []
        for drug, words, ndcs in zip(self.drugs, self.words, self.ndcs, strict=True):
            if (
                key in words
                or key in ndcs
                or (forms and any(form in ndcs for form in forms))
                or (len(digits) >= 4 and digits == key.replace("-", "") and digits in ndcs)
            ):
                found.append(drug)
        return found


def _ndc_forms(key: str) -> tuple[str, ...]:
    """A typed NDC as the 11 digits it may mean: hyphenated forms say their segments; ten
    digits without hyphens may be 4-4-2, 5-3-2 or 5-4-1 (each tried)."""
    try:
        return (Ndc.parse(key).eleven,)
    except InputError:
        pass
    if re.fullmatch(r"[0-9]{10}", key):
        return ("0" + key, key[:5] + "0" + key[5:], key[:9] + "0" + key[9:])
    return ()
