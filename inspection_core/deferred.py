"""numpy imported where it is first used, not where it is named: the command line stays quick.

Loading numpy takes ten times as long as starting Python, and the commands that do scalar
arithmetic (``python -m sampling size``, ``python -m significance ztest``) never need it. A
module that uses numpy for arrays only writes::

    if TYPE_CHECKING:
        import numpy as np
    else:
        np = numpy_later(globals())

Type checkers see numpy itself. At run time ``np`` is a stand-in until an attribute of it is
first read (``np.asarray``): then numpy is imported and takes the stand-in's place in the
module, so every later use is the plain module, at no cost.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["is_array", "loaded", "numpy_later"]


class _Deferred:
    """Stands in for a module in one module's namespace until an attribute is read."""

    __slots__ = ("_alias", "_module", "_namespace")

    def __init__(self, module: str, namespace: dict[str, Any], alias: str) -> None:
        self._module = module
        self._namespace = namespace
        self._alias = alias

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self._module)
        self._namespace[self._alias] = module
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<{self._module}, imported on first use>"


def numpy_later(namespace: dict[str, Any], alias: str = "np") -> Any:
    """A stand-in for numpy bound to ``alias`` in ``namespace`` (a module's ``globals()``).

    Examples
    --------
    >>> space = {}
    >>> space["np"] = numpy_later(space)
    >>> space["np"].float64(2.5) * 2
    np.float64(5.0)
    >>> type(space["np"]).__name__
    'module'
    """
    if "numpy" in sys.modules:  # already loaded: no stand-in needed
        return sys.modules["numpy"]
    return _Deferred("numpy", namespace, alias)


def loaded(module: str = "numpy") -> Any:
    """The module if something has imported it already, else None (never imports it).

    A value cannot be a numpy array unless numpy is loaded, so ``isinstance`` checks against
    numpy's types can be skipped without importing it.
    """
    return sys.modules.get(module)


def is_array(value: Any) -> bool:
    """Whether ``value`` is a numpy array (False without importing numpy when it is not loaded).

    Examples
    --------
    >>> is_array(3.0), is_array([1, 2])
    (False, False)
    """
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.ndarray)
