import sys

from doseunits.cli.main import main

sys.exit(main())
