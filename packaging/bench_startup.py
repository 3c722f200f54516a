"""Cold start to the first painted frame: DoseUnits against a bare PySide6 window.

Measured from spawning the process to the moment its window's first frame is painted
(each prints the wall clock and its own CPU time then, and quits; exit is not counted).
Both run in fresh processes, in pairs whose order alternates, on the offscreen platform.
Prints the medians of both clocks and their ratios (the target is <= 1.5): wall time is
what a person waits; CPU time is the same work with less of this shared machine's noise.
Also the ratio within each back-to-back pair: its median, and the middle half of them.

    .venv/bin/python packaging/bench_startup.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = Path(__file__).resolve().parent / "bare_window.py"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawn to the first painted frame, and the process's CPU seconds then."""
    start = time.time()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    shown = [line.split() for line in done.stdout.splitlines() if line.startswith("shown-at ")]
    if not shown:
        raise SystemExit(f"{command} never reported a painted frame: {done.stderr[-500:]}")
    return float(shown[0][1]) - start, float(shown[0][3])


def main(runs: int) -> int:
    with tempfile.TemporaryDirectory() as home:
        # A real install has bytecode caches (pip writes them; a frozen bundle carries
        # them), so let the warm-up runs write them even where this shell forbids it.
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {
            **base,
            "QT_QPA_PLATFORM": "offscreen",
            "QT_LOGGING_RULES": "qt.qpa.*=false",
            "DOSEUNITS_EXIT_AFTER_START": "1",
            "DOSEUNITS_CONFIG_DIR": os.path.join(home, "config"),
            "DOSEUNITS_DATA_DIR": os.path.join(home, "data"),
        }
        commands = {
            "bare PySide6 window": [sys.executable, str(BARE)],
            "DoseUnits (python -m doseunits)": [sys.executable, "-m", "doseunits"],
        }
        for command in commands.values():  # warm the disk cache for both alike
            timed(command, env)
        wall: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(runs):
            order = list(commands.items())
            for name, command in order if run % 2 == 0 else reversed(order):
                seconds, cpu_seconds = timed(command, env)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    for name in commands:
        print(
            f"{name:34} wall median {statistics.median(wall[name]) * 1000:5.0f} ms "
            f"(fastest {min(wall[name]) * 1000:3.0f}), CPU median "
            f"{statistics.median(cpu[name]) * 1000:5.0f} ms (fastest {min(cpu[name]) * 1000:3.0f})"
        )
    bare, ours = commands
    for clock, values in (("wall", wall), ("CPU", cpu)):
        ratio = statistics.median(values[ours]) / statistics.median(values[bare])
        fastest = min(values[ours]) / min(values[bare])
        print(
            f"ratio DoseUnits / bare, {clock} time: {ratio:.2f} of the medians, "
            f"{fastest:.2f} of the fastest runs (target <= 1.5; {runs} runs each)"
        )
    # Each pair ran back to back, so its ratio shares the machine's mood of the moment.
    pairs = [ours_s / bare_s for ours_s, bare_s in zip(wall[ours], wall[bare], strict=True)]
    low, middle, high = statistics.quantiles(pairs, n=4)
    print(f"pair by pair, wall time: median ratio {middle:.2f}, middle half {low:.2f}-{high:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
