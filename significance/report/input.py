"""The comparison report's input: read a CSV or Excel table of key questions and resolve counts.

One row per key question. Each round is given as counts (``previous_x``, ``previous_n``) or as a
published percentage with its n (``previous_pct``, ``previous_n``); an n missing from the table
can be assumed for every row (``previous_n=100``), and the report then says it was assumed. The
comparator (the all-provider aggregate) is optional: ``comparator_pct`` with ``comparator_n``
(or ``comparator_x``) when its case count is known, ``comparator_pct`` alone when it is not.

Validation happens here, at the boundary, one message per problem naming the row.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from inspection_core.checks import check_integer, format_value
from inspection_core.errors import ParameterError, ParameterTypeError, render_error

from .._percentages import counts_from_percentage
from .._ratings import percent_half_up
from .._table_files import read_table_file
from .._warnings import AmbiguousPercentageWarning

__all__ = ["COLUMNS", "ReportInput", "prepare_input", "read_table"]

ROUNDS = ("previous", "current")
# Canonical column names, in the order a table lists them.
COLUMNS: tuple[str, ...] = (
    "standard",
    "key_question",
    "previous_x",
    "previous_n",
    "previous_pct",
    "current_x",
    "current_n",
    "current_pct",
    "comparator_x",
    "comparator_n",
    "comparator_pct",
)
# Other names a column is recognised by when the canonical name is absent and no mapping is given.
ALIASES: dict[str, tuple[str, ...]] = {
    "key_question": ("question", "label"),
    "comparator_pct": ("all_crcs_pct", "aggregate_pct"),
    "comparator_n": ("all_crcs_n", "aggregate_n"),
    "comparator_x": ("all_crcs_x", "aggregate_x"),
}
MAX_DECIMALS = 3
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


@dataclass(frozen=True)
class ReportInput:
    """A checked input table with every count resolved (private to the report).

    Attributes
    ----------
    frame : DataFrame
        One row per key question: ``standard``, ``key_question``, then for each round
        ``{round}_x``, ``{round}_n``, ``{round}_pct`` (the published whole percentage, or the
        count's rounded half up) and ``{round}_n_assumed``; ``comparator_pct``, ``comparator_x``,
        ``comparator_n`` (missing values as NaN) and ``notes``.
    assumptions : tuple of str
        Sentences stating what was assumed or inferred (an assumed n, an aliased column).
    """

    frame: pd.DataFrame
    assumptions: tuple[str, ...]


def read_table(source: Any, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV or Excel table (or copy a DataFrame) without changing the source.

    Raises
    ------
    ValueError
        A missing file, a suffix other than .csv/.xlsx/.parquet (an .xls is refused with the fix),
        or a file that cannot be parsed.
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    return read_table_file(source, parameter="table", sheet=sheet)


def _match_columns(
    frame: pd.DataFrame, columns: Mapping[str, str] | None
) -> tuple[dict[str, str], list[str]]:
    """Canonical name -> the table's column, and sentences about aliases used."""
    present = {str(c).strip().lower(): c for c in frame.columns}
    found: dict[str, str] = {}
    notes: list[str] = []
    mapping = dict(columns or {})
    for key, actual in mapping.items():
        if key not in COLUMNS:
            raise ParameterError(
                "columns",
                f"must name report columns, among {', '.join(COLUMNS)}; got {key!r} (each maps "
                "a report column to the table's name for it, e.g. comparator_pct to "
                "all_crcs_pct)",
            )
        if not isinstance(actual, str) or actual.strip().lower() not in present:
            raise ParameterError(
                "columns",
                f"maps {key} to {actual!r}, which is not in the table; "
                f"the table has: {', '.join(map(str, frame.columns))}",
            )
        found[key] = present[actual.strip().lower()]
    for key in COLUMNS:
        if key in found:
            continue
        if key in present:
            found[key] = present[key]
            continue
        for alias in ALIASES.get(key, ()):
            if alias in present:
                found[key] = present[alias]
                notes.append(f"{key} read from the column {str(present[alias])!r}")
                break
    return found, notes


def _missing_columns(found: Mapping[str, str], previous_n: int | None) -> list[str]:
    needs = []
    if "key_question" not in found:
        needs.append("key_question")
    for rnd in ROUNDS:
        has_value = f"{rnd}_x" in found or f"{rnd}_pct" in found
        has_n = f"{rnd}_n" in found or (rnd == "previous" and previous_n is not None)
        if not has_value:
            needs.append(f"{rnd}_x or {rnd}_pct")
        if not has_n:
            extra = " (or an assumed {previous_n})" if rnd == "previous" else ""
            needs.append(f"{rnd}_n{extra}")
    return needs


def _label(i: int, row: Mapping[str, Any]) -> str:
    text = str(row.get("key_question", "")).strip()
    if len(text) > 40:
        text = text[:39].rstrip() + "..."
    return f"row {i + 1} ({text!r})" if text else f"row {i + 1}"


def _cell(
    where: str, detail: str, *, refs: list[str] | None = None, colon: bool = True
) -> ParameterError:
    """An error about one cell of the table: the row, then what is wrong with it."""
    return ParameterError(
        "table", f"{where}{': ' if colon else ' '}{detail}", refs=refs or [], sentence=True
    )


def _number(where: str, name: str, value: Any, *, percent: bool = False) -> float | None:
    """A cell as a float; None when blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if percent:
            text = text.removesuffix("%").strip()
        if "," in text:
            # A comma is a thousands separator only in a count written 1,234 or 12,345,678; a
            # percentage never needs one, and "6,5" or "65,4" is a decimal comma.
            if percent or not _THOUSANDS.fullmatch(text):
                raise _cell(
                    where,
                    f"{name} must be written with a decimal point, not a comma; got "
                    f"{value!r}. Did you mean {text.replace(',', '.')}?",
                )
            text = text.replace(",", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise _cell(where, f"{name} must be a number; got {value!r}") from None
        if not math.isfinite(number):
            raise _cell(where, f"{name} must be a finite number; got {value!r}")
        return number
    if isinstance(value, bool):
        raise _cell(where, f"{name} must be a number; got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise _cell(where, f"{name} must be a number; got {value!r}") from None
    if math.isinf(number):
        raise _cell(where, f"{name} must be a finite number; got {value!r}")
    return None if math.isnan(number) else number


def _whole(where: str, name: str, value: float, minimum: int) -> int:
    try:
        return int(check_integer(name, value, minimum=minimum))
    except ValueError as exc:
        raise _cell(where, render_error(exc)) from None


def _decimals(where: str, name: str, pct: float) -> int:
    for d in range(MAX_DECIMALS + 1):
        scaled = pct * 10**d
        if abs(scaled - round(scaled)) <= 1e-9 * max(1.0, abs(scaled)):
            return d
    raise _cell(
        where,
        f"{name} must have at most {MAX_DECIMALS} decimals; got {format_value(pct)} "
        "(give the counts instead)",
    )


def _count_from_pct(
    where: str, name: str, pct: float, n: int, notes: list[str]
) -> tuple[int, tuple[int, ...]]:
    """The count used for a published percentage (the nearest), and every count that fits."""
    decimals = _decimals(where, name, pct)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AmbiguousPercentageWarning)
            found = counts_from_percentage(pct, n, decimals=decimals)
    except ValueError as exc:
        raise _cell(where, f"{name}: {render_error(exc)}") from None
    if len(found.candidates) > 1:
        listed = ", ".join(map(str, found.candidates))
        notes.append(
            f"{name} {format_value(pct)}% of {n} could be {listed} cases; {found.count} used "
            "(the nearest)"
        )
    return found.count, tuple(int(c) for c in found.candidates)


def _check_pct(where: str, name: str, pct: float) -> None:
    if not 0 <= pct <= 100:
        raise _cell(where, f"{name} must be between 0 and 100; got {format_value(pct)}")


def _resolve(
    where: str,
    prefix: str,
    cells: Mapping[str, Any],
    assumed_n: int | None,
    notes: list[str],
    *,
    required: bool,
) -> dict[str, Any]:
    """Counts and the published percentage of one round (or the comparator) of one row."""
    x = _number(where, f"{prefix}_x", cells.get(f"{prefix}_x"))
    n = _number(where, f"{prefix}_n", cells.get(f"{prefix}_n"))
    pct = _number(where, f"{prefix}_pct", cells.get(f"{prefix}_pct"), percent=True)
    empty = {f"{prefix}_x": math.nan, f"{prefix}_n": math.nan, f"{prefix}_pct": math.nan}
    if x is None and pct is None:
        if required:
            raise _cell(
                where,
                f"has neither counts ({prefix}_x and {prefix}_n) nor a percentage "
                f"({prefix}_pct) for the {prefix} round",
                colon=False,
            )
        return {
            **empty,
            f"{prefix}_counts": (),
            f"{prefix}_n_assumed": False,
            f"{prefix}_from_pct": False,
        }
    if pct is not None:
        _check_pct(where, f"{prefix}_pct", pct)
    assumed = False
    possible: tuple[int, ...] = ()
    if n is None and assumed_n is not None:
        n, assumed = float(assumed_n), True
    if n is None:
        if x is None and not required:  # a comparator rate without its n: a fixed reference
            return {
                **empty,
                f"{prefix}_pct": pct,
                f"{prefix}_counts": (),
                f"{prefix}_n_assumed": False,
                f"{prefix}_from_pct": False,
            }
        option = f" or assume one with {{{prefix}_n}}" if prefix != "current" else ""
        raise _cell(
            where,
            f"{prefix}_n is missing; give it in the table{option}",
            refs=[f"{prefix}_n"] if option else [],
        )
    n_int = _whole(where, f"{prefix}_n", n, 1)
    if x is not None:
        x_int = _whole(where, f"{prefix}_x", x, 0)
        possible = (x_int,)
        if x_int > n_int:
            raise _cell(where, f"{prefix}_x must be at most {prefix}_n ({n_int}); got {x_int}")
        if pct is not None:
            decimals = _decimals(where, f"{prefix}_pct", pct)
            shown = round(100 * x_int / n_int, decimals)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", AmbiguousPercentageWarning)
                try:
                    fits = x_int in counts_from_percentage(pct, n_int, decimals=decimals).candidates
                except ValueError:
                    fits = False
            if not fits:
                raise _cell(
                    where,
                    f"{prefix}_x = {x_int} of {prefix}_n = {n_int} is "
                    f"{format_value(shown)}%, but {prefix}_pct is {format_value(pct)}; "
                    "give one or make them agree",
                )
        else:
            pct = float(percent_half_up(x_int, n_int))
    else:  # pct is given (x and pct are not both missing here)
        x_int, possible = _count_from_pct(where, f"{prefix}_pct", float(pct or 0.0), n_int, notes)
    return {
        f"{prefix}_counts": possible,
        f"{prefix}_x": x_int,
        f"{prefix}_n": n_int,
        f"{prefix}_pct": pct,
        f"{prefix}_n_assumed": assumed,
        f"{prefix}_from_pct": x is None,
    }


def _check_proportions(frame: pd.DataFrame, found: Mapping[str, str]) -> None:
    """Refuse a percentage column that holds proportions (0.74 for 74%)."""
    for key in ("previous_pct", "current_pct", "comparator_pct"):
        if key not in found:
            continue
        values = pd.to_numeric(frame[found[key]], errors="coerce").dropna()
        if len(values) and values.max() <= 1 and (values != values.round()).any():
            raise ParameterError(
                "table",
                f"{key} must hold whole percentages (74 for 74%); got proportions such as "
                f"{format_value(float(values[values != values.round()].iloc[0]))}",
                sentence=True,
            )


def _optional_n(name: str, value: Any) -> int | None:
    if value is None:
        return None
    return int(check_integer(name, value, minimum=1, what="a whole number of at least 1"))


def _comparator_assumptions(
    frame: pd.DataFrame, assumed_n: int | None, includes_provider: bool, max_share: float
) -> list[str]:
    """What the comparator test assumes, one sentence each."""
    out = []
    has_rate = frame["comparator_pct"].notna()
    has_n = frame["comparator_n"].notna()
    if (has_rate & ~has_n).any():
        out.append(
            "comparator n not known, and the comparator includes this provider: each row gives "
            "the range of p from a comparator so large that its rate is fixed (one-sample test) "
            f"to one in which this provider holds {100 * max_share:g}% of the cases (two-sample "
            "test against the rest), and calls a difference only where both ends agree"
            if includes_provider
            else "comparator n not known: the current round is tested against the comparator's "
            "percentage as a fixed rate (one-sample z-test), which treats it as known exactly"
        )
    assumed = int(frame["comparator_n_assumed"].sum())
    if assumed:
        out.append(
            f"comparator n assumed to be {assumed_n} for {assumed} key questions (not in the table)"
        )
    if has_n.any():
        out.append(
            "the comparator includes this provider: its cases are taken out and the provider is "
            "compared with the rest (two-sample z-test)"
            if includes_provider
            else "the comparator excludes this provider: tested as an independent second sample"
        )
    return out


def prepare_input(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    previous_n: Any = None,
    comparator_n: Any = None,
    sheet: str | int | None = None,
    comparator_includes_provider: bool = True,
    max_provider_share: float = 0.5,
) -> ReportInput:
    """Read, check and resolve the report's input table (see the module notes)."""
    assumed_previous = _optional_n("previous_n", previous_n)
    assumed_comparator = _optional_n("comparator_n", comparator_n)
    if columns is not None and not isinstance(columns, Mapping):
        raise ParameterTypeError(
            "columns", f"must be a mapping of report name to table name; got {columns!r}"
        )
    raw = read_table(source, sheet=sheet)
    found, assumptions = _match_columns(raw, columns)
    missing = _missing_columns(found, assumed_previous)
    if missing:
        raise ParameterError(
            "table",
            f"is missing columns: needs {'; '.join(missing)}; "
            f"it has: {', '.join(map(str, raw.columns)) or 'no columns'} (name a differently "
            "called column with {columns}, report name = table name)",
            refs=["columns", "previous_n"],
        )
    if raw.empty:
        raise ParameterError("table", "has no rows; got only the header")
    _check_proportions(raw, found)

    rows = []
    for i, record in enumerate(raw.to_dict("records")):
        cells = {key: record[col] for key, col in found.items()}
        where = _label(i, cells)
        notes: list[str] = []
        label = cells.get("key_question")
        if label is None or (isinstance(label, float) and math.isnan(label)):
            raise _cell(where, "key_question is empty")
        standard = cells.get("standard")
        row: dict[str, Any] = {
            "standard": "" if standard is None or pd.isna(standard) else str(standard).strip(),
            "key_question": str(label).strip(),
        }
        row.update(_resolve(where, "previous", cells, assumed_previous, notes, required=True))
        row.update(_resolve(where, "current", cells, None, notes, required=True))
        row.update(_resolve(where, "comparator", cells, assumed_comparator, notes, required=False))
        row["notes"] = notes
        rows.append(row)
    frame = pd.DataFrame(rows)

    assumed = int(frame["previous_n_assumed"].sum())
    if assumed:
        scope = "every key question" if assumed == len(frame) else f"{assumed} key questions"
        assumptions.append(
            f"previous-round n assumed to be {assumed_previous} for {scope} (not in the table); "
            "the sensitivity table shows how the conclusions depend on it"
        )
    elif assumed_previous is not None:
        assumptions.append(
            f"the table gives the previous-round n for every key question; the assumed "
            f"{assumed_previous} was not used"
        )
    assumptions += _comparator_assumptions(
        frame, assumed_comparator, comparator_includes_provider, max_provider_share
    )
    if frame[["previous_from_pct", "current_from_pct", "comparator_from_pct"]].any(axis=None):
        assumptions.append(
            "counts recovered from published whole percentages (rounded half up); where several "
            "counts fit, the one nearest percentage x n / 100 is used and the row's notes say so"
        )
    return ReportInput(frame=frame, assumptions=tuple(assumptions))
