"""A site's own files: catalog additions and a replacement note template.

They live in the user's config folder (platformdirs), or in the folder named by
DOSEUNITS_CONFIG_DIR, which IT can point at a shared location and tests at tmp.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "DoseUnits"


def config_dir() -> Path:
    override = os.environ.get("DOSEUNITS_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, False))


def data_dir() -> Path:
    override = os.environ.get("DOSEUNITS_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def site_catalog_files() -> list[Path]:
    """``catalog/*.toml`` in the config folder, loaded after the shipped catalog."""
    return sorted((config_dir() / "catalog").glob("*.toml"))


def site_template() -> Path | None:
    """``note.txt`` in the config folder replaces the shipped note template."""
    path = config_dir() / "note.txt"
    return path if path.is_file() else None
