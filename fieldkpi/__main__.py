"""``python -m fieldkpi`` is the ``fieldkpi`` command."""

import sys

from fieldkpi.cli import main

sys.exit(main())
