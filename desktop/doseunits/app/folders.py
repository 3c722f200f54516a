"""A site's own files (catalog additions, payer profiles, a replacement note template,
the site's settings) and the user's settings file.

They live in the user's config folder (platformdirs), or in the folder named by
DOSEUNITS_CONFIG_DIR, which IT can point at a shared location and tests at tmp. The
catalog and payer files are also read from a system-wide site folder that IT manages
(platformdirs' site config folder: /etc/xdg/DoseUnits on Linux, C:\\ProgramData\\DoseUnits
on Windows; DOSEUNITS_SITE_DIR overrides it), before the user's: shipped < system site <
user.
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


def system_site_dir() -> Path:
    """The system-wide site folder, read before the user's (IT writes it, users read it)."""
    override = os.environ.get("DOSEUNITS_SITE_DIR")
    return Path(override) if override else Path(platformdirs.site_config_dir(APP_NAME, False))


def catalog_folders() -> list[Path]:
    """The site catalog folders in the order they are read: the system site's, the user's."""
    return [system_site_dir() / "catalog", config_dir() / "catalog"]


def catalog_folder(system: bool = False) -> Path:
    """Where ``catalog import`` and ``catalog confirm`` write (``--site``: the system's)."""
    return (system_site_dir() if system else config_dir()) / "catalog"


def payment_limits_folder(system: bool = False) -> Path:
    """Where ``catalog import --payment-limits`` stores the file (``--site``: the system's)
    and pricing reads it, the system's first (app/site.py)."""
    return (system_site_dir() if system else config_dir()) / "payment-limits"


#: In a site catalog folder: the last ``catalog import`` (read lazily, like the shipped
#: snapshot), the one before it (kept for one rollback, never read), and the labels checked.
IMPORTED_SNAPSHOT = "cms-import.json"
PREVIOUS_SNAPSHOT = "cms-import.json.previous"
CONFIRMATIONS = "label-confirmations.csv"


def site_catalog_files() -> list[Path]:
    """``catalog/*.toml`` in the system site folder, then the user's, after the shipped."""
    return [path for folder in catalog_folders() for path in sorted(folder.glob("*.toml"))]


def site_snapshots() -> list[Path]:
    """Each site catalog folder's imported snapshot, where there is one, in reading order."""
    return [f / IMPORTED_SNAPSHOT for f in catalog_folders() if (f / IMPORTED_SNAPSHOT).is_file()]


def confirmation_files() -> list[Path]:
    return [folder / CONFIRMATIONS for folder in catalog_folders()]


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
