"""Two-sample z-test for a change in a proportion (between rounds or between groups)."""

from __future__ import annotations

import math
import warnings
from collections import namedtuple
from dataclasses import dataclass

from inspection_core.checks import check_choice, is_fraction
from inspection_core.deferred import is_array, numpy_later
from inspection_core.normal import critical_value as quantile
from inspection_core.normal import fpc_scalar, ndtri

from ._exact import EXACT_TESTS, NAMES, check_exact_size, exact_pvalues
from ._inputs import (
    check_alternative,
    check_flag,
    check_scalar_fraction,
    counts,
    fpc,
    int_counts,
    output,
    population,
    warn_census,
)
from ._intervals import INTERVALS, SCALAR_INTERVALS
from ._shape import SignificanceResult, index_of, later_fields
from ._small_counts import fallback_note, two_sample_small_counts, which_test
from ._warnings import ZeroVarianceWarning
from ._zcore import z_arrays

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["ConfidenceInterval", "ZTestResult", "ztest"]


# Argument types the pure-Python path takes (one comparison of plain numbers).
_PLAIN = (int, float, type(None))

# The question a two-round test answers, with and without the finite population correction.
PRACTICE = "has practice changed?"
POPULATIONS = "did the eligible populations' rates differ?"


class ConfidenceInterval(namedtuple("ConfidenceInterval", ["low", "high"])):
    """Lower and upper bounds of a confidence interval (floats, or arrays for array input)."""

    __slots__ = ()


def one_sided(
    low: FloatArray, high: FloatArray, alternative: str, lowest: float, highest: float
) -> tuple[FloatArray, FloatArray]:
    """Keep the bound a one-sided alternative tests; the other becomes the parameter's limit."""
    if alternative == "greater":
        return low, np.full_like(high, highest)
    if alternative == "less":
        return np.full_like(low, lowest), high
    return low, high


def one_sided_scalar(low: float, high: float, alternative: str) -> tuple[float, float]:
    """:func:`one_sided` for one interval of a difference (bounded by -1 and 1)."""
    if alternative == "greater":
        return low, 1.0
    if alternative == "less":
        return -1.0, high
    return low, high


def describe(
    *,
    sample: str,
    pooled: bool,
    continuity: bool,
    alternative: str,
    finite: bool,
    exact: str | None,
    interval: str,
    confidence_level: float,
    fallback: str = "",
) -> str:
    """The method in words, naming every option that was used."""
    parts = [sample]
    parts.append("pooled standard error" if pooled else "unpooled standard error")
    if continuity:
        parts.append("continuity correction")
    if finite:
        parts.append(f"finite population correction (answers: {POPULATIONS})")
    parts.append(alternative)
    text = ", ".join(parts)
    if exact:
        text += f"; p-value from {NAMES[exact]}"
    text += fallback
    return f"{text}; {100 * confidence_level:g}% {interval} interval"


def interval_quantile(confidence_level: Any, alpha: float, alternative: str) -> float:
    """The normal quantile of an interval at ``confidence_level``, or at ``1 - alpha`` if None.

    None gives the test's own critical value (``ndtri(1 - alpha/2)`` two-sided), so the default
    interval and the test agree; a level c gives ``ndtri((1 + c) / 2)`` two-sided (as the
    sampling rule computes it: 0.8 gives exactly ``ndtri(0.9)``) or ``ndtri(c)`` one-sided.
    """
    if confidence_level is None:
        return quantile(alpha, alternative)
    if is_fraction(confidence_level):
        level = float(confidence_level)
    else:
        level = check_scalar_fraction("confidence_level", confidence_level)
    return ndtri((1.0 + level) / 2.0 if alternative == "two-sided" else level)


@later_fields("test")
@dataclass(frozen=True)
class ZTestResult(SignificanceResult):
    """Result of a two-sample test of proportions.

    Every proportion is a proportion, differences too (0.09 is 9 percentage points); the text,
    tables and reports show points. ``to_dict()`` gives the fields, ``to_frame()`` one row per
    comparison, and ``confidence_interval()`` the interval for the difference.

    Attributes
    ----------
    x1, n1, x2, n2 : int or ndarray
        Successes and cases in group 1 (current round) and group 2 (previous round).
    p1, p2 : float or ndarray
        Observed proportions ``x1 / n1`` and ``x2 / n2``.
    difference : float or ndarray
        ``p1 - p2`` as a proportion (current minus previous), computed as the exact fraction
        ``(x1 n2 - x2 n1) / (n1 n2)`` rounded once: 74/100 - 65/100 is 0.09, not
        0.08999999999999997.
    statistic : float or ndarray
        The z-score (signed like ``difference``); also reported when an exact test gives the
        p-value.
    pvalue : float or ndarray
        P-value for ``alternative`` (from the exact test named in ``test`` where one was used).
    alpha : float
        Significance level.
    significant : bool or ndarray
        ``pvalue < alpha``.
    alternative : str
        ``'two-sided'``, ``'greater'`` (p1 > p2) or ``'less'`` (p1 < p2).
    confidence_level : float
        ``1 - alpha``: the level of ``confidence_interval()`` by default, matching the test.
    method : str
        The test and interval in words, naming every option used.
    population_size1, population_size2 : int, None or ndarray
        Eligible populations used for the finite population correction (``None``: none).
    pooled, continuity : bool
        The standard error and continuity options used.
    interval : str
        ``'newcombe'`` or ``'wald'``.
    exact : str or None
        The exact test asked for with ``exact=``, if any.
    test : str or ndarray of str
        The test behind each p-value and call: ``'z'``, or the exact test's key (``'fisher'``
        where an expected count was below 5, or the one asked for with ``exact=``). An array
        naming more than one test is built when first read.
    question : str
        The question the test answers: ``"has practice changed?"`` (the default, rounds as
        samples of the cases practice produces) or, with a finite population correction, ``"did
        the eligible populations' rates differ?"``.
    """

    x1: Any
    n1: Any
    x2: Any
    n2: Any
    p1: Any
    p2: Any
    difference: Any
    statistic: Any
    pvalue: Any
    alpha: float
    significant: Any
    alternative: str
    confidence_level: float
    method: str
    population_size1: Any = None
    population_size2: Any = None
    pooled: bool = True
    continuity: bool = False
    interval: str = "newcombe"
    exact: str | None = None
    test: Any = "z"  # for a million comparisons, built when first read (later_fields)
    question: str = PRACTICE

    def confidence_interval(self, confidence_level: float | None = None) -> ConfidenceInterval:
        """Interval for ``difference`` (proportions) at ``confidence_level``.

        Parameters
        ----------
        confidence_level : float, optional
            Defaults to ``1 - alpha``, the level that matches the test. One-sided alternatives
            give one-sided intervals, bounded by -1 or 1.

        Returns
        -------
        ConfidenceInterval
            ``low`` and ``high`` (floats, or arrays for array results). Computed on each call,
            so a million tests that only need p-values do not pay for a million intervals.
        """
        zc = interval_quantile(confidence_level, self.alpha, self.alternative)
        if not is_array(self.x1):  # one comparison: pure Python, the same doubles
            a, b, c, d = (float(v) for v in (self.x1, self.n1, self.x2, self.n2))
            bounds = SCALAR_INTERVALS[self.interval](
                a, b, c, d, zc, fpc_scalar(b, self.population_size1),
                fpc_scalar(d, self.population_size2), continuity=self.continuity,
            )  # fmt: skip
            return ConfidenceInterval(*one_sided_scalar(*bounds, self.alternative))
        scalar = np.ndim(self.x1) == 0
        x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (self.x1, self.n1, self.x2, self.n2))
        f1 = fpc(n1, None if self.population_size1 is None else self.population_size1)
        f2 = fpc(n2, None if self.population_size2 is None else self.population_size2)
        low, high = INTERVALS[self.interval](x1, n1, x2, n2, zc, f1, f2, continuity=self.continuity)
        low, high = one_sided(low, high, self.alternative, -1.0, 1.0)
        return ConfidenceInterval(output(low, scalar), output(high, scalar))

    def summary(self) -> str:
        """The comparison in a sentence, in percentage points (a count for arrays)."""
        side = self.alternative
        if is_array(self.statistic):
            hits = int(np.sum(self.significant))
            return (
                f"{np.size(self.statistic)} comparisons: {hits} significant at "
                f"alpha = {self.alpha:g} ({side})."
            )
        verdict = "significant" if self.significant else "not significant"
        low, high = self.confidence_interval()
        p_name = "p" if self.test == "z" else f"{NAMES[self.test]} p"
        return (
            f"{100 * self.p1:.1f}% ({self.x1} of {self.n1}) vs {100 * self.p2:.1f}% "
            f"({self.x2} of {self.n2}): a change of {100 * self.difference:+.1f} points, "
            f"z = {self.statistic:.3f}, {p_name} = {self.pvalue:.4g}, {verdict} at alpha = "
            f"{self.alpha:g} ({side}); {100 * self.confidence_level:g}% interval "
            f"{100 * low:+.1f} to {100 * high:+.1f} points."
            + ("" if self.question == PRACTICE else f" The question answered: {self.question}")
        )

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for k, v in super()._rows():
            rows.append((k, points_text(self.difference) if k == "difference" else v))
            if k == "alternative":
                rows.append(("confidence_interval", interval_text(self.confidence_interval())))
        return rows


def points_text(value: Any) -> str:
    """A proportion (or array of them) shown in percentage points: ``+9 points``."""
    if not is_array(value):
        return f"{100 * float(value):+.6g} points"
    opts: dict[str, Any] = {"precision": 6, "separator": ", ", "threshold": 20}
    return f"{np.array2string(100 * np.asarray(value), **opts)} (points)"


def interval_text(ci: ConfidenceInterval) -> str:
    """``-1.7 to 19.4 (points)`` from an interval of proportions, or the two bound arrays."""
    low, high = ci
    if not is_array(low):
        return f"{100 * low:.6g} to {100 * high:.6g} (points)"
    opts: dict[str, Any] = {"precision": 6, "separator": ", ", "threshold": 20}
    low_text = np.array2string(100 * np.asarray(low), **opts)
    high_text = np.array2string(100 * np.asarray(high), **opts)
    return f"low {low_text}, high {high_text} (points)"


def _population_out(value: FloatArray | None, scalar: bool) -> Any:
    if value is None:
        return None
    if scalar and np.ndim(value) == 0:
        item = float(value)
        return None if math.isinf(item) else int(item)
    return value


def _zero_variance_warning(zero: Any) -> str:
    """Warn where the unpooled standard error was 0 and the pooled one used; the method's note.

    Each group all one way (0/1 vs 1/1, 0/100 vs 100/100) gives an unpooled standard error of 0
    and z = +/-inf, p = 0, even beside an interval that contains 0 (0/1 vs 1/1). The pooled
    variance ``p (1 - p) (f1 / n1 + f2 / n2)`` is positive there and is used instead
    (:func:`._zcore.z_arrays`).
    """
    scope = "" if zero.size == 1 else f" in {np.count_nonzero(zero)} of {zero.size} comparisons"
    text, note = zero_variance_text(scope)
    warnings.warn(text, ZeroVarianceWarning, stacklevel=3)
    return note


def zero_variance_text(scope: str) -> tuple[str, str]:
    """The zero-variance warning and the method's note (shared with :mod:`._scalar`)."""
    return (
        f"the unpooled standard error is 0{scope} (each group all one way), so the pooled "
        "standard error is used there",
        f"; pooled standard error{scope} where the unpooled one is 0",
    )


def ztest(
    x1: Any,
    n1: Any,
    x2: Any,
    n2: Any,
    *,
    alpha: float = 0.1,
    alternative: str = "two-sided",
    pooled: bool = True,
    continuity: bool = False,
    population_size1: Any = None,
    population_size2: Any = None,
    exact: str | None = None,
    small_count_test: str | None = "fisher",
    interval: str = "newcombe",
) -> ZTestResult:
    """Z-test of the change between two proportions, ``x1 / n1 - x2 / n2``.

    Parameters
    ----------
    x1, n1 : int or array_like
        Cases meeting the standard, and cases inspected, in group 1 (the current round).
    x2, n2 : int or array_like
        The same for group 2 (the previous round, or the comparison group). Arrays broadcast,
        giving one comparison per element.
    alpha : float, default 0.1
        Significance level; the published method uses 0.1.
    alternative : {'two-sided', 'greater', 'less'}, default 'two-sided'
        ``'greater'`` tests p1 > p2 (an improvement), ``'less'`` tests p1 < p2.
    pooled : bool, default True
        Standard error from the pooled proportion (the score test, equal to R ``prop.test``);
        ``False`` uses each group's own proportion (the Wald test).
    continuity : bool, default False
        Yates' continuity correction: ``|d|`` shrinks by ``min(0.5 (1/n1 + 1/n2), |d|)``, as in
        R ``prop.test(correct = TRUE)``. The interval uses the matching correction.
    population_size1, population_size2 : int, array_like or None, default None
        Eligible population of each round, for the finite population correction
        ``(N - n) / (N - 1)`` on that group's variance. ``None`` means no correction.
    exact : {None, 'fisher', 'barnard', 'boschloo'}, default None
        Take every p-value from this exact test instead of the normal approximation;
        ``statistic`` is still the z-score. Not combined with the finite population or
        continuity corrections.
    small_count_test : {'fisher', 'boschloo', 'barnard', None}, default 'fisher'
        Where an expected count is below 5 (and ``exact`` is None), this exact test gives the
        p-value and so the call (``test`` names it, and a warning says so). ``None`` keeps the
        normal approximation there. Not applied with a finite population correction, which no
        exact test takes (the warning says so).
    interval : {'newcombe', 'wald'}, default 'newcombe'
        Interval for the difference at level ``1 - alpha``: Newcombe's hybrid score interval
        or the Wald interval (which agrees exactly with ``pooled=False``).

    Returns
    -------
    ZTestResult
        Proportions and their difference (as proportions), ``statistic`` (z), ``pvalue``,
        ``significant``, the test behind each call and the method in words; the interval from
        ``confidence_interval()``. Fields are arrays when any count is an array.

    Raises
    ------
    ValueError
        Counts that are negative, fractional or above their n; n below 1; alpha outside (0, 1);
        an unknown alternative, exact test or interval; a population smaller than its sample.
    TypeError
        A non-numeric count or a non-boolean flag.

    Warns
    -----
    SmallCountWarning
        When an expected count under the null is below 5 (and no exact test was chosen), with
        Fisher's exact p-value in the message.

    See Also
    --------
    ztest_one_sample : a proportion against a fixed reference rate.
    ztest_from_percentages : the same test from published whole percentages.

    Notes
    -----
    With ``d = p1 - p2`` and ``p = (x1 + x2) / (n1 + n2)``, the pooled statistic is
    ``z = d / sqrt(p (1 - p) (f1 / n1 + f2 / n2))`` with ``f = (N - n) / (N - 1)`` (1 without a
    population). ``z**2`` equals the X-squared of R ``prop.test(correct = FALSE)``, and ``z`` and
    the p-value equal statsmodels ``proportions_ztest``. Unpooled:
    ``z = d / sqrt(p1 (1 - p1) f1 / n1 + p2 (1 - p2) f2 / n2)``. When both groups are all
    successes (or all failures), z is 0 and the p-value 1.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17, 873-890.

    Examples
    --------
    74 of 100 cases met the standard this round against 65 of 100 last time:

    >>> result = ztest(74, 100, 65, 100)
    >>> result.difference, round(result.statistic, 4), round(result.pvalue, 4)
    (0.09, 1.3822, 0.1669)
    >>> result.significant
    False
    >>> low, high = result.confidence_interval()  # 90%, matching alpha = 0.1
    >>> round(low, 4), round(high, 4)
    (-0.0171, 0.1943)

    Thousands of comparisons at once (a pandas Series keeps its index in ``to_frame()``):

    >>> ztest(np.array([74, 90]), 100, np.array([65, 65]), 100).significant
    array([False,  True])
    """
    if all(type(v) in _PLAIN for v in (x1, n1, x2, n2, population_size1, population_size2)):
        from ._scalar import ztest_scalar  # pure Python: no numpy for one comparison

        fast = ztest_scalar(
            x1, n1, x2, n2, alpha=alpha, alternative=alternative, pooled=pooled,
            continuity=continuity, population_size1=population_size1,
            population_size2=population_size2, exact=exact, small_count_test=small_count_test,
            interval=interval,
        )  # fmt: skip
        if fast is not None:
            return fast
    alpha = check_scalar_fraction("alpha", alpha)
    alternative = check_alternative(alternative)
    pooled = check_flag("pooled", pooled)
    continuity = check_flag("continuity", continuity)
    interval = check_choice("interval", interval, INTERVALS)
    if exact is not None:
        exact = check_choice("exact", exact, EXACT_TESTS)
    if small_count_test is not None:
        small_count_test = check_choice("small_count_test", small_count_test, EXACT_TESTS)
    scalar = all(np.ndim(v) == 0 for v in (x1, n1, x2, n2, population_size1, population_size2))
    found = int_counts(x1, n1, x2, n2)  # integer arrays: 0 <= x <= n checked below
    typed, largest = (None, None) if found is None else (found[:4], found[4])
    if typed is not None:
        try:
            np.broadcast_shapes(typed[0].shape, typed[1].shape)
            np.broadcast_shapes(typed[2].shape, typed[3].shape)
        except ValueError:
            typed, largest = None, None  # counts() says which pair does not fit
    if typed is None:
        x1a, n1a = counts("x1", x1, "n1", n1)
        x2a, n2a = counts("x2", x2, "n2", n2)
    else:
        x1a, n1a, x2a, n2a = typed
    big_n1 = population("population_size1", population_size1, "n1", n1a)
    big_n2 = population("population_size2", population_size2, "n2", n2a)
    finite = big_n1 is not None or big_n2 is not None
    if exact is not None and (finite or continuity):
        option = "a finite population correction" if finite else "continuity=True"
        raise ValueError(f"exact={exact!r} cannot be combined with {option}; choose one")
    try:
        x1a, n1a, x2a, n2a = np.broadcast_arrays(x1a, n1a, x2a, n2a)
    except ValueError:
        shapes = ", ".join(str(np.shape(v)) for v in (x1, n1, x2, n2))
        raise ValueError(
            f"x1, n1, x2 and n2 must broadcast together; got shapes {shapes}"
        ) from None
    if exact is not None:
        check_exact_size(exact, n1a, n2a)
    f1, f2 = fpc(n1a, big_n1), fpc(n2a, big_n2)

    # Block by block, in the processor's cache: this runs on millions of comparisons at once.
    arrays = z_arrays(
        x1a, n1a, x2a, n2a, f1, f2, pooled=pooled, continuity=continuity,
        alternative=alternative, want_pvalue=exact is None, largest=largest, alpha=alpha,
    )  # fmt: skip
    if typed is not None and not 0 <= arrays.range[0] <= arrays.range[1] <= 1:
        counts("x1", x1, "n1", n1), counts("x2", x2, "n2", n2)  # some x outside 0..n: the error
    if finite:
        warn_census([("group 1", n1a, big_n1), ("group 2", n2a, big_n2)])
    shape = np.shape(x1a)
    p1, p2, d, z = (v.reshape(shape) for v in (arrays.p1, arrays.p2, arrays.d, arrays.statistic))
    zero_note = ""
    if arrays.zero is not None:
        zero_note = _zero_variance_warning(arrays.zero)
    if exact is None:
        pvalue, took, name = two_sample_small_counts(
            x1a, n1a, x2a, n2a, arrays.pvalue.reshape(shape), arrays.small.reshape(shape),
            alternative=alternative, pooled=pooled, fallback=small_count_test, finite=finite,
        )  # fmt: skip
        note = fallback_note(took, name)
        test = which_test(np.shape(pvalue), scalar, took, name, later=True)
        significant = arrays.significant.reshape(shape)
        if took is not None:  # the exact test's p-values make the call there
            where = np.flatnonzero(took)
            significant.reshape(-1)[where] = pvalue.reshape(-1)[where] < alpha
    else:
        pvalue = exact_pvalues(exact, x1a, n1a, x2a, n2a, alternative, pooled=pooled)
        note = ""
        test = which_test(np.shape(pvalue), scalar, None, exact, base=exact)
        significant = pvalue < alpha

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
    as_int = (lambda v: int(v)) if scalar else (lambda v: v.astype(np.int64, copy=False))
    return ZTestResult(
        x1=as_int(x1a),
        n1=as_int(n1a),
        x2=as_int(x2a),
        n2=as_int(n2a),
        p1=output(p1, scalar),
        p2=output(p2, scalar),
        difference=output(d, scalar),
        statistic=output(z, scalar),
        pvalue=output(pvalue, scalar),
        alpha=alpha,
        significant=output(significant, scalar),
        alternative=alternative,
        confidence_level=1.0 - alpha,
        method=method,
        population_size1=_population_out(big_n1, scalar),
        population_size2=_population_out(big_n2, scalar),
        pooled=pooled,
        continuity=continuity,
        interval=interval,
        exact=exact,
        test=test,
        question=POPULATIONS if finite else PRACTICE,
        index=index_of(x1, n1, x2, n2),
    )
