"""``balance.png`` drawn in a second process, so the ``draw`` command waits less.

matplotlib takes about 0.4 s to import and the chart 0.1 s to draw, a third of the whole
command on a small case list. The command starts a helper process first (:func:`started`),
which imports matplotlib on the other core while this process reads the cases and solves the
allocation, then waits for the chart's numbers on its standard input (:func:`serve`). When
the balance report is ready, :func:`begin_balance_chart` sends them (JSON, which carries every
float exactly); the command writes its other files and then waits for the PNG, which is the
same file, byte for byte, that drawing it here gives (the test suite compares them). If the
command fails before the PNG is in, the helper is stopped before the temporary folder goes.

Whatever goes wrong with the helper (it cannot start, fails, is killed, takes more than
:data:`TIMEOUT` seconds), the chart is drawn here instead, so the result never depends on it.
The helper is only started on a machine with more than one core for this process, and only
by the command line: the library's :func:`sampling.write_draw` draws in its own process
unless a helper is running. A helper that is not used is stopped when the command ends; one
left waiting by a parent killed outright reads the end of its input and exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._chart import ChartData

__all__ = [
    "TIMEOUT",
    "PendingChart",
    "begin_balance_chart",
    "save_balance_chart",
    "serve",
    "started",
]

TIMEOUT = 60.0
"""Seconds to wait for the helper's chart before drawing it here instead."""

_HELPERS: list[subprocess.Popen[bytes]] = []


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover  # not Linux
        return os.cpu_count() or 1


def _matplotlib_loaded() -> bool:
    return "matplotlib.figure" in sys.modules


@contextlib.contextmanager
def started() -> Iterator[None]:
    """Start the chart helper for the block (when it can help) and stop it after.

    Examples
    --------
    >>> with started():
    ...     pass  # the command's work; save_balance_chart uses the helper if it is running
    """
    if _HELPERS or _cores() < 2 or _matplotlib_loaded():
        yield  # one at a time; no second core to use; or nothing left to import
        return
    root = str(Path(__file__).resolve().parents[1])  # the sampling package this process runs
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"  # a chart needs no BLAS threads; idle ones would take the command's core
    try:
        helper = subprocess.Popen(
            [sys.executable, "-c", "from sampling._chart_process import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # nothing to read: a failure means drawing it here
            env=env,
        )
    except OSError:
        yield  # cannot start one (no processes left, say): draw here
        return
    _HELPERS.append(helper)
    try:
        yield
    finally:
        if helper in _HELPERS:
            _HELPERS.remove(helper)
        _stop(helper)


def _stop(helper: subprocess.Popen[bytes]) -> None:
    if helper.poll() is None:
        helper.kill()
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        if helper.stdin is not None and not helper.stdin.closed:
            helper.stdin.close()
        helper.wait(timeout=5)


class PendingChart:
    """A chart handed to the helper (or to be drawn here): :meth:`finish` or :meth:`cancel`."""

    def __init__(self, data: ChartData, path: Path, helper: subprocess.Popen[bytes] | None):
        self.data, self.path, self._helper = data, path, helper

    def finish(self) -> None:
        """Wait for the helper's PNG; draw it here if the helper failed or there is none."""
        helper, self._helper = self._helper, None
        if helper is not None:
            try:
                if helper.wait(timeout=TIMEOUT) == 0 and self.path.is_file():
                    return
            except subprocess.TimeoutExpired:
                pass
            finally:
                _stop(helper)
            with contextlib.suppress(OSError):
                self.path.unlink()  # a partial file from a helper that failed half-way
        from ._chart import save_chart

        save_chart(self.data, self.path)

    def cancel(self) -> None:
        """Stop the helper (and wait for it) so it writes nothing more: the folder is going."""
        helper, self._helper = self._helper, None
        if helper is not None:
            _stop(helper)


def begin_balance_chart(data: ChartData, path: Path) -> PendingChart:
    """Hand the chart to the running helper; the caller writes its other files meanwhile.

    Without a helper (or when it has gone), :meth:`PendingChart.finish` draws the chart here.
    """
    helper = _HELPERS.pop() if _HELPERS else None  # used once, whatever happens
    if helper is not None and helper.stdin is not None and helper.poll() is None:
        try:
            # One JSON document, ASCII: any path (a newline, undecodable bytes) crosses intact.
            helper.stdin.write(json.dumps([os.fspath(path), data.to_json()]).encode("ascii"))
            helper.stdin.close()
        except OSError:
            _stop(helper)
            helper = None
    elif helper is not None:
        _stop(helper)
        helper = None
    return PendingChart(data, path, helper)


def save_balance_chart(data: ChartData, path: Path) -> None:
    """Write the chart to ``path``: by the running helper, else (or if it fails) here."""
    begin_balance_chart(data, path).finish()


def serve() -> None:  # pragma: no cover  # runs in the helper process (tested through it)
    """The helper's side: import matplotlib, read the path and the numbers, write the PNG."""
    import gc
    import signal

    from inspection_core.cli import GC_THRESHOLDS

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C on the command ends this quietly
    gc.set_threshold(*GC_THRESHOLDS)  # matplotlib's import, tuned as the command's own are
    from ._chart import ChartData, save_chart
    from ._figure import new_figure

    new_figure()  # the imports (matplotlib, its Agg canvas and fonts) before the data arrives
    raw = sys.stdin.buffer.read().decode("ascii")
    if not raw:
        return  # the command ended without a chart
    target, text = json.loads(raw)
    save_chart(ChartData.from_json(text), target)  # the PNG written and closed
    os._exit(0)  # at once: the interpreter's teardown of matplotlib would keep the command waiting
