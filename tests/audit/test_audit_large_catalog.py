"""The claim audit over a large site snapshot: a drug that fails when read is an error row
with its sentence (file, drug, key), and the other drugs' rows are audited."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from catalog_helpers import snapshot_table, write_snapshot
from doseunits.app.site import load_default_payers
from doseunits.audit.auditor import Auditor, audit_rows, open_report
from doseunits.catalog.files import load_catalog

HEADER = "date_of_service,drug,administered_mg,vials,billed_units,billed_modifier,billed_jw_units"


def test_a_bad_drug_deep_in_a_snapshot_is_an_error_row(tmp_path: Path) -> None:
    tables = [snapshot_table(n) for n in range(1_000)]
    tables[990]["presentation"][1]["strength"] = "12OO mg"  # type: ignore[index]
    path = write_snapshot(tmp_path / "site.json", tables)
    catalog = load_catalog([path])
    text = f"{HEADER}\n2026-11-28,drug-990,150,200x1,15,,5\n2026-11-28,drug-991,150,200x1,15,,5\n"
    out = io.StringIO()
    reader, writer = open_report(io.StringIO(text), out)
    audit_rows(reader, writer, Auditor(catalog, load_default_payers))
    bad, good = csv.DictReader(io.StringIO(out.getvalue()))
    assert (bad["status"], bad["expected_units"]) == ("error", "")
    assert bad["reason"] == (
        f"Catalog file {path}, drug 'drug-990', key 'presentation.strength': must be a "
        "number like 1050 or 72.5 (got '12OO mg')"
    )
    # Audited in full, though its container is unconfirmed: JW/JZ can't be checked yet.
    assert (good["status"], good["expected_units"]) == ("mismatch", "15")
    assert good["reason"].startswith(
        "container of NDC 90000-0991-02 not confirmed: JW/JZ can't be checked until the label"
    )
