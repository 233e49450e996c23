"""Hypothesis strategies shared by the test modules."""

from hypothesis import strategies as st

population_sizes = st.integers(min_value=1, max_value=200_000)
margins = st.floats(min_value=0.01, max_value=0.3)
confidence_levels = st.floats(min_value=0.5, max_value=0.999)
proportions = st.floats(min_value=0.01, max_value=0.99)
