"""The site's files: the shipped catalog, payers and note template, and the site's own.

The one place that knows which files make up what DoseUnits works with; the command
line, the window and the self-test all start from ``Site.load()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from string import Template
from typing import NoReturn

from doseunits import files
from doseunits.app.folders import (
    config_dir,
    data_dir,
    site_catalog_files,
    site_settings_file,
    site_template,
    user_settings_file,
)
from doseunits.app.resources import resource
from doseunits.app.settings import SiteSettings, read_site_settings
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Catalog
from doseunits.errors import TemplateError
from doseunits.payers.files import load_payers
from doseunits.payers.model import PayerList


class Site:
    """What this installation works with, loaded once: the catalog, the payer profiles
    and the note template (each shipped, then the site's own), the site's settings, and
    where the user's settings and data go.

    Frozen, as a frozen dataclass would be, but written out: the window starts with this
    class, and a dataclass's generated methods cost ~5 million instructions there.
    """

    __slots__ = ("catalog", "config_dir", "data_dir", "payers", "settings", "template",
                 "user_settings_file")  # fmt: skip
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

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a loaded Site is not changed (tried to set {name})")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"a loaded Site is not changed (tried to delete {name})")

    @classmethod
    def load(cls, extra_catalogs: Sequence[Path] = (), template: Path | None = None) -> Site:
        """``extra_catalogs`` after the site's catalog files; ``template`` instead of the
        site's or the shipped one. A file that can't be used raises DoseUnitsError with
        one sentence naming it: catalog, template, payers, settings, in that order."""
        catalog = load_default_catalog([*site_catalog_files(), *extra_catalogs])
        note_template = load_template(template)
        payers = load_default_payers()
        return cls(
            config_dir=config_dir(),
            data_dir=data_dir(),
            catalog=catalog,
            payers=payers,
            template=note_template,
            settings=read_site_settings(site_settings_file()),
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


def shipped_catalog_files() -> list[Path]:
    return sorted(resource("catalog").glob("*.toml"))


def load_default_catalog(site_files: Sequence[Path] = ()) -> Catalog:
    return load_catalog([*shipped_catalog_files(), *site_files])


def shipped_payer_files() -> list[Path]:
    return sorted(resource("payers").glob("*.toml"))


def site_payer_files() -> list[Path]:
    return sorted((config_dir() / "payers").glob("*.toml"))


def load_default_payers(extra: Sequence[Path] = ()) -> PayerList:
    return load_payers([*shipped_payer_files(), *site_payer_files(), *extra])


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
