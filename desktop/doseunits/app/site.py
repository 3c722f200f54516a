"""The site's files: the shipped catalog, payers and note template, and the site's own.

The one place that knows which files make up what DoseUnits works with; the command
line, the window and the self-test all load through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from string import Template

from doseunits.app.folders import config_dir, site_template
from doseunits.app.resources import resource
from doseunits.catalog.files import load_catalog
from doseunits.catalog.model import Catalog
from doseunits.errors import TemplateError
from doseunits.payers.files import load_payers
from doseunits.payers.model import PayerList


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


def load_template(path: Path | None = None) -> Template:
    path = path or default_template_path()
    try:
        return Template(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(f"Note template {path} can't be read ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise TemplateError(f"Note template {path} is not UTF-8 text.") from None
