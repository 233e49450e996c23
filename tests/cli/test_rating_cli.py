"""``python -m significance rating`` and ``provider-rating``: text, JSON and one-line errors."""

import csv
import json
from importlib import resources

import pytest

from significance._cli import main

STANDARDS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "4.1", "4.2"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "band"),
    [
        (["64"], "Requires improvement"),
        (["64%"], "Requires improvement"),
        (["64.5"], "Good"),  # published basis: 64.5 rounds half up to 65
        (["64.5", "--unrounded"], "Requires improvement"),
        (["49.5"], "Requires improvement"),
        (["80"], "Outstanding"),
        (["0"], "Inadequate"),
    ],
)
def test_rating_band(capsys: pytest.CaptureFixture[str], argv: list[str], band: str) -> None:
    code, out, err = run(capsys, "rating", *argv)
    assert code == 0 and err == ""
    assert f"% is {band} (banded on " in out


def test_rating_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rating", "64")
    assert out == (
        "64% is Requires improvement (banded on the published whole percentage, rounded half "
        "up). Near a band edge (64% is within 5 points of 65%): a panel may consider Requires "
        "improvement or Good.\n"
    )
    code, out, _ = run(capsys, "rating", "64.5", "--unrounded", "--json")
    d = json.loads(out)
    assert code == 0 and d == {
        "percentage": 64.5,
        "basis": "unrounded",
        "band": "Requires improvement",
        "near_boundary": True,
        "reasons": ["64.5% is within 5 points of 65%"],
        "panel_options": ["Requires improvement", "Good"],
    }
    code, out, _ = run(capsys, "rating", "72", "--json")
    assert json.loads(out)["near_boundary"] is False


def published() -> list[dict[str, str]]:
    text = resources.files("significance").joinpath("data/published_ratings.csv").read_text()
    return list(csv.DictReader(text.splitlines()))


@pytest.mark.parametrize("row", published(), ids=lambda r: r["provider"])
def test_provider_rating_reproduces_published(
    capsys: pytest.CaptureFixture[str], row: dict[str, str]
) -> None:
    code, out, err = run(capsys, "provider-rating", *[row[s] for s in STANDARDS], "--json")
    d = json.loads(out)
    assert code == 0 and err == "" and d["rating"] == row["overall"]
    assert d["standards"] == {s: row[s] for s in STANDARDS}


def test_provider_rating_text_and_spellings(capsys: pytest.CaptureFixture[str]) -> None:
    ratings = ["Good"] * 6 + ["Inadequate"] * 2 + ["Good", "Outstanding"]
    code, out, _ = run(capsys, "provider-rating", *ratings)
    assert code == 0 and out.splitlines()[0] == "Score 17 of 30: Good."
    assert "  4.2 Through the Gate" in out and out.rstrip().endswith("3")
    # unquoted "Requires improvement", RI and requires-improvement all mean the same band
    argv = ["Requires", "improvement", "RI", "requires-improvement", "ri"] + ["Good"] * 6
    code, out, _ = run(capsys, "provider-rating", *argv, "--json")
    assert code == 0 and json.loads(out)["score"] == 16


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["provider-rating"] + ["Good"] * 9,
         "error: ratings must hold exactly ten standard ratings (1.1 to 4.2); got 9"),
        (["provider-rating"] + ["Good"] * 11, "got 11"),
        (["provider-rating"], "got 0"),
        (["provider-rating"] + ["Good"] * 9 + ["Great"],
         "rating must be one of 'Inadequate', 'Requires improvement', 'Good', 'Outstanding'; "
         "got 'Great'"),
        (["rating", "120"], "error: percentage must be a number from 0 to 100; got 120"),
        (["rating", "-1"], "got -1"),
        (["rating", "abc"], "error: percentage must be a number; got 'abc'"),
        (["rating"], "the following arguments are required: percentage"),
    ],
)  # fmt: skip
def test_bad_input_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err
