"""The tests mirror the packages, and the window tests are marked by tests/conftest.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import doseunits

TESTS = Path(__file__).resolve().parent
PACKAGE = Path(doseunits.__file__).resolve().parent
# Whole-project checks stay at the top: lint and types, layers, packaging, benchmarks.
TOP_LEVEL = {
    "test_code_quality.py", "test_layers.py", "test_packaging.py", "test_test_layout.py",
    "test_benchmarks.py", "test_benchmarks_catalog.py",
}  # fmt: skip


def test_every_test_folder_is_named_after_a_package() -> None:
    for path in TESTS.rglob("test_*.py"):
        folder = path.parent.relative_to(TESTS)
        if folder == Path("."):
            assert path.name in TOP_LEVEL, f"{path.name}: put it in the folder of its package"
        else:
            assert (PACKAGE / folder).is_dir(), f"{folder}/ names no package of doseunits"


def test_window_tests_are_marked_gui_without_marking_them_by_hand() -> None:
    def collected(*args: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             *args],
            cwd=TESTS.parent, capture_output=True, text=True, check=False,
        )  # fmt: skip
        return [line for line in done.stdout.splitlines() if "::" in line]

    assert collected("-m", "not gui", "tests/gui") == []
    marked = collected("-m", "gui", "tests/app/test_settings.py")
    assert marked, "test_settings drives the real window (qtbot) in some tests"
    by_hand = [p.name for p in TESTS.rglob("test_*.py") if "pytestmark =" in p.read_text()]
    assert by_hand == [Path(__file__).name]  # only this file names it, in this line
