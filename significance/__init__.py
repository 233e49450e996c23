"""Significance tests, intervals, power and ratings for inspection findings.

The public API is listed in ``__all__``; everything in underscore modules is private. The
comparison report (``compare_rounds`` and friends) needs pandas, so it is imported on first use:
``import significance`` and ``python -m significance ztest`` stay light.
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from . import report  # noqa: F401 - the subpackage, loaded on first use
    from .report import (
        ROUND_TESTS,
        RoundComparison,
        compare_rounds,
        plot_comparison,
        rate_standards,
        sensitivity_to_previous_n,
    )

# Names from the report subpackage (it needs pandas), imported when one is first used.
_LAZY = (
    "ROUND_TESTS",
    "RoundComparison",
    "compare_rounds",
    "plot_comparison",
    "rate_standards",
    "sensitivity_to_previous_n",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY or name == "report":
        import importlib

        report = importlib.import_module(".report", __name__)
        value = report if name == "report" else getattr(report, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BAND_EDGES",
    "RATINGS",
    "ROUND_TESTS",
    "AmbiguousPercentageWarning",
    "ConfidenceInterval",
    "DetectableDifference",
    "GroupSize",
    "OneSampleResult",
    "PercentageCounts",
    "ProviderRating",
    "RoundComparison",
    "SmallCountWarning",
    "StandardRating",
    "ZTestResult",
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
