"""Ctrl-C and closed pipes, with real processes (what a user's shell sees).

* Ctrl-C (SIGINT) at a random moment of a draw: exit status 130, one line on stderr saying what
  was written, nothing on stdout, and the results folder absent or complete;
* output into a pipe that closes (``| head``): no traceback, and the status the command had
  (0 for a finished draw, whose folder is complete).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from inspection_core.files import MARKER, folder_problem

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
QUESTIONS = ROOT / "significance" / "data" / "thames_valley_2019_key_questions.csv"


@pytest.fixture(scope="module")
def big_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 cases: a draw takes long enough to be interrupted in the middle."""
    rng = np.random.default_rng(11)
    size = 200_000
    frame = pd.DataFrame(
        {
            "case_id": [f"CRN{i:07d}" for i in range(size)],
            "gender": rng.choice(["male", "female"], size, p=[0.85, 0.15]),
            "disposal": rng.choice(["community order", "licence"], size),
            "risk": rng.choice(["low", "medium", "high"], size, p=[0.4, 0.5, 0.1]),
        }
    )
    path = tmp_path_factory.mktemp("big") / "cases.csv"
    frame.to_csv(path, index=False)
    return path


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(
            os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd")
        )
    except OSError:
        return False


def _complete(folder: Path) -> bool:
    return (folder / MARKER).is_file() and folder_problem(folder) is None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the run start")
def test_ctrl_c_during_a_draw(big_cases: Path, tmp_path: Path) -> None:
    rng = random.Random(4)
    outcomes = set()
    for attempt in range(4):
        out = tmp_path / f"draw{attempt}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "sampling", "draw", str(big_cases), "--n", "auto",
             "--seed", "5", "--out", str(out)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not _has_open(proc.pid, big_cases) and proc.poll() is None:
            assert time.monotonic() < deadline, "the draw never opened its input"
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 1.5))  # somewhere in reading, drawing or writing
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
        outcomes.add(proc.returncode)
        assert "Traceback" not in stderr
        if proc.returncode == 0:  # finished before the signal arrived
            assert _complete(out) and "Wrote" in stdout
            continue
        assert proc.returncode == 130, stderr
        assert stdout == ""
        assert stderr.count("\n") == 1, stderr
        if stderr == "interrupted; nothing was written\n":
            assert not out.exists()
        else:
            assert stderr.startswith("interrupted after writing ") and _complete(out)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert 130 in outcomes


class _Terminal:
    """A stand-in for stderr at a terminal, recording what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_a_progress_line_is_rubbed_out_before_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from sampling._cli_frames import progress

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    def failing_step() -> None:
        with progress("reading cases.csv", after=0.0):
            time.sleep(0.2)  # the timer thread shows the line meanwhile
            raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        failing_step()
    # The line was shown, then erased: carriage return and erase-to-end-of-line, no newline.
    assert terminal.text == "reading cases.csv ...\r\033[K"


def _closed_pipe_run(*argv: str, read_lines: int = 0) -> tuple[int, str]:
    """Run with stdout into a pipe whose reader reads ``read_lines`` lines, then closes it."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, *argv], cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE, text=True
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        for _ in range(read_lines):
            reader.readline()
    _, stderr = proc.communicate(timeout=120)
    return proc.returncode, stderr


@pytest.mark.parametrize("read_lines", [0, 1])
def test_a_closed_pipe_is_quiet_and_keeps_the_status(tmp_path: Path, read_lines: int) -> None:
    out = tmp_path / "draw"
    code, stderr = _closed_pipe_run(
        "-m", "sampling", "draw", str(EXAMPLE), "--n", "auto", "--seed", "3", "--out", str(out),
        "--json", read_lines=read_lines,
    )  # fmt: skip
    assert code == 0 and "Traceback" not in stderr and "Error" not in stderr
    assert all(line.startswith("warning: ") for line in stderr.splitlines())
    assert _complete(out)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 3
    if read_lines:
        return  # the other commands once are enough
    for argv in (
        ("-m", "sampling", "plan"),
        ("-m", "significance", "compare", str(QUESTIONS), "--previous-n", "100"),
    ):
        code, stderr = _closed_pipe_run(*argv, read_lines=read_lines)
        assert (code, stderr) == (0, ""), argv
    # An error is still an error, on stderr, with its status.
    code, stderr = _closed_pipe_run("-m", "sampling", "size", "--population", "0")
    assert code == 2 and stderr.startswith("error: --population") and stderr.count("\n") == 1


LIBRARY_SWALLOWS_CTRL_C = """
import os, signal, sys
from inspection_core.cli import OneLineParser, run_command, run_main

def command(args):
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10**6):
            pass
    except KeyboardInterrupt:  # as pandas' C parser or an extension module's import does
        raise {error}("initialization failed") from None

def load():
    parser = OneLineParser(prog="demo")
    parser.add_subparsers(dest="command", required=True).add_parser("go")
    {where}
    return lambda: run_command(parser, {{"go": command}}, ["go"])

run_main(load)
"""


@pytest.mark.parametrize(
    ("error", "where"),
    [
        ("ImportError", "pass"),  # inside the command
        ("ValueError", "pass"),
        ("ImportError", "command(None)"),  # while the command line loads
    ],
)
def test_a_ctrl_c_a_library_turns_into_its_own_error_is_still_an_interrupt(
    error: str, where: str
) -> None:
    # A Ctrl-C inside the import of a compiled module surfaces as ImportError ("initialization
    # failed"); pandas' reader turns one into its own error. Either way: one line, status 130,
    # and not killed by SIGINT (CPython remembers such an interrupt and would end with -2).
    script = LIBRARY_SWALLOWS_CTRL_C.format(error=error, where=where)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        130,
        "",
        "interrupted; nothing was written\n",
    )


def test_a_swallowed_interrupt_still_keeps_the_folder_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C that a library caught (seen, but no KeyboardInterrupt reached the command) stops
    write_folder before the rename: the results are not put in place, nothing is left."""
    from inspection_core import _interrupts
    from inspection_core.files import write_folder

    monkeypatch.setattr(_interrupts.Interrupts, "seen", True)

    def fill(folder: Path) -> None:
        (folder / "a.txt").write_text("x", encoding="utf-8")

    with pytest.raises(KeyboardInterrupt):
        write_folder(tmp_path / "out", fill)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(_interrupts.Interrupts, "seen", False)
    write_folder(tmp_path / "out", fill)
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "x"
