"""Fisher's and the binomial exact tests without scipy: equal to scipy's (and so R's), and
Fisher's pure-Python and numpy versions give the same double for every table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from significance._binomial import binomial_pvalue
from significance._fisher import fisher_pvalue, fisher_pvalues

SIDES = ("two-sided", "less", "greater")


@pytest.mark.parametrize("alternative", SIDES)
def test_fisher_scalar_and_arrays_agree_bitwise_and_with_scipy(alternative: str) -> None:
    rng = np.random.default_rng(1998)
    n1, n2 = rng.integers(1, 80, 3000), rng.integers(1, 80, 3000)
    x1 = rng.binomial(n1, rng.uniform(0, 1, 3000))
    x2 = rng.binomial(n2, rng.uniform(0, 1, 3000))
    vector = fisher_pvalues(x1, n1, x2, n2, alternative)
    scalar = [fisher_pvalue(int(a), int(b), int(c), int(d), alternative)
              for a, b, c, d in zip(x1, n1, x2, n2, strict=True)]  # fmt: skip
    assert vector.tolist() == scalar  # the same doubles
    for k in range(0, 3000, 10):
        table = np.array([[x1[k], x2[k]], [n1[k] - x1[k], n2[k] - x2[k]]])
        side: Any = alternative
        expected = stats.fisher_exact(table, alternative=side).pvalue
        assert scalar[k] == pytest.approx(expected, rel=1e-12)


def test_fisher_on_large_tables() -> None:
    # scipy fisher_exact([[50000, 49000], [50000, 51000]]) = 7.89828955730827e-06
    assert fisher_pvalue(50000, 100000, 49000, 100000, "two-sided") == pytest.approx(
        stats.fisher_exact(np.array([[50000, 49000], [50000, 51000]])).pvalue, rel=1e-11
    )


@pytest.mark.parametrize("alternative", SIDES)
def test_binomial_equals_scipy_binomtest(alternative: str) -> None:
    rng = np.random.default_rng(2019)
    for _ in range(400):
        n = int(rng.choice([rng.integers(1, 40), rng.integers(1, 3000)]))
        p0 = float(rng.choice([rng.uniform(0.001, 0.999), rng.uniform(1e-4, 0.02), 0.69]))
        x = int(rng.binomial(n, p0)) if rng.random() < 0.8 else int(rng.integers(0, n + 1))
        side: Any = alternative
        expected = stats.binomtest(x, n, p0, alternative=side).pvalue
        assert binomial_pvalue(x, n, p0, alternative) == pytest.approx(
            expected, rel=1e-11, abs=1e-290
        ), (x, n, p0)
    # R 4.2: binom.test(13, 14, 0.69)$p.value = 0.0785401171371073
    assert binomial_pvalue(13, 14, 0.69, "two-sided") == pytest.approx(
        0.0785401171371073, rel=1e-13
    )
