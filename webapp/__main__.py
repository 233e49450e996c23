"""``python -m webapp``: start the web app on this computer and print its address."""

from ._launch import main

if __name__ == "__main__":
    raise SystemExit(main())
