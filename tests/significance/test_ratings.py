"""Rating bands and the provider rating, checked against the published reports' ratings."""

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from significance._ratings import (
    RATINGS,
    boundary_flags,
    percent_half_up,
    provider_rating,
    rating_band,
    standard_rating,
)


def read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("significance").joinpath(f"data/{name}").read_text()
    return list(csv.DictReader(text.splitlines()))


STANDARDS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2"]


@pytest.mark.parametrize(
    ("pct", "band"),
    [
        (0, "Inadequate"), (49, "Inadequate"), (49.4, "Inadequate"), (49.5, "Requires improvement"),
        (50, "Requires improvement"), (64, "Requires improvement"), (65, "Good"), (79, "Good"),
        (80, "Outstanding"), (100, "Outstanding"),
    ],
)  # fmt: skip
def test_bands_from_the_published_method(pct: float, band: str) -> None:
    # docs/published-method.md (rating bands):
    # <50 Inadequate, 50-64 RI, 65-79 Good, >=80 Outstanding
    assert rating_band(pct) == band


def test_unrounded_basis() -> None:
    assert rating_band(79.5, basis="unrounded") == "Good"
    assert rating_band(79.5) == "Outstanding"


def test_cross_checks_from_reports() -> None:
    # docs/published-method.md: 47/62 = 76%, 18/38 = 47%, total 65/100; 51/62 = 82%, 23/38 = 61%
    assert [percent_half_up(x, n) for x, n in [(47, 62), (18, 38), (65, 100)]] == [76, 47, 65]
    assert [percent_half_up(x, n) for x, n in [(51, 62), (23, 38), (74, 100)]] == [82, 61, 74]
    assert percent_half_up(1, 8) == 13  # 12.5 rounds half up


@pytest.mark.parametrize("row", read_csv("published_ratings.csv"), ids=lambda r: r["provider"])
def test_published_provider_ratings_reproduced(row: dict[str, str]) -> None:
    result = provider_rating([row[s] for s in STANDARDS])
    assert result.rating == row["overall"]


def test_published_scores() -> None:
    rows = read_csv("published_ratings.csv")
    # Thames Valley: seven Good (14), two Inadequate (0), one Outstanding (3) = 17 -> Good
    # Warwickshire and West Mercia: seven RI (7), three Good (6) = 13 -> Requires improvement
    assert [provider_rating([r[s] for s in STANDARDS]).score for r in rows] == [17, 13]


def test_thames_valley_standards_follow_the_rules() -> None:
    """Each published standard rating is the rule's band, or an adjacent band the panel may give."""
    kq = read_csv("thames_valley_2019_key_questions.csv")
    published = {s: r for s, r in read_csv("published_ratings.csv")[0].items() if s in STANDARDS}
    by_standard: dict[str, list[float]] = {}
    for row in kq:
        by_standard.setdefault(row["standard"].split()[0], []).append(float(row["current_pct"]))
    # (rule's band, near a boundary) worked by hand from the key questions in the data file
    expected = {
        "2.1": ("Good", True),  # lowest 65: on the 65 edge
        "2.2": ("Requires improvement", True),  # lowest 61: 4 below 65; panel gave Good
        "2.3": ("Inadequate", False),  # lowest 44: 6 below 50
        "2.4": ("Inadequate", False),  # lowest 42: 8 below 50
        "4.2": ("Good", True),  # lowest 79: 1 below 80; panel gave Outstanding
    }
    for standard, pcts in by_standard.items():
        result = standard_rating(pcts)
        assert (result.rating, result.near_boundary) == expected[standard]
        assert published[standard] in result.panel_options
        if not result.near_boundary:  # where the rules determine it, they reproduce it
            assert result.rating == published[standard]


def test_one_case_changes_band() -> None:
    # Through the Gate 79% of 14 = 11/14; 12/14 = 86% would be Outstanding
    r = standard_rating([79], counts=[(11, 14)])
    assert r.near_boundary
    assert any("one case judged differently (12 of 14)" in reason for reason in r.reasons)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        (["Good"] * 9, "exactly ten standard ratings (1.1 to 4.2); got 9"),
        (["Good"] * 11, "got 11"),
        (["Good"] * 9 + ["Great"], "rating must be one of 'Inadequate', 'Requires improvement'"),
    ],
)
def test_provider_rating_bad_input(ratings: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        provider_rating(ratings)


def test_rating_names_are_forgiving_about_case() -> None:
    assert provider_rating(["requires-improvement"] * 10).rating == "Requires improvement"


@pytest.mark.parametrize("pct", [-1, 101, float("nan")])
def test_percentage_outside_range(pct: float) -> None:
    with pytest.raises(ValueError, match="percentage must be a number from 0 to 100"):
        rating_band(pct)


@given(st.lists(st.sampled_from(RATINGS), min_size=10, max_size=10))
def test_provider_rating_bands(ratings: list[str]) -> None:
    result = provider_rating(ratings)
    assert result.score == sum(RATINGS.index(r) for r in ratings)
    edges = [(0, 5), (6, 15), (16, 25), (26, 30)]
    lo, hi = edges[RATINGS.index(result.rating)]
    assert lo <= result.score <= hi


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_percent_half_up_matches_decimal(xn: tuple[int, int]) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    x, n = xn
    exact = (Decimal(100 * x) / Decimal(n)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert percent_half_up(x, n) == int(exact)


@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_panel_options_are_one_band_away(case: tuple[int, int]) -> None:
    # docs/published-method.md (rating bands): a panel may move a rating by one band only, even
    # when one case judged differently would jump two bands (3 of 5 is 60%, 4 of 5 is 80%).
    x, n = case
    for basis in ("published", "unrounded"):
        pct = percent_half_up(x, n) if basis == "published" else 100 * x / n
        band = RATINGS.index(rating_band(pct, basis=basis))
        _, options = boundary_flags(pct, x, n, basis=basis)
        assert all(abs(RATINGS.index(o) - band) == 1 for o in options), (x, n, basis, options)


def test_one_case_two_bands_away_opens_only_the_adjacent_band() -> None:
    reasons, options = boundary_flags(60, 3, 5)
    assert "one case judged differently (4 of 5) gives Outstanding" in reasons
    assert "Outstanding" not in options and "Good" in options
