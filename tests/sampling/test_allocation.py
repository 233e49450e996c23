"""Allocation over cross-classified cells: worked examples, brute-force properties, errors."""

import dataclasses
import itertools
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sampling import MarginWarning, allocate, read_cases
from sampling._allocation import (
    _margin_targets,
    allocate_cells,
    largest_remainder,
    target_ranges,
)
from tests.strategies import cell_tables

EXAMPLE = "sampling/data/example_population.csv"
Table = tuple[np.ndarray, np.ndarray, tuple[int, ...], int]


def counts_series(rows: list[tuple[str, str, int]]) -> pd.Series:
    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["gender", "risk"])
    return pd.Series([r[2] for r in rows], index=index)


def margins_of(alloc: np.ndarray, codes: np.ndarray, n_levels: tuple[int, ...]) -> list[list[int]]:
    return [
        np.bincount(codes[:, j], weights=alloc, minlength=k).astype(int).tolist()
        for j, k in enumerate(n_levels)
    ]


def test_worked_example_where_cell_rounding_misses_a_margin() -> None:
    # Checked by hand. N = 5, n = 2; cells listed low before high (RoSH order): quotas n N_h / N
    #   female/low 0.8, female/high 0.4, male/low 0.4, male/high 0.4.
    # Margin targets (largest remainder of each variable's own quotas):
    #   gender: female 3 * 2 / 5 = 1.2, male 0.8 -> floors 1, 0, one case left -> male: 1, 1.
    #   risk:   high 0.8, low 1.2 -> 1, 1.
    # Largest remainder on the cells: female/low (0.8) then a three-way tie at 0.4 -> with equal
    # populations the earliest cell, female/high: 2 women, 0 men, missing gender by one.
    # (Risk is hit by luck: 1 low, 1 high.)
    # Controlled rounding: two cells rounded up with one woman, one man, one high, one low:
    #   {female/low, male/high} (remainders 0.8 + 0.4) or {female/high, male/low} (0.4 + 0.4);
    #   the first is closer to the quotas.
    pop = counts_series([("female", "high", 1), ("female", "low", 2), ("male", "high", 1),
                         ("male", "low", 1)])  # fmt: skip
    lr = allocate(pop, 2, method="largest-remainder")
    assert lr.cells["allocated"].tolist() == [1, 1, 0, 0]
    assert lr.missed["deviation"].tolist() == [1, -1]
    controlled = allocate(pop, 2, method="controlled")
    assert controlled.cells["allocated"].tolist() == [1, 0, 0, 1]
    assert controlled.missed.empty
    assert controlled.cells["risk"].tolist() == ["low", "high", "low", "high"]
    assert controlled.cells["quota"].tolist() == pytest.approx([0.8, 0.4, 0.4, 0.4])


def test_infeasible_margins_get_closest_allocation_and_say_which_missed() -> None:
    # Checked by hand. Three cases, each in its own cell of a 2 x 2 x 2 table, n = 1:
    #   (a0, b1, c1), (a1, b0, c1), (a1, b1, c0). Each variable has 1 case at level 0 and 2 at
    #   level 1, so every target is (0, 1): the one case must be a1, b1 and c1 at once, and no
    #   cell is. Any choice misses exactly one variable by one case; the quotas tie (1/3 each),
    #   so the earliest cell is chosen and variable a misses: a0 +1, a1 -1.
    index = pd.MultiIndex.from_tuples(
        [("a0", "b1", "c1"), ("a1", "b0", "c1"), ("a1", "b1", "c0")], names=["a", "b", "c"]
    )
    with pytest.warns(MarginWarning, match="closest misses by 1 case"):
        result = allocate(pd.Series([1, 1, 1], index=index), 1, method="controlled")
    assert result.cells["allocated"].tolist() == [1, 0, 0]
    assert result.missed[["variable", "level", "deviation"]].to_numpy().tolist() == [
        ["a", "a0", 1],
        ["a", "a1", -1],
    ]
    assert "margins off target: a=a0 +1, a=a1 -1" in result.summary()


def test_example_population_auto() -> None:
    # 250 eligible cases: the 80%/5 rule gives 100 (see test_sizes). Gender target by hand:
    # 39 women -> 15.6, 211 men -> 84.4: floors 15 + 84 = 99, the extra case to the larger
    # remainder (0.6): 16 women, 84 men.
    result = allocate(read_cases(EXAMPLE), "auto", method="controlled")
    assert result.n == 100 and result.population_size == 250 and result.missed.empty
    gender = result.margins[result.margins["variable"] == "gender"]
    assert gender[["level", "population", "target", "allocated"]].to_numpy().tolist() == [
        ["female", 39, 16, 16],
        ["male", 211, 84, 84],
    ]
    assert result.cells["allocated"].sum() == 100
    # to_dict() is the fields (tables as one dict per row), JSON-ready
    record = json.loads(json.dumps(result.to_dict()))
    assert list(record) == [f.name for f in dataclasses.fields(result)]
    very_high = [m for m in record["margins"] if m["level"] == "very high"]
    assert very_high == [
        {
            "variable": "risk",
            "level": "very high",
            "population": 1,
            "quota": 0.4,  # 100 * 1 / 250
            "floor": 0,
            "ceiling": 1,
            "target": 0,
            "allocated": 0,
            "deviation": 0,
        }
    ]
    cells = result.cells.astype(object).where(result.cells.notna(), None)  # NaN weight: None
    assert record["cells"] == cells.to_dict(orient="records")
    # The deterministic rounding gives three cells nothing, every time (quotas 0.8, 0.4 and 0.4
    # rounded down: female/suspended/medium with 2 cases, female/licence/high and the single
    # very-high case): those 4 of 250 cases cannot be selected.
    assert result.cases_without_chance == 4
    assert result.unselectable["quota"].round(2).tolist() == [0.8, 0.4, 0.4]
    assert result.unselectable["design_weight"].isna().all()


def test_subset_of_variables_and_row_order() -> None:
    cases = read_cases(EXAMPLE)
    unpaid = allocate(cases, 35, strata=["gender", "risk"], seed=4)
    assert unpaid.strata == ("gender", "risk") and unpaid.missed.empty
    assert unpaid.cells["allocated"].sum() == 35
    shuffled = allocate(cases.sample(frac=1, random_state=3), 35, strata="gender,risk", seed=4)
    assert shuffled.cells.equals(unpaid.cells)


def test_frame_and_counts_agree() -> None:
    cases = read_cases(EXAMPLE)
    counts = cases.groupby(["gender", "disposal", "risk"]).size()
    from_counts = allocate(counts, 100, seed=11)
    from_frame = allocate(cases, 100, seed=11)
    assert from_counts.cells.equals(from_frame.cells)
    # The counts in another order give the same allocation (cells are sorted canonically).
    assert allocate(counts.iloc[::-1], 100, seed=11).cells.equals(from_frame.cells)


@settings(max_examples=60, deadline=None)
@given(cell_tables())
def test_controlled_rounding_properties_against_brute_force(table: Table) -> None:
    pop, codes, n_levels, n = table
    total = int(pop.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarginWarning)
        alloc = allocate_cells(pop, codes, n_levels, n, method="controlled")
    quota_floor = n * pop // total
    up = (n * pop) % total > 0
    assert alloc.sum() == n
    assert np.all(alloc <= pop)
    assert np.all((alloc == quota_floor) | (up & (alloc == quota_floor + 1)))
    targets = [t.tolist() for t in _margin_targets(n, pop, codes, n_levels)]
    ranges = [(lo.tolist(), hi.tolist()) for lo, hi in target_ranges(n, pop, codes, n_levels)]
    got = margins_of(alloc, codes, n_levels)

    def documented_miss(m: list[list[int]]) -> int:
        return sum(
            abs(a - b)
            for mm, tt in zip(m, targets, strict=True)
            for a, b in zip(mm, tt, strict=True)
        )

    def range_miss(m: list[list[int]]) -> int:  # distance to the nearest largest-remainder target
        return sum(
            max(lo - a, 0, a - hi)
            for mm, (los, his) in zip(m, ranges, strict=True)
            for a, lo, hi in zip(mm, los, his, strict=True)
        )

    # Brute force over which fractional cells are rounded up.
    free = np.flatnonzero(up)
    extra = n - int(quota_floor.sum())
    assume(len(free) <= 14)  # brute force over at most C(14, 7) roundings
    trials = []
    for chosen in itertools.combinations(free, extra):
        trial = quota_floor.copy()
        trial[list(chosen)] += 1
        m = margins_of(trial, codes, n_levels)
        rem = int(((n * pop) % total)[list(chosen)].sum())
        trials.append((documented_miss(m), range_miss(m), rem, sum(chosen)))
    rem = int(((n * pop) % total)[alloc > quota_floor].sum())
    place = int(np.flatnonzero(alloc > quota_floor).sum())
    if any(t[0] == 0 for t in trials):  # the documented targets can be met: they are
        assert got == targets
        closest = max(t[2] for t in trials if t[0] == 0)
        assert rem == closest  # closest to the quotas among those
        # and, among those, the earliest cells (stage 2 of the staged solve)
        assert place == min(t[3] for t in trials if t[0] == 0 and t[2] == closest)
    else:  # otherwise the nearest largest-remainder targets (another tie-break, or a least miss)
        best = min(t[1] for t in trials)
        assert range_miss(got) == best
        closest = max(t[2] for t in trials if t[1] == best)
        assert rem == closest


def test_tied_remainders_use_another_tie_break_before_missing() -> None:
    # Two cases (g0, d1) and (g1, d0), n = 1: every level's quota is 0.5. The documented tie-break
    # (earlier level) gives g0 and d0, which no single case satisfies; g0 with d1 is also a
    # largest-remainder rounding of each variable, so that is used, with no MarginWarning.
    cases = pd.DataFrame({"case_id": ["a", "b"], "g": ["g0", "g1"], "d": ["d1", "d0"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", MarginWarning)
        result = allocate(cases, 1, strata=["g", "d"], method="controlled")
    assert result.missed.empty
    assert result.cells["allocated"].tolist() == [1, 0]
    assert result.margins.set_index("level")["target"].to_dict() == {
        "g0": 1,
        "g1": 0,
        "d0": 0,
        "d1": 1,
    }


@settings(max_examples=60, deadline=None)
@given(cell_tables(), st.integers(1, 4))
def test_other_methods_sum_and_bounds(table: Table, minimum: int) -> None:
    pop, codes, n_levels, n = table
    total = int(pop.sum())
    lr = allocate_cells(pop, codes, n_levels, n, method="largest-remainder")
    assert lr.sum() == n and np.all(lr <= pop)
    assert np.all(np.abs(lr - n * pop / total) < 1)
    equal = allocate_cells(pop, codes, n_levels, n, method="equal")
    assert equal.sum() == n and np.all(equal <= pop)
    # Water-filling: a cell below its population is within one case of every other cell.
    uncapped = equal[equal < pop]
    assert uncapped.size == 0 or equal.max() <= uncapped.min() + 1
    floor = np.minimum(minimum, pop)
    if n >= floor.sum():
        mins = allocate_cells(pop, codes, n_levels, n, method="minimum", minimum=minimum)
        assert mins.sum() == n and np.all(mins <= pop) and np.all(mins >= floor)
    else:
        with pytest.raises(ValueError, match="n must be at least"):
            allocate_cells(pop, codes, n_levels, n, method="minimum", minimum=minimum)


def test_largest_remainder_ties_are_deterministic() -> None:
    # Quotas 1.5, 1.5, 1.5, 1.5 (n = 6 of 4 equal cells of 2): two extra cases, all remainders
    # equal, equal populations -> the first two positions.
    assert largest_remainder(np.full(4, 12), 8, 6, np.full(4, 2)).tolist() == [2, 2, 1, 1]
    # A larger population wins a tie on the remainder.
    assert largest_remainder(np.array([5, 5]), 2, 5, np.array([1, 9])).tolist() == [2, 3]


def test_minimum_and_equal_on_example() -> None:
    cases = read_cases(EXAMPLE)
    mins = allocate(cases, 100, method="minimum", minimum=1)
    assert (mins.cells["allocated"] >= 1).all() and mins.cells["allocated"].sum() == 100
    assert mins.minimum == 1 and "at least 1 per cell" in mins.summary()
    # Equal: 44 over 22 cells is 2 each, but the cells of one case hold 1, and their spare
    # cases go one each to the largest other cells.
    equal = allocate(cases, 44, method="equal")
    single = equal.cells["population"] == 1
    assert (equal.cells.loc[single, "allocated"] == 1).all()
    assert set(equal.cells.loc[~single, "allocated"]) == {2, 3}
    assert equal.cells["allocated"].sum() == 44
    with pytest.raises(ValueError, match="n must be at least 22 to give each of the 22 cells"):
        allocate(cases, 10, method="minimum")


@pytest.mark.parametrize(
    ("n", "message"),
    [
        (300, "n must be at most 250 (the number of eligible cases); got 300"),
        (0, "n must be a whole number of at least 1; got 0"),
        (-5, "n must be a whole number of at least 1; got -5"),
        (2.5, "n must be a whole number of at least 1; got 2.5"),
        ("lots", "n must be a whole number or 'auto'; got 'lots'"),
    ],
)
def test_bad_n(n: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        allocate(read_cases(EXAMPLE), n)  # type: ignore[arg-type]


def test_bad_method_and_strata() -> None:
    cases = read_cases(EXAMPLE)
    with pytest.raises(ValueError, match="Did you mean 'unbiased'"):
        allocate(cases, 10, method="proportional")
    with pytest.raises(ValueError, match="Did you mean 'controlled'"):
        allocate(cases, 10, method="deterministic")
    with pytest.raises(ValueError, match="strata column 'sex' not found"):
        allocate(cases, 10, strata=["sex"])
    with pytest.raises(ValueError, match="must not repeat"):
        allocate(cases, 10, strata=["gender", "gender"])
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        allocate([1, 2, 3], 2)  # type: ignore[arg-type]


def test_render() -> None:
    result = allocate(read_cases(EXAMPLE), 100, seed=1)
    assert str(result).startswith("100 of 250 cases over 22 cells (gender x disposal x risk)")
    assert "<table" in result._repr_html_()
