"""sample_size, margin_of_error and implied_population of plain numbers: the array code's bits.

Plain Python numbers under the normal rule go through pure Python (no numpy: the command line's
path); the same numbers as numpy scalars, or inside one-element arrays, through the array code.
Every field and warning must be the same, floats compared by their bits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sampling import _sizes, implied_population, margin_of_error, sample_size
from tests.significance.test_scalar_paths import Spy, bits, run

SEED = 20261203


def settings(count: int) -> list[dict[str, Any]]:
    """Seeded rules: common and odd levels, margins, proportions, design effects, populations."""
    rng = np.random.default_rng(SEED)
    out: list[dict[str, Any]] = []
    for _ in range(count):
        out.append(
            {
                "population_size": None
                if rng.random() < 0.2
                else int(
                    rng.choice(np.array([1, 2, 30, rng.integers(1, 400), rng.integers(1, 10**9)]))
                ),
                "margin_of_error": float(rng.choice([0.05, 0.03, 0.1, rng.uniform(1e-4, 0.49)])),
                "confidence_level": float(
                    rng.choice([0.8, 0.9, 0.95, 0.99, rng.uniform(1e-6, 1 - 1e-9)])
                ),
                "proportion": float(rng.choice([0.5, 0.1, 0.02, rng.uniform(1e-6, 1 - 1e-6)])),
                "design_effect": float(rng.choice([1.0, 1.5, rng.uniform(1, 20)])),
            }
        )
    return out


@pytest.mark.parametrize("case", range(4))
def test_sample_size_pure_python_equals_array_code(
    case: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch, _sizes, "sample_size_scalar")
    for rule in settings(1200)[case * 300 : (case + 1) * 300]:
        fast, fast_warned = run(sample_size, **rule)
        numpy_rule = {k: (None if v is None else np.float64(v)) for k, v in rule.items()}
        slow, slow_warned = run(sample_size, **numpy_rule)
        if isinstance(slow, tuple):  # refused (n0 beyond 2**53): the same error
            assert fast == slow
            continue
        assert bits(fast.to_dict()) == bits(slow.to_dict()), rule
        assert fast_warned == slow_warned, rule
        pop = rule["population_size"]
        rest = {k: v for k, v in rule.items() if k != "population_size"}
        arrays, _ = run(sample_size, np.array([np.inf if pop is None else pop]), **rest)
        for name in ("n", "n0", "n_unrounded", "z", "achieved_margin"):
            assert bits(getattr(fast, name)) == bits(getattr(arrays, name).tolist()[0]), name
    assert spy.answered >= 290  # the rest: margins too small for an infinite population


def test_margin_and_implied_population_equal_the_array_code() -> None:
    rng = np.random.default_rng(SEED + 1)
    for _ in range(1500):
        pop = None if rng.random() < 0.3 else int(rng.integers(1, 10**6))
        n = int(rng.integers(1, 500 if pop is None else pop + 1))
        level = float(rng.choice([0.8, 0.95, rng.uniform(0.01, 0.999)]))
        p = float(rng.choice([0.5, rng.uniform(0.01, 0.99)]))
        fast = margin_of_error(n, pop, confidence_level=level, proportion=p)
        slow = margin_of_error(np.float64(n), pop and np.float64(pop), confidence_level=level,
                               proportion=np.float64(p))  # fmt: skip
        assert bits(fast) == bits(slow)
        assert type(fast) is float
    for n in (1, 2, 50, 98, 100, 120, 129, 164, 165):
        fast_r = implied_population(n)
        slow_r = implied_population(np.int64(n))  # type: ignore[arg-type]
        assert bits(fast_r.to_dict()) == bits(slow_r.to_dict())


def test_invalid_plain_numbers_get_the_array_codes_errors() -> None:
    cases: list[dict[str, Any]] = [
        {"population_size": 0},
        {"margin_of_error": 5},
        {"margin_of_error": 0.5},
        {"confidence_level": 80},
        {"design_effect": 0.5},
        {"method": "wald"},
        {"population_size": 25.5},
        {"population_size": float("inf")},
    ]
    for args in cases:
        fast, _ = run(sample_size, **args)
        assert isinstance(fast, tuple) and fast[0] is not None
    assert (
        run(lambda: margin_of_error(300, 250))[0]
        == run(lambda: margin_of_error(np.float64(300), np.float64(250)))[0]
    )


def test_planning_rows_are_the_planning_table() -> None:
    from sampling import planning_table
    from sampling._planning import planning_rows

    for levels in ([0.8, 0.9, 0.95], [0.5, 0.99]):
        table = planning_table(confidence_levels=levels)
        rows = planning_rows(confidence_levels=levels)
        assert [None if np.isinf(p) else int(p) for p in table.index] == [p for p, _ in rows]
        assert table.to_numpy().tolist() == [ns for _, ns in rows]
    assert planning_rows([40, float("inf")], method="wilson") == [
        (40, planning_table([40], method="wilson").iloc[0].tolist()),
        (None, planning_table([None], method="wilson").iloc[0].tolist()),
    ]
    bad: list[dict[str, Any]] = [
        {"confidence_levels": [80]},
        {"population_sizes": [0]},
        {"population_sizes": []},
    ]
    for args in bad:
        fast, _ = run(planning_rows, **args)
        assert isinstance(fast, tuple) and fast == run(planning_table, **args)[0]
