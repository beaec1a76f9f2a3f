"""Which folders of a row-cache folder are the cache's own, how files in them
are opened, and how one is removed.

Conventions (owned here)
------------------------
* **Marker.** The first thing a writer puts into its temporary folder, before
  its lock file and any data, is the file :data:`MARKER_NAME` holding
  :data:`MARKER_BYTES` (:func:`write_marker`); the folder keeps it when it is
  renamed into place. A folder is the cache's (an entry, a writer's temporary
  folder, an entry renamed aside by its replacement) only when it is a folder,
  not a link, and holds that marker as a regular file, not a link or a
  folder, with exactly those bytes (:func:`is_ours`). Names alone never
  decide: a ``--cache-dir`` may hold a user's folder named by an md5 sum (32
  hex digits, an entry's name). A folder named as an entry without the marker
  is never listed or removed: a user's, or an entry written before entries
  carried a marker (its format is no longer read; removed by hand, ``logistic
  cache list`` names such folders). The exceptions are empty folders,
  removed with ``rmdir``, which removes empty folders only
  (:func:`remove_if_empty`): one at an entry's name (a removal cut short
  between the marker and the ``rmdir``, see *Removal*), and a temporary
  folder older than ``_cache_lock.UNLOCKED_STALE_SECONDS`` (a writer that
  died between creating it and writing the marker).
* **Removal** (:func:`remove_contents`): through a descriptor of the folder,
  the one the caller locked (``_cache_lock.remove_unused``), never by path:
  every item but the marker (sub-folders through descriptors of their own,
  links removed, never followed), then the marker, then the folder's name
  with ``rmdir`` (which fails, harmlessly, if the name now holds another,
  non-empty folder). A removal cut short before the marker keeps it, so it
  is retried; one cut short after it leaves an empty folder (see *Marker*).
* **Files inside an entry** are opened without following a link and without
  waiting (``O_NOFOLLOW | O_NONBLOCK``: a FIFO planted in a shared cache folder
  does not hang a fit), relative to the entry's descriptor where the system
  has them, and only regular files are read (:func:`open_file`,
  :func:`read_small`).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

__all__ = [
    "MARKER_BYTES",
    "MARKER_NAME",
    "create",
    "create_fd",
    "is_ours",
    "has_marker",
    "open_file",
    "open_folder",
    "read_small",
    "remove_contents",
    "remove_if_empty",
    "replace_file",
    "write_marker",
]

MARKER_NAME = "logistic-row-cache-entry"
MARKER_BYTES = b"Signature: logistic row cache entry 8f3b9c1e5a7d4260\n"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
#: Whether folders are opened as descriptors and files relative to them
#: (POSIX); elsewhere by path, each checked with ``lstat`` first.
DIR_FDS = hasattr(os, "O_DIRECTORY") and os.open in os.supports_dir_fd


def create_fd(folder: Path, name: str, dir_fd: int | None, mode: int = 0o644) -> int:
    """A descriptor of a new file ``name`` in ``folder`` (relative to
    ``dir_fd`` when given), open for writing: ``O_EXCL``, so never through a
    link or over a file someone planted."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    if dir_fd is not None:
        return os.open(name, flags, mode, dir_fd=dir_fd)
    return os.open(folder / name, flags, mode)


def create(path: Path | str, data: bytes, dir_fd: int | None = None) -> None:
    """Write a new file (``O_EXCL``: never through a link or over a file),
    relative to ``dir_fd`` when given."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    fd = os.open(path, flags, 0o644, dir_fd=dir_fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def replace_file(folder: Path, name: str, data: bytes, dir_fd: int | None) -> None:
    """Replace file ``name`` of ``folder`` (relative to ``dir_fd`` when given)
    atomically: ``data`` goes into a new file of an unguessable name (a link
    planted in a shared folder is never written through), renamed over it."""
    tmp = f"{name}.tmp-{secrets.token_hex(8)}"
    at = {"dir_fd": dir_fd} if dir_fd is not None else {}
    src, dst = (tmp, name) if dir_fd is not None else (folder / tmp, folder / name)
    try:
        create(src, data, dir_fd)
        os.replace(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError:
        try:
            os.unlink(src, **at)
        except OSError:
            pass
        raise


def write_marker(folder: Path, dir_fd: int | None = None) -> None:
    """Mark a new temporary folder (open as ``dir_fd`` when given) as the
    cache's (see *Marker*)."""
    create(
        MARKER_NAME if dir_fd is not None else folder / MARKER_NAME,
        MARKER_BYTES,
        dir_fd,
    )


def open_folder(folder: Path) -> int:
    """A read-only descriptor of ``folder`` itself, never of a link's target
    (OSError for a link or anything not a folder)."""
    return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW)


def open_file(folder: Path, name: str, dir_fd: int | None = None) -> int:
    """A read-only descriptor of the regular file ``name`` in ``folder``
    (relative to ``dir_fd``, the folder's descriptor, when given), opened
    without following a link or waiting on a FIFO; OSError for anything else."""
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY
    if dir_fd is not None:
        fd = os.open(name, flags, dir_fd=dir_fd)
    else:
        fd = os.open(folder / name, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{folder / name}: not a regular file")
    return fd


def read_small(folder: Path, name: str, limit: int, dir_fd: int | None = None) -> bytes:
    """The bytes of regular file ``name`` in ``folder`` (:func:`open_file`);
    OSError when it holds more than ``limit`` bytes."""
    fd = open_file(folder, name, dir_fd)
    try:
        parts, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(f"{folder / name}: larger than {limit} bytes")
        return b"".join(parts)
    finally:
        os.close(fd)


def has_marker(folder: Path, dir_fd: int | None = None) -> bool:
    """Whether ``folder`` (or the folder open as ``dir_fd``) holds the marker."""
    try:
        return (
            read_small(folder, MARKER_NAME, len(MARKER_BYTES), dir_fd) == MARKER_BYTES
        )
    except OSError:
        return False


def is_ours(folder: Path) -> bool:
    """Whether ``folder`` is a folder (not a link) holding the marker."""
    if not DIR_FDS:
        try:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return False
        except OSError:
            return False
        return has_marker(folder)
    try:
        fd = open_folder(folder)
    except OSError:
        return False
    try:
        return has_marker(folder, fd)
    finally:
        os.close(fd)


def _remove_items(dir_fd: int, keep: str | None) -> None:
    """Remove every item of the folder open as ``dir_fd`` but ``keep``; links
    are removed, never followed (OSError when one cannot be)."""
    for name in os.listdir(dir_fd):
        if name == keep:
            continue
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=dir_fd)
            try:
                _remove_items(sub, None)
            finally:
                os.close(sub)
            os.rmdir(name, dir_fd=dir_fd)
        else:
            os.unlink(name, dir_fd=dir_fd)


def remove_contents(folder: Path, dir_fd: int | None) -> bool:
    """Remove a folder of the cache, open (and locked) as ``dir_fd`` (see
    *Removal*; by path where the system has no folder descriptors); whether
    it is gone. Only a folder that holds the marker is touched."""
    if not has_marker(folder, dir_fd):
        return False
    try:
        if dir_fd is None:
            for item in folder.iterdir():
                if item.name != MARKER_NAME:
                    _remove_path(item)
            os.unlink(folder / MARKER_NAME)
        else:
            _remove_items(dir_fd, MARKER_NAME)
            os.unlink(MARKER_NAME, dir_fd=dir_fd)
        os.rmdir(folder)
    except (OSError, RecursionError):  # RecursionError: folders nested deeply
        return False
    return True


def _remove_path(item: Path) -> None:  # pragma: no cover - no folder descriptors
    st = os.lstat(item)
    if stat.S_ISDIR(st.st_mode):
        for sub in item.iterdir():
            _remove_path(sub)
        os.rmdir(item)
    else:
        os.unlink(item)


def remove_if_empty(folder: Path) -> bool:
    """``rmdir`` a folder without the marker (see *Marker*): only an empty one
    goes; whether it did."""
    try:
        os.rmdir(folder)
    except (OSError, RecursionError):  # RecursionError: folders nested deeply
        return False
    return True
