"""The batch claim audit on real files: time and peak memory for 20,000 and 200,000 rows.

Writes both files with the benchmark's made-up claims, runs ``doseunits audit`` on each
in a fresh process, and prints the wall time, rows per second and the process's peak
resident memory. Streaming means the peak stays flat as the file grows tenfold.

    .venv/bin/python packaging/bench_audit.py [ROWS ...]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from claims_helpers import AUDIT_HEADER, claim_rows  # noqa: E402


def run(rows: int, folder: Path) -> tuple[float, float]:
    """Seconds and peak RSS in MiB of ``doseunits audit`` over ``rows`` rows."""
    source = folder / f"claims-{rows}.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        stream.write(AUDIT_HEADER + "\n")
        for line in claim_rows(rows):
            stream.write(line + "\n")
    command = [sys.executable, "-m", "doseunits", "audit", str(source), "-o",
               str(folder / f"report-{rows}.csv")]  # fmt: skip
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # 1: it ran, and some made-up claims are off
        raise SystemExit(f"doseunits audit failed with status {child.returncode}")
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [20_000, 200_000]
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'rows':>9} {'seconds':>8} {'rows/s':>8} {'peak RSS':>10}")
        for rows in sizes:
            seconds, peak = run(rows, Path(folder))
            print(f"{rows:>9} {seconds:>8.2f} {rows / seconds:>8.0f} {peak:>7.1f} MiB")


if __name__ == "__main__":
    main()
