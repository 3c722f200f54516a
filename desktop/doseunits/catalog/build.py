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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from doseunits.catalog.importers.base import ImportReport, ImportResult, Quarter, Skipped
from doseunits.catalog.importers.cms_crosswalk import CrosswalkEntry, codes_by_ndc
from doseunits.catalog.labels import LabelContainer
from doseunits.catalog.model import Drug
from doseunits.catalog.ndc import Ndc
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
