"""The key numbers quoted in the notebooks' text, recomputed from the library.

A notebook's prose cannot be checked by executing it, so the figures the text quotes are asserted
here: if the library changes, these fail and the notebook text gets updated with them.
"""

from pathlib import Path

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
    allocation = allocate(cases, "auto", seed=2026)
    margins = allocation.margins.set_index(["variable", "level"])
    # "15 women for a quota of 15.6"; "a mixture of 18 such roundings"; "100/250 = 0.4"
    assert margins.loc[("gender", "female"), "allocated"] == 15
    assert margins.loc[("gender", "female"), "quota"] == pytest.approx(15.6)
    assert allocation.rounding.roundings == 18
    assert (allocation.cells["inclusion_probability"] == 0.4).all()
    # "4 of the 250 cases can never be inspected, among them the only very-high-risk case,
    # while another case with the same quota of 0.4 is always inspected"
    fixed = allocate(cases, 100, method="controlled")
    assert fixed.cases_without_chance == 4
    assert "very high" in set(fixed.unselectable["risk"])
    certain = fixed.cells[fixed.cells["inclusion_probability"] == 1]
    assert certain["quota"].round(2).tolist() == [0.4]
    # "plain largest remainder misses 5 margins"
    plain = allocate(cases, 100, method="largest-remainder").margins
    assert int((plain["allocated"] != plain["target"]).sum()) == 5
    # "over 400 seeds the very-high-risk case's cell gets its one case in about 40%"
    very_high = [allocate(cases, 100, seed=s).cells["allocated"].iloc[18] for s in range(400)]
    assert sum(very_high) / 400 == pytest.approx(0.4, abs=0.05)
    # "the 15 women in the sample support findings to about +/-13 points"
    result = draw(cases, 100, seed=2026, reserves=2)
    with pytest.warns(UserWarning, match="very high"):
        balance = balance_report(cases, result.sample)
    table = balance.table.set_index(["variable", "level"])
    women_margin = float(table.loc[("gender", "female"), "margin_of_error"])  # type: ignore[arg-type]
    assert round(100 * women_margin) == 13
    # "40 men ... excluded, leaving 210 eligible cases and a sample of 93"
    low = (cases["gender"] == "male") & (cases["disposal"] == "community order")
    excluded = cases[low & (cases["risk"] == "low")]["case_id"].head(40).tolist()
    fewer = draw(cases, "auto", seed=2026, exclude=excluded)
    assert (fewer.n, fewer.allocation.population_size) == (93, 210)


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


def test_notebook_5_findings(tmp_path: Path) -> None:
    from importlib import resources

    from sampling import draw, read_cases, write_draw
    from significance import case_findings

    population = str(resources.files("sampling") / "data/example_population.csv")
    results = str(resources.files("significance.findings") / "data/example_results.csv")
    folder = tmp_path / "draw"
    write_draw(draw(read_cases(population), "auto", seed=2026, reserves=2), folder,
               input_path=population)  # fmt: skip
    ratings = {"1.1": "Good", "1.2": "Good", "1.3": "Good", "1.4": "Good"}
    findings = case_findings(
        results, sample=folder, standard_ratings=ratings | {"4.1": "Good", "4.2": "Outstanding"}
    )
    kq = {r["key_question"]: r for r in findings.key_questions.to_dict("records")}
    # "met in 65 of 100 cases: 65%, Good ... interval 60.1% to 69.6% ... 64 of 100 RI"
    first = kq["2.1.1"]
    assert (first["yes"], first["answered"], first["pct"], first["band"]) == (65, 100, 65, "Good")
    assert (round(100 * first["wilson_low"], 1), round(100 * first["wilson_high"], 1)) == (
        60.1, 69.6,
    )  # fmt: skip
    assert first["one_case_bands"] == "Requires improvement"
    # "the harm questions rest on 58 cases ... population at 145 ... margins 6.5 points"
    harm = kq["2.1.3"]
    assert harm["answered"] == 58 and round(harm["population_estimate"]) == 145
    assert round(100 * harm["margin_of_error"], 1) == 6.5
    # "for 2.1.1 it is 65.0% with a standard error of 3.5 points"; "42 cases whose risk is low"
    assert (round(100 * first["design_estimate"], 1), round(100 * first["design_se"], 1)) == (
        65.0, 3.5,
    )  # fmt: skip
    assert findings.self_weighting
    assert 100 - harm["eligible"] == 42
    # "every one [sub-group margin] here is above 5 points"
    assert findings.subgroups["margin_above_5_points"].all()
    # "45 of 58 community cases (78%) and 20 of 42 licence cases (48%) ... 30 points ... p = 0.0019"
    tests = findings.subgroup_tests
    split = tests[(tests["group"] == "disposal") & (tests["key_question"] == "2.1.1")].iloc[0]
    assert (split["x1"], split["n1"], split["x2"], split["n2"]) == (45, 58, 20, 42)
    assert (
        round(100 * float(split["difference"])) == 30 and round(float(split["pvalue"]), 4) == 0.0019
    )
    assert bool(split["significant"])
    women = tests[(tests["group"] == "gender") & (tests["key_question"] == "2.3.3")].iloc[0]
    assert (women["x1"], women["n1"], women["x2"], women["n2"]) == (7, 9, 20, 49)
    assert bool(women["significant"]) and str(women["test"]).startswith("Boschloo")
    # "Planning (2.2) ... lowest at 60% ... the panel may rate it Good"; "16 of 30: Good"
    planning = findings.standards[findings.standards["standard"] == "2.2"].iloc[0]
    assert (planning["lowest_pct"], planning["rule_rating"]) == (60, "Requires improvement")
    assert "Good" in str(planning["panel_options"])
    assert findings.provider is not None
    assert (findings.provider.score, findings.provider.rating) == (16, "Good")
    # "None of the twelve changes is significant ... 2.3.3 (34% to 47%, +12.6 points on 58
    # cases), p = 0.12. Against the all-CRC aggregate, five differences are."
    previous = resources.files("significance") / "data/thames_valley_2019_key_questions.csv"
    table = findings.compare(str(previous), previous_n=100).table
    assert not table["significant"].any() and len(table) == 12
    row = table.iloc[8]
    assert (row["previous_pct"], row["current_pct"], row["current_n"]) == (34, 47, 58)
    assert round(float(row["change_points"]), 1) == 12.6 and round(float(row["pvalue"]), 2) == 0.12
    assert int(table["comparator_significant"].sum()) == 5
