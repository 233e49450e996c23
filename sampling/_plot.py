"""Bar chart of sample and population shares per stratification variable (no pyplot, inline)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from inspection_core.errors import ParameterError, ParameterTypeError

from ._balance import Balance

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ._chart import ChartData

__all__ = ["MAX_LEVELS", "chart_data", "chart_problem", "plot_balance"]

MAX_LEVELS = 40
"""Most levels of one variable the balance chart shows; beyond that it is not drawn."""


def chart_problem(balance: Balance) -> str | None:
    """Why the balance chart would not be legible (too many levels), or None.

    Examples
    --------
    >>> import pandas as pd
    >>> import warnings
    >>> from sampling import balance_report, draw
    >>> cases = pd.DataFrame({"case_id": [f"C{i}" for i in range(90)],
    ...                       "office": [f"office {i % 45}" for i in range(90)]})
    >>> result = draw(cases, 45, seed=1, strata=["office"])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # small expected counts: the chi-square is approximate
    ...     report = balance_report(result.allocation, result.sample)
    >>> chart_problem(report)
    'office has 45 levels; the chart shows at most 40 per variable'

    """
    table = balance.table[balance.table["variable"] != "all"]
    counts = table["variable"].value_counts(sort=False)
    crowded = [f"{name} has {count} levels" for name, count in counts.items() if count > MAX_LEVELS]
    if crowded:
        return f"{', '.join(crowded)}; the chart shows at most {MAX_LEVELS} per variable"
    return None


def plot_balance(balance: Balance, path: str | os.PathLike[str] | None = None) -> Figure:
    """Draw population and sample shares side by side, one panel per variable.

    Parameters
    ----------
    balance : Balance
        A report from :func:`sampling.balance_report`.
    path : str or path-like, optional
        Where to save the chart as PNG (150 dpi). Nothing is written when omitted. Labels are
        shown as they are (a ``$`` does not start matplotlib's mathtext).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, made with the object-oriented API and the Agg canvas: no pyplot state and
        no display needed, so it works on servers, leaves no open figure in a script and leaves
        a notebook's backend alone. It renders itself as PNG (``_repr_png_``), so a notebook cell
        that returns it shows the chart.

    Raises
    ------
    ValueError
        A variable has more than :data:`MAX_LEVELS` levels (:func:`chart_problem` says which).

    Examples
    --------
    >>> from importlib.resources import files
    >>> import warnings
    >>> from sampling import balance_report, draw, read_cases
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> result = draw(cases, "auto", seed=2026)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     figure = plot_balance(balance_report(result.allocation, result.sample))
    >>> len(figure.axes)
    3
    """
    from ._chart import draw_chart, save_chart

    if not isinstance(balance, Balance):
        raise ParameterTypeError("balance", f"must be a Balance; got {type(balance).__name__}")
    problem = chart_problem(balance)
    if problem is not None:
        raise ParameterError("balance", f"is too large to chart legibly: {problem}")
    data = chart_data(balance)
    return draw_chart(data) if path is None else save_chart(data, path)


def chart_data(balance: Balance) -> ChartData:
    """The numbers the balance chart shows: each variable's levels and their two shares."""
    from ._chart import ChartData, Panel

    table = balance.table[balance.table["variable"] != "all"]
    panels = []
    for variable in dict.fromkeys(table["variable"]):
        rows = table[table["variable"] == variable]
        panels.append(
            Panel(
                str(variable),
                tuple(str(v) for v in rows["level"]),
                tuple(float(v) for v in rows["population_share"]),
                tuple(float(v) for v in rows["sample_share"]),
            )
        )
    return ChartData(int(balance.n), int(balance.population_size), tuple(panels))
