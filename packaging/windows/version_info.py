"""The Windows version resource of doseunits.exe, from the package version.

UNTESTED on the project's machines (Linux only): written for PyInstaller 6 on Windows.
packaging/doseunits.spec calls write_version_file() itself when it runs on Windows, so
Explorer's Properties > Details and the installer show the same version as
``doseunits --version``. By hand:

    py packaging\\windows\\version_info.py build\\pyinstaller\\version_info.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# PyInstaller reads this file as Python source for a VSVersionInfo object.
TEMPLATE = """\
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
        StringStruct('CompanyName', 'DoseUnits'),
        StringStruct('FileDescription', 'DoseUnits: HCPCS units and JW/JZ waste notes'),
        StringStruct('FileVersion', '{version}'),
        StringStruct('InternalName', 'doseunits'),
        StringStruct('OriginalFilename', 'doseunits.exe'),
        StringStruct('ProductName', 'DoseUnits'),
        StringStruct('ProductVersion', '{version}'),
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])]),
  ],
)
"""


def package_version() -> str:
    text = (ROOT / "desktop" / "doseunits" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not found:
        raise SystemExit("no __version__ in desktop/doseunits/__init__.py")
    return found.group(1)


def numeric(version: str) -> tuple[int, int, int, int]:
    """Windows wants four numbers: 0.1.0 -> (0, 1, 0, 0); 1.2.0rc1 -> (1, 2, 0, 0)."""
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3]]
    return (*numbers, *[0] * (4 - len(numbers)))  # type: ignore[return-value]


def write_version_file(path: str | Path, version: str | None = None) -> Path:
    version = version or package_version()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(TEMPLATE.format(numbers=numeric(version), version=version), "utf-8")
    return target


if __name__ == "__main__":
    write_version_file(sys.argv[1] if len(sys.argv) > 1 else "version_info.txt")
