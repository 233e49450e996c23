"""Hypothesis strategies shared by the test modules."""

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
