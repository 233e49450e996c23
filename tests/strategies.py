"""Hypothesis strategies shared by the test modules (the one home for them)."""

import itertools

import numpy as np
import pandas as pd
from hypothesis import strategies as st

population_sizes = st.integers(min_value=1, max_value=200_000)
margins = st.floats(min_value=0.01, max_value=0.3)
confidence_levels = st.floats(min_value=0.5, max_value=0.999)
proportions = st.floats(min_value=0.01, max_value=0.99)


# --- significance: pairs of groups (x of n) for z-test properties ---
@st.composite
def count_pairs(draw: st.DrawFn, max_n: int = 500) -> tuple[int, int, int, int]:
    """Two groups ``(x1, n1, x2, n2)`` with 1 <= n <= max_n and 0 <= x <= n."""
    n1 = draw(st.integers(min_value=1, max_value=max_n))
    n2 = draw(st.integers(min_value=1, max_value=max_n))
    x1 = draw(st.integers(min_value=0, max_value=n1))
    x2 = draw(st.integers(min_value=0, max_value=n2))
    return x1, n1, x2, n2


alphas = st.sampled_from([0.01, 0.05, 0.1, 0.2])
alternatives = st.sampled_from(["two-sided", "greater", "less"])


# --- Stratified allocation and selection (sampling._allocation, sampling._selection) ---------


@st.composite
def cell_tables(
    draw: st.DrawFn, max_variables: int = 3, max_levels: int = 3, max_count: int = 30
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], int]:
    """A cross-classified population: (cell counts, level codes per cell, levels per variable, n).

    Cells are in lexicographic order of their codes, empty cells left out, as the library
    stores them; n is between 1 and the population.
    """
    variables = draw(st.integers(1, max_variables))
    n_levels = tuple(draw(st.integers(1, max_levels)) for _ in range(variables))
    codes = np.array(list(itertools.product(*(range(k) for k in n_levels))), dtype=np.int64)
    counts = np.array(
        draw(st.lists(st.integers(0, max_count), min_size=len(codes), max_size=len(codes))),
        dtype=np.int64,
    )
    if counts.sum() == 0:
        counts[draw(st.integers(0, len(counts) - 1))] = 1
    keep = counts > 0
    n = draw(st.integers(1, int(counts[keep].sum())))
    return counts[keep], codes[keep], n_levels, n


case_ids = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12
    )
    .map(str.strip)
    .filter(bool)
)


# --- Whole pipeline (size -> allocate -> draw -> balance) on generated case lists -------------


PIPELINE_STRATA = ("gender", "disposal", "risk")
level_labels = (
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def case_lists(
    draw: st.DrawFn, max_variables: int = 3, max_levels: int = 3, max_cases: int = 60
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A case list (``case_id`` and one to three strata columns of text) and its strata names.

    IDs are distinct non-blank text; level labels are any non-blank text (unicode included), a
    variable has one to ``max_levels`` levels and some may not occur; rows come in any order.
    """
    size = draw(st.one_of(st.integers(1, 10), st.integers(1, max_cases)))  # small lists often
    names = PIPELINE_STRATA[: draw(st.integers(1, max_variables))]
    # any text, made distinct by a suffix (drawing distinct short texts makes Hypothesis give up)
    stems = draw(st.lists(case_ids, min_size=size, max_size=size))
    ids = [f"{stem}|{i}" for i, stem in enumerate(stems)]
    columns: dict[str, list[str]] = {"case_id": ids}
    for name in names:
        levels = draw(st.lists(level_labels, min_size=1, max_size=max_levels, unique=True))
        codes = draw(st.lists(st.integers(0, len(levels) - 1), min_size=size, max_size=size))
        columns[name] = [levels[c] for c in codes]
    return pd.DataFrame(columns), names
