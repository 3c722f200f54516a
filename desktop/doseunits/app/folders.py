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
import sys
from pathlib import Path

APP_NAME = "DoseUnits"


def config_dir() -> Path:
    override = os.environ.get("DOSEUNITS_CONFIG_DIR")
    return Path(override) if override else _platform_folder("user_config_dir")


def config_dir_is_shared() -> bool:
    """DOSEUNITS_CONFIG_DIR names it: IT's folder, whose permissions DoseUnits leaves as
    they are (its own is made 0700, doseunits/files.py)."""
    return bool(os.environ.get("DOSEUNITS_CONFIG_DIR"))


def data_dir() -> Path:
    override = os.environ.get("DOSEUNITS_DATA_DIR")
    return Path(override) if override else _platform_folder("user_data_dir")


def system_site_dir() -> Path:
    """The system-wide site folder, read before the user's (IT writes it, users read it)."""
    override = os.environ.get("DOSEUNITS_SITE_DIR")
    return Path(override) if override else _platform_folder("site_config_dir")


#: On Linux, each folder's XDG variable and its default (the XDG Base Directory spec).
_XDG = {
    "user_config_dir": ("XDG_CONFIG_HOME", "~/.config"),
    "user_data_dir": ("XDG_DATA_HOME", "~/.local/share"),
    "site_config_dir": ("XDG_CONFIG_DIRS", "/etc/xdg"),
}


def _platform_folder(kind: str) -> Path:
    """platformdirs' folder of this kind for DoseUnits. On Linux, in the usual case (an
    absolute HOME, not Android), worked out here as platformdirs 4.14 does: importing it
    costs start-up 6.6 M instructions (tempfile, random, its class tree), about 0.7%.
    tests/app/test_folders.py compares the two under each kind of XDG setting."""
    home = os.environ.get("HOME", "")
    usual = (
        sys.platform == "linux"
        and not hasattr(sys, "getandroidapilevel")
        and os.environ.get("ANDROID_DATA") != "/data"
        and os.path.isabs(home)
    )
    if not usual:
        import platformdirs

        found: str = getattr(platformdirs, kind)(APP_NAME, False)
        return Path(found)
    variable, default = _XDG[kind]
    value = os.environ.get(variable, "")
    # A relative or empty value is ignored, as the spec says; of a list (the site's
    # folders, by preference), the first absolute entry.
    given = value.split(os.pathsep) if kind == "site_config_dir" else [value]
    absolute = [path for path in given if os.path.isabs(path)]
    return Path(absolute[0] if absolute else os.path.expanduser(default), APP_NAME)


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
    """Each site catalog folder's imported snapshot, where there is one, in reading order
    (whatever it is: a pipe, a folder or a dangling link is refused, naming it, when read)."""
    return [f / IMPORTED_SNAPSHOT for f in catalog_folders() if _present(f / IMPORTED_SNAPSHOT)]


def _present(path: Path) -> bool:
    return path.is_symlink() or path.exists()


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
