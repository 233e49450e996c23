"""Design-based estimate of a proportion: stratified sampling without replacement, any weights.

The estimator and its standard error are those of R ``survey`` for
``svydesign(ids = ~1, strata = ~stratum, fpc = ~N, weights = ~w)`` (or ``probs = ~pi``) and
``svymean(~yes, subset(design, in_domain))``, with ``options(survey.lonely.psu = "adjust")``:

* the estimate is the weighted (Hajek) mean ``p = sum_D w y / sum_D w`` over the domain D (the
  cases that answered the key question);
* its variance is the Taylor linearisation over the whole design: each case's value is
  ``u_i = w_i (y_i - p) / sum_D w`` inside the domain and 0 outside it, and stratum ``h`` adds
  ``(1 - n_h / N_h) n_h / (n_h - 1) sum_i (u_i - mean_h u)^2``;
* a stratum with one sampled case adds ``(1 - 1 / N_h) u_i^2`` (R's ``"adjust"``: centred at the
  overall mean, which is 0 for these ``u``); one with every case sampled adds nothing;
* the interval is R ``svyciprop(method = "logit", df = Inf)``: ``expit(logit(p) +/- z se /
  (p (1 - p)))``, undefined when every answer in the domain is the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from inspection_core.checks import check_confidence_level, format_value
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.normal import z_value
from inspection_core.result import Result

__all__ = ["DesignEstimate", "design_proportion"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DesignEstimate(Result):
    """A design-based estimate of a proportion with its standard error and interval.

    Attributes
    ----------
    estimate : float
        Weighted proportion over the domain (NaN when the domain is empty).
    standard_error : float
        Linearisation standard error (strata, finite population correction).
    low, high : float
        The logit interval at ``confidence_level`` (NaN when the estimate is 0 or 1).
    confidence_level : float
        Confidence level of the interval.
    n : int
        Cases in the domain.
    population_estimate : float
        Estimated population of the domain, the sum of its weights.
    unweighted : float
        The plain proportion ``yes / n`` over the domain, for comparison.
    """

    estimate: float
    standard_error: float
    low: float
    high: float
    confidence_level: float
    n: int
    population_estimate: float
    unweighted: float

    def summary(self) -> str:
        """The estimate, its standard error and interval in one sentence."""
        if self.n == 0:
            return "No cases in the domain: no estimate."
        text = (
            f"Design-based estimate {100 * self.estimate:.1f}% (SE {100 * self.standard_error:.2f}"
            f" points) from {self.n} cases representing about {self.population_estimate:.0f}"
        )
        if math.isnan(self.low):
            return text + "; no logit interval (every answer is the same)."
        level = f"{100 * self.confidence_level:g}%"
        return text + f"; {level} interval {100 * self.low:.1f}% to {100 * self.high:.1f}%."


def _float_array(name: str, value: Any, size: int | None) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterTypeError(name, f"must be an array of numbers; got {value!r}") from None
    if arr.ndim != 1 or (size is not None and arr.size != size):
        want = f"{size} values, one per case" if size is not None else "a one-dimensional array"
        raise ParameterError(name, f"must hold {want}; got shape {arr.shape}")
    return arr


def stratum_variance(u: FloatArray, strata: npt.NDArray[Any], sizes: FloatArray) -> float:
    """Sum over strata of the without-replacement variance of the totals of ``u`` (see module)."""
    total = 0.0
    for h in np.unique(strata):
        mask = strata == h
        values = u[mask]
        n_h = values.size
        big_n = float(sizes[mask][0])
        f = 1.0 if math.isinf(big_n) else (big_n - n_h) / big_n
        if f < 1e-7:
            continue
        if n_h > 1:
            total += f * n_h / (n_h - 1) * float(np.sum((values - values.mean()) ** 2))
        else:
            total += f * float(values[0] ** 2)
    return total


def design_proportion(
    yes: Any,
    *,
    strata: Any,
    stratum_sizes: Any,
    weights: Any = None,
    domain: Any = None,
    confidence_level: float = 0.8,
) -> DesignEstimate:
    """Design-based estimate of a proportion from a stratified sample, as R ``survey`` gives it.

    Parameters
    ----------
    yes : array_like of 0/1
        One value per sampled case (1 meets the standard); values outside the domain are
        ignored (they may be NaN).
    strata : array_like
        Each case's stratum (the draw's cell).
    stratum_sizes : array_like of float
        Each case's stratum population ``N_h`` (``inf`` for sampling with replacement).
    weights : array_like of float, optional
        Design weights ``1 / pi_i``; default ``N_h / n_h`` (R's weights from ``fpc`` alone).
    domain : array_like of bool, optional
        The cases the estimate is about (a key question's answered sub-sample); default all.
    confidence_level : float, default 0.8
        Level of the logit interval.

    Returns
    -------
    DesignEstimate

    Raises
    ------
    ValueError
        Arrays of different lengths, a stratum size below its sampled cases, a weight that is
        not positive, an answer that is not 0 or 1 inside the domain.

    Notes
    -----
    The formulas are in the module notes; they equal R ``survey`` 4.1 ``svymean`` and
    ``svyciprop(method = "logit", df = Inf)`` with ``options(survey.lonely.psu = "adjust")``.
    With equal weights the estimate is the plain proportion.

    Examples
    --------
    Two strata of 10 and 30 cases, 4 and 6 sampled; R ``svymean`` gives 0.75 with SE 0.125
    (``svydesign(ids = ~1, strata = ~h, fpc = ~N)``) where the plain proportion is 0.7:

    >>> r = design_proportion([1, 1, 0, 0, 1, 1, 1, 1, 0, 1], strata=[1] * 4 + [2] * 6,
    ...                       stratum_sizes=[10] * 4 + [30] * 6)
    >>> round(r.estimate, 10), round(r.standard_error, 10), r.unweighted
    (0.75, 0.125, 0.7)
    """
    level = float(check_confidence_level(confidence_level))
    y = _float_array("yes", yes, None)
    size = y.size
    strata_arr = np.asarray(strata)
    if strata_arr.ndim != 1 or strata_arr.size != size:
        raise ParameterError("strata", f"must hold {size} values, one per case")
    sizes = _float_array("stratum_sizes", stratum_sizes, size)
    in_domain = (
        np.ones(size, dtype=bool) if domain is None else np.asarray(domain, dtype=bool).ravel()
    )
    if in_domain.size != size:
        raise ParameterError("domain", f"must hold {size} values, one per case")
    labels, codes, counts = np.unique(strata_arr, return_inverse=True, return_counts=True)
    sampled = counts[codes].astype(float)
    if np.any(~(sizes >= sampled)):
        bad = int(np.flatnonzero(~(sizes >= sampled))[0])
        raise ParameterError(
            "stratum_sizes",
            f"must be at least the cases sampled from each stratum; got "
            f"{format_value(sizes[bad])} for stratum {labels[codes[bad]]!r} with "
            f"{int(sampled[bad])} cases",
        )
    w = sizes / sampled if weights is None else _float_array("weights", weights, size)
    if np.any(~(w > 0)) or np.any(~np.isfinite(w)):
        raise ParameterError("weights", "must be positive and finite for every case")
    yd = y[in_domain]
    if np.any((yd != 0) & (yd != 1)):
        raise ParameterError("yes", "must be 0 or 1 for every case in the domain")
    n = int(in_domain.sum())
    if n == 0:
        nan = math.nan
        return DesignEstimate(nan, nan, nan, nan, level, 0, 0.0, nan)
    wd = w[in_domain]
    total = float(wd.sum())
    p = float(np.dot(wd, yd) / total)
    u = np.zeros(size)
    u[in_domain] = wd * (yd - p) / total
    se = math.sqrt(stratum_variance(u, codes, sizes))
    low = high = math.nan
    if 0.0 < p < 1.0:
        z = float(z_value(level))
        centre = math.log(p / (1.0 - p))
        half = z * se / (p * (1.0 - p))
        low = 1.0 / (1.0 + math.exp(-(centre - half)))
        high = 1.0 / (1.0 + math.exp(-(centre + half)))
    return DesignEstimate(
        estimate=p,
        standard_error=se,
        low=low,
        high=high,
        confidence_level=level,
        n=n,
        population_estimate=total,
        unweighted=float(yd.mean()),
    )
