"""Significance tests, intervals, power and ratings for inspection findings.

The public API is listed in ``__all__``; everything in underscore modules is private.

The names load on first use (PEP 562): ``import significance`` imports none of the modules
behind them, and ``python -m significance ztest`` with plain numbers imports no numpy, scipy or
pandas (the comparison report and the findings need pandas, and load it when first used).
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from . import findings, report  # noqa: F401 - the subpackages, loaded on first use
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
    from .findings import CaseFindings, case_findings, check_case_answers, design_proportion
    from .report import (
        ROUND_TESTS,
        RoundComparison,
        compare_rounds,
        plot_comparison,
        rate_standards,
        sensitivity_to_previous_n,
    )

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

_HOMES = {
    **dict.fromkeys(("DetectableDifference", "minimum_detectable_difference"), "._detectable"),
    **dict.fromkeys(("GroupSize", "sample_size_per_group"), "._group_size"),
    "adjust_pvalues": "._multiple",
    **dict.fromkeys(
        ("OneSampleResult", "ztest_against_aggregate", "ztest_one_sample"), "._onesample"
    ),
    **dict.fromkeys(
        (
            "PercentageCounts",
            "PercentageZTestResult",
            "PValueRange",
            "counts_from_percentage",
            "ztest_from_percentages",
        ),
        "._percentages",
    ),
    "power": "._power",
    **dict.fromkeys(
        (
            "BAND_EDGES",
            "RATINGS",
            "ProviderRating",
            "StandardRating",
            "percent_half_up",
            "provider_rating",
            "rating_band",
            "standard_rating",
        ),
        "._ratings",
    ),
    **dict.fromkeys(
        (
            "AmbiguousPercentageWarning",
            "CensusWarning",
            "SmallCountWarning",
            "ZeroVarianceWarning",
        ),
        "._warnings",
    ),
    **dict.fromkeys(("ConfidenceInterval", "ZTestResult", "ztest"), "._ztest"),
    **dict.fromkeys(
        ("CaseFindings", "case_findings", "check_case_answers", "design_proportion"), ".findings"
    ),
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
}
_SUBPACKAGES = {"report": ".report", "findings": ".findings"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name) or _SUBPACKAGES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(home, __name__)
    value = module if name in _SUBPACKAGES else getattr(module, name)
    globals()[name] = value  # later uses find it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
