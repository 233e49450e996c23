"""The round-on-round comparison report: the pandas part of :mod:`significance`.

``significance`` imports this subpackage only when one of its names is first used, so
``import significance`` and ``python -m significance ztest`` stay light (no pandas).

* :mod:`.input`: read a table of key questions and resolve every count.
* :mod:`.methods`: the change tests, chosen by name (:data:`ROUND_TESTS`; the z-test by default).
* :mod:`.comparator`: the tests against the comparator, chosen by what is known about it.
* :mod:`.compare`: :func:`compare_rounds`, one row per key question.
* :mod:`.result`: :class:`RoundComparison`.
* :mod:`.render`: text, Markdown, HTML, CSV and Excel.
* :mod:`.plot`: the dumbbell chart.
* :mod:`.sensitivity`: how the calls depend on an unknown previous n.
* :mod:`.sentences`: the published method's words.
* :mod:`.standards`: standard ratings and the provider rating.
"""

from .compare import compare_rounds
from .methods import ROUND_TESTS, RoundOptions, RoundTest, RoundTestFunction
from .plot import plot_comparison
from .result import RoundComparison
from .sensitivity import sensitivity_to_previous_n
from .standards import rate_standards

__all__ = [
    "ROUND_TESTS",
    "RoundComparison",
    "RoundOptions",
    "RoundTest",
    "RoundTestFunction",
    "compare_rounds",
    "plot_comparison",
    "rate_standards",
    "sensitivity_to_previous_n",
]
