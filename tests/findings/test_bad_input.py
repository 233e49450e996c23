"""Bad input: one clear line for each problem, all of them listed, nothing written (CLI: exit 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from significance._cli import main
from significance.findings import case_findings, check_case_answers, read_catalogue

from .conftest import RESULTS


def _results() -> pd.DataFrame:
    return pd.read_csv(RESULTS, dtype=str, keep_default_na=False)


def _low_risk_case(example_draw: Path) -> str:
    sample = pd.read_csv(example_draw / "sample.csv", dtype=str)
    return str(sample.loc[sample["risk"] == "low", "case_id"].iloc[0])


def test_answers_outside_the_spellings_are_listed_with_rows(example_draw: Path) -> None:
    results = _results()
    results.loc[2, "2.1.1"] = "Yse"
    results.loc[7, "2.2.2"] = "maybe"
    with pytest.raises(ValueError, match="answers outside the accepted spellings") as info:
        case_findings(results, sample=example_draw)
    message = str(info.value)
    ids = results["case_id"].tolist()
    assert f"row 4 ({ids[2]}, 2.1.1) 'Yse'" in message
    assert f"row 9 ({ids[7]}, 2.2.2) 'maybe'" in message
    assert "\n" not in message


def test_case_ids_not_in_the_sample_are_listed(example_draw: Path) -> None:
    results = _results()
    results.loc[5, "case_id"] = "CRN000000"
    results.loc[6, "case_id"] = "XYZ"
    with pytest.raises(ValueError, match="case IDs not in the sample or its reserves") as info:
        case_findings(results, sample=example_draw)
    assert "CRN000000 (row 7)" in str(info.value) and "XYZ (row 8)" in str(info.value)


def test_a_key_question_not_in_the_catalogue(example_draw: Path) -> None:
    results = _results().assign(**{"2.5.1": "Yes"})
    with pytest.raises(ValueError, match=r"not in the catalogue: 2\.5\.1"):
        case_findings(results, sample=example_draw)
    long = _results().melt(id_vars=["case_id", "officer_grade"], var_name="key_question",
                           value_name="answer")  # fmt: skip
    long.loc[0, "key_question"] = "9.9.9"
    with pytest.raises(ValueError, match=r"not in the catalogue: 9\.9\.9"):
        case_findings(long, sample=example_draw)


def test_a_catalogue_standard_without_key_questions(tmp_path: Path) -> None:
    catalogue = read_catalogue().table
    extra = pd.DataFrame([{"key_question": "", "standard": "2.5 Extra", "wording": "",
                           "sub_sample": ""}])  # fmt: skip
    path = tmp_path / "catalogue.csv"
    pd.concat([catalogue, extra]).to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"row 17: standard '2\.5 Extra' has no key question"):
        read_catalogue(path)


def test_a_yes_from_a_case_its_rule_excludes(example_draw: Path) -> None:
    results = _results()
    case = _low_risk_case(example_draw)
    results.loc[results["case_id"] == case, "2.1.3"] = "Yes"
    with pytest.raises(ValueError, match="sub-sample rule excludes") as info:
        case_findings(results, sample=example_draw)
    assert f"({case}, 2.1.3) 'yes' with risk = 'low'" in str(info.value)


def test_a_check_lists_every_problem(example_draw: Path) -> None:
    results = _results().assign(**{"2.5.1": ""})
    results.loc[2, "2.1.1"] = "Yse"
    results.loc[5, "case_id"] = "CRN000000"
    results.loc[results["case_id"] == _low_risk_case(example_draw), "2.2.3"] = "No"
    problems = check_case_answers(results, sample=example_draw)
    assert len(problems) == 4
    assert [p.split(":")[0] for p in problems] == [
        "key questions in the results that are not in the catalogue",
        "case IDs not in the sample or its reserves",
        "answers outside the accepted spellings (Yes/Y, No/N, N/A/NA/not applicable or blank)",
        "answers from cases their key question's sub-sample rule excludes",
    ]
    assert check_case_answers(RESULTS, sample=example_draw) == []


def test_other_bad_arguments(example_draw: Path, tmp_path: Path) -> None:
    wanted = r"confidence_level must be between 0 and 1 \(exclusive\); got 80\. Did you mean 0\.80"
    with pytest.raises(ValueError, match=wanted):
        case_findings(RESULTS, sample=example_draw, confidence_level=80)
    with pytest.raises(
        ValueError, match=r"groups must name columns .* 'office_grade' is in neither"
    ):
        case_findings(RESULTS, sample=example_draw, groups=["office_grade"])
    with pytest.raises(TypeError, match="groups must be a list of column names"):
        case_findings(RESULTS, sample=example_draw, groups="gender")
    with pytest.raises(ValueError, match=r"sample must be a draw's folder"):
        case_findings(RESULTS, sample=tmp_path / "none")
    with pytest.raises(ValueError, match=r"has no sample\.csv"):
        case_findings(RESULTS, sample=tmp_path)
    with pytest.raises(ValueError, match="standard_ratings keys must be one of the ten"):
        case_findings(RESULTS, sample=example_draw, standard_ratings={"5.1": "Good"})
    with pytest.raises(ValueError, match=r"sub_sample must be 'all cases'"):
        read_catalogue(pd.DataFrame([{"key_question": "2.1.1", "standard": "2.1",
                                      "wording": "w", "sub_sample": "risk is low"}]))  # fmt: skip


def test_cli_bad_input_is_one_line_exit_2_and_nothing_written(
    example_draw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "results.csv"
    results = _results()
    results.loc[2, "2.1.1"] = "Yse"
    results.to_csv(bad, index=False)
    before = bad.read_bytes()
    out, plot = tmp_path / "f.xlsx", tmp_path / "f.png"
    code = main(["findings", str(bad), "--sample", str(example_draw), "--out", str(out),
                 "--plot", str(plot)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: RESULTS cannot be used: answers outside")
    assert not out.exists() and not plot.exists() and bad.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--confidence", "80"],
            "error: --confidence must be between 0 and 1 (exclusive); got 80. Did you mean 0.80?",
        ),
        (
            ["--group", "nope"],
            "error: --group must name columns of the sample or the results; 'nope' is in neither",
        ),
        (["--out", "f.txt"], "error: --out must end in .xlsx, .md, .html, .csv; got 'f.txt'"),
        (["--plot", "f.jpg"], "error: --plot must end in .png, .svg; got 'f.jpg'"),
        (
            ["--standard-rating", "1.1"],
            "error: --standard-rating must be STANDARD=RATING, e.g. 1.1=Good; got '1.1'",
        ),
        (["--standard-rating", "1.1=Fine"], "error: --standard-rating values must be one of"),
    ],
)
def test_cli_option_errors_name_the_flag(
    extra: list[str], message: str, example_draw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["findings", RESULTS, "--sample", str(example_draw), *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(message) and len(err.strip().splitlines()) == 1


def test_cli_refuses_to_replace_files(
    example_draw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "f.md"
    out.write_text("mine", encoding="utf-8")
    code = main(["findings", RESULTS, "--sample", str(example_draw), "--out", str(out)])
    assert code == 2 and "already exists; pass --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    copy = tmp_path / "results.csv"
    copy.write_bytes(Path(RESULTS).read_bytes())
    code = main(["findings", str(copy), "--sample", str(example_draw), "--out", str(copy),
                 "--force"])  # fmt: skip
    assert code == 2 and "would replace an input" in capsys.readouterr().err
    assert copy.read_bytes() == Path(RESULTS).read_bytes()


def test_cli_previous_percentages_need_an_n(
    example_draw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = (
        Path(__file__).resolve().parents[2]
        / "significance/data/thames_valley_2019_key_questions.csv"
    )
    code = main(["findings", RESULTS, "--sample", str(example_draw), "--previous", str(previous)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --previous-n is needed: the previous round gives")
