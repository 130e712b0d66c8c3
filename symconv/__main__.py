"""``python -m symconv``: the command line, as the ``symconv`` console script runs it."""

import sys

from symconv.cli import main

sys.exit(main())
