"""Reading one TOML file of the catalog or the payers, with a message that names it."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from doseunits import files
from doseunits.errors import CatalogError

#: The most a site's TOML file may hold: far beyond a catalog of every drug CMS lists
#: (100,000 drugs are ~40 MB); /dev/zero, or a file that grew by mistake, stops here.
TOML_LIMIT = 64 << 20


def read_toml(path: Path, kind: str, limit: int = TOML_LIMIT) -> dict[str, Any]:
    """Floats are read as Decimal; ``kind`` ("Catalog", "Payer") starts every message.

    Only a regular file of at most ``limit`` bytes is read (never a pipe, a device or a
    folder); every problem is a CatalogError of one sentence naming the file."""
    try:
        data = files.read_limited(path, limit)
    except FileNotFoundError:
        raise CatalogError(f"{kind} file {path} does not exist.") from None
    except OSError as error:
        raise CatalogError(f"{kind} file {path} can't be read ({files.why(error)}).") from None
    try:
        return tomllib.loads(data.decode("utf-8"), parse_float=Decimal)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(f"{kind} file {path} is not valid TOML: {error}.") from None
    except RecursionError:
        raise CatalogError(
            f"{kind} file {path} is nested too deeply to be a DoseUnits file."
        ) from None
