"""Write the synthetic case-level results for the bundled example sample (no real data).

The sample is the one `make example` draws (the bundled population, n = "auto", seed 2026, two
reserves per cell). Every sampled case gets an answer to the twelve case-supervision key
questions (2.1.1 to 2.4.3), in the mixed spellings inspectors use (Yes, yes, Y, No, N, N/A),
and an officer grade. The "keeping other people safe" questions (2.x.3) are blank for the
low-RoSH cases, as their sub-sample rule says. Each key question's yes count is planted
exactly (PLANTED), and so are two community-versus-licence splits (PLANTED_SPLITS); which cases
answer yes is random (seeded), and the tests check the file reproduces every planted count.

Run: .venv/bin/python scripts/make_example_results.py
Writes: significance/findings/data/example_results.csv
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from sampling import draw, read_cases

SEED = 20190601
OUT = Path(__file__).resolve().parents[1] / "significance/findings/data/example_results.csv"
HARM = ("2.1.3", "2.2.3", "2.3.3", "2.4.3")
# Key question -> (yes, answered, not applicable). The all-cases questions are answered by the
# 100 cases (the reviewing questions by 96: four cases had no review due); the harm questions by
# the 58 cases whose RoSH is not low.
PLANTED: dict[str, tuple[int, int, int]] = {
    "2.1.1": (65, 100, 0),
    "2.1.2": (81, 100, 0),
    "2.1.3": (41, 58, 0),
    "2.2.1": (74, 100, 0),
    "2.2.2": (74, 100, 0),
    "2.2.3": (35, 58, 0),
    "2.3.1": (67, 100, 0),
    "2.3.2": (44, 100, 0),
    "2.3.3": (27, 58, 0),
    "2.4.1": (55, 96, 4),
    "2.4.2": (57, 96, 4),
    "2.4.3": (24, 58, 0),
}
# Key question -> yes among community cases (58 in the sample) and among licence cases (42).
PLANTED_SPLITS: dict[str, tuple[int, int]] = {"2.1.1": (45, 20), "2.2.1": (47, 27)}
COMMUNITY = ("community order", "suspended sentence order")
YES_SPELLINGS = ("Yes", "Yes", "Yes", "yes", "Y")
NO_SPELLINGS = ("No", "No", "No", "no", "N")


def example_sample() -> pd.DataFrame:
    """The bundled example draw's sample (as `make example` draws it)."""
    path = str(files("sampling") / "data/example_population.csv")
    return draw(read_cases(path), "auto", seed=2026, reserves=2).sample


def _choose(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    return rng.choice(pool, size=k, replace=False) if k else pool[:0]


def make_results(sample: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The results table for ``sample`` with the planted counts."""
    rng = np.random.default_rng(seed)
    n = len(sample)
    ids = sample["case_id"].to_numpy()
    low = (sample["risk"] == "low").to_numpy()
    community = sample["disposal"].isin(COMMUNITY).to_numpy()
    if int(community.sum()) != 58 or int((~low).sum()) != 58:
        raise SystemExit("the example sample is not the one the planted counts were made for")
    out = pd.DataFrame({"case_id": ids})
    out["officer_grade"] = rng.choice(["PO", "PSO"], size=n, p=[0.6, 0.4])
    no_review = _choose(rng, np.arange(n), 4)
    for kq, (yes, answered, not_applicable) in PLANTED.items():
        answer = np.full(n, "", dtype=object)
        eligible = np.flatnonzero(~low) if kq in HARM else np.arange(n)
        if not_applicable:
            answer[no_review] = rng.choice(["N/A", "n/a", "NA"], size=not_applicable)
            eligible = np.setdiff1d(eligible, no_review)
        if len(eligible) != answered:
            raise SystemExit(f"{kq}: {len(eligible)} eligible cases, planted {answered}")
        if kq in PLANTED_SPLITS:
            k_community, k_licence = PLANTED_SPLITS[kq]
            chosen = np.concatenate(
                [
                    _choose(rng, eligible[community[eligible]], k_community),
                    _choose(rng, eligible[~community[eligible]], k_licence),
                ]
            )
        else:
            chosen = _choose(rng, eligible, yes)
        is_yes = np.zeros(n, dtype=bool)
        is_yes[chosen] = True
        for i in eligible:
            answer[i] = rng.choice(YES_SPELLINGS if is_yes[i] else NO_SPELLINGS)
        out[kq] = answer
    return out.iloc[rng.permutation(n)].reset_index(drop=True)


def main() -> None:
    results = make_results(example_sample())
    results.to_csv(OUT, index=False)
    print(f"Wrote {OUT.relative_to(OUT.parents[3])} ({len(results)} cases)")


if __name__ == "__main__":
    main()
