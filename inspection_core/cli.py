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
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from .errors import render_error

__all__ = [
    "OneLineParser",
    "UsageError",
    "default_of",
    "flag_names",
    "parse_number",
    "parse_population",
    "run_command",
]


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but errors are one line (no usage block) and exit with status 2."""

    def error(self, message: str) -> NoReturn:
        """Raise :class:`UsageError` with argparse's message instead of printing usage."""
        raise UsageError(f"{self.prog}: {message}")


def default_of(function: Callable[..., Any], parameter: str) -> Any:
    """The default of ``parameter`` in ``function``'s signature.

    Examples
    --------
    >>> def f(x, *, alpha=0.1): ...
    >>> default_of(f, "alpha")
    0.1
    """
    value = inspect.signature(function).parameters[parameter].default
    if value is inspect.Parameter.empty:
        raise KeyError(f"{function.__name__}() has no default for {parameter}")
    return value


def parse_number(flag: str, text: str, *, percent: bool = False) -> float:
    """Parse a number; ``80%`` means 0.80 where ``percent`` is allowed.

    Examples
    --------
    >>> parse_number("--confidence", "80%", percent=True)
    0.8
    """
    raw = text.strip()
    scale = 1.0
    if percent and raw.endswith("%"):
        raw, scale = raw[:-1], 0.01
    try:
        return float(raw) * scale
    except ValueError:
        valid = "a number (or a percentage such as 80%)" if percent else "a number"
        raise UsageError(f"{flag} must be {valid}; got {text!r}") from None


def parse_population(flag: str, text: str) -> float | None:
    """A population size, or ``inf``/``infinite``/``none`` for an infinite one (None)."""
    if text.strip().lower() in {"inf", "infinite", "none"}:
        return None
    return parse_number(flag, text)


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


def run_command(
    parser: argparse.ArgumentParser,
    commands: Mapping[str, Callable[[argparse.Namespace], None]],
    argv: Sequence[str] | None = None,
) -> int:
    """Parse ``argv``, run the chosen command and return the exit status.

    0 on success, 2 for bad input (one line on stderr), 130 after Ctrl-C. Warnings the library
    raises are printed as ``warning:`` lines after the command's output. A closed standard
    output (``| head``) ends quietly with the status the command had.
    """
    names: dict[str, str] = {}
    try:
        args = parser.parse_args(argv)
        names = flag_names(_subparser(parser, args.command))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            commands[args.command](args)
        for w in caught:
            print(f"warning: {' '.join(str(w.message).split())}", file=sys.stderr)
        sys.stdout.flush()
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"error: {render_error(exc, lambda p: names.get(p, p))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output went to a pipe that closed (e.g. `| head`): stop quietly. Point stdout at
        # devnull so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return 0
