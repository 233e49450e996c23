"""Sample sizes, margins of error and stratified case samples for inspection fieldwork.

The public API is listed in ``__all__``; everything in underscore modules is private.
"""

from ._allocation import Allocation, MarginWarning, allocate
from ._balance import Balance, BalanceWarning, balance_report
from ._caselist import CaseList, CaseListError, CaseListWarning, check_cases, read_case_list
from ._frame import DEFAULT_STRATA, read_cases
from ._manifest import file_sha256, make_manifest, reproduce_draw
from ._output import write_draw
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
from ._vocab import vocabulary_table

__all__ = [
    "DEFAULT_STRATA",
    "Allocation",
    "Balance",
    "BalanceWarning",
    "CaseList",
    "CaseListError",
    "CaseListWarning",
    "CaseMapping",
    "Draw",
    "ImpliedPopulation",
    "MarginWarning",
    "NormalApproximationWarning",
    "SampleSize",
    "allocate",
    "balance_report",
    "check_cases",
    "draw",
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
    "reproduce_draw",
    "sample_size",
    "vocabulary_table",
    "write_draw",
]

__version__ = "0.1.0"
