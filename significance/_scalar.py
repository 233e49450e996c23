"""The z-test of one comparison in pure Python: the command line's path, with no numpy or scipy.

:func:`ztest_scalar` takes the arguments of :func:`significance.ztest` when every count and
population is a plain Python number, and returns the :class:`ZTestResult` the array code would
return for them, field for field and bit for bit (a test compares the two on many inputs): the
same double operations in the same order, the quantile and p-values from
:mod:`inspection_core._cephes` (scipy's algorithms), Fisher's test from :mod:`._fisher`, the
same warnings. It returns None for anything it does not cover (an invalid value, an option that
needs scipy, such as Barnard's or Boschloo's test): :func:`significance.ztest` then runs the
array code, which also raises every error, so each message has one home.
"""

from __future__ import annotations

import math
import warnings

from inspection_core.checks import is_fraction, is_whole
from inspection_core.normal import fpc_scalar, pvalue_scalar

from ._exact import NAMES
from ._fisher import fisher_pvalue
from ._inputs import ALTERNATIVES, census_text, plain_population
from ._intervals import INTERVALS
from ._small_counts import SMALL_EXPECTED, small_count_text, table_text
from ._warnings import CensusWarning, SmallCountWarning, ZeroVarianceWarning
from ._ztest import POPULATIONS, PRACTICE, ZTestResult, describe, zero_variance_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

__all__ = ["ztest_scalar"]


def _held(value: Any) -> int | float:
    """A count as the array code holds it: a Python int below 2**31 stays one, else a float."""
    return value if type(value) is int and value < 2**31 else float(value)


def _choice(value: Any, options: Any) -> bool:
    """``value`` is one of ``options`` (a string, or None where None is one of them)."""
    return (value is None and None in options) or (type(value) is str and value in options)


def _sign(v: float) -> float:
    """``np.sign`` of one float (0.0 for either zero)."""
    return 1.0 if v > 0 else -1.0 if v < 0 else 0.0


def ztest_scalar(
    x1: Any,
    n1: Any,
    x2: Any,
    n2: Any,
    *,
    alpha: Any,
    alternative: Any,
    pooled: Any,
    continuity: Any,
    population_size1: Any,
    population_size2: Any,
    exact: Any,
    small_count_test: Any,
    interval: Any,
) -> ZTestResult | None:
    """:func:`significance.ztest` of plain numbers, or None where the array code must run."""
    covered = (
        is_fraction(alpha)
        and _choice(alternative, ALTERNATIVES)
        and type(pooled) is bool
        and type(continuity) is bool
        and _choice(interval, tuple(INTERVALS))
        and _choice(exact, (None, "fisher"))
        and _choice(small_count_test, (None, "fisher"))
        and is_whole(x1)
        and is_whole(n1, 1)
        and is_whole(x2)
        and is_whole(n2, 1)
        and x1 <= n1
        and x2 <= n2
        and plain_population(population_size1, n1)
        and plain_population(population_size2, n2)
    )
    finite = population_size1 is not None or population_size2 is not None
    if not covered or (exact is not None and (finite or continuity)):
        return None  # the array code answers (or raises the error)
    alpha = float(alpha)
    # The counts as the array code holds them: integers below 2**31 (int64 there), others as
    # doubles (float64 there). Their products are exact as integers, rounded once as doubles.
    ia, ib, ic, id_ = (_held(v) for v in (x1, n1, x2, n2))
    a, b, c, d_ = float(x1), float(n1), float(x2), float(n2)
    f1, f2 = fpc_scalar(b, population_size1), fpc_scalar(d_, population_size2)
    census = [
        (label, n, big)
        for label, n, big in (("group 1", b, population_size1), ("group 2", d_, population_size2))
        if big is not None and n >= big
    ]
    if finite and census:
        warnings.warn(census_text([g for g, _, _ in census], len(census) == 2), CensusWarning, 3)
    p1 = a / b
    p2 = c / d_
    # (x1 n2 - x2 n1) / (n1 n2): integer products exact, converted once (as numpy's division
    # of int64 arrays converts them); a double among them makes the arithmetic doubles
    cross = ia * id_ - ic * ib
    d = float(cross) / float(ib * id_)
    p = float(ia + ic) / float(ib + id_)
    zero_note = ""
    if pooled:
        var = 1.0 - p
        var *= p
        var *= (f1 / b) + (f2 / d_)
    else:
        var = p1 * (1.0 - p1) * f1 / b + p2 * (1.0 - p2) * f2 / d_
        if var == 0 and d != 0:
            text, zero_note = zero_variance_text("")
            warnings.warn(text, ZeroVarianceWarning, stacklevel=3)
            var = p * (1.0 - p) * (f1 / b + f2 / d_)
    se = math.sqrt(var)
    numerator = d
    if continuity:
        shrink = min(0.5 * (1.0 / b + 1.0 / d_), abs(d))
        numerator = _sign(d) * (abs(d) - shrink)
    if se == 0:
        z = 0.0 if numerator == 0 else math.copysign(math.inf, numerator)
    else:
        z = numerator / se
    took = False
    test = "z"
    if exact is None:
        pvalue = pvalue_scalar(z, alternative)
        if se == 0 and numerator == 0:
            pvalue = 1.0
        expected = min(p, 1.0 - p) * min(b, d_)
        if expected < SMALL_EXPECTED:
            takes = small_count_test is not None and not finite
            exact_p = fisher_pvalue(int(x1), int(n1), int(x2), int(n2), alternative)
            shown = [table_text(int(x1), int(n1), int(x2), int(n2), expected, "fisher", exact_p,
                                pvalue)]  # fmt: skip
            warnings.warn(
                small_count_text(shown, "", "", "fisher", takes=takes, finite=finite),
                SmallCountWarning,
                stacklevel=3,
            )
            if takes:
                pvalue, took, test = exact_p, True, "fisher"
        note = f"; p-value from {NAMES['fisher']} (an expected count below 5)" if took else ""
    else:
        pvalue = fisher_pvalue(int(x1), int(n1), int(x2), int(n2), alternative)
        note, test = "", exact
    method = describe(
        sample="two-sample z-test",
        pooled=pooled,
        continuity=continuity,
        alternative=alternative,
        finite=finite,
        exact=exact,
        interval="Newcombe hybrid score" if interval == "newcombe" else "Wald",
        confidence_level=1.0 - alpha,
        fallback=zero_note + note,
    )
    return ZTestResult(
        x1=int(a),
        n1=int(b),
        x2=int(c),
        n2=int(d_),
        p1=p1,
        p2=p2,
        difference=d,
        statistic=z,
        pvalue=pvalue,
        alpha=alpha,
        significant=pvalue < alpha,
        alternative=alternative,
        confidence_level=1.0 - alpha,
        method=method,
        population_size1=_population_out(population_size1),
        population_size2=_population_out(population_size2),
        pooled=pooled,
        continuity=continuity,
        interval=interval,
        exact=exact,
        test=test,
        question=POPULATIONS if finite else PRACTICE,
    )


def _population_out(value: Any) -> int | None:
    if value is None or math.isinf(value):
        return None
    return int(value)
