"""``python -m sampling``: see :mod:`sampling._cli`."""

import sys

from ._cli import main

sys.exit(main())
