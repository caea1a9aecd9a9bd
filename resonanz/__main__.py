"""``python -m resonanz`` is the same as the ``resonanz`` command."""

import sys

from resonanz.cli import main

sys.exit(main())
