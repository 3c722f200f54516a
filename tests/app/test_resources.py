"""Resources are found by one code path from a checkout and from an installed wheel.

(The frozen bundle's self-test covers the third form: packaging/check_deb.)
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from doseunits.app.resources import resource_root

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from doseunits.app.site import load_default_catalog
from doseunits.app.resources import resource_root
from doseunits.app.site import load_template
catalog = load_default_catalog()
load_template()
print(resource_root())
print(len(catalog.drugs))
"""


def test_checkout_uses_the_top_level_resources() -> None:
    assert resource_root() == ROOT / "resources"


def test_an_installed_wheel_carries_its_own_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path / "wheel"), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "wheel").glob("doseunits-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r})\n{PROBE}"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    where, drugs = done.stdout.split()
    assert Path(where) == site / "doseunits" / "resources"
    assert int(drugs) == 7
