"""Reading a case list as providers send it: every problem found in one pass, every change recorded.

:func:`read_case_list` reads the file (:mod:`sampling._read`), renames and recodes it
(:mod:`sampling._recode`), drops totals and repeated rows when asked, runs every check
(:mod:`sampling._check`) and either returns the cases with the record of how they were read
(:class:`CaseList`) or refuses with all the problems that block a draw (:class:`CaseListError`).
:func:`check_cases` runs the same checks and returns the problems as a table.
"""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice
from inspection_core.result import Result

from ._check import (
    Problem,
    Where,
    blank_ids,
    blank_strata,
    leading_zeros,
    merge_plan,
    near_duplicates,
    problem_table,
    repeated_ids,
    single_case_cells,
    unknown_levels,
)
from ._frame import DEFAULT_STRATA, check_strata, prepare_cases
from ._header import find_totals, flag_value, match_column, suggest_columns
from ._read import DELIMITER_NAMES, ENCODING_NAMES, RawTable, read_table, sheet_with_columns
from ._recode import CaseMapping, Recoding, apply_mapping, load_mapping, rename_columns
from ._vocab import vocabulary_for_column

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CaseList",
    "CaseListError",
    "CaseListWarning",
    "check_cases",
    "describe_source",
    "inspect_cases",
    "read_case_list",
]

IntArray = npt.NDArray[np.int64]


class CaseListWarning(UserWarning):
    """A case-list problem that does not stop a draw (unknown levels, IDs stored as numbers)."""


class CaseListError(ValueError):
    """The case list has problems that block a draw; ``problems`` lists them all (a table)."""

    def __init__(self, problems: pd.DataFrame, label: str) -> None:
        self.problems = problems
        self.label = label
        errors = problems[problems["blocks_draw"]]
        messages = errors["message"].tolist()
        if len(messages) == 1:
            text = messages[0]
        else:
            text = f"{len(messages)} problems block a draw from {label}:\n" + "\n".join(
                f"  - {m}" for m in messages
            )
        super().__init__(text)

    @property
    def messages(self) -> list[str]:
        """One line per blocking problem."""
        return [str(m) for m in self.problems.loc[self.problems["blocks_draw"], "message"]]


def describe_source(
    source: str,
    kind: str,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    sheets: Sequence[str],
    header_row: int,
    title_rows: Sequence[int],
) -> str:
    """Where a table was read from, in words: the sheet (and the others), encoding, header row."""
    if kind == "excel":
        others = [s for s in sheets if s != sheet]
        more = f" (other sheets: {', '.join(map(repr, others))}; --sheet chooses)" if others else ""
        where = f"sheet {sheet!r} of {source}{more}"
    elif kind == "csv":
        where = (
            f"{source} ({ENCODING_NAMES.get(encoding or '', encoding)}, "
            f"{DELIMITER_NAMES.get(delimiter or '', delimiter)}-separated)"
        )
    else:
        where = source
    head = f"; header in row {header_row}" if kind != "parquet" else ""
    titles = (
        f" (row{'s' if len(title_rows) > 1 else ''} {', '.join(map(str, title_rows))} above it "
        "skipped)"
        if title_rows
        else ""
    )
    return f"{where}{head}{titles}"


@dataclass(frozen=True, eq=False)
class CaseList(Result):
    """A case list read, recoded and checked, with the record of how.

    Attributes
    ----------
    cases : pandas.DataFrame
        The cases to draw from, every column text (ID and strata stripped, recoded).
    id_column : str
        The ID column as named in ``cases``.
    strata : tuple of str
        The stratification columns as named in ``cases``.
    source : str
        The file's name.
    kind : str
        ``"csv"``, ``"excel"`` or ``"parquet"``.
    encoding, delimiter : str or None
        How a CSV file was read (detected).
    sheet : str or None
        The worksheet read; ``sheets`` lists them all.
    header_row : int
        The header's row number (title rows above it skipped, listed in ``title_rows``).
    row_numbers : ndarray of int
        Each case's row in the file (the first line is row 1).
    dropped : pandas.DataFrame
        Rows dropped (``--drop-totals``, ``--drop-repeats``): ``row``, ``reason``, ``text``.
    recodings : pandas.DataFrame
        ``column``, ``value``, ``level``, ``rows``, ``by`` (mapping or vocabulary).
    corrections : pandas.DataFrame
        Per-case corrections made: ``id``, ``column``, ``was``, ``now``.
    problems : pandas.DataFrame
        The warnings and notes found (none block a draw).
    mapping : CaseMapping
        The mapping applied.
    options : dict
        The reading options, as a re-draw from the manifest replays them.
    input_sha256 : str or None
        SHA-256 of the bytes read (the file is read once; the cases come from those bytes).
        A draw's manifest records it, and :func:`sampling.write_draw` refuses to write when
        the file has changed since.
    """

    cases: pd.DataFrame
    id_column: str
    strata: tuple[str, ...]
    source: str
    kind: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    header_row: int
    title_rows: tuple[int, ...]
    row_numbers: IntArray
    dropped: pd.DataFrame
    recodings: pd.DataFrame
    corrections: pd.DataFrame
    problems: pd.DataFrame
    mapping: CaseMapping
    options: dict[str, Any] = field(default_factory=dict)
    input_sha256: str | None = None

    def read_from(self) -> str:
        """Where the cases came from, in words."""
        return describe_source(
            self.source,
            self.kind,
            self.encoding,
            self.delimiter,
            self.sheet,
            self.sheets,
            self.header_row,
            self.title_rows,
        )

    def summary(self) -> str:
        """What was read, dropped and recoded."""
        parts = [f"Read {len(self.cases)} cases from {self.read_from()}"]
        if len(self.dropped):
            shown = ", ".join(
                f"{r} ({why})"
                for r, why in zip(self.dropped["row"], self.dropped["reason"], strict=True)
            )
            parts.append(f"dropped row{'s' if len(self.dropped) > 1 else ''} {shown}")
        if len(self.recodings):
            columns = list(dict.fromkeys(self.recodings["column"]))
            parts.append(
                f"recoded {len(self.recodings)} spelling{'s' if len(self.recodings) > 1 else ''}"
                f" in {', '.join(columns)} ({int(self.recodings['rows'].sum())} cells)"
            )
        if len(self.corrections):
            parts.append(f"corrected {len(self.corrections)} value(s) by case ID")
        return "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """The reading record, as the manifest stores it (``reading``)."""
        from inspection_core.result import to_builtin

        record: dict[str, Any] = to_builtin(
            {
                "file": self.source,
                "format": self.kind,
                "encoding": self.encoding,
                "delimiter": self.delimiter,
                "sheet": self.sheet,
                "sheets": list(self.sheets),
                "header_row": self.header_row,
                "title_rows": list(self.title_rows),
                "cases": len(self.cases),
                "id_column": self.id_column,
                "strata": list(self.strata),
                "dropped": self.dropped.to_dict(orient="records"),
                "recodings": self.recodings.to_dict(orient="records"),
                "corrections": self.corrections.to_dict(orient="records"),
                "warnings": self.problems.loc[self.problems["severity"] == "warning", "message"]
                .astype(str)
                .tolist(),
                "options": dict(self.options),
                "mapping": self.mapping.to_dict(),
                "mapping_sources": list(self.mapping.sources),
            }
        )
        return record

    def _rows(self) -> list[tuple[str, str]]:
        return [("read from", self.read_from()), ("cases", str(len(self.cases)))]

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<div><strong>Case list</strong>: {html.escape(self.summary())}</div>"


@dataclass
class _Run:
    """The state of one read: what a check or a read reports."""

    raw: RawTable
    frame: pd.DataFrame
    rows: IntArray
    where: Where
    id_column: str | None
    strata: list[str]
    problems: list[Problem]
    dropped: list[dict[str, Any]]
    recodings: list[Recoding]
    corrections: list[dict[str, str]]
    mapping: CaseMapping
    options: dict[str, Any]


def _resolve_columns(
    frame: pd.DataFrame,
    raw: RawTable,
    id_column: str,
    strata: Sequence[str],
    where: Where,
    path: str | os.PathLike[str],
) -> tuple[str | None, list[str | None], list[Problem]]:
    """The ID and strata columns as named in the file.

    A name that matches no column is a blocking problem whose message suggests the closest
    column; that column then stands in for it, so the other checks still run (their messages
    name the columns they used).
    """
    names = [str(c) for c in frame.columns]
    problems: list[Problem] = []
    hint_sheet = ""
    missing_any = any(not match_column(w, names) for w in [id_column, *strata])
    if raw.kind == "excel" and len(raw.sheets) > 1 and missing_any:
        other = sheet_with_columns(path, [id_column, *strata], besides=raw.sheet)
        hint_sheet = (
            f"; sheet {other!r} has them: --sheet {flag_value([other])}"
            if other
            else f"; other sheets: {', '.join(repr(s) for s in raw.sheets if s != raw.sheet)}"
        )
    resolved: dict[str, str | None] = {}
    for wanted in [id_column, *strata]:
        found = match_column(wanted, names)
        if len(found) > 1:
            problems.append(
                Problem(
                    "ambiguous column",
                    "error",
                    wanted,
                    (),
                    f"{wanted!r} matches {len(found)} columns of {where.label}: "
                    f"{', '.join(map(repr, found))}; rename one (a mapping's "
                    "[columns] can)",
                )
            )
        resolved[wanted] = found[0] if len(found) == 1 else None
    taken = [v for v in resolved.values() if v]
    listed = f"columns are {', '.join(map(repr, names))}{hint_sheet}"
    found_id = resolved[id_column]
    if found_id is None and len(match_column(id_column, names)) == 0:
        guess = suggest_columns(id_column, names, role="id", taken=taken)
        guess = guess or _unique_column(frame, names, taken=taken)
        if guess:
            hint = f"; did you mean --id {flag_value([guess])} (id_column={guess!r})?"
            problems.append(
                Problem(
                    "missing column",
                    "error",
                    id_column,
                    (),
                    f"no column {id_column!r} in {where.label}{hint} Its {listed}"
                    f" (the checks below read {guess} as the ID)",
                )
            )
            found_id = guess
            taken.append(guess)
        else:
            problems.append(
                Problem(
                    "missing column",
                    "error",
                    id_column,
                    (),
                    f"no column {id_column!r} in {where.label}; its {listed}",
                )
            )
    missing = [s for s in strata if resolved[s] is None and len(match_column(s, names)) == 0]
    found_strata = [resolved[s] for s in strata]
    if missing:
        suggested: list[str | None] = []
        for s in strata:
            if resolved[s] is not None:
                suggested.append(resolved[s])
                continue
            suggested.append(
                suggest_columns(s, names, role="strata", taken=taken + [g for g in suggested if g])
            )
        plural = "s" if len(missing) > 1 else ""
        head = f"no column{plural} {', '.join(map(repr, missing))} in {where.label}"
        if all(suggested):
            value = flag_value([str(g) for g in suggested])
            problems.append(
                Problem(
                    "missing column",
                    "error",
                    ", ".join(missing),
                    (),
                    f"{head}; did you mean --strata {value}? Its {listed} (the "
                    f"checks below use {value})",
                )
            )
            found_strata = list(suggested)
        else:
            problems.append(
                Problem("missing column", "error", ", ".join(missing), (), f"{head}; its {listed}")
            )
    return found_id, found_strata, problems


def _unique_column(frame: pd.DataFrame, names: Sequence[str], taken: Sequence[str]) -> str | None:
    """The first column whose values are all filled in and distinct (a likely ID)."""
    for name in names:
        if name in taken:
            continue
        values = frame[name]
        if len(values) > 1 and (values != "").all() and values.is_unique:
            return name
    return None


def _text(frame: pd.DataFrame, position: int) -> str:
    cells = [c for c in frame.iloc[position].tolist() if c]
    return " | ".join(cells)[:80]


def _run(
    path: str | os.PathLike[str],
    *,
    id_column: str,
    strata: Sequence[str] | str,
    blank_strata: str,
    sheet: str | int | None,
    header_row: int | None,
    drop_totals: bool,
    drop_repeats: bool,
    mapping: Any,
    recode: Sequence[str],
    vocabularies: str | None,
    keep_levels: bool,
) -> _Run:
    names = check_strata(strata, id_column)
    blank_strata = check_choice("blank_strata", blank_strata, ("error", "level"))
    if isinstance(recode, str):
        recode = [recode]
    plan = load_mapping(mapping, recode, vocabularies=vocabularies)
    wanted = [id_column, *names, *plan.columns]
    raw = read_table(path, sheet=sheet, header_row=header_row, wanted=wanted)
    where = Where(f"{raw.where}{os.path.basename(os.fspath(path))}", raw.header_row)
    frame = rename_columns(raw.frame, plan, where.label)
    rows = raw.rows
    options = {
        "sheet": sheet,
        "header_row": header_row,
        "drop_totals": bool(drop_totals),
        "drop_repeats": bool(drop_repeats),
        "keep_levels": bool(keep_levels),
        "blank_strata": blank_strata,
    }
    if len(frame) == 0:
        raise ValueError(
            f"{where.label} has no cases (no rows below the header in row {raw.header_row})"
        )
    found_id, found_strata, problems = _resolve_columns(frame, raw, id_column, names, where, path)
    strata_ok = [s for s in found_strata if s is not None]
    dropped: list[dict[str, Any]] = []
    totals = find_totals(frame, found_id, strata_ok)
    if totals:
        positions = np.array([p for p, _ in totals], dtype=np.int64)
        if drop_totals:
            dropped += [
                {"row": int(rows[p]), "reason": kind, "text": _text(frame, p)} for p, kind in totals
            ]
        else:
            described = ", ".join(
                f"{rows[p]} ({kind}: {_text(frame, p)!r})" for p, kind in totals[:6]
            )
            problems.append(
                Problem(
                    "totals rows",
                    "error",
                    None,
                    tuple(int(rows[p]) for p, _ in totals),
                    f"{where.label} has {len(totals)} row{'s' if len(totals) > 1 else ''} "
                    f"that {'are' if len(totals) > 1 else 'is'} not cases: {described}; "
                    "delete them, or pass --drop-totals (drop_totals=True) to drop "
                    "them (recorded)",
                )
            )
        keep = np.ones(len(frame), dtype=bool)
        keep[positions] = False
        frame, rows = frame.loc[keep].reset_index(drop=True), rows[keep]
    if drop_repeats and found_id is not None:
        again = frame.duplicated(keep="first").to_numpy() & (frame[found_id] != "").to_numpy()
        if again.any():
            first: dict[tuple[str, ...], int] = {}
            for i, values in enumerate(frame.itertuples(index=False, name=None)):
                if again[i]:
                    dropped.append(
                        {
                            "row": int(rows[i]),
                            "reason": f"repeat of row {first[tuple(values)]}",
                            "text": _text(frame, i),
                        }
                    )
                else:
                    first.setdefault(tuple(values), int(rows[i]))
            frame, rows = frame.loc[~again].reset_index(drop=True), rows[~again]
    recodings: list[Recoding] = []
    corrections: list[dict[str, str]] = []
    if found_id is not None and all(s is not None for s in found_strata):
        frame, recodings, corrections, unused = apply_mapping(
            frame, plan, id_column=found_id, strata=strata_ok
        )
        for column, value, level in unused:
            problems.append(
                Problem(
                    "unused recoding",
                    "warning",
                    column,
                    (),
                    f"the mapping recodes {column} {value!r} to {level!r}, but no "
                    f"row of {where.label} has {value!r} there",
                )
            )
    return _Run(
        raw,
        frame,
        rows,
        where,
        found_id,
        [s for s in found_strata if s is not None],
        problems,
        dropped,
        recodings,
        corrections,
        plan,
        options,
    )


def _checks(run: _Run, *, blank: str) -> list[Problem]:
    problems = list(run.problems)
    frame, rows, where = run.frame, run.rows, run.where
    if run.id_column is not None:
        problems += blank_ids(frame, rows, run.id_column, where)
        problems += repeated_ids(frame, rows, run.id_column, where)
    if blank == "error":
        problems += blank_strata(frame, rows, run.strata, where)
    vocabularies = run.mapping.vocabularies_for()
    plans: dict[str, dict[str, str]] = {}
    keep = bool(run.options.get("keep_levels"))
    for name in run.strata:
        vocab = (
            vocabulary_for_column(name, vocabularies, run.mapping.vocabulary_columns)
            if run.mapping.vocabularies != "off"
            else None
        )
        problems += near_duplicates(frame, rows, name, vocab, run.mapping.vocabularies, keep, where)
        if not keep:  # the cells as they would be once the merges proposed are made
            plan = merge_plan(frame[name], vocab)[0]
            if vocab is not None:
                for value in frame[name].unique().tolist():
                    plan[value] = vocab.level_of(value) or plan.get(value, value)
            plans[name] = plan
        if vocab is not None:
            problems += unknown_levels(frame, rows, name, vocab, where)
    filled = np.ones(len(frame), dtype=bool)
    if blank == "error":  # blank strata are reported above; their cells are not cells yet
        for name in run.strata:
            filled &= (frame[name] != "").to_numpy()
    problems += single_case_cells(frame.loc[filled], rows[filled], run.strata, plans)
    if run.id_column is not None:
        numeric = run.id_column in run.raw.numeric_columns or any(
            old in run.raw.numeric_columns
            for old, new in run.mapping.columns.items()
            if new == run.id_column
        )
        problems += leading_zeros(frame, rows, run.id_column, numeric, where)
    return problems


def check_cases(
    path: str | os.PathLike[str],
    *,
    id_column: str = "case_id",
    strata: Sequence[str] | str = DEFAULT_STRATA,
    blank_strata: str = "error",
    sheet: str | int | None = None,
    header_row: int | None = None,
    drop_totals: bool = False,
    drop_repeats: bool = False,
    mapping: Any = None,
    recode: Sequence[str] = (),
    vocabularies: str | None = None,
    keep_levels: bool = False,
) -> pd.DataFrame:
    """Every problem of a case list at once, with the rows it is in.

    Parameters
    ----------
    path, id_column, strata, blank_strata, sheet, header_row, drop_totals, drop_repeats, \
mapping, recode, vocabularies, keep_levels
        The case list and how to read it, exactly as for :func:`sampling.read_case_list` (the
        same options read the same cases; a draw reads with them too).

    Returns
    -------
    pandas.DataFrame
        One row per problem, those that block a draw first: ``problem`` (its kind), ``severity``
        (``"error"`` blocks a draw, ``"warning"`` is printed by a draw, ``"note"`` is shown here
        only), ``blocks_draw``, ``column``, ``rows`` (the file's row numbers, the first line is
        row 1), ``count`` and ``message`` (one line). Empty when nothing is wrong.

    Raises
    ------
    ValueError
        A file that cannot be read at all (missing, empty, of another format than its name says,
        .xls or .ods), a sheet or header row that does not exist, or a bad mapping.

    Examples
    --------
    >>> from importlib.resources import files
    >>> problems = check_cases(files("sampling") / "data/example_population.csv")
    >>> problems[["problem", "severity", "count"]]
                 problem severity  count
    0  single-case cells     note      3
    >>> print(problems["message"].iloc[0].split(";")[0])
    3 cells of gender x disposal x risk have a single case: male x licence x very high (row 4),
    female x licence x high (row 91), female x post-sentence supervision x high (row 168)
    """
    run = _run(
        path,
        id_column=id_column,
        strata=strata,
        blank_strata=blank_strata,
        sheet=sheet,
        header_row=header_row,
        drop_totals=drop_totals,
        drop_repeats=drop_repeats,
        mapping=mapping,
        recode=recode,
        vocabularies=vocabularies,
        keep_levels=keep_levels,
    )
    return problem_table(_checks(run, blank=blank_strata))


def inspect_cases(path: str | os.PathLike[str], **options: Any) -> tuple[str, pd.DataFrame]:
    """What ``check`` prints: where the table was read from (in words) and the problem table."""
    blank = options.get("blank_strata", "error")
    run = _run(path, **{**_DEFAULTS, **options})
    raw = run.raw
    where = describe_source(
        os.path.basename(os.fspath(path)),
        raw.kind,
        raw.encoding,
        raw.delimiter,
        raw.sheet,
        raw.sheets,
        raw.header_row,
        raw.above,
    )
    below = f"; {len(raw.frame)} rows below the header" if raw.kind != "parquet" else ""
    return f"Read {where}{below}.", problem_table(_checks(run, blank=blank))


_DEFAULTS: dict[str, Any] = {
    "id_column": "case_id",
    "strata": DEFAULT_STRATA,
    "blank_strata": "error",
    "sheet": None,
    "header_row": None,
    "drop_totals": False,
    "drop_repeats": False,
    "mapping": None,
    "recode": (),
    "vocabularies": None,
    "keep_levels": False,
}


def read_case_list(
    path: str | os.PathLike[str],
    *,
    id_column: str = "case_id",
    strata: Sequence[str] | str = DEFAULT_STRATA,
    blank_strata: str = "error",
    sheet: str | int | None = None,
    header_row: int | None = None,
    drop_totals: bool = False,
    drop_repeats: bool = False,
    mapping: Any = None,
    recode: Sequence[str] = (),
    vocabularies: str | None = None,
    keep_levels: bool = False,
) -> CaseList:
    """Read, recode and check a case list; return the cases and the record of how.

    Parameters
    ----------
    path : str or path-like
        The case list: ``.csv`` (UTF-8 or Windows-1252, comma, semicolon or tab), ``.xlsx`` or
        ``.parquet``.
    id_column : str, default "case_id"
        Column identifying each case; matched without regard to case and spacing.
    strata : sequence of str or str, default ("gender", "disposal", "risk")
        Stratification columns (a comma-separated string is split), matched likewise.
    blank_strata : {"error", "level"}, default "error"
        Blank strata values: refuse, or keep them as a level ``"(blank)"``.
    sheet : str or int, optional
        Excel: the sheet to read, by name or number (1 is the first tab); default the first
        visible sheet.
    header_row : int, optional
        The header's row number (the first line is row 1); default found below any title rows.
    drop_totals : bool, default False
        Drop totals, subtotal and footer rows (they are refused otherwise); recorded.
    drop_repeats : bool, default False
        Drop rows that repeat an earlier row in every column (a repeated ID with different
        values is still refused); recorded.
    mapping : dict, path or CaseMapping, optional
        Column renames, value recodings, per-case corrections, vocabulary additions
        (:func:`sampling.load_mapping` has the format).
    recode : sequence of str, optional
        ``"COLUMN:FROM=TO"`` recodings, added to the mapping.
    vocabularies : {"detect", "apply", "off"}, optional
        Overrides the mapping's: ``"detect"`` (default) refuses spellings the built-in
        vocabularies would merge, ``"apply"`` merges them (recorded), ``"off"`` uses none.
    keep_levels : bool, default False
        Keep levels that look alike apart instead of refusing them (recorded).

    Returns
    -------
    CaseList
        ``cases`` (text), the resolved ``id_column`` and ``strata``, and what was read, dropped
        and recoded.

    Raises
    ------
    CaseListError
        (a ValueError) Every problem that blocks a draw, in one message; ``problems`` holds them
        as the table :func:`check_cases` returns.
    ValueError
        A file that cannot be read (see :func:`check_cases`).

    Warns
    -----
    CaseListWarning
        Problems that do not block a draw: levels a vocabulary does not know beside ones it
        does, IDs stored as numbers, recodings that matched nothing.

    Examples
    --------
    >>> from importlib.resources import files
    >>> listing = read_case_list(files("sampling") / "data/example_population.csv")
    >>> listing.summary()
    'Read 250 cases from example_population.csv (UTF-8, comma-separated); header in row 1.'
    """
    import pandas as pd

    run = _run(
        path,
        id_column=id_column,
        strata=strata,
        blank_strata=blank_strata,
        sheet=sheet,
        header_row=header_row,
        drop_totals=drop_totals,
        drop_repeats=drop_repeats,
        mapping=mapping,
        recode=recode,
        vocabularies=vocabularies,
        keep_levels=keep_levels,
    )
    problems = problem_table(_checks(run, blank=blank_strata))
    if problems["blocks_draw"].any():
        raise CaseListError(problems, run.where.label)
    for message in problems.loc[problems["severity"] == "warning", "message"]:
        warnings.warn(str(message), CaseListWarning, stacklevel=2)
    if run.id_column is None:  # pragma: no cover  # a missing column is a blocking problem
        raise RuntimeError("no ID column after the checks")
    table = prepare_cases(
        run.frame,
        id_column=run.id_column,
        strata=run.strata,
        blank_strata=blank_strata,
        source=run.where.label,
        row_numbers=run.rows,
    )
    cases = table.checked_frame()  # a draw from these cases, unchanged, reuses the table
    return CaseList(
        cases=cases,
        id_column=run.id_column,
        strata=tuple(run.strata),
        source=os.path.basename(os.fspath(path)),
        kind=run.raw.kind,
        encoding=run.raw.encoding,
        delimiter=run.raw.delimiter,
        sheet=run.raw.sheet,
        sheets=run.raw.sheets,
        header_row=run.raw.header_row,
        title_rows=run.raw.above,
        row_numbers=run.rows,
        dropped=pd.DataFrame(run.dropped, columns=["row", "reason", "text"]),
        recodings=pd.DataFrame(
            [vars(r) for r in run.recodings], columns=["column", "value", "level", "rows", "by"]
        ),
        corrections=pd.DataFrame(run.corrections, columns=["id", "column", "was", "now"]),
        problems=problems,
        mapping=run.mapping,
        options=run.options,
        input_sha256=run.raw.sha256,
    )
