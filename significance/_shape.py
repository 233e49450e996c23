"""One result shape for significance: fields as plain values, a frame for vectorised results.

* :func:`plain` turns a field into JSON-ready Python values. Unlike the kernel's ``to_builtin``
  it keeps the sign of an infinite statistic: ``inf`` and ``-inf`` become the strings
  ``"inf"`` and ``"-inf"`` (JSON has no infinity), NaN becomes ``None``.
* :class:`SignificanceResult` is the base of the significance results: ``to_dict()`` is the
  fields, ``to_frame()`` one row per comparison (pandas imported inside it), keeping the index
  of a pandas input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

from inspection_core.deferred import loaded, numpy_later
from inspection_core.result import Result

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
else:
    np = numpy_later(globals())

__all__ = ["Later", "LaterField", "SignificanceResult", "index_of", "later_fields", "plain"]


def plain(value: Any) -> Any:
    """A field as JSON-ready Python values; infinities keep their sign as ``"inf"``/``"-inf"``.

    Examples
    --------
    >>> plain(np.array([1.5, np.inf, -np.inf, np.nan]))
    [1.5, 'inf', '-inf', None]
    >>> plain(np.int64(3)), plain("z")
    (3, 'z')
    """
    numpy = loaded()  # no value is a numpy array or scalar unless numpy is loaded
    if numpy is not None and isinstance(value, numpy.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if numpy is not None and isinstance(value, numpy.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def index_of(*values: Any) -> Any:
    """The index of the first pandas Series (or DataFrame column) among ``values``, else None.

    Checked without importing pandas: a pandas input has an ``index`` and ``to_numpy``.
    """
    for value in values:
        if hasattr(value, "index") and hasattr(value, "to_numpy") and np.ndim(value) == 1:
            return value.index
    return None


class Later:
    """A field's value not built yet: ``build(*args)`` when the field is first read.

    For values a vectorised call seldom needs and that cost a pass of their own, such as the
    ``test`` field's million-element array of names (each element a reference to count).
    """

    __slots__ = ("args", "build")

    def __init__(self, build: Any, *args: Any) -> None:
        self.build, self.args = build, args


class LaterField:
    """A dataclass field's descriptor: a :class:`Later` value is built (once) when first read.

    Installed by :func:`later_fields`. Reading the field gives the built value, so ``repr``,
    ``==``, ``to_dict()``, ``to_frame()``, pickling and :func:`dataclasses.replace` see what an
    eagerly built field would hold.
    """

    def __init__(self, name: str) -> None:
        self.name, self.slot = name, "_later_" + name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, Later):
            value = value.build(*value.args)
            obj.__dict__[self.slot] = value  # a frozen instance's cache, not a new value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


def later_fields(*names: str) -> Any:
    """Class decorator (above ``@dataclass``): these fields may be given as :class:`Later`.

    The dataclass is made first (its ``__init__``, defaults and field order unchanged); each
    named field then reads and writes through a :class:`LaterField`.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @later_fields("value")
    ... @dataclass(frozen=True)
    ... class Box:
    ...     value: Any = "none"
    >>> Box(Later(str.upper, "built")).value, Box().value
    ('BUILT', 'none')
    """

    def install(cls: Any) -> Any:
        for name in names:
            setattr(cls, name, LaterField(name))
        return cls

    return install


@dataclass(frozen=True)
class SignificanceResult(Result):
    """Base of significance results: ``to_dict()`` is the fields; ``to_frame()`` for arrays.

    ``index`` (not shown, not compared) keeps the index of a pandas input for ``to_frame``.
    """

    index: Any = field(default=None, repr=False, compare=False, kw_only=True)

    def _shown(self) -> list[str]:
        return [f.name for f in fields(self) if f.repr]

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values, ready for ``json.dumps`` (``inf`` as ``"inf"``)."""
        return {name: plain(getattr(self, name)) for name in self._shown()}

    def _rows(self) -> list[tuple[str, str]]:
        shown = set(self._shown())
        return [(k, v) for k, v in super()._rows() if k in shown]

    def to_frame(self) -> Any:
        """One row per comparison (a pandas DataFrame); scalar fields repeat on every row.

        A result from pandas inputs keeps their index; otherwise rows are numbered from 0.
        Arrays of more than one dimension are flattened in C order; a pair such as
        ``pvalue_range`` becomes two columns (``pvalue_range_low``, ``pvalue_range_high``).

        Returns
        -------
        pandas.DataFrame
            One column per field.
        """
        import pandas as pd

        values: dict[str, Any] = {}
        for name in self._shown():
            value = getattr(self, name)
            if isinstance(value, tuple) and hasattr(value, "_fields"):  # low/high pairs
                values.update({f"{name}_{key}": getattr(value, key) for key in value._fields})
            else:
                values[name] = value
        shapes = [np.shape(v) for v in values.values() if isinstance(v, np.ndarray)]
        shape = np.broadcast_shapes(*shapes) if shapes else ()
        size = int(np.prod(shape)) if shape else 1
        columns: dict[str, Any] = {}
        for name, value in values.items():
            if isinstance(value, np.ndarray):
                columns[name] = np.broadcast_to(value, shape).ravel()
            else:
                columns[name] = [value] * size
        index = self.index if self.index is not None and len(self.index) == size else None
        return pd.DataFrame(columns, index=index)
