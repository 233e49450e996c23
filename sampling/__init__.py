"""Sample sizes, margins of error and stratified case samples for inspection fieldwork.

The public API is listed in ``__all__``; everything in underscore modules is private.
"""

from ._allocation import Allocation, BiasWarning, MarginWarning, Rounding, allocate
from ._balance import Balance, BalanceWarning, balance_report
from ._caselist import CaseList, CaseListError, CaseListWarning, check_cases, read_case_list
from ._exclusions import Exclusions, read_exclusions
from ._frame import DEFAULT_STRATA, read_cases
from ._manifest import ReproductionWarning, file_sha256, make_manifest, reproduce_draw
from ._output import WrittenDraw, write_draw
from ._planning import planning_table
from ._plot import plot_balance
from ._published import published_samples
from ._recode import CaseMapping, load_mapping
from ._selection import Draw, draw
from ._sizes import (
    ImpliedPopulation,
    NormalApproximationWarning,
    SampleSize,
    implied_population,
    margin_of_error,
    sample_size,
)
from ._substitute import Substitution, current_sample, draw_allocation, substitute
from ._vocab import vocabulary_table

__all__ = [
    "DEFAULT_STRATA",
    "Allocation",
    "Balance",
    "BalanceWarning",
    "BiasWarning",
    "CaseList",
    "CaseListError",
    "CaseListWarning",
    "CaseMapping",
    "Draw",
    "Exclusions",
    "ImpliedPopulation",
    "MarginWarning",
    "NormalApproximationWarning",
    "ReproductionWarning",
    "Rounding",
    "SampleSize",
    "Substitution",
    "WrittenDraw",
    "allocate",
    "balance_report",
    "check_cases",
    "current_sample",
    "draw",
    "draw_allocation",
    "file_sha256",
    "implied_population",
    "load_mapping",
    "make_manifest",
    "margin_of_error",
    "planning_table",
    "plot_balance",
    "published_samples",
    "read_case_list",
    "read_cases",
    "read_exclusions",
    "reproduce_draw",
    "sample_size",
    "substitute",
    "vocabulary_table",
    "write_draw",
]

__version__ = "0.1.0"
