"""Command line: ``python -m significance`` (z-tests, power, the comparison report, ratings).

A thin layer over the public API: parse, call, print. Bad input is one line on stderr and exit
status 2, with no traceback and no output file; caveats (a small expected count, an ambiguous
percentage) are printed as ``warning:`` lines on stderr. ``ztest``, ``power``, ``mdd`` and
``sample-size`` with plain numbers import neither numpy nor scipy (the library's pure-Python
path); ``compare`` imports pandas (and matplotlib for ``--plot``) only when it is chosen. Each
command's options are added on first use (:class:`~inspection_core.cli.LazyParser`), since
their defaults and choices come from the modules that command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from inspection_core.cli import (
    LazyParser,
    OneLineParser,
    UsageError,
    default_of,
    parse_number,
    parse_population,
    run_command,
)
from inspection_core.errors import render_error
from inspection_core.result import to_builtin

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

PROG = "python -m significance"


def _number(flag: str, *, percent: bool = True) -> Callable[[str], float]:
    def parse(text: str) -> float:
        return parse_number(flag, text, percent=percent)

    return parse


def _population(flag: str) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        return parse_population(flag, text)

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


def _keys(table: Any) -> str:
    """``'a, b or c'`` from a dispatch table's keys (help text built from the code)."""
    keys = list(table)
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}"


def _add_common(parser: argparse.ArgumentParser, function: Callable[..., Any]) -> None:
    alpha = default_of(function, "alpha")
    alternative = default_of(function, "alternative")
    parser.add_argument("--alpha", type=_number("--alpha"), default=alpha, help=f"default {alpha}")
    parser.add_argument(
        "--alternative",
        default=alternative,
        help=f"two-sided, greater or less (default {alternative})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``python -m significance``.

    Each command's options are added when that command is used (:class:`LazyParser`), so a
    command imports only the modules its own defaults and choices come from.
    """
    parser = OneLineParser(
        prog=PROG, description="Z-tests, power and detectable change for inspection findings."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=LazyParser)
    sub.add_parser(
        "ztest", help="two-sample z-test of a change between rounds or groups",
        populate=_ztest_options,
    )  # fmt: skip
    sub.add_parser("power", help="power of the z-test", populate=_power_options)
    sub.add_parser(
        "mdd", help="minimum detectable difference from a baseline", populate=_mdd_options
    )
    sub.add_parser("sample-size", help="cases per round to detect a change", populate=_size_options)
    add_report_commands(sub)
    add_findings_command(sub)
    return parser


def _ztest_options(z: argparse.ArgumentParser) -> None:
    from ._exact import EXACT_TESTS
    from ._intervals import INTERVALS
    from ._ztest import ztest

    for g in ("1", "2"):
        z.add_argument(f"--x{g}", type=_number(f"--x{g}", percent=False), help="count")
        z.add_argument(
            f"--n{g}", type=_number(f"--n{g}", percent=False), required=True, help="cases"
        )
        z.add_argument(f"--p{g}", help="published percentage instead of a count, e.g. 74%%")
        z.add_argument(
            f"--population{g}",
            dest=f"population_size{g}",
            type=_population(f"--population{g}"),
            default=None,
        )
    _add_common(z, ztest)
    z.add_argument("--unpooled", action="store_true", help="unpooled standard error")
    z.add_argument("--continuity", action="store_true", help="continuity correction")
    z.add_argument("--exact", default=None, help=f"p-value from {_keys(EXACT_TESTS)}")
    z.add_argument(
        "--interval",
        default=default_of(ztest, "interval"),
        help=f"{_keys(INTERVALS)} (default {default_of(ztest, 'interval')})",
    )


def _power_options(pw: argparse.ArgumentParser) -> None:
    from ._power import POWER_METHODS, power

    for g in ("1", "2"):
        pw.add_argument(f"--n{g}", type=_number(f"--n{g}", percent=False), required=True)
        pw.add_argument(f"--p{g}", type=_number(f"--p{g}"), required=True, help="true rate")
        pw.add_argument(
            f"--population{g}",
            dest=f"population_size{g}",
            type=_population(f"--population{g}"),
            default=None,
        )
    _add_common(pw, power)
    pw.add_argument("--method", default="pooled", help=f"{_keys(POWER_METHODS)} (default pooled)")
    pw.add_argument("--strict", action="store_true", help="count both tails (two-sided)")


def _mdd_options(mdd: argparse.ArgumentParser) -> None:
    from ._detectable import minimum_detectable_difference
    from ._power import POWER_METHODS

    for g in ("1", "2"):
        mdd.add_argument(f"--n{g}", type=_number(f"--n{g}", percent=False), required=True)
        mdd.add_argument(
            f"--population{g}",
            dest=f"population_size{g}",
            type=_population(f"--population{g}"),
            default=None,
        )
    mdd.add_argument("--baseline", type=_number("--baseline"), required=True, help="p2")
    mdd.add_argument(
        "--power",
        type=_number("--power"),
        default=default_of(minimum_detectable_difference, "power"),
        help=f"default {default_of(minimum_detectable_difference, 'power')}",
    )
    mdd.add_argument("--direction", default=None, help="increase (default) or decrease")
    _add_common(mdd, minimum_detectable_difference)
    mdd.add_argument("--method", default="pooled", help=f"{_keys(POWER_METHODS)} (default pooled)")
    mdd.add_argument("--strict", action="store_true", help="count both tails (two-sided)")


def _size_options(ss: argparse.ArgumentParser) -> None:
    from ._group_size import sample_size_per_group
    from ._power import POWER_METHODS

    ss.add_argument("--p1", type=_number("--p1"), required=True, help="current rate")
    ss.add_argument("--p2", type=_number("--p2"), required=True, help="previous rate")
    ss.add_argument(
        "--power",
        type=_number("--power"),
        default=default_of(sample_size_per_group, "power"),
        help=f"default {default_of(sample_size_per_group, 'power')}",
    )
    ss.add_argument(
        "--population", dest="population_size", type=_population("--population"), default=None
    )
    _add_common(ss, sample_size_per_group)
    ss.add_argument("--method", default="pooled", help=f"{_keys(POWER_METHODS)} (default pooled)")
    ss.add_argument("--strict", action="store_true", help="count both tails (two-sided)")


def add_findings_command(sub: Any) -> None:
    """The ``findings`` subcommand (its options, and its handler's pandas, added on first use)."""
    sub.add_parser(
        "findings", help="key-question findings from inspectors' case answers",
        populate=_findings_options,
    )  # fmt: skip


def _findings_options(f: argparse.ArgumentParser) -> None:
    from .findings._findings import case_findings  # light: no pandas until it is called

    level, alpha = default_of(case_findings, "confidence_level"), default_of(case_findings, "alpha")
    f.add_argument("results", metavar="RESULTS", help="case-level results: CSV, Excel or Parquet")
    f.add_argument("--sample", required=True, metavar="DRAW_DIR", help="the draw's folder")
    f.add_argument("--catalogue", default=None, help="key-question catalogue (default: CRC)")
    f.add_argument(
        "--confidence", dest="confidence_level", type=_number("--confidence"), default=level,
        help=f"confidence level of margins and intervals (default {level})",
    )  # fmt: skip
    f.add_argument("--alpha", type=_number("--alpha"), default=alpha, help=f"default {alpha}")
    f.add_argument(
        "--group", dest="groups", action="append", default=None, metavar="COLUMN",
        help="split by this sample or results column (repeat; default gender and disposal)",
    )  # fmt: skip
    f.add_argument(
        "--standard-rating", dest="standard_ratings", action="append", default=[],
        metavar="STANDARD=RATING", help="a rating from elsewhere, e.g. 1.1=Good",
    )  # fmt: skip
    f.add_argument("--previous", default=None, help="previous round: findings or percentages")
    f.add_argument(
        "--previous-n", type=_number("--previous-n", percent=False), default=None,
        help="previous-round n to assume where --previous has none",
    )  # fmt: skip
    f.add_argument("--sheet", default=None, help="the results workbook's sheet")
    f.add_argument("--out", default=None, help="findings file: .xlsx, .md, .html or .csv")
    f.add_argument("--plot", default=None, help="chart of the key questions: .png or .svg")
    f.add_argument("--force", action="store_true", help="replace existing output files")
    f.add_argument("--json", action="store_true", help="print JSON instead of text")


def run_findings(args: argparse.Namespace) -> None:
    """``findings``: case answers and the draw to the published figures."""
    from .findings._command import run

    run(args)


def _compare_options(cmp: argparse.ArgumentParser) -> None:
    """``compare``'s options: each ``dest`` is :func:`compare_rounds`' parameter name."""
    from .report import ROUND_TESTS, compare_rounds

    def default(name: str) -> Any:
        return default_of(compare_rounds, name)

    cmp.add_argument("table", help="CSV, Excel (.xlsx) or Parquet table, one row per key question")
    cmp.add_argument(
        "--alpha", type=_number("--alpha"), default=default("alpha"),
        help=f"default {default('alpha')}",
    )  # fmt: skip
    cmp.add_argument(
        "--previous-n", dest="previous_n", type=_number("--previous-n", percent=False),
        default=default("previous_n"),
        help="previous-round n to assume where the table has none (stated in the report)",
    )  # fmt: skip
    cmp.add_argument(
        "--comparator-n", dest="comparator_n", type=_number("--comparator-n", percent=False),
        default=default("comparator_n"),
        help="comparator n to assume (without one: a one-sample test against its rate)",
    )  # fmt: skip
    cmp.add_argument(
        "--column", dest="columns", action="append", default=default("columns"),
        metavar="NAME=ACTUAL",
        help="the table's name for a report column, e.g. comparator_pct=all_crcs_pct",
    )  # fmt: skip
    cmp.add_argument("--sheet", default=default("sheet"), help="Excel sheet (default: the first)")
    tests = list(ROUND_TESTS)
    cmp.add_argument(
        "--test", dest="test", choices=tests, default=default("test"),
        help=f"the test of each change: {', '.join(tests)} (default {default('test')})",
    )  # fmt: skip
    cmp.add_argument(
        "--standard-rating", dest="standard_ratings", action="append",
        default=default("standard_ratings"), metavar="STANDARD=RATING",
        help="a standard's rating from elsewhere, e.g. 1.1=Good (all ten give the provider rating)",
    )  # fmt: skip
    cmp.add_argument(
        "--comparator-includes-provider", dest="comparator_includes_provider",
        action=argparse.BooleanOptionalAction, default=default("comparator_includes_provider"),
        help="whether the comparator's cases include this provider's (default: they do; they "
        "are taken out, or without the comparator's n both ends are reported)",
    )  # fmt: skip
    cmp.add_argument(
        "--max-provider-share", dest="max_provider_share", type=_number("--max-provider-share"),
        default=default("max_provider_share"),
        help="without the comparator's n: the largest share of its cases that may be this "
        f"provider's (default {default('max_provider_share')})",
    )  # fmt: skip
    cmp.add_argument(
        "--unrounded", dest="band_basis", action="store_const", const="unrounded",
        default=default("band_basis"), help="band the unrounded x / n",
    )  # fmt: skip
    cmp.add_argument("--out", default=None, help="write the report: .csv, .xlsx, .md or .html")
    cmp.add_argument("--plot", default=None, help="write a dumbbell chart: .png or .svg")
    cmp.add_argument("--force", action="store_true", help="replace existing output files")
    cmp.add_argument("--json", action="store_true", help="print JSON instead of text")


def add_report_commands(sub: Any) -> None:
    """The ``compare``, ``rating`` and ``provider-rating`` subcommands."""
    sub.add_parser(
        "compare", help="round-on-round comparison report of key questions",
        populate=_compare_options,
    )  # fmt: skip

    sub.add_parser(
        "rating", help="rating band of a key question's percentage", populate=_rating_options
    )
    sub.add_parser(
        "provider-rating", help="provider rating from ten standard ratings",
        populate=_provider_options,
    )  # fmt: skip


def _rating_options(rating: argparse.ArgumentParser) -> None:
    rating.add_argument("percentage", help="e.g. 64 or 64%%")
    rating.add_argument(
        "--unrounded", action="store_true", help="band the exact value (default: as published)"
    )
    rating.add_argument("--json", action="store_true", help="print JSON instead of text")


def _provider_options(provider: argparse.ArgumentParser) -> None:
    provider.add_argument(
        "ratings", nargs="*", help="ten ratings, 1.1 to 4.2 (Good, RI or requires-improvement, ...)"
    )
    provider.add_argument("--json", action="store_true", help="print JSON instead of text")


def _emit(record: dict[str, Any], text: str, as_json: bool) -> None:
    if as_json:
        import json

        print(json.dumps(to_builtin(record), indent=2))
    else:
        print(text)


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
        flags = {"n": f"--n{g}"}
        raise UsageError(f"--p{g}: {render_error(exc, lambda p: flags.get(p, p))}") from None


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
        population_size1=args.population_size1,
        population_size2=args.population_size2,
        exact=args.exact,
        interval=args.interval,
    )
    if args.p1 is not None or args.p2 is not None:
        import dataclasses

        note = "; counts from published percentages (rounded half up)"
        result = dataclasses.replace(result, method=result.method + note)
    record = {**result.to_dict(), "confidence_interval": list(result.confidence_interval())}
    _emit(record, str(result), args.json)


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
        population_size1=args.population_size1,
        population_size2=args.population_size2,
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
        "population_size1": args.population_size1,
        "population_size2": args.population_size2,
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
        population_size1=args.population_size1,
        population_size2=args.population_size2,
    )
    _emit(result.to_dict(), str(result), args.json)


def run_sample_size(args: argparse.Namespace) -> None:
    """``sample-size``: cases per round for a target power."""
    from ._group_size import sample_size_per_group

    result = sample_size_per_group(
        args.p1,
        args.p2,
        power=args.power,
        alpha=args.alpha,
        alternative=args.alternative,
        method=args.method,
        strict=args.strict,
        population_size=args.population_size,
    )
    _emit(result.to_dict(), str(result), args.json)


def _pairs(flag: str, items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            example = "comparator_pct=all_crcs_pct" if flag == "--column" else "1.1=Good"
            raise UsageError(f"{flag} must be NAME=VALUE, e.g. {example}; got {item!r}")
        out[name.strip()] = value.strip()
    return out


def _output_path(flag: str, text: str | None, suffixes: Sequence[str], force: bool) -> Any:
    from pathlib import Path

    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{flag} must end in {', '.join(suffixes)}; got {text!r}")
    if path.exists() and not force:
        raise UsageError(f"{flag} {text!r} already exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise UsageError(f"{flag}: folder does not exist: {str(path.parent)!r}")
    return path


def run_compare(args: argparse.Namespace) -> None:
    """``compare``: the round-on-round report, printed and optionally written."""
    from pathlib import Path

    out = _output_path("--out", args.out, (".csv", ".xlsx", ".md", ".html"), args.force)
    plot = _output_path("--plot", args.plot, (".png", ".svg"), args.force)
    source = Path(args.table).resolve()
    for flag, path in (("--out", out), ("--plot", plot)):
        if path is not None and path.resolve() == source:
            raise UsageError(f"{flag} would overwrite the input table {args.table!r}")
    if out is not None and plot is not None and out.resolve() == plot.resolve():
        raise UsageError("--out and --plot must be different files")
    columns = _pairs("--column", args.columns or [])
    ratings = _pairs("--standard-rating", args.standard_ratings or [])

    from .report import compare_rounds, plot_comparison

    report = compare_rounds(
        args.table,
        alpha=args.alpha,
        previous_n=args.previous_n,
        comparator_n=args.comparator_n,
        columns=columns or None,
        sheet=args.sheet,
        test=args.test,
        comparator_includes_provider=args.comparator_includes_provider,
        max_provider_share=args.max_provider_share,
        band_basis=args.band_basis,
        standard_ratings=ratings or None,
    )
    figure = None if plot is None else plot_comparison(report)
    written = []
    try:
        from inspection_core.files import staged_files

        # Every destination gets its temporary file first: an unwritable --plot is found before
        # --out is written, and either both files are put in place or neither.
        with staged_files([out, plot]) as temps:
            if out is not None:
                report.write(temps[out], overwrite=True)
                written.append(str(out))
            if figure is not None:
                fmt = plot.suffix.lower().lstrip(".")
                figure.savefig(temps[plot], format=fmt, dpi=150)
                written.append(str(plot))
    except OSError as exc:
        where = f"cannot write {exc.filename}: " if exc.filename else ""
        raise UsageError(f"{where}{exc.strerror or exc}") from None
    if args.json:
        _emit({**report.to_dict(), "written": written}, "", True)
        return
    print(report)
    if written:
        print(f"\nWrote {' and '.join(written)}")


def _percentage_arg(text: str) -> float:
    raw = text.strip()
    return parse_number("percentage", raw[:-1] if raw.endswith("%") else raw)


def run_rating(args: argparse.Namespace) -> None:
    """``rating``: the band of a percentage, and whether it is near a band edge."""
    from ._ratings import boundary_flags, rating_band

    value = _percentage_arg(args.percentage)
    basis = "unrounded" if args.unrounded else "published"
    band = rating_band(value, basis=basis)
    reasons, others = boundary_flags(value, basis=basis)
    options = [band, *(o for o in others if o != band)]
    record = {
        "percentage": value,
        "basis": basis,
        "band": band,
        "near_boundary": bool(reasons),
        "reasons": list(reasons),
        "panel_options": options,
    }
    how = (
        "the unrounded value"
        if args.unrounded
        else "the published whole percentage, rounded half up"
    )
    text = f"{value:g}% is {band} (banded on {how})."
    if reasons:
        text += (
            f" Near a band edge ({'; '.join(reasons)}): a panel may consider "
            + " or ".join(options)
            + "."
        )
    _emit(record, text, args.json)


def _rating_words(words: Sequence[str]) -> list[str]:
    """Join ``Requires improvement`` typed unquoted; ``RI`` means Requires improvement."""
    out: list[str] = []
    for word in words:
        if word.strip().lower() == "improvement" and out and out[-1].strip().lower() == "requires":
            out[-1] = "Requires improvement"
        elif word.strip().lower() == "ri":
            out.append("Requires improvement")
        else:
            out.append(word)
    return out


def run_provider_rating(args: argparse.Namespace) -> None:
    """``provider-rating``: the score and rating from ten standard ratings."""
    from ._ratings import RATINGS, STANDARD_NAMES, STANDARDS, provider_rating

    ratings = _rating_words(args.ratings)
    result = provider_rating(ratings)
    lines = [result.summary()]
    canonical = []
    for code, score in zip(STANDARDS, result.scores, strict=True):
        name = RATINGS[score]
        canonical.append(name)
        lines.append(f"  {code} {STANDARD_NAMES[code]:<28} {name:<21} {score}")
    record = {**result.to_dict(), "standards": dict(zip(STANDARDS, canonical, strict=True))}
    _emit(record, "\n".join(lines), args.json)


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "ztest": run_ztest,
    "power": run_power,
    "mdd": run_mdd,
    "sample-size": run_sample_size,
    "compare": run_compare,
    "rating": run_rating,
    "provider-rating": run_provider_rating,
    "findings": run_findings,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 bad input, 130 Ctrl-C)."""
    return run_command(build_parser(), COMMANDS, argv)
