"""Atomic writes: files via a temporary name, format folders staged then swapped into place."""

from __future__ import annotations

import os
import posixpath
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class UnsafePath(ValueError):
    """A builder asked to write outside its folder."""


def check_relative(path: str) -> str:
    """`path` if it is a clean relative POSIX path (no '..', no absolute, no backslash)."""
    normal = posixpath.normpath(path)
    if (
        not path
        or path != normal
        or normal.startswith(("/", "../"))
        or normal == ".."
        or "\\" in path
        or ":" in normal.split("/", 1)[0]
    ):
        raise UnsafePath(f"refusing to write '{path}': not a clean relative path")
    return normal


def file_in_the_way(folder: Path) -> Path | None:
    """The file standing where `folder` or one of the folders above it is to be, if one does:
    nothing can be written into `folder` then."""
    return next((path for path in (folder, *folder.parents)
                 if path.exists() and not path.is_dir()), None)


@contextmanager
def naming_on_failure(path: Path) -> Iterator[None]:
    """An OSError raised inside names `path` if it names no file: a write to an open file that
    fails (a full disk, a quota) says nothing of where it was writing."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old or the new file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with naming_on_failure(path), os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def new_stage(out: Path, name: str) -> Path:
    """An empty staging folder beside the format folder it will replace."""
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=out))


def put(stage: Path, rel: str, data: bytes) -> None:
    target = stage / check_relative(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    os.chmod(target, 0o644)


def reuse(stage: Path, current: Path, rel: str) -> None:
    """Carry an unchanged file over from the current output (a hard link where possible)."""
    source, target = current / rel, stage / check_relative(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def swap_in(stage: Path, target: Path) -> None:
    """Replace `target` by the staged folder; the old folder is removed only afterwards.

    Ctrl-C and SIGTERM wait until both renames are done, so `target` is never found missing.
    """
    os.chmod(stage, 0o755)
    old = None
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(stage, target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(stage: Path) -> None:
    shutil.rmtree(stage, ignore_errors=True)


def clean_leftovers(out: Path) -> None:
    """Remove staging folders left by an interrupted earlier build; if a process was killed
    between the two renames of a swap, put the previous output back first."""
    if not out.is_dir():
        return
    for entry in sorted(out.iterdir()):
        if entry.is_dir() and entry.name.startswith(".old-"):
            for kept in entry.iterdir():
                if not (out / kept.name).exists():
                    os.replace(kept, out / kept.name)
        if entry.is_dir() and entry.name.startswith((".tmp-", ".old-")):
            shutil.rmtree(entry, ignore_errors=True)
