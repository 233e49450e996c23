"""Atomic output: a file or a whole folder appears complete under its name, or not at all.

Folders the toolkit writes (a draw's results) carry a marker file, :data:`MARKER`, listing every
file the toolkit put there with its SHA-256. ``force`` replaces only such a folder, and only while
it holds nothing else and none of its files was edited: a person's files are never deleted.

How a folder is replaced (:func:`write_folder`), so that a kill at any instant leaves the old or
the new folder under the name, never neither:

1. a lock is taken on the parent folder (``fcntl.flock``; writers to one parent take turns, and
   each re-checks the folder once it holds the lock, so a second draw refuses rather than
   moving the first one's results aside);
2. the new folder is filled under a temporary name beside the target (the marker goes in
   first, so a half-written folder left by a kill is recognised and removed by the next write);
3. on Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the new folder and the old one in one step
   (``RENAME_NOREPLACE`` puts a first folder in place without replacing anything that appeared
   meanwhile); the old folder, now under the temporary name, is then renamed to
   ``.<name>.inspection-old`` and deleted.

Where ``renameat2`` is missing (other systems, file systems that refuse it) the fallback is two
renames: the old folder to ``.<name>.inspection-old``, then the new one into place. A kill
between the two leaves the old results complete under that backup name, and the next write to
the same folder (or :func:`recover_folder`) puts them back before doing anything else.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ._interrupts import Interrupts
from .errors import ParameterError

__all__ = [
    "MARKER",
    "XLSX_OPTIONS",
    "atomic_write",
    "check_output_folder",
    "folder_problem",
    "is_regular_file",
    "recover_folder",
    "staged_files",
    "write_folder",
    "written_paths",
]

MARKER = ".inspection-toolkit"
"""Name of the marker file inside every folder the toolkit writes."""

XLSX_OPTIONS: dict[str, bool] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
"""XlsxWriter's workbook options for every workbook the toolkit writes: text stays text.

XlsxWriter would otherwise make text starting with ``=`` a formula and text like a web address a
link (``strings_to_numbers`` is off already; it is stated so that nothing depends on a default).
An ID, a level or a standard's name is data, never something a spreadsheet should run or follow.
"""

NAME_MAX = 255  # bytes in one path component on the usual file systems
_MARKER_TMP = MARKER + ".partial"
_SHOW = 4  # files listed when a folder is refused
_written: list[Path] = []  # outputs put in place by this process (for the Ctrl-C message)


def written_paths() -> list[Path]:
    """Outputs this process has put in place so far (files and folders, in order)."""
    return list(_written)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _short(name: str, suffix: str, reserve: int = 0) -> str:
    """``.<name>.<suffix>``, shortened with a hash of the name if need be.

    The result and ``reserve`` more bytes fit in one path component (255 bytes).
    """
    full = f".{name}.{suffix}"
    if len(os.fsencode(full)) + reserve <= NAME_MAX:
        return full
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    room = NAME_MAX - reserve - len(os.fsencode(suffix)) - 16
    head = os.fsencode(name)[:room].decode("utf-8", "ignore")
    return f".{head}~{digest}.{suffix}"


_NEW = ".inspection-new"


def _temp_prefix(name: str) -> str:
    """Prefix of temporary names beside ``name`` (room left for 8 random bytes and a suffix)."""
    return _short(name, "", reserve=8 + len(_NEW))


def atomic_write(path: Any, write: Callable[[Path], None], *, overwrite: bool = False) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place.

    A failure leaves nothing behind: no partial file and no temporary file.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is False.
    ValueError
        The folder for ``path`` does not exist.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{str(target)!r} already exists; pass overwrite=True to replace it")
    if not target.parent.is_dir():
        raise ValueError(f"folder for the output does not exist: {str(target.parent)!r}")
    suffix = target.suffix if len(target.suffix) <= 16 else ""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=_temp_prefix(target.name), suffix=suffix)
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private; use the usual mode
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _written.append(target)
    return target


@contextlib.contextmanager
def staged_files(targets: Iterable[Path | None]) -> Iterator[dict[Path, Path]]:
    """Temporary files beside each target, renamed onto the targets only if the block succeeds.

    Every temporary file is created before anything is written, so a folder that cannot be
    written (permissions, a read-only disk, a name too long) is found before any output
    exists; a failure inside the block leaves no output and no temporary file. Inside the block
    write each result to ``temps[target]`` (overwriting it).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as place:
    ...     a, b = Path(place) / "a.csv", Path(place) / "b.csv"
    ...     with staged_files([a, b]) as temps:
    ...         _ = temps[a].write_text("1"), temps[b].write_text("2")
    ...     sorted(p.name for p in Path(place).iterdir())
    ['a.csv', 'b.csv']
    """
    temps: dict[Path, Path] = {}
    try:
        for target in targets:
            if target is None:
                continue
            suffix = target.suffix if len(target.suffix) <= 16 else ""
            try:
                fd, name = tempfile.mkstemp(
                    dir=target.parent, prefix=_temp_prefix(target.name), suffix=suffix
                )
            except OSError as exc:  # name the output, not the temporary file
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            os.close(fd)
            temps[target] = Path(name)
        yield temps
        for target, temp in temps.items():
            os.chmod(temp, 0o666 & ~_umask())
            os.replace(temp, target)
            _written.append(target)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


# --- renameat2 (Linux) ------------------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def _load_renameat2() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # glibc before 2.28, or no C library found
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _rename2(source: Path, target: Path, flags: int) -> bool:
    """``renameat2``; False when the system or the file system does not offer it."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(target))


# --- ownership -------------------------------------------------------------------------------


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _listing(folder: Path) -> list[str]:
    """Entries of ``folder`` (sub-folders end in '/'), sorted, for messages."""
    names = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        names.append(entry.name + ("/" if entry.is_dir(follow_symlinks=False) else ""))
    return names


def _visible(folder: Path) -> list[str]:
    """Entries other than the marker (which every toolkit folder has)."""
    return [n for n in _listing(folder) if n != MARKER] or [MARKER]


def _shown(names: list[str]) -> str:
    more = f" and {len(names) - _SHOW} more" if len(names) > _SHOW else ""
    return ", ".join(names[:_SHOW]) + more


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        with open(folder / MARKER, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("tool") != "inspection-toolkit":
        return None
    return record


def folder_problem(folder: str | os.PathLike[str]) -> str | None:
    """Why ``folder`` may not be replaced, or ``None`` when the toolkit wrote all of it.

    A folder may be replaced when its marker is there, lists every other entry, and each listed
    file still has the SHA-256 the marker records (an edited ``sample.csv`` may hold someone's
    notes on substitutions, so it is kept).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as place:
    ...     _ = (Path(place) / "thesis.docx").write_bytes(b"mine")
    ...     print(folder_problem(place))
    it was not written by the toolkit (no .inspection-toolkit marker) and holds thesis.docx
    """
    path = Path(folder)
    names = _listing(path)
    record = _read_marker(path)
    if record is None or record.get("state") != "complete":
        return f"it was not written by the toolkit (no {MARKER} marker) and holds {_shown(names)}"
    files = record.get("files")
    if not isinstance(files, dict):
        return f"its {MARKER} marker is damaged"
    extra = [n for n in names if n != MARKER and n not in files]
    if extra:
        return f"it holds files the toolkit did not write: {_shown(extra)}"
    for name, digest in files.items():
        target = path / str(name)
        if not target.is_file() or target.is_symlink():
            continue  # a result file deleted by hand: nothing of anyone's to lose
        if _file_sha256(target) != digest:
            return f"{name} was changed after the toolkit wrote it"
    return None


def _marker(folder: Path, state: str) -> None:
    files = {}
    if state == "complete":
        for entry in sorted(folder.iterdir()):
            if entry.name not in (MARKER, _MARKER_TMP) and entry.is_file():
                files[entry.name] = _file_sha256(entry)
    record = {
        "tool": "inspection-toolkit",
        "state": state,
        "about": "This folder was written by inspection-toolkit. --force may replace it while "
        "it holds only these files, unchanged; anything else in it stops that.",
        "files": files,
    }
    partial = folder / _MARKER_TMP
    with open(partial, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, folder / MARKER)  # a kill never leaves half a marker


# --- checks ----------------------------------------------------------------------------------


def check_output_folder(
    folder: Any,
    *,
    force: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    parameter: str = "out_dir",
) -> Path:
    """Check a results folder can be written; return it as an absolute path.

    Refused (a :class:`~inspection_core.errors.ParameterError` naming ``parameter``): an empty
    name, the current folder, a folder holding an input or above one, a file, a symbolic link,
    a name longer than 255 bytes, a missing or unwritable parent folder, and an existing
    non-empty folder unless ``force`` is given and the toolkit wrote all of it
    (:func:`folder_problem`).

    Examples
    --------
    >>> check_output_folder("")
    Traceback (most recent call last):
    ...
    inspection_core.errors.ParameterError: out_dir must name a folder; got ''
    """
    if not isinstance(folder, str | os.PathLike):
        raise ParameterError(parameter, f"must be a folder name; got {folder!r}")
    text = os.fspath(folder)
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(parameter, f"must name a folder; got {text!r}")
    given = Path(text).expanduser()
    if any(len(part.encode(errors="surrogateescape")) > NAME_MAX for part in given.parts):
        raise ParameterError(
            parameter, f"has a name longer than {NAME_MAX} bytes, which file systems refuse"
        )
    out = Path(os.path.abspath(given))
    if out.parent == out:
        raise ParameterError(parameter, f"must not be the root folder; got {text!r}")
    here = Path.cwd().resolve()
    real = out.parent.resolve() / out.name
    if real == here or real in here.parents:
        raise ParameterError(
            parameter,
            f"must not be the current folder or one above it; got {text!r}. Give a new "
            "folder, e.g. results",
        )
    for source in inputs:
        src = Path(os.path.abspath(Path(source).expanduser())).resolve()
        if real == src or real in src.parents:
            raise ParameterError(
                parameter,
                f"must not be a folder that holds the input file {Path(source).name} (or one "
                "above it); choose a folder of its own",
            )
    if out.is_symlink():
        raise ParameterError(parameter, f"{text!r} is a symbolic link; give a real folder")
    if out.exists() and not out.is_dir():
        raise ParameterError(parameter, f"{text!r} is a file; give a folder name")
    if not out.parent.is_dir():
        raise ParameterError(parameter, f"cannot be written: its parent folder does not exist: "
                             f"{str(out.parent)!r}")  # fmt: skip
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise ParameterError(
            parameter, f"cannot be written: no permission to write in {str(out.parent)!r}"
        )
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise ParameterError(
                parameter,
                f"{text!r} already holds files ({_shown(_visible(out))}); choose a new folder, "
                "or pass {force} to replace a folder the toolkit wrote",
                refs=["force"],
            )
        problem = folder_problem(out)
        if problem is not None:
            raise ParameterError(
                parameter,
                f"{text!r} cannot be replaced: {problem}. {{force}} replaces only a folder "
                "the toolkit wrote; move those files or choose a new folder",
                refs=["force"],
            )
    return out


# --- lock, recovery, write -------------------------------------------------------------------


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[None]:
    """Hold an exclusive lock for writes into ``parent`` (released on exit, even by a kill)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, the renames still hold
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    lock_file: Path | None = None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # some network file systems lock only files opened for writing
            os.close(fd)
            # One lock file per parent folder, as with the folder lock: writes there take turns
            # (recover_folder may then clear any toolkit leftovers beside the target safely).
            lock_file = parent / ".inspection-toolkit.lock"
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _trash(out: Path) -> Path:
    return out.parent / _short(out.name, "inspection-old")


def _is_ours(folder: Path) -> bool:
    return _read_marker(folder) is not None


def recover_folder(folder: str | os.PathLike[str]) -> None:
    """Finish a replacement of ``folder`` that a kill interrupted (call while holding the lock).

    The old results, if they were moved to ``.<name>.inspection-old`` and the new ones never
    arrived, are put back; otherwise that backup is deleted. Half-written temporary folders of
    the toolkit's beside ``folder`` are deleted.
    """
    out = Path(os.path.abspath(folder))
    trash = _trash(out)
    if trash.is_dir() and not trash.is_symlink():
        if not out.exists() and not out.is_symlink():
            os.rename(trash, out)
        else:
            shutil.rmtree(trash, ignore_errors=True)
    prefix = _temp_prefix(out.name)
    with os.scandir(out.parent) as entries:
        stale = [
            Path(e.path)
            for e in entries
            if e.name.startswith(prefix)
            and e.name.endswith(_NEW)
            and e.is_dir(follow_symlinks=False)
        ]
    for path in stale:
        # Ours: it has the marker, or a kill came before the marker was complete (the folder
        # is empty or holds only a part of it).
        if _is_ours(path) or {p.name for p in path.iterdir()} <= {MARKER, _MARKER_TMP}:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) while the renames run; it is delivered right after."""
    main = threading.current_thread() is threading.main_thread()
    if main and hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    else:  # pragma: no cover - other threads and systems
        yield


def _sync_folder(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_file():
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _put_in_place(new: Path, out: Path) -> Path | None:
    """Rename ``new`` to ``out``; return where the old folder went (to delete), if any."""
    if not out.exists():
        if not _rename2(new, out, _RENAME_NOREPLACE):
            os.rename(new, out)
        return None
    if not any(out.iterdir()):
        os.rename(new, out)  # over an empty folder: one atomic step
        return None
    trash = _trash(out)
    if _rename2(new, out, _RENAME_EXCHANGE):
        os.rename(new, trash)  # `new` now holds the old results
    else:
        os.rename(out, trash)  # the fallback: recover_folder() restores it after a kill here
        os.rename(new, out)
    return trash


def write_folder(
    folder: Any,
    fill: Callable[[Path], None],
    *,
    force: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    parameter: str = "out_dir",
) -> Path:
    """Fill a new folder with ``fill`` and put it under the name ``folder`` atomically.

    ``folder`` is checked by :func:`check_output_folder`; the check is repeated under the lock,
    so of two writers to one new folder the second is refused. ``fill`` receives an empty
    temporary folder beside the target. A failure (or Ctrl-C) leaves ``folder`` as it was and no
    temporary folder behind. See the module documentation for the replacement steps.

    Returns
    -------
    pathlib.Path
        The folder, as an absolute path.

    Raises
    ------
    ValueError
        :func:`check_output_folder` refuses the folder, or it cannot be written (the reason in
        one line, e.g. a read-only file system or a full disk).
    """
    out = check_output_folder(folder, force=force, inputs=inputs, parameter=parameter)
    sources = list(inputs)
    try:
        with _locked(out.parent):
            recover_folder(out)
            check_output_folder(out, force=force, inputs=sources, parameter=parameter)
            new = Path(tempfile.mkdtemp(prefix=_temp_prefix(out.name), suffix=_NEW, dir=out.parent))
            old: Path | None = None
            try:
                os.chmod(new, 0o777 & ~_umask())  # mkdtemp makes the folder private
                _marker(new, "incomplete")
                fill(new)
                _marker(new, "complete")
                _sync_folder(new)
                with _no_interrupt():
                    if Interrupts.seen:  # a Ctrl-C that a library caught: still an interrupt
                        raise KeyboardInterrupt
                    old = _put_in_place(new, out)
                    _written.append(out)
            except BaseException:
                # Before the swap `new` is the half-written folder; after it, the old results
                # (the new ones are in place). Either way it goes; then a fallback interrupted
                # between its two renames is undone.
                shutil.rmtree(new, ignore_errors=True)
                with contextlib.suppress(OSError):
                    recover_folder(out)
                raise
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        if exc.errno == errno.ENAMETOOLONG:
            reason = "the path is too long for the file system"
        raise ParameterError(
            parameter, f"cannot be written: {reason} ({os.fspath(folder)!r})"
        ) from None
    return out


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """True for a regular file (not a folder, a device such as /dev/null, or a FIFO)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
