"""Updating a site's catalog: the one import ``doseunits catalog import`` and the window's
File > Update drug catalog... both run, and the label confirmation both record.

An import reads CMS's files (and, given, FDA's NDC Directory), builds the catalog
(hand-checked drugs win; the shipped label records give containers, as in the shipped
catalog; FDA's directory fills what is still open), and only then writes one snapshot
into the site catalog folder (app/catalog_store.py: atomic, the older one kept for one
rollback) and stores the payment limit file where pricing reads it. It goes stage by
stage (``IMPORT_STAGES``), asking between stages whether it was cancelled: a cancelled
import returns before the write, so the folder holds what it held. ``summary_lines`` is
what both print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from doseunits.app.catalog_store import (
    import_into,
    now,
    prepare_payment_limits,
    record_confirmation,
)
from doseunits.app.folders import IMPORTED_SNAPSHOT, payment_limits_folder, site_catalog_files
from doseunits.app.resources import resource
from doseunits.app.site import Site, load_default_catalog, load_site_catalog
from doseunits.catalog.build import BuiltCatalog, apply_fda_facts, build_from_crosswalk
from doseunits.catalog.confirm import apply_confirmations, confirmation
from doseunits.catalog.importers.files import (
    read_crosswalk,
    read_fda_directory,
    read_payment_limits,
)
from doseunits.catalog.labels import read_label_containers
from doseunits.catalog.model import Catalog
from doseunits.errors import InputError

if TYPE_CHECKING:
    from doseunits.catalog.confirm import Confirmation
    from doseunits.catalog.importers.base import ImportResult
    from doseunits.catalog.importers.cms_payment_limits import PaymentLimit

#: What an import does, in order; the progress callback is told each before it starts.
IMPORT_STAGES = (
    "Reading the CMS crosswalk",
    "Reading the payment limit file",
    "Reading FDA's NDC Directory",
    "Building the catalog",
    "Writing the snapshot",
)

#: ``progress(done, total, stage)``: ``done`` stages finished of ``total``, ``stage`` next.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportDone:
    """A finished import: what was built, where it was written, what it replaced."""

    built: BuiltCatalog
    codes: int  # drugs in the snapshot as read back through the validator
    limits: ImportResult[PaymentLimit] | None
    snapshot: Path
    replaced: bool  # an older import was kept for one rollback
    limits_stored: Path | None = None  # where pricing now reads the payment limit file

    def summary_lines(self) -> list[str]:
        """What ``catalog import`` prints and the window's dialog shows."""
        lines = summary(self.built, self.codes)
        if self.built.fda is not None:
            lines += self.built.fda.summary()
        limits = self.limits
        if limits is not None:
            lines.append(
                f"Payment limits: {len(limits.records)} codes, in force {limits.quarter}"
                + ("" if limits.quarter == self.built.quarter else " (not the crosswalk's quarter)")
                + f"; stored as {self.limits_stored} (pricing reads it; other quarters' files "
                "are kept)."
            )
        kept = "; the one it replaced is kept for --rollback" if self.replaced else ""
        lines.append(f"Written: {self.snapshot}{kept}.")
        return lines


def import_catalog(
    crosswalk: Path,
    folder: Path,
    payment_limits: Path | None = None,
    fda_ndc: Path | None = None,
    *,
    limits_folder: Path | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportDone | None:
    """Import CMS's crosswalk into ``folder``; its payment limit file, given, is stored in
    ``limits_folder`` (the user's ``payment-limits/`` unless told), and FDA's NDC Directory,
    given, fills containers and volumes. Returns None, having written nothing, when
    ``cancelled()`` says so between two stages. Raises DoseUnitsError with one sentence
    for a file that can't be read or isn't what it should be; then, too, nothing is
    written."""
    total = len(IMPORT_STAGES)

    def stage(done: int) -> bool:
        if cancelled is not None and cancelled():
            return False
        if progress is not None:
            progress(done, total, IMPORT_STAGES[done])
        return True

    if not stage(0):
        return None
    read = read_crosswalk(crosswalk)
    if not stage(1):
        return None
    limits = read_payment_limits(payment_limits) if payment_limits is not None else None
    if not stage(2):
        return None
    fda = read_fda_directory(fda_ndc) if fda_ndc is not None else None
    if not stage(3):
        return None
    hand_checked = load_default_catalog(site_catalog_files()).drugs
    labels = read_label_containers(resource("catalog", "labels", "containers.toml"))
    built = build_from_crosswalk(read, hand_checked, labels)
    if fda is not None:
        built = apply_fda_facts(built, fda, hand_checked)
    if not built.tables:
        raise InputError(
            f"{crosswalk} has no rows DoseUnits can bill ({read.report.rows} rows "
            "read, every one skipped or hand-checked); nothing was imported."
        )
    if not stage(4):  # the last chance: past here the snapshot is replaced
        return None
    # Both files are made before either is put in place: a folder that can't take the
    # payment limits stops the import with the old snapshot still there.
    pending = None
    if limits is not None and payment_limits is not None:
        pending = prepare_payment_limits(
            payment_limits, limits, limits_folder or payment_limits_folder()
        )
    try:
        catalog, replaced = import_into(built, folder)
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    stored = None
    if pending is not None:
        pending.commit()
        stored = pending.target
    if progress is not None:
        progress(total, total, "Done")
    snapshot = folder / IMPORTED_SNAPSHOT
    return ImportDone(built, len(catalog.drugs), limits, snapshot, replaced, stored)


def summary(built: BuiltCatalog, codes: int) -> list[str]:
    """Codes, NDCs, what was skipped and left out by reason, the disagreements, the quarter."""
    report = built.report
    others = (
        "the others" if built.fda is None else "the others as FDA's directory states (below), else"
    )
    lines = [
        f"CMS crosswalk in force {built.quarter}: {report.rows} rows.",
        f"Imported: {codes} codes, {built.ndcs} NDCs ({len(built.labels_used)} NDCs' "
        f"containers from the shipped label records, {others} unconfirmed until a label "
        "is checked; hand-checked drugs keep their own facts).",
    ]
    for reason, count in report.skipped_by_reason().items():
        lines.append(f"Skipped, {reason}: {count}")
    for reason in sorted({s.reason for s in built.left_out}):
        count = sum(1 for s in built.left_out if s.reason == reason)
        lines.append(f"Left out, {reason}: {count}")
    wrong = sum(1 for d in report.disagreements if d.beyond_rounding)
    lines.append(
        f"Disagreements: {len(report.disagreements)} rows whose BILLUNITSPKG is not "
        f"BILLUNITS x PKG QTY ({wrong} beyond rounding; recomputed), "
        f"{len(built.disagreements)} hand-checked NDCs whose crosswalk amount differs."
    )
    return lines


def reloaded(site: Site) -> Site:
    """``site`` with its catalog read again from the files (after an import), all of it
    loaded now (this runs after the window's first frame, off its thread when it can);
    the payment limits are read again when next needed."""
    catalog = load_site_catalog()
    catalog.load()
    return with_catalog(site, catalog)


def with_catalog(site: Site, catalog: Catalog) -> Site:
    """The same site with another catalog (a loaded Site is never changed)."""
    return Site(
        config_dir=site.config_dir,
        data_dir=site.data_dir,
        catalog=catalog,
        payers=site.payers,
        template=site.template,
        settings=site.settings,
        user_settings_file=site.user_settings_file,
    )


def confirm_label(
    catalog: Catalog, ndc: str, container: str, by: str, folder: Path
) -> tuple[Catalog, Confirmation, Path]:
    """Record what a vial's label says, as ``catalog confirm`` does, and the catalog with
    it applied (the next order with that NDC does not ask again; a new window reads it
    from the file). Raises InputError for an NDC the catalog does not know or initials
    that are not initials; nothing is recorded then."""
    item = confirmation(ndc, container, by, now())
    if not catalog.all_for_ndc(item.ndc):
        raise InputError(f"NDC {item.ndc} is not in the catalog; check the NDC on the vial.")
    path = record_confirmation(item, folder)
    drugs = apply_confirmations(catalog.drugs, {item.ndc: item})
    return Catalog(drugs, catalog.files, None, catalog.sources, catalog.left_out), item, path
