import sys

from doseunits.cli import main

sys.exit(main())
