"""The structured validation error: the parameter's name travels with the message.

Library functions raise :class:`ParameterError` (a ``ValueError``) or :class:`ParameterTypeError`
(a ``TypeError``) with the name of the parameter at fault and the rest of the sentence. Each front
end names the parameter its own way: Python shows ``margin_of_error``, the command line
``--margin``, a form its field label. Nothing rewrites message text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ParameterError", "ParameterTypeError", "StructuredError", "render_error"]


def _same(name: str) -> str:
    return name


class StructuredError(Exception):
    """Mixin for errors about one parameter (possibly mentioning others).

    Parameters
    ----------
    parameter : str
        The API name of the parameter at fault, e.g. ``"margin_of_error"``.
    detail : str
        The rest of the sentence, e.g. ``"must be between 0 and 1; got 5"``. Other parameters it
        mentions are written ``{name}`` and listed in ``refs``; ``{parameter}`` itself may
        appear too (``"got {n} = 40"``).
    sentence : bool, default False
        ``detail`` is the whole sentence (``"row 2 has no count; assume one with
        {previous_n}"``): the parameter's name is not put in front of it.
    refs : iterable of str, optional
        Names of other parameters that ``detail`` mentions as ``{name}``.
    """

    parameter: str
    detail: str
    refs: tuple[str, ...]
    sentence: bool

    def __init__(
        self, parameter: str, detail: str, *, refs: Iterable[str] = (), sentence: bool = False
    ) -> None:
        self.parameter = parameter
        self.detail = detail
        self.refs = tuple(refs)
        self.sentence = sentence
        super().__init__(self.render())

    def render(self, name: Callable[[str], str] = _same) -> str:
        """The message with every parameter named by ``name`` (the API name by default).

        Examples
        --------
        >>> err = ParameterError("x1", "must be at most {n1} (100); got 120", refs=["n1"])
        >>> str(err)
        'x1 must be at most n1 (100); got 120'
        >>> err.render(lambda p: "--" + p)
        '--x1 must be at most --n1 (100); got 120'
        """
        text = self.detail
        for ref in (self.parameter, *self.refs):
            text = text.replace("{" + ref + "}", name(ref))
        return text if self.sentence else f"{name(self.parameter)} {text}"

    def __reduce__(self) -> tuple[Any, ...]:
        args = (type(self), self.parameter, self.detail, self.refs, self.sentence)
        return (_rebuild, args)


def _rebuild(
    cls: type[StructuredError],
    parameter: str,
    detail: str,
    refs: tuple[str, ...],
    sentence: bool,
) -> StructuredError:
    return cls(parameter, detail, refs=refs, sentence=sentence)


class ParameterError(StructuredError, ValueError):
    """A parameter has a wrong value (a ``ValueError`` that knows the parameter's name)."""


class ParameterTypeError(StructuredError, TypeError):
    """A parameter has a wrong kind (a ``TypeError`` that knows the parameter's name)."""


def render_error(exc: BaseException, name: Callable[[str], str] = _same) -> str:
    """One line for any error: structured ones with ``name`` applied, others as they are."""
    if isinstance(exc, StructuredError):
        return exc.render(name)
    return " ".join(str(exc).split()) or type(exc).__name__
