# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # From case answers to the published findings
#
# After fieldwork every inspected case has an answer to each key question: yes, no, or not
# applicable. This notebook turns those answers into the figures a report publishes: each key
# question's percentage with its margin and interval, a design-based estimate that uses the
# sample's strata and inclusion probabilities, sub-groups with the test between them, the
# standard and provider ratings, and a comparison with the previous inspection.
#
# The answers are synthetic (made by `scripts/make_example_results.py`, no real cases) for the
# sample that `make example` draws from the bundled population of 250 cases.

# %%
import tempfile
from importlib import resources
from pathlib import Path

import pandas as pd

from sampling import draw, read_cases, write_draw
from significance import case_findings, check_case_answers

population = str(resources.files("sampling") / "data/example_population.csv")
results_file = str(resources.files("significance.findings") / "data/example_results.csv")

# the draw `make example` makes: 100 of 250 cases, seed 2026, two reserves per cell
folder = Path(tempfile.mkdtemp()) / "draw"
write_draw(draw(read_cases(population), "auto", seed=2026, reserves=2), folder,
           input_path=population)
answers = pd.read_csv(results_file, dtype=str, keep_default_na=False)
answers.head()

# %% [markdown]
# One row per case, one column per key question (2.1.1 to 2.4.3), answers spelt as inspectors
# type them ("Yes", "yes", "Y", "No", "N", "N/A"). The "keeping other people safe" questions
# (2.1.3, 2.2.3, 2.3.3, 2.4.3) are blank for the 42 cases whose risk of serious harm is low: the
# catalogue's sub-sample rule for them is `exclude risk = low`, so 58 cases answer them.
#
# Before anything is computed the answers are checked against the draw and the catalogue. A
# misspelt answer, a case that was not sampled and a low-risk case answering a harm question
# are each reported with their rows, all at once:

# %%
broken = answers.copy()
broken.loc[2, "2.1.1"] = "Yse"
broken.loc[5, "case_id"] = "CRN000000"
for problem in check_case_answers(broken, sample=folder):
    print("-", problem[:150])

# %% [markdown]
# ## The key questions
#
# Domain one (1.1 to 1.4) is rated on evidence other than case files, and unpaid work (4.1) and
# Through the Gate (4.2) have samples of their own; their ratings are supplied so that the
# provider rating can be given.

# %%
findings = case_findings(
    results_file,
    sample=folder,
    standard_ratings={"1.1": "Good", "1.2": "Good", "1.3": "Good", "1.4": "Good",
                      "4.1": "Good", "4.2": "Outstanding"},
)
for statement in findings.statements:
    print("-", statement)

# %%
columns = ["key_question", "answered", "yes", "pct", "margin_of_error", "wilson_low",
           "wilson_high", "design_estimate", "design_se", "band", "interval_bands",
           "one_case_bands"]
findings.key_questions[columns].round(3)

# %% [markdown]
# 2.1.1 (assessment engages the service user) was met in 65 of 100 cases: 65%, Good. Its 80%
# interval, 60.1% to 69.6%, reaches into Requires improvement, and one case judged differently
# (64 of 100) would make it Requires improvement. The harm questions rest on 58 cases, whose
# eligible population the design puts at 145 (58 cases, each standing for 2.5), so their margins
# are 6.5 points, above the method's 5.
#
# The draw gives every case the same chance of selection, n / N = 100 / 250 (its unbiased
# controlled rounding; `sample.csv` records each case's `inclusion_probability`), so the sample
# is self-weighting. The design-based estimate weights each case by one over its chance and uses
# the cells as strata (the numbers R's `survey` package gives, checked in the tests): for 2.1.1 it
# is 65.0% with a standard error of 3.5 points, the plain percentage. A draw whose cells were
# sampled at different rates would give a different estimate, and the findings would say so.
#
# Each key question also comes as a sentence:

# %%
for kq, sentence in zip(findings.key_questions["key_question"],
                        findings.key_questions["sentence"], strict=True):
    print(kq, sentence)

# %%
findings.plot()

# %% [markdown]
# ## Sub-groups
#
# Community cases (community and suspended sentence orders) against licence cases (licence and
# post-sentence supervision), and men against women. A sub-group has fewer cases, so its margin
# is wider: every one here is above 5 points. A difference is called significant only when the
# test passes at 0.1 (the z-test, or Boschloo's exact test when an expected count is below 5).

# %%
tests = findings.subgroup_tests
tests.loc[tests["significant"], ["group", "key_question", "group1", "x1", "n1", "group2",
                                 "x2", "n2", "pvalue", "test"]].round(4)

# %% [markdown]
# Assessment engaged the service user in 45 of 58 community cases (78%) and 20 of 42 licence
# cases (48%): a difference of 30 points, significant (p = 0.0019). Among the harm sub-sample,
# women did better than men on 2.3.3 (7 of 9 against 20 of 49); with so few women the exact
# test makes that call.

# %% [markdown]
# ## Ratings
#
# A standard takes the band of its lowest key question; the panel may move it by one band when
# that question is within 5 points of a band edge or one case judged differently changes it.

# %%
findings.standards[["standard", "name", "lowest_key_question", "lowest_pct", "rule_rating",
                    "panel_options", "reasons", "rating"]]

# %% [markdown]
# Planning (2.2) is Requires improvement by the rule, its lowest question at 60%, 5 points below
# Good's 65%, so the panel may rate it Good. With the supplied ratings the provider scores 16 of
# 30: Good, at the bottom of the band.

# %%
print(findings.provider)

# %% [markdown]
# ## Against the previous inspection
#
# The findings go into the comparison report as the current round *with their counts*, so no
# count is recovered from a percentage. The previous round is the published 2018 percentages of
# the Thames Valley report (with the all-CRC aggregate), whose case counts are not published: 100
# is assumed, and the report shows how the calls depend on it.

# %%
previous = resources.files("significance") / "data/thames_valley_2019_key_questions.csv"
comparison = findings.compare(str(previous), previous_n=100)
print(comparison.summary())
comparison.table[["key_question", "previous_pct", "current_pct", "current_x", "current_n",
                  "change_points", "pvalue", "significant"]].round(4)

# %% [markdown]
# None of the twelve changes is significant at 0.1: the largest, 2.3.3 (34% to 47%, +12.6
# points on 58 cases), has p = 0.12. Against the all-CRC aggregate, five differences are.
#
# The whole result is written with `findings.write("findings.xlsx")` (or `.md`, `.html`), and
# the command line does the same:
#
# ```console
# python -m significance findings RESULTS --sample out/example --out findings.xlsx --plot findings.png
# ```
