"""Warnings for statistical caveats: the result stands, but read it with care."""

from __future__ import annotations

__all__ = ["AmbiguousPercentageWarning", "SmallCountWarning"]


class SmallCountWarning(UserWarning):
    """An expected count is below 5, so the normal approximation behind the z-test is rough.

    The message gives the exact test's p-value for comparison.
    """


class AmbiguousPercentageWarning(UserWarning):
    """Several counts round to a published percentage; the nearest to ``percentage * n`` is used."""
