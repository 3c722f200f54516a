"""doseunits.core must import no Qt: the command line and the frozen self-test rely on it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import doseunits.core

CORE = Path(doseunits.core.__file__).parent


def test_no_qt_import_statement_in_core() -> None:
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("PySide6", "PyQt", "shiboken", "doseunits.gui")), path


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = sorted(f"doseunits.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "import doseunits.cli\nimport doseunits.commands\n"
        + "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        + "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
