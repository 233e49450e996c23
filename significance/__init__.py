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
    from . import report  # noqa: F401 - the subpackage, loaded on first use
    from .report import (
        ROUND_TESTS,
        RoundComparison,
        compare_rounds,
        plot_comparison,
        rate_standards,
        sensitivity_to_previous_n,
    )

# The findings subpackage (case answers to published figures; needs pandas), also lazy.
if TYPE_CHECKING:
    from . import findings  # noqa: F401 - the subpackage, loaded on first use
    from .findings import CaseFindings, case_findings, check_case_answers, design_proportion

# Names from the pandas subpackages, imported when one is first used: name -> subpackage.
_LAZY = {
    **dict.fromkeys(
        (
            "ROUND_TESTS",
            "RoundComparison",
            "compare_rounds",
            "plot_comparison",
            "rate_standards",
            "sensitivity_to_previous_n",
        ),
        ".report",
    ),
    **dict.fromkeys(
        ("CaseFindings", "case_findings", "check_case_answers", "design_proportion"), ".findings"
    ),
}
_SUBPACKAGES = {"report": ".report", "findings": ".findings"}


def __getattr__(name: str) -> Any:
    if name in _LAZY or name in _SUBPACKAGES:
        import importlib

        module = importlib.import_module(_LAZY.get(name) or _SUBPACKAGES[name], __name__)
        value = module if name in _SUBPACKAGES else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BAND_EDGES",
    "RATINGS",
    "ROUND_TESTS",
    "AmbiguousPercentageWarning",
    "CaseFindings",
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
    "case_findings",
    "check_case_answers",
    "compare_rounds",
    "counts_from_percentage",
    "design_proportion",
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
