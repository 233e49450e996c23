"""The round-on-round comparison report on the real Thames Valley table, and its input rules."""

import csv
import json
import re
import warnings
from fractions import Fraction
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from significance import (
    ROUND_TESTS,
    RoundComparison,
    SmallCountWarning,
    adjust_pvalues,
    compare_rounds,
    counts_from_percentage,
    rate_standards,
    sensitivity_to_previous_n,
    ztest,
    ztest_against_aggregate,
    ztest_one_sample,
)
from significance._ratings import boundary_flags, rating_band
from significance.report import RoundOptions, RoundTest
from significance.report.sensitivity import nearest_counts

DATA = resources.files("significance").joinpath("data")
TV = Path(str(DATA.joinpath("thames_valley_2019_key_questions.csv")))
STANDARDS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2"]


def published_ratings() -> list[dict[str, str]]:
    return list(csv.DictReader(DATA.joinpath("published_ratings.csv").read_text().splitlines()))


@pytest.fixture(scope="module")
def report() -> RoundComparison:
    return compare_rounds(TV, previous_n=100)


def test_one_row_per_key_question_with_the_issue_columns(report: RoundComparison) -> None:
    t = report.table
    assert len(t) == 15
    for column in (
        "standard", "key_question", "previous_pct", "current_pct", "change_points", "z", "pvalue",
        "significant", "pvalue_holm", "pvalue_bh", "comparator_pct", "comparator_z",
        "comparator_pvalue", "comparator_significant", "previous_band", "current_band",
        "near_boundary", "sentence",
    ):  # fmt: skip
        assert column in t.columns
    assert report.alpha == 0.1
    assert any("previous-round n assumed to be 100 for every key question" in a
               for a in report.assumptions)  # fmt: skip
    assert t["previous_n_assumed"].all()


def test_significance_calls_equal_ztest_row_by_row(report: RoundComparison) -> None:
    exact_rows = []
    for i, r in enumerate(report.table.to_dict("records")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            expected = ztest(r["current_x"], r["current_n"], r["previous_x"], r["previous_n"])
        if any(issubclass(w.category, SmallCountWarning) for w in caught):
            # small counts: Fisher's exact test makes the call, the z-score stays beside it
            exact_rows.append(i)
            fisher = ztest(
                r["current_x"], r["current_n"], r["previous_x"], r["previous_n"], exact="fisher"
            )
            assert r["pvalue"] == fisher.pvalue and r["significant"] == fisher.significant
            assert r["test"] == "Fisher's exact test for small counts"
            assert expected.test == "fisher" and expected.pvalue == fisher.pvalue  # ztest agrees
            assert "Fisher's exact test for small counts, p = " in r["sentence"]
        else:
            assert r["significant"] == expected.significant
            assert r["pvalue"] == expected.pvalue
            assert r["test"] == "two-sample z-test"
        assert r["z"] == expected.statistic
        # the change comes from the counts in exact arithmetic (no float noise)
        exact = Fraction(r["current_x"], r["current_n"]) - Fraction(
            r["previous_x"], r["previous_n"]
        )
        assert r["change_points"] == float(100 * exact)
        # the result's difference is a proportion; the report shows points
        assert r["change_points"] == pytest.approx(100 * expected.difference, abs=1e-12)
    assert exact_rows == [12, 13]  # two Through the Gate rows of 14 cases


def test_small_counts_exact_call_against_r(report: RoundComparison) -> None:
    t = report.table
    # R 4.2.2: fisher.test(matrix(c(13, 1, 77, 23), 2))$p.value = 0.29440049278372
    assert t.loc[12, "pvalue"] == pytest.approx(0.29440049278372, rel=1e-9)
    # R 4.2.2: fisher.test(matrix(c(11, 3, 68, 32), 2))$p.value = 0.544998004156618
    assert t.loc[13, "pvalue"] == pytest.approx(0.544998004156618, rel=1e-9)
    assert "Fisher's exact test makes the call" in str(t.loc[12, "notes"])
    assert not t.loc[12, "significant"] and not t.loc[13, "significant"]


def test_worked_row_by_hand(report: RoundComparison) -> None:
    row = report.table.iloc[0]  # Assessment engaging the service user: 74% -> 65%, n 100 each
    # R 4.2.2: prop.test(c(65, 74), c(100, 100), correct = FALSE)
    # X-squared = 1.9106, df = 1, p-value = 0.1669; z = -sqrt(1.9106) = -1.3822
    # By hand: pooled p = 139/200 = 0.695; se = sqrt(0.695 * 0.305 * 2/100) = 0.065114
    # z = (0.65 - 0.74) / 0.065114 = -1.38218
    assert (row["previous_x"], row["previous_n"], row["current_x"], row["current_n"]) == (
        74, 100, 65, 100,
    )  # fmt: skip
    assert row["z"] == pytest.approx(-1.3822455156044657, abs=1e-12)
    assert row["pvalue"] == pytest.approx(0.16689632898196016, abs=1e-12)
    assert row["change_points"] == pytest.approx(-9.0)
    assert not row["significant"]
    assert row["sentence"].startswith(
        "Fell from 74% to 65% (-9 points); within what chance could produce at the 0.1 level "
        "(p = 0.17)."
    )


def test_counts_recovered_from_sub_sample_percentages(report: RoundComparison) -> None:
    t = report.table
    # 70% of the 79 harm cases is 55 (54 is 68%, 56 is 71%); 61% of 79 is 48; 79% of 14 is 11
    assert (t.loc[2, "current_x"], t.loc[5, "current_x"], t.loc[13, "current_x"]) == (55, 48, 11)
    assert t.loc[2, "change_points"] == pytest.approx(100 * (55 / 79 - 0.68))


def test_the_two_significant_changes(report: RoundComparison) -> None:
    t = report.table
    assert list(t.index[t["significant"]]) == [8, 14]
    # 34% (of 100, assumed) -> 47% of 79 and 55% -> 100% of 14
    p = t["pvalue"].to_numpy()
    assert p[14] < 0.01 and 0.08 < p[8] < 0.1


def test_adjusted_pvalues(report: RoundComparison) -> None:
    from statsmodels.stats.multitest import multipletests

    p = report.table["pvalue"].to_numpy()
    np.testing.assert_allclose(report.table["pvalue_holm"], adjust_pvalues(p, method="holm"))
    np.testing.assert_allclose(report.table["pvalue_bh"], multipletests(p, method="fdr_bh")[1])
    # Holm leaves only 55% -> 100% below 0.1: the headline stays the unadjusted call
    assert list(report.table.index[report.table["pvalue_holm"] < 0.1]) == [14]


def test_comparator_without_n_gives_both_ends(report: RoundComparison) -> None:
    # The comparator includes the provider (the default) and its n is unknown: the fixed-rate
    # test is one end (a comparator of unbounded size), the provider against the rest at a
    # 50% share is the other.
    assert report.comparator_method is not None and "n is not known" in report.comparator_method
    for r in report.table.to_dict("records"):
        fixed = ztest_one_sample(r["current_x"], r["current_n"], r["comparator_pct"] / 100)
        low, high = r["comparator_pvalue_low"], r["comparator_pvalue_high"]
        assert low <= fixed.pvalue <= high and r["comparator_pvalue"] == high
        calls = {low < 0.1, high < 0.1}
        assert (r["comparator_significant"] is None) == (len(calls) == 2)
        if len(calls) == 1:
            assert r["comparator_significant"] == (high < 0.1)
    # R: prop.test(65, 100, p = 0.68, correct = FALSE): X-squared = 0.41360, p-value = 0.5201
    assert report.table.loc[0, "comparator_pvalue_high"] == pytest.approx(0.5201, abs=5e-5)
    # Old default, kept as an option: a comparator of other providers, as a fixed rate.
    apart = compare_rounds(TV, previous_n=100, comparator_includes_provider=False)
    for i, r in enumerate(apart.table.to_dict("records")):
        expected = ztest_one_sample(r["current_x"], r["current_n"], r["comparator_pct"] / 100)
        if i == 12:  # 13 of 14 against 69%: small counts, the exact binomial test's call
            continue
        assert r["comparator_pvalue"] == expected.pvalue
        assert r["comparator_significant"] == expected.significant


def test_comparator_bounds_by_brute_force() -> None:
    # 44 of 100 against a comparator of 52% that includes them, n unknown (Thames Valley 2.3)
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_pct": [51], "current_pct": [44], "current_n": [100],
         "comparator_pct": [52]}
    )  # fmt: skip
    r = compare_rounds(table, previous_n=100).table.iloc[0]
    pvalues = [ztest_one_sample(44, 100, 0.52).pvalue]
    for size in range(200, 5200):  # the comparator from twice the provider's n
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                total = counts_from_percentage(52, size).count
            except ValueError:
                continue
            pvalues.append(ztest_against_aggregate(44, 100, total, size).pvalue)
    assert r["comparator_pvalue_low"] == pytest.approx(min(pvalues), rel=1e-9)
    assert r["comparator_pvalue_high"] == pytest.approx(max(pvalues), rel=1e-9)
    # p from 0.020 (this provider half the comparator) to 0.11 (a fixed rate): no call
    assert r["comparator_pvalue_low"] < 0.1 < r["comparator_pvalue_high"]
    assert r["comparator_significant"] is pd.NA or pd.isna(r["comparator_significant"])
    assert "the call at the 0.1 level depends on the comparator's unpublished n" in r["sentence"]
    assert "with this provider up to 50% of its cases" in r["sentence"]
    # a smaller largest share narrows the range towards the fixed rate
    narrow = compare_rounds(table, previous_n=100, max_provider_share=0.1).table.iloc[0]
    assert r["comparator_pvalue_low"] < narrow["comparator_pvalue_low"]
    assert narrow["comparator_pvalue_high"] == r["comparator_pvalue_high"]


def test_one_default_for_a_provider_inside_the_aggregate() -> None:
    from inspection_core.cli import default_of

    assert default_of(compare_rounds, "comparator_includes_provider") is True
    assert default_of(ztest_against_aggregate, "includes_provider") is True


def test_bands_and_near_boundary(report: RoundComparison) -> None:
    for r in report.table.to_dict("records"):
        assert r["previous_band"] == rating_band(r["previous_pct"])
        assert r["current_band"] == rating_band(r["current_pct"])
        reasons, _ = boundary_flags(r["current_pct"], r["current_x"], r["current_n"])
        assert r["near_boundary"] == bool(reasons)
    t = report.table
    # 65% sits on the 65 edge; 44% is 6 points from 50 and a case either way stays Inadequate
    assert t.loc[0, "near_boundary"] and not t.loc[7, "near_boundary"]
    # inclusive: 45% is within 5 points of 50
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_pct": [40], "current_pct": [45], "current_n": [100]}
    )
    assert compare_rounds(table, previous_n=100).table.loc[0, "near_boundary"]


def test_unrounded_basis() -> None:
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_x": [51], "previous_n": [80], "current_x": [103],
         "current_n": [160]}
    )  # fmt: skip
    # 103/160 = 64.375%: published 64% Requires improvement either way; 51/80 = 63.75% -> 64%
    published = compare_rounds(table).table.iloc[0]
    assert published["current_band"] == "Requires improvement"
    table.loc[0, "current_x"] = 1035 // 10 + 1  # 104/160 = 65.0%
    assert compare_rounds(table, band_basis="unrounded").table.loc[0, "current_band"] == "Good"
    table.loc[0, ["current_x", "current_n"]] = [129, 200]  # 64.5%: published 65 Good
    assert compare_rounds(table).table.loc[0, "current_band"] == "Good"
    unrounded = compare_rounds(table, band_basis="unrounded")
    assert unrounded.table.loc[0, "current_band"] == "Requires improvement"
    assert unrounded.band_basis == "unrounded"


FORBIDDEN = re.compile(r"\b(not|in|non-?)\s*significan", re.IGNORECASE)


def _check_words(report: RoundComparison) -> None:
    for r in report.table.to_dict("records"):
        text = r["sentence"]
        assert not FORBIDDEN.search(text), text
        assert "insignificant" not in text.lower()
        any_sig = bool(r["significant"]) or r["comparator_significant"] is True
        assert ("significant" in text.lower()) == any_sig, text
        assert ("significant change" in text) == bool(r["significant"]), text


def test_word_rule_on_every_sentence(report: RoundComparison) -> None:
    _check_words(report)
    assert sum("within what chance could produce" in s for s in report.table["sentence"]) >= 13


def test_word_rule_on_many_tables() -> None:
    rng = np.random.default_rng(5)
    n = rng.integers(10, 200, size=(40, 3))
    table = pd.DataFrame(
        {
            "key_question": [f"q{i}" for i in range(40)],
            "previous_x": [int(rng.integers(0, k + 1)) for k in n[:, 0]],
            "previous_n": n[:, 0],
            "current_x": [int(rng.integers(0, k + 1)) for k in n[:, 1]],
            "current_n": n[:, 1],
            "comparator_pct": rng.integers(1, 100, size=40),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = compare_rounds(table, alpha=0.05)
    _check_words(result)
    assert result.table["significant"].any() and not result.table["significant"].all()
    assert "at the 0.05 level" in str(result.table.loc[0, "sentence"])


def test_published_ratings_reproduced(report: RoundComparison) -> None:
    thames, warwick = published_ratings()
    standards = report.standards.set_index("standard")
    assert list(standards.index) == ["2.1", "2.2", "2.3", "2.4", "4.2"]
    for code, row in standards.iterrows():
        assert thames[str(code)] in row["panel_options"].split(" or ")
        if not row["near_boundary"]:  # the rules determine it: 2.3 and 2.4, both Inadequate
            assert row["rule_rating"] == thames[str(code)]
    assert standards.loc["2.1", "rule_rating"] == thames["2.1"]  # Good, on the 65 edge
    # The panel used its discretion on 2.2 (61%: RI -> Good) and 4.2 (79%: Good -> Outstanding).
    assert standards.loc["2.2", "rule_rating"] == "Requires improvement" and thames["2.2"] == "Good"
    assert standards.loc["4.2", "rule_rating"] == "Good" and thames["4.2"] == "Outstanding"
    # Supplying the published ratings gives the published overall rating for both providers.
    for published in (thames, warwick):
        given_ratings = {code: published[code] for code in STANDARDS}
        full = compare_rounds(TV, previous_n=100, standard_ratings=given_ratings)
        assert full.provider is not None and full.provider.rating == published["overall"]
    # Thames Valley with the rule's own ratings for its case standards and the published
    # ratings elsewhere: 15 (Requires improvement); the panel's options reach 17 (Good).
    others = {code: thames[code] for code in ("1.1", "1.2", "1.3", "1.4", "4.1")}
    rule = compare_rounds(TV, previous_n=100, standard_ratings=others)
    assert rule.provider is not None and (rule.provider.score, rule.provider.rating) == (
        15, "Requires improvement",
    )  # fmt: skip
    assert rule.provider_score_range == (14, 17)
    assert report.provider is None and "needs all ten" in str(report)


def test_rate_standards_flags_a_supplied_rating_outside_the_options() -> None:
    kq = pd.DataFrame({"standard": ["2.3 Implementation and delivery"], "current_pct": [44]})
    row = rate_standards(kq, standard_ratings={"Implementation and delivery": "Good"}).iloc[0]
    assert row["rating"] == "Good" and "outside the rule's options" in row["note"]
    with pytest.raises(ValueError, match="must name one of the ten standards"):
        rate_standards(kq, standard_ratings={"9.9": "Good"})


# ---------------------------------------------------------------- sensitivity


def _significant_at(pct: float, n: int, x: int, m: int) -> bool | None:
    """ztest at previous n = n from a published pct, or None when no count out of n fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prev = counts_from_percentage(pct, n).count
        except ValueError:
            return None
        return bool(ztest(x, m, prev, n).significant)


def test_sensitivity_flip_points(report: RoundComparison) -> None:
    s = report.sensitivity
    assert s is not None and len(s) == 15
    for r, k in zip(s.to_dict("records"), report.table.to_dict("records"), strict=True):
        pct, x, m = k["previous_pct"], k["current_x"], k["current_n"]
        flip = r["significant_from_n"]
        if pd.isna(flip):
            assert r["finding"].startswith("within what chance could produce for every")
            assert _significant_at(pct, 10_000, x, m) is False
            continue
        flip = int(flip)
        assert _significant_at(pct, flip, x, m) is True
        below = flip - 1
        while below >= 10 and _significant_at(pct, below, x, m) is None:
            below -= 1
        if below >= 10:  # at the previous possible n it is not significant
            assert _significant_at(pct, below, x, m) is False
        for n in (flip + 1, flip + 17, 5_000, 10_000):
            assert _significant_at(pct, n, x, m) in (True, None)
    by_row = s.set_index("row")
    # 74% -> 65% of 100: significant from a previous n of 238; 34% -> 47% of 79: from 91
    assert (by_row.loc[1, "significant_from_n"], by_row.loc[9, "significant_from_n"]) == (238, 91)
    assert by_row.loc[15, "finding"] == "significant for every previous n from 10 to 10,000"
    assert by_row.loc[1, "p_at_100"] == pytest.approx(0.16689632898196016)
    assert np.isnan(s["p_at_25"].to_numpy()[0])  # no count out of 25 rounds to 74%


def test_sensitivity_direct_call_and_checks() -> None:
    s = sensitivity_to_previous_n([62], [59], [100], n_min=10, n_max=2000, grid=[100])
    assert s.loc[0, "finding"] == (
        "within what chance could produce for every previous n from 10 to 2,000"
    )
    with pytest.raises(ValueError, match="same length"):
        sensitivity_to_previous_n([62, 50], [59], [100])
    with pytest.raises(ValueError, match="n_max must be a whole number of at least 10"):
        sensitivity_to_previous_n([62], [59], [100], n_max=5)


@given(
    st.integers(0, 100),
    st.lists(st.integers(1, 400), min_size=1, max_size=20),
)
def test_nearest_counts_match_counts_from_percentage(pct: int, ns: list[int]) -> None:
    got = nearest_counts(pct, np.array(ns))
    for n, g in zip(ns, got, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected = counts_from_percentage(pct, n).count
            except ValueError:
                expected = -1
        assert g == expected


# ---------------------------------------------------------------- input forms


def test_counts_table_gives_the_same_calls_as_percentages(report: RoundComparison) -> None:
    t = report.table
    counts = t[["standard", "key_question", "previous_x", "previous_n", "current_x", "current_n"]]
    again = compare_rounds(counts)
    for column in ("z", "pvalue", "significant", "current_band"):
        assert list(again.table[column]) == list(t[column])
    assert again.sensitivity is None
    assert not any("assumed" in a for a in again.assumptions)


def test_comparator_with_n_is_a_two_sample_test() -> None:
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_pct": [74], "current_pct": [65], "current_n": [100],
         "comparator_pct": [71], "comparator_n": [1000]}
    )  # fmt: skip
    # by default the comparator includes the provider: the provider against the rest
    inside = compare_rounds(table, previous_n=100)
    rest = ztest_against_aggregate(65, 100, 710, 1000)  # 645 of 900 elsewhere
    assert inside.table.loc[0, "comparator_pvalue"] == rest.pvalue
    assert inside.table.loc[0, "comparator_difference_points"] == pytest.approx(
        100 * (65 / 100 - 645 / 900), abs=1e-12
    )
    assert "the other providers' 71.7% (the comparator's 71% less this provider)" in str(
        inside.table.loc[0, "sentence"]
    )
    apart = compare_rounds(table, previous_n=100, comparator_includes_provider=False).table
    expected = ztest(65, 100, 710, 1000)
    assert apart.loc[0, "comparator_pvalue"] == expected.pvalue
    assert apart.loc[0, "comparator_z"] == expected.statistic
    assumed = compare_rounds(table.drop(columns="comparator_n"), previous_n=100, comparator_n=1000)
    assert assumed.table.loc[0, "comparator_pvalue"] == rest.pvalue
    assert any("comparator n assumed to be 1000" in a for a in assumed.assumptions)


def test_column_mapping_and_aliases() -> None:
    table = pd.read_csv(TV).rename(columns={"key_question": "Question text", "current_n": "Cases"})
    mapped = compare_rounds(
        table, previous_n=100, columns={"key_question": "Question text", "current_n": "cases"}
    )
    assert len(mapped.table) == 15
    assert any(
        "comparator_pct read from the column 'all_crcs_pct'" in a for a in mapped.assumptions
    )


def test_ambiguous_percentage_is_noted() -> None:
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_pct": [50], "current_pct": [50], "current_n": [300]}
    )
    r = compare_rounds(table, previous_n=300).table.iloc[0]
    # 50% of 300 could be 149, 150 or 151 (49.67% rounds to 50); 150 is used
    assert r["current_x"] == 150 and "could be 149, 150, 151 cases; 150 used" in r["notes"]


def test_input_frame_and_file_are_not_modified(tmp_path: Path) -> None:
    frame = pd.read_csv(TV)
    before = frame.copy()
    compare_rounds(frame, previous_n=100)
    pd.testing.assert_frame_equal(frame, before)
    raw = TV.read_bytes()
    compare_rounds(TV, previous_n=100)
    assert TV.read_bytes() == raw


def _table(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {"key_question": ["q1", "q2"]}
    base.update(columns)
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("table", "options", "message"),
    [
        (_table(previous_pct=[70, 60], current_pct=[65, 50]), {"previous_n": 100},
         "table is missing columns: needs current_n; it has: key_question, previous_pct, "
         "current_pct"),
        (_table(previous_pct=[70, 60], current_pct=[65, 50], current_n=[100, 100]), {},
         "needs previous_n (or an assumed previous_n)"),
        (_table(previous_pct=[70, 160], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100}, "row 2 ('q2'): previous_pct must be between 0 and 100; got 160"),
        (_table(previous_x=[70, 60], previous_n=[100, 50], current_x=[65, 50],
                current_n=[100, 100]), {}, "row 2 ('q2'): previous_x must be at most previous_n "
         "(50); got 60"),
        (_table(previous_pct=[70, None], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100}, "row 2 ('q2') has neither counts (previous_x and previous_n) nor a "
         "percentage (previous_pct)"),
        (_table(previous_x=[70, 60], previous_pct=[70, 61], previous_n=[100, 100],
                current_pct=[65, 50], current_n=[100, 100]), {},
         "row 2 ('q2'): previous_x = 60 of previous_n = 100 is 60%, but previous_pct is 61"),
        (_table(previous_pct=[79, 60], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 44}, "row 1 ('q1'): previous_pct: no count out of n = 44 rounds to 79%"),
        (_table(previous_pct=[0.7, 0.6], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100}, "previous_pct must hold whole percentages (74 for 74%); got "
         "proportions such as 0.7"),
        (_table(previous_pct=[70, "abc"], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100}, "row 2 ('q2'): previous_pct must be a number; got 'abc'"),
        (_table(previous_pct=[70, 60], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100, "columns": {"label": "x"}},
         "columns must name report columns, among standard"),
        (_table(previous_pct=[70, 60], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100, "columns": {"comparator_pct": "all_crcs"}},
         "columns maps comparator_pct to 'all_crcs', which is not in the table"),
        (_table(previous_pct=[70, 60], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 0}, "previous_n must be a whole number of at least 1; got 0"),
        (_table(previous_pct=[70, 60], current_pct=[65, 50], current_n=[100, 100.5]),
         {"previous_n": 100}, "row 2 ('q2'): current_n must be a whole number of at least 1"),
        (_table(previous_pct=[70, 60], current_pct=[65, 50], current_n=[100, 100]),
         {"previous_n": 100, "alpha": 10}, "alpha must be between 0 and 1"),
    ],
)  # fmt: skip
def test_bad_input(table: pd.DataFrame, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        compare_rounds(table, **options)  # type: ignore[arg-type]


def test_bad_file_inputs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="table file not found"):
        compare_rounds(tmp_path / "missing.csv")
    (tmp_path / "t.json").write_text("{}\n")
    with pytest.raises(ValueError, match=r"must be a \.csv, \.xlsx or \.parquet file"):
        compare_rounds(tmp_path / "t.json")
    (tmp_path / "t.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # Excel 97-2003: the fix is named
    with pytest.raises(ValueError, match=r"Save \.xls files \(Excel 97-2003\) as \.xlsx first"):
        compare_rounds(tmp_path / "t.xls")
    (tmp_path / "t.txt").write_text("a,b\n")  # a .txt is read as CSV, like a case list
    with pytest.raises(ValueError, match="table is missing columns"):
        compare_rounds(tmp_path / "t.txt")
    (tmp_path / "t.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ValueError, match="could not read"):
        compare_rounds(tmp_path / "t.xlsx")
    (tmp_path / "empty.csv").write_text("key_question,previous_x,previous_n,current_x,current_n\n")
    with pytest.raises(ValueError, match="table has no rows"):
        compare_rounds(tmp_path / "empty.csv")


# ---------------------------------------------------------------- output


def test_formats_written_and_read_back(report: RoundComparison, tmp_path: Path) -> None:
    csv_path = report.write(tmp_path / "r.csv")
    back = pd.read_csv(csv_path)
    assert list(back.columns) == list(report.table.columns)
    np.testing.assert_allclose(back["pvalue"], report.table["pvalue"], rtol=1e-12)
    assert list(back["significant"]) == list(report.table["significant"])

    xlsx = report.write(tmp_path / "r.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"report", "standards", "sensitivity", "about"}
    np.testing.assert_allclose(sheets["report"]["z"], report.table["z"], rtol=1e-12)
    assert "previous-round n assumed" in " ".join(sheets["about"]["value"].astype(str))

    md = report.write(tmp_path / "r.md").read_text()
    assert md.startswith("# Round-on-round comparison")
    assert "## Assumptions" in md and "previous-round n assumed to be 100" in md
    header = next(line for line in md.splitlines() if line.startswith("| standard | key_question"))
    width = header.count("|")
    rows = [line for line in md.splitlines() if line.startswith("| 2.1 Assessment")]
    assert len(rows) == 3 and all(r.count("|") - r.count("\\|") == width for r in rows)

    page = report.write(tmp_path / "r.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<table") == 3
    assert "74/100 (n assumed)" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.html", "r.md", "r.xlsx"]


def test_write_refuses_to_overwrite_and_bad_suffix(report: RoundComparison, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("keep")
    with pytest.raises(FileExistsError, match="already exists; pass overwrite=True"):
        report.write(path)
    assert path.read_text() == "keep"
    report.write(path, overwrite=True)
    assert path.read_text().startswith("standard,key_question")
    with pytest.raises(ValueError, match=r"must end in \.csv, \.xlsx, \.md, \.html"):
        report.write(tmp_path / "r.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_text_html_and_json(report: RoundComparison) -> None:
    text = str(report)
    assert text.startswith("15 key questions compared at alpha = 0.1: 2 significant changes")
    assert "Sensitivity to the unknown previous n:" in text and "74*" in text
    assert "<table" in report._repr_html_()
    d = json.loads(json.dumps(report.to_dict()))
    assert d["alpha"] == 0.1 and len(d["table"]) == 15 and d["provider"] is None
    assert d["sensitivity"][1]["significant_from_n"] is None
    assert d["table"][0]["significant"] is False


def test_table_without_standards(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {"key_question": ["a", "b"], "previous_x": [10, 20], "previous_n": [40, 40],
         "current_x": [30, 21], "current_n": [40, 40]}
    )  # fmt: skip
    result = compare_rounds(table)
    assert result.standards.empty and "rating" in result.standards.columns
    assert result.summary().startswith("2 key questions compared at alpha = 0.1: 1 significant "
                                       "change (row 1 25% to 75%)")  # fmt: skip
    assert "<0.0001" in str(result)
    sheets = pd.read_excel(result.write(tmp_path / "r.xlsx"), sheet_name=None)
    assert set(sheets) == {"report", "standards", "about"}
    assert "## Standards" not in result.write(tmp_path / "r.md").read_text()


def test_workbook_text_that_looks_like_a_formula_or_link_stays_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    names = ["=1+1", "@x", "https://example.org/q", "0012"]
    table = pd.DataFrame(
        {"key_question": names, "previous_x": [10, 20, 5, 8], "previous_n": [40] * 4,
         "current_x": [30, 21, 6, 9], "current_n": [40] * 4}
    )  # fmt: skip
    book = load_workbook(compare_rounds(table).write(tmp_path / "r.xlsx"))
    sheet = book["report"]
    column = [c.value for c in sheet[1]].index("key_question")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == names  # as given, in order
    assert all(c.data_type == "s" and c.hyperlink is None for c in cells)  # not formulas, links
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)


# ---------------------------------------------------------------- the round-test seam


def test_round_test_chosen_by_name_from_the_table() -> None:
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_pct": [74], "current_pct": [65], "current_n": [100]}
    )
    z = compare_rounds(table, previous_n=100).table.iloc[0]
    fisher = compare_rounds(table, previous_n=100, test="fisher").table.iloc[0]
    # R 4.2.2: fisher.test(matrix(c(65, 35, 74, 26), 2))$p.value = 0.219041962894044
    assert fisher["pvalue"] == pytest.approx(0.219041962894044, rel=1e-9)
    assert fisher["test"] == "Fisher's exact test" and z["test"] == "two-sample z-test"
    assert fisher["z"] == z["z"]  # the z-score is shown beside the exact p-value
    boschloo = compare_rounds(table, previous_n=100, test="boschloo").table.iloc[0]
    assert boschloo["pvalue"] == ztest(65, 100, 74, 100, exact="boschloo").pvalue
    assert list(ROUND_TESTS) == ["ztest", "fisher", "boschloo"]
    with pytest.raises(ValueError, match="test must be one of 'ztest', 'fisher', 'boschloo'"):
        compare_rounds(table, previous_n=100, test="paired")


def test_every_round_test_has_the_one_signature() -> None:
    options = RoundOptions(alpha=0.1)
    for name, function in ROUND_TESTS.items():
        row = function(74, 100, 65, 100, options)
        assert isinstance(row, RoundTest), name
        assert row.significant == (row.pvalue < 0.1) and row.statistic > 0


# ---------------------------------------------------------------- what is not published


def test_percentage_with_several_counts_reports_the_range_of_p() -> None:
    # 31% and 23% of 150: 46 or 47 cases, and 34 or 35 (each rounds half up to the percentage)
    table = pd.DataFrame(
        {"key_question": ["q"], "previous_pct": [23], "current_pct": [31], "current_n": [150]}
    )
    report = compare_rounds(table, previous_n=150)
    r = report.table.iloc[0]
    assert (r["current_x"], r["previous_x"]) == (46, 34)  # the nearest counts, as before
    # R 4.2.2: prop.test(c(46, 34), c(150, 150), correct = FALSE)$p.value = 0.117185087198138
    assert r["pvalue"] == pytest.approx(0.117185087198138, rel=1e-9)
    # R 4.2.2: prop.test(c(47, 34), ...) = 0.0909143048117571; c(46, 35) = 0.152572731171705
    assert r["pvalue_low"] == pytest.approx(0.0909143048117571, rel=1e-9)
    assert r["pvalue_high"] == pytest.approx(0.152572731171705, rel=1e-9)
    assert pd.isna(r["significant"])
    assert r["sentence"] == (
        "Rose from 23% to 31% (+8 points); the call at the 0.1 level depends on the unpublished "
        "count (p from 0.091 to 0.15 over the counts that round to the published percentages)."
    )
    assert "0 significant changes, 0 within what chance could produce, 1 depending on an " in (
        report.summary()
    )
    assert "depends" in str(report)
    # the same percentages at 0.2: significant at every possible count, and said so
    wide = compare_rounds(table, previous_n=150, alpha=0.2).table.iloc[0]
    assert wide["significant"] is True or bool(wide["significant"])
    assert (
        "a significant change at the 0.2 level whatever the unpublished count" in (wide["sentence"])
    )


def test_unique_counts_have_a_single_p(report: RoundComparison) -> None:
    t = report.table
    assert (t["pvalue_low"] == t["pvalue"]).all() and (t["pvalue_high"] == t["pvalue"]).all()
    assert not t["significant"].isna().any()


def test_summary_says_how_many_changes_chance_gives(report: RoundComparison) -> None:
    assert (
        "With 15 changes tested at the 0.1 level, about 1.5 would pass by chance alone if "
        "nothing had changed" in report.summary()
    )
    counts = report.table[["key_question", "previous_x", "previous_n", "current_x", "current_n"]]
    assert "With 15 changes tested at the 0.05 level, about 0.8 would pass" in (
        compare_rounds(counts, alpha=0.05).summary()
    )


def test_small_counts_against_the_comparator_use_the_exact_binomial_test(
    report: RoundComparison,
) -> None:
    # Through the Gate 13 of 14 against 69%: 14 x 0.31 = 4.3 expected failures, below 5
    apart = compare_rounds(TV, previous_n=100, comparator_includes_provider=False).table
    # R 4.2.2: binom.test(13, 14, 0.69)$p.value = 0.0785401171371073 (the z-test's is 0.054)
    assert apart.loc[12, "comparator_pvalue"] == pytest.approx(0.0785401171371073, rel=1e-9)
    assert "exact binomial test makes the call" in str(apart.loc[12, "notes"])
    # with the comparator including the provider, that is the fixed-rate end of the range
    assert report.table.loc[12, "comparator_pvalue_high"] == pytest.approx(
        0.0785401171371073, rel=1e-9
    )
