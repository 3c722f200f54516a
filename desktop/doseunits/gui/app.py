"""Start the window; until the window issue lands this says so."""

import sys


def run_app() -> int:
    print("doseunits: the window is not built yet; use 'doseunits calc --help'.", file=sys.stderr)
    return 1
