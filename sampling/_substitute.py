"""Substitutions during fieldwork: a sampled case that cannot be inspected gives way to a reserve.

The replacement is the first reserve of the same cell not yet used, so the sample keeps its
allocation and stays a simple random sample of the cell (the reserves continue the cell's random
order). Each substitution is one line appended to ``substitutions.csv`` in the draw's folder (the
lines already there are never changed); ``sample_current.csv`` is the sample with every
substitution so far applied. ``sample.csv``, ``reserves.csv`` and ``manifest.json`` are never
written to.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspection_core.result import Result, to_builtin

if TYPE_CHECKING:
    import pandas as pd

    from ._allocation import Allocation

__all__ = ["CURRENT_SAMPLE", "LOG_COLUMNS", "Substitution", "current_sample", "substitute"]

CURRENT_SAMPLE = "sample_current.csv"
LOG_COLUMNS = (
    "sequence",
    "recorded_utc",
    "cell",
    "replaced_id",
    "replacement_id",
    "reserve_order",
    "reason",
)


@dataclass(frozen=True, eq=False)
class Substitution(Result):
    """One substitution and the sample it leaves.

    Attributes
    ----------
    replaced, replacement : str
        The case that cannot be inspected and the reserve that replaces it.
    cell : int
        Their cell (1-based row of the allocation).
    reserve_order : int
        Which of the cell's reserves was used (1 = first).
    reason : str
        Why the case could not be inspected, as recorded.
    reserves_left : int
        Reserves of that cell still unused.
    exhausted : tuple of int
        Cells with a sampled case and no reserve left (after this substitution).
    sample : pandas.DataFrame
        The current sample (the file ``sample_current.csv``).
    log : pandas.DataFrame
        Every substitution so far (the file ``substitutions.csv``).
    """

    replaced: str
    replacement: str
    cell: int
    reserve_order: int
    reason: str
    reserves_left: int
    exhausted: tuple[int, ...]
    sample: pd.DataFrame
    log: pd.DataFrame

    def summary(self) -> str:
        """Say who replaced whom, and what is left."""
        left = (
            "no reserve left in that cell"
            if self.reserves_left == 0
            else f"{self.reserves_left} reserve(s) left in that cell"
        )
        return (
            f"Replaced {self.replaced} by {self.replacement} (cell {self.cell}, reserve "
            f"{self.reserve_order}; reason: {self.reason}); {left}; {len(self.log)} "
            f"substitution(s) recorded."
        )

    def to_dict(self) -> dict[str, Any]:
        """The substitution's fields and the log as records."""
        return {
            "replaced": self.replaced,
            "replacement": self.replacement,
            "cell": self.cell,
            "reserve_order": self.reserve_order,
            "reason": self.reason,
            "reserves_left": self.reserves_left,
            "exhausted": list(self.exhausted),
            "log": to_builtin(self.log.to_dict(orient="records")),
        }

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<div><strong>Substitution</strong>: {html.escape(self.summary())}</div>"


@dataclass(frozen=True, eq=False)
class _Folder:
    path: Path
    record: dict[str, Any]
    sample: pd.DataFrame
    reserves: pd.DataFrame
    log: pd.DataFrame

    @property
    def id_column(self) -> str:
        return str(self.record["id_column"])

    def cell_label(self, cell: int) -> str:
        row = self.record["allocation"][cell - 1]
        return ", ".join(f"{s}={row[s]}" for s in self.record["strata"])


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _open(draw_dir: str | os.PathLike[str]) -> _Folder:
    import pandas as pd

    from ._manifest import load_manifest
    from ._output import SUBSTITUTION_LOG

    folder = Path(draw_dir)
    if not folder.is_dir():
        raise ValueError(f"{os.fspath(draw_dir)} is not a folder; give a draw's --out folder")
    lacking = [
        f for f in ("manifest.json", "sample.csv", "reserves.csv") if not (folder / f).is_file()
    ]
    if lacking:
        raise ValueError(
            f"{os.fspath(draw_dir)} is not a draw's folder: it lacks {', '.join(lacking)}"
        )
    record = load_manifest(folder / "manifest.json")
    log_path = folder / SUBSTITUTION_LOG
    log = _read_csv(log_path) if log_path.is_file() else pd.DataFrame(columns=list(LOG_COLUMNS))
    if list(log.columns) != list(LOG_COLUMNS):
        raise ValueError(
            f"{log_path} does not have the substitution log's columns ({', '.join(LOG_COLUMNS)}); "
            "it was not written by this toolkit"
        )
    return _Folder(folder, record, _read_csv(folder / "sample.csv"),
                   _read_csv(folder / "reserves.csv"), log)  # fmt: skip


def _current(folder: _Folder) -> pd.DataFrame:
    """The sample with the log's substitutions applied, in the original order."""
    import pandas as pd

    key = folder.id_column
    rows: list[dict[Any, Any]] = list(folder.sample.to_dict(orient="records"))
    for r in rows:
        r["reserve_order"] = ""
        r["replaces"] = ""
    reserves = {str(r[key]): r for r in folder.reserves.to_dict(orient="records")}
    position = {str(r[key]): i for i, r in enumerate(rows)}
    for entry in folder.log.to_dict(orient="records"):
        i = position.pop(str(entry["replaced_id"]))
        new: dict[Any, Any] = {
            c: reserves[str(entry["replacement_id"])].get(c, "") for c in folder.sample.columns
        }
        new["draw_order"] = ""
        new["reserve_order"] = str(entry["reserve_order"])
        new["replaces"] = str(entry["replaced_id"])
        rows[i] = new
        position[str(entry["replacement_id"])] = i
    columns = [*folder.sample.columns, "reserve_order", "replaces"]
    return pd.DataFrame(rows, columns=columns)


def current_sample(draw_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """The sample of a draw's folder with every recorded substitution applied.

    The cases replaced give way, in place, to their replacements (``replaces`` names the case a
    row replaced, ``reserve_order`` which reserve it was). With no substitutions, the sample.
    """
    return _current(_open(draw_dir))


def draw_allocation(draw_dir: str | os.PathLike[str]) -> Allocation:
    """The allocation recorded in a draw's manifest (for a balance report of its sample)."""
    return _allocation_from_record(_open(draw_dir).record)


def _allocation_from_record(record: dict[str, Any]) -> Allocation:
    import pandas as pd

    from ._allocation import Allocation, Rounding

    cells = pd.DataFrame(record["allocation"])
    rows = []
    for variable, levels in record["margins"].items():
        for level, m in levels.items():
            rows.append({"variable": variable, "level": level, **m})
    margins = pd.DataFrame(rows)
    if "deviation" not in margins:
        margins["deviation"] = 0
    r = record.get("rounding") or {}
    rounding = Rounding(
        method=str(record["method"]),
        route=str(r.get("route", "deterministic")),
        roundings=int(r.get("roundings", 1)),
        chosen=int(r.get("chosen", 1)),
        probability=float(r.get("probability", 1.0)),
        u=r.get("u"),
        flight_steps=int(r.get("flight_steps", 0)),
        landing_cells=int(r.get("landing_cells", 0)),
        residual=float(r.get("residual") or 0.0),
        largest_bias=float(r.get("largest_bias") or 0.0),
        margin_miss=int(r.get("margin_miss", 0)),
        converged=bool(r.get("converged", True)),
        solver=str(r.get("solver", "")),
    )
    return Allocation(
        n=int(record["n"]),
        method=str(record["method"]),
        strata=tuple(record["strata"]),
        population_size=int(cells["population"].sum()),
        minimum=int(record.get("minimum") or 0),
        cells=cells,
        margins=margins,
        seed=record.get("seed"),
        rounding=rounding,
    )


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def substitute(draw_dir: str | os.PathLike[str], case_id: str, reason: str) -> Substitution:
    """Replace a sampled case by the next unused reserve of its cell, and record it.

    Parameters
    ----------
    draw_dir : str or path-like
        The draw's folder (written by :func:`sampling.write_draw` or ``python -m sampling draw``).
    case_id : str
        The sampled case that cannot be inspected.
    reason : str
        Why (transferred, in custody, file missing, ...); recorded in the log.

    Returns
    -------
    Substitution
        Who replaced whom, the reserves left, the current sample and the whole log.

    Raises
    ------
    ValueError
        Not a draw's folder (or its manifest was edited), a blank reason, a case that is not in
        the current sample (a reserve, replaced already, or unknown: the message says which), or
        a cell with no reserve left (the message names every exhausted cell). Nothing is
        written then.

    Notes
    -----
    Appends a line to ``substitutions.csv`` (``sequence``, ``recorded_utc``, ``cell``,
    ``replaced_id``, ``replacement_id``, ``reserve_order``, ``reason``; the file keeps every
    earlier line byte for byte) and rewrites ``sample_current.csv``, each by an atomic rename.
    :func:`sampling.balance_report` on :func:`current_sample` (with the folder's
    :func:`draw_allocation`) gives the balance of the substituted sample.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from importlib.resources import files
    >>> from sampling import draw, read_cases, write_draw
    >>> path = files("sampling") / "data/example_population.csv"
    >>> folder = tempfile.mkdtemp() + "/draw"
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     _ = write_draw(draw(read_cases(path), "auto", seed=2026, reserves=2), folder,
    ...                    input_path=path)
    >>> first = current_sample(folder)["case_id"].iloc[0]
    >>> done = substitute(folder, first, "transferred to another region")
    >>> done.reserve_order, len(done.sample), first in set(done.sample["case_id"])
    (1, 100, False)
    """
    from ._output import SUBSTITUTION_LOG

    if not isinstance(case_id, str) or not case_id.strip():
        raise ValueError(f"case_id must be a case ID; got {case_id!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("reason must say why the case cannot be inspected; got a blank reason")
    case = case_id.strip()
    folder = _open(draw_dir)
    key = folder.id_column
    current = _current(folder)
    ids = current[key].astype(str).tolist()
    if case not in ids:
        earlier = folder.log[folder.log["replaced_id"] == case]
        if len(earlier):
            e = earlier.iloc[0]
            raise ValueError(
                f"case {case!r} was already replaced by {e['replacement_id']!r} (substitution "
                f"{e['sequence']}, reason: {e['reason']})"
            )
        if case in set(folder.reserves[key].astype(str)):
            raise ValueError(f"case {case!r} is a reserve, not in the sample")
        raise ValueError(f"case {case!r} is not in the sample of {os.fspath(draw_dir)}")
    cell = int(str(current["cell"].iloc[ids.index(case)]))
    used = set(folder.log["replacement_id"].astype(str))
    reserves = folder.reserves.assign(_order=folder.reserves["reserve_order"].astype(int))

    def unused(c: int) -> pd.DataFrame:
        rows = reserves[(reserves["cell"].astype(int) == c) & ~reserves[key].isin(used)]
        return rows.sort_values("_order")

    options = unused(cell)
    sampled_cells = sorted({int(c) for c in current["cell"]})
    if options.empty:
        exhausted = [c for c in sampled_cells if unused(c).empty]
        listed = int((reserves["cell"].astype(int) == cell).sum())
        names = "; ".join(f"{c} ({folder.cell_label(c)})" for c in exhausted)
        raise ValueError(
            f"cell {cell} ({folder.cell_label(cell)}) has no reserve left ({listed} listed, "
            f"all used) to replace case {case!r}; cells with no reserve left: {names}"
        )
    pick = options.iloc[0]
    import pandas as pd

    entry = {
        "sequence": str(len(folder.log) + 1),
        "recorded_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cell": str(cell),
        "replaced_id": case,
        "replacement_id": str(pick[key]),
        "reserve_order": str(int(pick["_order"])),
        "reason": " ".join(reason.split()),
    }
    log = pd.concat([folder.log, pd.DataFrame([entry])], ignore_index=True)
    log_path = folder.path / SUBSTITUTION_LOG
    before = log_path.read_text(encoding="utf-8") if log_path.is_file() else None
    line = pd.DataFrame([entry]).to_csv(index=False, header=before is None, lineterminator="\n")
    _write_atomic(log_path, (before or "") + line)
    updated = _Folder(folder.path, folder.record, folder.sample, folder.reserves, log)
    sample = _current(updated)
    _write_atomic(folder.path / CURRENT_SAMPLE, sample.to_csv(index=False, lineterminator="\n"))
    used.add(str(pick[key]))
    return Substitution(
        replaced=case,
        replacement=str(pick[key]),
        cell=cell,
        reserve_order=int(pick["_order"]),
        reason=entry["reason"],
        reserves_left=len(options) - 1,
        exhausted=tuple(c for c in sampled_cells if unused(c).empty),
        sample=sample,
        log=log,
    )
