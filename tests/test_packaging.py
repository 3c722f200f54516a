"""The offline installer: build the PyInstaller bundle, the .deb and the tarball, then
unpack the .deb with dpkg-deb -x (never installed) and run its self-test and lintian; and
the licenses and lintian overrides the .deb ships.

This is the slowest test (about two minutes); it runs in the normal suite because the
frozen app is what sites install.
"""

from __future__ import annotations

import re
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
    assert "none bundled" in check.stdout  # Debian's zlib, expat, FreeType ... instead
    if shutil.which("lintian"):  # CI installs it (.ci/run)
        assert re.search(r"ok +lintian \S+: 0 errors", check.stdout), check.stdout[-2000:]


# Each bundled component the copyright file names, the license its installed metadata
# gives (License-Expression, else License), and the DEP-5 license the file declares for it.
QT_LICENSE = "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"
BUNDLED_LICENSES = {
    "PySide6_Essentials": ("opt/doseunits/_internal/PySide6/*", QT_LICENSE, "LGPL-3"),
    "shiboken6": ("opt/doseunits/_internal/shiboken6/*", QT_LICENSE, "LGPL-3"),
    "platformdirs": ("opt/doseunits/_internal/platformdirs/*", "MIT", "MIT"),
    "biip": ("opt/doseunits/_internal/biip/*", "Apache-2.0", "Apache-2.0"),
    "pyinstaller": (
        "opt/doseunits/doseunits", "GPLv2-or-later with a special exception",
        "GPL-2+ with PyInstaller bootloader exception",
    ),
}  # fmt: skip


def _copyright_paragraphs() -> list[dict[str, str]]:
    """packaging/linux/copyright as DEP-5 paragraphs: field name -> value (continuations kept)."""
    text = (ROOT / "packaging" / "linux" / "copyright").read_text(encoding="utf-8")
    paragraphs = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        name = ""
        for line in block.splitlines():
            if line[:1] in (" ", "\t"):
                fields[name] += "\n" + line.strip()
            else:
                name, _, value = line.partition(":")
                fields[name] = value.strip()
        paragraphs.append(fields)
    return paragraphs


def test_the_copyright_file_gives_each_bundled_component_its_installed_license() -> None:
    import importlib.metadata

    paragraphs = _copyright_paragraphs()
    assert (
        paragraphs[0]["Format"]
        == "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    )
    for dist, (files, metadata_license, dep5_license) in BUNDLED_LICENSES.items():
        metadata = importlib.metadata.metadata(dist).json
        declared = str(metadata.get("license_expression") or metadata.get("license") or "")
        assert declared.startswith(metadata_license), f"{dist} is now licensed '{declared}'"
        holding = [p for p in paragraphs if files in p.get("Files", "").split()]
        assert len(holding) == 1, f"{files}: {len(holding)} paragraphs"
        assert holding[0]["License"].split("\n")[0] == dep5_license
        assert holding[0]["Copyright"], f"{files} has no Copyright"
    # Every short license name used has its text, in its paragraph or a stand-alone one.
    standalone = {
        p["License"].split("\n")[0] for p in paragraphs if "Files" not in p and "License" in p
    }
    for paragraph in paragraphs:
        name, _, text = paragraph.get("License", "").partition("\n")
        assert not name or text or name in standalone, f"no text for the license {name}"


def test_every_lintian_override_says_why() -> None:
    overrides_file = ROOT / "packaging" / "linux" / "lintian-overrides"
    lines = overrides_file.read_text(encoding="utf-8").splitlines()
    overrides = [number for number, line in enumerate(lines) if line.startswith("doseunits: ")]
    assert overrides
    for number in overrides:
        reason = number - 1
        while reason >= 0 and lines[reason].startswith("doseunits: "):
            reason -= 1  # overrides of one tag share the comment above them
        assert reason >= 0, f"no reason for: {lines[number]}"
        assert lines[reason].startswith("# "), f"no reason for: {lines[number]}"
