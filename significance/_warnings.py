"""Warnings for statistical caveats: the result stands, but read it with care."""

from __future__ import annotations

__all__ = [
    "AmbiguousPercentageWarning",
    "CensusWarning",
    "SmallCountWarning",
    "ZeroVarianceWarning",
]


class SmallCountWarning(UserWarning):
    """An expected count is below 5, so the normal approximation behind the z-test is rough.

    The message gives the exact test's p-value for comparison.
    """


class AmbiguousPercentageWarning(UserWarning):
    """Several counts round to a published percentage; the nearest to ``percentage * n`` is used."""


class ZeroVarianceWarning(UserWarning):
    """The unpooled standard error is 0 while the proportions differ (each group all one way).

    The Wald statistic would be infinite whatever the sample sizes; the pooled standard error is
    used for those comparisons instead.
    """


class CensusWarning(UserWarning):
    """A round inspected every eligible case (n = N) and a finite population correction is on.

    With the correction a census has no sampling error: the test then answers only "did the
    eligible populations' rates differ?", and when both rounds are censuses any difference at all
    is a real one (z is infinite, the power is 1 and every change is detectable).
    """
