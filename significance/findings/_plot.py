"""Chart of the key questions: each percentage with its interval, over the rating bands.

Matplotlib's object API only (a ``Figure`` with no pyplot state), imported on first use. The
chart comes back wrapped in :class:`FindingsChart`, which a notebook displays inline (it has
``_repr_png_``) and which saves atomically.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from inspection_core.errors import ParameterError
from inspection_core.files import atomic_write

from .. import BAND_EDGES, RATINGS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PLOT_SUFFIXES", "FindingsChart", "plot_key_questions"]

BAND_COLOURS = ("#f4c7c3", "#fce8b2", "#d9ead3", "#b7e1cd")
PLOT_SUFFIXES = (".png", ".svg")


@dataclass(frozen=True, eq=False)
class FindingsChart:
    """A findings chart: shown inline in a notebook, saved with :meth:`save`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The chart, for further changes with matplotlib's object API.
    """

    figure: Figure

    def to_bytes(self, fmt: str = "png") -> bytes:
        """The chart as PNG or SVG bytes."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format=fmt, dpi=150)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.to_bytes("png")

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the chart (``.png`` or ``.svg``) atomically; refuse to replace a file unasked.

        Raises
        ------
        ValueError
            A suffix other than .png or .svg, or a missing folder.
        FileExistsError
            ``path`` exists and ``overwrite`` is False.
        """
        target = Path(path)
        fmt = target.suffix.lower()
        if fmt not in PLOT_SUFFIXES:
            raise ParameterError("plot", f"path must end in .png or .svg; got {str(target)!r}")
        data = self.to_bytes(fmt.lstrip("."))

        def write(temp: Path) -> None:
            temp.write_bytes(data)

        return atomic_write(target, write, overwrite=overwrite)


def _label(kq: str, wording: str, width: int = 46) -> str:
    text = textwrap.shorten(f"{kq}  {wording}", width=2 * width - 5, placeholder="...")
    return textwrap.fill(text, width)


def plot_key_questions(
    table: pd.DataFrame, *, confidence_level: float, title: str | None = None
) -> FindingsChart:
    """Each key question's percentage (dot), Wilson interval (bar) and design estimate (ring)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = table[table["answered"] > 0]
    k = max(len(rows), 1)
    fig = Figure(figsize=(10.5, 1.3 + 0.42 * k), layout="constrained")
    ax = fig.add_subplot()
    edges = (0, *BAND_EDGES, 100)
    for lo, hi, colour in zip(edges[:-1], edges[1:], BAND_COLOURS, strict=True):
        ax.axvspan(lo, hi, color=colour, zorder=0, linewidth=0)
    ys = list(range(len(rows)))[::-1]
    for y, r in zip(ys, rows.to_dict("records"), strict=True):
        low, high = 100 * r["wilson_low"], 100 * r["wilson_high"]
        ax.plot([low, high], [y, y], color="#1f3b73", linewidth=2, zorder=2)
        ax.scatter([100 * r["proportion"]], [y], s=40, color="#1f3b73", zorder=3)
        if r["design_differs"]:
            ax.scatter([100 * r["design_estimate"]], [y], s=70, facecolors="none",
                       edgecolors="#c0392b", zorder=4)  # fmt: skip
        ax.annotate(f"{r['pct']}% (n={r['answered']})", (high, y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7)  # fmt: skip
    labels = [
        _label(str(a), str(b)) for a, b in zip(rows["key_question"], rows["wording"], strict=True)
    ]
    ax.set_yticks(ys, labels)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.7, k - 0.3)
    ax.set_xlabel("cases meeting the standard (%)")
    handles: list[Any] = [
        Line2D(
            [],
            [],
            marker="o",
            color="#1f3b73",
            label=f"percentage, {100 * confidence_level:g}% Wilson interval",
        ),
    ]
    if rows["design_differs"].any():
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="none",
                              color="#c0392b", label="design-based estimate"))  # fmt: skip
    handles += [Patch(color=c, label=name) for c, name in zip(BAND_COLOURS, RATINGS, strict=True)]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title(title or "Key questions with their intervals over the rating bands", fontsize=10)
    return FindingsChart(fig)
