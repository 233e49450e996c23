"""Write the synthetic example eligible population shipped with the package.

Every value is made up: 250 cases with the case mix of a Community Rehabilitation Company's
case-supervision window (about 14% women; community orders, suspended sentence orders, licences
and post-sentence supervision; mostly low and medium risk of serious harm, a few high, one very
high). No real person or case is described. The output is the same on every run (seed 20190601).

Run: ``.venv/bin/python scripts/make_example_population.py [--out FILE]`` (default: the
package's ``sampling/data/example_population.csv``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np

SEED = 20190601
CASES = 250
OFFICES = ["Aylesbury", "Milton Keynes", "Oxford", "Reading", "Slough"]
DISPOSALS = ["community order", "suspended sentence order", "licence", "post-sentence supervision"]
# P(disposal | gender): women are more often on community sentences.
DISPOSAL_GIVEN_GENDER = {
    "male": [0.36, 0.20, 0.30, 0.14],
    "female": [0.48, 0.26, 0.18, 0.08],
}
RISKS = ["low", "medium", "high"]
# P(RoSH | disposal): post-release cases are more often medium or high risk.
RISK_GIVEN_DISPOSAL = {
    "community order": [0.50, 0.45, 0.05],
    "suspended sentence order": [0.50, 0.45, 0.05],
    "licence": [0.22, 0.62, 0.16],
    "post-sentence supervision": [0.22, 0.62, 0.16],
}
WINDOW_START = dt.date(2018, 9, 1)  # supervision began 6-7 months before fieldwork
WINDOW_DAYS = 61


def make_rows(seed: int = SEED) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    numbers = rng.choice(np.arange(1, 1_000_000), size=CASES, replace=False)
    rows = []
    for number in numbers:
        gender = "female" if rng.random() < 0.14 else "male"
        disposal = DISPOSALS[rng.choice(4, p=DISPOSAL_GIVEN_GENDER[gender])]
        risk = RISKS[rng.choice(3, p=RISK_GIVEN_DISPOSAL[disposal])]
        start = WINDOW_START + dt.timedelta(days=int(rng.integers(WINDOW_DAYS)))
        rows.append(
            {
                "case_id": f"CRN{number:06d}",
                "gender": gender,
                "disposal": disposal,
                "risk": risk,
                "office": OFFICES[rng.integers(len(OFFICES))],
                "supervision_start": start.isoformat(),
            }
        )
    # One very high RoSH case, as a provider's window usually holds at most one or two.
    licence_high = [r for r in rows if r["disposal"] == "licence" and r["risk"] == "high"]
    licence_high[0]["risk"] = "very high"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = Path(__file__).resolve().parents[1] / "sampling" / "data" / "example_population.csv"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args()
    rows = make_rows()
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} cases to {args.out}")


if __name__ == "__main__":
    main()
