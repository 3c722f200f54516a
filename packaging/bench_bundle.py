"""The frozen app against a frozen bare PySide6 window: bundle size, cold start, peak memory.

Builds the reference, a bare PySide6 window app, with the same PyInstaller (one folder,
default options, no trimming) into build/bench/, then measures it and the app bundle that
packaging/build made (build/pyinstaller/dist/doseunits) side by side:

  * one-folder size: bytes of the regular files (symlinks count nothing); target <= 0.9x
  * cold start: spawn to the first painted frame on the offscreen platform (each prints
    ``shown-at <epoch s> cpu <s>`` then quits; exit is not counted); median of runs in
    pairs of alternating order, after one warm-up run each, in wall time (the target,
    <= 1.5x) and in the process's CPU time (the same work, less of the machine's noise)
  * peak memory: the child's maximum resident set (wait4's rusage), median; target <= 1.3x

    packaging/build && .venv/bin/python packaging/bench_bundle.py [--runs 10]

Exits 1 when a ratio misses its target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "build" / "pyinstaller" / "dist" / "doseunits"
BENCH = ROOT / "build" / "bench"

BARE = Path(__file__).resolve().parent / "bare_window.py"  # shared with bench_startup.py

TARGETS = {"size": 0.9, "start": 1.5, "cpu": 1.5, "memory": 1.3}


def build_bare() -> Path:
    BENCH.mkdir(parents=True, exist_ok=True)
    script = BARE
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(BENCH / "dist"), "--workpath", str(BENCH / "work"),
        "--specpath", str(BENCH), str(script),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"building the bare window failed:\n{done.stdout}{done.stderr}")
    return BENCH / "dist" / "bare_window"


def folder_bytes(folder: Path) -> int:
    return sum(
        (Path(base) / name).lstat().st_size
        for base, _, files in os.walk(folder)
        for name in files
        if not (Path(base) / name).is_symlink()
    )


def one_run(executable: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from spawn to the painted frame, CPU seconds then, and peak RSS in MiB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.time()
        process = subprocess.Popen([str(executable)], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # rusage of this child alone
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode().splitlines()
        shown = [line for line in lines if line.startswith("shown-at ")]
        if process.returncode != 0 or not shown:
            raise SystemExit(f"{executable} failed ({process.returncode}): {err.read()[-500:]!r}")
    words = shown[0].split()
    return float(words[1]) - start, float(words[3]), usage.ru_maxrss / 1024  # Linux: KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="alternating runs of each")
    args = parser.parse_args()
    app = APP / "doseunits"
    if not app.is_file():
        raise SystemExit(f"no app bundle at {APP}: run packaging/build first")
    print("building the bare PySide6 window with the same PyInstaller ...", flush=True)
    bundles = {"DoseUnits": app, "bare window": build_bare() / "bare_window"}

    with tempfile.TemporaryDirectory() as home:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "QT_LOGGING_RULES": "qt.qpa.*=false",
            "DOSEUNITS_EXIT_AFTER_START": "1",
            "DOSEUNITS_CONFIG_DIR": os.path.join(home, "config"),
            "DOSEUNITS_DATA_DIR": os.path.join(home, "data"),
        }
        for executable in bundles.values():  # warm the disk cache for both alike
            one_run(executable, env)
        starts: dict[str, list[float]] = {name: [] for name in bundles}
        cpu: dict[str, list[float]] = {name: [] for name in bundles}
        memory: dict[str, list[float]] = {name: [] for name in bundles}
        for run in range(args.runs):
            order = list(bundles.items())
            for name, executable in order if run % 2 == 0 else reversed(order):
                seconds, cpu_seconds, mib = one_run(executable, env)
                starts[name].append(seconds)
                cpu[name].append(cpu_seconds)
                memory[name].append(mib)

    figures = {
        name: {
            "size": folder_bytes(executable.parent) / 2**20,
            "start": statistics.median(starts[name]) * 1000,
            "cpu": statistics.median(cpu[name]) * 1000,
            "memory": statistics.median(memory[name]),
        }
        for name, executable in bundles.items()
    }
    app_f, bare_f = figures["DoseUnits"], figures["bare window"]
    rows = (
        ("one-folder size", "size", "MiB", "{:.1f}"),
        ("cold start to first frame", "start", "ms", "{:.0f}"),
        ("  the same in CPU time", "cpu", "ms", "{:.0f}"),
        ("peak memory at start (RSS)", "memory", "MiB", "{:.1f}"),
    )
    print(f"\nPyInstaller one-folder bundles, offscreen, median of {args.runs} alternating runs")
    print(f"{'':28} {'DoseUnits':>11} {'bare window':>12} {'ratio':>6} {'target':>7}")
    missed = []
    for label, key, unit, fmt in rows:
        ratio = app_f[key] / bare_f[key]
        verdict = "ok" if ratio <= TARGETS[key] else "MISSED"
        if verdict != "ok":
            missed.append(label)
        ours, bare = (f"{fmt.format(value)} {unit}" for value in (app_f[key], bare_f[key]))
        target = f"<= {TARGETS[key]}"
        print(f"{label:28} {ours:>11} {bare:>12} {ratio:6.2f} {target:>7} {verdict}")
    print(
        "ratios: size {:.2f}, start {:.2f} (CPU {:.2f}), memory {:.2f}".format(
            *(app_f[key] / bare_f[key] for _, key, _, _ in rows)
        )
    )
    if missed:
        print(f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
