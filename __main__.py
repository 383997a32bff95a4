"""``python -m raaderum``: the command line."""

import sys

from raaderum.sim.cli import main

sys.exit(main())
