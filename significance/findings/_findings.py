"""From inspectors' case answers and the draw to the published findings (the public function)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from inspection_core.checks import check_confidence_level, check_scalar_fraction
from inspection_core.errors import ParameterError, ParameterTypeError

if TYPE_CHECKING:  # the rest needs pandas: imported when the functions run
    import pandas as pd

    from ._draw import DrawDesign
    from ._result import CaseFindings
    from ._results import CaseAnswers

__all__ = ["case_findings", "check_case_answers"]


def _listed(ids: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _statements(
    design: DrawDesign, answers: CaseAnswers, table: pd.DataFrame, source: str
) -> tuple[list[str], bool]:
    import numpy as np

    weights = answers.cases["design_weight"].to_numpy(dtype=float)
    pi = answers.cases["inclusion_probability"].to_numpy(dtype=float)
    equal = bool(np.allclose(weights, weights[0], rtol=1e-12, atol=0))
    out = [
        f"Design: stratified simple random sampling without replacement within the draw's "
        f"{answers.cases['cell'].nunique()} sampled cells ({' x '.join(design.strata)}) of "
        f"{design.population_size} eligible cases; inclusion probabilities "
        f"{design.probability_source}."
    ]
    differ = table.loc[table["design_differs"], "key_question"].tolist()
    if equal and not answers.substitutes:
        out.append(
            f"Every inspected case had the same chance of selection ({pi[0]:.4g}): the design is "
            "self-weighting and each design-based estimate equals the plain percentage."
        )
    elif not equal:
        out.append(
            f"Inclusion probabilities range from {pi.min():.4g} to {pi.max():.4g}: the design is "
            "not self-weighting, so each design-based estimate weights a case by 1 / its "
            "probability and differs from the plain percentage"
            + (f" for {_listed(differ)}." if differ else " (for none of these key questions).")
        )
    if answers.substitutes:
        out.append(
            f"{len(answers.substitutes)} reserve cases replaced sampled ones "
            f"({_listed(answers.substitutes)}); each takes its cell's probability, which "
            "assumes a case's being replaced is unrelated to its answers."
        )
    if design.zero_chance and design.probability_source.startswith("derived"):
        out.append(
            f"{design.zero_chance} eligible cases are in cells allocated no case and could not "
            f"be drawn; the design-based estimates represent the other "
            f"{design.population_size - design.zero_chance}."
        )
    if answers.missing_cases:
        out.append(
            f"{len(answers.missing_cases)} sampled cases have no answers "
            f"({_listed(answers.missing_cases)}): every figure is over the cases inspected, and "
            "the estimates are not reweighted for them."
        )
    blank = table.loc[table["unanswered"] > 0]
    if len(blank):
        listed = ", ".join(
            f"{k} ({u})" for k, u in zip(blank["key_question"], blank["unanswered"], strict=True)
        )
        out.append(f"Eligible cases that left a key question blank (not counted): {listed}.")
    out.append(
        "Each sub-sample's eligible population (population_estimate) is estimated from the "
        "design as the sum of its answering cases' weights; the margins of error use it in the "
        "finite population correction, at p = 0.5 (the sampling rule's worst case)."
    )
    out.append(f"Key questions and sub-sample rules from {source}.")
    return out, equal


def _inputs(results: Any, sample: Any, catalogue: Any, sheet: Any) -> tuple[Any, ...]:
    from ._catalogue import read_catalogue
    from ._draw import read_draw
    from ._results import read_results

    design = read_draw(sample)
    cat = read_catalogue(catalogue)
    raw = read_results(results, sheet=sheet)
    return design, cat, raw


def check_case_answers(
    results: Any, *, sample: Any, catalogue: Any = None, sheet: str | int | None = None
) -> list[str]:
    """Every problem that stops a results table being used, one sentence each.

    Parameters
    ----------
    results, sample, catalogue, sheet
        As for :func:`case_findings`.

    Returns
    -------
    list of str
        Empty when the answers can be used: answers outside the accepted spellings (with their
        rows), case IDs not in the draw, key questions not in the catalogue, answers from cases
        a sub-sample rule excludes, repeated or blank case IDs.
    """
    from ._results import check_answers

    design, cat, raw = _inputs(results, sample, catalogue, sheet)
    return check_answers(raw, design, cat)


def case_findings(
    results: Any,
    *,
    sample: Any,
    catalogue: Any = None,
    confidence_level: float = 0.8,
    alpha: float = 0.1,
    groups: Sequence[str] = ("gender", "disposal"),
    standard_ratings: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
) -> CaseFindings:
    """Key-question findings, sub-groups and ratings from inspectors' case answers.

    Parameters
    ----------
    results : DataFrame or path
        The case-level results (CSV, Excel or Parquet; never modified): one row per case with
        one column per key question named by its ID (``2.1.1``), or one row per case and
        question with ``key_question`` and ``answer`` columns. Answers: Yes/Y, No/N,
        N/A/NA/not applicable or blank, in any case. Other columns are case attributes.
    sample : path
        The draw's folder (``sample.csv``, ``manifest.json``, ``reserves.csv``), which gives
        each case's cell, the cell's population and its inclusion probability.
    catalogue : DataFrame or path, optional
        Key questions with ``key_question``, ``standard``, ``wording``, ``sub_sample``; the
        bundled CRC framework by default (see :func:`read_catalogue`).
    confidence_level : float, default 0.8
        Level of the margins and intervals (the published method's 80%).
    alpha : float, default 0.1
        Significance level of the tests between sub-groups (the published method's 0.1).
    groups : sequence of str, default ("gender", "disposal")
        Sample or results columns to split by (``disposal`` grouped as community vs licence).
    standard_ratings : mapping of str to str, optional
        Ratings of standards the case files do not rate (``{"1.1": "Good", ...}``), or the
        panel's final rating of one they do; with all ten the provider rating is given.
    sheet : str or int, optional
        The results workbook's sheet (the first by default).

    Returns
    -------
    CaseFindings
        Tables ``key_questions``, ``subgroups``, ``subgroup_tests``, ``standards`` and
        ``cases``, the ``provider`` rating and the ``statements`` the figures rest on.

    Raises
    ------
    ValueError
        Any problem :func:`check_case_answers` finds (all listed in one message), a draw
        folder without its sample or manifest, a catalogue that cannot be read, a group
        column in neither the sample nor the results.

    Notes
    -----
    Per key question: n is the cases in its sub-sample answering yes or no, the percentage is
    ``yes / n`` rounded half up, the margin of error is ``z sqrt(0.25 / n (N - n) / (N - 1))``
    with N the sub-sample's population estimated from the design, the interval is Wilson's with
    the same correction, and the design-based estimate and standard error are R ``survey``'s
    (:func:`design_proportion`). The methods page states each choice.

    Examples
    --------
    >>> import tempfile
    >>> from importlib.resources import files
    >>> from sampling import draw, read_cases, write_draw
    >>> population = str(files("sampling") / "data/example_population.csv")
    >>> folder = tempfile.mkdtemp() + "/draw"
    >>> _ = write_draw(draw(read_cases(population), "auto", seed=2026, reserves=2), folder,
    ...                input_path=population)
    >>> results = str(files("significance.findings") / "data/example_results.csv")
    >>> f = case_findings(results, sample=folder)
    >>> row = f.key_questions.set_index("key_question").loc["2.1.1"]
    >>> int(row["yes"]), int(row["answered"]), int(row["pct"]), row["band"]
    (65, 100, 65, 'Good')
    """
    level = float(check_confidence_level(confidence_level))
    alpha = check_scalar_fraction("alpha", alpha)
    if isinstance(groups, str) or not isinstance(groups, Sequence):
        raise ParameterTypeError("groups", f"must be a list of column names; got {groups!r}")
    import pandas as pd

    from ._key_questions import key_question_table
    from ._result import CaseFindings
    from ._results import prepare_answers
    from ._standards import rate_from_findings
    from ._subgroups import subgroup_tables

    design, cat, raw = _inputs(results, sample, catalogue, sheet)
    answers = prepare_answers(raw, design, cat)
    table = key_question_table(answers, cat.table, level)
    subgroups, tests = subgroup_tables(answers, list(groups), confidence_level=level, alpha=alpha)
    standards, provider, missing = rate_from_findings(table, standard_ratings)
    statements, equal = _statements(design, answers, table, cat.source)
    if answers.not_in_results:
        statements.append(
            f"Catalogue key questions not in the results: {', '.join(answers.not_in_results)}."
        )
    cases = pd.concat([answers.cases, answers.answers.add_prefix("answer ")], axis=1)
    if table.empty:
        raise ParameterError("results", "have no key question answered")
    return CaseFindings(
        key_questions=table,
        subgroups=subgroups,
        subgroup_tests=tests,
        standards=standards,
        provider=provider,
        missing_standards=missing,
        cases=cases,
        confidence_level=level,
        alpha=alpha,
        self_weighting=equal,
        statements=tuple(statements),
    )
