"""The ``doseunits`` command: the window without arguments, else the command line
(``calc``, ``scan``, ``audit``, ``--self-test``; see doseunits.cli.commands).

Opening the window builds no argument parser: argparse and its translations cost
~10 ms of start-up for nothing there.
"""

from __future__ import annotations

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
    from doseunits.gui.startup import start  # the order of the window's start is there

    return start()


if __name__ == "__main__":
    sys.exit(main())
