"""Dumbbell chart of a round-on-round comparison: previous to current per key question.

Matplotlib is imported inside the function (and only its object-oriented ``Figure``, with no
pyplot state), so importing :mod:`significance` stays light.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.files import atomic_write

from .._ratings import BAND_EDGES, RATINGS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .result import RoundComparison

__all__ = ["plot_comparison"]

BAND_COLOURS = ("#f4c7c3", "#fce8b2", "#d9ead3", "#b7e1cd")
PLOT_SUFFIXES = (".png", ".svg")


def _label(standard: str, question: str, width: int = 50) -> str:
    """The standard's number and the question, in at most two lines."""
    code = standard.split()[0] if standard else ""
    text = f"{code}  {question}" if code else question
    return textwrap.fill(textwrap.shorten(text, width=2 * width - 5, placeholder="..."), width)


def _new_figure(**kwargs: Any) -> Figure:
    """A figure on the Agg canvas that renders itself as PNG in Jupyter (``_repr_png_``).

    The same helper as ``sampling``'s (each package keeps its own: the kernel does not import
    matplotlib, and the packages do not import each other's private modules).
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    class Chart(Figure):
        """A matplotlib figure that shows itself inline in Jupyter."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    Chart.__module__ = "matplotlib.figure"
    figure = Chart(**kwargs)
    FigureCanvasAgg(figure)
    return figure


def plot_comparison(
    report: RoundComparison,
    path: str | Path | None = None,
    *,
    title: str | None = None,
    overwrite: bool = False,
) -> Figure:
    """Dumbbell chart: each key question's previous and current percentage, bands shaded.

    Parameters
    ----------
    report : RoundComparison
        From :func:`compare_rounds`.
    path : str or Path, optional
        Save the chart here (``.png`` or ``.svg``), written atomically.
    title : str, optional
        Chart title (default states alpha and any assumed previous n).
    overwrite : bool, default False
        Replace an existing file at ``path``.

    Returns
    -------
    matplotlib.figure.Figure
        The chart (also saved when ``path`` is given), made without pyplot (no open figure is
        left behind); it renders itself as PNG (``_repr_png_``), so a notebook cell that returns
        it shows the chart.

    Raises
    ------
    ValueError
        A path whose suffix is not .png or .svg.
    FileExistsError
        ``path`` exists and ``overwrite`` is False.

    Notes
    -----
    Hollow circles are the previous round, filled circles the current one; significant changes
    are drawn thick and dark with a star, the rest thin and grey. Small ticks mark the comparator
    where there is one. Shading: under 50 Inadequate, 50-65 Requires improvement, 65-80 Good,
    80-100 Outstanding.
    """
    from .result import RoundComparison

    if not isinstance(report, RoundComparison):
        raise ParameterTypeError(
            "report", f"must be a RoundComparison; got {type(report).__name__}"
        )
    target = None
    if path is not None:
        if not isinstance(path, str | os.PathLike):
            raise ParameterTypeError("path", f"must be a file name; got {path!r}")
        target = Path(path)
        if target.suffix.lower() not in PLOT_SUFFIXES:
            raise ParameterError("plot", f"path must end in .png or .svg; got {str(target)!r}")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    t = report.table
    k = len(t)
    fig = _new_figure(figsize=(11, 1.2 + 0.5 * k), layout="constrained")
    ax = fig.add_subplot()
    edges = (0, *BAND_EDGES, 100)
    for lo, hi, colour in zip(edges[:-1], edges[1:], BAND_COLOURS, strict=True):
        ax.axvspan(lo, hi, color=colour, zorder=0, linewidth=0)
    ys = list(range(k))[::-1]
    for y, r in zip(ys, t.to_dict("records"), strict=True):
        a, b = float(r["previous_pct"]), float(r["current_pct"])
        sig = r["significant"] is True  # None (the call depends on a count) draws as grey
        colour = "#1f3b73" if sig else "#7f7f7f"
        ax.plot([a, b], [y, y], color=colour, linewidth=3 if sig else 1.5, zorder=2)
        ax.scatter([a], [y], s=45, facecolors="white", edgecolors=colour, zorder=3)
        ax.scatter([b], [y], s=45, color=colour, zorder=3)
        if sig:
            ax.scatter([b + (3 if b >= a else -3)], [y], marker="*", s=90, color="#c0392b",
                       zorder=4)  # fmt: skip
        if r["comparator_pct"] == r["comparator_pct"]:  # not NaN
            ax.plot([r["comparator_pct"]] * 2, [y - 0.3, y + 0.3], color="black", linewidth=1,
                    zorder=2)  # fmt: skip
    ax.set_yticks(ys, [_label(s, q) for s, q in zip(t["standard"], t["key_question"], strict=True)])
    ax.set_xlim(0, 104)  # room for a star beside 100%
    ax.set_ylim(-0.7, k - 0.3)
    ax.set_xlabel("key questions meeting the standard (%)")
    ax.tick_params(axis="y", labelsize=7)
    handles: list[Any] = [
        Line2D([], [], marker="o", markerfacecolor="white", color="#7f7f7f", label="previous"),
        Line2D([], [], marker="o", color="#7f7f7f", label="current"),
        Line2D(
            [],
            [],
            marker="*",
            linestyle="",
            color="#c0392b",
            markersize=10,
            label=f"significant at {report.alpha:g}",
        ),
    ]
    if t["comparator_pct"].notna().any():
        handles.append(Line2D([], [], marker="|", linestyle="", color="black", label="comparator"))
    handles += [Patch(color=c, label=name) for c, name in zip(BAND_COLOURS, RATINGS, strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    if title is None:
        title = f"Previous round to current round (z-test, alpha = {report.alpha:g})"
        if t["previous_n_assumed"].any():
            assumed = sorted({int(n) for n in t.loc[t["previous_n_assumed"], "previous_n"]})
            title += f"; previous n assumed {', '.join(map(str, assumed))}"
    ax.set_title(title, fontsize=10)
    if target is not None:
        fmt = target.suffix.lower().lstrip(".")

        def write(temp: Path) -> None:
            fig.savefig(temp, format=fmt, dpi=150)

        atomic_write(target, write, overwrite=overwrite)
    return fig
