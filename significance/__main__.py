"""``python -m significance`` and ``inspection-significance``: see :mod:`significance._cli`."""

from inspection_core.cli import module_entry

run = module_entry("significance")

if __name__ == "__main__":
    run()
