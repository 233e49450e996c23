"""A draw's folder as the findings need it: each case's cell, its population and its chance.

``sampling.write_draw`` writes ``sample.csv``, ``reserves.csv`` and ``manifest.json``. The
manifest's ``allocation`` lists every cell of the stratification with its ``population`` (N_c)
and the cases ``allocated`` to it (n_c). A case's inclusion probability is taken from the
sample's ``inclusion_probability`` column when the draw recorded one, and otherwise derived as
n_c / N_c (:func:`inclusion_probabilities`, the one place to change if the draw's output does).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from inspection_core.errors import ParameterError, ParameterTypeError

__all__ = ["DrawDesign", "inclusion_probabilities", "read_draw"]

CELL_SEPARATOR = " / "


@dataclass(frozen=True)
class DrawDesign:
    """The sampled and reserve cases of a draw with their design information (internal).

    Attributes
    ----------
    cases : DataFrame
        One row per sampled or reserve case, as text, plus ``cell`` (the strata values joined
        by `` / ``), ``cell_population`` (N_c), ``inclusion_probability``, ``design_weight``
        and ``role`` (``"sample"`` or ``"reserve"``).
    id_column : str
        The case ID column.
    strata : tuple of str
        The stratification columns.
    population_size : int
        Eligible cases drawn from (the sum of the cells' populations).
    probability_source : str
        Where the inclusion probabilities came from, in words.
    zero_chance : int
        Eligible cases in cells that were allocated no case (they could not be drawn).
    manifest_version : Any
        The manifest's ``manifest_version``.
    """

    cases: pd.DataFrame
    id_column: str
    strata: tuple[str, ...]
    population_size: int
    probability_source: str
    zero_chance: int
    manifest_version: Any


def _cell_key(values: Any) -> str:
    return CELL_SEPARATOR.join(str(v).strip() for v in values)


def inclusion_probabilities(
    cases: pd.DataFrame, cells: pd.DataFrame, strata: tuple[str, ...]
) -> tuple[pd.Series, pd.Series, str]:
    """Each case's inclusion probability and design weight, and where they came from.

    ``inclusion_probability`` and ``design_weight`` columns are used when the draw wrote them
    (a weight alone gives the probability 1 / weight, and the other way round); otherwise the
    probability is the cell's allocated cases over its population, n_c / N_c.
    """
    has_pi = "inclusion_probability" in cases.columns
    has_w = "design_weight" in cases.columns
    if has_pi or has_w:
        pi = pd.to_numeric(cases["inclusion_probability"], errors="coerce") if has_pi else None
        w = pd.to_numeric(cases["design_weight"], errors="coerce") if has_w else None
        pi = 1.0 / w if pi is None and w is not None else pi
        w = 1.0 / pi if w is None and pi is not None else w
        if pi is None or w is None:  # unreachable: one of them was given
            raise AssertionError("inclusion_probability or design_weight expected")
        bad = ~((pi > 0) & (pi <= 1) & (w > 0))
        if bad.any():
            raise ParameterError(
                "sample",
                "has inclusion probabilities outside (0, 1] or weights that are not positive "
                f"for {int(bad.sum())} cases",
            )
        return pi.astype(float), w.astype(float), "recorded by the draw (sample.csv)"
    by_cell = cells.set_index("cell")
    keys = cases["cell"]
    pi = keys.map(by_cell["allocated"] / by_cell["population"]).astype(float)
    return pi, 1.0 / pi, "derived from the manifest's allocation (n_c / N_c of each cell)"


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _cells(manifest: dict[str, Any], strata: tuple[str, ...]) -> pd.DataFrame:
    cells = manifest.get("allocation")
    if not isinstance(cells, list) or not cells:
        raise ParameterError("sample", "manifest.json has no allocation (the cells of the draw)")
    rows = []
    for cell in cells:
        try:
            rows.append(
                {
                    "cell": _cell_key(cell[s] for s in strata),
                    "population": int(cell["population"]),
                    "allocated": int(cell["allocated"]),
                }
            )
        except (KeyError, TypeError, ValueError):
            raise ParameterError(
                "sample",
                "manifest.json's allocation must give each cell its strata values, "
                f"population and allocated cases; got {cell!r}",
            ) from None
    return pd.DataFrame(rows)


def read_draw(folder: Any) -> DrawDesign:
    """Read a draw's folder (``sample.csv``, ``manifest.json``, optional ``reserves.csv``).

    Raises
    ------
    ValueError
        A missing folder or file, a manifest without the allocation, or a sampled case whose
        cell is not in the manifest.
    """
    if not isinstance(folder, str | Path):
        raise ParameterTypeError("sample", f"must be the path of a draw's folder; got {folder!r}")
    root = Path(folder)
    if not root.is_dir():
        raise ParameterError("sample", f"must be a draw's folder; {str(root)!r} is not a folder")
    for name in ("sample.csv", "manifest.json"):
        if not (root / name).is_file():
            raise ParameterError(
                "sample", f"folder {str(root)!r} has no {name} (run `python -m sampling draw`)"
            )
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ParameterError("sample", f"manifest.json cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or "id_column" not in manifest or "strata" not in manifest:
        raise ParameterError("sample", "manifest.json must give id_column and strata")
    id_column = str(manifest["id_column"])
    strata = tuple(str(s) for s in manifest["strata"])
    frames = [_read_csv(root / "sample.csv").assign(role="sample")]
    if (root / "reserves.csv").is_file():
        frames.append(_read_csv(root / "reserves.csv").assign(role="reserve"))
    cases = pd.concat(frames, ignore_index=True)
    missing = [c for c in (id_column, *strata) if c not in cases.columns]
    if missing:
        raise ParameterError("sample", f"sample.csv lacks the columns {', '.join(missing)}")
    cases[id_column] = cases[id_column].str.strip()
    cells = _cells(manifest, strata)
    cases["cell"] = [_cell_key(v) for v in cases[list(strata)].itertuples(index=False)]
    unknown = sorted(set(cases["cell"]) - set(cells["cell"]))
    if unknown:
        raise ParameterError(
            "sample", f"has cases in cells the manifest does not list: {', '.join(unknown)}"
        )
    cases["cell_population"] = cases["cell"].map(cells.set_index("cell")["population"])
    pi, w, source = inclusion_probabilities(cases, cells, strata)
    cases["inclusion_probability"] = pi.to_numpy()
    cases["design_weight"] = w.to_numpy()
    zero = int(cells.loc[cells["allocated"] == 0, "population"].sum())
    if math.isnan(float(cases["design_weight"].sum())):
        raise ParameterError("sample", "a case's inclusion probability could not be found")
    return DrawDesign(
        cases=cases,
        id_column=id_column,
        strata=strata,
        population_size=int(cells["population"].sum()),
        probability_source=source,
        zero_chance=zero,
        manifest_version=manifest.get("manifest_version"),
    )
