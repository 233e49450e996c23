"""Command line for messy case lists: ``check``, ``vocab`` and the reading flags of ``draw``.

Registered by :mod:`sampling._cli` with one line each. ``check`` prints one line per problem
(``error:`` blocks a draw, ``warning:`` does not, ``note:`` is for information) and one summary
line; when anything blocks a draw the summary is an ``error:`` line on stderr and the exit
status 2. ``allocate`` and ``draw`` read through
:func:`read_for_cli`, which reports every blocking problem at once on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from ._caselist import CaseList

__all__ = [
    "COMMANDS",
    "add_check_commands",
    "add_reading_flags",
    "read_for_cli",
    "reading_flags_given",
]

_FLAGS = (
    ("--sheet", "sheet"),
    ("--header-row", "header_row"),
    ("--drop-totals", "drop_totals"),
    ("--drop-repeats", "drop_repeats"),
    ("--mapping", "mapping"),
    ("--recode", "recode"),
    ("--vocab", "vocabularies"),
    ("--keep-levels", "keep_levels"),
)


def add_reading_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that say how to read a messy case list (shared by allocate, draw and check)."""
    group = parser.add_argument_group("reading the case list")
    group.add_argument("--sheet", default=None, help="Excel sheet: name or number (1 = first tab)")
    group.add_argument(
        "--header-row", default=None, help="row number of the header (default: found)"
    )
    group.add_argument(
        "--drop-totals", action="store_true", help="drop totals, subtotal and footer rows"
    )
    group.add_argument(
        "--drop-repeats", action="store_true", help="drop rows repeating an earlier row exactly"
    )
    group.add_argument("--mapping", default=None, help="TOML file: columns, values, corrections")
    group.add_argument(
        "--recode",
        action="append",
        default=None,
        metavar="COLUMN:FROM=TO",
        help="recode one value (repeatable), e.g. --recode 'Gender:M=male'",
    )
    group.add_argument(
        "--vocab",
        dest="vocabularies",
        default=None,
        help="built-in vocabularies: detect (default: refuse variants), apply (merge) or off",
    )
    group.add_argument(
        "--keep-levels", action="store_true", help="keep levels that look alike apart"
    )


def reading_flags_given(args: argparse.Namespace) -> list[str]:
    """The reading flags set on the command line (``--manifest`` sets them itself)."""
    return [flag for flag, name in _FLAGS if getattr(args, name, None) not in (None, False, [], ())]


def _options(args: argparse.Namespace) -> dict[str, Any]:
    from inspection_core.cli import UsageError

    header_row = None
    if args.header_row is not None:
        try:
            header_row = int(str(args.header_row).strip())
        except ValueError:
            raise UsageError(
                f"--header-row must be a row number (1 for the first); got {args.header_row!r}"
            ) from None
    strata = args.strata if args.strata is not None else "gender,disposal,risk"
    return {
        "id_column": args.id_column or "case_id",
        "strata": [s.strip() for s in strata.split(",") if s.strip()],
        "blank_strata": args.blank_strata or "error",
        "sheet": args.sheet,
        "header_row": header_row,
        "drop_totals": args.drop_totals,
        "drop_repeats": args.drop_repeats,
        "mapping": args.mapping,
        "recode": list(args.recode or ()),
        "vocabularies": args.vocabularies,
        "keep_levels": args.keep_levels,
    }


def read_for_cli(args: argparse.Namespace) -> CaseList:
    """Read ``args.cases`` with the reading flags; every blocking problem reported together.

    One problem is one line (the usual ``error:``); several are one ``error:`` line each on
    stderr, then a summary line.
    """
    from inspection_core.cli import UsageError

    from ._caselist import CaseListError, read_case_list

    try:
        return read_case_list(args.cases, **_options(args))
    except CaseListError as exc:
        messages = exc.messages
        if len(messages) == 1:
            raise UsageError(messages[0]) from None
        for message in messages:
            print(f"error: {message}", file=sys.stderr)
        raise UsageError(
            f"{len(messages)} problems in {exc.label} block the {args.command}; nothing was "
            f"written (python -m sampling check {args.cases} ... lists them with the warnings)"
        ) from None


def run_check(args: argparse.Namespace) -> None:
    """``check``: every problem of a case list, one line each, then a summary; exit 2 on errors."""
    from inspection_core.cli import ProblemsFoundError

    from ._caselist import inspect_cases

    where, problems = inspect_cases(args.cases, **_options(args))
    errors = int(problems["blocks_draw"].sum())
    counts = problems["severity"].value_counts().to_dict()
    warnings_, notes = counts.get("warning", 0), counts.get("note", 0)
    tail = (
        f"{warnings_} warning{'s' if warnings_ != 1 else ''}, "
        f"{notes} note{'s' if notes != 1 else ''}"
    )
    if args.json:
        records = problems.assign(rows=problems["rows"].map(list)).to_dict(orient="records")
        import json

        print(json.dumps({"read": where, "problems": records}, indent=2))
    else:
        print(where)
        for severity, message in zip(problems["severity"], problems["message"], strict=True):
            print(f"{severity}: {message}")
        if not errors:
            print(f"No problem blocks a draw; {tail}.")
    if errors:
        raise ProblemsFoundError(
            f"{errors} problem{'s' if errors != 1 else ''} in {args.cases} "
            f"{'block' if errors != 1 else 'blocks'} a draw (listed "
            f"above; also {tail}); nothing was changed"
        )


def run_vocab(args: argparse.Namespace) -> None:
    """``vocab``: the vocabularies (with a mapping's additions), one line per level."""
    from ._recode import load_mapping
    from ._vocab import vocabulary_table

    extra = load_mapping(args.mapping).vocabulary if args.mapping else None
    table = vocabulary_table(extra)
    if args.json:
        import json

        print(json.dumps(table.to_dict(orient="records"), indent=2))
        return
    for name, rows in table.groupby("vocabulary", sort=False):
        print(f"{name} (columns named {rows['columns'].iloc[0]}):")
        for level, spellings in zip(rows["level"], rows["spellings"], strict=True):
            print(f"  {level}: {spellings}")
    print(
        "Spellings are compared without case, spacing or punctuation. Add spellings or levels in "
        "a mapping file ([vocabulary.NAME] spelling = level), bind a column with "
        "[vocabulary_columns], switch them off with --vocab off."
    )


def add_check_commands(sub: Any) -> None:
    """Register ``check`` and ``vocab`` (options added on first use)."""
    sub.add_parser(
        "check", help="list every problem of a case list, with its rows", populate=_check_options
    )
    sub.add_parser(
        "vocab", help="the built-in vocabularies of gender, disposal and RoSH",
        populate=_vocab_options,
    )  # fmt: skip


def _check_options(check: argparse.ArgumentParser) -> None:
    check.add_argument("cases", help="case list: .csv, .xlsx or .parquet")
    check.add_argument("--id", dest="id_column", default=None, help="ID column (case_id)")
    check.add_argument(
        "--strata", default=None, help="comma-separated strata columns (gender,disposal,risk)"
    )
    check.add_argument("--blank-strata", default=None, help="'error' (default) or 'level'")
    add_reading_flags(check)
    check.add_argument("--json", action="store_true", help="print the problems as JSON")


def _vocab_options(vocab: argparse.ArgumentParser) -> None:
    vocab.add_argument("--mapping", default=None, help="show a mapping file's additions too")
    vocab.add_argument("--json", action="store_true", help="print JSON")


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "check": run_check,
    "vocab": run_vocab,
}
