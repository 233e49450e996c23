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
# # Drawing a stratified sample
#
# The published method promises that the inspected cases' ratios of **gender**, **type of
# disposal** and **risk of serious harm** match those of the eligible population. This notebook
# draws such a sample from the toolkit's synthetic example population (250 invented cases; no real
# data), step by step: the allocation and why it is random, the draw by permanent random numbers,
# reserves and substitutions, exclusions, the balance report, and reproducing the draw from its
# audit manifest.

# %%
import json
import tempfile
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sampling import (
    allocate,
    balance_report,
    current_sample,
    draw,
    draw_allocation,
    plot_balance,
    read_cases,
    reproduce_draw,
    sample_size,
    substitute,
    write_draw,
)

path = Path(str(resources.files("sampling") / "data/example_population.csv"))
cases = read_cases(path, id_column="case_id", strata=["gender", "disposal", "risk"])
print(f"{len(cases)} eligible cases")
cases.head()

# %% [markdown]
# ## The make-up of the eligible population

# %%
for column in ["gender", "disposal", "risk"]:
    counts = cases[column].value_counts()
    print(pd.DataFrame({"cases": counts, "share (%)": (100 * counts / len(cases)).round(1)}), "\n")

# %% [markdown]
# ## How many cases, and from which groups
#
# The rule (+/-5 points at 80% confidence, finite population correction) gives the sample size:
# 100 of 250. The sample is then **allocated** over the cells formed by crossing the three
# variables (women on licence at medium risk is one cell) in proportion to each cell's size. The
# proportional quotas are fractions (3.2 cases), and how they are rounded matters twice over: for
# the balance of the sample and for every case's chance of being inspected.

# %%
n = sample_size(len(cases)).n
allocation = allocate(cases, n, strata=["gender", "disposal", "risk"], seed=2026)
print(allocation.summary())
print(allocation.rounding.summary())
allocation.cells[["gender", "disposal", "risk", "population", "quota", "allocated",
                  "inclusion_probability"]]  # fmt: skip

# %% [markdown]
# The toolkit's default, **unbiased controlled rounding**, gives every cell the floor or ceiling
# of its quota, every variable's total the floor or ceiling of its own quota (15 women for a quota
# of 15.6 in this draw), and the total exactly 100. It is *random*: the quotas are written as a mixture of 18
# such roundings, and the seed picks one with its probability, so each cell's **expected** count
# is exactly its quota and every case's chance of selection is 100/250 = 0.4. The margins table
# shows each level's quota, its floor and ceiling, and the count allocated.

# %%
allocation.margins[["variable", "level", "quota", "floor", "ceiling", "allocated"]]

# %% [markdown]
# ### Why not round once and for all?
#
# A deterministic rounding (release 0.1 of the toolkit, kept as `method="controlled"`) gives the
# same counts whatever the seed. Cells whose quota rounds down are then never sampled: here **4 of
# the 250 cases can never be inspected**, among them the only very-high-risk case, while another
# case with the same quota of 0.4 is always inspected. Its inclusion probabilities run from 0 to
# 1:

# %%
fixed = allocate(cases, n, method="controlled")
print(fixed.summary())
fixed.unselectable[["gender", "disposal", "risk", "population", "quota", "allocated"]]

# %% [markdown]
# Plain rounding of each cell by largest remainder does no better on chances and lets the totals
# of the individual variables drift: compare its margins with the targets.

# %%
plain = allocate(cases, n, strata=["gender", "disposal", "risk"], method="largest-remainder")
missed = plain.margins[plain.margins["allocated"] != plain.margins["target"]]
print(f"plain largest remainder misses {len(missed)} margins:")
missed[["variable", "level", "quota", "target", "allocated"]]

# %% [markdown]
# ### Checking the unbiasedness
#
# The expectation is computed, not hoped for (`allocation.cells["expected"]` equals the quotas
# to within 1e-9, a test checks it), but it can also be seen: over 400 seeds the very-high-risk
# case's cell gets its one case in about 40% of the allocations, the woman on post-sentence
# supervision at high risk too, and every allocation keeps every margin on its floor or ceiling.

# %%
seeds = range(400)
counts = np.array([allocate(cases, n, seed=s).cells["allocated"].to_numpy() for s in seeds])
frequency = counts.mean(axis=0) / allocation.cells["population"].to_numpy()
very_high = int(np.flatnonzero(allocation.cells["risk"] == "very high")[0])
print(f"very-high-risk case sampled in {frequency[very_high]:.1%} of 400 allocations")
print(f"cell sampling rates over 400 seeds: {frequency.min():.3f} to {frequency.max():.3f}")
print(f"every allocation sums to {n}: {bool((counts.sum(axis=1) == n).all())}")

# %% [markdown]
# ## The draw: permanent random numbers
#
# Within each cell, cases are chosen by simple random sampling without replacement. Each case gets
# a **permanent random number** from a keyed hash of the seed and its ID; in each cell the cases
# with the smallest numbers are the sample and the next ones, in order, its **reserves**. A case's
# number depends only on the seed and its ID, so the same case list and seed always give the same
# cases whatever order the rows are in, whatever file format, whatever library versions; and
# adding one case to the list changes at most one case in and one out of the sample. Every case's
# inclusion probability and design weight is in the sample file.

# %%
result = draw(cases, n, seed=2026, reserves=2, strata=["gender", "disposal", "risk"])
print(result.summary())
result.sample[["case_id", "gender", "disposal", "risk", "cell", "draw_order", "prn",
               "inclusion_probability", "design_weight"]].head()  # fmt: skip

# %%
result.reserves[["case_id", "cell", "reserve_order", "prn"]].head(6)

# %% [markdown]
# ## Balance report
#
# After drawing, the balance report compares the sample with the population for every level of
# every variable: its quota, the floor and ceiling the count must fall in, and the count drawn. It
# tests the fit and gives the margin of error of each sub-group (the 15 women in the sample
# support findings to about +/-13 points, not 5). The warning printed below is expected: the
# population has a single very-high-risk case, so that level's expected count in the sample is 0.4
# and the chi-square test's p-value is only approximate.

# %%
balance = balance_report(cases, result.sample, strata=["gender", "disposal", "risk"])
print(balance.summary())
balance.table[["variable", "level", "population", "quota", "floor", "ceiling", "sample",
               "margin_of_error"]]  # fmt: skip

# %%
plot_balance(balance)  # a figure that shows itself inline (no pyplot needed)

# %% [markdown]
# ## Exclusions
#
# Cases that must not be drawn (in this inspection's other sample, inspected last round) are
# excluded by ID before allocating. The rule then applies to the cases left, and the result says
# so: here 40 men on community orders at low risk are excluded, leaving 210 eligible cases and a
# sample of 93.

# %%
low_cell = (
    (cases["gender"] == "male")
    & (cases["disposal"] == "community order")
    & (cases["risk"] == "low")
)
excluded = cases[low_cell]["case_id"].head(40).tolist()
fewer = draw(cases, "auto", seed=2026, reserves=2, exclude=excluded)
print(fewer.summary())

# %% [markdown]
# ## The audit trail
#
# Writing the draw produces the **fieldwork pack** `fieldwork.xlsx` (the sample with IDs kept as
# text and dates as dates, the reserves in the order they must be used with the rule written above
# them, the balance, the allocation, and a plain-language record of how the sample was drawn), the
# same tables as CSV, the printed balance report as text, the chart, and a **manifest**: the
# toolkit version, the input file's SHA-256 fingerprint, the columns used, the sample size,
# method, seed, the allocation drawn with its expectation, the decomposition's summary, the hash
# scheme of the random numbers, any exclusions, a fingerprint of the cases themselves (IDs and
# strata after reading and recoding), and a digest of its own content, so a manifest edited by
# hand is refused. Given the manifest and the same cases (the same file, or the same cases
# re-saved in a spreadsheet or converted to another format), anyone can reproduce the sample
# exactly; a list with other cases is refused, with the cases added, removed or changed counted.

# %%
out = Path(tempfile.mkdtemp()) / "draw"
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the small-expected-count note shown above
    write_draw(result, out, input_path=path)
print(sorted(p.name for p in out.iterdir()))
manifest = json.loads((out / "manifest.json").read_text())
{k: manifest[k] for k in ("version", "input_sha256", "seed", "n", "method", "selection")}

# %%
manifest["rounding"]

# %%
again = reproduce_draw(out / "manifest.json", path)
same = list(again.sample["case_id"]) == list(result.sample["case_id"])
print(
    f"reproduced from the manifest: {'the same' if same else 'DIFFERENT'} {len(again.sample)} cases"
)

# %% [markdown]
# ## During fieldwork: substitutions
#
# A sampled case that cannot be inspected is replaced by the next reserve of its cell. Each
# substitution is appended to `substitutions.csv` with its reason, the draw's own files are never
# changed, `sample_current.csv` holds the sample as it now stands, and the balance report can be
# run on it.

# %%
gone = result.sample["case_id"].iloc[0]
done = substitute(out, gone, "transferred to another region")
print(done.summary())
print((out / "substitutions.csv").read_text())
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(balance_report(draw_allocation(out), current_sample(out)).summary())
