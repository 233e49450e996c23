"""Command-line plumbing shared by ``python -m sampling`` and ``python -m significance``.

Both command lines are thin: parse, call one public function, print. This module gives them the
same behaviour at the edges:

* a parser whose errors are one line and exit status 2 (:class:`OneLineParser`);
* number parsing with ``80%`` meaning 0.80 where a fraction is asked for;
* defaults read from the library function's signature (:func:`default_of`), so ``--help`` shows
  the real ones;
* library errors printed as one line, with a :class:`~inspection_core.errors.StructuredError`'s
  parameter named by the flag that sets it (each option's ``dest`` is the API parameter name), so
  no message text is ever rewritten;
* library warnings as ``warning:`` lines, Ctrl-C as exit status 130, a closed pipe kept quiet.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import importlib
import inspect
import io
import math
import os
import signal
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence

from ._interrupts import Interrupts
from .errors import render_error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = [
    "GC_THRESHOLDS",
    "HelpFormatter",
    "LazyParser",
    "LazySubParsers",
    "OneLineParser",
    "ProblemsFoundError",
    "UsageError",
    "default_of",
    "exit_process",
    "flag_names",
    "interrupted",
    "module_entry",
    "parse_number",
    "parse_population",
    "parse_whole",
    "run_command",
    "run_main",
    "terminal_columns",
    "watch_interrupts",
]


GC_THRESHOLDS = (20_000, 10, 10)
"""The garbage collector's thresholds in a command's process (Python's defaults: 700, 10, 10)."""


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


class ProblemsFoundError(UsageError):
    """A command that reports problems (``check``): its output is printed, then exit status 2."""


@functools.cache
def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` without importing shutil (and its compressors).

    ``COLUMNS`` if set and positive, else the terminal's width, else 80 (found once a process).
    """
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, the width found as argparse finds it but without shutil.

    argparse builds a formatter for every option it adds (to check the option's metavar), and
    its default one imports shutil for the terminal's width: 2 ms of a command's start-up.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:  # fmt: skip
        if width is None:
            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parsers(dict):  # type: ignore[type-arg]
    """Subcommand name -> parser, where a pending parser is built when first looked up.

    Iterating, ``in`` and ``len`` see pending names too (in the order they were added), so
    argparse's choices, errors and help list every command.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, Callable[[], Any]] = {}
        self.order: list[str] = []

    def __getitem__(self, name: str) -> Any:
        build = self.pending.pop(name, None)
        if build is not None:
            build()  # argparse's add_parser, which puts the parser in this map
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        return name in self.pending or super().__contains__(name)

    def __iter__(self) -> Any:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)

    def __setitem__(self, name: str, parser: Any) -> None:
        if name not in self.order:
            self.order.append(name)
        super().__setitem__(name, parser)

    def keys(self) -> Any:
        return list(self.order)

    def values(self) -> Any:
        return [self[name] for name in self.order]

    def items(self) -> Any:
        return [(name, self[name]) for name in self.order]

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 - this is get()


class LazySubParsers(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subcommands whose parsers are made when one is chosen: ``add_parser(..., populate=f)``.

    argparse builds a whole parser for every subcommand at start-up (and asks gettext for its
    headings three times each, a filesystem search every time): 5 ms for ten commands. With
    ``populate`` (see :class:`LazyParser`) only the chosen command's parser is made.
    """

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._name_parser_map = self.choices = _Parsers()

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        """The parser of ``name``, made when first chosen if ``populate`` is given (then None)."""
        if "populate" not in kwargs or "aliases" in kwargs:
            return super().add_parser(name, **kwargs)
        if name in self._name_parser_map:
            raise argparse.ArgumentError(self, f"conflicting subparser: {name}")
        if "help" in kwargs:
            help_text = kwargs.pop("help")
            self._choices_actions.append(self._ChoicesPseudoAction(name, (), help_text))
        parsers = self._name_parser_map
        assert isinstance(parsers, _Parsers)  # set in __init__
        parsers.pending[name] = lambda: super(LazySubParsers, self).add_parser(name, **kwargs)
        parsers.order.append(name)
        return None


class OneLineParser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block) and exit with status 2.

    Its help uses :class:`HelpFormatter`, and its subcommands :class:`LazySubParsers`.
    """

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kw)
        self.register("action", "parsers", LazySubParsers)

    def error(self, message: str) -> NoReturn:
        """Raise :class:`UsageError` with argparse's message instead of printing usage."""
        raise UsageError(f"{self.prog}: {message}")


class LazyParser(OneLineParser):
    """A subcommand's parser whose options are added when it is first used.

    ``sub.add_parser(name, help=..., populate=add_options)`` (with ``parser_class=LazyParser``)
    calls ``add_options(parser)`` only when this subcommand is parsed, its help is shown or its
    actions are read: a command line then imports only the modules its chosen command needs
    (the defaults and choices of the others come from modules of their own).
    """

    def __init__(self, *args: Any, populate: Callable[[Any], None] | None = None, **kw: Any):
        self._populate: Callable[[Any], None] | None = None
        super().__init__(*args, **kw)
        self._populate = populate

    def _ready(self) -> None:
        if self._populate is not None:
            populate, self._populate = self._populate, None
            populate(self)

    @property
    def _actions(self) -> list[argparse.Action]:  # argparse's own list, filled on first use
        self._ready()
        return self._action_list

    @_actions.setter
    def _actions(self, value: list[argparse.Action]) -> None:
        self._action_list = value

    def parse_known_args(self, *args: Any, **kw: Any) -> Any:
        """Add the options, then parse as argparse does."""
        self._ready()
        return super().parse_known_args(*args, **kw)

    def format_help(self) -> str:
        """Add the options, then format the help as argparse does."""
        self._ready()
        return super().format_help()

    def format_usage(self) -> str:
        """Add the options, then format the usage line as argparse does."""
        self._ready()
        return super().format_usage()


def default_of(function: Callable[..., Any], parameter: str) -> Any:
    """The default of ``parameter`` in ``function``'s signature.

    Examples
    --------
    >>> def f(x, *, alpha=0.1): ...
    >>> default_of(f, "alpha")
    0.1
    """
    keyword = getattr(function, "__kwdefaults__", None) or {}
    if parameter in keyword:  # a plain function's defaults, read without inspect.signature
        return keyword[parameter]
    code = getattr(function, "__code__", None)
    if code is not None and not hasattr(function, "__wrapped__"):
        names = code.co_varnames[: code.co_argcount]
        defaults = function.__defaults__ or ()
        first = len(names) - len(defaults)
        if parameter in names[first:]:
            return defaults[names.index(parameter) - first]
        raise KeyError(f"{function.__name__}() has no default for {parameter}")
    value = inspect.signature(function).parameters[parameter].default
    if value is inspect.Parameter.empty:
        raise KeyError(f"{function.__name__}() has no default for {parameter}")
    return value


def _comma_hint(flag: str, text: str, raw: str) -> UsageError:
    """A number written with a comma: a decimal comma (6,5) or a thousands separator (1,000)."""
    parts = raw.split(",")
    digits = all(p.strip().lstrip("+-").replace(".", "").isdigit() for p in parts if p.strip())
    if len(parts) == 2 and digits and "." not in raw:
        return UsageError(
            f"{flag} must be written with a decimal point, not a comma; got {text!r}. Did you "
            f"mean {raw.replace(',', '.')}? (For {raw.replace(',', '')}, leave the comma out.)"
        )
    return UsageError(
        f"{flag} must be a number without commas (a decimal point, no thousands separators); "
        f"got {text!r}"
    )


def parse_number(flag: str, text: str, *, percent: bool = False) -> float:
    """Parse a finite number; ``80%`` means 0.80 where ``percent`` is allowed.

    Commas are refused with a hint (``6,5`` may be a decimal comma or a thousands separator),
    and so are ``nan``, ``inf`` and numbers too large for a float (``1e400``).

    Examples
    --------
    >>> parse_number("--confidence", "80%", percent=True)
    0.8
    >>> parse_number("--margin", "0,05")
    Traceback (most recent call last):
    ...
    inspection_core.cli.UsageError: --margin must be written with a decimal point, not a comma; got '0,05'. Did you mean 0.05? (For 005, leave the comma out.)
    """  # noqa: E501 - a doctest line cannot wrap
    raw = text.strip()
    scale = 1.0
    if percent and raw.endswith("%"):
        raw, scale = raw[:-1].strip(), 0.01
    if "," in raw:
        raise _comma_hint(flag, text, raw)
    try:
        value = float(raw) * scale
    except ValueError:
        valid = "a number (or a percentage such as 80%)" if percent else "a number"
        raise UsageError(f"{flag} must be {valid}; got {text!r}") from None
    if not math.isfinite(value):
        raise UsageError(f"{flag} must be a finite number; got {text!r}")
    return value


def parse_population(flag: str, text: str) -> float | None:
    """A population size, or ``inf``/``infinite``/``none`` for an infinite one (None)."""
    if text.strip().lower() in {"inf", "infinite", "infinity", "none"}:
        return None
    return parse_number(flag, text)


def parse_whole(flag: str, text: str, *, what: str = "a whole number") -> int:
    """A whole number typed on the command line (exact for long ones such as seeds).

    Examples
    --------
    >>> parse_whole("--seed", "2026"), parse_whole("--reserves", "2.0")
    (2026, 2)
    >>> parse_whole("--seed", "x")
    Traceback (most recent call last):
    ...
    inspection_core.cli.UsageError: --seed must be a whole number; got 'x'
    """
    raw = text.strip()
    if raw.lstrip("+-").isdigit() and len(raw) <= 40:
        return int(raw)
    try:
        value = parse_number(flag, raw)
    except UsageError as exc:
        if "comma" in str(exc) or "finite" in str(exc):
            raise
        raise UsageError(f"{flag} must be {what}; got {text!r}") from None
    if not value.is_integer():
        raise UsageError(f"{flag} must be {what}; got {text!r}")
    return int(value)


def flag_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Map each option's ``dest`` (the API parameter name) to the flag a user types.

    Positional arguments map to their metavar, or their name as usage shows it.
    """
    names: dict[str, str] = {}
    for action in parser._actions:  # argparse has no public list of a parser's actions
        if action.dest in (argparse.SUPPRESS, "help"):
            continue
        if action.option_strings:
            longs = [o for o in action.option_strings if o.startswith("--")]
            names[action.dest] = (longs or action.option_strings)[0]
        else:
            names[action.dest] = str(action.metavar or action.dest)
    return names


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            sub = action.choices[command]
            assert isinstance(sub, argparse.ArgumentParser)  # argparse's own invariant
            return sub
    return parser


def _print_warnings(caught: Sequence[warnings.WarningMessage]) -> None:
    for w in caught:
        text = " ".join(str(w.message).split())
        if len(text) > 1000:  # a warning listing a million candidates is not read
            text = text[:1000] + " ..."
        print(f"warning: {text}", file=sys.stderr)


def _interrupted() -> str:
    from .files import written_paths

    done = written_paths()
    if not done:
        return "interrupted; nothing was written"
    return f"interrupted after writing {', '.join(map(str, done))}; nothing else was written"


def _on_interrupt(signum: int, frame: Any) -> None:
    Interrupts.seen = True
    raise KeyboardInterrupt


def watch_interrupts() -> None:
    """Raise ``KeyboardInterrupt`` on Ctrl-C, as Python does, and remember that it came.

    A Ctrl-C that lands inside an import of a compiled module surfaces as an ``ImportError``
    ("initialization failed"), and inside some libraries as their own error; remembered, it is
    still answered as an interrupt (status 130), not as a failure with a traceback.
    """
    with contextlib.suppress(ValueError):  # not the main thread: leave the handler alone
        signal.signal(signal.SIGINT, _on_interrupt)


def interrupted() -> bool:
    """Whether a Ctrl-C has arrived while :func:`watch_interrupts` was watching."""
    return Interrupts.seen


def exit_process(status: int) -> NoReturn:
    """End the process with ``status``, after a Ctrl-C without the interpreter's last word.

    CPython remembers a ``KeyboardInterrupt`` raised inside code that some compiled libraries
    run, even when it was caught, and at exit then kills itself with SIGINT (status -2) instead
    of returning 130. After an answered Ctrl-C the streams are flushed and the process ends at
    once (every file the command writes is complete or removed before this point).
    """
    if status == 130:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(130)
    sys.exit(status)


def run_main(load: Callable[[], Callable[[], int]]) -> NoReturn:
    """The entry point of ``python -m`` and the console scripts: watch Ctrl-C, load, run, exit.

    ``load`` imports the command line and returns its ``main``; a Ctrl-C while it loads is
    answered like one during the command (one line, status 130).

    A command is a short process, so the cyclic garbage collector is tuned for one
    (:data:`GC_THRESHOLDS`): it runs less often while pandas, scipy and matplotlib load (their
    imports allocate hundreds of thousands of objects and free few in cycles), and the
    collection the interpreter makes at exit, a walk over every object those libraries left,
    is skipped (``gc.freeze``; exit handlers still run and files are closed as usual). Together
    they take a sixth off the ``draw`` command.
    """
    watch_interrupts()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        status = load()()
    except BaseException:  # outside run_command: while loading or building the parser
        if not interrupted():
            raise
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with contextlib.suppress(BrokenPipeError):
            print(_interrupted(), file=sys.stderr)
        exit_process(130)
    with contextlib.suppress(ValueError):  # not the main thread: leave the handler alone
        # The command has finished (its files are in place, its report printed): a Ctrl-C now,
        # during the interpreter's shutdown, would only end the process as killed (-2).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # the last collection would walk every object the libraries left
    exit_process(status)


def module_entry(package: str) -> Callable[[], NoReturn]:
    """The entry point of ``python -m PACKAGE`` and its console script.

    :func:`run_main` of ``PACKAGE._cli.main``, imported only once Ctrl-C is watched.
    """

    def load() -> Callable[[], int]:
        main: Callable[[], int] = importlib.import_module(f"{package}._cli").main
        return main

    def run() -> NoReturn:
        run_main(load)

    return run


def _drain_interrupts() -> None:
    """Let an interrupt that is still pending fire now, harmlessly.

    pandas' C parser turns a Ctrl-C into its own error and leaves Python's "signal arrived"
    flag set; raised later, during the interpreter's shutdown, it would end the process as
    killed by SIGINT instead of with status 130. A loop gives the interpreter the chance to
    check for signals here.
    """
    with contextlib.suppress(KeyboardInterrupt):
        for _ in range(1000):
            pass


def run_command(
    parser: argparse.ArgumentParser,
    commands: Mapping[str, Callable[[argparse.Namespace], None]],
    argv: Sequence[str] | None = None,
) -> int:
    """Parse ``argv``, run the chosen command and return the exit status.

    0 on success, 2 for bad input (one line on stderr, nothing on stdout), 130 after Ctrl-C
    (one line saying what, if anything, was written). The command's output is held until it
    has finished, so an error or Ctrl-C never leaves half a report on stdout. Warnings the
    library raises are printed as ``warning:`` lines after the output. A closed standard output
    (``| head``) is quiet and keeps the status the command had.
    """
    names: dict[str, str] = {}
    caught: list[warnings.WarningMessage] = []
    held = io.StringIO()
    try:
        try:
            args = parser.parse_args(argv)
            names = flag_names(_subparser(parser, args.command))
            with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(held):
                warnings.simplefilter("always")
                try:
                    commands[args.command](args)
                except Exception as exc:
                    if interrupted():  # a Ctrl-C that a library turned into its own error
                        raise KeyboardInterrupt from exc
                    raise
        except ProblemsFoundError as exc:
            with contextlib.suppress(BrokenPipeError):
                sys.stdout.write(held.getvalue())
                sys.stdout.flush()
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except (ValueError, TypeError) as exc:
            print(f"error: {render_error(exc, lambda p: names.get(p, p))}", file=sys.stderr)
            return 2
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
            return 2
        except MemoryError:
            print("error: not enough memory for this request", file=sys.stderr)
            return 2
        try:
            sys.stdout.write(held.getvalue())
            sys.stdout.flush()
        except BrokenPipeError:
            # Output went to a pipe that closed (e.g. `| head`): stop quietly. Point stdout at
            # devnull so the interpreter's final flush does not raise again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        with contextlib.suppress(BrokenPipeError):
            _print_warnings(caught)
        return 0
    except KeyboardInterrupt:
        # The Ctrl-C is answered: a second one (or one a library re-raises) must not cut the
        # one-line answer short or end the process with a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _drain_interrupts()
        with contextlib.suppress(BrokenPipeError):
            print(_interrupted(), file=sys.stderr)
        return 130
