"""``python -m sampling``: see :mod:`sampling._cli`.

A Ctrl-C at any moment, even while the modules load, ends with one line and status 130
(:func:`inspection_core.cli.run_main`).
"""

from collections.abc import Callable

from inspection_core.cli import run_main


def _load() -> Callable[[], int]:
    from ._cli import main

    return main


def run() -> None:
    """The console script ``inspection-sampling``."""
    run_main(_load)


if __name__ == "__main__":
    run()
