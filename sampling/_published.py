"""The published inspections' samples and the eligible populations they imply."""

from __future__ import annotations

import csv
import os
from importlib import resources
from typing import TYPE_CHECKING, Any

from inspection_core.checks import check_path

from ._sizes import implied_population, margin_of_error, sample_size

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PUBLISHED_COLUMNS", "published_samples"]

PUBLISHED_COLUMNS = ("provider", "inspection_year", "case_supervision_n")


def _read(path: str | os.PathLike[str] | None) -> list[dict[str, str]]:
    if path is None:
        text = resources.files("sampling").joinpath("data/published_samples.csv").read_text()
        rows = list(csv.DictReader(text.splitlines()))
    else:
        path = check_path("path", path)
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    if not rows or not set(PUBLISHED_COLUMNS) <= set(rows[0]):
        have = ", ".join(rows[0]) if rows else "no rows"
        raise ValueError(
            f"{path or 'published_samples.csv'} needs columns "
            f"{', '.join(sorted(PUBLISHED_COLUMNS))}; found {have}"
        )
    return rows


def _whole(where: str, text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value.is_integer() or value < 1:
        raise ValueError(f"row {where} must be a whole number of at least 1; got {text!r}")
    return int(value)


def published_samples(
    path: str | os.PathLike[str] | None = None,
    *,
    margin_of_error: float = 0.05,
    confidence_level: float = 0.80,
    proportion: float = 0.5,
) -> pd.DataFrame:
    """Each published inspection's sample, the eligible population it implies, and a check.

    Reports publish their case-supervision sample sizes but not the eligible populations. Running
    the sizing rule backwards (:func:`sampling.implied_population`) gives the population each
    sample implies and the range of whole populations that give exactly that sample; the rule's
    n and achieved margin at the largest of them confirm it.

    Parameters
    ----------
    path : str or path-like, optional
        CSV with columns ``provider``, ``inspection_year``, ``case_supervision_n`` (and optionally
        ``caseload``). Default: the five published inspections bundled with the package.
    margin_of_error, confidence_level, proportion : float
        The rule (default +/-5 points at 80% confidence, p = 0.5).

    Returns
    -------
    pandas.DataFrame
        One row per inspection: ``provider``, ``inspection_year``, ``n``,
        ``implied_population`` (continuous; NaN for an infinite one), ``smallest``,
        ``largest`` (None when every larger population gives the same n), ``rule_n_at_largest``,
        ``margin_at_largest`` (a proportion), ``caseload``.

    Examples
    --------
    >>> table = published_samples()
    >>> table.loc[0, ["n", "smallest", "largest"]].tolist()
    [100, 248, 254]
    >>> round(float(table.loc[0, "implied_population"]), 2)
    254.12
    """
    import pandas as pd

    rows = _read(path)
    records: list[dict[str, Any]] = []
    for i, row in enumerate(rows, start=2):
        n = _whole(f"{i} case_supervision_n", row["case_supervision_n"])
        imp = implied_population(
            n,
            margin_of_error=margin_of_error,
            confidence_level=confidence_level,
            proportion=proportion,
        )
        largest = imp.largest
        rule = margin = None
        if largest is not None:
            rule = sample_size(
                largest,
                margin_of_error=margin_of_error,
                confidence_level=confidence_level,
                proportion=proportion,
            ).n
            margin = margin_of_error_at(n, largest, confidence_level, proportion)
        caseload = row.get("caseload") or ""
        records.append(
            {
                "provider": row["provider"],
                "inspection_year": _whole(f"{i} inspection_year", row["inspection_year"]),
                "n": imp.n,
                "implied_population": imp.population_size,
                "smallest": imp.smallest,
                "largest": largest,
                "rule_n_at_largest": rule,
                "margin_at_largest": margin,
                "caseload": _whole(f"{i} caseload", caseload) if caseload else None,
            }
        )
    frame = pd.DataFrame.from_records(records)
    for column in ("largest", "rule_n_at_largest", "caseload"):
        frame[column] = frame[column].astype("Int64")
    return frame


def margin_of_error_at(
    n: int, population: int, confidence_level: float, proportion: float
) -> float:
    """Achieved margin of ``n`` cases from ``population`` under the rule (normal method)."""
    return float(
        margin_of_error(n, population, confidence_level=confidence_level, proportion=proportion)
    )
