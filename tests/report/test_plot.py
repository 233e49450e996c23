"""The dumbbell chart: files written atomically, PNG and SVG, bad paths refused."""

from importlib import resources
from pathlib import Path

import pytest

from significance import RoundComparison, compare_rounds, plot_comparison

TV = Path(
    str(resources.files("significance").joinpath("data/thames_valley_2019_key_questions.csv"))
)


@pytest.fixture(scope="module")
def report() -> RoundComparison:
    return compare_rounds(TV, previous_n=100)


def test_png_and_svg(report: RoundComparison, tmp_path: Path) -> None:
    fig = plot_comparison(report, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 15
    assert "previous n assumed 100" in ax.get_title()
    box = ax.get_legend()
    assert box is not None
    legend = [t.get_text() for t in box.get_texts()]
    assert "significant at 0.1" in legend and "Outstanding" in legend and "comparator" in legend
    plot_comparison(report, tmp_path / "chart.svg")
    assert "<svg" in (tmp_path / "chart.svg").read_text()[:2000]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png", "chart.svg"]


def test_bad_path_and_no_overwrite(report: RoundComparison, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"plot path must end in \.png or \.svg; got"):
        plot_comparison(report, tmp_path / "chart.jpg")
    (tmp_path / "chart.png").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        plot_comparison(report, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes() == b"keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png"]


def test_figure_without_a_file(report: RoundComparison) -> None:
    fig = plot_comparison(report, title="Thames Valley")
    assert fig.axes[0].get_title() == "Thames Valley"
