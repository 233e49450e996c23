"""``python -m significance``: see :mod:`significance._cli`."""

import sys

try:
    from ._cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load: nothing has been done yet
    sys.stderr.write("interrupted; nothing was written\n")
    sys.exit(130)

sys.exit(main())
