"""Numbers at the edges and resource limits: bounded, finite, fast, or refused with the reason."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspection_core.cli import UsageError, parse_number, parse_population, parse_whole
from inspection_core.errors import ParameterError
from sampling import (
    NormalApproximationWarning,
    balance_report,
    draw,
    plot_balance,
    sample_size,
    write_draw,
)
from sampling._intervals import EXACT_LIMIT, exact_half_width
from sampling._plot import MAX_LEVELS
from significance import counts_from_percentage
from significance._percentages import ROUNDINGS
from significance._warnings import AmbiguousPercentageWarning

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6,5", "Did you mean 6.5?"),
        ("65,4", "Did you mean 65.4?"),
        ("1,000", "Did you mean 1.000? (For 1000, leave the comma out.)"),
        ("1,000.5", "without commas"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("-Infinity", "finite"),
        ("1e400", "finite"),
        ("", "must be a number"),
        ("ten", "must be a number"),
    ],
)
def test_command_line_numbers(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_number("--x", text)


def test_command_line_numbers_that_are_fine() -> None:
    assert parse_number("--confidence", " 80 % ", percent=True) == pytest.approx(0.8)
    assert parse_number("--n", "1e3") == 1000.0
    assert parse_population("--population", "inf") is None
    assert parse_population("--population", "Infinity") is None
    assert parse_whole("--seed", "123456789012345678901234567890") == 123456789012345678901234567890
    with pytest.raises(UsageError, match="finite"):
        parse_whole("--reserves", "nan")
    with pytest.raises(UsageError, match="whole number"):
        parse_whole("--reserves", "2.5")


@given(
    n=st.integers(min_value=1, max_value=3000),
    percentage=st.integers(min_value=0, max_value=1000),
    decimals=st.integers(min_value=0, max_value=1),
    rounding=st.sampled_from(tuple(ROUNDINGS)),
)
def test_counts_from_percentage_closed_form_equals_enumeration(
    n: int, percentage: int, decimals: int, rounding: str
) -> None:
    # the closed-form run of counts against every count rounded by the rule, in integers
    pct = percentage / 10 if decimals else float(percentage % 101)
    xs = np.arange(n + 1, dtype=np.int64)
    scaled = round(pct * 10**decimals)
    shown = ROUNDINGS[rounding](xs, n, 100 * 10**decimals)
    expected = tuple(int(x) for x in xs[shown == scaled])
    opts: dict[str, Any] = {"decimals": decimals, "rounding": rounding}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if expected:
            assert counts_from_percentage(pct, n, **opts).candidates == expected
        else:
            with pytest.raises(ValueError, match="no count out of") as caught:
                counts_from_percentage(pct, n, **opts)
            # the message names the nearest counts on each side, with their percentages
            below, above = xs[shown < scaled], xs[shown > scaled]
            for x in [*below[-1:], *above[:1]]:
                got = int(shown[x]) / 10**decimals
                assert f"{int(x)} gives {got:.{decimals}f}%" in str(caught.value)


def test_counts_from_percentage_of_many_cases_is_quick_and_its_warning_short() -> None:
    with pytest.warns(AmbiguousPercentageWarning) as caught:
        result = counts_from_percentage(61, 10**7)
    # exact arithmetic: 6,050,000 / 10**7 is 60.5%, which rounds half up to 61%; 6,149,999 is
    # 61.49999%; 6,150,000 is 61.5%, which rounds to 62%: 100,000 candidates
    assert result.candidates[0] == 6_050_000 and result.candidates[-1] == 6_149_999
    assert len(result.candidates) == 100_000 and result.count == 6_100_000
    assert len(str(caught[0].message)) < 200
    with pytest.raises(ParameterError, match="at most 10000000"):
        counts_from_percentage(61, 10**12)


def test_sizes_at_the_edges() -> None:
    # A margin too small for an infinite population is refused; with N the rule gives N.
    with pytest.raises(ParameterError, match="more than 2\\*\\*53"):
        sample_size(margin_of_error=1e-11)
    assert sample_size(500, margin_of_error=1e-11).n == 500
    # A tiny expected proportion still inspects one case (the formula gives 6.6e-10).
    with pytest.warns(NormalApproximationWarning, match="method='wilson'"):
        tiny = sample_size(proportion=1e-11)
    assert tiny.n == 1 and math.isfinite(tiny.achieved_margin)
    with pytest.raises(ParameterError, match="at least 1e-12 from 0 and 1"):
        sample_size(proportion=1e-320)
    with pytest.raises(ParameterError, match="population_size"):
        sample_size([250, float("nan")])
    assert sample_size([250, None, math.inf]).n.tolist() == [100, 165, 165]
    with pytest.raises(ParameterError, match="at most 9007199254740992"):
        sample_size(1e300)


def test_exact_sizing_uses_the_binomial_limit_above_the_limit() -> None:
    infinite = sample_size(method="exact").n
    assert infinite == 183  # Clopper-Pearson, +/-5 points at 80% (docs/methods.md table)
    assert sample_size(EXACT_LIMIT + 1, method="exact").n == infinite
    assert sample_size(10**9, method="exact").n == infinite  # answered at once, not in minutes
    assert sample_size(EXACT_LIMIT, method="exact").n == 182  # hypergeometric just below
    # The binomial n meets the margin under the hypergeometric interval at the limit itself:
    # the limit is conservative.
    width = exact_half_width(np.array([91, 92]), np.array([183, 183]), 0.8, float(EXACT_LIMIT))
    assert width.max() <= 0.05


def _frame(levels: list[str], per_level: int = 3) -> pd.DataFrame:
    labels = [level for level in levels for _ in range(per_level)]
    return pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(len(labels))], "office": labels})


def test_labels_with_dollars_are_drawn_as_text() -> None:
    cases = _frame(["a $\\foo$ b", "cost $5 and $6", "plain"])
    result = draw(cases, 6, seed=1, strata=["office"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure = plot_balance(balance_report(result.allocation, result.sample))
    figure.canvas.draw()  # mathtext would raise on \foo
    shown = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert "a \\$\\foo\\$ b" in shown  # escaped: matplotlib renders the dollars literally


def test_too_many_levels_skip_the_chart_with_a_note(tmp_path: Path) -> None:
    cases = _frame([f"office {i}" for i in range(MAX_LEVELS + 1)])
    result = draw(cases, MAX_LEVELS + 1, seed=1, strata=["office"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        written = write_draw(result, tmp_path / "out", input_path=EXAMPLE)
        report = balance_report(result.allocation, result.sample)
    assert written.chart_skipped == "office has 41 levels; the chart shows at most 40 per variable"
    assert not (tmp_path / "out" / "balance.png").exists()
    assert (tmp_path / "out" / "balance.csv").exists()
    with pytest.raises(ParameterError, match="too large to chart"):
        plot_balance(report)


@pytest.mark.slow
def test_ten_thousand_single_case_cells_answered_or_refused() -> None:
    size = 10_000
    cases = pd.DataFrame(
        {
            "case_id": [f"C{i:05d}" for i in range(size)],
            "gender": ["m", "f"] * (size // 2),
            "office": [f"o{i}" for i in range(size)],
            "risk": ["low", "high"] * (size // 2),
        }
    )
    strata = ["gender", "office", "risk"]
    # The unbiased rounding (the default) draws them with every margin on its floor or ceiling:
    # one case per office at most, gender and risk 81 each (their quotas are whole).
    drawn = draw(cases, "auto", seed=1, strata=strata)
    assert drawn.n == 162 and len(drawn.sample) == 162
    for column in ("gender", "risk"):
        assert drawn.sample[column].value_counts().tolist() == [81, 81]
    assert drawn.sample["office"].is_unique
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = draw(cases, "auto", seed=1, strata=strata, method="largest-remainder")
    # sample_size(10_000): 164.24 * 10000 / (164.24 + 9999) = 161.6, rounded up
    assert result.n == 162 and len(result.sample) == 162
