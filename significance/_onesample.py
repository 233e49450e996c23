"""A provider against a reference: a fixed rate, or an aggregate whose n is known."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_choice, check_fraction
from inspection_core.errors import ParameterError
from inspection_core.normal import pvalue_from_z

from ._inputs import (
    check_alternative,
    check_flag,
    check_scalar_fraction,
    counts,
    fpc,
    output,
    safe_ratio,
    warn_census,
)
from ._inputs import population as population_array
from ._intervals import wilson
from ._shape import SignificanceResult, index_of
from ._small_counts import binomial_pvalues, one_sample_small_counts, which_test
from ._ztest import (
    ConfidenceInterval,
    ZTestResult,
    interval_quantile,
    interval_text,
    one_sided,
    points_text,
    ztest,
)

__all__ = ["OneSampleResult", "ztest_against_aggregate", "ztest_one_sample"]

FloatArray = npt.NDArray[np.float64]


def _wald_one(
    x: FloatArray, n: FloatArray, z: float, f: Any, *, continuity: bool
) -> tuple[FloatArray, FloatArray]:
    """Wald interval ``p +/- (z sqrt(p (1 - p) f / n) + c)`` (``c = 0.5 / n`` corrected)."""
    p = x / n
    half = z * np.sqrt(p * (1.0 - p) * f / n) + (0.5 / n if continuity else 0.0)
    return np.clip(p - half, 0.0, 1.0), np.clip(p + half, 0.0, 1.0)


# Interval dispatch by table: ``interval=`` name -> bounds for the proportion itself.
ONE_SAMPLE_INTERVALS: dict[str, Callable[..., tuple[FloatArray, FloatArray]]] = {
    "wilson": wilson,
    "wald": _wald_one,
}
ONE_SAMPLE_EXACT = ("binomial",)


@dataclass(frozen=True)
class OneSampleResult(SignificanceResult):
    """Result of a test of one proportion against a fixed reference rate.

    Proportions throughout (the difference too); the text shows points.

    Attributes
    ----------
    x, n : int or ndarray
        Cases meeting the standard and cases inspected.
    proportion : float or ndarray
        ``x / n``.
    reference : float or ndarray
        The fixed rate tested against (a proportion).
    difference : float or ndarray
        ``proportion - reference``, a proportion (0.09 is 9 points).
    statistic, pvalue : float or ndarray
        The z-score and the p-value for ``alternative`` (the exact binomial test's where
        ``test`` says ``'binomial'``).
    alpha : float
        Significance level.
    significant : bool or ndarray
        ``pvalue < alpha``.
    alternative : str
        ``'two-sided'``, ``'greater'`` (above the reference) or ``'less'``.
    confidence_level : float
        ``1 - alpha``, the default level of ``confidence_interval()``.
    method : str
        The test and interval in words.
    population_size : int, None or ndarray
        Eligible population for the finite population correction (``None``: none).
    test : str or ndarray of str
        The test behind each p-value and call: ``'z'`` or ``'binomial'`` (the exact binomial
        test, where an expected count was below 5 or ``exact='binomial'`` was asked for).
    continuity : bool
        Whether the continuity correction was used (test and interval).
    interval : str
        ``'wilson'`` or ``'wald'``.
    """

    x: Any
    n: Any
    proportion: Any
    reference: Any
    difference: Any
    statistic: Any
    pvalue: Any
    alpha: float
    significant: Any
    alternative: str
    confidence_level: float
    method: str
    population_size: Any = None
    test: Any = "z"
    continuity: bool = False
    interval: str = "wilson"

    def confidence_interval(self, confidence_level: float | None = None) -> ConfidenceInterval:
        """Interval for ``difference`` (the proportion minus the reference) at a level.

        Parameters
        ----------
        confidence_level : float, optional
            Defaults to ``1 - alpha``, the level that matches the test; one-sided alternatives
            give one-sided intervals. Add ``reference`` to get the proportion's own interval.

        Returns
        -------
        ConfidenceInterval
            ``low`` and ``high`` as proportions (floats, or arrays for array results).
        """
        zc = interval_quantile(confidence_level, self.alpha, self.alternative)
        scalar = np.ndim(self.x) == 0
        x, n = np.asarray(self.x, dtype=float), np.asarray(self.n, dtype=float)
        p0 = np.asarray(self.reference, dtype=float)
        f = fpc(n, self.population_size)
        low, high = ONE_SAMPLE_INTERVALS[self.interval](x, n, zc, f, continuity=self.continuity)
        low, high = one_sided(low, high, self.alternative, 0.0, 1.0)
        return ConfidenceInterval(output(low - p0, scalar), output(high - p0, scalar))

    def summary(self) -> str:
        """The comparison in a sentence, in points (a count of significant ones for arrays)."""
        if np.ndim(self.statistic):
            hits = int(np.sum(self.significant))
            return (
                f"{np.size(self.statistic)} comparisons with a reference: {hits} significant at "
                f"alpha = {self.alpha:g} ({self.alternative})."
            )
        verdict = "significant" if self.significant else "not significant"
        low, high = self.confidence_interval()
        p_name = "p" if self.test == "z" else "exact binomial p"
        return (
            f"{100 * self.proportion:.1f}% ({self.x} of {self.n}) against a reference of "
            f"{100 * self.reference:.1f}%: {100 * self.difference:+.1f} points, z = "
            f"{self.statistic:.3f}, {p_name} = {self.pvalue:.4g}, {verdict} at alpha = "
            f"{self.alpha:g} ({self.alternative}); {100 * self.confidence_level:g}% interval "
            f"{100 * low:+.1f} to {100 * high:+.1f} points."
        )

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for k, v in super()._rows():
            rows.append((k, points_text(self.difference) if k == "difference" else v))
            if k == "alternative":
                rows.append(("confidence_interval", interval_text(self.confidence_interval())))
        return rows


def ztest_one_sample(
    x: Any,
    n: Any,
    reference: Any,
    *,
    alpha: float = 0.1,
    alternative: str = "two-sided",
    continuity: bool = False,
    population_size: Any = None,
    interval: str = "wilson",
    exact: str | None = None,
    small_count_test: str | None = "binomial",
) -> OneSampleResult:
    """Z-test of one proportion ``x / n`` against a fixed reference rate.

    Use it for a provider against the all-provider aggregate when the aggregate's case count is
    not published (the aggregate is then treated as known exactly); when it is, prefer
    :func:`ztest_against_aggregate`.

    Parameters
    ----------
    x, n : int or array_like
        Cases meeting the standard, and cases inspected.
    reference : float or array_like
        The reference rate as a fraction strictly between 0 and 1 (0.71, not 71).
    alpha : float, default 0.1
        Significance level.
    alternative : {'two-sided', 'greater', 'less'}, default 'two-sided'
        ``'greater'`` tests a proportion above the reference.
    continuity : bool, default False
        Continuity correction: ``|x - n p0|`` shrinks by ``min(0.5, |x - n p0|)``, as in R
        ``prop.test(x, n, p0)``; the interval becomes the corrected Wilson interval (Newcombe's
        method 4), the set of references the corrected test accepts. Where ``|x - n p0| < 0.5``
        R also shrinks the interval's correction, so R's interval is narrower there.
    population_size : int, array_like or None, default None
        Eligible population for the finite population correction ``(N - n) / (N - 1)``.
    interval : {'wilson', 'wald'}, default 'wilson'
        Interval at level ``1 - alpha``: the Wilson score interval (which excludes the reference
        exactly when the test rejects) or the Wald interval.
    exact : {None, 'binomial'}, default None
        Take every p-value from the exact binomial test (R ``binom.test``, scipy ``binomtest``).
        Not combined with a finite population correction.
    small_count_test : {'binomial', None}, default 'binomial'
        Where an expected count ``n p0`` or ``n (1 - p0)`` is below 5 (and ``exact`` is None),
        the exact binomial test gives the p-value and so the call (``test`` names it; a warning
        says so). ``None`` keeps the normal approximation there, with the warning. Not applied
        with a finite population correction (the warning says so).

    Returns
    -------
    OneSampleResult
        Fields are arrays when any input is an array.

    Raises
    ------
    ValueError
        Bad counts, a reference outside (0, 1), alpha outside (0, 1), an unknown alternative or
        interval, or a population smaller than n.

    Warns
    -----
    SmallCountWarning
        When an expected count is below 5, with the exact binomial p-value (R warns
        "Chi-squared approximation may be incorrect" at the same counts).

    Notes
    -----
    ``z = (p - p0) / sqrt(p0 (1 - p0) f / n)``, the score test: ``z**2`` is the X-squared of R
    ``prop.test(x, n, p = p0, correct = FALSE)`` and ``z`` equals statsmodels
    ``proportions_ztest(x, n, value=p0, prop_var=p0)``.

    Examples
    --------
    A provider's 65 of 100 against an aggregate rate of 71%:

    >>> result = ztest_one_sample(65, 100, 0.71)
    >>> round(result.statistic, 4), round(result.pvalue, 4), result.significant
    (-1.3223, 0.1861, False)
    """
    alpha = check_scalar_fraction("alpha", alpha)
    alternative = check_alternative(alternative)
    continuity = check_flag("continuity", continuity)
    interval = check_choice("interval", interval, ONE_SAMPLE_INTERVALS)
    if exact is not None:
        exact = check_choice("exact", exact, ONE_SAMPLE_EXACT)
    if small_count_test is not None:
        small_count_test = check_choice("small_count_test", small_count_test, ONE_SAMPLE_EXACT)
    p0 = check_fraction("reference", reference)
    scalar = all(np.ndim(v) == 0 for v in (x, n, reference, population_size))
    xa, na = counts("x", x, "n", n)
    big_n = population_array("population_size", population_size, "n", na)
    if exact is not None and big_n is not None:
        raise ParameterError(
            "exact", f"{exact!r} cannot be combined with {{population_size}}; choose one",
            refs=["population_size"],
        )  # fmt: skip
    xa, na, p0 = np.broadcast_arrays(xa, na, p0)
    f = fpc(na, big_n)
    if big_n is not None:
        warn_census([("the provider", na, big_n)])

    p = xa / na
    d = p - p0
    se = np.sqrt(p0 * (1.0 - p0) * f / na)
    numerator = d
    if continuity:
        numerator = np.sign(d) * (np.abs(d) - np.minimum(0.5 / na, np.abs(d)))
    z = safe_ratio(numerator, se) + 0.0  # no -0.0 when the correction takes it all
    pvalue = pvalue_from_z(z, alternative)
    if exact is not None:
        pvalue = binomial_pvalues(xa, na, p0, alternative)
        took: Any = np.ones(np.shape(pvalue), dtype=bool)
    else:
        pvalue, took = one_sample_small_counts(
            xa, na, p0, pvalue, alternative=alternative, fallback=small_count_test,
            finite=big_n is not None,
        )  # fmt: skip
    test = which_test(np.shape(pvalue), scalar, took, "binomial")

    options = ["one-sample z-test against a fixed reference", "reference-rate standard error"]
    if continuity:
        options.append("continuity correction")
    if big_n is not None:
        options.append("finite population correction")
    options.append(alternative)
    name = "Wilson score" if interval == "wilson" else "Wald"
    if exact is not None:
        options[-1] += "; p-value from the exact binomial test"
    elif took is not None:
        scope = "" if took.size == 1 else f" in {int(took.sum())} of {took.size} comparisons"
        options[-1] += f"; p-value from the exact binomial test{scope} (expected count below 5)"
    method = f"{', '.join(options)}; {100 * (1 - alpha):g}% {name} interval"
    pop: Any = big_n
    if big_n is not None and scalar:
        pop = None if np.isinf(big_n) else int(big_n)
    return OneSampleResult(
        x=int(xa) if scalar else xa.astype(np.int64),
        n=int(na) if scalar else na.astype(np.int64),
        proportion=output(p, scalar),
        reference=output(p0, scalar),
        difference=output(d, scalar),
        statistic=output(z, scalar),
        pvalue=output(pvalue, scalar),
        alpha=alpha,
        significant=output(pvalue < alpha, scalar),
        alternative=alternative,
        confidence_level=1.0 - alpha,
        method=method,
        population_size=pop,
        test=test,
        continuity=continuity,
        interval=interval,
        index=index_of(x, n, reference),
    )


def ztest_against_aggregate(
    x: Any,
    n: Any,
    aggregate_x: Any,
    aggregate_n: Any,
    *,
    includes_provider: bool = True,
    **options: Any,
) -> ZTestResult:
    """Two-sample z-test of a provider against an all-provider aggregate whose n is known.

    An aggregate that contains the provider's own cases is not an independent sample, so by
    default the provider's cases are taken out first and the provider is compared with the
    other providers: group 2 is ``aggregate_x - x`` of ``aggregate_n - n``.

    Parameters
    ----------
    x, n : int or array_like
        The provider's cases meeting the standard, and cases inspected.
    aggregate_x, aggregate_n : int or array_like
        The same for the aggregate.
    includes_provider : bool, default True
        Whether the aggregate counts include this provider's cases. ``False`` compares with the
        aggregate as given.
    **options
        Passed to :func:`ztest` (``alpha``, ``alternative``, ``pooled``, ...).

    Returns
    -------
    ZTestResult
        Group 1 is the provider; group 2 is the rest of the aggregate (or the aggregate).

    Raises
    ------
    ValueError
        Bad counts, or an aggregate smaller than the provider it includes.

    Examples
    --------
    65 of 100 against an aggregate of 710 of 1,000 that includes them (645 of 900 elsewhere):

    >>> result = ztest_against_aggregate(65, 100, 710, 1000)
    >>> result.x2, result.n2, round(result.pvalue, 4)
    (645, 900, 0.1634)
    """
    includes_provider = check_flag("includes_provider", includes_provider)
    xa, na = counts("x", x, "n", n)
    axa, ana = counts("aggregate_x", aggregate_x, "aggregate_n", aggregate_n)
    if not includes_provider:
        result = ztest(x, n, aggregate_x, aggregate_n, **options)
        return dataclasses.replace(result, method=result.method + "; group 2 is the aggregate")
    rest_n = ana - na
    rest_x = axa - xa
    if np.any(rest_n < 1) or np.any(rest_x < 0) or np.any(rest_x > rest_n):
        raise ParameterError(
            "aggregate_x",
            "and aggregate_n must include the provider's x and n "
            "(aggregate_n above n, aggregate_x - x between 0 and aggregate_n - n); "
            "pass includes_provider=False for an aggregate of other providers",
        )
    scalar = all(np.ndim(v) == 0 for v in (x, n, aggregate_x, aggregate_n))
    rx: Any = int(rest_x) if scalar else rest_x.astype(np.int64)
    rn: Any = int(rest_n) if scalar else rest_n.astype(np.int64)
    result = ztest(x, n, rx, rn, **options)
    return dataclasses.replace(
        result, method=result.method + "; group 2 is the aggregate less this provider"
    )
