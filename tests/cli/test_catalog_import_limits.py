"""``catalog import --payment-limits``: the file stored where pricing reads it, one a
quarter, and ``calc --json`` priced from it, end to end."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from test_catalog_commands import CROSSWALK, LIMITS, run

from doseunits.app.folders import catalog_folder, config_dir

OCTOBER = "payment-limits-2025-10-01-to-2025-12-31.csv"
JANUARY = "payment-limits-2026-01-01-to-2026-03-31.csv"
ATEZOLIZUMAB = ("calc", "--drug", "atezolizumab", "--dose", "1050", "--json")


def pricing(capsys: pytest.CaptureFixture[str], date: str) -> dict[str, Any]:
    code, out, err = run(capsys, *ATEZOLIZUMAB, "--date", date)
    assert (code, err) == (0, "")
    result: dict[str, Any] = json.loads(out)["pricing"]
    return result


def relabelled_as_january(tmp_path: Path) -> Path:
    """CMS's October 2025 file with its dates changed to the next quarter: test data for
    a second quarter (its prices are October's, not CMS's January figures)."""
    text = LIMITS.read_bytes().replace(
        b"Effective October 1, 2025 through December 31, 2025",
        b"Effective January 1, 2026 through March 31, 2026",
    )
    assert text != LIMITS.read_bytes()
    path = tmp_path / "Jan 2026 ASP Pricing File.csv"
    path.write_bytes(text)
    return path


def test_the_imported_file_is_stored_and_prices_calc(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ("catalog", "import", "--crosswalk", str(CROSSWALK), "--payment-limits")
    code, out, err = run(capsys, *args, str(LIMITS))
    assert (code, err) == (0, "")
    stored = config_dir() / "payment-limits" / OCTOBER
    assert f"; stored as {stored} (pricing reads it" in out
    assert stored.read_bytes() == LIMITS.read_bytes()  # as published
    assert pricing(capsys, "2025-11-15") == {
        "priced": True,
        "per_unit_usd": "91.340",
        "quarter": {"start": "2025-10-01", "end": "2025-12-31"},
        "source": OCTOBER,  # the site's file, read after the shipped one, wins
        "basis": "Medicare Part B payment limit",
    }
    # A date no file covers is withheld until that quarter's file is imported.
    assert pricing(capsys, "2026-01-02")["priced"] is False
    january = relabelled_as_january(tmp_path)
    code, out, err = run(capsys, *args, str(january))
    assert (code, err) == (0, "")
    assert "(not the crosswalk's quarter)" in out
    assert sorted(p.name for p in stored.parent.iterdir()) == [OCTOBER, JANUARY]
    assert pricing(capsys, "2026-01-02")["source"] == JANUARY
    assert pricing(capsys, "2025-11-15")["source"] == OCTOBER  # the older quarter kept
    # The same quarter again replaces its file, atomically (no temporary left behind).
    assert run(capsys, *args, str(LIMITS))[0] == 0
    assert sorted(p.name for p in stored.parent.iterdir()) == [OCTOBER, JANUARY]


def test_with_site_the_file_goes_to_the_system_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    january = relabelled_as_january(tmp_path)
    code, _, err = run(
        capsys, "catalog", "import", "--crosswalk", str(CROSSWALK), "--payment-limits",
        str(january), "--site",
    )  # fmt: skip
    assert (code, err) == (0, "")
    stored = Path(os.environ["DOSEUNITS_SITE_DIR"]) / "payment-limits" / JANUARY
    assert stored.is_file()
    assert stored.stat().st_mode & 0o777 == 0o644  # every user of the site reads it
    assert not (config_dir() / "payment-limits").exists()
    assert pricing(capsys, "2026-01-02")["source"] == JANUARY


def test_a_bad_payment_limit_file_stores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "limits.csv"
    bad.write_bytes(CROSSWALK.read_bytes())
    code, out, err = run(
        capsys, "catalog", "import", "--crosswalk", str(CROSSWALK), "--payment-limits", str(bad)
    )
    assert (code, out) == (2, "")
    assert err.startswith(f"doseunits: {bad} is not a CMS Part B payment limit file")
    assert err.count("\n") == 1
    assert not (config_dir() / "payment-limits").exists()
    assert not (catalog_folder() / "cms-import.json").exists()
