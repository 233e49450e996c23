"""Manifest version 2: contents, sealing, refusals; version-1 manifests from release 0.1 repeat.

``tests/fixtures/v1_draw`` was written by release 0.1 (commit 65a3ea0) before any of this code
changed; its README says how.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sampling import ReproductionWarning, draw, make_manifest, read_cases, reproduce_draw
from sampling._cli import main
from sampling._frame import prepare_cases
from sampling._manifest import content_digest, load_manifest
from sampling._prn import HASH_SCHEME
from sampling._rounding_problem import rounding_problem
from sampling._rounding_unbiased import decompose
from sampling._selection import draw_table

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"
V1 = ROOT / "tests" / "fixtures" / "v1_draw"
STRATA = ("gender", "disposal", "risk")


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return read_cases(EXAMPLE)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def test_v1_fixture_still_reproduces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = json.loads((V1 / "manifest.json").read_text(encoding="utf-8"))
    assert record["manifest_version"] == 1 and record["method"] == "controlled"
    result = reproduce_draw(V1 / "manifest.json", EXAMPLE)
    sample = pd.read_csv(V1 / "sample.csv", dtype=str, keep_default_na=False)
    reserves = pd.read_csv(V1 / "reserves.csv", dtype=str, keep_default_na=False)
    assert result.sample["case_id"].tolist() == sample["case_id"].tolist()
    assert result.reserves["case_id"].tolist() == reserves["case_id"].tolist()
    assert result.sample["draw_order"].astype(str).tolist() == sample["draw_order"].tolist()
    assert result.created_utc == record["created_utc"]
    # the old files' columns come back unchanged (the new ones are added after them)
    shared = list(sample.columns)
    again = result.sample[shared].astype(str)
    pd.testing.assert_frame_equal(again, sample, check_dtype=False)
    # the command repeats it too, and the new manifest names the old selection
    code, err = _cli(capsys, "draw", "--manifest", str(V1 / "manifest.json"), str(EXAMPLE),
                     "--out", str(tmp_path / "again"))  # fmt: skip
    assert code == 0, err
    written = json.loads((tmp_path / "again" / "manifest.json").read_text(encoding="utf-8"))
    assert written["manifest_version"] == 2 and written["selection"].startswith("numpy.random")
    assert written["sample_ids"] == record["sample_ids"]
    # ... and that version-2 manifest of a version-1 draw repeats in turn
    twice = reproduce_draw(tmp_path / "again" / "manifest.json", EXAMPLE)
    assert twice.sample["case_id"].tolist() == sample["case_id"].tolist()


def test_v1_manifest_on_another_numpy_stream_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What a changed numpy stream looks like to a version-1 manifest: a clear refusal.
    real = np.random.default_rng

    def shifted(seed: object = None) -> np.random.Generator:
        return real(int(seed) + 1)  # type: ignore[call-overload]

    monkeypatch.setattr(np.random, "default_rng", shifted)
    with pytest.raises(ValueError, match=r"numpy 2\.4\.6 drew it; this is numpy .* whose random"):
        reproduce_draw(V1 / "manifest.json", EXAMPLE)


def test_v2_contents(cases: pd.DataFrame) -> None:
    result = draw(cases, "auto", seed=2026, reserves=2)
    m = make_manifest(result, input_path=EXAMPLE, n_requested="auto")
    assert m["manifest_version"] == 2 and m["selection"] == HASH_SCHEME
    assert m["method"] == "unbiased" and m["seed"] == 2026
    assert m["rounding"]["route"] == "decomposition" and m["rounding"]["exact"] is True
    assert m["rounding"]["roundings"] == result.allocation.rounding.roundings
    assert 0 <= m["rounding"]["u"] < 1 and m["rounding"]["chosen"] >= 1
    assert [c["allocated"] for c in m["allocation"]] == result.allocation.cells[
        "allocated"
    ].tolist()
    assert {c["inclusion_probability"] for c in m["allocation"]} == {0.4}
    assert m["population_size"] == 250 and m["exclusions"] is None
    assert m["content_sha256"] == content_digest(m)
    json.dumps(m, allow_nan=False)  # plain JSON: no NaN or infinity


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["allocation"][0].update(allocated=4), "edited after it was written"),
        (lambda m: m.update(selection="prn-v0: something else"), "edited after it was written"),
        (lambda m: m.update(seed=2027), "edited after it was written"),
    ],
)
def test_tampered_v2_manifest_is_refused(cases: pd.DataFrame, edit: object, message: str) -> None:
    m = make_manifest(draw(cases, "auto", seed=2026, reserves=2), input_path=EXAMPLE)
    edit(m)  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        reproduce_draw(m, EXAMPLE)


def test_tampered_and_resealed_manifest_is_still_refused(cases: pd.DataFrame) -> None:
    base = make_manifest(draw(cases, "auto", seed=2026, reserves=2), input_path=EXAMPLE)
    # another hash scheme, digest recomputed: refused by name
    scheme = dict(base, selection="prn-v9: a scheme this toolkit does not have")
    scheme["content_sha256"] = content_digest(scheme)
    with pytest.raises(ValueError, match="hash scheme 'prn-v9"):
        reproduce_draw(scheme, EXAMPLE)
    # another (valid-looking) allocation, digest recomputed, same scipy: refused
    moved = json.loads(json.dumps(base))
    moved["allocation"][0]["allocated"] += 1
    moved["allocation"][1]["allocated"] -= 1
    moved["content_sha256"] = content_digest(moved)
    with pytest.raises(ValueError, match="repeated allocation differs from the manifest's"):
        reproduce_draw(moved, EXAMPLE)
    # a version this toolkit does not know
    newer = dict(base, manifest_version=3)
    with pytest.raises(ValueError, match="manifest version 3 is not one this toolkit reads"):
        load_manifest(newer)


def test_another_scipy_uses_the_recorded_allocation(cases: pd.DataFrame) -> None:
    # A draw whose allocation is another rounding of the decomposition (as another scipy's
    # column generation might pick), recorded with another scipy version: the repeat warns,
    # checks the recorded counts are a valid rounding, and repeats the sample exactly.
    table = prepare_cases(cases, id_column="case_id", strata=STRATA)
    n_levels = tuple(len(lv) for lv in table.levels)
    p = rounding_problem(table.population, table.cell_codes, n_levels, 100)
    dec = decompose(p.fraction, p.incidence(), p.low.astype(float), p.high.astype(float), p.extra)
    seed = 2026
    drawn = draw(cases, 100, seed=seed, reserves=2)
    chosen = drawn.allocation.cells["allocated"].to_numpy()
    for b in dec.columns:  # any other rounding in the support
        other = p.floor.copy()
        other[p.fractional] += b.astype(np.int64)
        if other.tolist() != chosen.tolist():
            break
    forced = draw_table(table, 100, seed=seed, reserves=2, method="unbiased", minimum=1,
                        recorded=other)  # fmt: skip
    m = make_manifest(forced, input_path=EXAMPLE)
    m["scipy_version"] = "0.0.1"
    m["content_sha256"] = content_digest(m)
    with pytest.warns(ReproductionWarning, match="decomposes the quotas differently"):
        again = reproduce_draw(m, EXAMPLE)
    assert again.sample["case_id"].tolist() == forced.sample["case_id"].tolist()
    # an invalid recorded allocation (a cell above its ceiling) is refused even so
    bad = json.loads(json.dumps(m))
    bad["allocation"][9]["allocated"] += 1  # 20.00 -> 21
    bad["allocation"][10]["allocated"] -= 1
    bad["content_sha256"] = content_digest(bad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReproductionWarning)
        with pytest.raises(ValueError, match="not a valid rounding of the quotas"):
            reproduce_draw(bad, EXAMPLE)


def test_cli_refuses_a_tampered_manifest_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first"
    code, _ = _cli(capsys, "draw", str(EXAMPLE), "--n", "auto", "--seed", "2026", "--out",
                   str(first))  # fmt: skip
    assert code == 0
    record = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    record["allocation"][3]["allocated"] += 1
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(record), encoding="utf-8")
    code, err = _cli(capsys, "draw", "--manifest", str(tampered), str(EXAMPLE), "--out",
                     str(tmp_path / "x"))  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "edited after it was written" in err
    assert not (tmp_path / "x").exists()


ALLOCATION = "repeated allocation differs from the manifest's"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # settings: the seed also picks the rounding, so the allocation differs first
        (lambda m: m.update(seed=m["seed"] + 1, sample_sha256=None), ALLOCATION),
        (lambda m: m.update(n=m["n"] + 1), ALLOCATION),
        (lambda m: m.update(method="controlled"), ALLOCATION),
        (lambda m: m.update(strata=["gender", "risk"]), ALLOCATION),
        (lambda m: m.update(reserves=1), "repeated draw's reserve_ids differs"),
        # recorded results
        (lambda m: m["reserve_ids"].reverse(), "repeated draw's reserve_ids differs"),
        (lambda m: m["sample_ids"].reverse(), "repeated draw's sample_ids differs"),
        (lambda m: m.update(population_size=10), "repeated draw's population_size differs"),
        (
            lambda m: m["margins"]["gender"]["female"].update(allocated=0),
            "repeated draw's margins differs",
        ),
        (
            lambda m: m["allocation"][0].update(population=99),
            "repeated draw's allocation differs",
        ),
    ],
)
def test_every_field_is_checked_even_when_resealed(
    cases: pd.DataFrame, edit: object, message: str
) -> None:
    # Issue 11: a manifest edited and resealed (its content digest recomputed by hand) passes
    # the digest check; the repeat then compares every result field it records with its own
    # and names the first that differs.
    m = make_manifest(draw(cases, "auto", seed=2026, reserves=2), input_path=EXAMPLE)
    edit(m)  # type: ignore[operator]
    if m.get("sample_sha256", "") is None:
        del m["sample_sha256"]
    m["content_sha256"] = content_digest(m)
    with pytest.raises(ValueError, match=message):
        reproduce_draw(m, EXAMPLE)
