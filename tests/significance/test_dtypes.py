"""Counts in small integer dtypes are upcast at the boundary: no silent wrap-around.

Before the upcast, ``uint8`` counts gave z = 11.63 for 200/250 vs 100/250 (the right z is 9.13:
``200 + 100`` wraps to 44 in ``uint8``), ``int8`` gave z = NaN and ``power`` NaN.
"""

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from significance import (
    SmallCountWarning,
    minimum_detectable_difference,
    power,
    ztest,
    ztest_one_sample,
)

Row = tuple[int, int, int, int]
Case = tuple[type[np.integer[Any]], list[Row]]
DTYPES: list[type[np.integer[Any]]] = [
    np.int8,
    np.uint8,
    np.int16,
    np.uint16,
    np.int32,
    np.uint32,
    np.int64,
    np.uint64,
]


@pytest.fixture(autouse=True)
def _quiet_small_counts() -> None:
    warnings.simplefilter("ignore", SmallCountWarning)


@st.composite
def typed_pairs(draw: st.DrawFn) -> Case:
    """A dtype and up to five (x1, n1, x2, n2) that fit in it."""
    dtype = draw(st.sampled_from(DTYPES))
    top = min(int(np.iinfo(dtype).max), 10**6)
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        n1, n2 = draw(st.integers(1, top)), draw(st.integers(1, top))
        rows.append((draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2))
    return dtype, rows


@given(typed_pairs())
def test_ztest_same_in_every_integer_dtype(case: Case) -> None:
    dtype, rows = case
    cols = [np.array(c, dtype=dtype) for c in zip(*rows, strict=True)]
    typed = ztest(*cols)
    plain = ztest(*(np.array(c, dtype=object).astype(float) for c in zip(*rows, strict=True)))
    np.testing.assert_array_equal(typed.statistic, plain.statistic)
    np.testing.assert_array_equal(typed.pvalue, plain.pvalue)
    np.testing.assert_array_equal(typed.significant, plain.significant)
    for i, row in enumerate(rows):  # and each equals the scalar call with Python ints
        assert typed.statistic[i] == ztest(*row).statistic


@given(typed_pairs())
def test_power_and_one_sample_same_in_every_integer_dtype(
    case: Case,
) -> None:
    dtype, rows = case
    n1 = np.array([r[1] for r in rows], dtype=dtype)
    n2 = np.array([r[3] for r in rows], dtype=dtype)
    expected = [power(int(a), int(b), 0.74, 0.65) for a, b in zip(n1, n2, strict=True)]
    np.testing.assert_array_equal(power(n1, n2, 0.74, 0.65), expected)
    x = np.array([r[0] for r in rows], dtype=dtype)
    one = ztest_one_sample(x, n1, 0.5)
    np.testing.assert_array_equal(
        one.statistic,
        [ztest_one_sample(int(a), int(b), 0.5).statistic for a, b in zip(x, n1, strict=True)],
    )


def test_the_reported_wrap_around_cases() -> None:
    u8 = ztest(*(np.array([v], dtype=np.uint8) for v in (200, 250, 100, 250)))
    # R 4.2.2: sqrt(prop.test(c(200, 100), c(250, 250), correct = FALSE)$statistic)
    #   -> 9.12870929175277; sqrt(prop.test(c(100, 20), c(120, 120), correct = FALSE)$statistic)
    #   -> 10.3279555898864
    assert u8.statistic[0] == pytest.approx(9.128709291752768, rel=1e-12)
    i8 = ztest(*(np.array([v], dtype=np.int8) for v in (100, 120, 20, 120)))
    assert i8.statistic[0] == pytest.approx(10.327955589886447, rel=1e-12) and i8.significant[0]
    p = power(np.array([100], dtype=np.int8), np.array([100], dtype=np.int8), 0.74, 0.65)
    assert p[0] == pytest.approx(power(100, 100, 0.74, 0.65), rel=1e-15)
    m = minimum_detectable_difference(np.array([100], dtype=np.int8), 100, 0.65)
    assert m.detectable_rate[0] == minimum_detectable_difference(100, 100, 0.65).detectable_rate
