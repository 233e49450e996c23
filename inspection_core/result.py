"""A small base for result objects: readable ``str``, an HTML table in notebooks, ``to_dict``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from .deferred import loaded

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Result", "to_builtin"]


def to_builtin(value: Any) -> Any:
    """Convert a result's field to JSON-friendly Python values.

    numpy scalars and arrays become numbers and lists (NaN and inf become None, as do pandas'
    missing values), a table (a pandas DataFrame) a list of one dict per row, a Series a list,
    a nested result its own :meth:`Result.to_dict`, a path its text and a date or time its ISO
    8601 text. pandas is recognised by its methods, and numpy is not imported (no value can be
    a numpy array or scalar unless numpy is loaded).

    Examples
    --------
    >>> import numpy as np
    >>> to_builtin({"x": np.float64(0.5), "y": [np.int64(2), float("nan")]})
    {'x': 0.5, 'y': [2, None]}
    """
    np = loaded()
    if isinstance(value, Result):
        return value.to_dict()
    if hasattr(value, "columns") and hasattr(value, "to_dict"):  # a DataFrame: its rows
        return [
            {str(k): to_builtin(v) for k, v in row.items()}
            for row in value.to_dict(orient="records")
        ]
    if hasattr(value, "to_list") and hasattr(value, "dtype"):  # a Series or an Index
        return [to_builtin(v) for v in value.to_list()]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    if np is not None and isinstance(value, np.ndarray):
        return [to_builtin(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [to_builtin(v) for v in value]
    if isinstance(value, dict):
        return {k: to_builtin(v) for k, v in value.items()}
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fmt(value: Any) -> str:
    np = loaded()
    if value is None:
        return "none"
    if isinstance(value, float) or (np is not None and isinstance(value, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "n/a"
        if math.isinf(v):
            return "infinite"
        return f"{v:.6g}"
    if np is not None and isinstance(value, np.ndarray):
        return str(np.array2string(value, precision=6, separator=", ", threshold=20))
    return str(value)


@dataclass(frozen=True)
class Result:
    """Base class: subclasses are frozen dataclasses that implement :meth:`summary`."""

    def summary(self) -> str:
        """One or two plain-English sentences stating the result."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain Python values, ready for ``json.dumps``."""
        return {f.name: to_builtin(getattr(self, f.name)) for f in fields(self)}

    def _rows(self) -> list[tuple[str, str]]:
        return [(f.name, _fmt(getattr(self, f.name))) for f in fields(self)]

    def __str__(self) -> str:
        rows = self._rows()
        width = max(len(k) for k, _ in rows)
        body = "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)
        return f"{self.summary()}\n{body}"

    def _repr_html_(self) -> str:
        import html  # notebooks only: the command line does not load it

        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in self._rows()
        )
        title = html.escape(type(self).__name__)
        return (
            f"<div><strong>{title}</strong>: {html.escape(self.summary())}"
            f"<table>{cells}</table></div>"
        )
