"""The audit's files (issue 17): a full disk is one sentence and exit 2 with the old report
intact and no hidden .part left; a killed run's .part is removed by the next run; the
report is owner-only and never written through a link; the input is a regular file."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claims_helpers import AUDIT_HEADER, claim_rows
from doseunits.cli.main import main

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX limits, signals and links")
ATEZO_OK = "2026-11-28,atezolizumab,1050,1200x1,105,,15"


def claims(path: Path, rows: int) -> Path:
    path.write_text(AUDIT_HEADER + "\n" + "\n".join(claim_rows(rows)) + "\n", encoding="utf-8")
    return path


def doseunits(*args: str, limit: int = 0) -> subprocess.CompletedProcess[str]:
    """The command in its own process; ``limit``: a file-size limit that fails writes past
    it as a full disk does (RLIMIT_FSIZE, SIGXFSZ ignored)."""
    code = "import sys\nfrom doseunits.cli.main import main\n"
    if limit:
        code += (
            "import resource, signal\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        )
    code += "sys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )


@posix
def test_a_full_disk_is_one_sentence_exit_2_and_leaves_no_part(tmp_path: Path) -> None:
    source = claims(tmp_path / "claims.csv", 20_000)
    report = tmp_path / "report.csv"
    report.write_text("the old report\n")
    done = doseunits("audit", str(source), "-o", str(report), limit=200_000)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"doseunits: The report {report} can't be written (file too")
    assert "Traceback" not in done.stderr
    assert report.read_text() == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "report.csv"]


@posix
def test_a_killed_audits_part_file_is_removed_by_the_next_run(tmp_path: Path) -> None:
    source = claims(tmp_path / "claims.csv", 200_000)
    report = tmp_path / "report.csv"
    code = "import sys\nfrom doseunits.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    running = subprocess.Popen(
        [sys.executable, "-c", code, "audit", str(source), "-o", str(report)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".report.csv.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGKILL)
    running.wait()
    left = list(tmp_path.glob(".report.csv.*.part"))
    assert len(left) == 1
    small = claims(tmp_path / "small.csv", 10)
    assert main(["audit", str(small), "-o", str(report)]) in (0, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "report.csv", "small.csv"]


@posix
def test_the_report_is_owner_only_and_replaces_a_link(tmp_path: Path) -> None:
    source = tmp_path / "claims.csv"
    source.write_text(AUDIT_HEADER + "\n" + ATEZO_OK + "\n", encoding="utf-8")
    victim = tmp_path / "victim.csv"
    victim.write_text("keep")
    report = tmp_path / "report.csv"
    report.symlink_to(victim)
    old = os.umask(0o022)
    try:
        assert main(["audit", str(source), "-o", str(report)]) == 0
    finally:
        os.umask(old)
    assert victim.read_text() == "keep"
    assert not report.is_symlink()
    assert stat.S_IMODE(report.stat().st_mode) == 0o600


@posix
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom", "folder"])
def test_an_input_that_is_not_a_regular_file_is_refused_at_once(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "fifo":
        source = tmp_path / "claims.csv"
        os.mkfifo(source)
    elif kind == "folder":
        source = tmp_path
    else:
        source = Path(kind)
    assert main(["audit", str(source), "-o", str(tmp_path / "report.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"doseunits: The input {source} can't be read (it is a ")
    assert err.endswith("not a regular file).\n")
