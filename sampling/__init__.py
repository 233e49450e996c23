"""Sample sizes, margins of error and stratified case samples for inspection fieldwork.

The public API is listed in ``__all__``; everything in underscore modules is private.

The names load on first use (PEP 562): ``import sampling`` and ``python -m sampling size``
import no numpy, pandas or scipy until a name that needs them is used.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

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

_HOMES = {
    "Allocation": "._allocation",
    "BiasWarning": "._allocation",
    "MarginWarning": "._allocation",
    "Rounding": "._allocation",
    "allocate": "._allocation",
    "Balance": "._balance",
    "BalanceWarning": "._balance",
    "balance_report": "._balance",
    "CaseList": "._caselist",
    "CaseListError": "._caselist",
    "CaseListWarning": "._caselist",
    "check_cases": "._caselist",
    "read_case_list": "._caselist",
    "Exclusions": "._exclusions",
    "read_exclusions": "._exclusions",
    "DEFAULT_STRATA": "._frame",
    "read_cases": "._frame",
    "ReproductionWarning": "._manifest",
    "file_sha256": "._manifest",
    "make_manifest": "._manifest",
    "reproduce_draw": "._manifest",
    "WrittenDraw": "._output",
    "write_draw": "._output",
    "planning_table": "._planning",
    "plot_balance": "._plot",
    "published_samples": "._published",
    "CaseMapping": "._recode",
    "load_mapping": "._recode",
    "Draw": "._selection",
    "draw": "._selection",
    "ImpliedPopulation": "._sizes",
    "NormalApproximationWarning": "._sizes",
    "SampleSize": "._sizes",
    "implied_population": "._sizes",
    "margin_of_error": "._sizes",
    "sample_size": "._sizes",
    "Substitution": "._substitute",
    "current_sample": "._substitute",
    "draw_allocation": "._substitute",
    "substitute": "._substitute",
    "vocabulary_table": "._vocab",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sampling' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # later uses find it directly
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
