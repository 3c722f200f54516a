"""Entry point of the frozen app (PyInstaller runs this file; the code is the package's own)."""

from doseunits.cli.main import main

raise SystemExit(main())
