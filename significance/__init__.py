"""Significance tests, intervals, power and ratings for inspection findings.

The public API is listed in ``__all__``; everything in underscore modules is private.
"""

from ._detectable import DetectableDifference, minimum_detectable_difference
from ._multiple import adjust_pvalues
from ._onesample import OneSampleResult, ztest_against_aggregate, ztest_one_sample
from ._percentages import PercentageCounts, counts_from_percentage, ztest_from_percentages
from ._power import GroupSize, power, sample_size_per_group
from ._ratings import (
    BAND_EDGES,
    RATINGS,
    ProviderRating,
    StandardRating,
    percent_half_up,
    provider_rating,
    rating_band,
    standard_rating,
)
from ._warnings import AmbiguousPercentageWarning, SmallCountWarning
from ._ztest import ConfidenceInterval, ZTestResult, ztest

__all__ = [
    "BAND_EDGES",
    "RATINGS",
    "AmbiguousPercentageWarning",
    "ConfidenceInterval",
    "DetectableDifference",
    "GroupSize",
    "OneSampleResult",
    "PercentageCounts",
    "ProviderRating",
    "SmallCountWarning",
    "StandardRating",
    "ZTestResult",
    "adjust_pvalues",
    "counts_from_percentage",
    "minimum_detectable_difference",
    "percent_half_up",
    "power",
    "provider_rating",
    "rating_band",
    "sample_size_per_group",
    "standard_rating",
    "ztest",
    "ztest_against_aggregate",
    "ztest_from_percentages",
    "ztest_one_sample",
]
