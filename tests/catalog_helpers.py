"""Made-up catalog snapshots for the large-catalog tests and benchmarks: NDCs of the
labelers 90000-99999, which no real product uses here (tests only)."""

from __future__ import annotations

import json
from pathlib import Path

from doseunits.catalog.files import snapshot_document


def snapshot_table(number: int) -> dict[str, object]:
    """One made-up drug as ``catalog import`` writes it (labelers 90000-99999, tests only)."""
    labeler, product = 90000 + number // 10000, number % 10000
    return {
        "id": f"drug-{number}", "name": f"Drug {number}", "hcpcs": f"J{product:04d}",
        "descriptor": f"Injection, drug {number}, 10 mg", "billing_unit": "10 mg",
        "verified": True, "imported": True, "source": "synthetic test snapshot",
        "presentation": [
            {"ndc": f"{labeler:05d}-{product:04d}-{n:02d}", "strength": f"{100 * n} mg",
             "container": "unconfirmed", "source": "synthetic"}
            for n in (1, 2)
        ],
    }  # fmt: skip


def write_snapshot(path: Path, tables: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps(snapshot_document(tables, "synthetic")), encoding="utf-8")
    return path


def synthetic_snapshot(path: Path, drugs: int) -> Path:
    """A JSON snapshot of ``drugs`` made-up drugs, two presentations each."""
    return write_snapshot(path, [snapshot_table(n) for n in range(drugs)])
