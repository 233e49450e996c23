"""Command line: ``python -m sampling size|margin|implied|published|plan|allocate|draw``.

A thin layer over the public API: parse arguments, call one public function, print. Each
option's ``dest`` is the API parameter it sets and its default is read from the function's
signature, so ``--help`` shows the real defaults and a library error names the flag
(:mod:`inspection_core.cli`). Nothing here imports pandas, statsmodels or matplotlib at start-up,
so ``python -m sampling size`` answers quickly.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from inspection_core.cli import (
    LazyParser,
    OneLineParser,
    default_of,
    parse_number,
    parse_population,
    run_command,
)
from inspection_core.result import to_builtin
from inspection_core.tables import text_table

from ._cli_check import COMMANDS as CHECK_COMMANDS
from ._cli_check import add_check_commands
from ._cli_frames import COMMANDS as FRAME_COMMANDS
from ._cli_frames import add_commands
from ._sizes import implied_population, margin_of_error, sample_size

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

PROG = "python -m sampling"
METHODS = "normal, wilson or exact"


def _fraction(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        return parse_number(flag, text, percent=True)

    return parse


def _number(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        return parse_number(flag, text)

    return parse


def _population(flag: str) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        return parse_population(flag, text)

    return parse


def _add_rule(
    parser: argparse.ArgumentParser, function: Callable[..., Any], *, margin: bool = True
) -> None:
    confidence = default_of(function, "confidence_level")
    parser.add_argument(
        "--confidence",
        dest="confidence_level",
        type=_fraction("--confidence"),
        default=confidence,
        help=f"two-sided confidence level as a fraction or percentage (default {confidence})",
    )
    if margin:
        target = default_of(function, "margin_of_error")
        parser.add_argument(
            "--margin",
            dest="margin_of_error",
            type=_fraction("--margin"),
            default=target,
            help=f"target margin of error as a fraction (default {target}, i.e. +/-5 points)",
        )
    expected = default_of(function, "proportion")
    parser.add_argument(
        "--proportion",
        type=_fraction("--proportion"),
        default=expected,
        help=f"expected proportion (default {expected}, the worst case)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``python -m sampling``.

    Each command's options are added when that command is used (:class:`LazyParser`), so
    ``size`` imports neither the case-list modules nor pandas.
    """
    parser = OneLineParser(
        prog=PROG, description="Sample sizes, margins of error and stratified case samples."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=LazyParser)
    sub.add_parser("size", help="cases needed for a margin of error", populate=_size_options)
    sub.add_parser("margin", help="margin of error of n cases", populate=_margin_options)
    sub.add_parser(
        "implied", help="population implied by a published sample size", populate=_implied_options
    )
    sub.add_parser(
        "published", help="the published inspections' samples and the populations they imply",
        populate=_published_options,
    )  # fmt: skip
    sub.add_parser(
        "plan", help="planning table: n by population size and confidence", populate=_plan_options
    )
    add_commands(sub)
    add_check_commands(sub)
    return parser


def _size_options(size: argparse.ArgumentParser) -> None:
    size.add_argument(
        "--population",
        dest="population_size",
        type=_population("--population"),
        nargs="+",
        default=[default_of(sample_size, "population_size")],
        help="eligible population size(s); omit or 'inf' for an infinite population",
    )
    _add_rule(size, sample_size)
    size.add_argument(
        "--method",
        default=default_of(sample_size, "method"),
        help=f"{METHODS} (default {default_of(sample_size, 'method')})",
    )
    size.add_argument(
        "--design-effect",
        type=_number("--design-effect"),
        default=default_of(sample_size, "design_effect"),
        help="design effect multiplying n0 (normal method only; "
        f"default {default_of(sample_size, 'design_effect')})",
    )


def _margin_options(margin: argparse.ArgumentParser) -> None:
    margin.add_argument("--n", type=_number("--n"), nargs="+", required=True, help="cases")
    margin.add_argument(
        "--population",
        dest="population_size",
        type=_population("--population"),
        default=None,
        help="population the n came from (default: infinite)",
    )
    _add_rule(margin, margin_of_error, margin=False)
    margin.add_argument(
        "--method",
        default=default_of(margin_of_error, "method"),
        help=f"{METHODS} (default {default_of(margin_of_error, 'method')})",
    )


def _implied_options(implied: argparse.ArgumentParser) -> None:
    implied.add_argument("--n", type=_number("--n"), nargs="+", required=True, help="sizes")
    _add_rule(implied, implied_population)


def _published_options(published: argparse.ArgumentParser) -> None:
    from ._published import published_samples

    published.add_argument(
        "path", nargs="?", metavar="FILE", help="CSV with provider, year and sample columns"
    )
    _add_rule(published, published_samples)


def _plan_options(plan: argparse.ArgumentParser) -> None:
    from ._planning import planning_table

    plan.add_argument(
        "--population",
        dest="population_sizes",
        type=_population("--population"),
        nargs="+",
        default=None,
        help="population sizes (default: a standard list)",
    )
    plan.add_argument(
        "--confidence",
        dest="confidence_levels",
        type=_fraction("--confidence"),
        nargs="+",
        default=list(default_of(planning_table, "confidence_levels")),
        help="confidence levels (default "
        + " ".join(f"{c:.2f}" for c in default_of(planning_table, "confidence_levels"))
        + ")",
    )
    plan.add_argument(
        "--margin",
        dest="margin_of_error",
        type=_fraction("--margin"),
        default=default_of(planning_table, "margin_of_error"),
    )
    plan.add_argument(
        "--proportion",
        type=_fraction("--proportion"),
        default=default_of(planning_table, "proportion"),
    )
    plan.add_argument("--method", default=default_of(planning_table, "method"), help=METHODS)


def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def _print_json(records: list[dict[str, Any]]) -> None:
    import json

    print(json.dumps(to_builtin(records[0] if len(records) == 1 else records), indent=2))


def run_size(args: argparse.Namespace) -> None:
    """``size``: one result per population."""
    results = [
        sample_size(
            pop,
            margin_of_error=args.margin_of_error,
            confidence_level=args.confidence_level,
            proportion=args.proportion,
            method=args.method,
            design_effect=args.design_effect,
        )
        for pop in args.population_size
    ]
    if args.json:
        _print_json([r.to_dict() for r in results])
        return
    if len(results) == 1:
        r = results[0]
        print(r.summary())
        stage = "" if args.method != "normal" else f", before rounding {r.n_unrounded:.2f}"
        print(f"  n0 (infinite population) {r.n0:.2f}{stage}, z = {r.z:.4f}")
        return
    first = results[0]
    print(
        f"Cases for +/-{_pct(first.margin_of_error)} points at {_pct(first.confidence_level)}% "
        f"confidence, proportion {first.proportion:g} ({first.method} method):"
    )
    rows = [
        [
            "infinite" if r.population_size is None else r.population_size,
            r.n,
            f"{r.n0:.2f}",
            "" if args.method != "normal" else f"{r.n_unrounded:.2f}",
            _pct(r.achieved_margin),
        ]
        for r in results
    ]
    header = ["population", "n", "n0", "before rounding", "achieved margin (points)"]
    print(text_table(header, rows))


def _whole_or_none(value: float | None) -> float | int | None:
    return int(value) if value is not None and float(value).is_integer() else value


def run_margin(args: argparse.Namespace) -> None:
    """``margin``: one row per n."""
    records = [
        {
            "n": int(n) if float(n).is_integer() else n,
            "population_size": _whole_or_none(args.population_size),
            "confidence_level": args.confidence_level,
            "proportion": args.proportion,
            "method": args.method,
            "margin_of_error": margin_of_error(
                n,
                args.population_size,
                confidence_level=args.confidence_level,
                proportion=args.proportion,
                method=args.method,
            ),
        }
        for n in args.n
    ]
    if args.json:
        _print_json(records)
        return
    for rec in records:
        big_n = rec["population_size"]
        pop = "an infinite population" if big_n is None else f"{big_n:g}"
        print(
            f"{rec['n']} cases from {pop}: margin of error +/-{_pct(rec['margin_of_error'])} "
            f"points at {_pct(rec['confidence_level'])}% confidence (proportion "
            f"{rec['proportion']:g}, {rec['method']} method)."
        )


def run_implied(args: argparse.Namespace) -> None:
    """``implied``: populations that give each published n."""
    results = [
        implied_population(
            int(n) if float(n).is_integer() else n,
            margin_of_error=args.margin_of_error,
            confidence_level=args.confidence_level,
            proportion=args.proportion,
        )
        for n in args.n
    ]
    if args.json:
        _print_json([{**r.to_dict(), "summary": r.summary()} for r in results])
        return
    for r in results:
        print(r.summary())


def run_published(args: argparse.Namespace) -> None:
    """``published``: each inspection's sample, its implied population and the rule's n there."""
    from ._published import published_samples

    table = published_samples(
        args.path,
        margin_of_error=args.margin_of_error,
        confidence_level=args.confidence_level,
        proportion=args.proportion,
    )
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    if args.json:
        import json

        print(json.dumps(to_builtin(records), indent=2))
        return
    print(
        f"Published case-supervision samples and the eligible populations they imply under the "
        f"+/-{_pct(args.margin_of_error)} point, {_pct(args.confidence_level)}% rule (finite "
        "population correction):"
    )

    def blank(value: Any) -> Any:
        return "" if value is None else value

    rows = [
        [
            t["provider"],
            t["inspection_year"],
            t["n"],
            f"{t['implied_population']:.1f}",
            f"{t['smallest']}-{t['largest'] if t['largest'] is not None else 'inf'}",
            blank(t["rule_n_at_largest"]),
            "" if t["margin_at_largest"] is None else _pct(t["margin_at_largest"]),
            blank(t["caseload"]),
        ]
        for t in records
    ]
    header = ["provider", "year", "sample", "implied N", "N range", "rule n", "margin (points)"]
    print(text_table([*header, "caseload"], rows))
    print(
        "The whole caseloads are far larger than the implied populations: the eligible "
        "population is a window of cases, not the caseload."
    )


def run_plan(args: argparse.Namespace) -> None:
    """``plan``: the planning table, n by population (rows) and confidence level (columns)."""
    from ._planning import planning_rows

    rows = planning_rows(
        args.population_sizes,
        confidence_levels=args.confidence_levels,
        margin_of_error=args.margin_of_error,
        proportion=args.proportion,
        method=args.method,
    )
    print(
        f"Cases for +/-{_pct(args.margin_of_error)} points, proportion {args.proportion:g} "
        f"({args.method} method), by eligible population and confidence level:"
    )
    cells = [
        ["population", *(f"{100 * c:g}%" for c in args.confidence_levels)],
        *([("infinite" if p is None else str(p)), *map(str, ns)] for p, ns in rows),
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    for row in cells:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "size": run_size,
    "margin": run_margin,
    "implied": run_implied,
    "published": run_published,
    "plan": run_plan,
    **FRAME_COMMANDS,
    **CHECK_COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 bad input, 130 Ctrl-C)."""
    return run_command(build_parser(), COMMANDS, argv)
