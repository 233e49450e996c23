"""Rating bands, standard ratings and the provider rating of the published inspection method.

Bands of a key question's percentage: under 50 Inadequate, 50-64 Requires improvement, 65-79 Good,
80 and over Outstanding. A standard takes the band of its lowest key question; a panel may move it
by one band when that key question is within 5 points of a band edge or when one case judged
differently would change the band. Ten standards score 0-3 each; the 0-30 total gives the provider
rating: 0-5 Inadequate, 6-15 Requires improvement, 16-25 Good, 26-30 Outstanding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from inspection_core.checks import check_choice, format_value
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result
from inspection_core.rounding import percent_half_up

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "BAND_EDGES",
    "RATINGS",
    "ProviderRating",
    "StandardRating",
    "percent_half_up",
    "provider_rating",
    "rating_band",
    "standard_rating",
]

RATINGS: tuple[str, ...] = ("Inadequate", "Requires improvement", "Good", "Outstanding")
BAND_EDGES: tuple[int, ...] = (50, 65, 80)  # lowest percentage of each band above Inadequate
PROVIDER_EDGES: tuple[int, ...] = (6, 16, 26)  # lowest total score of each band above Inadequate
NEAR_BOUNDARY_POINTS = 5
STANDARDS: tuple[str, ...] = (
    "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2",
)  # fmt: skip
STANDARD_NAMES: dict[str, str] = {
    "1.1": "Leadership",
    "1.2": "Staff",
    "1.3": "Services",
    "1.4": "Information and facilities",
    "2.1": "Assessment",
    "2.2": "Planning",
    "2.3": "Implementation and delivery",
    "2.4": "Reviewing",
    "4.1": "Unpaid work",
    "4.2": "Through the Gate",
}


def _check_percentage(percentage: Any) -> float:
    if isinstance(percentage, bool) or not isinstance(percentage, int | float):
        raise ParameterTypeError(
            "percentage", f"must be a number from 0 to 100; got {percentage!r}"
        )
    value = float(percentage)
    if not 0 <= value <= 100 or math.isnan(value):
        raise ParameterError(
            "percentage", f"must be a number from 0 to 100; got {format_value(value)}"
        )
    return value


def rating_band(percentage: float, *, basis: str = "published") -> str:
    """Rating band of a key question's percentage.

    Parameters
    ----------
    percentage : float
        The key question's result, 0 to 100.
    basis : {"published", "unrounded"}, default "published"
        ``"published"`` rounds half up to a whole percentage first, as reports print it (so 64.5
        is 65, Good); ``"unrounded"`` bands the exact value (64.5 is Requires improvement).

    Returns
    -------
    str
        One of ``"Inadequate"``, ``"Requires improvement"``, ``"Good"``, ``"Outstanding"``.

    Examples
    --------
    >>> rating_band(64), rating_band(64.5), rating_band(64.5, basis="unrounded")
    ('Requires improvement', 'Good', 'Requires improvement')
    """
    check_choice("basis", basis, ("published", "unrounded"))
    value = _check_percentage(percentage)
    if basis == "published":
        value = math.floor(value + 0.5)
    return RATINGS[sum(value >= edge for edge in BAND_EDGES)]


def normalise_rating(name: Any) -> str:
    """Map a rating name, in any case and with ``-``/``_`` for spaces, to its canonical spelling."""
    if not isinstance(name, str):
        raise ParameterTypeError(
            "rating", f"must be one of {', '.join(map(repr, RATINGS))}; got {name!r}"
        )
    key = " ".join(name.replace("_", " ").replace("-", " ").split()).lower()
    for rating in RATINGS:
        if key == rating.lower():
            return rating
    raise ParameterError("rating", f"must be one of {', '.join(map(repr, RATINGS))}; got {name!r}")


def _shift(rating: str, step: int) -> str | None:
    i = RATINGS.index(rating) + step
    return RATINGS[i] if 0 <= i < len(RATINGS) else None


@dataclass(frozen=True)
class StandardRating(Result):
    """A standard's rating from its key questions, with the panel's room to move it.

    Attributes
    ----------
    rating : str
        Band of the lowest key question (the rule's rating).
    lowest : float
        The lowest key question's percentage.
    lowest_index : int
        Position of the lowest key question in the input.
    near_boundary : bool
        True when the panel may move the rating by one band.
    reasons : tuple of str
        Why it is near a boundary (within 5 points of an edge; one case would change the band).
    panel_options : tuple of str
        Ratings the panel may give: the rule's rating and any adjacent band it is near.
    """

    rating: str
    lowest: float
    lowest_index: int
    near_boundary: bool
    reasons: tuple[str, ...]
    panel_options: tuple[str, ...]

    def summary(self) -> str:
        """State the rating and any panel discretion."""
        text = f"{self.rating} (lowest key question {self.lowest:g}%)"
        if self.near_boundary:
            text += f"; the panel may consider {' or '.join(self.panel_options)}: " + "; ".join(
                self.reasons
            )
        return text + "."


def boundary_flags(
    percentage: float,
    x: int | None = None,
    n: int | None = None,
    *,
    basis: str = "published",
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reasons a result is near a band edge, and the adjacent bands a panel may consider.

    The panel may move a rating by **one** band when the result is within 5 points of a band
    edge (``|value - edge| <= 5``, inclusive) or when one case judged differently would change
    the band (``(x - 1) / n`` and ``(x + 1) / n`` re-banded, when counts are given). A case that
    would move the band by two still only opens the adjacent band in that direction.

    Parameters
    ----------
    percentage : float
        The result, 0 to 100.
    x, n : int, optional
        Its counts, for the one-case rule.
    basis : {"published", "unrounded"}, default "published"
        ``"published"`` applies the rules to the whole percentage rounded half up, as reports
        print it; ``"unrounded"`` to the exact value.

    Examples
    --------
    >>> boundary_flags(64.5)
    (('65% is within 5 points of 65%',), ('Requires improvement',))
    >>> boundary_flags(64.5, basis="unrounded")
    (('64.5% is within 5 points of 65%',), ('Good',))

    Three of five cases (60%) is Requires improvement; four of five (80%) would be Outstanding,
    but the panel may move the rating by one band only:

    >>> boundary_flags(60, 3, 5)[1]
    ('Good', 'Inadequate')
    """
    band = rating_band(percentage, basis=basis)
    value = math.floor(percentage + 0.5) if basis == "published" else percentage
    reasons: list[str] = []
    options: list[str] = []
    for edge in BAND_EDGES:
        if abs(value - edge) <= NEAR_BOUNDARY_POINTS:
            other = _shift(band, 1 if value < edge else -1)
            if other is not None and other not in options:
                reasons.append(f"{value:g}% is within {NEAR_BOUNDARY_POINTS} points of {edge}%")
                options.append(other)
    if x is not None and n is not None:
        for other_x in (x - 1, x + 1):
            if 0 <= other_x <= n:
                exact = 100 * other_x / n
                shown = percent_half_up(other_x, n) if basis == "published" else exact
                other = rating_band(shown, basis=basis)
                if other != band:
                    reasons.append(f"one case judged differently ({other_x} of {n}) gives {other}")
                    step = 1 if RATINGS.index(other) > RATINGS.index(band) else -1
                    adjacent = _shift(band, step)
                    if adjacent is not None and adjacent not in options:
                        options.append(adjacent)
    return tuple(reasons), tuple(options)


def standard_rating(
    percentages: Sequence[float],
    *,
    counts: Sequence[tuple[int, int]] | None = None,
) -> StandardRating:
    """Rating of a standard: the band of its lowest key question, with panel flags.

    Parameters
    ----------
    percentages : sequence of float
        The standard's key-question percentages (published whole numbers or unrounded).
    counts : sequence of (x, n), optional
        Yes-count and cases behind each percentage, to check whether one case judged
        differently would change the band.

    Returns
    -------
    StandardRating

    Examples
    --------
    Thames Valley 2019, 2.2 Planning (74%, 74%, 61%): the rule gives Requires improvement, and 61%
    is within 5 points of 65%, so the panel may rate it Good (as it did):

    >>> r = standard_rating([74, 74, 61])
    >>> r.rating, r.panel_options
    ('Requires improvement', ('Requires improvement', 'Good'))
    """
    values = [_check_percentage(p) for p in percentages]
    if not values:
        raise ParameterError("percentages", "must hold at least one key question; got none")
    if counts is not None and len(counts) != len(values):
        raise ParameterError(
            "counts", f"must have one (x, n) per percentage; got {len(counts)} for {len(values)}"
        )
    i = min(range(len(values)), key=lambda k: values[k])
    x, n = counts[i] if counts is not None else (None, None)
    reasons, others = boundary_flags(values[i], x, n)
    rating = rating_band(values[i])
    return StandardRating(
        rating=rating,
        lowest=values[i],
        lowest_index=i,
        near_boundary=bool(reasons),
        reasons=reasons,
        panel_options=(rating, *others),
    )


@dataclass(frozen=True)
class ProviderRating(Result):
    """The provider rating from ten standard ratings.

    Attributes
    ----------
    score : int
        Total of the standards' scores (Inadequate 0, Requires improvement 1, Good 2,
        Outstanding 3), 0 to 30.
    rating : str
        0-5 Inadequate, 6-15 Requires improvement, 16-25 Good, 26-30 Outstanding.
    scores : tuple of int
        Each standard's score, in input order.
    """

    score: int
    rating: str
    scores: tuple[int, ...]

    def summary(self) -> str:
        """State the score and rating."""
        return f"Score {self.score} of 30: {self.rating}."


def provider_rating(ratings: Sequence[str]) -> ProviderRating:
    """Provider rating from the ten standard ratings.

    Parameters
    ----------
    ratings : sequence of str
        Ten ratings in the order 1.1 to 4.2 (any case; ``requires-improvement`` is accepted).

    Returns
    -------
    ProviderRating

    Raises
    ------
    ValueError
        Not exactly ten ratings, or an unknown rating name.

    Examples
    --------
    Thames Valley CRC, 2019 (published overall rating: Good):

    >>> provider_rating(["Good"] * 6 + ["Inadequate"] * 2 + ["Good", "Outstanding"])
    ProviderRating(score=17, rating='Good', scores=(2, 2, 2, 2, 2, 2, 0, 0, 2, 3))
    """
    if isinstance(ratings, str) or not isinstance(ratings, Sequence):
        raise ParameterTypeError(
            "ratings", f"must be a sequence of ten rating names; got {ratings!r}"
        )
    if len(ratings) != len(STANDARDS):
        raise ParameterError(
            "ratings", f"must hold exactly ten standard ratings (1.1 to 4.2); got {len(ratings)}"
        )
    scores = tuple(RATINGS.index(normalise_rating(r)) for r in ratings)
    total = sum(scores)
    return ProviderRating(
        score=total, rating=RATINGS[sum(total >= e for e in PROVIDER_EDGES)], scores=scores
    )
