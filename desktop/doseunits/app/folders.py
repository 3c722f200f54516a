"""A site's own files (catalog additions, payer profiles, a replacement note template,
the site's settings) and the user's settings file.

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


def config_dir_is_shared() -> bool:
    """DOSEUNITS_CONFIG_DIR names it: IT's folder, whose permissions DoseUnits leaves as
    they are (its own is made 0700, doseunits/files.py)."""
    return bool(os.environ.get("DOSEUNITS_CONFIG_DIR"))


def data_dir() -> Path:
    override = os.environ.get("DOSEUNITS_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def site_catalog_files() -> list[Path]:
    """``catalog/*.toml`` in the config folder, loaded after the shipped catalog."""
    return sorted((config_dir() / "catalog").glob("*.toml"))


def site_template() -> Path | None:
    """``note.txt`` in the config folder replaces the shipped note template."""
    path = config_dir() / "note.txt"
    return path if path.exists() else None  # a pipe or a device: refused when read


def user_settings_file() -> Path:
    """The user's own settings (app/settings.py), written by the window."""
    return config_dir() / "settings.ini"


def site_settings_file() -> Path:
    """The site's settings (app/settings.py): those it fixes for every user."""
    return config_dir() / "site-settings.toml"
