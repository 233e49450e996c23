"""``python -m webapp``: start Streamlit on this computer only, and say where to open it."""

from __future__ import annotations

import argparse
import ipaddress
import socket
from collections.abc import Sequence
from pathlib import Path

__all__ = ["APP_SCRIPT", "DEFAULT_PORT", "free_port", "main", "streamlit_arguments"]

APP_SCRIPT = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501


def free_port(address: str = "127.0.0.1", preferred: int = DEFAULT_PORT) -> int:
    """``preferred`` if nothing listens on it at ``address``, else a free port the system picks."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((address, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError(f"no free port on {address}")  # pragma: no cover - port 0 always binds


def streamlit_arguments(address: str, port: int) -> list[str]:
    """The ``streamlit run`` command line: local address, no usage statistics, no reloading.

    Examples
    --------
    >>> args = streamlit_arguments("127.0.0.1", 8600)
    >>> args[:1], args[args.index("--browser.gatherUsageStats") + 1]
    (['run'], 'false')
    """
    return [
        "run",
        str(APP_SCRIPT),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",
        address,
        "--browser.serverPort",
        str(port),
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app; returns Streamlit's exit status (it runs until Ctrl-C)."""
    parser = argparse.ArgumentParser(
        prog="python -m webapp",
        description="Start the inspection toolkit's web app on this computer.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"port to listen on (default {DEFAULT_PORT}, or a free one if that is taken)",
    )
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only)",
    )
    args = parser.parse_args(argv)
    try:
        local = ipaddress.ip_address(args.address).is_loopback
    except ValueError:
        local = args.address == "localhost"
    port = args.port if args.port is not None else free_port(args.address)
    print(f"Inspection toolkit web app: open http://{args.address}:{port} in your browser.")
    if not local:
        print(
            f"warning: {args.address} is not this computer's loopback address; others on the "
            "network may reach the app and the case lists uploaded to it."
        )
    print("Stop it with Ctrl-C.", flush=True)
    from streamlit.web import cli

    try:
        cli.main.main(args=streamlit_arguments(args.address, port), prog_name="streamlit")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
