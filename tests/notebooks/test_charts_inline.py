"""The toolkit's charts display inline in Jupyter, and leave no open pyplot figure in scripts.

The real check runs a notebook in a fresh kernel (nbclient), with and without pyplot imported,
and looks for the ``image/png`` output Jupyter shows; the committed notebooks 2 and 3 must hold
those outputs too (so their documentation pages show the charts).
"""

from __future__ import annotations

import warnings
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from nbclient import NotebookClient

from sampling import balance_report, draw, plot_balance, read_cases
from significance import compare_rounds, plot_comparison

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
TV = Path(str(resources.files("significance") / "data/thames_valley_2019_key_questions.csv"))
SETUP = f"""
import warnings
warnings.simplefilter("ignore")
from sampling import balance_report, draw, plot_balance, read_cases
from significance import compare_rounds, plot_comparison
cases = read_cases({str(EXAMPLE)!r})
result = draw(cases, "auto", seed=2026)
balance = balance_report(result.allocation, result.sample)
report = compare_rounds({str(TV)!r}, previous_n=100)
"""


def _outputs(*cells: str) -> list[list[str]]:
    """Each cell's output MIME types after running the cells in a fresh kernel."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), *(nbformat.v4.new_code_cell(c) for c in cells)]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return [sorted(k for o in cell.outputs for k in o.get("data", {})) for cell in nb.cells[1:]]


def test_a_cell_returning_a_chart_shows_a_png_in_a_fresh_kernel() -> None:
    got = _outputs(
        "plot_balance(balance)",
        "plot_comparison(report)",
        "import matplotlib.pyplot as plt\nplot_balance(balance)",  # with the inline backend on
        "display(plot_comparison(report))",
    )
    for mimes in got:
        assert "image/png" in mimes, got


def _cell_outputs(path: Path, call: str) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and call in c.source]
    assert cells, f"no cell of {path.name} calls {call}"
    return sorted(k for c in cells for o in c.get("outputs", []) for k in o.get("data", {}))


@pytest.mark.parametrize(
    ("notebook", "call"),
    [
        ("02_drawing_a_stratified_sample.ipynb", "plot_balance("),
        ("03_testing_changes_between_rounds.ipynb", "plot_comparison("),
    ],
)
def test_the_committed_notebooks_show_the_charts(notebook: str, call: str) -> None:
    assert "image/png" in _cell_outputs(ROOT / "notebooks" / notebook, call)


def test_charts_render_as_png_and_leave_no_open_pyplot_figure() -> None:
    before = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = draw(read_cases(EXAMPLE), "auto", seed=2026)
        balance = balance_report(result.allocation, result.sample)
    for figure in (plot_balance(balance), plot_comparison(compare_rounds(TV, previous_n=100))):
        png = figure._repr_png_()  # type: ignore[attr-defined]  # the toolkit's Figure subclass
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        figure.savefig(Path("/dev/null"), format="png")  # still a matplotlib Figure
    assert plt.get_fignums() == before
