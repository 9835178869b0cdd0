"""`python -m safeguard.validate [--out DIR] ...`: the same as `safeguard validate`."""

import sys

from .command import run_from_command_line

sys.exit(run_from_command_line(sys.argv[1:]))
