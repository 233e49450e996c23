"""The balance chart drawn from plain numbers: matplotlib only, no pandas.

:func:`sampling.plot_balance` turns a :class:`~sampling.Balance` into a :class:`ChartData` (one
panel per variable: each level's population and sample share) and draws it here. Keeping the
drawing apart from the report lets the ``draw`` command render ``balance.png`` in a second
process that imports matplotlib while the first reads the cases and solves the allocation
(:mod:`sampling._chart_process`): the data crosses as JSON, which carries every float exactly,
so both processes draw the same picture.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ChartData", "Panel", "draw_chart", "save_chart"]

DPI = 150
"""Resolution of ``balance.png`` (the fieldwork workbook shows it at half size)."""


@dataclass(frozen=True)
class Panel:
    """One variable's bars: its levels and their population and sample shares (0 to 1)."""

    variable: str
    levels: tuple[str, ...]
    population_share: tuple[float, ...]
    sample_share: tuple[float, ...]


@dataclass(frozen=True)
class ChartData:
    """What the balance chart shows: the sample size, the population size and the panels.

    Examples
    --------
    >>> data = ChartData(100, 250, (Panel("gender", ("female", "male"), (0.156, 0.844),
    ...                                   (0.15, 0.85)),))
    >>> ChartData.from_json(data.to_json()) == data
    True
    """

    n: int
    population_size: int
    panels: tuple[Panel, ...]

    def to_json(self) -> str:
        """The data as JSON (floats written to round-trip exactly)."""
        panels = [
            [p.variable, list(p.levels), list(p.population_share), list(p.sample_share)]
            for p in self.panels
        ]
        return json.dumps({"n": self.n, "population_size": self.population_size, "panels": panels})

    @classmethod
    def from_json(cls, text: str) -> ChartData:
        """The data :meth:`to_json` wrote."""
        raw = json.loads(text)
        panels = tuple(
            Panel(str(v), tuple(map(str, levels)), tuple(map(float, pop)), tuple(map(float, got)))
            for v, levels, pop, got in raw["panels"]
        )
        return cls(int(raw["n"]), int(raw["population_size"]), panels)


def _plain(text: object) -> str:
    """A label as matplotlib shows it literally: ``$`` would start mathtext."""
    return str(text).replace("$", r"\$")


def draw_chart(data: ChartData) -> Figure:
    """The chart as a figure on the Agg canvas (see :func:`sampling.plot_balance`).

    Examples
    --------
    >>> data = ChartData(100, 250, (Panel("gender", ("female", "male"), (0.156, 0.844),
    ...                                   (0.15, 0.85)),))
    >>> len(draw_chart(data).axes)
    1
    """
    from ._figure import new_figure

    heights = [max(1.2, 0.45 * len(p.levels) + 0.6) for p in data.panels]
    figure = new_figure(figsize=(7.5, sum(heights) + 0.9))
    axes = figure.subplots(len(data.panels), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, panel in zip(axes, data.panels, strict=True):
        y = range(len(panel.levels))
        pop = [100 * share for share in reversed(panel.population_share)]
        got = [100 * share for share in reversed(panel.sample_share)]
        ax.barh([i + 0.2 for i in y], pop, height=0.38, color="#9aa5b1", label="population")
        ax.barh([i - 0.2 for i in y], got, height=0.38, color="#1f5a96", label="sample")
        ax.set_yticks(list(y), [_plain(v) for v in reversed(panel.levels)])
        ax.set_title(_plain(panel.variable), loc="left", fontsize=10)
        right = 1.6 * max(*pop, *got)  # room for the labels beside the bars
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
        f"Shares: sample ({data.n}) vs eligible population ({data.population_size})",
        fontsize=11,
        x=0.02,
        ha="left",
    )
    figure.subplots_adjust(left=0.3, right=0.97, top=1 - 0.55 / figure.get_figheight(),
                           bottom=0.35 / figure.get_figheight(), hspace=0.55)  # fmt: skip
    return figure


def save_chart(data: ChartData, path: str | os.PathLike[str]) -> Figure:
    """Draw the chart and write it to ``path`` as PNG (150 dpi); return the figure."""
    figure = draw_chart(data)
    figure.savefig(os.fspath(path), dpi=DPI, format="png")
    return figure
