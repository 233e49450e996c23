"""``python -m significance findings``: parse the options, run, write, print (a thin layer)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from inspection_core.cli import UsageError
from inspection_core.result import to_builtin

from ._findings import case_findings
from ._plot import PLOT_SUFFIXES
from ._result import SUFFIXES

__all__ = ["run"]


def _ratings(pairs: list[str]) -> dict[str, str] | None:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(
                f"--standard-rating must be STANDARD=RATING, e.g. 1.1=Good; got {pair!r}"
            )
        out[key.strip()] = value.strip()
    return out or None


def _target(
    flag: str, text: str | None, suffixes: tuple[str, ...], args: argparse.Namespace
) -> Path | None:
    """An output path, checked before anything is computed or written."""
    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{flag} must end in {', '.join(suffixes)}; got {text!r}")
    if not path.parent.is_dir():
        raise UsageError(f"{flag}: the folder {str(path.parent)!r} does not exist")
    inputs = [Path(p).resolve() for p in (args.results, args.catalogue, args.previous) if p]
    sample = Path(args.sample).resolve()
    if path.resolve() in inputs or sample in path.resolve().parents:
        raise UsageError(f"{flag} {text!r} would replace an input; choose another name")
    if path.exists() and not args.force:
        raise UsageError(f"{flag} {text!r} already exists; pass --force to replace it")
    return path


def run(args: argparse.Namespace) -> None:
    """Run the ``findings`` command from parsed arguments."""
    out = _target("--out", args.out, SUFFIXES, args)
    plot = _target("--plot", args.plot, PLOT_SUFFIXES, args)
    options: dict[str, Any] = {}
    if args.groups:
        options["groups"] = [
            g.strip() for item in args.groups for g in item.split(",") if g.strip()
        ]
    findings = case_findings(
        args.results,
        sample=args.sample,
        catalogue=args.catalogue,
        confidence_level=args.confidence_level,
        alpha=args.alpha,
        standard_ratings=_ratings(args.standard_ratings),
        sheet=args.sheet,
        **options,
    )
    comparison = None
    if args.previous is not None:
        comparison = findings.compare(args.previous, previous_n=args.previous_n)
    chart = findings.plot() if plot is not None else None
    written = []
    if out is not None:
        written.append(str(findings.write(out, overwrite=args.force)))
    if chart is not None and plot is not None:
        written.append(str(chart.save(plot, overwrite=args.force)))
    if args.json:
        record = findings.to_dict()
        record["comparison"] = None if comparison is None else comparison.to_dict()
        record["written"] = written
        print(json.dumps(to_builtin(record), indent=2))
        return
    print(findings)
    if comparison is not None:
        print("\nAgainst the previous round:")
        print(comparison)
    if written:
        print(f"\nWrote {' and '.join(written)}")
