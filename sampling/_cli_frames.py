"""Command line for case lists: ``allocate`` and ``draw`` (registered by :mod:`sampling._cli`).

Thin handlers over the public API. pandas, scipy and matplotlib are imported inside the
handlers, so other commands start quickly. Library warnings become ``warning:`` lines on stderr
(:func:`inspection_core.cli.run_command`). This module does not import :mod:`sampling._cli`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from inspection_core.cli import UsageError, default_of, parse_number, parse_whole

from ._cli_check import add_reading_flags, read_for_cli, reading_flags_given

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["COMMANDS", "add_commands"]

_METHODS = "unbiased (default), controlled, largest-remainder, minimum or equal"


@contextmanager
def progress(label: str, *, after: float = 1.0) -> Iterator[None]:
    """Say on stderr what is running when a step takes longer than ``after`` seconds.

    Only at a terminal, and only for the while: the line is rubbed out when the step ends
    (carriage return and erase-line), so an error that follows is still the only line left.
    In scripts and tests nothing is shown, so the output does not depend on the clock.
    """
    if not sys.stderr.isatty():
        yield
        return
    import threading

    shown = threading.Event()
    done = threading.Event()
    turn = threading.Lock()

    def announce() -> None:
        with turn:
            if not done.is_set():
                shown.set()
                print(f"{label} ...", end="", file=sys.stderr, flush=True)

    timer = threading.Timer(after, announce)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with turn:
            done.set()
            if shown.is_set():
                print("\r\033[K", end="", file=sys.stderr, flush=True)


def _common(parser: argparse.ArgumentParser, *, n_required: bool) -> None:
    parser.add_argument("cases", help="case list: .csv, .xlsx or .parquet, one row per case")
    parser.add_argument("--id", dest="id_column", default=None, help="ID column (case_id)")
    parser.add_argument(
        "--strata", default=None, help="comma-separated strata columns (gender,disposal,risk)"
    )
    parser.add_argument(
        "--n", default=None, required=n_required, help="cases to sample, or 'auto' (80%%/5 rule)"
    )
    parser.add_argument("--method", default=None, help=_METHODS)
    parser.add_argument(
        "--minimum", default=None, help="smallest allocation per cell for --method minimum (1)"
    )
    parser.add_argument(
        "--blank-strata",
        default=None,
        help="'error' (default) refuses blank strata values; 'level' keeps them as '(blank)'",
    )
    add_reading_flags(parser)


def add_commands(sub: Any) -> None:
    """Register ``allocate``, ``draw`` and ``substitute`` (options added on first use)."""
    sub.add_parser(
        "allocate", help="cases per cell for a stratified sample", populate=_allocate_options
    )
    sub.add_parser(
        "draw", help="draw a stratified sample with reserves and a manifest",
        populate=_draw_options,
    )  # fmt: skip
    sub.add_parser(
        "substitute", help="replace a sampled case by the next reserve of its cell (logged)",
        populate=_substitute_options,
    )  # fmt: skip


def _allocate_options(allocate: argparse.ArgumentParser) -> None:
    _common(allocate, n_required=True)
    allocate.add_argument("--json", action="store_true", help="print JSON: n, cells, margins")
    allocate.add_argument("--seed", default=None, help="seed of the unbiased rounding; recorded")


def _draw_options(draw: argparse.ArgumentParser) -> None:
    _common(draw, n_required=False)
    draw.add_argument("--seed", default=None, help="random seed (whole number); recorded")
    draw.add_argument("--reserves", default=None, help="reserve cases per sampled cell (2)")
    draw.add_argument("--out", dest="out_dir", required=True, help="new folder for the results")
    draw.add_argument(
        "--force", action="store_true", help="replace an --out folder an earlier draw wrote"
    )
    draw.add_argument("--manifest", default=None, help="repeat the draw in this manifest.json")
    draw.add_argument("--json", action="store_true", help="print the manifest as JSON")
    _add_exclude(draw)


def _strata(args: argparse.Namespace) -> list[str]:
    text = args.strata if args.strata is not None else "gender,disposal,risk"
    return [s.strip() for s in text.split(",") if s.strip()]


def _whole(flag: str, text: str | None, default: int) -> int:
    if text is None:
        return default
    return parse_whole(flag, text)


def _n(text: str) -> int | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = parse_number("--n", text)
    except UsageError as exc:
        if "comma" in str(exc) or "finite" in str(exc):
            raise
        raise UsageError(f"--n must be a whole number or 'auto'; got {text!r}") from None
    return int(value) if value.is_integer() else value  # type: ignore[return-value]


def run_allocate(args: argparse.Namespace) -> None:
    """``allocate``: print the allocation (table or JSON)."""
    from ._allocation import allocate

    with progress(f"reading {args.cases}"):
        listing = read_for_cli(args)
    result = allocate(
        listing.cases,
        _n(args.n),
        strata=listing.strata,
        method=args.method or default_of(allocate, "method"),
        seed=None if args.seed is None else _whole("--seed", args.seed, 0),
        minimum=_whole("--minimum", args.minimum, default_of(allocate, "minimum")),
    )
    if args.json:
        import json

        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result)
        print(f"\n{listing.summary()}")


def _manifest_draw(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    from ._manifest import load_manifest, reproduce_draw

    given = [
        flag
        for flag, value in (
            ("--id", args.id_column),
            ("--strata", args.strata),
            ("--n", args.n),
            ("--method", args.method),
            ("--minimum", args.minimum),
            ("--blank-strata", args.blank_strata),
            ("--seed", args.seed),
            ("--reserves", args.reserves),
            ("--exclude", args.exclude),
        )
        if value is not None
    ]
    given += reading_flags_given(args)
    if given:
        raise UsageError(f"--manifest sets the draw; do not also give {', '.join(given)}")
    # The manifest's messages name its keys ("manifest lacks seed, method"), not flags the user
    # typed: pass them on as they are, not through the flag-naming rewrite of ValueErrors.
    try:
        record = load_manifest(args.manifest)
        with progress(f"repeating the draw from {args.manifest}"):
            result = reproduce_draw(record, args.cases)
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    return result, record


def run_draw(args: argparse.Namespace) -> None:
    """``draw``: draw, write the results folder atomically, print the balance report."""
    from ._chart_process import started
    from ._output import check_output_dir

    check_output_dir(args.out_dir, force=args.force, input_path=args.cases)  # refuse before work
    with started():  # balance.png drawn by a helper process that imports matplotlib meanwhile
        _draw_and_write(args)


def _draw_and_write(args: argparse.Namespace) -> None:
    if args.manifest is not None:
        result, record = _manifest_draw(args)
        from ._case_table import list_for_manifest

        listing = list_for_manifest(record, args.cases, quiet=True)
        n_requested: int | str = record.get("n_requested", result.n)
        blank = str(record.get("blank_strata", "error"))
    else:
        if args.n is None:
            raise UsageError("the following arguments are required: --n (or --manifest)")
        from ._selection import draw

        blank = args.blank_strata or "error"
        with progress(f"reading {args.cases}"):
            listing = read_for_cli(args)
        n_requested = _n(args.n)
        exclude, source = _exclusions(args)
        with progress("drawing"):
            result = draw(
                listing.cases,
                n_requested,
                seed=None if args.seed is None else _whole("--seed", args.seed, 0),
                id_column=listing.id_column,
                strata=listing.strata,
                reserves=_whole("--reserves", args.reserves, default_of(draw, "reserves")),
                method=args.method or default_of(draw, "method"),
                minimum=_whole("--minimum", args.minimum, 1),
                blank_strata=blank,
                exclude=exclude,
            )
        result = _with_source(result, source)
    from ._balance import balance_report
    from ._output import write_draw

    balance = balance_report(result.allocation, result.sample)
    with progress(f"writing {args.out_dir}"):
        written = write_draw(
            result,
            args.out_dir,
            input_path=args.cases,
            force=args.force,
            n_requested=n_requested,
            blank_strata=blank,
            balance=balance,
            case_list=listing,
        )
    if args.json:
        import json

        print(json.dumps(written.manifest, indent=2))
    else:
        if listing is not None:
            print(listing.summary())
        print(result.summary())
        print(balance.report())
        chart = "" if written.chart_skipped else " balance.png,"
        print(
            f"\nWrote {args.out_dir}: fieldwork.xlsx (the sample, reserves, balance and how it "
            f"was drawn, for people), sample.csv ({len(result.sample)} cases), reserves.csv "
            f"({len(result.reserves)} cases), balance.csv, balance.txt,{chart} manifest.json "
            f"(seed {result.seed}, input SHA-256 {written.manifest['input_sha256'][:12]}...)."
        )
        if written.chart_skipped:
            print(f"No balance chart: {written.chart_skipped}.")


def _add_exclude(draw: argparse.ArgumentParser) -> None:
    draw.add_argument(
        "--exclude",
        default=None,
        help="file (.csv, .xlsx, .parquet) with the --id column: cases that must not be drawn",
    )


def _exclusions(args: argparse.Namespace) -> tuple[list[str] | None, tuple[str, str] | None]:
    """The IDs of ``--exclude FILE`` and (file name, SHA-256), or (None, None)."""
    if args.exclude is None:
        return None, None
    import os

    from ._exclusions import read_exclusions

    ids, digest = read_exclusions(args.exclude, id_column=args.id_column or "case_id")
    return ids, (os.path.basename(args.exclude), digest)


def _with_source(result: Any, source: tuple[str, str] | None) -> Any:
    """The draw with its exclusions' file recorded."""
    if source is None or result.exclusions is None:
        return result
    import dataclasses

    ex = dataclasses.replace(result.exclusions, source=source[0], source_sha256=source[1])
    return dataclasses.replace(result, exclusions=ex)


def _substitute_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="the draw's --out folder")
    parser.add_argument("--case", required=True, help="ID of the sampled case to replace")
    parser.add_argument("--reason", required=True, help="why it cannot be inspected (logged)")
    parser.add_argument("--json", action="store_true", help="print the substitution as JSON")


def run_substitute(args: argparse.Namespace) -> None:
    """``substitute``: append to the log, write the current sample, print its balance."""
    from ._balance import balance_report
    from ._substitute import CURRENT_SAMPLE, draw_allocation, substitute

    done = substitute(args.folder, args.case, args.reason)
    balance = balance_report(draw_allocation(args.folder), done.sample)
    if args.json:
        import json

        print(json.dumps(done.to_dict(), indent=2))
    else:
        print(done.summary())
        if done.exhausted:
            print(f"Cells with no reserve left: {', '.join(map(str, done.exhausted))}.")
        print(balance.report())
        print(f"\nWrote {args.folder}/{CURRENT_SAMPLE}; appended {args.folder}/substitutions.csv.")


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "allocate": run_allocate,
    "draw": run_draw,
    "substitute": run_substitute,
}
