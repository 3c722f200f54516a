"""Where the shipped resources (catalog, templates, icons) are: one place knows.

An installed wheel and a frozen bundle carry them inside the package as
``doseunits/resources``; a source checkout has them at the top level. Both are
reached from this file's own location, so every form uses the same code path.
"""

from __future__ import annotations

from pathlib import Path

from doseunits.errors import DoseUnitsError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resource_root() -> Path:
    """The folder holding ``catalog/`` and ``templates/``."""
    for candidate in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent.parent / "resources"):
        if (candidate / "catalog").is_dir():
            return candidate
    raise DoseUnitsError(
        f"The DoseUnits resources folder is missing next to {_PACKAGE_DIR}; reinstall DoseUnits."
    )


def resource(*parts: str) -> Path:
    """A path below the resource root, for example ``resource("templates", "note.txt")``."""
    return resource_root().joinpath(*parts)
