"""``doseunits catalog``: import CMS's files into a site catalog, check catalog files
before rollout, show what the catalog holds with the source of each fact, and record
what a vial's label says.

Exit 0, or 2 with one sentence (an unreadable or unrecognised file, an NDC the catalog
does not know): the same contract as the other commands (cli/commands.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from doseunits.app.catalog_store import now, record_confirmation, roll_back
from doseunits.app.catalog_update import import_catalog
from doseunits.app.folders import (
    IMPORTED_SNAPSHOT,
    catalog_folder,
    payment_limits_folder,
    site_catalog_files,
    site_snapshots,
)
from doseunits.app.site import (
    load_site_catalog,
    shipped_catalog_files,
    shipped_snapshots,
)
from doseunits.catalog.build import BuiltCatalog
from doseunits.catalog.confirm import confirmation
from doseunits.catalog.files import load_catalog, merge_imported
from doseunits.catalog.model import Drug, Presentation
from doseunits.csvwrite import CsvWriter
from doseunits.errors import InputError
from doseunits.files import AtomicFile, why
from doseunits.quantities import fmt


def run_catalog(args: argparse.Namespace) -> int:
    if args.catalog_command == "import":
        return _import(args)
    if args.catalog_command == "show":
        return _show(args)
    if args.catalog_command == "check":
        return _check(args)
    return _confirm(args)


def _check(args: argparse.Namespace) -> int:
    """Every drug of the files read and checked now, as ``catalog import`` checks what it
    writes (the window and the other commands read a snapshot's drug when first used)."""
    if args.files:
        files = list(args.files)
    elif args.site:
        folder = catalog_folder(system=True)
        snapshot = folder / IMPORTED_SNAPSHOT
        there = snapshot.exists() or snapshot.is_symlink()  # a pipe too: refused, saying so
        files = [*sorted(folder.glob("*.toml")), *([snapshot] if there else [])]
        if not files:
            raise InputError(f"No catalog files in {folder}: nothing to check.")
    else:
        files = [*shipped_catalog_files(), *site_catalog_files()]
        files += [*shipped_snapshots(), *site_snapshots()]
    missing = next((path for path in files if not path.exists()), None)  # else: said when read
    if missing is not None:
        raise InputError(f"Catalog file {missing} is not a file.")
    # As the site reads them: hand-written files over the snapshots (app/site.py).
    snapshots = [path for path in files if path.suffix.casefold() == ".json"]
    hand = [path for path in files if path.suffix.casefold() != ".json"]
    ready = load_catalog(hand, check=True).drugs
    drugs = merge_imported(ready, load_catalog(snapshots, check=True).drugs)
    ndcs = sum(len(d.presentations) for d in drugs)
    print(
        f"Checked {len(files)} catalog file{'s' * (len(files) != 1)}: {len(drugs)} drugs, "
        f"{ndcs} NDCs, every one passes the catalog's checks."
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    folder = catalog_folder(system=args.site)
    if args.rollback:
        roll_back(folder)
        print(f"The import before the last one is back in {folder}.")
        return 0
    if args.crosswalk is None:
        raise InputError("Give the CMS crosswalk to import (--crosswalk FILE), or --rollback.")
    report = _report_file(args.report) if args.report is not None else None
    try:
        done = import_catalog(
            args.crosswalk,
            folder,
            args.payment_limits,
            args.fda_ndc,
            limits_folder=payment_limits_folder(system=args.site),
        )
    except BaseException:
        if report is not None:
            report.discard()
        raise
    assert done is not None  # only a cancelled import returns None
    lines = done.summary_lines()
    for line in lines[:-1]:
        print(line)
    if report is not None:
        _write_report(report, done.built)
        print(f"Report: {args.report}")
    print(lines[-1])  # where it was written, last
    return 0


def _report_file(path: Path) -> AtomicFile:
    """The ``--report`` file, made (as a temporary file beside it) before anything is
    imported: a path that can't be written stops the import before the snapshot moves."""
    try:
        return AtomicFile(path)
    except OSError as error:
        raise InputError(f"The report {path} can't be written ({why(error)}).") from None


def _write_report(report: AtomicFile, built: BuiltCatalog) -> None:
    """Every skipped row, left-out entry and disagreement, through the one CSV writer."""
    stream = report.stream
    try:
        built.report.write_csv(stream)
        writer = CsvWriter(stream)
        for s in built.left_out:
            writer.writerow([built.report.source, s.line, "left out", s.reason, s.code,
                             s.identifier, s.detail])  # fmt: skip
        for code, ndc, checked, cms in built.disagreements:
            detail = f"hand-checked {checked}; crosswalk {cms}"
            writer.writerow([built.report.source, "", "hand-checked disagrees", "strength",
                             code, ndc, detail])  # fmt: skip
        if built.fda is not None:
            built.fda.write_csv(stream)
        report.commit()
    except OSError as error:
        report.discard()
        raise InputError(
            f"The report {report.target} can't be written ({why(error)}); the import itself "
            "is done."
        ) from None


def _show(args: argparse.Namespace) -> int:
    catalog = load_site_catalog()
    drugs = catalog.search(args.query)
    if not drugs:
        raise InputError(f"No drug in the catalog matches {args.query!r}.")
    shown = [drug_facts(d) for d in drugs]
    if args.json:
        print(json.dumps({"catalog_sources": list(catalog.sources), "drugs": shown}, indent=2))
        return 0
    for drug, facts in zip(drugs, shown, strict=True):
        print(f"{drug.hcpcs}  {drug.name}  ({drug.descriptor})")
        print(f"  billing unit {facts['billing_unit']}; source: {drug.source}")
        for p in facts["presentations"]:
            container = p["container"]
            if p["container_disagreement"]:
                container += f" (the catalog said {p['container_disagreement']})"
            print(
                f"  NDC {p['ndc']}: {p['strength']}, volume {p['volume_ml'] or 'unconfirmed'}"
                f"{' mL' if p['volume_ml'] else ''}, {container}"
                + (
                    f", {p['items_per_package']} in the package"
                    if p["items_per_package"] > 1
                    else ""
                )
                + (
                    f", also under {', '.join(p['also_billed_under'])}"
                    if p["also_billed_under"]
                    else ""
                )
            )
            print(f"    source: {p['source']}")
            if p["container_source"] != p["source"]:
                print(f"    container: {p['container_source']}")
    return 0


def drug_facts(drug: Drug) -> dict[str, Any]:
    """A drug as ``catalog show --json`` gives it: each fact with its source.

    Payment limits and their quarter go here when the catalog holds them (a key
    "payment_limit" beside "billing_unit")."""
    return {
        "id": drug.id,
        "hcpcs": drug.hcpcs,
        "name": drug.name,
        "descriptor": drug.descriptor,
        "billing_unit": str(drug.billing_unit),
        "verified": drug.verified,
        "imported": drug.imported,
        "source": drug.source,
        "note": drug.note,
        "presentations": [_presentation_facts(p) for p in drug.presentations],
    }


def _presentation_facts(p: Presentation) -> dict[str, Any]:
    return {
        "ndc": str(p.ndc),
        "ndc_11": p.ndc.eleven,
        "strength": str(p.strength),
        "volume_ml": None if p.volume_ml is None else fmt(p.volume_ml),
        "container": p.container,
        "container_source": p.container_source or p.source,
        "container_disagreement": p.container_disagreement,
        "items_per_package": p.items_per_package,
        "also_billed_under": list(p.also_billed_under),
        "powder": p.powder,
        "verified": p.verified,
        "source": p.source,
        "note": p.note,
    }


def _confirm(args: argparse.Namespace) -> int:
    item = confirmation(args.ndc, args.container, args.by, now())
    catalog = load_site_catalog()
    found = catalog.all_for_ndc(item.ndc)
    if not found:
        raise InputError(f"NDC {item.ndc} is not in the catalog; check the NDC on the vial.")
    path = record_confirmation(item, catalog_folder(system=args.site))
    for drug, presentation in found:
        print(f"NDC {item.ndc} ({drug.name}, {drug.hcpcs}): {item.container}, {item.source}.")
        if presentation.container_confirmed and presentation.container != item.container:
            source = presentation.container_source or presentation.source
            print(
                f"  The catalog said {presentation.container} ({source}); this site's "
                "confirmation now overrides it, and both are shown."
            )
    print(f"Recorded in {path}.")
    return 0
