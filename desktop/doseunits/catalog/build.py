"""A catalog built from CMS's crosswalk: one drug per HCPCS code, one presentation per NDC.

What the crosswalk states becomes a catalog fact with its line as the source: the code,
its descriptor and billing unit, each NDC and one item's labeled amount (BILLUNITS x the
code's dosage), the items in the NDC's package (PKG QTY). What it does not state stays
open: the container is ``unconfirmed`` and there is no volume (PKG SIZE has no unit).
The tables are those a catalog file holds, so ``DrugReader`` validates them as it does a
hand-written file. Hand-checked drugs (resources/catalog/*.toml, a site's own files) win:
an NDC they list under the same code is left out here, and where the crosswalk's amount
for it differs, that is reported. Containers read from labels (``catalog.labels``) fill in
an imported NDC's container, with the label as its source; a label that disagrees with a
hand-checked container stops the build.

FDA's NDC Directory, where given, fills what the crosswalk leaves open
(``apply_fda_facts``): an imported presentation's container type and volume, each with
its source; its item count is compared with PKG QTY and a difference reported.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from doseunits.catalog.importers.base import ImportReport, ImportResult, Quarter, Skipped
from doseunits.catalog.importers.cms_crosswalk import CrosswalkEntry, codes_by_ndc
from doseunits.catalog.importers.fda_ndc import FdaDirectory, FdaPackage
from doseunits.catalog.labels import LabelContainer
from doseunits.catalog.model import Drug, Presentation
from doseunits.catalog.ndc import Ndc
from doseunits.csvwrite import CsvWriter
from doseunits.errors import CatalogError
from doseunits.quantities import MAX_DECIMALS, MAX_DOSE_MG, fmt, parse_amount

# Why the build leaves out an entry the importer read, as the report spells it.
TOO_PRECISE = "amount with more decimals than DoseUnits keeps"
TOO_LARGE = "amount above what DoseUnits computes"
FRACTIONAL_ITEMS = "fractional PKG QTY"
HAND_CHECKED = "hand-checked entry wins"
NOT_IN_CROSSWALK = "NDC not in the crosswalk's usable rows"


@dataclass(frozen=True)
class BuiltCatalog:
    """The tables of a catalog snapshot, what they came from, and what was left out."""

    tables: tuple[dict[str, object], ...]
    source: str
    quarter: Quarter
    report: ImportReport  # the crosswalk's own (skipped rows, disagreements)
    left_out: tuple[Skipped, ...]  # entries the importer read that the build did not use
    #: Hand-checked NDCs whose crosswalk amount differs: (code, NDC, hand-checked, CMS).
    disagreements: tuple[tuple[str, str, str, str], ...]
    #: Labels given to imported NDCs; those not used, with why.
    labels_used: tuple[LabelContainer, ...] = ()
    labels_unused: tuple[tuple[LabelContainer, str], ...] = ()
    #: What FDA's NDC Directory filled and where it disagreed (``apply_fda_facts``).
    fda: FdaApplied | None = None

    @property
    def codes(self) -> int:
        return len(self.tables)

    @property
    def ndcs(self) -> int:
        return len({p["ndc"] for t in self.tables for p in _presentations(t)})


def _presentations(table: dict[str, object]) -> list[dict[str, object]]:
    presentations = table["presentation"]
    assert isinstance(presentations, list)
    return presentations


def build_from_crosswalk(
    result: ImportResult[CrosswalkEntry],
    hand_checked: Sequence[Drug] = (),
    labels: Sequence[LabelContainer] = (),
) -> BuiltCatalog:
    """One table per HCPCS code of ``result``'s entries (mass- and unit-dosed HCPCS Level
    II codes: the importer already left out CPT codes and other dosages)."""
    quarter = result.quarter
    source = f"CMS ASP NDC-HCPCS crosswalk, in force {quarter}"
    checked = {(d.hcpcs, p.ndc): (d, p) for d in hand_checked for p in d.presentations}
    other_codes = codes_by_ndc(result.records)
    by_ndc = {label.ndc: label for label in labels}
    covered = _check_labels(by_ndc, hand_checked, other_codes)
    by_code: dict[str, list[CrosswalkEntry]] = {}
    left_out: list[Skipped] = []
    disagreements: list[tuple[str, str, str, str]] = []
    for entry in result.records:
        why = _unusable(entry)
        if why:
            left_out.append(Skipped(entry.line, why[0], entry.hcpcs, entry.published_ndc, why[1]))
            continue
        known = checked.get((entry.hcpcs, entry.ndc))
        if known is not None:
            drug, presentation = known
            cms = parse_amount(entry.strength, "the strength")
            if cms.to(drug.measure) != presentation.strength_mg:
                disagreements.append(
                    (entry.hcpcs, str(entry.ndc), str(presentation.strength), entry.strength)
                )
            left_out.append(
                Skipped(entry.line, HAND_CHECKED, entry.hcpcs, entry.published_ndc, drug.id)
            )
            continue
        by_code.setdefault(entry.hcpcs, []).append(entry)
    tables = tuple(
        _drug_table(code, entries, source, other_codes, by_ndc) for code, entries in by_code.items()
    )
    used = {e.ndc for entries in by_code.values() for e in entries if e.ndc in by_ndc}
    unused = [(label, covered.get(n, NOT_IN_CROSSWALK)) for n, label in by_ndc.items()]
    return BuiltCatalog(
        tables,
        source,
        quarter,
        result.report,
        tuple(left_out),
        tuple(disagreements),
        labels_used=tuple(label for n, label in by_ndc.items() if n in used),
        labels_unused=tuple((label, why) for label, why in unused if label.ndc not in used),
    )


def _check_labels(
    labels: Mapping[Ndc, LabelContainer],
    hand_checked: Sequence[Drug],
    other_codes: Mapping[Ndc, tuple[str, ...]],
) -> dict[Ndc, str]:
    """The labels a hand-checked drug covers (it wins); a CatalogError of one sentence
    where a label and a hand-checked fact disagree, or a label names a code its NDC is not
    billed under (a typo in the NDC or the code: fix the data, don't hide it)."""
    covered: dict[Ndc, str] = {}
    for drug in hand_checked:
        for p in drug.presentations:
            label = labels.get(p.ndc)
            if label is None:
                continue
            fact = f"hand-checked drug {drug.id!r} says"
            if p.container_confirmed and p.container != label.container:
                raise CatalogError(
                    f"NDC {p.ndc}: the label record ({label.source}) says {label.container} "
                    f"but {fact} {p.container} ({p.container_source or p.source}); fix the data."
                )
            if None not in (p.volume_ml, label.volume_ml) and p.volume_ml != label.volume_ml:
                raise CatalogError(
                    f"NDC {p.ndc}: the label record ({label.source}) says "
                    f"{label.volume_ml} mL but {fact} {p.volume_ml} mL ({p.source}); fix the data."
                )
            covered[p.ndc] = HAND_CHECKED
    for label in labels.values():
        codes = other_codes.get(label.ndc, ())
        if codes and label.hcpcs not in codes:
            raise CatalogError(
                f"NDC {label.ndc}: its label entry names {label.hcpcs}, but CMS bills it "
                f"under {' and '.join(codes)}; fix the data."
            )
    return covered


def _unusable(entry: CrosswalkEntry) -> tuple[str, str] | None:
    amount = entry.labeled_amount_per_item
    if entry.dosage.measure == "g":
        amount *= 1000  # held in mg
    if amount > MAX_DOSE_MG:
        return TOO_LARGE, entry.strength
    if amount != round(amount, MAX_DECIMALS):
        return TOO_PRECISE, entry.strength
    if entry.items_per_package != entry.items_per_package.to_integral_value():
        return FRACTIONAL_ITEMS, f"PKG QTY {entry.items_per_package}"
    return None


def _drug_table(
    code: str,
    entries: list[CrosswalkEntry],
    source: str,
    other_codes: Mapping[Ndc, tuple[str, ...]],
    labels: Mapping[Ndc, LabelContainer],
) -> dict[str, object]:
    first = entries[0]
    return {
        "id": code.casefold(),
        "name": _name(e.drug_name for e in entries),
        "hcpcs": code,
        "descriptor": first.descriptor,
        "billing_unit": str(first.dosage),
        "verified": True,  # CMS's own code, descriptor, unit and NDCs
        "imported": True,
        "source": source,
        "presentation": [_presentation(e, other_codes, labels.get(e.ndc)) for e in entries],
    }


def _presentation(
    entry: CrosswalkEntry,
    other_codes: Mapping[Ndc, tuple[str, ...]],
    label: LabelContainer | None = None,
) -> dict[str, object]:
    table: dict[str, object] = {
        "ndc": str(entry.ndc),
        "strength": entry.strength,
        "container": "unconfirmed",
        "source": (
            f"CMS crosswalk line {entry.line}: {entry.published_ndc} under {entry.hcpcs} "
            f"({entry.dosage_text.strip()}), BILLUNITS {fmt(entry.units_per_item)} per item, "
            f"PKG QTY {fmt(entry.items_per_package)}, PKG SIZE {fmt(entry.package_size)} "
            "(no unit stated)"
        ),
    }
    if not entry.whole_units:
        # Zynlonta 133.33 x 0.075 mg = 9.99975 mg: CMS rounded BILLUNITS, so the amount
        # derived from it may not be the label's.
        table["verified"] = False
        table["note"] = (
            f"BILLUNITS {fmt(entry.units_per_item)} is fractional: the strength "
            f"{entry.strength} is BILLUNITS x {entry.dosage} and may carry CMS's rounding; "
            "check the label."
        )
    if label is not None:  # what the label says, with it as the container's source
        table["container"] = label.container
        table["container_source"] = label.container_source
        if label.volume_ml is not None:
            table["volume_ml"] = fmt(label.volume_ml)
    items = int(entry.items_per_package)
    if items != 1:
        table["items_per_package"] = items
    also = [c for c in other_codes.get(entry.ndc, ()) if c != entry.hcpcs]
    if also:
        table["also_billed_under"] = also
    return table


def _name(names: Iterable[str], most: int = 3) -> str:
    """The crosswalk's drug names for a code, each once: "Carboplatin / Paraplatin"."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    shown = list(seen.values())
    text = " / ".join(shown[:most])
    return text + (f" and {len(shown) - most} more" if len(shown) > most else "")


# What an FDA fact is compared with, as the report spells it.
FDA_ITEMS = "items per package"
FDA_CONTAINER = "container"
FDA_VOLUME = "volume"
FDA_BOTH = "container words say single- and multi-dose"


@dataclass(frozen=True)
class FdaDisagreement:
    """An FDA package whose stated fact differs from the crosswalk or a hand-checked entry
    (the crosswalk's or hand-checked fact is kept)."""

    code: str
    ndc: str
    what: str  # FDA_ITEMS, FDA_CONTAINER, FDA_VOLUME, FDA_BOTH
    detail: str
    line: int  # package.txt's line


@dataclass(frozen=True)
class FdaApplied:
    """What FDA's NDC Directory gave the imported presentations."""

    source: str  # "FDA NDC Directory package.txt, file dated 2026-11-30"
    directory: ImportReport  # package.txt's own rows and skips
    matched: int  # imported presentations whose NDC is in the directory
    unmatched: tuple[tuple[str, str], ...]  # (code, NDC) not in it
    containers: Mapping[str, int]  # filled: "single-dose" -> count, "multi-dose" -> count
    not_stated: int  # matched, but the description states no container type
    volumes: int  # volumes filled
    disagreements: tuple[FdaDisagreement, ...]

    def summary(self) -> list[str]:
        """The import summary's lines about the FDA directory."""
        counts = self.directory.counts
        lines = [
            f"{self.source}: {counts.get('packages', 0)} packages.",
            f"FDA matched: {self.matched} imported NDCs under their codes; not in the directory: "
            f"{len(self.unmatched)}.",
            f"FDA filled: {self.containers.get('single-dose', 0)} single-dose and "
            f"{self.containers.get('multi-dose', 0)} multi-dose containers, {self.volumes} "
            f"volumes; {self.not_stated} matched NDCs state no container type (unconfirmed).",
        ]
        for reason, count in self.directory.skipped_by_reason().items():
            lines.append(f"FDA skipped, {reason}: {count}")
        by_what = Counter(d.what for d in self.disagreements)
        lines.append(
            f"FDA disagreements: {len(self.disagreements)}"
            + "".join(f"; {what}: {n}" for what, n in sorted(by_what.items()))
            + " (the crosswalk's or hand-checked fact is kept)."
        )
        return lines

    def write_csv(self, stream: IO[str]) -> None:
        """Rows for the import's ``--report`` (its columns: file, line, what, reason,
        code, id, detail); no header, the crosswalk's report writes it."""
        writer = CsvWriter(stream)
        source = self.directory.source
        for s in self.directory.skipped:
            writer.writerow([source, s.line, "FDA skipped", s.reason, s.code, s.identifier,
                             s.detail])  # fmt: skip
        for d in self.disagreements:
            writer.writerow([source, d.line, "FDA disagrees", d.what, d.code, d.ndc, d.detail])
        for code, ndc in self.unmatched:
            writer.writerow([source, "", "not in FDA directory", "no package", code, ndc, ""])


def apply_fda_facts(
    built: BuiltCatalog, fda: FdaDirectory, hand_checked: Sequence[Drug] = ()
) -> BuiltCatalog:
    """``built`` with FDA's facts where the crosswalk has none: an unconfirmed container
    that FDA's description states, a volume in mL. Items per package stay the crosswalk's
    (PKG QTY, what CMS counts); FDA's count is compared. Hand-checked entries are not in
    ``built`` (they win); their facts are compared with FDA's and differences reported."""
    packages = fda
    containers: Counter[str] = Counter()
    unmatched: list[tuple[str, str]] = []
    disagreements: list[FdaDisagreement] = []
    matched = not_stated = volumes = 0
    tables = []
    for table in built.tables:
        code = str(table["hcpcs"])
        presentations = []
        for old in _presentations(table):
            ndc = Ndc.parse(str(old["ndc"]))
            package = packages.get(ndc)
            if package is None:
                unmatched.append((code, str(ndc)))
                presentations.append(old)
                continue
            matched += 1
            new, filled, found = _with_fda(old, package, fda.source, code)
            disagreements.extend(found)
            if "container" in filled:
                containers[str(new["container"])] += 1
            elif new["container"] == "unconfirmed":
                not_stated += 1
            volumes += "volume" in filled
            presentations.append(new)
        tables.append({**table, "presentation": presentations})
    for drug in hand_checked:
        for p in drug.presentations:
            package = packages.get(p.ndc)
            if package is not None:
                disagreements.extend(_hand_checked_differs(drug.hcpcs, p, package))
    applied = FdaApplied(
        fda.source, fda.report, matched, tuple(unmatched), dict(containers), not_stated,
        volumes, tuple(disagreements),
    )  # fmt: skip
    return dataclasses.replace(built, tables=tuple(tables), fda=applied)


def _with_fda(
    old: dict[str, object], package: FdaPackage, source: str, code: str
) -> tuple[dict[str, object], set[str], list[FdaDisagreement]]:
    facts = package.facts
    new = dict(old)
    filled: set[str] = set()
    found: list[FdaDisagreement] = []
    said = f'{source}, line {package.line}: {package.package_code} "{package.description}"'
    if facts.conflict:
        found.append(FdaDisagreement(code, str(package.ndc), FDA_BOTH, said, package.line))
    if old["container"] == "unconfirmed" and facts.container != "unconfirmed":
        new["container"] = facts.container
        new["container_source"] = said
        filled.add("container")
    volume = facts.volume_ml
    if "volume_ml" not in old and volume is not None and _keepable(volume):
        new["volume_ml"] = fmt(volume)
        new["source"] = f"{old['source']}; volume {fmt(volume)} mL: {said}"
        filled.add("volume")
    items = int(str(old.get("items_per_package", 1)))
    if facts.items is not None and facts.items != items:
        detail = f"FDA {facts.items} items ({said}); crosswalk PKG QTY {items}"
        found.append(FdaDisagreement(code, str(package.ndc), FDA_ITEMS, detail, package.line))
    return new, filled, found


def _hand_checked_differs(
    code: str, presentation: Presentation, package: FdaPackage
) -> list[FdaDisagreement]:
    facts, ndc, line = package.facts, str(package.ndc), package.line
    said = f'FDA "{package.description}" (line {line})'
    found = []
    confirmed = facts.container != "unconfirmed" and presentation.container_confirmed
    if confirmed and facts.container != presentation.container:
        detail = f"hand-checked {presentation.container}; {said}"
        found.append(FdaDisagreement(code, ndc, FDA_CONTAINER, detail, line))
    volume = presentation.volume_ml
    if facts.volume_ml is not None and volume is not None and facts.volume_ml != volume:
        detail = f"hand-checked {fmt(volume)} mL; {said}"
        found.append(FdaDisagreement(code, ndc, FDA_VOLUME, detail, line))
    if facts.items is not None and facts.items != presentation.items_per_package:
        detail = f"hand-checked {presentation.items_per_package} items; {said}"
        found.append(FdaDisagreement(code, ndc, FDA_ITEMS, detail, line))
    return found


def _keepable(volume: Decimal) -> bool:
    """A volume the catalog's validator accepts (above 0, at most MAX_DOSE_MG, at most
    MAX_DECIMALS places); another is left out rather than rounded."""
    return 0 < volume <= MAX_DOSE_MG and volume == round(volume, MAX_DECIMALS)
