"""Which row-cache folders belong to a live writer or reader.

Convention (owned here): a :class:`~logistic.backends._cache.CacheWriter`
takes an exclusive ``flock`` on a file :data:`LOCK_NAME` inside its temporary
folder for as long as it writes, and drops it when the entry is renamed into
place or abandoned; the kernel drops it when the writing process dies. A
writer clears the temporary folders a crashed writer left for the same entry
(:func:`remove_leftovers`), and a folder whose lock another process holds is
a fit still scanning the same source: it is left alone, so two fits of one
source each finish (or abandon) their own cache and neither loses its work.
A folder without a lock file is removed once it is older than
:data:`UNLOCKED_STALE_SECONDS`: younger, it may be a writer between creating
its folder and taking its lock (microseconds). On a system without ``flock``
no folder has a lock, so there a scan that outlasts that age can still lose
its folder to a concurrent writer of the same source (it then warns and
reads its source on every pass).

A fit that reads a complete entry holds a shared ``flock`` on the entry's
folder for as long as it keeps the entry open (:func:`hold_entry`);
eviction and clearing remove an entry only under an exclusive lock taken
without waiting (:func:`remove_unused`), so an entry a live fit reads is
never removed by them, and a fit never opens an entry being removed.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: leftovers are removed once stale
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "writer.lock"
UNLOCKED_STALE_SECONDS = 60.0


def hold(folder: Path) -> int | None:
    """Take the writer's lock in ``folder``; the descriptor to :func:`release`
    (None where the system has no ``flock``)."""
    if fcntl is None:
        return None
    fd = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        raise
    return fd


def release(fd: int | None, folder: Path | None = None) -> None:
    """Drop the lock (removing its file first when ``folder`` is given, so
    that a completed entry carries no lock file)."""
    if folder is not None:
        try:
            os.unlink(folder / LOCK_NAME)
        except OSError:
            pass
    if fd is not None:
        os.close(fd)


def in_use(folder: Path) -> bool:
    """Whether a live writer holds ``folder``, or it is too young to tell."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        try:
            age = time.time() - folder.stat().st_mtime
        except OSError:
            return False  # gone already
        return age < UNLOCKED_STALE_SECONDS
    except OSError:
        return True  # cannot tell: leave it
    try:
        if fcntl is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a live writer
            return True
        return False
    finally:
        os.close(fd)


def remove_leftovers(root: Path, name: str) -> None:
    """Remove the temporary folders of entry ``name`` that no live writer holds."""
    for old in root.glob(f"{name}.tmp-*"):
        if not in_use(old):
            shutil.rmtree(old, ignore_errors=True)


def hold_entry(folder: Path) -> int | None:
    """A shared lock on a complete entry's folder for a fit that reads it, as
    a descriptor to close when done (None where the system has no ``flock``);
    OSError when the entry is being removed."""
    if fcntl is None:
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def remove_unused(folder: Path) -> bool:
    """Remove a complete entry unless a live fit reads it (see the module
    docstring); whether it is gone."""
    if fcntl is None:  # no locks: open files refuse removal (Windows)
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    try:
        fd = os.open(folder, os.O_RDONLY)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # read by a live fit
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    finally:
        os.close(fd)
