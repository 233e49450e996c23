"""The balance chart drawn by a helper process is the chart drawn here, byte for byte.

The ``draw`` command starts :mod:`sampling._chart_process`'s helper so that matplotlib's import
overlaps the reading and the allocation; whatever happens to the helper, ``balance.png`` must be
the file :func:`sampling.plot_balance` writes in this process, and a helper is never left
running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import warnings
from importlib.resources import files
from pathlib import Path

import pytest

from sampling import _chart_process, balance_report, draw, plot_balance, read_cases
from sampling._chart import ChartData, Panel
from sampling._plot import chart_data

EXAMPLE = Path(str(files("sampling") / "data/example_population.csv"))


@pytest.fixture(scope="module")
def example_chart(tmp_path_factory: pytest.TempPathFactory) -> tuple[ChartData, bytes]:
    """The example draw's chart data and the PNG drawn in this process."""
    result = draw(read_cases(EXAMPLE), "auto", seed=2026)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'very high' has an expected count below 5
        report = balance_report(result.allocation, result.sample)
    path = tmp_path_factory.mktemp("here") / "balance.png"
    plot_balance(report, path)
    return chart_data(report), path.read_bytes()


def _draw_command(out: Path, *python_flags: str) -> list[str]:
    """The ``draw`` command on the example, writing to ``out``."""
    return [sys.executable, *python_flags, "-m", "sampling", "draw", str(EXAMPLE),
            "--id", "case_id", "--strata", "gender,disposal,risk", "--n", "auto",
            "--seed", "2026", "--out", str(out)]  # fmt: skip


def _mine() -> subprocess.Popen[bytes]:
    """This thread's running helper."""
    return _chart_process._HELPERS[threading.get_ident()]


@pytest.fixture
def helper_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let :func:`started` start a helper although this test process has matplotlib loaded."""
    monkeypatch.setattr(_chart_process, "_matplotlib_loaded", lambda: False)
    monkeypatch.setattr(_chart_process, "_cores", lambda: 2)


def test_chart_data_round_trips_through_json(example_chart: tuple[ChartData, bytes]) -> None:
    data, _ = example_chart
    assert ChartData.from_json(data.to_json()) == data
    # Shares that need all 17 digits survive (JSON writes repr, the shortest exact form).
    awkward = ChartData(3, 7, (Panel("a$b", ("x", "y"), (1 / 7, 6 / 7), (1 / 3, 2 / 3)),))
    assert ChartData.from_json(awkward.to_json()) == awkward


@pytest.mark.usefixtures("helper_allowed")
def test_helper_draws_the_same_png(example_chart: tuple[ChartData, bytes], tmp_path: Path) -> None:
    data, here = example_chart
    with _chart_process.started():
        assert len(_chart_process._HELPERS) == 1
        helper = _mine()
        _chart_process.save_balance_chart(data, tmp_path / "balance.png")
        assert helper.returncode == 0  # it drew the chart, not the fallback
        assert not _chart_process._HELPERS  # used once
    assert (tmp_path / "balance.png").read_bytes() == here


@pytest.mark.usefixtures("helper_allowed")
def test_a_killed_helper_falls_back_to_drawing_here(
    example_chart: tuple[ChartData, bytes], tmp_path: Path
) -> None:
    data, here = example_chart
    with _chart_process.started():
        helper = _mine()
        helper.kill()
        helper.wait()
        _chart_process.save_balance_chart(data, tmp_path / "balance.png")
    assert (tmp_path / "balance.png").read_bytes() == here


@pytest.mark.usefixtures("helper_allowed")
def test_a_failing_helper_falls_back(
    example_chart: tuple[ChartData, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, here = example_chart
    with _chart_process.started():
        helper = _mine()
        # The helper gets numbers it cannot parse, fails (exit status 1, a traceback on its
        # stderr that nobody sees) and the chart is drawn here.
        monkeypatch.setattr(ChartData, "to_json", lambda self: "not json")
        _chart_process.save_balance_chart(data, tmp_path / "balance.png")
        assert helper.returncode == 1
    monkeypatch.undo()
    assert (tmp_path / "balance.png").read_bytes() == here


@pytest.mark.usefixtures("helper_allowed")
def test_an_unused_helper_is_stopped() -> None:
    with _chart_process.started():
        helper = _mine()
        assert helper.poll() is None  # waiting for numbers
    assert helper.returncode is not None
    assert not _chart_process._HELPERS
    seen: list[subprocess.Popen[bytes]] = []

    def failing_command() -> None:
        with _chart_process.started():
            seen.append(_mine())
            raise RuntimeError("the command failed")

    with pytest.raises(RuntimeError, match="the command failed"):
        failing_command()
    assert seen[0].returncode is not None


def test_no_helper_on_one_core_or_with_matplotlib_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib.figure  # noqa: F401  # loaded: nothing left for a helper to import

    assert _chart_process._matplotlib_loaded()
    monkeypatch.setattr(_chart_process, "_cores", lambda: 2)
    with _chart_process.started():
        assert not _chart_process._HELPERS
    monkeypatch.setattr(_chart_process, "_matplotlib_loaded", lambda: False)
    monkeypatch.setattr(_chart_process, "_cores", lambda: 1)
    with _chart_process.started():
        assert not _chart_process._HELPERS


def test_the_draw_command_writes_the_same_png(
    example_chart: tuple[ChartData, bytes], tmp_path: Path
) -> None:
    """End to end: the command (which starts the helper on this 2-core machine) and here."""
    _, here = example_chart
    out = tmp_path / "out"
    subprocess.run(_draw_command(out), check=True, capture_output=True)
    assert (out / "balance.png").read_bytes() == here


@pytest.mark.usefixtures("helper_allowed")
def test_cancel_stops_the_helper_before_the_folder_goes(
    example_chart: tuple[ChartData, bytes], tmp_path: Path
) -> None:
    data, _ = example_chart
    with _chart_process.started():
        helper = _mine()
        pending = _chart_process.begin_balance_chart(data, tmp_path / "balance.png")
        pending.cancel()
        assert helper.returncode is not None  # it can write nothing more
        pending.cancel()  # twice is harmless


def test_without_a_helper_the_chart_is_drawn_here(
    example_chart: tuple[ChartData, bytes], tmp_path: Path
) -> None:
    data, here = example_chart
    assert not _chart_process._HELPERS
    _chart_process.save_balance_chart(data, tmp_path / "balance.png")
    assert (tmp_path / "balance.png").read_bytes() == here


def test_the_draw_command_leaves_matplotlib_and_openpyxl_to_others(tmp_path: Path) -> None:
    """The command's own process imports neither: matplotlib is the helper's (on two cores or
    more) and the workbook is written by XlsxWriter (issue 16: ``-X importtime``)."""
    command = _draw_command(tmp_path / "out", "-X", "importtime")
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "pandas" in imported and "xlsxwriter" in imported  # the lines are read
    assert "openpyxl" not in imported
    if _chart_process._cores() >= 2:
        assert "matplotlib" not in imported
    assert (tmp_path / "out" / "balance.png").read_bytes()[1:4] == b"PNG"


@pytest.mark.usefixtures("helper_allowed")
def test_the_helper_writes_to_any_path(
    example_chart: tuple[ChartData, bytes], tmp_path: Path
) -> None:
    """A folder name with a newline or bytes that are not UTF-8 crosses to the helper intact."""
    data, here = example_chart
    folder = tmp_path / ("line\nbreak " + os.fsdecode(b"\xff"))
    folder.mkdir()
    with _chart_process.started():
        helper = _mine()
        _chart_process.save_balance_chart(data, folder / "balance.png")
        assert helper.returncode == 0  # the helper drew it, not the fallback
    assert (folder / "balance.png").read_bytes() == here
    assert sorted(p.name for p in folder.iterdir()) == ["balance.png"]


@pytest.mark.usefixtures("helper_allowed")
def test_the_helper_ignores_the_working_folder(
    example_chart: tuple[ChartData, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Modules in the working folder (or PYTHONPATH) that this process would not import are not
    the helper's either: it runs isolated, on this process's module path."""
    data, here = example_chart
    spy = tmp_path / "spy"
    spy.mkdir()
    for name in ("matplotlib.py", "sampling.py"):
        (spy / name).write_text(f"open({str(spy / 'imported')!r}, 'a').write({name!r})\n")
    monkeypatch.chdir(spy)
    monkeypatch.setenv("PYTHONPATH", str(spy))
    with _chart_process.started():
        helper = _mine()
        _chart_process.save_balance_chart(data, tmp_path / "balance.png")
        assert helper.returncode == 0
    assert not (spy / "imported").exists()
    assert (tmp_path / "balance.png").read_bytes() == here


@pytest.mark.usefixtures("helper_allowed")
def test_a_large_chart_is_sent_without_waiting_for_the_helper(tmp_path: Path) -> None:
    """A payload beyond the pipe's buffer goes from a thread: start() returns while a stopped
    helper reads nothing, and cancel() ends both."""
    levels = tuple(f"level {i} " + "x" * 200 for i in range(40))
    shares = tuple(1 / 40 for _ in levels)
    data = ChartData(400, 4000, tuple(Panel(f"v{k}", levels, shares, shares) for k in range(10)))
    assert len(data.to_json()) > 2**16
    with _chart_process.started():
        helper = _mine()
        helper.send_signal(signal.SIGSTOP)  # reads nothing until continued
        pending = _chart_process.PendingChart(data, tmp_path / "balance.png")
        pending.start()
        sending = pending._sending
        assert sending is not None and sending.is_alive()  # the write waits in its thread
        pending.cancel()
        sending.join(10)
        assert not sending.is_alive()
        assert helper.returncode is not None
    assert not (tmp_path / "balance.png").exists()


@pytest.mark.usefixtures("helper_allowed")
def test_a_helper_belongs_to_the_thread_that_started_it(
    example_chart: tuple[ChartData, bytes], tmp_path: Path
) -> None:
    data, here = example_chart
    with _chart_process.started():
        helper = _mine()
        other = threading.Thread(
            target=_chart_process.save_balance_chart, args=(data, tmp_path / "other.png")
        )
        other.start()
        other.join(60)
        assert _mine() is helper and helper.poll() is None  # still this thread's, still waiting
    assert (tmp_path / "other.png").read_bytes() == here  # the other thread drew its own


def test_no_helper_for_a_frozen_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_chart_process, "_matplotlib_loaded", lambda: False)
    monkeypatch.setattr(_chart_process, "_cores", lambda: 2)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # PyInstaller: no Python to start
    with _chart_process.started():
        assert not _chart_process._HELPERS
