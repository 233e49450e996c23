"""Atomic output: a file or a whole folder appears complete under its name, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_folder", "atomic_write"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix)
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private; use the usual mode
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def atomic_folder(out: Path, fill: Callable[[Path], None]) -> Path:
    """Call ``fill`` on a new temporary folder beside ``out``, then rename it to ``out``.

    ``out`` must not exist or be an empty folder, or be a folder the caller has already decided
    may be replaced: an existing non-empty folder is moved aside, the new one renamed in, and
    the old one removed only after that succeeded. A failure restores the old folder and leaves
    no temporary folder behind.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        fill(tmp)
        if out.exists():
            if any(out.iterdir()):
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
                os.rename(out, old / out.name)
            else:
                out.rmdir()
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.rename(old / out.name, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out
