"""Command line: ``python -m sampling size|margin|implied|published|plan``.

A thin layer over the public API: parse arguments, call the library, print. Bad input is one
line on stderr and exit status 2. Nothing here imports pandas, statsmodels or matplotlib at
start-up, so ``python -m sampling size`` answers quickly.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any, NoReturn

from ._cli_check import COMMANDS as CHECK_COMMANDS
from ._cli_frames import COMMANDS as FRAME_COMMANDS
from ._result import to_builtin

PROG = "python -m sampling"

# API argument names as the command line spells them, so messages name the flag the user typed.
FLAG_NAMES = {
    "population_size": "--population",
    "margin_of_error": "--margin",
    "confidence_level": "--confidence",
    "proportion": "--proportion",
    "design_effect": "--design-effect",
    "method": "--method",
    "n": "--n",
}


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block) and exit with status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


_QUOTED = re.compile(r"""('[^']*'|"[^"]*")""")


def outside_quotes(text: str, rewrite: Callable[[str], str]) -> str:
    """Apply ``rewrite`` only to the parts of ``text`` outside quoted values.

    Quoted parts are what the user typed (``got 'exact'``) and must be echoed unchanged.

    Examples
    --------
    >>> outside_quotes("method must be 'exact'; got 'n'", str.upper)
    "METHOD MUST BE 'exact'; GOT 'n'"
    """
    parts = _QUOTED.split(text)
    return "".join(part if i % 2 else rewrite(part) for i, part in enumerate(parts))


def cli_message(exc: Exception) -> str:
    """Rewrite a library message so that it names the command-line flag."""

    def rename(part: str) -> str:
        for api, flag in FLAG_NAMES.items():
            if part.startswith(api + " "):
                part = flag + part[len(api) :]
            elif len(api) > 1:
                part = re.sub(rf"\b{api}\b", flag, part)
        return part

    return outside_quotes(str(exc), rename)


def parse_number(flag: str, text: str, *, percent: bool = False) -> float:
    """Parse a number; ``80%`` means 0.80 where ``percent`` is allowed."""
    raw = text.strip()
    scale = 1.0
    if percent and raw.endswith("%"):
        raw, scale = raw[:-1], 0.01
    try:
        return float(raw) * scale
    except ValueError:
        valid = "a number (or a percentage such as 80%)" if percent else "a number"
        raise UsageError(f"{flag} must be {valid}; got {text!r}") from None


def parse_population(text: str) -> float | None:
    """A population size, or ``inf``/``none`` for an infinite population."""
    if text.strip().lower() in {"inf", "infinite", "none"}:
        return None
    return parse_number("--population", text)


def _fraction(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        return parse_number(flag, text, percent=True)

    return parse


def _integer(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        return parse_number(flag, text)

    return parse


def _add_rule(parser: argparse.ArgumentParser, *, margin: bool = True) -> None:
    parser.add_argument(
        "--confidence",
        type=_fraction("--confidence"),
        default=0.80,
        help="two-sided confidence level as a fraction or percentage (default 0.80)",
    )
    if margin:
        parser.add_argument(
            "--margin",
            type=_fraction("--margin"),
            default=0.05,
            help="target margin of error as a fraction (default 0.05, i.e. +/-5 points)",
        )
    parser.add_argument(
        "--proportion",
        type=_fraction("--proportion"),
        default=0.5,
        help="expected proportion (default 0.5, the worst case)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``python -m sampling``."""
    parser = OneLineParser(
        prog=PROG, description="Sample sizes and margins of error for inspections."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    size = sub.add_parser("size", help="cases needed for a margin of error")
    size.add_argument(
        "--population",
        type=parse_population,
        nargs="+",
        default=[None],
        help="eligible population size(s); omit or 'inf' for an infinite population",
    )
    _add_rule(size)
    size.add_argument("--method", default="normal", help="normal (default), wilson or exact")
    size.add_argument(
        "--design-effect",
        type=_integer("--design-effect"),
        default=1.0,
        help="design effect multiplying n0 (normal method only; default 1)",
    )

    margin = sub.add_parser("margin", help="margin of error of n cases")
    margin.add_argument("--n", type=_integer("--n"), nargs="+", required=True, help="cases")
    margin.add_argument(
        "--population", type=parse_population, default=None, help="population the n came from"
    )
    _add_rule(margin, margin=False)
    margin.add_argument("--method", default="normal", help="normal (default), wilson or exact")

    implied = sub.add_parser("implied", help="population implied by a published sample size")
    implied.add_argument("--n", type=_integer("--n"), nargs="+", required=True, help="sizes")
    _add_rule(implied)

    published = sub.add_parser(
        "published", help="the published inspections' samples and the populations they imply"
    )
    published.add_argument("file", nargs="?", help="CSV with provider, year and sample columns")
    _add_rule(published)

    plan = sub.add_parser("plan", help="planning table: n by population size and confidence")
    plan.add_argument("--population", type=parse_population, nargs="+", default=None)
    plan.add_argument(
        "--confidence", type=_fraction("--confidence"), nargs="+", default=[0.80, 0.90, 0.95]
    )
    plan.add_argument("--margin", type=_fraction("--margin"), default=0.05)
    plan.add_argument("--proportion", type=_fraction("--proportion"), default=0.5)
    plan.add_argument("--method", default="normal")

    from ._cli_frames import add_commands

    add_commands(sub)
    from ._cli_check import add_check_commands

    add_check_commands(sub)
    return parser


def _pct(value: float) -> str:
    return f"{100 * value:.2f}"


def _size_record(result: Any) -> dict[str, Any]:
    d = result.to_dict()
    return {
        "n": d["n"],
        "n0": d["n0"],
        "n_unrounded": d["n_unrounded"],
        "population": d["population_size"],
        "confidence": d["confidence_level"],
        "margin": d["margin_of_error"],
        "proportion": d["proportion"],
        "method": d["method"],
        "design_effect": d["design_effect"],
        "z": d["z"],
        "achieved_margin": d["achieved_margin"],
    }


def _print_json(records: list[dict[str, Any]]) -> None:
    print(json.dumps(records[0] if len(records) == 1 else records, indent=2))


def _print_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    text = [[str(h) for h in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in text) for i in range(len(header))]
    for r in text:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def run_size(args: argparse.Namespace) -> None:
    """``size``: one result per population."""
    from ._sizes import sample_size

    results = [
        sample_size(
            pop,
            margin_of_error=args.margin,
            confidence_level=args.confidence,
            proportion=args.proportion,
            method=args.method,
            design_effect=args.design_effect,
        )
        for pop in args.population
    ]
    if args.json:
        _print_json([_size_record(r) for r in results])
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
    _print_table(
        ["population", "n", "n0", "before rounding", "achieved margin (points)"],
        [
            [
                "infinite" if r.population_size is None else r.population_size,
                r.n,
                f"{r.n0:.2f}",
                "" if args.method != "normal" else f"{r.n_unrounded:.2f}",
                _pct(r.achieved_margin),
            ]
            for r in results
        ],
    )


def run_margin(args: argparse.Namespace) -> None:
    """``margin``: one row per n."""
    from ._sizes import margin_of_error

    records = [
        {
            "n": int(n),
            "population": None if args.population is None else int(args.population),
            "confidence": args.confidence,
            "proportion": args.proportion,
            "method": args.method,
            "margin": margin_of_error(
                n,
                args.population,
                confidence_level=args.confidence,
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
        pop = "an infinite population" if rec["population"] is None else rec["population"]
        print(
            f"{rec['n']} cases from {pop}: margin of error +/-{_pct(rec['margin'])} points at "
            f"{_pct(rec['confidence'])}% confidence (proportion {rec['proportion']:g}, "
            f"{rec['method']} method)."
        )


def _implied_records(sizes: Sequence[float], args: argparse.Namespace) -> list[dict[str, Any]]:
    from ._sizes import implied_population

    out = []
    for n in sizes:
        r = implied_population(
            int(n) if float(n).is_integer() else n,  # type: ignore[arg-type]  # validated there
            margin_of_error=args.margin,
            confidence_level=args.confidence,
            proportion=args.proportion,
        )
        rec = to_builtin(r.to_dict())
        rec["summary"] = r.summary()
        out.append(rec)
    return out


def run_implied(args: argparse.Namespace) -> None:
    """``implied``: populations that give each published n."""
    records = _implied_records(args.n, args)
    if args.json:
        _print_json(records)
        return
    for rec in records:
        print(rec["summary"])


def _read_published(path: str | None) -> list[dict[str, str]]:
    if path is None:
        text = resources.files("sampling").joinpath("data/published_samples.csv").read_text()
        rows = list(csv.DictReader(text.splitlines()))
    else:
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    needed = {"provider", "inspection_year", "case_supervision_n"}
    if not rows or not needed <= set(rows[0]):
        have = ", ".join(rows[0]) if rows else "no rows"
        raise UsageError(
            f"{path or 'published_samples.csv'} needs columns {', '.join(sorted(needed))}; "
            f"found {have}"
        )
    return rows


def run_published(args: argparse.Namespace) -> None:
    """``published``: each inspection's sample, its implied population and the rule's n there."""
    from ._sizes import margin_of_error, sample_size

    rows = _read_published(args.file)
    sizes = [parse_number("case_supervision_n", r["case_supervision_n"]) for r in rows]
    implied = _implied_records(sizes, args)
    table = []
    for row, imp in zip(rows, implied, strict=True):
        largest = imp["largest"]
        check = (
            sample_size(
                largest,
                margin_of_error=args.margin,
                confidence_level=args.confidence,
                proportion=args.proportion,
            )
            if largest is not None
            else None
        )
        table.append(
            {
                "provider": row["provider"],
                "year": int(row["inspection_year"]),
                "sample": imp["n"],
                "implied_population": imp["population_size"],
                "smallest": imp["smallest"],
                "largest": largest,
                "rule_n_at_largest": None if check is None else check.n,
                "margin_at_largest": None
                if largest is None
                else margin_of_error(
                    imp["n"],
                    largest,
                    confidence_level=args.confidence,
                    proportion=args.proportion,
                ),
                "caseload": int(row["caseload"]) if row.get("caseload") else None,
            }
        )
    if args.json:
        print(json.dumps(table, indent=2))
        return
    print(
        f"Published case-supervision samples and the eligible populations they imply under the "
        f"+/-{_pct(args.margin)} point, {_pct(args.confidence)}% rule (finite population "
        "correction):"
    )
    _print_table(
        [
            "provider",
            "year",
            "sample",
            "implied N",
            "N range",
            "rule n",
            "margin (points)",
            "caseload",
        ],
        [
            [
                t["provider"],
                t["year"],
                t["sample"],
                "infinite" if t["implied_population"] is None else f"{t['implied_population']:.1f}",
                f"{t['smallest']}-{t['largest'] if t['largest'] is not None else 'inf'}",
                t["rule_n_at_largest"] if t["rule_n_at_largest"] is not None else "",
                "" if t["margin_at_largest"] is None else _pct(t["margin_at_largest"]),
                t["caseload"] or "",
            ]
            for t in table
        ],
    )
    print(
        "The whole caseloads are far larger than the implied populations: the eligible "
        "population is a window of cases, not the caseload."
    )


def run_plan(args: argparse.Namespace) -> None:
    """``plan``: the planning table (uses pandas)."""
    from ._planning import planning_table

    table = planning_table(
        args.population,
        confidence_levels=args.confidence,
        margin_of_error=args.margin,
        proportion=args.proportion,
        method=args.method,
    )
    print(table.to_string())


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "size": run_size,
    "margin": run_margin,
    "implied": run_implied,
    "published": run_published,
    "plan": run_plan,
}
COMMANDS.update(FRAME_COMMANDS)
COMMANDS.update(CHECK_COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 success, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"error: {cli_message(exc)}", file=sys.stderr)
        return 2
    return 0
