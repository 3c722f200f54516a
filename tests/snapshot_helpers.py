"""Site catalog snapshots broken as a whole file, each kind made by one function that
writes it and returns what its sentence says (window and command-line tests)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from catalog_helpers import snapshot_table, write_snapshot
from doseunits.app.folders import IMPORTED_SNAPSHOT, catalog_folder
from doseunits.catalog import files as catalog_files

#: A drug of the shipped CMS-built snapshot (resources/catalog/cms-2025-10.json).
SHIPPED_NDC, SHIPPED_CODE = "10511-3001-02", "A9589"


def site_snapshot(system: bool = False) -> Path:
    """Where ``catalog import`` puts the user's (or, ``system``, the system site's) import."""
    folder = catalog_folder(system=system)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / IMPORTED_SNAPSHOT


def ndc_twice_across_two_drugs(path: Path) -> str:
    tables = [snapshot_table(n) for n in range(3)]
    tables[2]["presentation"][0]["ndc"] = "90000-0000-01"  # type: ignore[index]
    write_snapshot(path, tables)
    return "NDC 90000-0000-01 is listed more than once (also in 'drug-0')"


def shipped_ndc_under_the_same_code(path: Path) -> str:
    table = snapshot_table(1)
    table.update(id="cysview-site", hcpcs=SHIPPED_CODE)
    table["presentation"][0]["ndc"] = SHIPPED_NDC  # type: ignore[index]
    write_snapshot(path, [snapshot_table(0), table])
    return f"NDC {SHIPPED_NDC} is listed more than once (also in 'a9589')"


def truncated(path: Path) -> str:
    write_snapshot(path, [snapshot_table(n) for n in range(50)])
    path.write_bytes(path.read_bytes()[:-700])
    return "is not a JSON catalog snapshot"


def fifo(path: Path) -> str:
    if os.name != "posix":
        pytest.skip("FIFOs are POSIX")
    os.mkfifo(path)  # read as it is, it would block the window for ever
    return "can't be read (it is a pipe"


def a_drug_id_twice(path: Path) -> str:
    write_snapshot(path, [snapshot_table(0), snapshot_table(1), snapshot_table(0)])
    return "drug 'drug-0' appears twice"


def another_version(path: Path) -> str:
    document = catalog_files.snapshot_document([snapshot_table(0)], "synthetic")
    document["version"] = 99
    path.write_text(json.dumps(document), encoding="utf-8")
    return "is snapshot version 99; this DoseUnits reads version 1"


def not_a_snapshot(path: Path) -> str:
    path.write_text('{"drug": []}', encoding="utf-8")
    return 'is not a DoseUnits catalog snapshot (no "format": "doseunits-catalog")'


BROKEN: list[Callable[[Path], str]] = [
    ndc_twice_across_two_drugs, shipped_ndc_under_the_same_code, truncated, fifo,
    a_drug_id_twice, another_version, not_a_snapshot,
]  # fmt: skip
