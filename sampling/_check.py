"""The checks a case list must pass before a draw, each problem with its rows (internal).

Every check looks at the whole list and returns every problem it finds, so one run lists them
all. A problem's ``severity`` is ``"error"`` (it blocks a draw), ``"warning"`` (the draw goes on
and says so) or ``"note"`` (shown by ``python -m sampling check`` only).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ._vocab import Vocabulary, normalise

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PROBLEM_COLUMNS", "Problem", "Where", "problem_table"]

IntArray = npt.NDArray[np.int64]
PROBLEM_COLUMNS = ["problem", "severity", "blocks_draw", "column", "rows", "count", "message"]
_SHOW = 5  # rows or values a message lists before "and N more"


@dataclass(frozen=True)
class Where:
    """Where a list came from, for messages: its label and its header's row number."""

    label: str
    header_row: int = 1

    def rows(self, rows: Sequence[int]) -> str:
        """``4, 9 of cases.csv (the header is row 1)``, at most a few rows shown."""
        shown = ", ".join(str(r) for r in rows[:_SHOW])
        more = f" and {len(rows) - _SHOW} more" if len(rows) > _SHOW else ""
        return f"{shown}{more} of {self.label} (the header is row {self.header_row})"


@dataclass(frozen=True)
class Problem:
    """One problem found in a case list."""

    problem: str
    severity: str
    column: str | None
    rows: tuple[int, ...]
    message: str

    @property
    def blocks(self) -> bool:
        """Whether the problem stops a draw."""
        return self.severity == "error"


def problem_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """The problems as a table, errors first (columns :data:`PROBLEM_COLUMNS`)."""
    import pandas as pd

    order = {"error": 0, "warning": 1, "note": 2}
    ranked = sorted(enumerate(problems), key=lambda p: (order[p[1].severity], p[0]))
    return pd.DataFrame(
        [
            {
                "problem": p.problem,
                "severity": p.severity,
                "blocks_draw": p.blocks,
                "column": p.column,
                "rows": p.rows,
                "count": len(p.rows),
                "message": p.message,
            }
            for _, p in ranked
        ],
        columns=PROBLEM_COLUMNS,
    )


def _plural(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def blank_ids(frame: pd.DataFrame, rows: IntArray, id_column: str, where: Where) -> list[Problem]:
    """Cases without an ID."""
    blank = (frame[id_column] == "").to_numpy()
    if not blank.any():
        return []
    hit = rows[blank].tolist()
    return [
        Problem(
            "blank ID",
            "error",
            id_column,
            tuple(hit),
            f"{id_column} is blank in {_plural(len(hit), 'row')}: {where.rows(hit)}; "
            "every case needs an ID",
        )
    ]


def repeated_ids(
    frame: pd.DataFrame, rows: IntArray, id_column: str, where: Where
) -> list[Problem]:
    """IDs on more than one row; rows identical in every column are said to be repeats."""
    ids = frame[id_column]
    dup = (ids.duplicated(keep=False) & (ids != "")).to_numpy()
    if not dup.any():
        return []
    groups: dict[str, list[int]] = {}
    for value, row in zip(ids[dup].tolist(), rows[dup].tolist(), strict=True):
        groups.setdefault(value, []).append(int(row))
    whole = frame.duplicated(keep="first").to_numpy()
    repeats = int((whole & dup).sum())
    shown = [f"{v!r} (rows {', '.join(map(str, r))})" for v, r in list(groups.items())[:_SHOW]]
    more = f" and {len(groups) - _SHOW} more" if len(groups) > _SHOW else ""
    fix = (
        f"; {_plural(repeats, 'row')} repeat{'s' if repeats == 1 else ''} an earlier row in every "
        "column: --drop-repeats (drop_repeats=True) keeps the first"
        if repeats
        else "; correct the IDs in the file"
    )
    all_rows = tuple(sorted(r for rs in groups.values() for r in rs))
    return [
        Problem(
            "repeated ID",
            "error",
            id_column,
            all_rows,
            f"{id_column} must identify each case once; {where.label} repeats "
            f"{_plural(len(groups), 'ID')}: {', '.join(shown)}{more}{fix}",
        )
    ]


def blank_strata(
    frame: pd.DataFrame, rows: IntArray, strata: Sequence[str], where: Where
) -> list[Problem]:
    """Strata left blank (only called when blanks are not a level of their own)."""
    out = []
    for name in strata:
        blank = (frame[name] == "").to_numpy()
        if blank.any():
            hit = rows[blank].tolist()
            out.append(
                Problem(
                    "blank stratum",
                    "error",
                    name,
                    tuple(hit),
                    f"{name} is blank in {_plural(len(hit), 'row')}: {where.rows(hit)}; "
                    "fill them in (a mapping's [corrections] can), or treat blanks as "
                    "their own level (blank_strata='level', --blank-strata level)",
                )
            )
    return out


def merge_plan(
    values: pd.Series, vocab: Vocabulary | None
) -> tuple[dict[str, str], list[tuple[str, list[tuple[str, int]], bool]]]:
    """Spellings that look like one level: ``{value: merged level}`` and the groups.

    Values are grouped by their vocabulary level (when a vocabulary knows them) or their
    :func:`normalise`-d spelling. Each group with two or more spellings merges into the vocabulary's
    level, or else into its most frequent spelling. Groups are ``(level, [(spelling, rows)],
    by_vocabulary)``.
    """
    counts = values[values != ""].value_counts(sort=False)
    groups: dict[tuple[bool, str], list[tuple[str, int]]] = {}
    for value, count in counts.items():
        level = vocab.level_of(str(value)) if vocab is not None else None
        key = (True, level) if level is not None else (False, normalise(str(value)))
        groups.setdefault(key, []).append((str(value), int(count)))
    plan: dict[str, str] = {}
    merges: list[tuple[str, list[tuple[str, int]], bool]] = []
    for (by_vocab, name), members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (-m[1], m[0]))
        target = name if by_vocab else members[0][0]
        merges.append((target, members, by_vocab))
        for spelling, _ in members:
            plan[spelling] = target
    merges.sort(key=lambda g: g[0])
    return plan, merges


def _recode_flags(column: str, pairs: Sequence[tuple[str, str]]) -> str:
    flags = [f"--recode {shlex.quote(f'{column}:{v}={t}')}" for v, t in pairs]
    shown = " ".join(flags[:4])
    return shown + (f" (and {len(flags) - 4} more)" if len(flags) > 4 else "")


def near_duplicates(
    frame: pd.DataFrame,
    rows: IntArray,
    name: str,
    vocab: Vocabulary | None,
    mode: str,
    keep: bool,
    where: Where,
) -> list[Problem]:
    """Levels that differ only by case, spacing or punctuation, or that a vocabulary calls one."""
    plan, merges = merge_plan(frame[name], vocab)
    if not merges:
        return []
    parts = []
    pairs = []
    for target, members, _ in merges:
        spelt = ", ".join(f"{s!r} ({n})" for s, n in members)
        parts.append(f"{spelt} -> {target!r}")
        pairs += [(s, target) for s, _ in members if s != target]
    hit = rows[frame[name].isin(list(plan)).to_numpy()].tolist()
    if keep:
        return [
            Problem(
                "near-duplicate levels",
                "note",
                name,
                tuple(hit),
                f"{name} keeps apart levels that look alike (--keep-levels): {'; '.join(parts)}",
            )
        ]
    all_vocab = all(by_vocab for *_, by_vocab in merges)
    how = (
        "--vocab apply (vocabularies='apply') merges them"
        if all_vocab and mode == "detect"
        else f"merge them with {_recode_flags(name, pairs)} or a mapping file"
    )
    return [
        Problem(
            "near-duplicate levels",
            "error",
            name,
            tuple(hit),
            f"{name} has levels that look like one level spelt differently (rows per "
            f"spelling): {'; '.join(parts)}; {how}, or pass --keep-levels "
            "(keep_levels=True) to keep them apart",
        )
    ]


def unknown_levels(
    frame: pd.DataFrame, rows: IntArray, name: str, vocab: Vocabulary, where: Where
) -> list[Problem]:
    """Levels of a vocabulary's column that the vocabulary does not know.

    A warning when the column also holds known levels (``Male``, ``Female``, ``Unknown``); a note
    when it holds none (the column is coded some other way).
    """
    values = frame[name]
    counts = values[values != ""].value_counts(sort=False)
    unknown = sorted(str(v) for v in counts.index if vocab.level_of(str(v)) is None)
    if not unknown:
        return []
    some_known = len(unknown) < len(counts)
    hit = rows[values.isin(unknown).to_numpy()].tolist()
    shown = ", ".join(repr(v) for v in unknown[:_SHOW])
    more = f" and {len(unknown) - _SHOW} more" if len(unknown) > _SHOW else ""
    return [
        Problem(
            "unknown levels",
            "warning" if some_known else "note",
            name,
            tuple(hit),
            f"{name} has {_plural(len(unknown), 'level')} the {vocab.name} vocabulary "
            f"does not know: {shown}{more}, in rows {where.rows(hit)}; if right, add them "
            f"to the mapping's [vocabulary.{vocab.name}] (python -m sampling vocab lists "
            "it), recode them, or pass --vocab off",
        )
    ]


def single_case_cells(
    frame: pd.DataFrame, rows: IntArray, strata: Sequence[str], plans: dict[str, dict[str, str]]
) -> list[Problem]:
    """Cells (combinations of the strata) with one case, after any merges proposed above."""
    if not strata or len(frame) == 0:
        return []
    import pandas as pd

    codes, labels = [], []
    for name in strata:  # each stratum's merged level as a code, worked out on distinct values
        raw, uniques = pd.factorize(frame[name])
        plan = plans.get(name, {})
        merged = [plan.get(str(u), str(u)) for u in uniques]
        merged_codes, merged_uniques = pd.factorize(pd.Index(merged, dtype=object))
        codes.append(np.asarray(merged_codes, dtype=np.int64)[raw])
        labels.append([str(u) for u in merged_uniques])
    sizes = tuple(max(len(lv), 1) for lv in labels)
    if float(np.prod(sizes, dtype=np.float64)) < 2**62:
        cell = np.ravel_multi_index(tuple(codes), sizes)
    else:  # pragma: no cover  # astronomically many combinations
        cell = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)[1].ravel()
    _, inverse, counts = np.unique(cell, return_inverse=True, return_counts=True)
    positions = np.flatnonzero(counts[inverse.ravel()] == 1)
    if positions.size == 0:
        return []
    hit = sorted(int(r) for r in rows[positions])
    cells = []
    for pos in positions[:_SHOW]:
        cell_name = " x ".join(
            labels[j][codes[j][int(pos)]] or "(blank)" for j in range(len(strata))
        )
        cells.append(f"{cell_name} (row {int(rows[int(pos)])})")
    more = f" and {len(positions) - _SHOW} more" if len(positions) > _SHOW else ""
    return [
        Problem(
            "single-case cells",
            "note",
            ", ".join(strata),
            tuple(hit),
            f"{_plural(len(positions), 'cell')} of {' x '.join(strata)} "
            f"{'has' if len(positions) == 1 else 'have'} a single case: "
            f"{', '.join(cells)}{more}; each is a cell of its own, in the sample or not, its "
            "quota rounded to 0 or 1",
        )
    ]


_LEADING_ZERO = re.compile(r"^0\d+$")


def leading_zeros(
    frame: pd.DataFrame, rows: IntArray, id_column: str, numeric: bool, where: Where
) -> list[Problem]:
    """IDs whose leading zeros a spreadsheet would drop, and IDs already stored as numbers."""
    out = []
    ids = frame[id_column]
    zero = ids.str.match(_LEADING_ZERO).fillna(False).to_numpy(dtype=bool)
    if zero.any():
        hit = rows[zero].tolist()
        example = ids[zero].iloc[0]
        out.append(
            Problem(
                "leading zeros",
                "note",
                id_column,
                tuple(hit),
                f"{_plural(len(hit), id_column + ' value')} {'is' if len(hit) == 1 else 'are'} "
                f"digits with leading zeros (e.g. {example!r}, row {hit[0]}): a "
                "spreadsheet that opens a CSV turns them into numbers and drops the "
                "zeros; the draw keeps them as text, and fieldwork.xlsx stores them "
                "as text",
            )
        )
    if numeric:
        out.append(
            Problem(
                "IDs stored as numbers",
                "warning",
                id_column,
                (),
                f"{id_column} is stored as numbers in {where.label}: IDs that had "
                "leading zeros have lost them already; ask for the list with the "
                "column formatted as text",
            )
        )
    return out
