"""Does the rule's sample reach +/-5 points 80% of the time? Exact and seeded simulation."""

import numpy as np
import pytest
from scipy.stats import hypergeom

from sampling import sample_size


def exact_within(big_n: int, m: int, n: int, margin: float = 0.05) -> float:
    """P(|X/n - M/N| <= margin) for X ~ Hypergeometric(N, M, n), summed exactly."""
    xs = np.arange(n + 1)
    inside = np.abs(xs / n - m / big_n) <= margin + 1e-12
    return float(hypergeom.pmf(xs, big_n, m, n)[inside].sum())


def test_n100_from_254_reaches_the_margin_80_percent_of_the_time() -> None:
    n = sample_size(254).n
    assert n == 100
    exact = exact_within(254, 127, n)
    # scipy 1.x hypergeom, summed over 45 <= X <= 55: 0.8424127083270506
    assert exact == pytest.approx(0.8424127083270506, rel=1e-9)
    rng = np.random.default_rng(2026)
    draws = rng.hypergeometric(127, 254 - 127, n, size=200_000)
    simulated = float(np.mean(np.abs(draws / n - 0.5) <= 0.05 + 1e-12))
    se = np.sqrt(exact * (1 - exact) / draws.size)
    assert abs(simulated - exact) < 4 * se
    assert simulated > 0.80


@pytest.mark.parametrize(
    ("big_n", "worst"),
    [
        # min over M of P(|p_hat - P| <= 0.05) at the rule's n; exact sums with scipy hypergeom
        (254, 0.7981),
        (597, 0.7674),
        (30, 0.7258),
    ],
)
def test_rule_is_approximate_over_all_true_proportions(big_n: int, worst: float) -> None:
    """The normal rule's 80% holds at p = 0.5 but discreteness lets it dip below for some M."""
    n = sample_size(big_n).n
    coverage = [exact_within(big_n, m, n) for m in range(big_n + 1)]
    assert min(coverage) == pytest.approx(worst, abs=5e-5)
    assert exact_within(big_n, big_n // 2, n) >= 0.80 - 0.02
