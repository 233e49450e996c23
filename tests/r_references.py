"""Read R's own outputs from ``tests/r/references.csv`` (written by ``tests/r/make_references.R``).

The file is long: one value per row, keyed by the R function, a ``case_id`` (one per R call),
the call's arguments and the output's name. :func:`calls` groups the rows back into one
:class:`RCall` per R call, with typed arguments and float values, so a test can run the toolkit
once per call and compare every output. Regenerate the file with ``make r-references``; reading it
needs no R.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["REFERENCES", "RCall", "Reference", "calls", "load", "r_version"]

REFERENCES = Path(__file__).parent / "r" / "references.csv"

Scalar = bool | int | float | str
Arg = Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class Reference:
    """One row of the file: one output of one R call."""

    function: str
    case_id: str
    args: Mapping[str, Arg]
    quantity: str
    value: float


@dataclass(frozen=True)
class RCall:
    """All recorded outputs of one R call.

    Attributes
    ----------
    function : str
        The R function (``prop.test``, ``binom.test``, ``fisher.test``, ``power.prop.test``,
        ``p.adjust``, ``qnorm``).
    case_id : str
        Unique per call; readable (``2s-domain-74/100-65/100-two.sided-nocc-0.95``).
    args : Mapping
        R argument name -> value (``bool`` for TRUE/FALSE, ``int``, ``float``, ``str``; a tuple
        for a vector).
    values : Mapping
        Output name -> value as a float (NaN where R gave NaN or NA).
    """

    function: str
    case_id: str
    args: Mapping[str, Arg]
    values: Mapping[str, float]

    def arg(self, name: str) -> Arg:
        """The argument ``name`` (KeyError when the call did not pass it)."""
        return self.args[name]

    def number(self, name: str) -> float:
        """A numeric argument as a float."""
        value = self.args[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{self.case_id}: argument {name} is not a number: {value!r}")
        return float(value)

    def integer(self, name: str) -> int:
        """A whole-number argument as an int."""
        value = self.args[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{self.case_id}: argument {name} is not an integer: {value!r}")
        return value

    def flag(self, name: str) -> bool:
        """A TRUE/FALSE argument."""
        value = self.args[name]
        if not isinstance(value, bool):
            raise TypeError(f"{self.case_id}: argument {name} is not TRUE/FALSE: {value!r}")
        return value

    def text(self, name: str) -> str:
        """A character argument."""
        value = self.args[name]
        if not isinstance(value, str):
            raise TypeError(f"{self.case_id}: argument {name} is not a string: {value!r}")
        return value

    def vector(self, name: str) -> tuple[float, ...]:
        """A numeric vector argument (a single number is a vector of one)."""
        value = self.args[name]
        items = value if isinstance(value, tuple) else (value,)
        out = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise TypeError(f"{self.case_id}: argument {name} is not numeric: {value!r}")
            out.append(float(item))
        return tuple(out)

    def r_call(self) -> str:
        """The call as R code, for failure messages and provenance."""

        def show(value: Arg) -> str:
            if isinstance(value, tuple):
                return "c(" + ", ".join(show(v) for v in value) + ")"
            if isinstance(value, bool):
                return "TRUE" if value else "FALSE"
            if isinstance(value, str):
                return f'"{value}"'
            return repr(value)

        args = dict(self.args)
        if {"x1", "n1", "x2", "n2"} <= args.keys():
            x = f"c({args.pop('x1')}, {args.pop('x2')})"
            n = f"c({args.pop('n1')}, {args.pop('n2')})"
            if self.function == "fisher.test":
                head = f"matrix(c(x1, n1 - x1, x2, n2 - x2), 2) with x = {x}, n = {n}"
            else:
                head = f"{x}, {n}"
            rest = ", ".join(f"{k} = {show(v)}" for k, v in args.items())
            return f"{self.function}({head}, {rest})"
        return f"{self.function}(" + ", ".join(f"{k} = {show(v)}" for k, v in args.items()) + ")"


def _scalar(text: str) -> Scalar:
    if text in ("TRUE", "FALSE"):
        return text == "TRUE"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_args(text: str) -> dict[str, Arg]:
    """``key=value;key=value`` -> typed values (``a|b|c`` is a vector).

    >>> parse_args("x=8;n=18;p=0.449;correct=TRUE;alternative=two.sided;q=0.1|0.2")
    {'x': 8, 'n': 18, 'p': 0.449, 'correct': True, 'alternative': 'two.sided', 'q': (0.1, 0.2)}
    """
    out: dict[str, Arg] = {}
    for item in text.split(";"):
        key, _, value = item.partition("=")
        out[key] = tuple(_scalar(v) for v in value.split("|")) if "|" in value else _scalar(value)
    return out


def _value(text: str) -> float:
    return math.nan if text in ("NA", "NaN") else float(text)


def _lines(path: Path) -> Iterator[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                yield line


@cache
def load(path: Path = REFERENCES) -> tuple[Reference, ...]:
    """Every row of the file, in file order."""
    reader = csv.DictReader(_lines(path))
    return tuple(
        Reference(
            function=row["function"],
            case_id=row["case_id"],
            args=parse_args(row["args"]),
            quantity=row["quantity"],
            value=_value(row["value"]),
        )
        for row in reader
    )


@cache
def r_version(path: Path = REFERENCES) -> str:
    """The R version line the file was written with (``R version 4.2.2 Patched ...``)."""
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
    if not first.startswith("# R version"):
        raise ValueError(f"{path} does not start with an R version line; got {first!r}")
    return first[2:].split(";")[0]


def calls(function: str | None = None, *, path: Path = REFERENCES) -> list[RCall]:
    """The rows grouped by R call (in file order), optionally of one R function only."""
    grouped: dict[str, list[Reference]] = {}
    for row in load(path):
        if function is None or row.function == function:
            grouped.setdefault(row.case_id, []).append(row)
    return [
        RCall(
            function=rows[0].function,
            case_id=case_id,
            args=rows[0].args,
            values={r.quantity: r.value for r in rows},
        )
        for case_id, rows in grouped.items()
    ]
