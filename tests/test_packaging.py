"""The offline installer: build the PyInstaller bundle, the .deb and the tarball, then
unpack the .deb with dpkg-deb -x (never installed) and run its self-test.

This is the slowest test (about two minutes); it runs in the normal suite because the
frozen app is what sites install.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian dpkg)")
def test_deb_builds_unpacks_and_passes_its_self_test() -> None:
    build = subprocess.run(
        [str(ROOT / "packaging" / "build")], cwd=ROOT, capture_output=True, text=True,
        check=False, timeout=1200,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    debs = sorted((ROOT / "dist").glob("doseunits_*.deb"))
    assert debs, build.stdout[-2000:]
    assert sorted((ROOT / "dist").glob("doseunits-*-linux-*.tar.gz"))
    check = subprocess.run(
        [str(ROOT / "packaging" / "check_deb"), str(debs[-1])], cwd=ROOT, capture_output=True,
        text=True, check=False, timeout=600,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-3000:]
    assert "self-test passed" in check.stdout + check.stderr
