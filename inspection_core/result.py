"""A small base for result objects: readable ``str``, an HTML table in notebooks, ``to_dict``."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

__all__ = ["Result", "to_builtin"]


def to_builtin(value: Any) -> Any:
    """Convert numpy scalars and arrays to JSON-friendly Python values (NaN and inf become None)."""
    if isinstance(value, np.ndarray):
        return [to_builtin(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [to_builtin(v) for v in value]
    if isinstance(value, dict):
        return {k: to_builtin(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return "n/a"
        if math.isinf(v):
            return "infinite"
        return f"{v:.6g}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=6, separator=", ", threshold=20)
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
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in self._rows()
        )
        title = html.escape(type(self).__name__)
        return (
            f"<div><strong>{title}</strong>: {html.escape(self.summary())}"
            f"<table>{cells}</table></div>"
        )
