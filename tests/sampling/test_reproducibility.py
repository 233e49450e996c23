"""Reproducibility: same input and seed, same bytes; the manifest repeats it; the stream pinned.

The draw's files are compared byte for byte. Between two draws of the same file only the
manifest's ``created_utc`` may differ (a draw repeated from its manifest keeps it, so there the
manifest is identical too); a file with its rows shuffled is a different file, so its manifest
also records a different ``input_sha256`` (and so a different ``content_sha256``; that is all).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sampling import read_cases
from sampling._cli import main
from sampling._frame import prepare_cases
from sampling._manifest import content_digest
from sampling._selection import draw_table
from sampling._selection_v1 import SELECTION_V1, rank_within_cells

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
DATA_FILES = ("sample.csv", "reserves.csv", "balance.csv")
TIMESTAMP = "created_utc"


def _draw_cli(cases: Path, out: Path, *extra: str) -> None:
    args = ["draw", str(cases), "--n", "auto", "--seed", "2026", "--reserves", "2"]
    code = main([*args, *extra, "--out", str(out)])
    assert code == 0


def _manifest(folder: Path, *ignore: str) -> dict[str, object]:
    record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(record, dict)
    for key in (TIMESTAMP, *ignore):
        record.pop(key)
    return record


def _same_bytes(a: Path, b: Path, names: tuple[str, ...] = DATA_FILES) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), f"{name} differs"


def _shuffled_copy(source: Path, target: Path, seed: int) -> None:
    header, *rows = source.read_text(encoding="utf-8").splitlines()
    order = np.random.default_rng(seed).permutation(len(rows))
    target.write_text("\n".join([header, *(rows[i] for i in order)]) + "\n", encoding="utf-8")


def test_same_file_and_seed_give_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _draw_cli(EXAMPLE, tmp_path / "one")
    _draw_cli(EXAMPLE, tmp_path / "two")
    capsys.readouterr()
    _same_bytes(tmp_path / "one", tmp_path / "two")
    assert _manifest(tmp_path / "one") == _manifest(tmp_path / "two")
    # the manifest's bytes differ at most in the timestamp line
    one = (tmp_path / "one" / "manifest.json").read_text().splitlines()
    two = (tmp_path / "two" / "manifest.json").read_text().splitlines()
    stamp = [line for line in one if f'"{TIMESTAMP}"' in line]
    assert len(stamp) == 1
    assert [a for a, b in zip(one, two, strict=True) if a != b] in ([], stamp)


def test_another_process_gives_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh interpreter with another string-hash seed: nothing may depend on set order."""
    _draw_cli(EXAMPLE, tmp_path / "here")
    capsys.readouterr()
    cmd = [sys.executable, "-m", "sampling", "draw", str(EXAMPLE), "--n", "auto", "--seed",
           "2026", "--reserves", "2", "--out", str(tmp_path / "there")]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env, timeout=120)
    _same_bytes(tmp_path / "here", tmp_path / "there")
    assert _manifest(tmp_path / "here") == _manifest(tmp_path / "there")


@pytest.mark.parametrize("shuffle_seed", [1, 2, 3])
def test_shuffled_rows_give_the_same_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shuffle_seed: int
) -> None:
    shuffled = tmp_path / "example_population.csv"  # same name, rows in another order
    _shuffled_copy(EXAMPLE, shuffled, shuffle_seed)
    assert shuffled.read_bytes() != EXAMPLE.read_bytes()
    _draw_cli(EXAMPLE, tmp_path / "original")
    _draw_cli(shuffled, tmp_path / "shuffled")
    capsys.readouterr()
    _same_bytes(tmp_path / "original", tmp_path / "shuffled")
    ignore = ("input_sha256", "content_sha256")  # another file, so another digest of it
    assert _manifest(tmp_path / "original", *ignore) == _manifest(tmp_path / "shuffled", *ignore)


def test_the_same_cases_as_excel_or_parquet_give_the_same_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    cases.to_excel(tmp_path / "cases.xlsx", index=False)
    cases.sample(frac=1, random_state=5).to_parquet(tmp_path / "cases.parquet", index=False)
    _draw_cli(EXAMPLE, tmp_path / "csv")
    _draw_cli(tmp_path / "cases.xlsx", tmp_path / "xlsx")
    _draw_cli(tmp_path / "cases.parquet", tmp_path / "parquet")
    capsys.readouterr()
    _same_bytes(tmp_path / "csv", tmp_path / "xlsx")
    _same_bytes(tmp_path / "csv", tmp_path / "parquet")


def test_the_manifest_reproduces_the_draw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    _draw_cli(EXAMPLE, first, "--strata", "gender,risk", "--method", "largest-remainder")
    code = main(["draw", "--manifest", str(first / "manifest.json"), str(EXAMPLE), "--out",
                 str(again)])  # fmt: skip
    capsys.readouterr()
    assert code == 0
    # every file byte for byte, the manifest included (it keeps the draw's created_utc)
    _same_bytes(first, again, (*DATA_FILES, "manifest.json"))
    record = _manifest(first)
    assert (record["strata"], record["method"], record["seed"]) == (
        ["gender", "risk"],
        "largest-remainder",
        2026,
    )


def test_a_manifest_whose_sample_differs_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest whose recorded sample was changed (digest recomputed): refused, not redrawn."""
    first = tmp_path / "first"
    _draw_cli(EXAMPLE, first)
    record = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    record["sample_sha256"] = "0" * 64
    record["content_sha256"] = content_digest(record)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(record), encoding="utf-8")
    capsys.readouterr()
    code = main(["draw", "--manifest", str(tampered), str(EXAMPLE), "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "the repeated sample differs from the manifest's" in err
    assert not (tmp_path / "x").exists()


# numpy 2.x: numpy.random.default_rng(2026).random(5), printed with repr()
PINNED_UNIFORMS_2026 = [
    0.17893481367543618,
    0.6399131657151546,
    0.4672684011434851,
    0.37050052710804804,
    0.3549173343096512,
]
STREAM_CHANGED = (
    "numpy's default_rng(seed).random() stream has changed (numpy {version}). Every draw's "
    "sample would change with it: a manifest from an older numpy would no longer reproduce. "
    "Pin numpy to the version in the manifests' numpy_version, or record the change in the "
    "CHANGELOG and the methods page (docs/methods-sampling-draw.md), re-pin these values and "
    "PINNED_2026 in tests/sampling/test_selection.py, and tell users that old seeds give new "
    "samples."
)


def test_the_documented_random_stream_is_pinned() -> None:
    """The stream version-1 draws are defined on (module docs of sampling._selection_v1)."""
    rng = np.random.default_rng(2026)
    assert type(rng.bit_generator).__name__ == "PCG64", STREAM_CHANGED.format(
        version=np.__version__
    )
    assert rng.random(5).tolist() == PINNED_UNIFORMS_2026, STREAM_CHANGED.format(
        version=np.__version__
    )
    assert "numpy.random.default_rng(seed) (PCG64); u = rng.random(N)" in SELECTION_V1


def test_the_library_uses_the_stream_as_documented() -> None:
    """Version 1: the k-th uniform goes to the k-th smallest ID; cells take their smallest."""
    ids = np.array(["C", "A", "E", "B", "D"])  # text order A B C D E = positions 1 3 0 4 2
    order = np.argsort(ids, kind="stable").astype(np.int64)
    u = np.empty(5)
    u[order] = PINNED_UNIFORMS_2026  # A 0.179, B 0.640, C 0.467, D 0.371, E 0.355
    rows, _cells, ranks = rank_within_cells(
        np.zeros(5, dtype=np.int64), order, np.array([5]), seed=2026
    )
    assert rows.tolist() == np.argsort(u).tolist() == [1, 2, 4, 0, 3]  # A E D C B
    assert ranks.tolist() == [0, 1, 2, 3, 4]

    cases = pd.DataFrame(
        {"case_id": ids, "gender": ["m"] * 5, "disposal": ["licence"] * 5, "risk": ["low"] * 5}
    )
    table = prepare_cases(cases, id_column="case_id", strata=("gender", "disposal", "risk"))
    result = draw_table(table, 2, seed=2026, reserves=2, method="controlled", minimum=1,
                        legacy=True)  # fmt: skip
    assert result.sample["case_id"].tolist() == ["A", "E"]
    assert result.reserves["case_id"].tolist() == ["D", "C"]


def test_read_cases_is_only_reading(tmp_path: Path) -> None:
    copy = tmp_path / "cases.csv"
    copy.write_bytes(EXAMPLE.read_bytes())
    before = copy.stat().st_mtime_ns, copy.read_bytes()
    read_cases(copy)
    assert (copy.stat().st_mtime_ns, copy.read_bytes()) == before
