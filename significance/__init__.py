"""Significance tests, intervals, power and ratings for inspection findings.

The public API is listed in ``__all__``; everything in underscore modules is private. The
comparison report (``compare_rounds`` and friends) needs pandas, so it is imported on first use:
``import significance`` and ``python -m significance ztest`` stay light.
"""

from typing import TYPE_CHECKING, Any

from ._detectable import DetectableDifference, minimum_detectable_difference
from ._group_size import GroupSize, sample_size_per_group
from ._multiple import adjust_pvalues
from ._onesample import OneSampleResult, ztest_against_aggregate, ztest_one_sample
from ._percentages import (
    PercentageCounts,
    PercentageZTestResult,
    PValueRange,
    counts_from_percentage,
    ztest_from_percentages,
)
from ._power import power
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
from ._warnings import (
    AmbiguousPercentageWarning,
    CensusWarning,
    SmallCountWarning,
    ZeroVarianceWarning,
)
from ._ztest import ConfidenceInterval, ZTestResult, ztest

if TYPE_CHECKING:
    from ._report import compare_rounds
    from ._report_plot import plot_comparison
    from ._report_result import RoundComparison
    from ._report_sensitivity import sensitivity_to_previous_n
    from ._report_standards import rate_standards

# Public name -> private module, imported when the name is first used (they need pandas).
_LAZY = {
    "RoundComparison": "._report_result",
    "compare_rounds": "._report",
    "plot_comparison": "._report_plot",
    "rate_standards": "._report_standards",
    "sensitivity_to_previous_n": "._report_sensitivity",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BAND_EDGES",
    "RATINGS",
    "AmbiguousPercentageWarning",
    "CensusWarning",
    "ConfidenceInterval",
    "DetectableDifference",
    "GroupSize",
    "OneSampleResult",
    "PValueRange",
    "PercentageCounts",
    "PercentageZTestResult",
    "ProviderRating",
    "RoundComparison",
    "SmallCountWarning",
    "StandardRating",
    "ZTestResult",
    "ZeroVarianceWarning",
    "adjust_pvalues",
    "compare_rounds",
    "counts_from_percentage",
    "minimum_detectable_difference",
    "percent_half_up",
    "plot_comparison",
    "power",
    "provider_rating",
    "rate_standards",
    "rating_band",
    "sample_size_per_group",
    "sensitivity_to_previous_n",
    "standard_rating",
    "ztest",
    "ztest_against_aggregate",
    "ztest_from_percentages",
    "ztest_one_sample",
]
