"""From inspectors' case answers to the published findings (needs pandas; imported on first use).

:func:`case_findings` reads a case-level results table, joins it by case ID to the draw's folder
(each case's cell, the cell's population, the case's inclusion probability) and returns the
key-question figures with their margins and intervals, design-based estimates, sub-groups with
the tests between them, and the ratings; :class:`CaseFindings` writes them as a workbook or
report, charts them and feeds :func:`significance.compare_rounds`. ``import significance`` does
not import this package; ``significance.case_findings`` does, on first use.
"""

from ._catalogue import Catalogue, read_catalogue
from ._estimate import DesignEstimate, design_proportion
from ._findings import case_findings, check_case_answers
from ._plot import FindingsChart
from ._result import CaseFindings

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
