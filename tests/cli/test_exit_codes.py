"""A full disk or output, and a closed output, on the command line (issue 17): one sentence
and exit 2 (a closed output: quietly, as ``head`` expects), never 3, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scan_helpers import ATEZOLIZUMAB_1200, scan_of

posix = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
COMMANDS = [
    ["calc", "--drug", "atezolizumab", "--dose", "1050"],
    ["calc", "--drug", "atezolizumab", "--dose", "1050", "--json"],
    ["scan", scan_of(ATEZOLIZUMAB_1200)],
    ["scan", scan_of(ATEZOLIZUMAB_1200), "--json"],
]  # not --help: argparse itself ignores an output it can't write, and exits 0


def doseunits_code() -> str:
    return "import sys\nfrom doseunits.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"


@posix
@pytest.mark.parametrize("args", COMMANDS)
def test_a_full_output_is_one_sentence_and_exit_2(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", doseunits_code(), *args],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr == ("doseunits: the output can't be written (no space left on device).\n")


@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
@pytest.mark.parametrize("args", COMMANDS)
def test_a_closed_output_is_a_quiet_exit_2(args: list[str]) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader left before the first line, as head does
    try:
        done = subprocess.run(
            [sys.executable, "-c", doseunits_code(), *args],
            stdout=writer, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert done.returncode == 2, done.stderr
    assert done.stderr == ""


def test_an_unwritable_report_folder_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "claims.csv"
    source.write_text(
        "date_of_service,drug,administered,vials,billed_units,billed_modifier,billed_jw_units\n"
        "2026-11-28,atezolizumab,1050,1200x1,105,,15\n",
        encoding="utf-8",
    )
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        done = subprocess.run(
            [sys.executable, "-c", doseunits_code(), "audit", str(source), "-o",
             str(locked / "report.csv")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        locked.chmod(0o700)
    if os.geteuid() == 0:  # root writes anywhere: the folder is not locked for it
        assert done.returncode == 0
        return
    assert done.returncode == 2
    assert done.stderr.startswith(f"doseunits: The report {locked / 'report.csv'} can't be")
    assert "Traceback" not in done.stderr
