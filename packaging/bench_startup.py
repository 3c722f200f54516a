"""Cold start to the first shown window: DoseUnits against a bare PySide6 window.

Measured from spawning the process to the moment its event loop runs with the window
shown (each prints the wall clock then and quits; exit time is not counted). Both run
in fresh processes, alternating, on the offscreen platform, so the machine's
noise hits both alike. Prints the medians and their ratio (the target is <= 1.5).

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


def timed(command: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning the process to its first window being up (exit not counted)."""
    start = time.time()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    shown = [line for line in done.stdout.splitlines() if line.startswith("shown-at ")]
    if not shown:
        raise SystemExit(f"{command} never reported a shown window: {done.stderr[-500:]}")
    return float(shown[0].split()[1]) - start


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
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:34} median {median * 1000:7.0f} ms over {runs} runs")
    bare, ours = medians.values()
    print(f"ratio DoseUnits / bare: {ours / bare:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
