"""Hypothesis properties of the whole pipeline on generated case lists.

size -> allocate -> draw -> balance: the allocation sums to n and keeps each cell within the
floor or ceiling of its quota and its population; every margin is within the floor and ceiling
of its quota unless the library warns that no rounding can keep it there, which never happens
with one or two variables (where the rounding is also exactly unbiased); the sample
holds n distinct IDs of the population, the allocated number from each cell; reserves are other
cases of the same cell, in order; and the balance table counts the sample.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sampling import MarginWarning, allocate, balance_report, draw, sample_size
from tests.strategies import case_lists

BRUTE_FORCE_LIMIT = 14  # cells rounded up or not: 2**14 subsets at most


def _documented_targets(counts: pd.Series, n: int) -> dict[Any, int]:
    """Largest remainder of n's shares with the documented tie rule: larger remainder, then larger
    population, then the level listed first."""
    total = int(counts.sum())
    out = {lv: int(n * c // total) for lv, c in counts.items()}
    rem = {lv: int(n * c % total) for lv, c in counts.items()}
    size = {lv: int(c) for lv, c in counts.items()}
    position = {lv: i for i, lv in enumerate(counts.index)}
    order = sorted(out, key=lambda lv: (-rem[lv], -size[lv], position[lv]))
    for lv in order[: n - sum(out.values())]:
        out[lv] += 1
    return out


def _check_largest_remainder(counts: pd.Series, targets: dict[Any, int], n: int) -> None:
    """Targets are a largest-remainder rounding of n's shares: floor or ceiling, summing to n,
    the extra cases to the largest remainders (among equal remainders, any)."""
    total = int(counts.sum())
    assert set(targets) == set(counts.index) and sum(targets.values()) == n
    floors = {lv: int(n * c // total) for lv, c in counts.items()}
    rem = {lv: int(n * c % total) for lv, c in counts.items()}
    up = [lv for lv in targets if targets[lv] == floors[lv] + 1]
    down = [lv for lv in targets if targets[lv] == floors[lv]]
    assert len(up) + len(down) == len(targets)
    assert all(rem[a] > 0 for a in up)
    assert all(rem[a] >= rem[b] for a in up for b in down)


@settings(max_examples=80, deadline=None)
@given(
    case_lists(),
    st.one_of(st.just("auto"), st.floats(0.01, 1.0)),
    st.integers(0, 2**40),
    st.integers(0, 3),
)
def test_size_allocate_draw_balance(
    population: tuple[pd.DataFrame, tuple[str, ...]], n_spec: float | str, seed: int, reserves: int
) -> None:
    cases, strata = population
    before = cases.copy()
    big_n = len(cases)
    n = sample_size(big_n).n if n_spec == "auto" else max(1, math.floor(float(n_spec) * big_n))
    assert 1 <= n <= big_n

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        allocation = allocate(cases, "auto" if n_spec == "auto" else n, strata=list(strata),
                              seed=seed)  # fmt: skip
        result = draw(cases, "auto" if n_spec == "auto" else n, seed=seed,
                      strata=list(strata), reserves=reserves)  # fmt: skip
        balance = balance_report(result.allocation, result.sample)
    pd.testing.assert_frame_equal(cases, before)  # nothing modified
    missed = any(issubclass(w.category, MarginWarning) for w in caught)
    event(f"{len(strata)} strata, margins {'missed (infeasible)' if missed else 'on target'}")

    # allocate: sum, bounds, floor or ceiling of the quota; draw used the same allocation
    cells = allocation.cells
    pd.testing.assert_frame_equal(cells, result.allocation.cells)
    assert allocation.n == n and int(cells["allocated"].sum()) == n
    pop, alloc = cells["population"].to_numpy(), cells["allocated"].to_numpy()
    assert int(pop.sum()) == big_n and np.all(alloc <= pop) and np.all(alloc >= 0)
    exact = n * pop / big_n
    assert np.all((alloc == np.floor(exact)) | (alloc == np.ceil(exact)))

    # margins within the floor and ceiling of their quotas; the reported targets are the
    # documented largest-remainder ones
    margins = allocation.margins
    for name in strata:
        library = margins[margins["variable"] == name].set_index("level")["target"].to_dict()
        counts = cells.groupby(name)["population"].sum().reindex(list(library))
        _check_largest_remainder(counts, library, n)
        assert library == _documented_targets(counts, n)
    quota = margins["quota"].to_numpy()
    assert (margins["floor"] == np.floor(quota + 1e-9)).all()
    assert (margins["ceiling"] == np.ceil(quota - 1e-9)).all()
    if not missed:
        assert (margins["deviation"] == 0).all()
        assert (margins["floor"] <= margins["allocated"]).all()
        assert (margins["allocated"] <= margins["ceiling"]).all()
    if len(strata) <= 2:  # one or two variables: always in range, and exactly unbiased
        assert not missed
        assert allocation.rounding.exact
        assert np.allclose(cells["inclusion_probability"], n / big_n, rtol=0, atol=1e-12)

    # the sample: n distinct IDs of the population, the allocated number from each cell
    sample, spare = result.sample, result.reserves
    ids = set(cases["case_id"])
    assert len(sample) == n and sample["case_id"].is_unique and set(sample["case_id"]) <= ids
    per_cell = sample.groupby("cell").size().reindex(range(1, len(cells) + 1), fill_value=0)
    assert per_cell.tolist() == alloc.tolist()
    original = cases.set_index("case_id")
    for frame in (sample, spare):
        for name in strata:  # each case keeps its own strata values, and its cell's
            assert (frame[name].to_numpy() == original.loc[frame["case_id"], name].to_numpy()).all()
            assert (frame[name].to_numpy() == cells[name].to_numpy()[frame["cell"] - 1]).all()

    # reserves: other cases of the same cell, ordered 1, 2, ..., as many as the cell has left
    assert not set(spare["case_id"]) & set(sample["case_id"])
    assert spare["case_id"].is_unique and set(spare["case_id"]) <= ids
    wanted = np.where(alloc > 0, np.minimum(reserves, pop - alloc), 0)
    got = spare.groupby("cell").size().reindex(range(1, len(cells) + 1), fill_value=0)
    assert got.tolist() == wanted.tolist()
    for _, group in spare.groupby("cell"):
        assert group["reserve_order"].tolist() == list(range(1, len(group) + 1))

    # balance: the table counts the sample
    table = balance.table
    assert table[table["variable"] == "all"]["sample"].tolist() == [n]
    for name in strata:
        rows = table[table["variable"] == name].set_index("level")
        counts = sample[name].value_counts()
        assert rows["sample"].to_dict() == counts.reindex(rows.index, fill_value=0).to_dict()
        assert rows["population"].to_dict() == cases[name].value_counts().to_dict()
        assert int(rows["sample"].sum()) == n
