"""A site snapshot broken as a whole file on the command line: wherever the catalog's
CMS-built part is read (``calc`` of a code only it has, ``catalog show``, ``catalog
check``, ``audit``), one sentence naming the file and exit 2; the window leaves such a
file out instead (tests/gui/test_window_broken_snapshot.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from doseunits.cli.main import main
from snapshot_helpers import BROKEN, SHIPPED_CODE, shipped_ndc_under_the_same_code, site_snapshot


def one_sentence(capsys: pytest.CaptureFixture[str], args: list[str], path: Path) -> str:
    code = main(args)
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), err
    assert err.startswith(f"doseunits: Catalog file {path}")
    assert err.count("\n") == 1
    assert err.endswith(".\n")
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("system", [False, True], ids=["user", "system-site"])
@pytest.mark.parametrize("make", BROKEN, ids=lambda make: make.__name__)
def test_a_broken_site_snapshot_is_one_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Callable[[Path], str], system: bool
) -> None:
    path = site_snapshot(system)
    problem = make(path)
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units\n"
        f"2025-11-03,{SHIPPED_CODE},100,100x1,1,,\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    commands = [
        ["calc", "--drug", SHIPPED_CODE, "--dose", "100", "--date", "2025-11-03"],
        ["catalog", "show", SHIPPED_CODE],
        ["catalog", "check"],
        ["audit", str(claims), "-o", str(report)],
    ]
    if system and make is not shipped_ndc_under_the_same_code:  # alone, that file is fine
        commands.append(["catalog", "check", "--site"])  # the system site's files only
    for args in commands:
        assert problem in one_sentence(capsys, args, path), args
    assert not report.exists()


def test_a_hand_checked_drug_still_bills_without_reading_a_broken_snapshot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``calc`` of a hand-checked drug never reads the CMS-built part: nothing fails."""
    path = site_snapshot()
    BROKEN[2](path)  # truncated
    code = main(["calc", "--drug", "atezolizumab", "--dose", "1050", "--date", "2026-11-28"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "J9022" in out
