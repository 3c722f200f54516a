"""The ``doseunits`` command: the window without arguments, else the command line
(``calc``, ``scan``, ``audit``, ``--self-test``; see doseunits.cli.commands).

Opening the window builds no argument parser: argparse and its translations cost
~10 ms of start-up for nothing there.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a note with "Łukasz" on a cp1252 console
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    if args:
        from doseunits.cli.commands import run

        return run(args)
    # Opening the window: ~50 garbage collections ran during start-up (~27 ms) over
    # objects that all live on; the window turns collection back on after its first
    # frame (gui.app), with what start-up made frozen out of later collections.
    gc.disable()
    from doseunits.gui.app import run_app

    return run_app()


if __name__ == "__main__":
    sys.exit(main())
