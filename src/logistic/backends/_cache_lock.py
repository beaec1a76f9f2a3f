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
folder for as long as it keeps the entry open (:func:`hold_entry`: the
descriptor of the folder itself, through which the fit opens every file of
the entry, so that what it reads is one entry even if the name is given to
another meanwhile). Eviction, clearing and a writer replacing the entry
remove a folder only under an exclusive lock taken without waiting
(:func:`remove_unused`), so an entry a live fit reads is never removed, and
a fit never opens an entry being removed. Only folders that carry the
cache's marker are removed (:mod:`._cache_marker`); a temporary folder
without one is at most ``rmdir``-ed, empty and stale (:func:`remove_leftover`).
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from . import _cache_marker
from ._cache_marker import DIR_FDS

try:
    import fcntl
except ImportError:  # not POSIX: leftovers are removed once stale
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "writer.lock"
UNLOCKED_STALE_SECONDS = 60.0


def hold(folder: Path, dir_fd: int | None = None) -> int | None:
    """Take the writer's lock in ``folder`` (open as ``dir_fd`` when given); the
    descriptor to :func:`release` (None where the system has no ``flock``)."""
    if fcntl is None:
        return None
    fd = _cache_marker.create_fd(folder, LOCK_NAME, dir_fd, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        raise
    return fd


def release(
    fd: int | None, folder: Path | None = None, dir_fd: int | None = None
) -> None:
    """Drop the lock (removing its file first when ``folder`` is given, so
    that a completed entry carries no lock file; relative to ``dir_fd``, the
    folder's descriptor, when given)."""
    if folder is not None:
        try:
            if dir_fd is not None:
                os.unlink(LOCK_NAME, dir_fd=dir_fd)
            else:
                os.unlink(folder / LOCK_NAME)
        except OSError:
            pass
    if fd is not None:
        os.close(fd)


def in_use(folder: Path) -> bool:
    """Whether a live writer holds ``folder``, or it is too young to tell."""
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(folder / LOCK_NAME, flags)
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
    """Remove the temporary folders of entry ``name`` that no live writer holds
    (:func:`remove_leftover`)."""
    for old in root.glob(f"{name}.tmp-*"):
        remove_leftover(old)


def remove_leftover(folder: Path) -> bool:
    """Remove a temporary folder (a crashed writer's, or an entry its
    replacement renamed aside) unless a live writer or reader holds it; one
    without the cache's marker only when empty and stale (a writer that died
    before writing the marker). Whether it is gone."""
    if not _cache_marker.is_ours(folder):
        return not in_use(folder) and _cache_marker.remove_if_empty(folder)
    # a folder holding meta.json is complete: its writer, until the rename,
    # and any reader hold its shared lock, which removal takes exclusively
    if not os.path.lexists(folder / "meta.json") and in_use(folder):
        return False
    return remove_unused(folder)


def hold_entry(folder: Path, dir_fd: int | None = None) -> int | None:
    """A shared lock on a complete entry's folder for a fit that reads it: a
    descriptor of the folder itself (never a link's target; of the folder
    open as ``dir_fd`` when given), through which the fit opens the entry's
    files, to close when done; None where the system has no folder
    descriptors. OSError when the entry is being removed, or ``folder`` is
    not a folder."""
    if not DIR_FDS:  # pragma: no cover - Windows: files opened by path
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise NotADirectoryError(folder)
        return None
    if dir_fd is not None:  # a description of its own: its own lock
        fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY, dir_fd=dir_fd)
    else:
        fd = _cache_marker.open_folder(folder)
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
    return fd


def remove_unused(folder: Path) -> bool:
    """Remove a folder of the cache (one with its marker) unless a live fit
    reads it (see the module docstring); whether it is gone."""
    if not DIR_FDS:  # pragma: no cover - no locks: open files refuse removal
        return _cache_marker.is_ours(folder) and _cache_marker.remove_contents(
            folder, None
        )
    try:
        fd = _cache_marker.open_folder(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # read by a live fit
                return False
        return _cache_marker.remove_contents(folder, fd)
    finally:
        os.close(fd)
