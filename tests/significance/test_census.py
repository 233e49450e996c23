"""The finite population correction between rounds: which question it answers, and a census."""

import warnings

import numpy as np
import pytest

from significance import (
    CensusWarning,
    SmallCountWarning,
    minimum_detectable_difference,
    power,
    ztest,
)


def test_the_result_says_which_question_it_answers() -> None:
    plain = ztest(74, 100, 65, 100)
    assert plain.question == "has practice changed?"
    corrected = ztest(74, 100, 65, 100, population_size1=250, population_size2=250)
    assert corrected.question == "did the eligible populations' rates differ?"
    assert "answers: did the eligible populations' rates differ?" in corrected.method
    assert "The question answered: did the eligible populations' rates differ?" in str(corrected)


def test_correction_doubles_false_positives_when_practice_has_not_changed() -> None:
    # "Has practice changed?" null: each round's eligible population of 250 is produced by the
    # same process (65% meet the standard), then 100 of them are inspected. Seeded simulation of
    # 40,000 pairs of rounds: the uncorrected test rejects at its level (each round's count is
    # then exactly binomial), the corrected one about twice as often (0.207 at alpha 0.1).
    rng = np.random.default_rng(2019)
    reps, big, n = 40_000, 250, 100
    good1, good2 = rng.binomial(big, 0.65, reps), rng.binomial(big, 0.65, reps)
    x1 = rng.hypergeometric(good1, big - good1, n)
    x2 = rng.hypergeometric(good2, big - good2, n)
    plain = ztest(x1, n, x2, n).significant.mean()
    corrected = ztest(x1, n, x2, n, population_size1=big, population_size2=big)
    se = np.sqrt(0.1 * 0.9 / reps)
    assert abs(plain - 0.1) < 4 * se
    assert 0.19 < corrected.significant.mean() < 0.22
    # and it inflates the power for 65% -> 74% (0.554 instead of 0.396). R 4.2.2:
    # power.prop.test(n = 100, p1 = .65, p2 = .74, sig.level = .1)$power -> 0.395939460909799
    # with the correction the power depends on n only through n / f = 100 * 249 / 150:
    # power.prop.test(n = 100 * 249 / 150, p1 = .65, p2 = .74, sig.level = .1)$power
    #   -> 0.554365899084948
    assert power(100, 100, 0.74, 0.65) == pytest.approx(0.395939460909799, rel=1e-12)
    with_fpc = power(100, 100, 0.74, 0.65, population_size1=250, population_size2=250)
    assert with_fpc == pytest.approx(0.554365899084948, rel=1e-12)


def test_a_census_of_both_rounds_is_flagged_and_behaves_as_documented() -> None:
    with pytest.warns(CensusWarning, match="any difference is a real one"):
        r = ztest(74, 100, 65, 100, population_size1=100, population_size2=100)
    assert r.statistic == np.inf and r.pvalue == 0.0 and r.significant
    with pytest.warns(CensusWarning):
        same = ztest(70, 100, 70, 100, population_size1=100, population_size2=100)
    assert same.statistic == 0.0 and same.pvalue == 1.0 and not same.significant
    # power: 1 for any change, 0 (not 0.5) for none
    with pytest.warns(CensusWarning):
        assert power(100, 100, 0.74, 0.65, population_size1=100, population_size2=100) == 1.0
    with pytest.warns(CensusWarning):
        assert power(100, 100, 0.7, 0.7, population_size1=100, population_size2=100) == 0.0
    # detectable difference: any change, flagged, 0 exactly (it was +0.0 by accident)
    with pytest.warns(CensusWarning):
        m = minimum_detectable_difference(
            100, 100, 0.65, population_size1=100, population_size2=100
        )
    assert m.census and m.difference == 0.0 and m.detectable_rate == 0.65
    assert "Both rounds are censuses" in str(m)
    # one round a census: still flagged (the question), but the other round has sampling error
    with pytest.warns(CensusWarning, match="group 1 inspected every eligible case"):
        one = ztest(74, 100, 65, 100, population_size1=100)
    assert np.isfinite(one.statistic)


def test_arrays_flag_only_the_census_settings() -> None:
    with pytest.warns(CensusWarning):
        m = minimum_detectable_difference(
            np.array([50, 100]), np.array([50, 100]), 0.65, population_size1=100,
            population_size2=100,
        )  # fmt: skip
    assert list(m.census) == [False, True]
    assert m.difference[0] > 0.1 and m.difference[1] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", CensusWarning)
        warnings.simplefilter("ignore", SmallCountWarning)
        ztest(74, 100, 65, 100, population_size1=250, population_size2=250)  # no census
