"""The audit of a claim row whose opened NDC has no confirmed container (docs/billing-rules.md
§3.6a): JW and JZ can't be checked until the label is, so the row says so (never a silent
``ok`` nor a wrong mismatch), while its administered units are still checked. Veklury
61958-2901-02 as CMS's October 2025 crosswalk ships it (J0248, 1 mg; 100 mg a vial)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from doseunits.cli.main import main

HEADER = "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units"
WHY = (
    "container of NDC 61958-2901-02 not confirmed: JW/JZ can't be checked until the label is "
    "(single-dose: JW/JZ apply; multi-dose: neither); record it with 'doseunits catalog "
    "confirm'"
)
ROWS = [
    # (row, expected units, modifier, JW units, status, reason)
    # Without JW: was a silent ok (as if multi-dose).
    ("2025-11-10,J0248,150,61958-2901-02x2,150,,0", "150", "", "", "mismatch", WHY),
    # With JW 50: was "JW line billed ... nothing billable was discarded", a wrong mismatch.
    ("2025-11-10,J0248,150,61958-2901-02x2,150,,50", "150", "", "", "mismatch", WHY),
    # With JZ: was "JZ billed on multi-dose vials", wrong if the label says single-dose.
    ("2025-11-10,J0248,200,61958-2901-02x2,200,JZ,0", "200", "", "", "mismatch", WHY),
    # The administered units are still checked.
    ("2025-11-10,J0248,200,61958-2901-02x2,199,JZ,0", "200", "", "", "mismatch",
     f"administered units billed 199, expected 200; {WHY}"),
    # A vial given by strength names the same NDC.
    ("2025-11-10,J0248,150,100x2,150,,50", "150", "", "", "mismatch", WHY),
]  # fmt: skip


def audit(tmp_path: Path, rows: list[str], *extra: str) -> tuple[int, list[dict[str, str]]]:
    source, out = tmp_path / "claims.csv", tmp_path / "report.csv"
    source.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code = main(["audit", str(source), "-o", str(out), *extra])
    with out.open(encoding="utf-8", newline="") as stream:
        return code, list(csv.DictReader(stream))


def test_an_unconfirmed_container_is_flagged_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = audit(tmp_path, [row for row, *_ in ROWS])
    assert code == 1
    assert "5 rows: 0 ok, 5 mismatch, 0 error" in capsys.readouterr().out
    got = [
        (r["expected_units"], r["expected_modifier"], r["expected_jw_units"], r["status"],
         r["reason"])
        for r in report
    ]  # fmt: skip
    assert got == [tuple(expected) for _, *expected in ROWS]


def test_once_the_label_is_confirmed_jw_and_jz_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "confirm", "61958-2901-02", "--container", "single-dose",
                 "--by", "AB"]) == 0  # fmt: skip
    code, report = audit(tmp_path, [row for row, *_ in ROWS])
    assert code == 1  # the first and fourth rows are still wrong
    assert [(r["status"], r["expected_modifier"], r["expected_jw_units"]) for r in report] == [
        ("mismatch", "", "50"), ("ok", "", "50"), ("ok", "JZ", "0"), ("mismatch", "JZ", "0"),
        ("ok", "", "50"),
    ]  # fmt: skip
    assert report[0]["reason"] == "JW line missing: 50 units discarded not billed"


def test_the_summary_counts_them_under_their_own_reason(tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    rows = [row for row, *_ in ROWS] + ["2025-11-15,atezolizumab,1050,1200x1,105,,15"]
    code, _ = audit(tmp_path, rows, "--summary", str(summary))
    assert code == 1
    with summary.open(encoding="utf-8", newline="") as stream:
        by_code = {row["hcpcs"]: row for row in csv.DictReader(stream)}
    veklury = by_code["J0248"]
    assert (veklury["claims"], veklury["mismatches"], veklury["errors"]) == ("5", "5", "0")
    assert veklury["mismatch_reasons"] == "container not confirmed: 5; administered units: 1"
    # What the claims told the payer: 150 + 150 + 200 + 199 + 150 units, JW 50 + 50.
    assert (veklury["administered_units"], veklury["jw_units"]) == ("849", "100")
    assert by_code["J9022"]["mismatches"] == "0"
