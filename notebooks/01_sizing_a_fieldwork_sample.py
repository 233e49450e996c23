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
# # Sizing a fieldwork sample
#
# Before fieldwork, an inspection decides how many cases to read. The published method sets the
# number so that any percentage the inspection reports ("65% of cases had a sufficient
# assessment") is within **5 percentage points** of the figure for all eligible cases, with
# **80% confidence**, allowing for the size of the eligible population.
#
# This notebook works the rule through from first principles, shows why the size of the eligible
# population matters, and checks the sample sizes of five published inspections.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sampling import implied_population, margin_of_error, planning_table, sample_size

# %% [markdown]
# ## The rule from first principles
#
# If we read `n` cases chosen at random and a proportion `p` of them pass a key question, the
# margin of error of that percentage is about `z * sqrt(p (1 - p) / n)`, where `z` is the point of
# the normal curve that leaves 10% in each tail (80% confidence): `z = 1.2816`. We do not know `p`
# in advance, so we take `p = 0.5`, the value that makes the margin largest. Setting the margin to
# 5 points and solving for `n` gives the size for a very large population:
#
# `n0 = z^2 p (1 - p) / 0.05^2 = 164.24`, so **165 cases**.

# %%
z = sample_size().z
n0 = z**2 * 0.5 * 0.5 / 0.05**2
print(f"z = {z:.10f}, n0 = {n0:.2f}, rounded up: {sample_size().n}")

# %% [markdown]
# ## Why the eligible population matters
#
# An eligible population is small: the cases that meet the inspection's criteria in a date window,
# typically a few hundred. Reading 100 of 250 cases tells us much more than reading 100 of 100,000,
# because there are fewer unread cases left to be different. The **finite population correction**
# adjusts for this: `n = n0 N / (n0 + N - 1)`, rounded up once at the end.

# %%
result = sample_size(250)
print(result)

# %% [markdown]
# With 250 eligible cases, 100 are enough, and the margin actually achieved with 100 is 4.97
# points. Without the correction an inspection would read 165 cases, 65 more than it needs.
#
# The table below gives the sample size for a range of populations at 80%, 90% and 95% confidence.

# %%
table = planning_table([50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000, None])
table

# %%
populations = np.unique(np.round(np.geomspace(20, 20000, 200)))
fig, ax = plt.subplots(figsize=(7, 4))
for level, colour in [(0.80, "tab:blue"), (0.90, "tab:orange"), (0.95, "tab:green")]:
    sizes = sample_size(populations, confidence_level=level).n
    ax.plot(populations, sizes, color=colour, label=f"{level:.0%} confidence")
    ax.axhline(sample_size(confidence_level=level).n, color=colour, linestyle=":", linewidth=1)
ax.set_xscale("log")
ax.set_xlabel("eligible population (log scale)")
ax.set_ylabel("cases to inspect")
ax.set_title("Sample size for a margin of +/-5 points")
ax.legend()
plt.show()

# %% [markdown]
# The dotted lines are the sizes for an infinite population; the curves approach them slowly. At
# the populations inspections meet (a few hundred), the correction saves a third or more of the
# fieldwork.
#
# ## Sub-samples have wider margins
#
# Reports also give findings for groups of cases: women, or licence cases. Those findings rest on
# fewer cases, so their margins are wider. Suppose 250 eligible cases include 35 women and 95
# licence cases, and a proportional sample of 100 includes 14 women and 38 licence cases.

# %%
groups = pd.DataFrame(
    {
        "sampled": [100, 14, 86, 38, 62],
        "eligible": [250, 35, 215, 95, 155],
    },
    index=["all cases", "women", "men", "licence", "community"],
)
groups["margin (points)"] = 100 * margin_of_error(groups["sampled"], groups["eligible"])
groups.round(1)

# %% [markdown]
# A finding about the women in the sample is only good to about +/-13.5 points: that is why
# reports warn that sub-group findings have a margin of error above 5 points, and why a
# difference between men and women needs to be large before it means anything.
#
# ## Checking published reports
#
# Reports publish their sample sizes but not the eligible populations. Running the rule backwards
# gives the population each sample implies, and the range of whole populations that give exactly
# that sample.

# %%
from importlib import resources

published = pd.read_csv(resources.files("sampling") / "data/published_samples.csv")
rows = []
for _, row in published.iterrows():
    implied = implied_population(int(row["case_supervision_n"]))
    rows.append(
        {
            "provider": row["provider"],
            "year": row["inspection_year"],
            "sample": implied.n,
            "implied population": round(implied.population_size, 1),
            "range": f"{implied.smallest}-{implied.largest}",
            "caseload": row["caseload"],
        }
    )
pd.DataFrame(rows)

# %% [markdown]
# A sample of 100 implies an eligible population of about 254; 120 implies about 443. The whole
# caseloads (3,000 to 8,800) are far larger: the eligible population is a window of cases, not the
# caseload, and a sample sized for the caseload would have been 156 to 162 cases.
#
# ## Small samples: Wilson and exact methods
#
# The rule uses the normal approximation. For the small samples of unpaid work (25 to 50 cases)
# and Through the Gate (14 to 46) two alternatives are available: the Wilson score interval, and
# the exact interval (hypergeometric for a finite population), which guarantees at least 80%
# coverage whatever the true proportion.

# %%
small = [14, 25, 35, 46, 50, 100, 254, 500, None]
comparison = pd.DataFrame(
    {m: sample_size(small, method=m).n for m in ("normal", "wilson", "exact")},
    index=pd.Index(["infinite" if p is None else p for p in small], name="population"),
)
comparison

# %% [markdown]
# For the very small populations the three agree within a case: the finite population correction
# dominates. For a few hundred cases the exact method asks for about 7% more (107 rather than 100
# at 254), the price of a guarantee. Wilson never asks for more than the rule. The rule stays the
# default so that sizes are comparable with past reports; the exact method is there when a
# reviewer asks for a guaranteed margin on a small population (see the methods page).
