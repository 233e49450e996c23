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
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

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

_HELPERS: dict[int, subprocess.Popen[bytes]] = {}
"""The running helper of each thread that called :func:`started` (the command's: one)."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover  # not Linux
        return os.cpu_count() or 1


def _matplotlib_loaded() -> bool:
    return "matplotlib.figure" in sys.modules


def _helper_command() -> list[str]:
    """The helper's command line: Python isolated, on this process's own module path.

    ``-I`` leaves out the working folder, the ``PYTHON*`` variables and the user's site, and
    ``sys.path`` is this process's: the helper imports exactly the modules this process would,
    so its PNG is the one drawn here.
    """
    path = json.dumps(sys.path)  # ASCII: any folder name survives the command line
    code = f"import sys; sys.path[:] = {path}; from sampling._chart_process import serve; serve()"
    return [sys.executable, "-I", "-c", code]


@contextlib.contextmanager
def started() -> Iterator[None]:
    """Start the chart helper for the block (when it can help) and stop it after.

    Examples
    --------
    >>> with started():
    ...     pass  # the command's work; save_balance_chart uses the helper if it is running
    """
    me = threading.get_ident()
    if (
        me in _HELPERS
        or _cores() < 2
        or _matplotlib_loaded()
        or getattr(sys, "frozen", False)
        or not sys.executable
    ):
        yield  # one at a time; no second core; nothing left to import; or no Python to start
        return
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"  # a chart needs no BLAS threads; idle ones would take the command's core
    try:
        helper = subprocess.Popen(
            _helper_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # nothing to read: a failure means drawing it here
            env=env,
        )
    except OSError:
        yield  # cannot start one (no processes left, say): draw here
        return
    _HELPERS[me] = helper
    try:
        yield
    finally:
        if _HELPERS.get(me) is helper:
            del _HELPERS[me]
        _stop(helper)


def _stop(helper: subprocess.Popen[bytes]) -> None:
    if helper.poll() is None:
        helper.kill()
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        if helper.stdin is not None and not helper.stdin.closed:
            helper.stdin.close()
        helper.wait(timeout=5)


class PendingChart:
    """A chart to write, by this thread's helper if there is one, else here.

    :meth:`start` hands it to the helper; :meth:`finish` waits for it (or draws it here);
    :meth:`cancel` stops the helper.

    Make it before :meth:`start` is called inside the ``try`` whose ``except`` cancels, so an
    interrupt at any point leaves no helper writing into a folder that is being removed.
    """

    def __init__(self, data: ChartData, path: Path) -> None:
        self.data, self.path = data, path
        self._helper: subprocess.Popen[bytes] | None = None
        self._sending: threading.Thread | None = None

    def start(self) -> None:
        """Send the path and the numbers to the helper.

        From a thread: a payload larger than the pipe's buffer would otherwise wait for the
        helper's imports.
        """
        self._helper = helper = _HELPERS.pop(threading.get_ident(), None)  # used once
        if helper is None or helper.stdin is None or helper.poll() is not None:
            self.cancel()
            return
        # One JSON document, ASCII: any path (a newline, undecodable bytes) crosses intact.
        payload = json.dumps([os.fspath(self.path), self.data.to_json()]).encode("ascii")
        stdin = helper.stdin

        def send() -> None:
            with contextlib.suppress(OSError, ValueError):  # a helper gone: drawn here then
                stdin.write(payload)
                stdin.close()

        self._sending = threading.Thread(target=send, name="chart-payload", daemon=True)
        self._sending.start()

    def finish(self) -> None:
        """Wait for the helper's PNG; draw it here if the helper failed or there is none."""
        helper, self._helper = self._helper, None
        if helper is not None:
            try:
                if self._sending is not None:
                    self._sending.join(TIMEOUT)
                if helper.wait(timeout=TIMEOUT) == 0 and self.path.is_file():
                    return
            except subprocess.TimeoutExpired:
                pass
            finally:
                _stop(helper)  # killed and reaped: it writes nothing more
            with contextlib.suppress(OSError):
                self.path.unlink()  # a partial file from a helper that failed half-way
        from ._chart import save_chart

        save_chart(self.data, self.path)

    def cancel(self) -> None:
        """Stop the helper (and wait for it) so it writes nothing more: the folder is going."""
        helper, self._helper = self._helper, None
        if helper is not None:
            _stop(helper)  # closing its input also ends a sending thread's write


def begin_balance_chart(data: ChartData, path: Path) -> PendingChart:
    """A :class:`PendingChart`, started: the caller writes its other files meanwhile."""
    pending = PendingChart(data, path)
    try:
        pending.start()
    except BaseException:
        pending.cancel()
        raise
    return pending


def save_balance_chart(data: ChartData, path: Path) -> None:
    """Write the chart to ``path``: by this thread's running helper, else (or if it fails) here."""
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
