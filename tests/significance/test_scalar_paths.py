"""The pure-Python paths give the array code's results bit for bit.

One comparison of plain Python numbers goes through pure Python (no numpy, no scipy: the command
line's path); the same numbers as numpy scalars (``np.int64`` for Python ints, ``np.float64`` for
floats), or as one-element arrays, go through the array code. Every field, every bound of the
interval and every warning must be the same, floats compared by their bits (so 0.0 and -0.0
differ, and NaN equals NaN).
"""

from __future__ import annotations

import re
import struct
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from significance import _scalar, _scalar_power, ztest

SEED = 20261202


def bits(value: Any) -> Any:
    """A field with every float replaced by its bit pattern (recursively)."""
    if isinstance(value, float):
        return ("float", struct.pack("<d", value))
    if isinstance(value, dict):
        return {k: bits(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [bits(v) for v in value]
    return value


def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[Any]]:
    """A call's result (or its error) and the warnings it raised (category and text)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: Any = function(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            result = (type(exc), str(exc))
    return result, [(w.category, str(w.message)) for w in caught]


class Spy:
    """Counts the calls a pure-Python path answered (not None) and those it left to numpy."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
        self.answered = self.left = 0
        real = getattr(module, name)

        def spy(*args: Any, **kwargs: Any) -> Any:
            out = real(*args, **kwargs)
            if out is None:
                self.left += 1
            else:
                self.answered += 1
            return out

        monkeypatch.setattr(module, name, spy)


def first(value: Any) -> Any:
    """Element 0 of a one-element array field (a scalar field as it is)."""
    if isinstance(value, np.ndarray):
        return value.ravel().tolist()[0]
    return value


def ztest_settings(count: int) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Seeded comparisons: small and large counts, every option, edge counts (0 and n)."""
    rng = np.random.default_rng(SEED)
    out = []
    for i in range(count):
        big = rng.random() < 0.2
        n1 = int(rng.integers(1, 10**7 if big else 200))
        n2 = int(rng.integers(1, 10**7 if big else 200))
        x1 = int(rng.choice(np.array([0, n1, rng.integers(0, n1 + 1)]), p=[0.05, 0.05, 0.9]))
        x2 = int(rng.choice(np.array([0, n2, rng.integers(0, n2 + 1)]), p=[0.05, 0.05, 0.9]))
        options: dict[str, Any] = {
            "alpha": float(rng.choice([0.1, 0.05, 0.2, rng.uniform(0.001, 0.5)])),
            "alternative": str(rng.choice(["two-sided", "greater", "less"])),
            "pooled": bool(rng.random() < 0.7),
            "continuity": bool(rng.random() < 0.3),
            "interval": str(rng.choice(["newcombe", "wald"])),
            "small_count_test": None if rng.random() < 0.2 else "fisher",
        }
        if rng.random() < 0.25:
            options["population_size1"] = n1 + int(rng.integers(0, 3 * n1))  # a census at times
        if rng.random() < 0.25:
            options["population_size2"] = float("inf") if i % 7 == 0 else n2 + int(n2 * 0.5)
        plain = not options["continuity"] and "population_size1" not in options
        if rng.random() < 0.1 and plain and not big:
            options.pop("population_size2", None)
            options["exact"] = "fisher"
        out.append(((x1, n1, x2, n2), options))
    return out


@pytest.mark.parametrize("case", range(8))
def test_ztest_pure_python_equals_array_code(case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch, _scalar, "ztest_scalar")
    for counts, options in ztest_settings(400)[case * 50 : (case + 1) * 50]:
        fast, fast_warned = run(ztest, *counts, **options)
        slow, slow_warned = run(ztest, *map(np.int64, counts), **options)
        assert "numpy" not in type(fast.statistic).__module__
        assert bits(fast.to_dict()) == bits(slow.to_dict()), (counts, options)
        assert fast_warned == slow_warned, (counts, options)
        # the vectorised code on one-element arrays: the same fields and the same interval
        arrays, _ = run(ztest, *(np.array([v]) for v in counts), **options)
        for key in ("p1", "p2", "difference", "statistic", "pvalue", "significant", "test"):
            value = getattr(fast, key)
            assert bits(value) == bits(first(getattr(arrays, key))), (key, counts, options)
        low, high = arrays.confidence_interval()
        assert bits(tuple(fast.confidence_interval())) == bits((first(low), first(high)))
        level = 0.8 if case % 2 else 0.95
        low, high = arrays.confidence_interval(level)
        assert bits(tuple(fast.confidence_interval(level))) == bits((first(low), first(high)))
    assert spy.answered == 50 and spy.left == 0  # every one of them took the pure path


def test_invalid_plain_numbers_get_the_array_codes_errors() -> None:
    cases: list[tuple[tuple[float, ...], dict[str, Any]]] = [
        ((120, 100, 65, 100), {}),
        ((74, 100, 65, 100), {"alpha": 1.5}),
        ((74.5, 100, 65, 100), {}),
        ((74, 100, 65, 100), {"alternative": "larger"}),
        ((74, 100, 65, 100), {"population_size1": 50}),
        ((74, 100, 65, 100), {"exact": "fisher", "continuity": True}),
        ((74, 100, 65, 100), {"pooled": 1}),
    ]
    for args, options in cases:
        fast, _ = run(ztest, *args, **options)
        slow, _ = run(ztest, *(np.float64(v) if type(v) is float else np.int64(v) for v in args),
                      **options)  # fmt: skip
        assert isinstance(fast, tuple) and fast == slow, (args, options)


def power_settings(count: int, seed: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Seeded settings of the power functions: sizes, rates, populations (censuses at times)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        n1, n2 = (int(rng.choice(np.array([1, 5, rng.integers(2, 400), rng.integers(2, 10**6)])))
                  for _ in range(2))  # fmt: skip
        alternative = str(rng.choice(["two-sided", "greater", "less"]))
        options: dict[str, Any] = {
            "alpha": float(rng.choice([0.1, 0.05, rng.uniform(0.001, 0.5)])),
            "alternative": alternative,
            "strict": bool(rng.random() < 0.3),
        }
        populations: dict[str, Any] = {}
        if rng.random() < 0.3:
            populations["population_size1"] = n1 + int(
                rng.choice(np.array([0, rng.integers(0, 3 * n1)]))
            )
        if rng.random() < 0.3:
            populations["population_size2"] = n2 + int(
                rng.choice(np.array([0, rng.integers(0, 3 * n2)]))
            )
        rates = {
            "p1": float(rng.uniform(0.001, 0.999)),
            "p2": float(rng.choice([0.5, 0.65, rng.uniform(0.001, 0.999)])),
        }
        out.append(({"n1": n1, "n2": n2, **rates, **populations}, options))
    return out


def _same(function: Callable[..., Any], plain: dict[str, Any], options: dict[str, Any]) -> None:
    numpy_args = {k: (None if v is None else np.float64(v)) for k, v in plain.items()}
    fast, fast_warned = run(function, **plain, **options)
    slow, slow_warned = run(function, **numpy_args, **options)
    if isinstance(slow, tuple):  # refused: the same error from the same code
        assert fast == slow
        return
    if not isinstance(fast, float):
        fast, slow = fast.to_dict(), slow.to_dict()
    assert bits(fast) == bits(slow), (plain, options)
    assert fast_warned == slow_warned, (plain, options)


@pytest.mark.parametrize("seed", range(3))
def test_power_pure_python_equals_array_code(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch, _scalar_power, "power_scalar")
    from significance import power

    for plain, options in power_settings(300, SEED + seed):
        _same(power, plain, options)
    assert spy.answered == 300 and spy.left == 0


@pytest.mark.parametrize("seed", range(3))
def test_detectable_difference_pure_python_equals_array_code(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch, _scalar_power, "detectable_scalar")
    from significance import minimum_detectable_difference

    rng = np.random.default_rng(seed)
    for plain, options in power_settings(60, SEED + 10 + seed):
        p1 = plain.pop("p1")
        plain["baseline"] = plain.pop("p2")
        options["power"] = float(rng.choice([0.8, 0.9, rng.uniform(0.01, 0.99)]))
        if rng.random() < 0.5:
            options["direction"] = "increase" if p1 > 0.5 else "decrease"
        _same(minimum_detectable_difference, plain, options)
    assert spy.answered >= 50 and spy.answered + spy.left == 60


@pytest.mark.parametrize("seed", range(3))
def test_group_size_pure_python_equals_array_code(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch, _scalar_power, "group_size_scalar")
    from significance import sample_size_per_group

    rng = np.random.default_rng(seed)
    for plain, options in power_settings(200, SEED + 20 + seed):
        rates = {"p1": plain["p1"], "p2": plain["p2"]}
        if options["alternative"] != "two-sided":
            low, high = sorted(rates.values())
            rates = {"p1": high, "p2": low} if options["alternative"] == "greater" else {
                "p1": low, "p2": high}  # fmt: skip
        if rng.random() < 0.4:
            rates["population_size"] = int(rng.integers(1, 5000))
        options["power"] = float(rng.choice([0.8, 0.9, rng.uniform(0.01, 0.99)]))
        _same(sample_size_per_group, rates, options)
    assert spy.answered >= 190 and spy.answered + spy.left == 200


def test_blocked_arrays_equal_scalar_calls_at_every_size_of_count() -> None:
    """Counts below 2**26 (doubles), up to 2**31 (int64 products) and beyond (float64)."""
    rng = np.random.default_rng(SEED + 40)
    for top in (200, 2**28, 2**40):
        size = 40_000  # three blocks, the last one short
        n1 = rng.integers(1, top, size)
        n2 = rng.integers(1, top, size)
        x1 = (n1 * rng.uniform(0, 1, size)).astype(np.int64)
        x2 = (n2 * rng.uniform(0, 1, size)).astype(np.int64)
        for pooled in (True, False):
            arrays, _ = run(ztest, x1, n1, x2, n2, pooled=pooled)
            picks = [*rng.integers(0, size, 60).tolist(), size - 1]
            for i in picks:
                one, _ = run(ztest, int(x1[i]), int(n1[i]), int(x2[i]), int(n2[i]), pooled=pooled)
                for key in ("p1", "p2", "difference", "statistic", "pvalue"):
                    got = getattr(arrays, key).ravel()[i].item()
                    assert bits(getattr(one, key)) == bits(got), (top, key, i)


@pytest.mark.parametrize(
    ("alternative", "pooled"), [("two-sided", True), ("greater", True), ("less", False)]
)
def test_blocked_arrays_equal_scalar_calls_at_edges_and_small_counts(
    alternative: str, pooled: bool
) -> None:
    """0/n, n/n and small counts over several blocks: every field as one scalar call gives it.

    ``significant`` is computed block by block from the normal p-value and redone where
    Fisher's test takes over; ``test`` is built when first read: both checked here.
    """
    rng = np.random.default_rng(SEED + 41)
    size = 40_000  # three blocks of 16,384, the last one short
    n1 = rng.integers(1, 120, size)
    n2 = rng.integers(1, 120, size)
    x1 = rng.binomial(n1, 0.6)
    x2 = rng.binomial(n2, 0.55)
    x1[::97], x2[::89] = 0, n2[::89]  # 0/n and n/n, both at once where the strides meet
    x1[5::101] = n1[5::101]
    x2[7::103] = 0
    arrays, _ = run(ztest, x1, n1, x2, n2, alternative=alternative, pooled=pooled)
    test = arrays.test
    fisher = np.flatnonzero(test == "fisher")
    assert 100 < fisher.size < size // 2  # small counts (n from 1) in every block
    edges = np.flatnonzero((x1 == 0) | (x1 == n1) | (x2 == 0) | (x2 == n2))
    picks = {*fisher[::7].tolist(), *edges[::11].tolist(), *rng.integers(0, size, 60).tolist()}
    picks |= {0, 16_383, 16_384, size - 1}
    for i in sorted(picks):
        args = (int(x1[i]), int(n1[i]), int(x2[i]), int(n2[i]))
        one, _ = run(ztest, *args, alternative=alternative, pooled=pooled)
        for key in ("p1", "p2", "difference", "statistic", "pvalue", "significant", "test"):
            got = getattr(arrays, key).ravel()[i]
            got = got if isinstance(got, str) else got.item()
            assert bits(getattr(one, key)) == bits(got), (key, i, args)


@pytest.mark.parametrize(
    ("method", "alternative", "population"),
    [("pooled", "two-sided", False), ("pooled", "greater", False), ("arcsine", "less", True)],
)
def test_group_size_blocked_arrays_equal_scalar_calls(
    method: str, alternative: str, population: bool
) -> None:
    """40,000 settings (three blocks; inputs checked in the blocks, the achieved power and
    ``n_unrounded`` built when read): every field is what one scalar call gives."""
    from significance import sample_size_per_group

    rng = np.random.default_rng(SEED + 42)
    size = 40_000
    p2 = rng.uniform(0.01, 0.99, size)
    step = rng.uniform(0.001, 0.3, size)
    sign = {"greater": 1.0, "less": -1.0}.get(alternative, rng.choice([-1.0, 1.0], size))
    p1 = np.clip(p2 + sign * step, 0.001, 0.999)
    p1[p1 == p2] = 0.5 if alternative == "two-sided" else p1[p1 == p2]
    keep = p1 != p2
    p1, p2 = p1[keep], p2[keep]
    options: dict[str, Any] = {"method": method, "alternative": alternative, "alpha": 0.05}
    if population:
        options["population_size"] = rng.integers(1, 5000, p1.size)
    arrays, _ = run(sample_size_per_group, p1, p2, **options)
    picks = {*rng.integers(0, p1.size, 80).tolist(), 0, 16_383, 16_384, p1.size - 1}
    for i in sorted(picks):
        one_options = dict(options)
        if population:
            one_options["population_size"] = int(options["population_size"][i])
        one, _ = run(sample_size_per_group, float(p1[i]), float(p2[i]), **one_options)
        for key in ("n_per_group", "n_unrounded", "n0", "achieved_power", "p1", "p2"):
            got = getattr(arrays, key)[i].item()
            assert bits(getattr(one, key)) == bits(got), (key, i)


def test_group_size_checks_in_later_blocks_give_the_full_checks_errors() -> None:
    """An input failing in the third block raises what the same input raises alone."""
    from significance import sample_size_per_group

    p2 = np.full(40_000, 0.65)
    for bad, message in [
        (0.0, "p1 must be between 0 and 1 (exclusive); got 0"),
        (np.nan, "p1 must be between 0 and 1 (exclusive); got nan"),
        (0.65, "p1 and p2 must differ; got both 0.65"),
    ]:
        p1 = np.full(40_000, 0.74)
        p1[35_000] = bad
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            sample_size_per_group(p1, p2)
    p1 = np.full(40_000, 0.74)
    p1[39_999] = 0.6
    with pytest.raises(ValueError, match="'greater' cannot detect a change from p2 to p1"):
        sample_size_per_group(p1, p2, alternative="greater")
