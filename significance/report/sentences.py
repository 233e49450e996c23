"""The report's sentences: the published method's words for a change and for a comparison.

"Significant" appears only for a change (or difference) that passes the test; the rest are
described as within what chance could produce at the level used, never as "not significant".
"""

from __future__ import annotations

import math

from inspection_core.checks import format_value

__all__ = ["chance_sentence", "change_sentence", "comparator_sentence", "p_text", "pct_text"]


def p_text(p: float, alpha: float) -> str:
    """``p = 0.17``: two significant figures, more if needed to keep p on its side of alpha.

    Examples
    --------
    >>> p_text(0.1669, 0.1), p_text(0.0013, 0.1), p_text(0.0996, 0.1), p_text(0.1004, 0.1)
    ('p = 0.17', 'p = 0.0013', 'p = 0.0996', 'p = 0.1004')
    >>> p_text(0.00003, 0.1)
    'p < 0.001'
    """
    if p < 0.001:
        return "p < 0.001"
    first = max(2, 1 - math.floor(math.log10(p)))
    for decimals in range(first, 8):
        shown = round(p, decimals)
        if shown != alpha and (shown < alpha) == (p < alpha):
            return f"p = {p:.{decimals}f}"
    return f"p = {p:.6g}"


def pct_text(value: float) -> str:
    """A percentage as published: ``74%``, ``70.5%``."""
    return f"{format_value(float(value))}%"


def _points(value: float) -> str:
    whole = abs(value - round(value)) < 0.05
    return f"{value:+.0f}" if whole else f"{value:+.1f}"


def chance_sentence(alpha: float, tests: int, what: str) -> str:
    """How many of a family of tests pass at ``alpha`` by chance alone, in a sentence.

    Examples
    --------
    >>> chance_sentence(0.1, 15, "changes")
    'With 15 changes tested at the 0.1 level, about 1.5 would pass by chance alone if nothing had changed; the Holm and Benjamini-Hochberg p-values beside each call allow for the family.'
    """  # noqa: E501 - a doctest line cannot wrap
    expected = f"{round(alpha * tests, 1):g}"
    return (
        f"With {tests} {what} tested at the {alpha:g} level, about {expected} would pass by "
        "chance alone if nothing had changed; the Holm and Benjamini-Hochberg p-values beside "
        "each call allow for the family."
    )


def _range_text(low: float, high: float, alpha: float) -> str:
    """``p from 0.091 to 0.15`` (each end on its side of alpha)."""
    ends = [p_text(v, alpha).replace("p = ", "").replace("p < ", "<") for v in (low, high)]
    return f"p from {ends[0]} to {ends[1]}"


def _verdict(
    kind: str,
    p: float,
    significant: bool | None,
    alpha: float,
    *,
    test: str | None,
    p_range: tuple[float, float] | None,
    depends_on: str,
    range_note: str,
) -> str:
    """The call in words; ``significant`` None means it depends on ``depends_on``."""
    level = f"at the {alpha:g} level"
    varies = p_range is not None and p_range[0] != p_range[1]
    if p_range is not None and varies:
        shown = " ".join(filter(None, [_range_text(*p_range, alpha), range_note]))
    else:
        shown = p_text(p, alpha)
    if test:
        shown = f"{test}, {shown}"
    if significant is None:
        return f"; the call {level} depends on {depends_on} ({shown})"
    whatever = f" whatever {depends_on}" if varies else ""
    if significant:
        return f", a significant {kind} {level}{whatever} ({shown})"
    return f"; within what chance could produce {level}{whatever} ({shown})"


def change_sentence(
    previous_pct: float,
    current_pct: float,
    change: float,
    p: float,
    significant: bool | None,
    alpha: float,
    *,
    test: str | None = None,
    p_range: tuple[float, float] | None = None,
    depends_on: str = "the unpublished count",
    range_note: str = "",
) -> str:
    """The change in words; "significant" appears only when ``significant`` is True.

    ``test`` names a test other than the z-test that made the call; ``p_range`` is the range of
    p over what is not published (``depends_on``), and ``significant`` None says the call
    depends on it.

    Examples
    --------
    >>> change_sentence(74, 65, -9.0, 0.1669, False, 0.1)
    'Fell from 74% to 65% (-9 points); within what chance could produce at the 0.1 level (p = 0.17).'
    >>> change_sentence(55, 100, 45.0, 0.0013, True, 0.1)
    'Rose from 55% to 100% (+45 points), a significant change at the 0.1 level (p = 0.0013).'
    >>> change_sentence(23, 31, 8.0, 0.117, None, 0.1, p_range=(0.091, 0.153))
    'Rose from 23% to 31% (+8 points); the call at the 0.1 level depends on the unpublished count (p from 0.091 to 0.15).'
    """  # noqa: E501 - a doctest line cannot wrap
    verdict = _verdict(
        "change", p, significant, alpha, test=test, p_range=p_range, depends_on=depends_on,
        range_note=range_note,
    )  # fmt: skip
    if change == 0:
        return f"Unchanged at {pct_text(current_pct)}{verdict}."
    if previous_pct == current_pct:
        return (
            f"{pct_text(current_pct)} in both rounds as published ({_points(change)} points before "
            f"rounding){verdict}."
        )
    movement = "Rose" if change > 0 else "Fell"
    return (
        f"{movement} from {pct_text(previous_pct)} to {pct_text(current_pct)} "
        f"({_points(change)} points){verdict}."
    )


def comparator_sentence(
    versus: str,
    difference: float,
    p: float,
    significant: bool | None,
    alpha: float,
    *,
    p_range: tuple[float, float] | None = None,
    depends_on: str = "",
    range_note: str = "",
) -> str:
    """The current round against the comparator in words (same word rule).

    ``versus`` names what it was tested against, e.g. ``"the comparator's 68%"``.

    Examples
    --------
    >>> comparator_sentence("the comparator's 68%", -3.0, 0.51, False, 0.1)
    "3 points below the comparator's 68%; within what chance could produce at the 0.1 level (p = 0.51)."
    """  # noqa: E501 - a doctest line cannot wrap
    verdict = _verdict(
        "difference", p, significant, alpha, test=None, p_range=p_range, depends_on=depends_on,
        range_note=range_note,
    )  # fmt: skip
    if difference == 0:
        return f"Level with {versus}{verdict}."
    side = "above" if difference > 0 else "below"
    size = _points(abs(difference)).lstrip("+")
    unit = "point" if size == "1" else "points"
    return f"{size} {unit} {side} {versus}{verdict}."
