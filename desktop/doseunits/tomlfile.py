"""Reading one TOML file of the catalog or the payers, with a message that names it."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from doseunits.errors import CatalogError


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """Floats are read as Decimal; ``kind`` ("Catalog", "Payer") starts every message."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except FileNotFoundError:
        raise CatalogError(f"{kind} file {path} does not exist.") from None
    except OSError as error:
        raise CatalogError(f"{kind} file {path} can't be read ({error.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(f"{kind} file {path} is not valid TOML: {error}.") from None
