"""The comparison report's result: its fields, the calls in a few sentences, and ``to_dict``.

Its text, Markdown, HTML and files are drawn by :mod:`.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from inspection_core.result import Result, to_builtin

from .._ratings import ProviderRating
from . import render
from .render import plain_records
from .sentences import chance_sentence, pct_text

__all__ = ["RoundComparison"]


@dataclass(frozen=True, eq=False)
class RoundComparison(Result):
    """The round-on-round comparison report.

    Attributes
    ----------
    table : DataFrame
        One row per key question (columns listed in :func:`compare_rounds`).
    alpha : float
        Significance level of every call.
    method : str
        The change test in words (from :func:`ztest`).
    comparator_method : str or None
        The test against the comparator in words, or None without a comparator.
    band_basis : str
        ``"published"`` (bands of the whole percentage rounded half up) or ``"unrounded"``.
    assumptions : tuple of str
        What was assumed (an n not in the table, a fixed comparator rate, counts recovered from
        percentages), one sentence each.
    standards : DataFrame
        Each standard's rating from its current key questions (see :func:`rate_standards`).
    provider : ProviderRating or None
        The provider rating when all ten standards have a rating, else None.
    provider_score_range : tuple of int or None
        Lowest and highest provider score the panel's options allow, when all ten are rated.
    sensitivity : DataFrame or None
        When the previous n was assumed: for which previous n each change would be significant
        (see :func:`sensitivity_to_previous_n`).
    """

    table: pd.DataFrame
    alpha: float
    method: str
    comparator_method: str | None
    band_basis: str
    assumptions: tuple[str, ...]
    standards: pd.DataFrame
    provider: ProviderRating | None
    provider_score_range: tuple[int, int] | None
    sensitivity: pd.DataFrame | None

    def summary(self) -> str:
        """The calls in a few sentences, with how many a family of tests gives by chance."""
        t = self.table
        yes = t["significant"].fillna(False).astype(bool)
        depends = int(t["significant"].isna().sum())
        hits = t[yes]
        listed = "; ".join(
            f"{r['standard'].split()[0] if r['standard'] else 'row ' + str(i + 1)} "
            f"{pct_text(r['previous_pct'])} to {pct_text(r['current_pct'])}"
            for i, r in zip(hits.index, hits.to_dict("records"), strict=True)
        )
        word = "change" if len(hits) == 1 else "changes"
        within = len(t) - len(hits) - depends
        text = (
            f"{len(t)} key questions compared at alpha = {self.alpha:g}: {len(hits)} significant "
            f"{word}{f' ({listed})' if listed else ''}, {within} within what chance could "
            "produce"
        )
        text += f", {depends} depending on an unpublished count." if depends else "."
        text += " " + chance_sentence(self.alpha, len(t), "changes")
        if self.comparator_method is not None:
            tested = int(t["comparator_pvalue"].notna().sum())
            diff = int(t["comparator_significant"].fillna(False).astype(bool).sum())
            open_calls = int(
                (t["comparator_pvalue"].notna() & t["comparator_significant"].isna()).sum()
            )
            text += f" Against the comparator: {diff} of {tested} significant differences"
            text += f", {open_calls} depending on its unpublished n." if open_calls else "."
        near = int(t["near_boundary"].sum())
        text += f" {near} current results are near a band edge."
        if self.provider is not None:
            text += f" Provider rating: {self.provider.rating} (score {self.provider.score} of 30)."
        return text

    def __str__(self) -> str:
        return render.text(self)

    def _repr_html_(self) -> str:
        return render.html_fragment(self)

    def to_markdown(self) -> str:
        """The report as Markdown: summary, assumptions, the table, standards, sensitivity."""
        return render.markdown(self)

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain Python values (tables as lists of row dicts, missing as None)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                out[f.name] = plain_records(value)
            elif isinstance(value, Result):
                out[f.name] = value.to_dict()
            else:
                out[f.name] = to_builtin(value)
        return out

    def write(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the report; the format follows the suffix (.csv, .xlsx, .md or .html).

        CSV holds the key-question table with full-precision values; Excel adds sheets for the
        standards, the sensitivity view and the assumptions; Markdown and HTML hold everything,
        formatted for reading. Every table column holds one unit, named in its header
        (``_pct`` percentages, ``_points`` percentage points, ``_x``/``_n`` counts). The file
        is written to a temporary name and renamed, so a failure leaves nothing behind.

        Raises
        ------
        ValueError
            An unknown suffix or a missing folder.
        FileExistsError
            The file exists and ``overwrite`` is False.
        """
        return render.write(self, path, overwrite=overwrite)
