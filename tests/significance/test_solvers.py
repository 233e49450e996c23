"""Cases per round and detectable differences: R's roots, vectorised solvers, bit-identical arrays.

``sample_size_per_group(..., strict=True)`` used to hand scipy's ``brentq`` the bracket
``[1e-9, n0]``; at alpha 0.01 or 0.05 with rates far apart the far tail adds less than float
noise, the power at ``n0`` came out 2e-16 below the target and ``brentq`` raised "f(a) and f(b)
must have different signs" (22 of the 4,104 round-number settings below).
"""

import itertools
import math
from typing import Any

import numpy as np
import pytest
from scipy import optimize, special, stats

from significance import minimum_detectable_difference, power, sample_size_per_group

RATES = [round(0.05 * k, 2) for k in range(1, 20)]
PAIRS = [(a, b) for a, b in itertools.product(RATES, RATES) if a != b]  # 342 pairs
ALPHAS = [0.01, 0.05, 0.1, 0.2]
POWERS = [0.8, 0.9, 0.95]


def r_strict_power(n: float, p1: float, p2: float, sig_level: float) -> float:
    """R 4.2.2 power.prop.test's p.body with strict = TRUE (stats/R/power.R), two-sided."""
    qu = float(special.ndtri(1 - sig_level / 2))  # qnorm
    d = abs(p1 - p2)
    q1, q2 = 1 - p1, 1 - p2
    pooled = math.sqrt((p1 + p2) * (q1 + q2) / 2)
    spread = math.sqrt(p1 * q1 + p2 * q2)
    return float(
        special.ndtr((math.sqrt(n * d**2) - qu * pooled) / spread)  # pnorm
        + special.ndtr(-(math.sqrt(n * d**2) + qu * pooled) / spread)  # pnorm(lower = FALSE)
    )


@pytest.mark.parametrize(
    ("p1", "p2", "target", "alpha", "r_n"),
    [
        # R 4.2.2 (R.version.string "R version 4.2.2 Patched (2022-11-10 r83330)"):
        # print(power.prop.test(p1 = .05, p2 = .85, power = .8, sig.level = .01, strict = TRUE,
        #                       tol = 1e-14)$n, digits = 15)
        (0.05, 0.85, 0.8, 0.01, 7.31927015857102),
        (0.05, 0.95, 0.9, 0.05, 3.91558148020376),
        (0.1, 0.9, 0.95, 0.01, 9.91650535259055),
        (0.74, 0.65, 0.8, 0.1, 322.528444629781),
        (0.5, 0.75, 0.9, 0.05, 76.7069161158174),
    ],
)
def test_strict_sample_size_equals_r(
    p1: float, p2: float, target: float, alpha: float, r_n: float
) -> None:
    result = sample_size_per_group(p1, p2, power=target, alpha=alpha, strict=True)
    assert result.n_unrounded == pytest.approx(r_n, rel=1e-13)
    assert result.n_per_group == math.ceil(r_n)
    # R's default tolerance (.Machine$double.eps^0.25) prints n = 7.3193 for the first row
    # (7.31929978990058 to 15 digits): within 1e-5 of the tight root.


@pytest.mark.parametrize(("alpha", "target"), list(itertools.product(ALPHAS, POWERS)))
def test_strict_sample_size_on_every_round_number_setting(alpha: float, target: float) -> None:
    p1 = np.array([a for a, _ in PAIRS])
    p2 = np.array([b for _, b in PAIRS])
    result = sample_size_per_group(p1, p2, power=target, alpha=alpha, strict=True)
    assert np.all(np.isfinite(result.n_unrounded))
    # R's root (brentq on the transcribed p.body) wherever R's n is at least 2 (its uniroot's
    # lower end); every n meets the target and n - 1 does not
    for i in range(0, len(PAIRS), 7):
        a, b = PAIRS[i]
        n_r = optimize.brentq(
            lambda n, a=a, b=b: r_strict_power(n, a, b, alpha) - target,
            1e-6,
            1e7,
            xtol=1e-13,
            rtol=4 * np.finfo(float).eps,
        )
        if n_r >= 1:
            assert result.n0[i] == pytest.approx(n_r, rel=1e-11)
    n = result.n_per_group
    got = power(n, n, p1, p2, alpha=alpha, strict=True)
    assert np.all(got >= target)
    fewer = np.maximum(n - 1, 1)
    below = power(fewer, fewer, p1, p2, alpha=alpha, strict=True)
    assert np.all((below < target) | (n == 1))


@pytest.mark.parametrize("method", ["pooled", "arcsine"])
@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("population_size", [None, 400])
def test_sample_size_array_bit_identical_to_scalar_calls(
    method: str, strict: bool, population_size: int | None
) -> None:
    p1 = np.array([a for a, _ in PAIRS[::5]])
    p2 = np.array([b for _, b in PAIRS[::5]])
    opts: dict[str, Any] = {"method": method, "strict": strict, "alpha": 0.05}
    opts["population_size"] = population_size
    vector = sample_size_per_group(p1, p2, **opts)
    for i in range(p1.size):
        one = sample_size_per_group(float(p1[i]), float(p2[i]), **opts)
        assert one.n_per_group == vector.n_per_group[i]
        assert one.n_unrounded == vector.n_unrounded[i]  # the same bits, not approximately
        assert one.achieved_power == vector.achieved_power[i]


@pytest.mark.parametrize("method", ["pooled", "arcsine"])
@pytest.mark.parametrize("direction", ["increase", "decrease"])
@pytest.mark.parametrize("strict", [False, True])
def test_detectable_difference_array_bit_identical_to_scalar_calls(
    method: str, direction: str, strict: bool
) -> None:
    n1 = np.array([14, 35, 79, 100, 250, 100, 1000])
    n2 = np.array([14, 40, 80, 100, 250, 60, 1000])
    base = np.array([0.55, 0.65, 0.3, 0.65, 0.9, 0.05, 0.5])
    big1 = np.array([30.0, np.inf, 200.0, 250.0, np.inf, np.inf, 5000.0])
    opts: dict[str, Any] = {"method": method, "direction": direction, "strict": strict}
    vector = minimum_detectable_difference(n1, n2, base, population_size1=big1, **opts)
    for i in range(n1.size):
        pop = None if np.isinf(big1[i]) else int(big1[i])
        one = minimum_detectable_difference(
            int(n1[i]), int(n2[i]), float(base[i]), population_size1=pop, **opts
        )
        same = one.detectable_rate == vector.detectable_rate[i]
        assert same or (math.isnan(one.detectable_rate) and math.isnan(vector.detectable_rate[i]))


@pytest.mark.parametrize(("n", "baseline"), [(14, 0.55), (35, 0.7), (100, 0.65), (250, 0.2)])
@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_detectable_rate_is_rs_p2_root(n: int, baseline: float, direction: str) -> None:
    # R: power.prop.test(n = n, p1 = baseline, power = .8, sig.level = .1)$p2 solves p.body;
    # the same root by brentq on the transcribed p.body, to 1e-15
    def body(p1: float) -> float:
        qu = stats.norm.ppf(0.95)
        num = math.sqrt(n) * abs(p1 - baseline) - qu * math.sqrt(
            (p1 + baseline) * (1 - (p1 + baseline) / 2)
        )
        return float(stats.norm.cdf(num / math.sqrt(p1 * (1 - p1) + baseline * (1 - baseline))))

    end = 1.0 if direction == "increase" else 0.0
    if body(end) < 0.8:
        pytest.skip("not detectable in this direction")
    root = optimize.brentq(lambda p: body(p) - 0.8, baseline, end, xtol=1e-15, rtol=1e-15)
    got = minimum_detectable_difference(n, n, baseline, direction=direction).detectable_rate
    assert got == pytest.approx(root, abs=1e-13)


def test_r_p2_root_pasted() -> None:
    # R 4.2.2: print(power.prop.test(n = 100, p1 = .65, power = .8, sig.level = .1,
    #                                tol = 1e-14)$p2, digits = 15) -> 0.805688067333166
    got = minimum_detectable_difference(100, 100, 0.65).detectable_rate
    assert got == pytest.approx(0.805688067333166, abs=1e-14)
