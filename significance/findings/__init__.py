"""From inspectors' case answers to the published findings (needs pandas; imported on first use).

:func:`case_findings` reads a case-level results table, joins it by case ID to the draw's folder
(each case's cell, the cell's population, the case's inclusion probability) and returns the
key-question figures with their margins and intervals, design-based estimates, sub-groups with
the tests between them, and the ratings; :class:`CaseFindings` writes them as a workbook or
report, charts them and feeds :func:`significance.compare_rounds`. ``import significance`` does
not import this package, and importing it loads pandas only when a name is first used (so the
command line can read :func:`case_findings`' defaults cheaply).
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._catalogue import Catalogue, read_catalogue
    from ._estimate import DesignEstimate, design_proportion
    from ._findings import case_findings, check_case_answers
    from ._plot import FindingsChart
    from ._result import CaseFindings

# Public name -> private module, imported when the name is first used.
_LAZY = {
    "CaseFindings": "._result",
    "Catalogue": "._catalogue",
    "DesignEstimate": "._estimate",
    "FindingsChart": "._plot",
    "case_findings": "._findings",
    "check_case_answers": "._findings",
    "design_proportion": "._estimate",
    "read_catalogue": "._catalogue",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CaseFindings",
    "Catalogue",
    "DesignEstimate",
    "FindingsChart",
    "case_findings",
    "check_case_answers",
    "design_proportion",
    "read_catalogue",
]
