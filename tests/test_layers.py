"""Nothing outside doseunits.gui loads Qt: the command line and the frozen self-test rely
on it. The import contracts in pyproject.toml say the same of import statements; this
checks what really loads at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import doseunits

PACKAGE = Path(doseunits.__file__).parent


def non_gui_modules() -> list[str]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in ("gui", "resources", "__main__") or parts[-1] == "__init__":
            continue
        modules.append(".".join(("doseunits", *parts)))
    return modules


def test_the_layers_are_found() -> None:
    assert {"doseunits.engine.billing", "doseunits.cli.commands"} <= set(non_gui_modules())


def test_importing_every_module_outside_the_gui_loads_no_qt() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in non_gui_modules())
        + "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        + "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
