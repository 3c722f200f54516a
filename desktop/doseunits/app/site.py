"""The site's files: the shipped catalog, payers and note template, and the site's own.

The one place that knows which files make up what DoseUnits works with; the command
line, the window and the self-test all start from ``Site.load()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, NoReturn

from doseunits import files
from doseunits.app.folders import (
    config_dir,
    confirmation_files,
    data_dir,
    payment_limits_folder,
    site_catalog_files,
    site_settings_file,
    site_snapshots,
    site_template,
    system_site_dir,
    user_settings_file,
)
from doseunits.app.resources import resource
from doseunits.app.settings import ENTITY_340B, SiteSettings, read_site_settings
from doseunits.catalog.files import load_catalog, merge_drugs, merge_imported
from doseunits.catalog.model import Catalog, Drug, Loaded
from doseunits.errors import CatalogError, TemplateError
from doseunits.payers.files import load_payers
from doseunits.payers.model import PayerList

if TYPE_CHECKING:
    from doseunits.catalog.confirm import Confirmation
    from doseunits.catalog.ndc import Ndc
    from doseunits.catalog.pricing import PaymentLimits

#: The site's payment limit files, in its config folder.
PAYMENT_LIMITS_FOLDER = "payment-limits"


class Site:
    """What this installation works with, loaded once: the catalog, the payer profiles
    and the note template (each shipped, then the site's own), the site's settings, and
    where the user's settings and data go.

    Frozen, as a frozen dataclass would be, but written out: the window starts with this
    class, and a dataclass's generated methods cost ~5 million instructions there.
    """

    __slots__ = ("_payment_limits", "catalog", "config_dir", "data_dir", "payers", "settings",
                 "template", "user_settings_file")  # fmt: skip
    _payment_limits: PaymentLimits | None
    config_dir: Path
    data_dir: Path
    catalog: Catalog
    payers: PayerList
    template: Template
    settings: SiteSettings
    user_settings_file: Path

    def __init__(
        self, *, config_dir: Path, data_dir: Path, catalog: Catalog, payers: PayerList,
        template: Template, settings: SiteSettings, user_settings_file: Path,
    ) -> None:  # fmt: skip
        for name, value in (("config_dir", config_dir), ("data_dir", data_dir),
                            ("catalog", catalog), ("payers", payers), ("template", template),
                            ("settings", settings),
                            ("user_settings_file", user_settings_file)):  # fmt: skip
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_payment_limits", None)

    def payment_limits(self) -> PaymentLimits:
        """Medicare's payment limits, read on first use (never before the window's first
        frame): the shipped CMS file, then the site's ``payment-limits/*.csv``, a file a
        quarter, the site's winning where two cover the same date. A file that can't be
        read raises DoseUnitsError naming it."""
        limits = self._payment_limits
        if limits is None:
            limits = load_payment_limits()
            object.__setattr__(self, "_payment_limits", limits)
        return limits

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a loaded Site is not changed (tried to set {name})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"a loaded Site is not changed (tried to delete {name})")

    @classmethod
    def load(
        cls,
        extra_catalogs: Sequence[Path] = (),
        template: Path | None = None,
        leave_out_broken: bool = False,
    ) -> Site:
        """``extra_catalogs`` after the site's catalog files; ``template`` instead of the
        site's or the shipped one. A file that can't be used raises DoseUnitsError with
        one sentence naming it: catalog, template, payers, settings, in that order.

        ``leave_out_broken`` (the window's): a JSON snapshot that can't be used as a whole
        (read after the window's first frame) is left out instead of failing the
        catalog each time it is asked, and said in ``catalog.left_out``."""
        catalog = load_site_catalog(extra_catalogs, leave_out_broken)
        note_template = load_template(template)
        payers = load_default_payers()
        settings = read_site_settings(site_settings_file())
        return cls(
            config_dir=config_dir(),
            data_dir=data_dir(),
            catalog=catalog,
            payers=payers.for_entity(site_entity_340b(settings)),
            template=note_template,
            settings=settings,
            user_settings_file=user_settings_file(),
        )

    @classmethod
    def load_shipped(cls) -> Site:
        """The shipped catalog, payers and template only, and no site settings: what the
        window opens with when a site file can't be used (it says so)."""
        return cls(
            config_dir=config_dir(),
            data_dir=data_dir(),
            catalog=load_default_catalog(),
            payers=load_payers(shipped_payer_files()),
            template=load_template(resource("templates", "note.txt")),
            settings=SiteSettings(site_settings_file(), {}),
            user_settings_file=user_settings_file(),
        )


def site_entity_340b(settings: SiteSettings) -> str:
    """The site's 340B entity type: from the site's file only, never a user's (it is what
    the site is, not a preference); "" when the site has not set it."""
    return settings.value(ENTITY_340B) if settings.fixes(ENTITY_340B) else ""


def shipped_catalog_files() -> list[Path]:
    """The hand-checked drugs (resources/catalog/*.toml)."""
    return sorted(resource("catalog").glob("*.toml"))


def shipped_snapshots() -> list[Path]:
    """The catalog built from CMS's files (resources/catalog/*.json, packaging/build_catalog.py)."""
    return sorted(resource("catalog").glob("*.json"))


def load_default_catalog(site_files: Sequence[Path] = ()) -> Catalog:
    """The hand-checked drugs and ``site_files``, without the CMS-built part."""
    return load_catalog([*shipped_catalog_files(), *site_files])


def load_site_catalog(extra: Sequence[Path] = (), leave_out_broken: bool = False) -> Catalog:
    """Everything this site bills from: shipped < system site < user < ``extra``.

    The hand-checked drugs and the sites' own catalog files are read now; the snapshots
    built from CMS's files (the shipped one, each site's last import) are read when first
    needed (``Catalog.load``: the first search, a code the hand-checked part lacks, or
    just after the window's first frame). Hand-checked facts win over imported ones, and
    the sites' label confirmations (system site's, then the user's) over both. A snapshot
    that can't be used fails the catalog when it is read (CatalogError naming it), or,
    ``leave_out_broken``, is left out and said in ``Catalog.left_out``.
    """
    ready = load_catalog([*shipped_catalog_files(), *site_catalog_files(), *extra])
    snapshots = [*shipped_snapshots(), *site_snapshots()]
    confirming = [path for path in confirmation_files() if path.is_file()]
    drugs = ready.drugs
    confirmed: dict[Ndc, Confirmation] = {}
    if confirming:  # the module (csv, a dataclass) loads only where a label was confirmed
        from doseunits.catalog.confirm import apply_confirmations, latest, read_confirmations

        confirmed = latest(c for path in confirming for c in read_confirmations(path))
        drugs = apply_confirmations(drugs, confirmed)

    def pending(ready_drugs: tuple[Drug, ...]) -> Loaded:
        left_out: list[str] = []
        if leave_out_broken:
            imported = load_usable_snapshots(snapshots, left_out)
        else:
            imported = load_catalog(snapshots)
        more = imported.drugs
        if confirmed:
            from doseunits.catalog.confirm import apply_confirmations

            more = apply_confirmations(more, confirmed)
        return merge_imported(ready_drugs, more), imported.sources, tuple(left_out)

    return Catalog(drugs, [*ready.files, *snapshots], pending if snapshots else None, ready.sources)


def load_usable_snapshots(paths: Sequence[Path], left_out: list[str]) -> Catalog:
    """The snapshots at ``paths`` that can be used, in order: one that can't be read, is
    not a snapshot, or lists a drug id or an NDC twice (in itself, or an NDC of an earlier
    snapshot's) is left out, and the sentence saying so added to ``left_out``."""
    drugs: tuple[Drug, ...] = ()
    used: list[Path] = []
    sources: list[str] = []
    for path in paths:
        try:
            part = load_catalog([path])
            merged = merge_drugs([drugs, part.ready]) if drugs else part.ready
        except CatalogError as error:
            left_out.append(
                f"{error} DoseUnits left {path} out and bills from the rest of its catalog "
                "(the hand-checked drugs and the other catalog files); import the CMS files "
                "again, or ask whoever keeps the site's files to correct it."
            )
            continue
        drugs = merged
        used.append(path)
        sources += part.sources
    return Catalog(drugs, used, sources=sources)


def shipped_payer_files() -> list[Path]:
    return sorted(resource("payers").glob("*.toml"))


def site_payer_files() -> list[Path]:
    """The system site's payer files, then the user's (a later one overrides by id)."""
    folders = (system_site_dir() / "payers", config_dir() / "payers")
    return [path for folder in folders for path in sorted(folder.glob("*.toml"))]


def load_default_payers(extra: Sequence[Path] = ()) -> PayerList:
    return load_payers([*shipped_payer_files(), *site_payer_files(), *extra])


def shipped_payment_limit_files() -> list[Path]:
    return sorted(resource("cms").glob("*-asp-pricing-file.csv"))


def site_payment_limit_files() -> list[Path]:
    """``payment-limits/*.csv`` in the system site folder, then the config folder: a CMS
    payment limit file a quarter, as ``doseunits catalog import`` (or IT) puts them there."""
    folders = (payment_limits_folder(system=True), config_dir() / PAYMENT_LIMITS_FOLDER)
    return [path for folder in folders for path in sorted(folder.glob("*.csv"))]


def load_payment_limits(extra: Sequence[Path] = ()) -> PaymentLimits:
    """The shipped files, then the site's, then ``extra``, each in quarter order; a later
    file covering a date wins over an earlier one."""
    from doseunits.catalog.importers.files import read_payment_limits
    from doseunits.catalog.pricing import PaymentLimits, QuarterLimits

    def read(paths: Sequence[Path]) -> list[QuarterLimits]:
        quarters = []
        for path in paths:
            result = read_payment_limits(path)
            records = ((r.hcpcs, r.dollars_per_unit) for r in result.records)
            quarters.append(QuarterLimits.of(records, result.quarter, path.name))
        return sorted(quarters, key=lambda q: q.quarter.start)

    return PaymentLimits([
        *read(shipped_payment_limit_files()), *read(site_payment_limit_files()), *read(extra)
    ])  # fmt: skip


def default_template_path() -> Path:
    return site_template() or resource("templates", "note.txt")


#: A note template is a page of text; a larger file (or /dev/zero) is not one.
TEMPLATE_LIMIT = 1 << 20


def load_template(path: Path | None = None) -> Template:
    """The template at ``path`` (a regular file of at most TEMPLATE_LIMIT bytes)."""
    path = path or default_template_path()
    try:
        text = files.read_limited(path, TEMPLATE_LIMIT).decode("utf-8")
    except OSError as error:
        raise TemplateError(f"Note template {path} can't be read ({files.why(error)}).") from None
    except UnicodeDecodeError:
        raise TemplateError(f"Note template {path} is not UTF-8 text.") from None
    return Template(text.replace("\r\n", "\n").replace("\r", "\n"))  # as text mode reads
