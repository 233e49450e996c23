"""Command line: ``python -m significance ztest|power|mdd|sample-size``.

A thin layer over the public API: parse, call, print. Bad input is one line on stderr and exit
status 2, with no traceback; caveats (a small expected count, an ambiguous percentage) are
printed as ``warning:`` lines on stderr. Only numpy and scipy are imported.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from sampling._cli import OneLineParser, UsageError, parse_number
from sampling._result import to_builtin

PROG = "python -m significance"

# API argument names as the command line spells them, so messages name the flag typed.
FLAG_NAMES = {
    "population_size1": "--population1",
    "population_size2": "--population2",
    "population_size": "--population",
    "x1": "--x1",
    "n1": "--n1",
    "x2": "--x2",
    "n2": "--n2",
    "p1": "--p1",
    "p2": "--p2",
    "alpha": "--alpha",
    "power": "--power",
    "baseline": "--baseline",
    "alternative": "--alternative",
    "direction": "--direction",
    "interval": "--interval",
    "exact": "--exact",
    "method": "--method",
}


def flag_message(exc: Exception) -> str:
    """Rewrite a library message so it names the command-line flags.

    Examples
    --------
    >>> flag_message(ValueError("x1 must be at most n1 (100); got 120"))
    '--x1 must be at most --n1 (100); got 120'
    """
    text = str(exc)
    for api, flag in FLAG_NAMES.items():
        text = re.sub(rf"(?<![\w-]){api}\b", flag, text)
    return text


def _number(flag: str, *, percent: bool = True) -> Callable[[str], float]:
    def parse(text: str) -> float:
        return parse_number(flag, text, percent=percent)

    return parse


def _population(flag: str) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        if text.strip().lower() in {"inf", "infinite", "none"}:
            return None
        return parse_number(flag, text)

    return parse


def _published_percentage(flag: str, text: str) -> float:
    """``74%`` is 74; a proportion such as ``0.74`` is 74 too; a bare ``74`` is refused."""
    raw = text.strip()
    if raw.endswith("%"):
        return parse_number(flag, raw[:-1])
    value = parse_number(flag, raw)
    if 0 <= value <= 1:
        return round(100 * value, 10)
    hint = f". Did you mean {raw}%?" if 1 < value <= 100 else ""
    raise UsageError(
        f"{flag} must be a percentage such as 74% or a proportion such as 0.74; got {text!r}{hint}"
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--alpha", type=_number("--alpha"), default=0.1, help="default 0.1")
    parser.add_argument(
        "--alternative", default="two-sided", help="two-sided (default), greater or less"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``python -m significance``."""
    parser = OneLineParser(
        prog=PROG, description="Z-tests, power and detectable change for inspection findings."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    z = sub.add_parser("ztest", help="two-sample z-test of a change between rounds or groups")
    for g in ("1", "2"):
        z.add_argument(f"--x{g}", type=_number(f"--x{g}", percent=False), help="count")
        z.add_argument(
            f"--n{g}", type=_number(f"--n{g}", percent=False), required=True, help="cases"
        )
        z.add_argument(f"--p{g}", help="published percentage instead of a count, e.g. 74%%")
        z.add_argument(f"--population{g}", type=_population(f"--population{g}"), default=None)
    _add_common(z)
    z.add_argument("--unpooled", action="store_true", help="unpooled standard error")
    z.add_argument("--continuity", action="store_true", help="continuity correction")
    z.add_argument("--exact", default=None, help="fisher, barnard or boschloo p-value")
    z.add_argument("--interval", default="newcombe", help="newcombe (default) or wald")

    pw = sub.add_parser("power", help="power of the z-test")
    for g in ("1", "2"):
        pw.add_argument(f"--n{g}", type=_number(f"--n{g}", percent=False), required=True)
        pw.add_argument(f"--p{g}", type=_number(f"--p{g}"), required=True, help="true rate")
        pw.add_argument(f"--population{g}", type=_population(f"--population{g}"), default=None)
    _add_common(pw)
    pw.add_argument("--method", default="pooled", help="pooled (default) or arcsine")
    pw.add_argument("--strict", action="store_true", help="count both tails (two-sided)")

    mdd = sub.add_parser("mdd", help="minimum detectable difference from a baseline")
    for g in ("1", "2"):
        mdd.add_argument(f"--n{g}", type=_number(f"--n{g}", percent=False), required=True)
        mdd.add_argument(f"--population{g}", type=_population(f"--population{g}"), default=None)
    mdd.add_argument("--baseline", type=_number("--baseline"), required=True, help="p2")
    mdd.add_argument("--power", type=_number("--power"), default=0.8, help="default 0.8")
    mdd.add_argument("--direction", default=None, help="increase (default) or decrease")
    _add_common(mdd)
    mdd.add_argument("--method", default="pooled", help="pooled (default) or arcsine")
    mdd.add_argument("--strict", action="store_true", help="count both tails (two-sided)")

    ss = sub.add_parser("sample-size", help="cases per round to detect a change")
    ss.add_argument("--p1", type=_number("--p1"), required=True, help="current rate")
    ss.add_argument("--p2", type=_number("--p2"), required=True, help="previous rate")
    ss.add_argument("--power", type=_number("--power"), default=0.8, help="default 0.8")
    ss.add_argument("--population", type=_population("--population"), default=None)
    _add_common(ss)
    ss.add_argument("--method", default="pooled", help="pooled (default) or arcsine")
    ss.add_argument("--strict", action="store_true", help="count both tails (two-sided)")
    return parser


def _emit(record: dict[str, Any], text: str, as_json: bool) -> None:
    print(json.dumps(to_builtin(record), indent=2) if as_json else text)


def _group_count(args: argparse.Namespace, g: str) -> float:
    x, p, n = getattr(args, f"x{g}"), getattr(args, f"p{g}"), getattr(args, f"n{g}")
    if x is not None and p is not None:
        raise UsageError(f"give --x{g} (a count) or --p{g} (a percentage), not both")
    if x is not None:
        return float(x)
    if p is None:
        raise UsageError(f"group {g} needs --x{g} (a count) or --p{g} (a percentage such as 74%)")
    from ._percentages import counts_from_percentage

    try:
        return float(counts_from_percentage(_published_percentage(f"--p{g}", p), n).count)
    except ValueError as exc:
        raise UsageError(f"--p{g}: {flag_message(exc)}") from None


def run_ztest(args: argparse.Namespace) -> None:
    """``ztest``: the two-sample test from counts or published percentages."""
    from ._ztest import ztest

    x1, x2 = _group_count(args, "1"), _group_count(args, "2")
    result = ztest(
        x1,
        args.n1,
        x2,
        args.n2,
        alpha=args.alpha,
        alternative=args.alternative,
        pooled=not args.unpooled,
        continuity=args.continuity,
        population_size1=args.population1,
        population_size2=args.population2,
        exact=args.exact,
        interval=args.interval,
    )
    if args.p1 is not None or args.p2 is not None:
        note = "; counts from published percentages (rounded half up)"
        result = dataclasses.replace(result, method=result.method + note)
    _emit(result.to_dict(), str(result), args.json)


def run_power(args: argparse.Namespace) -> None:
    """``power``: the z-test's power for two true rates."""
    from ._power import power

    value = power(
        args.n1,
        args.n2,
        args.p1,
        args.p2,
        alpha=args.alpha,
        alternative=args.alternative,
        method=args.method,
        strict=args.strict,
        population_size1=args.population1,
        population_size2=args.population2,
    )
    record = {
        "power": value,
        "n1": int(args.n1),
        "n2": int(args.n2),
        "p1": args.p1,
        "p2": args.p2,
        "alpha": args.alpha,
        "alternative": args.alternative,
        "method": args.method,
        "population_size1": args.population1,
        "population_size2": args.population2,
    }
    text = (
        f"Power {value:.4f} to detect {100 * args.p2:.1f}% -> {100 * args.p1:.1f}% with "
        f"{int(args.n1)} and {int(args.n2)} cases at alpha = {args.alpha:g} "
        f"({args.alternative}, {args.method} method)."
    )
    _emit(record, text, args.json)


def run_mdd(args: argparse.Namespace) -> None:
    """``mdd``: the minimum detectable difference from a baseline."""
    from ._detectable import minimum_detectable_difference

    result = minimum_detectable_difference(
        args.n1,
        args.n2,
        args.baseline,
        alpha=args.alpha,
        power=args.power,
        alternative=args.alternative,
        direction=args.direction,
        method=args.method,
        strict=args.strict,
        population_size1=args.population1,
        population_size2=args.population2,
    )
    _emit(result.to_dict(), str(result), args.json)


def run_sample_size(args: argparse.Namespace) -> None:
    """``sample-size``: cases per round for a target power."""
    from ._power import sample_size_per_group

    result = sample_size_per_group(
        args.p1,
        args.p2,
        power=args.power,
        alpha=args.alpha,
        alternative=args.alternative,
        method=args.method,
        strict=args.strict,
        population_size=args.population,
    )
    _emit(result.to_dict(), str(result), args.json)


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "ztest": run_ztest,
    "power": run_power,
    "mdd": run_mdd,
    "sample-size": run_sample_size,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"error: {flag_message(exc)}", file=sys.stderr)
        return 2
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    return 0
