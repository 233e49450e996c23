"""The draw's checks of a case frame: the fast paths agree with plain Python, and nothing is stale.

Provenance: every expected value is computed here by plain Python on the same frame (``str.strip``
on each value, ``set`` for repeats, ``sorted`` tuples for the cells, the library's own
``level_order`` for the reporting order it documents), independently of the Arrow and numpy
code under test. The remembered-check tests edit a frame read by ``read_cases`` in each way
pandas allows and assert the draw then checks it afresh (a repeated ID is refused).
"""

from __future__ import annotations

import gc
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import draw, read_cases
from sampling._frame import BLANK_LEVEL, level_order, prepare_cases
from sampling._prn import id_hashes
from sampling._text_columns import _CHECKED, as_is, recall, repeated, text_layout

EXAMPLE = "sampling/data/example_population.csv"
STRATA = ("gender", "disposal", "risk")

# values with the awkward cases: spaces around, non-ASCII letters and spaces, empty, missing
awkward = st.sampled_from(
    ["male", " male", "male ", "female", "\u00e9t\u00e9", "\u00a0low", "low", "", None, "LOW"]
)


def plain_table(
    frame: pd.DataFrame, strata: tuple[str, ...]
) -> tuple[tuple[tuple[str, ...], ...], list[tuple[int, ...]], list[int]]:
    """Levels, cell codes and each row's cell, by plain Python (blanks as their own level)."""
    labels = []
    for name in strata:
        column = [
            BLANK_LEVEL if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip()
            else str(v).strip()
            for v in frame[name].tolist()
        ]  # fmt: skip
        labels.append(column)
    levels = tuple(tuple(level_order(sorted(set(col)))) for col in labels)
    rows = [tuple(levels[j].index(labels[j][i]) for j in range(len(strata)))
            for i in range(len(frame))]  # fmt: skip
    cells = sorted(set(rows))
    return levels, cells, [cells.index(r) for r in rows]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(awkward, awkward), min_size=1, max_size=40),
    st.sampled_from(["str", "object"]),
)
def test_cells_and_levels_agree_with_plain_python(values: list[tuple[str | None, str | None]],
                                                  dtype: str) -> None:  # fmt: skip
    frame = pd.DataFrame(
        {
            "case_id": [f"C{i:03d}" for i in range(len(values))],
            "gender": [a for a, _ in values],
            "risk": [b for _, b in values],
        }
    ).astype({"gender": dtype, "risk": dtype})
    table = prepare_cases(frame, id_column="case_id", strata=("gender", "risk"),
                          blank_strata="level")  # fmt: skip
    levels, cells, cell = plain_table(frame, ("gender", "risk"))
    assert table.levels == levels
    assert [tuple(c) for c in table.cell_codes.tolist()] == cells
    assert table.cell.tolist() == cell
    assert table.population.tolist() == np.bincount(cell, minlength=len(cells)).tolist()
    rows = table.rows(np.arange(len(frame)))
    for j, name in enumerate(("gender", "risk")):
        assert rows[name].tolist() == [levels[j][c[j]] for c in (cells[k] for k in cell)]
        assert str(rows[name].dtype) == "str"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["CRN001", "CRN002", " CRN001", "CRN003 ", "\u00e9001", "x", "CRN0001"]),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(["str", "object"]),
)
def test_repeated_ids_agree_with_plain_python(ids: list[str], dtype: str) -> None:
    frame = pd.DataFrame({"case_id": ids, "gender": ["m"] * len(ids)}).astype({"case_id": dtype})
    stripped = [i.strip() for i in ids]
    twice = sorted({i for i in stripped if stripped.count(i) > 1})
    if twice:
        with pytest.raises(ValueError, match=f"repeats {len(twice)} ID") as caught:
            prepare_cases(frame, id_column="case_id", strata=("gender",))
        for value in twice[:5]:
            assert repr(value) in str(caught.value)
    else:
        table = prepare_cases(frame, id_column="case_id", strata=("gender",))
        assert table.ids is not None and table.ids.tolist() == stripped
        assert table.rows(np.arange(len(ids)))["case_id"].tolist() == stripped


def test_repeats_are_told_from_hash_collisions_by_their_text() -> None:
    # Equal hashes of distinct IDs (made equal here by hand) are not a repeat; equal IDs are.
    ids = pd.Series(["A", "B", "C", "A"])
    assert repeated(ids, np.array([7, 7, 7, 9], dtype=np.uint64)) == []
    assert repeated(ids, np.array([5, 6, 7, 5], dtype=np.uint64)) == ["A"]
    assert repeated(ids, id_hashes(ids, 2026)) == ["A"]


@pytest.mark.parametrize(
    ("values", "clean"),
    [
        (["CRN1", "CRN2"], True),
        (["CRN1", "CRN22"], True),  # two lengths
        (["CRN1 ", "CRN2"], False),
        (["CRN1", "\tCRN2"], False),
        (["CRN1", "CRN\u00e92"], True),  # non-ASCII inside: nothing to strip
        (["CRN1", "CRN2\u00a0"], False),  # ends in a no-break space (stripped by str.strip)
        (["CRN1", "\u00e9"], False),  # starts with non-ASCII: left to the full check
        (["CRN1", ""], False),
        (["CRN1", None], False),
    ],
)
def test_as_is_means_stripping_changes_nothing(values: list[str | None], clean: bool) -> None:
    series = pd.Series(values, dtype="str")
    assert as_is(series) is clean
    if clean:
        assert series.str.strip().tolist() == series.tolist()


def test_text_layout_of_a_slice_and_of_two_widths() -> None:
    series = pd.Series([f"CRN{i:04d}" for i in range(50)], dtype="str").iloc[7:12]
    layout = text_layout(series.reset_index(drop=True))
    assert layout.width == 7 and layout.offsets.tolist() == [0, 7, 14, 21, 28, 35]
    assert bytes(layout.data) == "".join(series).encode()
    mixed = text_layout(pd.Series(["a", "bcd"]))
    assert mixed.width == 0 and mixed.offsets.tolist() == [0, 1, 4]


def test_a_frame_read_by_read_cases_is_not_checked_again() -> None:
    cases = read_cases(EXAMPLE)
    assert recall(cases, "case_id", STRATA) is not None
    checked = prepare_cases(cases, id_column="case_id", strata=STRATA)
    fresh = prepare_cases(cases.copy(), id_column="case_id", strata=STRATA)
    assert recall(cases.copy(), "case_id", STRATA) is None  # a copy is another frame
    assert checked.levels == fresh.levels
    assert np.array_equal(checked.cell, fresh.cell)
    assert np.array_equal(checked.cell_codes, fresh.cell_codes)
    assert recall(cases, "case_id", ("gender", "risk")) is None  # other strata: checked afresh
    assert recall(cases, "crn", STRATA) is None


@pytest.mark.parametrize(
    "edit",
    [
        lambda f: f.loc.__setitem__((3, "case_id"), f.loc[0, "case_id"]),
        lambda f: f.iloc.__setitem__((3, 0), f.iloc[0, 0]),
        lambda f: f.__setitem__(
            "case_id", [f.loc[0, "case_id"], *f["case_id"].tolist()[1:-1], f.loc[0, "case_id"]]
        ),
        lambda f: f.update(pd.DataFrame({"case_id": [f.loc[0, "case_id"]]}, index=[3])),
    ],
)
def test_an_edited_frame_is_checked_afresh(edit: object) -> None:
    cases = read_cases(EXAMPLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' chained-assignment notes on some edits
        edit(cases)  # type: ignore[operator]
    assert cases["case_id"].duplicated().any()
    with pytest.raises(ValueError, match="must identify each case once"):
        draw(cases, 100, seed=1)


def test_an_edited_stratum_is_checked_afresh() -> None:
    cases = read_cases(EXAMPLE)
    before = draw(cases, 100, seed=1)
    cases.loc[cases["risk"] == "very high", "risk"] = ""
    with pytest.raises(ValueError, match="risk is blank in 1 row"):
        draw(cases, 100, seed=1)
    cases.loc[cases["risk"] == "", "risk"] = "very high"
    again = draw(cases, 100, seed=1)
    assert again.sample["case_id"].tolist() == before.sample["case_id"].tolist()


def test_a_remembered_frame_is_forgotten_with_it() -> None:
    cases = read_cases(EXAMPLE)
    key = id(cases)
    assert key in _CHECKED
    del cases
    gc.collect()
    assert key not in _CHECKED or _CHECKED[key].frame() is None


def test_draws_from_the_remembered_and_a_fresh_frame_agree() -> None:
    cases = read_cases(EXAMPLE)
    fresh = cases.copy()
    for seed in (0, 7, 2026):
        a, b = draw(cases, "auto", seed=seed), draw(fresh, "auto", seed=seed)
        pd.testing.assert_frame_equal(a.sample, b.sample)
        pd.testing.assert_frame_equal(a.reserves, b.reserves)


def test_exclusions_give_the_table_a_fresh_check_gives() -> None:
    cases = read_cases(EXAMPLE)
    excluded = cases["case_id"].iloc[[0, 5, 17, 40]].tolist()
    result = draw(cases, 80, seed=3, exclude=excluded)
    kept = cases[~cases["case_id"].isin(excluded)].reset_index(drop=True)
    plain = draw(kept, 80, seed=3)
    pd.testing.assert_frame_equal(result.sample, plain.sample)
    pd.testing.assert_frame_equal(result.allocation.cells, plain.allocation.cells)
