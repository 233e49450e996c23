"""The key numbers quoted in the notebooks' text, recomputed from the library.

A notebook's prose cannot be checked by executing it, so the figures the text quotes are asserted
here: if the library changes, these fail and the notebook text gets updated with them.
"""

import numpy as np
import pytest

from sampling import implied_population, margin_of_error, sample_size
from significance import ztest


def test_notebook_1_sizing() -> None:
    assert sample_size().n == 165
    assert round(sample_size().n0, 2) == 164.24
    assert sample_size(250).n == 100
    assert round(sample_size(250).achieved_margin, 4) == 0.0497
    # "A finding about the women ... about +/-13.5 points" (14 of 35)
    assert round(100 * margin_of_error(14, 35), 1) == 13.5
    assert round(implied_population(100).population_size) == 254
    assert round(implied_population(120).population_size) == 443
    # "a sample sized for the caseload would have been 156 to 162 cases"
    assert [sample_size(c).n for c in (2976, 4171, 4212, 6359, 8774)] == [156, 159, 159, 161, 162]
    # "the exact method asks for about 7% more (107 rather than 100 at 254)"
    assert sample_size(254, method="exact").n == 107


def test_notebook_2_draw() -> None:
    from importlib import resources

    from sampling import allocate, balance_report, draw, read_cases

    path = str(resources.files("sampling") / "data/example_population.csv")
    cases = read_cases(path)
    assert len(cases) == 250
    allocation = allocate(cases, "auto")
    margins = allocation.margins.set_index(["variable", "level"])["allocated"]
    # "16 women, 28 licence cases, 11 high-risk cases"
    assert margins[("gender", "female")] == 16
    assert margins[("disposal", "licence")] == 28
    assert margins[("risk", "high")] == 11
    # "plain largest remainder misses 5 margins"
    plain = allocate(cases, 100, method="largest-remainder").margins
    assert int((plain["allocated"] != plain["target"]).sum()) == 5
    # "the women in the sample support findings to about +/-12.5 points"
    result = draw(cases, 100, seed=2026, reserves=2)
    with pytest.warns(UserWarning, match="very high"):
        balance = balance_report(cases, result.sample)
    table = balance.table.set_index(["variable", "level"])
    women_margin = float(table.loc[("gender", "female"), "margin_of_error"])  # type: ignore[arg-type]
    assert round(100 * women_margin, 1) == 12.5


def test_notebook_4_simulations() -> None:
    # "rejection rate with no change: 0.0986" (seed 2026, 200,000 pairs of rounds of 100 at 65%)
    rng = np.random.default_rng(2026)
    x_now = rng.binomial(100, 0.65, size=200_000)
    x_before = rng.binomial(100, 0.65, size=200_000)
    rate = float(np.mean(ztest(x_now, 100, x_before, 100).significant))
    assert rate == pytest.approx(0.0986, abs=5e-5)
    # "a real change from 65% to 74% ... is detected less than half the time" (0.404)
    x_after = rng.binomial(100, 0.74, size=200_000)
    detected = float(np.mean(ztest(x_after, 100, x_before, 100).significant))
    assert detected == pytest.approx(0.404, abs=5e-4)


def test_notebook_3_rounds() -> None:
    from importlib import resources

    from significance import adjust_pvalues, compare_rounds, minimum_detectable_difference, power

    path = str(resources.files("significance") / "data/thames_valley_2019_key_questions.csv")
    report = compare_rounds(path, previous_n=100)
    table = report.table
    # "Two of fifteen changes pass": 34% -> 47% and 55% -> 100%
    passed = table[table["significant"]]
    assert list(zip(passed["previous_pct"], passed["current_pct"], strict=True)) == [
        (34, 47),
        (55, 100),
    ]
    # sensitivity: the fall 74% -> 65% needs a previous n of 238; 34% -> 47% is significant from 91
    assert report.sensitivity is not None  # the previous n was assumed, so there is a view
    flips = report.sensitivity.set_index(["previous_pct", "current_pct"])["significant_from_n"]
    assert int(flips[(74.0, 65.0)]) == 238
    assert int(flips.iloc[8]) == 91
    # "reach about 80.6% (+15.6 points)"; "power ... 0.40"
    assert round(minimum_detectable_difference(100, 100, 0.65).detectable_rate, 3) == 0.806
    assert round(float(power(100, 100, 0.74, 0.65)), 2) == 0.40
    # "Only the 55% to 100% change ... survives Holm's adjustment"
    holm = adjust_pvalues(table["pvalue"].to_numpy(), method="holm")
    assert list(np.flatnonzero(holm < 0.1)) == [14]
