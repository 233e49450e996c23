"""Bar chart of sample and population shares per stratification variable (no pyplot, inline)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from inspection_core.errors import ParameterError, ParameterTypeError

from ._balance import Balance

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MAX_LEVELS", "chart_problem", "plot_balance"]

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


def _plain(text: object) -> str:
    """A label as matplotlib shows it literally: ``$`` would start mathtext."""
    return str(text).replace("$", r"\$")


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
    from ._figure import new_figure

    if not isinstance(balance, Balance):
        raise ParameterTypeError("balance", f"must be a Balance; got {type(balance).__name__}")
    problem = chart_problem(balance)
    if problem is not None:
        raise ParameterError("balance", f"is too large to chart legibly: {problem}")
    table = balance.table[balance.table["variable"] != "all"]
    variables = list(dict.fromkeys(table["variable"]))
    heights = [max(1.2, 0.45 * (table["variable"] == v).sum() + 0.6) for v in variables]
    figure = new_figure(figsize=(7.5, sum(heights) + 0.9))
    axes = figure.subplots(len(variables), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, variable in zip(axes, variables, strict=True):
        rows = table[table["variable"] == variable].iloc[::-1]
        y = range(len(rows))
        pop = 100 * rows["population_share"].to_numpy()
        got = 100 * rows["sample_share"].to_numpy()
        ax.barh([i + 0.2 for i in y], pop, height=0.38, color="#9aa5b1", label="population")
        ax.barh([i - 0.2 for i in y], got, height=0.38, color="#1f5a96", label="sample")
        ax.set_yticks(list(y), [_plain(v) for v in rows["level"]])
        ax.set_title(_plain(variable), loc="left", fontsize=10)
        right = 1.6 * float(max(pop.max(), got.max()))  # room for the labels beside the bars
        ax.set_xlim(0, right)
        ax.set_xticks([t for t in ax.get_xticks() if 0 <= t <= min(100.0, right)])  # no 120%
        ax.xaxis.set_major_formatter("{x:.0f}%")
        ax.spines[["top", "right"]].set_visible(False)
        for i, (p_share, s_share) in enumerate(zip(pop, got, strict=True)):
            ax.text(max(p_share, s_share) + 0.5, i, f"{s_share:.1f}% (population {p_share:.1f}%)",
                    va="center", fontsize=7)  # fmt: skip
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper right", bbox_to_anchor=(0.97, 1.0), fontsize=8,
                  frameon=False, ncols=2)  # fmt: skip
    figure.suptitle(
        f"Shares: sample ({balance.n}) vs eligible population ({balance.population_size})",
        fontsize=11,
        x=0.02,
        ha="left",
    )
    figure.subplots_adjust(left=0.3, right=0.97, top=1 - 0.55 / figure.get_figheight(),
                           bottom=0.35 / figure.get_figheight(), hspace=0.55)  # fmt: skip
    if path is not None:
        figure.savefig(os.fspath(path), dpi=150, format="png")
    return figure
