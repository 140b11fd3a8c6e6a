"""``python -m tiptrends``: the command line."""

import sys

from tiptrends.cli import main

sys.exit(main())
