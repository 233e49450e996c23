"""Planning table: sample sizes across population sizes and confidence levels."""

from __future__ import annotations

import math
from collections.abc import Sequence

from inspection_core.checks import (
    check_confidence_level,
    check_population_size,
    is_fraction,
    is_whole,
)
from inspection_core.deferred import numpy_later
from inspection_core.errors import ParameterError

from ._sizes import sample_size

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
else:
    np = numpy_later(globals())

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_POPULATIONS", "planning_rows", "planning_table"]

DEFAULT_POPULATIONS: tuple[int | None, ...] = (
    50,
    100,
    150,
    200,
    250,
    300,
    400,
    500,
    750,
    1000,
    2000,
    5000,
    10000,
    None,
)


def planning_table(
    population_sizes: Sequence[int | None] | None = None,
    *,
    confidence_levels: Sequence[float] = (0.80, 0.90, 0.95),
    margin_of_error: float = 0.05,
    proportion: float = 0.5,
    method: str = "normal",
) -> pd.DataFrame:
    """Sample size for each population size (rows) and confidence level (columns).

    Parameters
    ----------
    population_sizes : sequence of int or None, optional
        Eligible population sizes; ``None`` is an infinite population. Defaults to 50 to 10,000
        and infinite.
    confidence_levels : sequence of float, default (0.80, 0.90, 0.95)
        Two-sided confidence levels, as fractions.
    margin_of_error, proportion, method
        As in :func:`sampling.sample_size`.

    Returns
    -------
    pandas.DataFrame
        Integer sample sizes; the index is ``population_size`` (``inf`` for an infinite
        population) and the columns are the confidence levels.

    Examples
    --------
    >>> planning_table([100, 250, None], confidence_levels=[0.8, 0.95])
    confidence_level  0.80  0.95
    population_size
    100.0               63    80
    250.0              100   152
    inf                165   385
    """
    import pandas as pd

    pops = list(DEFAULT_POPULATIONS if population_sizes is None else population_sizes)
    if not pops or not list(confidence_levels):
        raise ParameterError(
            "population_sizes", "and confidence_levels must each hold at least one value"
        )
    levels = check_confidence_level(list(confidence_levels), name="confidence_levels")
    finite = [p for p in pops if p is not None and not (isinstance(p, float) and np.isinf(p))]
    if finite:
        check_population_size(finite, name="population_sizes")
    index = pd.Index([np.inf if p is None else float(p) for p in pops], name="population_size")
    grid: dict[Any, Any] = {}
    for level in levels:
        result = sample_size(
            list(pops),
            margin_of_error=margin_of_error,
            confidence_level=float(level),
            proportion=proportion,
            method=method,
        )
        grid[float(level)] = np.asarray(result.n, dtype=np.int64)
    table = pd.DataFrame(grid, index=index)
    table.columns.name = "confidence_level"
    return table


def planning_rows(
    population_sizes: Sequence[int | float | None] | None = None,
    *,
    confidence_levels: Sequence[float] = (0.80, 0.90, 0.95),
    margin_of_error: float = 0.05,
    proportion: float = 0.5,
    method: str = "normal",
) -> list[tuple[int | None, list[int]]]:
    """The planning table as plain rows: ``(population or None, [n at each level])``.

    The numbers of :func:`planning_table` (the same checks, the same ``sample_size``) without
    pandas, for the command line: plain numbers take the pure-Python path of
    :func:`sampling.sample_size`, so ``python -m sampling plan`` imports neither numpy nor pandas.

    Examples
    --------
    >>> planning_rows([100, 250, None], confidence_levels=[0.8, 0.95])
    [(100, [63, 80]), (250, [100, 152]), (None, [165, 385])]
    """
    pops = list(DEFAULT_POPULATIONS if population_sizes is None else population_sizes)
    levels = list(confidence_levels)
    if not pops or not levels:
        raise ParameterError(
            "population_sizes", "and confidence_levels must each hold at least one value"
        )
    if not all(is_fraction(c) for c in levels):
        check_confidence_level(levels, name="confidence_levels")  # raises the error
    infinite = [p is None or (type(p) is float and math.isinf(p) and p > 0) for p in pops]
    finite = [p for p, inf in zip(pops, infinite, strict=True) if not inf]
    if not all(is_whole(p, 1) for p in finite):
        check_population_size(finite, name="population_sizes")  # raises the error

    def n(population: Any, level: float) -> int:
        result = sample_size(
            population, margin_of_error=margin_of_error, confidence_level=level,
            proportion=proportion, method=method,
        )  # fmt: skip
        return int(result.n)

    return [
        (None if inf else int(p), [n(None if inf else p, c) for c in levels])  # type: ignore[arg-type]
        for p, inf in zip(pops, infinite, strict=True)
    ]
