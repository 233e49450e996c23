"""``python -m significance``: see :mod:`significance._cli`."""

import sys

from ._cli import main

sys.exit(main())
