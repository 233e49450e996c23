"""Balance report: how closely the sample mirrors the eligible population, variable by variable."""

from __future__ import annotations

import html
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inspection_core.checks import check_confidence_level
from inspection_core.errors import ParameterError, ParameterTypeError
from inspection_core.result import Result, to_builtin

from ._allocation import Allocation, largest_remainder
from ._frame import DEFAULT_STRATA, check_strata, level_order
from ._sizes import margin_of_error

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Balance", "BalanceWarning", "balance_report"]

_SMALL_EXPECTED = 5.0  # Cochran's rule of thumb for the chi-square approximation


class BalanceWarning(UserWarning):
    """A caveat on the balance report (small expected counts make the chi-square approximate)."""


@dataclass(frozen=True, eq=False)
class Balance(Result):
    """How the sample compares with the eligible population, variable by variable.

    Attributes
    ----------
    n : int
        Cases in the sample.
    population_size : int
        Eligible cases.
    confidence_level : float
        Confidence level of the achieved margins.
    margin_of_error : float
        Achieved margin of the whole sample (worst case, p = 0.5, finite population corrected).
    table : pandas.DataFrame
        A first row ``all``, then one row per variable and level: ``population``,
        ``population_share``, ``quota`` (the level's exact share of n, ``n N_l / N``), its
        ``floor`` and ``ceiling``, ``target`` (largest-remainder share of n), ``sample`` (the
        count drawn), ``sample_share``, ``outside`` (cases outside the floor-ceiling range:
        negative below, positive above, else 0), ``share_difference`` (sample share - population
        share, percentage points) and ``margin_of_error`` (achieved margin for that sub-group:
        its sample from its population; NaN when none sampled).
    tests : pandas.DataFrame
        Chi-square goodness of fit of each variable's sample counts against ``n`` times the
        population shares: ``variable``, ``statistic``, ``df``, ``pvalue``, ``smallest_expected``
        and ``approximate`` (True when an expected count is below 5).
    """

    n: int
    population_size: int
    confidence_level: float
    margin_of_error: float
    table: pd.DataFrame
    tests: pd.DataFrame

    @property
    def largest_outside(self) -> int:
        """The most cases by which a level's count falls outside its quota's floor and ceiling."""
        return int(self.table["outside"].abs().max())

    def summary(self) -> str:
        """State the balance in a sentence."""
        lead = (
            f"Sample of {self.n} from {self.population_size} eligible cases: achieved margin of "
            f"error +/-{100 * self.margin_of_error:.2f} points at "
            f"{100 * self.confidence_level:.3g}% confidence; "
        )
        if self.largest_outside == 0:
            return lead + "every level's count is within the floor and ceiling of its quota."
        return lead + (
            f"a level's count is up to {self.largest_outside} case(s) outside the floor and "
            "ceiling of its quota."
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain values: the scalars, ``table`` and ``tests`` as lists of records."""
        return {
            "n": self.n,
            "population_size": self.population_size,
            "confidence_level": self.confidence_level,
            "margin_of_error": self.margin_of_error,
            "table": to_builtin(self.table.to_dict(orient="records")),
            "tests": to_builtin(self.tests.to_dict(orient="records")),
        }

    def report(self) -> str:
        """The printed report: one block per variable, then the tests."""
        lines = [self.summary(), ""]
        header = (
            f"{'level':<28}{'population':>11}{'share':>8}{'quota':>8}{'range':>9}{'sample':>8}"
            f"{'share':>8}{'diff':>7}{'margin':>8}"
        )
        for variable, rows in self.table.groupby("variable", sort=False):
            lines.append(f"{variable}" if variable != "all" else "whole sample")
            lines.append("  " + header)
            for r in rows.to_dict(orient="records"):
                moe = float(r["margin_of_error"])
                margin = "" if math.isnan(moe) else f"{100 * moe:.2f}"
                span = f"{r['floor']}-{r['ceiling']}"
                flag = "" if r["outside"] == 0 else f" ({int(r['outside']):+d})"
                lines.append(
                    f"  {str(r['level'])[:27]:<28}{r['population']:>11}"
                    f"{100 * r['population_share']:>7.1f}%{r['quota']:>8.2f}{span:>9}"
                    f"{r['sample']:>8}{100 * r['sample_share']:>7.1f}%"
                    f"{r['share_difference']:>+7.1f}{margin:>8}{flag}"
                )
            lines.append("")
        lines.append("Goodness of fit (chi-square, sample counts vs population shares):")
        for t in self.tests.to_dict(orient="records"):
            p = "n/a" if math.isnan(t["pvalue"]) else f"{t['pvalue']:.3f}"
            note = " (approximate: an expected count is below 5)" if t["approximate"] else ""
            lines.append(
                f"  {t['variable']}: chi2 = {t['statistic']:.3f}, df = {t['df']}, p = {p}{note}"
            )
        lines.append(
            "share: percent of cases; quota: the level's exact share of n; range: its floor and "
            "ceiling; diff: sample minus population share in points; margin: achieved margin of "
            "error in points (sub-groups above 5 points are less precise); (+k): k cases outside "
            "the range."
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>Balance</strong>: {html.escape(self.summary())}"
            f"{self.table.to_html(index=False, float_format='{:.4f}'.format)}"
            f"{self.tests.to_html(index=False, float_format='{:.4f}'.format)}</div>"
        )


def _level_counts(frame: pd.DataFrame, name: str) -> dict[str, int]:
    values = frame[name].astype("str").str.strip()
    counts = values.value_counts(dropna=False)
    return {str(k): int(v) for k, v in counts.items()}


def balance_report(
    population: pd.DataFrame | Allocation,
    sample: pd.DataFrame,
    *,
    strata: Any = None,
    confidence_level: float = 0.80,
) -> Balance:
    """Compare a sample with its eligible population on each stratification variable.

    Parameters
    ----------
    population : pandas.DataFrame or Allocation
        The eligible cases, or the allocation of a draw (its cell counts are the population).
    sample : pandas.DataFrame
        The sampled cases, with the same strata columns.
    strata : sequence of str, optional
        Variables to compare; default the allocation's strata, or ``("gender", "disposal",
        "risk")`` for a case frame.
    confidence_level : float, default 0.80
        Confidence level of the achieved margins.

    Returns
    -------
    Balance
        ``table`` (one row per variable and level), ``tests`` (chi-square per variable) and the
        whole sample's ``margin_of_error``.

    Raises
    ------
    ValueError
        A sample larger than the population, a sample level the population lacks, or a
        variable missing from either frame.

    Warns
    -----
    BalanceWarning
        When a variable has a level with an expected sample count below 5: the chi-square
        p-value is then only approximate (a rare level such as very high RoSH usually is).

    Notes
    -----
    The chi-square statistic is ``sum((O - E)**2 / E)`` with ``E = n N_l / N``, df = levels - 1,
    p from the chi-square upper tail (the numbers of ``scipy.stats.chisquare``). Under
    proportional allocation the sample counts equal their quotas up to rounding, so the
    statistic is near 0 and p near 1 by design: the test documents the match rather than
    testing randomness. Sub-group margins use :func:`sampling.margin_of_error` with the
    sub-group's own population (e.g. 16 women sampled from 39).

    Examples
    --------
    >>> from importlib.resources import files
    >>> from sampling import draw, read_cases
    >>> cases = read_cases(files("sampling") / "data/example_population.csv")
    >>> result = draw(cases, "auto", seed=2026)
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", BalanceWarning)
    ...     report = balance_report(cases, result.sample)
    >>> round(report.margin_of_error, 4), report.largest_outside
    (0.0497, 0)
    >>> report.table.loc[report.table["level"] == "female",
    ...                  ["population", "quota", "floor", "ceiling", "sample"]]
       population  quota  floor  ceiling  sample
    1          39   15.6     15       16      15
    """
    import pandas as pd
    from scipy.special import chdtrc

    c = float(check_confidence_level(confidence_level))
    if isinstance(population, Allocation):
        names = population.strata if strata is None else check_strata(strata)
        margins = population.margins
        pop_counts = {
            v: {
                str(level): int(count)
                for level, count in zip(
                    margins["level"][margins["variable"] == v],
                    margins["population"][margins["variable"] == v],
                    strict=True,
                )
            }
            for v in names
        }
    elif isinstance(population, pd.DataFrame):
        names = check_strata(DEFAULT_STRATA if strata is None else strata)
        missing = [v for v in names if v not in population.columns]
        if missing:
            raise ParameterError(
                "population", f"lacks strata column(s) {', '.join(map(repr, missing))}"
            )
        pop_counts = {v: _level_counts(population, v) for v in names}
    else:
        raise ParameterTypeError(
            "population",
            f"must be a DataFrame of cases or an Allocation; got {type(population).__name__}",
        )
    if not isinstance(sample, pd.DataFrame):
        raise ParameterTypeError(
            "sample", f"must be a pandas DataFrame; got {type(sample).__name__}"
        )
    missing = [v for v in names if v not in sample.columns]
    if missing:
        raise ParameterError("sample", f"lacks strata column(s) {', '.join(map(repr, missing))}")
    n = len(sample)
    total = sum(pop_counts[names[0]].values())
    if not 1 <= n <= total:
        raise ParameterError("sample", f"must hold 1 to {total} cases (the population); got {n}")
    whole = margin_of_error(n, total, confidence_level=c)
    rows: list[tuple[Any, ...]] = [
        ("all", "all", total, 1.0, float(n), n, n, n, n, 1.0, 0, 0.0, whole)
    ]
    tests = []
    for v in names:
        levels = level_order(list(pop_counts[v]))
        got = _level_counts(sample, v)
        extra = sorted(set(got) - set(levels))
        if extra:
            raise ParameterError(
                "sample",
                f"has {v} level(s) {', '.join(map(repr, extra))} that the population lacks",
            )
        pop = np.array([pop_counts[v][lv] for lv in levels], dtype=np.int64)
        obs = np.array([got.get(lv, 0) for lv in levels], dtype=np.int64)
        target = largest_remainder(n * pop, total, n, pop)
        for lv, p_l, o_l, t_l in zip(levels, pop, obs, target, strict=True):
            moe = margin_of_error(int(o_l), int(p_l), confidence_level=c) if o_l else math.nan
            low, high = int(n * p_l // total), -(-int(n * p_l) // total)
            outside = int(o_l) - min(max(int(o_l), low), high)
            rows.append(
                (v, lv, int(p_l), p_l / total, n * int(p_l) / total, low, high, int(t_l),
                 int(o_l), o_l / n, outside, 100 * (o_l / n - p_l / total), moe)
            )  # fmt: skip
        expected = n * pop / total
        if len(levels) > 1:
            stat = float(np.sum((obs - expected) ** 2 / expected))  # = scipy.stats.chisquare
            pvalue = float(chdtrc(len(levels) - 1, stat))
        else:
            stat, pvalue = 0.0, math.nan
        small = bool(expected.min() < _SMALL_EXPECTED)
        if small and len(levels) > 1:
            lv = levels[int(np.argmin(expected))]
            warnings.warn(
                f"{v}: expected sample count {expected.min():.2f} for {lv!r} is below 5, so the "
                f"chi-square p-value is approximate",
                BalanceWarning,
                stacklevel=2,
            )
        tests.append((v, stat, len(levels) - 1, pvalue, float(expected.min()), small))
    table = pd.DataFrame(
        rows,
        columns=[
            "variable",
            "level",
            "population",
            "population_share",
            "quota",
            "floor",
            "ceiling",
            "target",
            "sample",
            "sample_share",
            "outside",
            "share_difference",
            "margin_of_error",
        ],
    )
    test_frame = pd.DataFrame(
        tests, columns=["variable", "statistic", "df", "pvalue", "smallest_expected", "approximate"]
    )
    return Balance(
        n=n,
        population_size=int(total),
        confidence_level=c,
        margin_of_error=float(rows[0][-1]),
        table=table,
        tests=test_frame,
    )
