"""The report's sentences: the published method's words for a change and for a comparison.

"Significant" appears only for a change (or difference) that passes the test; the rest are
described as within what chance could produce at the level used, never as "not significant".
"""

from __future__ import annotations

import math

from inspection_core.checks import format_value

__all__ = ["change_sentence", "comparator_sentence", "p_text", "pct_text"]


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


def change_sentence(
    previous_pct: float,
    current_pct: float,
    change: float,
    p: float,
    significant: bool,
    alpha: float,
) -> str:
    """The change in words; "significant" appears only when ``significant`` is True.

    Examples
    --------
    >>> change_sentence(74, 65, -9.0, 0.1669, False, 0.1)
    'Fell from 74% to 65% (-9 points); within what chance could produce at the 0.1 level (p = 0.17).'
    >>> change_sentence(55, 100, 45.0, 0.0013, True, 0.1)
    'Rose from 55% to 100% (+45 points), a significant change at the 0.1 level (p = 0.0013).'
    """  # noqa: E501 - a doctest line cannot wrap
    level = f"at the {alpha:g} level"
    verdict = (
        f", a significant change {level} ({p_text(p, alpha)})"
        if significant
        else f"; within what chance could produce {level} ({p_text(p, alpha)})"
    )
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
    versus: str, difference: float, p: float, significant: bool, alpha: float
) -> str:
    """The current round against the comparator in words (same word rule).

    ``versus`` names what it was tested against, e.g. ``"the comparator's 68%"``.

    Examples
    --------
    >>> comparator_sentence("the comparator's 68%", -3.0, 0.51, False, 0.1)
    "3 points below the comparator's 68%; within what chance could produce (p = 0.51)."
    """
    if significant:
        verdict = f", a significant difference at the {alpha:g} level ({p_text(p, alpha)})"
    else:
        verdict = f"; within what chance could produce ({p_text(p, alpha)})"
    if difference == 0:
        return f"Level with {versus}{verdict}."
    side = "above" if difference > 0 else "below"
    size = _points(abs(difference)).lstrip("+")
    unit = "point" if size == "1" else "points"
    return f"{size} {unit} {side} {versus}{verdict}."
