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
# # Testing changes between rounds
#
# An inspection report may call a change "significant" only when it passes a Z-score test at a
# significance level of 0.1. This notebook works through one provider's published results
# (Thames Valley CRC, 2018 and 2019 inspections, and the aggregate of all CRCs inspected June 2018
# to June 2019): a single test by hand, the whole comparison report and its chart, how the
# conclusions depend on a number the reports do not publish, the smallest change 100 cases a round
# can detect, and what testing fifteen questions at once does to the error rate.

# %%
from importlib import resources

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from significance import (
    adjust_pvalues,
    compare_rounds,
    counts_from_percentage,
    minimum_detectable_difference,
    plot_comparison,
    power,
    ztest,
)

path = resources.files("significance") / "data/thames_valley_2019_key_questions.csv"
published = pd.read_csv(str(path))
published[["standard", "sub_sample", "previous_pct", "current_pct", "all_crcs_pct", "current_n"]]

# %% [markdown]
# ## One test, by hand
#
# "Does assessment focus sufficiently on engaging the service user?" fell from 74% to 65%. The
# 2019 sample was 100 cases. The 2018 sample size is **not published**; we assume 100 (the usual
# size) and come back to that assumption below.
#
# Reports print whole percentages, so the first step recovers the counts: 65% of 100 is 65 cases.
# For the harm sub-sample of 79 cases, 61% must be 48 cases (47 would print as 59%, 49 as 62%).

# %%
print(counts_from_percentage(61, 79))

# %% [markdown]
# The test compares the two proportions using their pooled rate (the score test that R's
# `prop.test(correct = FALSE)` and statsmodels' `proportions_ztest` compute). The difference is
# current minus previous.

# %%
result = ztest(65, 100, 74, 100)
print(result.summary())

# %% [markdown]
# p = 0.17 is above 0.1, so this fall is within what chance could produce: the report must not
# call it a significant decline.
#
# ## The whole report
#
# `compare_rounds` runs the same test for every key question, adds the test against the
# all-provider aggregate, the rating band of each round, whether the current result is near a band
# edge, multiple-comparison adjusted p-values, and a sentence that uses the word "significant" only
# for changes that pass.

# %%
report = compare_rounds(str(path), previous_n=100)
print(report.summary())
for sentence in report.assumptions:
    print(" -", sentence)

# %%
report.table[
    [
        "standard",
        "previous_pct",
        "current_pct",
        "change_points",
        "z",
        "pvalue",
        "significant",
        "current_band",
        "near_boundary",
    ]
].round(3)

# %%
for _, row in report.table[report.table["significant"]].iterrows():
    print(row["key_question"], "\n   ", row["sentence"])

# %%
plot_comparison(report)  # a figure that shows itself inline

# %% [markdown]
# Two of fifteen changes pass: the rise from 34% to 47% in implementation and delivery supporting
# the safety of other people, and the rise from 55% to 100% in coordination of resettlement
# activity (a Through the Gate question with only 14 cases this round). The fall from 74% to 65%
# is not significant.
#
# ## Small counts and the aggregate that includes the provider
#
# The Through the Gate questions have 14 cases this round. Where an expected count is below 5 the
# normal approximation is rough, so Fisher's exact test makes the call (named in the `test`
# column and the sentence). The all-CRC aggregate includes Thames Valley itself and its case
# count is not published, so each comparison with it gives the range of p between an aggregate so
# large that its rate is fixed and one in which Thames Valley holds half the cases, and makes no
# call where the two ends disagree.

# %%
for _, row in report.table.tail(3).iterrows():
    print(row["test"], "\n   ", row["sentence"])

# %% [markdown]
# ## How the conclusions depend on the unpublished previous n
#
# Everything above assumed 100 cases in 2018. The sensitivity table asks, for each key question,
# from which previous sample size the change would have been significant.

# %%
report.sensitivity[["standard", "previous_pct", "current_pct", "significant_from_n", "finding"]]

# %% [markdown]
# Only the two changes already called significant are robust to the assumption. The fall from 74%
# to 65% would need a previous sample of well over 200 cases, larger than any case-supervision
# sample in the published reports, so "no significant change" is the safe reading whatever the
# previous n was.
#
# ## The smallest change 100 cases a round can detect
#
# Before reading any change as real or not, it helps to know what the test could ever detect.
# With 100 cases in each round, a baseline of 65%, a test at 0.1 and a power of 80% (the chance of
# detecting a change that really happened):

# %%
mdd = minimum_detectable_difference(100, 100, 0.65)
print(mdd.summary())

# %%
ns = np.arange(50, 401, 10)
fig, ax = plt.subplots(figsize=(7, 3.5))
for baseline in (0.50, 0.65, 0.80):
    up = minimum_detectable_difference(ns, ns, baseline, direction="increase").difference
    ax.plot(ns, 100 * up, label=f"baseline {baseline:.0%}")  # proportions, shown in points
ax.set_xlabel("cases in each round")
ax.set_ylabel("smallest detectable rise (points)")
ax.set_title("Power 0.8, alpha 0.1, two-sided")
ax.legend()
plt.show()

# %% [markdown]
# A rise from 65% needs to reach about 80.6% (+15.6 points) to be detected four times in five.
# Most of the changes in the table are a few points: the inspection could not have told them from
# chance however they turned out. The chance of detecting a real change of 9 points:

# %%
print(f"power to detect 65% -> 74% with 100 cases a round: {power(100, 100, 0.74, 0.65):.2f}")

# %% [markdown]
# ## Fifteen tests at once
#
# Each test at 0.1 has a one-in-ten chance of a false alarm when nothing changed, so fifteen tests
# would be expected to produce about 1.5 false alarms between them. The Holm and
# Benjamini-Hochberg adjustments control the error over the whole family. The published method
# uses the unadjusted test, and the report keeps it as the headline; the adjusted p-values are
# shown so a reader can see which findings would survive a stricter standard.

# %%
pvalues = report.table["pvalue"].to_numpy()
pd.DataFrame(
    {
        "key question": report.table["standard"] + " " + report.table["key_question"].str[:50],
        "p": pvalues.round(4),
        "Holm": adjust_pvalues(pvalues, method="holm").round(4),
        "Benjamini-Hochberg": adjust_pvalues(pvalues, method="bh").round(4),
    }
).sort_values("p").head(5)

# %% [markdown]
# Only the 55% to 100% change in resettlement coordination survives Holm's adjustment; the 34% to
# 47% rise is significant under the published method but would not survive a family-wide
# correction, which is worth a sentence of caution in the report.
