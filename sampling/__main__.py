"""``python -m sampling`` and ``inspection-sampling``: see :mod:`sampling._cli`."""

from inspection_core.cli import module_entry

run = module_entry("sampling")

if __name__ == "__main__":
    run()
