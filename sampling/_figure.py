"""Figures that show themselves in Jupyter: a matplotlib ``Figure`` with ``_repr_png_``.

The toolkit draws with matplotlib's object-oriented API and the Agg canvas, never pyplot, so a
chart leaves no open figure behind in a script and works on a server without a display. Such a
figure is not known to Jupyter's inline backend, so a plain ``Figure`` returned by a cell shows
only ``<Figure size ...>``. :func:`new_figure` makes a ``Figure`` subclass that renders itself as
PNG (``_repr_png_``), so the chart displays inline with no ``%matplotlib`` magic, whether or not
pyplot has been imported.

matplotlib is imported on the first call, so importing the packages stays light.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["new_figure"]

_CLASS: list[type[Figure]] = []


def _chart_class() -> type[Figure]:
    if _CLASS:
        return _CLASS[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    class Chart(Figure):
        """A matplotlib figure that renders as PNG in Jupyter (``_repr_png_``)."""

        def _repr_png_(self) -> bytes:
            if not isinstance(self.canvas, FigureCanvasAgg):  # pragma: no cover  # re-parented
                FigureCanvasAgg(self)
            buffer = io.BytesIO()
            self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    Chart.__module__ = "matplotlib.figure"  # reads as a Figure in reprs and docs
    _CLASS.append(Chart)
    return Chart


def new_figure(**kwargs: Any) -> Figure:
    """A new figure on the Agg canvas that displays inline in Jupyter.

    Keyword arguments are those of :class:`matplotlib.figure.Figure`.

    Examples
    --------
    >>> figure = new_figure(figsize=(2, 1))
    >>> figure._repr_png_()[1:4]
    b'PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _chart_class()(**kwargs)
    FigureCanvasAgg(figure)
    return figure
