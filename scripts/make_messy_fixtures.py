"""Write the messy case-list fixtures: a provider's workbook as it arrives, and its clean twin.

Every value is made up (seed 20240301); no real person or case is described. The output is the
same on every run, byte for byte (the workbook's zip timestamps and document dates are fixed).

Written to ``tests/fixtures/messy/`` (or ``--out``):

* ``clean_cases.csv``: 300 eligible cases, one row each, in the toolkit's spellings (columns
  ``case_id, gender, disposal, risk, start_date, office, offender_manager``; UTF-8, comma).
* ``messy_cases.xlsx``: the same cases as a provider sends them. Sheet ``Cases``: a title row
  and a blank row above the header ``CRN, Gender, Sentence Type, RoSH, Start Date, Office,
  Offender Manager``; variant spellings (``Male/M/male /MALE``, ``Female/F``, ``Community
  Order``, ``SSO`` and ``Suspended Sentence Order``, ``Licence``, ``PSS``,
  ``Low/Medium/medium/High/Very High``); two
  blank RoSH cells; one case's row repeated word for word (same CRN); a ``Total | 301`` row and a
  footer line; dates as real dates. Sheet ``Notes``: a few lines of text.
* ``messy_cases_cp1252.csv`` (Windows-1252, comma, CRLF, as Excel's "CSV" writes it),
  ``messy_cases_semicolon.csv`` (UTF-8, semicolon), ``messy_cases_bom.csv`` (UTF-8 with a byte
  order mark, comma) and ``messy_cases_tab.txt`` (UTF-8, tab): the ``Cases`` sheet as text, dates
  written ``dd/mm/yyyy``.
* ``messy_mapping.toml``: the recoding that turns the messy list into the clean one (column
  names, the built-in vocabularies applied, the two missing RoSH levels supplied).
* ``planted.json``: every planted problem with its row numbers (spreadsheet rows, the title is
  row 1), for the tests.

Run: ``.venv/bin/python scripts/make_messy_fixtures.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook

SEED = 20240301
CASES = 300
HEADER = ["CRN", "Gender", "Sentence Type", "RoSH", "Start Date", "Office", "Offender Manager"]
CLEAN_HEADER = [
    "case_id",
    "gender",
    "disposal",
    "risk",
    "start_date",
    "office",
    "offender_manager",
]
TITLE = (
    "Eligible population \u2013 case supervision, Thames Valley (synthetic) \u2013 run 01/03/2024"
)
FOOTER = "Source: synthetic extract made by scripts/make_messy_fixtures.py; no real cases."
DISPOSALS = ["community order", "suspended sentence order", "licence", "post-sentence supervision"]
RISKS = ["low", "medium", "high", "very high"]
OFFICES = ["Reading", "Slough", "Oxford", "Milton Keynes", "High Wycombe \u2013 Town"]
MANAGERS = [
    "Zo\u00eb Clarke",
    "Amir Patel",
    "Siobh\u00e1n Byrne",
    "Tom Walsh",
    "Ren\u00e9e Okafor",
    "Dan Hughes",
    "Priya Shah",
    "Jo Evans",
]
# How the provider spells each clean level: (spelling, weight).
SPELLINGS = {
    "gender": {
        "male": [("Male", 0.70), ("M", 0.14), ("MALE", 0.08), ("male ", 0.08)],
        "female": [("Female", 0.70), ("F", 0.30)],
    },
    "disposal": {
        "community order": [("Community Order", 1.0)],
        "suspended sentence order": [("SSO", 0.5), ("Suspended Sentence Order", 0.5)],
        "licence": [("Licence", 1.0)],
        "post-sentence supervision": [("PSS", 1.0)],
    },
    "risk": {
        "low": [("Low", 1.0)],
        "medium": [("Medium", 0.8), ("medium", 0.2)],
        "high": [("High", 1.0)],
        "very high": [("Very High", 1.0)],
    },
}
FIRST_DATA_ROW = 4  # title (1), blank (2), header (3)
STAMP = dt.datetime(2024, 3, 1, 9, 0, 0)


def make_cases(seed: int = SEED) -> list[dict[str, str]]:
    """The 300 clean cases, in the provider's (random) row order."""
    rng = np.random.default_rng(seed)
    numbers = rng.choice(np.arange(1, 200_000), size=CASES, replace=False)
    rows = []
    for number in numbers:
        gender = "female" if rng.random() < 0.14 else "male"
        disposal = DISPOSALS[rng.choice(4, p=[0.38, 0.21, 0.28, 0.13])]
        risk = RISKS[rng.choice(4, p=[0.42, 0.47, 0.10, 0.01])]
        start = dt.date(2023, 10, 1) + dt.timedelta(days=int(rng.integers(61)))
        rows.append(
            {
                "case_id": f"{number:06d}",
                "gender": gender,
                "disposal": disposal,
                "risk": risk,
                "start_date": start.isoformat(),
                "office": OFFICES[rng.integers(len(OFFICES))],
                "offender_manager": MANAGERS[rng.integers(len(MANAGERS))],
            }
        )
    if not any(r["risk"] == "very high" for r in rows):  # keep the four RoSH levels present
        rows[int(rng.integers(CASES))]["risk"] = "very high"
    return rows


def _spell(rng: np.random.Generator, variable: str, level: str) -> str:
    options = SPELLINGS[variable][level]
    weights = np.array([w for _, w in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


def make_messy(cases: list[dict[str, str]], seed: int = SEED) -> tuple[list[list[object]], dict]:
    """The Cases sheet as rows of cells (dates as dates) and the record of what was planted."""
    rng = np.random.default_rng(seed + 1)
    body: list[list[object]] = []
    for case in cases:
        body.append(
            [
                case["case_id"],
                _spell(rng, "gender", case["gender"]),
                _spell(rng, "disposal", case["disposal"]),
                _spell(rng, "risk", case["risk"]),
                dt.date.fromisoformat(case["start_date"]),
                case["office"],
                case["offender_manager"],
            ]
        )
    # Every planted spelling appears at least once (the weights alone might miss a rare one).
    for variable, column in (("gender", 1), ("disposal", 2), ("risk", 3)):
        for level, options in SPELLINGS[variable].items():
            used = {row[column] for row in body}
            holders = [i for i, c in enumerate(cases) if c[variable] == level]
            for spelling, _ in options:
                if spelling not in used and holders:
                    body[holders[int(rng.integers(len(holders)))]][column] = spelling
                    used = {row[column] for row in body}
    # One case's row will be repeated word for word further down.
    source = int(rng.integers(20, 120))
    repeat_at = int(rng.integers(180, CASES))
    # Two blank RoSH cells (low or medium cases other than the repeated one).
    candidates = [i for i, c in enumerate(cases) if c["risk"] in ("low", "medium") and i != source]
    blank_at = sorted(int(i) for i in rng.choice(candidates, size=2, replace=False))
    for i in blank_at:
        body[i][3] = None
    body.insert(repeat_at, list(body[source]))
    rows: list[list[object]] = [[TITLE], [], HEADER, *body]
    total_row = len(rows) + 1
    rows.append(["Total", len(body)])
    rows.append([])
    rows.append([FOOTER])

    def sheet_row(i: int) -> int:  # index in body -> spreadsheet row
        return FIRST_DATA_ROW + i

    def row_of(case_index: int) -> int:  # case index -> its row (after the repeat is inserted)
        return sheet_row(case_index + (1 if case_index >= repeat_at else 0))

    spellings = {
        name: sorted({str(r[col]).strip() for r in body if r[col] is not None}, key=str)
        for name, col in (("Gender", 1), ("Sentence Type", 2), ("RoSH", 3))
    }
    planted = {
        "sheet": "Cases",
        "other_sheets": ["Notes"],
        "header_row": 3,
        "title_rows": [1],
        "data_rows": [FIRST_DATA_ROW, FIRST_DATA_ROW + len(body) - 1],
        "cases": CASES,
        "rows_with_a_crn": len(body),
        "total_row": total_row,
        "footer_row": total_row + 2,
        "blank_rosh_rows": [row_of(i) for i in blank_at],
        "blank_rosh_ids": [cases[i]["case_id"] for i in blank_at],
        "blank_rosh_levels": [cases[i]["risk"] for i in blank_at],
        "repeated_id": cases[source]["case_id"],
        "repeated_rows": sorted([row_of(source), sheet_row(repeat_at)]),
        "spellings": spellings,
        "trailing_space_spelling": "male ",
        "leading_zero_ids": sum(c["case_id"].startswith("0") for c in cases),
    }
    return rows, planted


def _text_rows(rows: list[list[object]]) -> list[list[str]]:
    """The sheet as Excel writes it to CSV: every row padded to the header's width, UK dates."""
    width = len(HEADER)
    out = []
    for row in rows:
        cells = [
            "" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else str(v)
            for v in row
        ]
        out.append(cells + [""] * (width - len(cells)))
    return out


def write_csv(path: Path, rows: list[list[str]], *, encoding: str, delimiter: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _fixed_zip(path: Path) -> None:
    """Rewrite a workbook with fixed zip timestamps and document dates (same bytes every run)."""
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: f"{m.group(1)}{stamp}{m.group(3)}",
                    data.decode("utf-8"),
                )
                data = text.encode("utf-8")
            target.writestr(
                zipfile.ZipInfo(name, date_time=STAMP.timetuple()[:6]),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


def write_workbook(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cases"
    for row in rows:
        sheet.append(row)
    for (cell,) in sheet.iter_rows(min_row=FIRST_DATA_ROW, min_col=5, max_col=5):
        if isinstance(cell.value, dt.date):
            cell.number_format = "dd/mm/yyyy"
    for (cell,) in sheet.iter_rows(min_row=FIRST_DATA_ROW, min_col=1, max_col=1):
        cell.number_format = "@"  # CRNs stored as text, as a careful provider does
    for letter, width in zip("ABCDEFG", (10, 9, 24, 10, 12, 22, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet("Notes")
    for line in (
        ["Extract notes"],
        ["Run on 01/03/2024 from the case management system."],
        ["Eligible: supervision began 1 October to 30 November 2023."],
        ["Excluded: cases transferred out before the run date."],
    ):
        notes.append(line)
    book.properties.creator = "make_messy_fixtures.py"
    book.properties.created = STAMP
    book.save(path)
    _fixed_zip(path)


MAPPING = """\
# How the provider's list (messy_cases.xlsx, sheet Cases) maps to the toolkit's case list.
# Read with: python -m sampling draw messy_cases.xlsx --mapping messy_mapping.toml \\
#   --drop-totals --drop-repeats ...
# The built-in vocabularies merge M/Male/MALE/male into male, F/Female into female, SSO and
# Suspended Sentence Order into suspended sentence order, PSS into post-sentence supervision,
# and the RoSH spellings into low, medium, high and very high.
vocabularies = "apply"

[columns]   # column in the file = name used from here on
CRN = "case_id"
Gender = "gender"
"Sentence Type" = "disposal"
RoSH = "risk"
"Start Date" = "start_date"
Office = "office"
"Offender Manager" = "offender_manager"

# RoSH levels the provider supplied afterwards for the two cases sent with a blank RoSH.
"""


def mapping_text(planted: dict) -> str:
    lines = [MAPPING]
    for case_id, level in zip(planted["blank_rosh_ids"], planted["blank_rosh_levels"], strict=True):
        lines.append(f'[corrections."{case_id}"]\nrisk = "{level}"\n')
    return "\n".join(lines)


def write_all(folder: Path, seed: int = SEED) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    cases = make_cases(seed)
    rows, planted = make_messy(cases, seed)
    with open(folder / "clean_cases.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CLEAN_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(cases)
    write_workbook(folder / "messy_cases.xlsx", rows)
    text = _text_rows(rows)
    write_csv(folder / "messy_cases_cp1252.csv", text, encoding="cp1252", delimiter=",")
    write_csv(folder / "messy_cases_semicolon.csv", text, encoding="utf-8", delimiter=";")
    write_csv(folder / "messy_cases_bom.csv", text, encoding="utf-8-sig", delimiter=",")
    write_csv(folder / "messy_cases_tab.txt", text, encoding="utf-8", delimiter="\t")
    (folder / "messy_mapping.toml").write_text(mapping_text(planted), encoding="utf-8")
    (folder / "planted.json").write_text(json.dumps(planted, indent=2) + "\n", encoding="utf-8")
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "messy"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args()
    planted = write_all(args.out)
    print(
        f"wrote {args.out}: {planted['cases']} cases, {planted['rows_with_a_crn']} rows with a CRN"
    )


if __name__ == "__main__":
    main()
