"""Results folders: people's files are never lost, and a replacement is atomic at every instant.

* ``--force`` replaces only a folder the toolkit wrote (marker, nothing else in it, no file
  edited), never one holding other files;
* a kill (SIGKILL) at random points of a replacement leaves the old or the new folder under the
  name, complete, never neither (with ``renameat2``; with the two-rename fallback, after the
  recovery that the next write runs);
* parallel writers to one folder: exactly one succeeds, and a success's results are there.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from inspection_core import files
from inspection_core.errors import ParameterError
from inspection_core.files import (
    MARKER,
    check_output_folder,
    folder_problem,
    recover_folder,
    write_folder,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"


def _fill(version: int, size: int = 20_000) -> object:
    def fill(folder: Path) -> None:
        (folder / "a.csv").write_text(f"{version}\n" + "x" * size, encoding="utf-8")
        (folder / "b.csv").write_text(f"{version}\n", encoding="utf-8")

    return fill


def _version(folder: Path) -> int:
    """The version a complete folder holds; fails on a partial or mixed folder."""
    record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert record["state"] == "complete"
    assert sorted(record["files"]) == ["a.csv", "b.csv"]
    assert folder_problem(folder) is None  # every file as the marker records it
    first = (folder / "a.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (folder / "b.csv").read_text(encoding="utf-8") == f"{first}\n"
    return int(first)


def test_force_replaces_only_a_folder_the_toolkit_wrote(tmp_path: Path) -> None:
    out = tmp_path / "results"
    write_folder(out, _fill(1))  # type: ignore[arg-type]
    assert _version(out) == 1
    with pytest.raises(ParameterError, match="already holds files"):
        write_folder(out, _fill(2))  # type: ignore[arg-type]
    write_folder(out, _fill(2), force=True)  # type: ignore[arg-type]
    assert _version(out) == 2
    # A person's file inside: refused, and listed.
    (out / "notes.docx").write_bytes(b"my notes")
    with pytest.raises(ParameterError, match=r"did not write: notes\.docx"):
        write_folder(out, _fill(3), force=True)  # type: ignore[arg-type]
    assert (out / "notes.docx").read_bytes() == b"my notes"
    (out / "notes.docx").unlink()
    # An edited result file (substitutions noted in it): refused.
    with open(out / "b.csv", "a", encoding="utf-8") as fh:
        fh.write("CRN1 replaced by CRN2\n")
    with pytest.raises(ParameterError, match=r"b\.csv was changed after the toolkit wrote it"):
        write_folder(out, _fill(3), force=True)  # type: ignore[arg-type]
    # A folder with no marker at all, e.g. a thesis folder.
    thesis = tmp_path / "thesis"
    (thesis / "sub").mkdir(parents=True)
    (thesis / "thesis.docx").write_bytes(b"chapter 1")
    (thesis / "sub" / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(ParameterError, match=r"no \.inspection-toolkit marker.*sub/, thesis\.docx"):
        write_folder(thesis, _fill(1), force=True)  # type: ignore[arg-type]
    assert (thesis / "thesis.docx").read_bytes() == b"chapter 1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "thesis"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("", "must name a folder"),
        ("   ", "must name a folder"),
        (".", "must not be the current folder"),
        ("{here}/..", "must not be the current folder or one above it"),
        ("{input_dir}", "holds the input file cases.csv"),
        ("{input_dir}/..", "holds the input file cases.csv"),
        ("{input}", "holds the input file cases.csv"),
        ("{file}", "is a file"),
        ("{link}", "is a symbolic link"),
        ("{missing}/out", "parent folder does not exist"),
        ("{long}", "longer than 255 bytes"),
        ("/", "must not be the root folder"),
    ],
)
def test_bad_output_folders_are_refused(
    where: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "work"
    data = tmp_path / "data" / "in"
    here.mkdir()
    data.mkdir(parents=True)
    (data / "cases.csv").write_text("case_id\n1\n", encoding="utf-8")
    (here / "a-file").write_text("x", encoding="utf-8")
    (here / "link").symlink_to(data)
    monkeypatch.chdir(here)
    text = where.format(
        here=here,
        input_dir=data,
        input=data / "cases.csv",
        file=here / "a-file",
        link=here / "link",
        missing=tmp_path / "nope",
        long="x" * 256,
    )
    for force in (False, True):
        with pytest.raises(ParameterError, match=message):
            check_output_folder(text, force=force, inputs=[data / "cases.csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "work"]


def test_long_names_fit_with_their_temporary_names(tmp_path: Path) -> None:
    name = "é" * 127  # 254 bytes in UTF-8: legal; ".<name>.inspection-new" would not be
    out = tmp_path / name
    write_folder(out, _fill(1))  # type: ignore[arg-type]
    write_folder(out, _fill(2), force=True)  # type: ignore[arg-type]
    assert _version(out) == 2
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_failed_fill_leaves_the_old_folder_and_no_temporary_one(tmp_path: Path) -> None:
    out = tmp_path / "results"
    write_folder(out, _fill(1))  # type: ignore[arg-type]

    def broken(folder: Path) -> None:
        (folder / "a.csv").write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(ParameterError, match="cannot be written: No space left on device"):
        write_folder(out, broken, force=True)
    assert _version(out) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_read_only_parent_is_one_clear_error(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        if os.access(parent, os.W_OK):  # root ignores permission bits
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(ParameterError, match="no permission to write"):
            write_folder(parent / "out", _fill(1))  # type: ignore[arg-type]
    finally:
        parent.chmod(0o700)


# --- kills ------------------------------------------------------------------------------------

CHILD = """
import sys
from pathlib import Path
from inspection_core import files
if sys.argv[2] == "fallback":
    files._renameat2 = None
out = Path(sys.argv[1])

def fill(version):
    def write(folder):
        (folder / "a.csv").write_text(f"{version}\\n" + "x" * 200000, encoding="utf-8")
        (folder / "b.csv").write_text(f"{version}\\n", encoding="utf-8")
    return write

version = int(sys.argv[3])
print("ready", flush=True)
while True:
    version += 1
    files.write_folder(out, fill(version), force=True)
    print(version, flush=True)
"""


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "results")


@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_sigkill_during_replacement_leaves_old_or_new(tmp_path: Path, mode: str) -> None:
    if mode == "exchange" and files._renameat2 is None:
        pytest.skip("renameat2 is not available here")
    out = tmp_path / "results"
    write_folder(out, _fill(0))  # type: ignore[arg-type]
    rng = random.Random(20261201)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(12):
        before = _version(out)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(out), mode, str(before * 1000)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        done = rng.randint(0, 3)  # replacements to let finish, then a kill at a random moment
        for _ in range(done):
            child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.01))
        child.send_signal(signal.SIGKILL)
        child.wait()
        if mode == "exchange":
            assert out.is_dir(), "the name was empty after a kill"
        else:
            with files._locked(tmp_path):
                recover_folder(out)
        after = _version(out)  # complete: the old folder or a newer one, never a mix
        assert after >= before + done
    # The next write clears every toolkit leftover (a half-written folder, an old one).
    write_folder(out, _fill(10**9), force=True)  # type: ignore[arg-type]
    assert _version(out) == 10**9 and _leftovers(tmp_path) == []


def test_the_name_never_disappears_during_replacements(tmp_path: Path) -> None:
    if files._renameat2 is None:
        pytest.skip("renameat2 is not available here")
    out = tmp_path / "results"
    write_folder(out, _fill(0, size=10))  # type: ignore[arg-type]
    stop = threading.Event()
    misses: list[str] = []

    def snapshot() -> None:
        """Read one folder through one handle, so a swap midway cannot mix two versions.

        A read may fail because the folder it opened was replaced and deleted meanwhile (the
        name then holds another folder): that is not a miss.
        """
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)  # fails if the name is ever empty
        try:

            def read(name: str) -> str:
                with open(
                    name, encoding="utf-8", opener=lambda p, f: os.open(p, f, dir_fd=fd)
                ) as fh:
                    return fh.read()

            try:
                state = json.loads(read(MARKER))["state"]
                a, b = read("a.csv"), read("b.csv")
            except FileNotFoundError:
                if os.fstat(fd).st_ino != os.stat(out).st_ino:
                    return  # this folder was replaced while being read
                raise
            assert state == "complete"
            assert b == a.splitlines()[0] + "\n"
        finally:
            os.close(fd)

    def watch() -> None:
        while not stop.is_set():
            try:
                snapshot()
            except (OSError, AssertionError, ValueError) as exc:
                misses.append(repr(exc))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for version in range(1, 60):
            write_folder(out, _fill(version, size=10), force=True)  # type: ignore[arg-type]
    finally:
        stop.set()
        watcher.join()
    assert misses == []
    assert _version(out) == 59


# --- parallel writers -------------------------------------------------------------------------


def test_threads_writing_one_new_folder_one_wins(tmp_path: Path) -> None:
    out = tmp_path / "results"
    outcomes: dict[int, str] = {}

    def attempt(version: int) -> None:
        try:
            write_folder(out, _fill(version))  # type: ignore[arg-type]
            outcomes[version] = "ok"
        except ParameterError as exc:
            outcomes[version] = str(exc)

    threads = [threading.Thread(target=attempt, args=(v,)) for v in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [v for v, o in outcomes.items() if o == "ok"]
    assert len(winners) == 1, outcomes
    assert _version(out) == winners[0]
    assert all("already holds files" in o for o in outcomes.values() if o != "ok")
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def _draw(out: Path, seed: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sampling", "draw", str(EXAMPLE), "--n", "auto", "--seed",
         str(seed), "--out", str(out), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_parallel_draws_to_one_folder(tmp_path: Path) -> None:
    for round_ in range(1):
        out = tmp_path / f"round{round_}"
        procs = {seed: _draw(out, seed) for seed in (111, 222)}
        done = {seed: (p.wait(timeout=120), *p.communicate()) for seed, p in procs.items()}
        ok = [seed for seed, (code, _, _) in done.items() if code == 0]
        assert len(ok) == 1, done
        (loser,) = set(done) - set(ok)
        code, stdout, stderr = done[loser]
        assert code == 2 and stdout == "" and "already holds files" in stderr
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["seed"] == ok[0]
        assert f"(seed {ok[0]}," in done[ok[0]][1]
    # With --force both may succeed, one after the other: the folder holds the later one whole.
    out = tmp_path / "forced"
    procs = {seed: _draw(out, seed, "--force") for seed in (333, 444)}
    done = {seed: (p.wait(timeout=120), *p.communicate()) for seed, p in procs.items()}
    ok = [seed for seed, (code, _, _) in done.items() if code == 0]
    assert ok, done
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] in ok and folder_problem(out) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forced", "round0"]


def test_lock_file_where_folders_cannot_be_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import stat

    real = fcntl.flock

    def no_folder_locks(fd: int, operation: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):  # as some network file systems do
            raise OSError(9, "Bad file descriptor")
        real(fd, operation)

    monkeypatch.setattr(fcntl, "flock", no_folder_locks)
    write_folder(tmp_path / "results", _fill(1))  # type: ignore[arg-type]
    write_folder(tmp_path / "results", _fill(2), force=True)  # type: ignore[arg-type]
    assert _version(tmp_path / "results") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".inspection-toolkit.lock", "results"]


# --- the manifest hashes the bytes that were read ----------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_manifest_records_the_hash_of_the_bytes_read(tmp_path: Path, suffix: str) -> None:
    import hashlib

    import pandas as pd

    from sampling import draw, read_case_list, write_draw

    frame = pd.read_csv(EXAMPLE, dtype=str)
    path = tmp_path / f"cases{suffix}"
    {".csv": lambda: frame.to_csv(path, index=False),
     ".xlsx": lambda: frame.to_excel(path, index=False),
     ".parquet": lambda: frame.to_parquet(path, index=False)}[suffix]()  # fmt: skip
    read_bytes = path.read_bytes()
    listing = read_case_list(path)
    assert listing.input_sha256 == hashlib.sha256(read_bytes).hexdigest()
    result = draw(listing.cases, 20, seed=4)
    written = write_draw(result, tmp_path / "ok", input_path=path, case_list=listing)
    assert written.manifest["input_sha256"] == listing.input_sha256
    # The file changes after it was read (a row appended by someone else): the manifest would
    # name bytes the draw never saw, so nothing is written and the message says why.
    with path.open("ab") as fh:
        fh.write(b"\n")
    with pytest.raises(ParameterError, match="changed after its cases were read") as caught:
        write_draw(result, tmp_path / "late", input_path=path, case_list=listing)
    assert caught.value.parameter == "input_path"
    assert not (tmp_path / "late").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"cases{suffix}", "ok"]
