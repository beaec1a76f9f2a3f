"""The row cache's folder as a whole: its entries, eviction and clearing.

The out-of-core backend keeps the decoded rows of every Parquet or CSV
source it scans in a folder of its own (:mod:`logistic.backends._cache`);
this module bounds that folder and lets a user see and empty it::

    from logistic.backends import row_cache

    for entry in row_cache.entries():          # the default folder
        print(entry.path, entry.nbytes, entry.sources, entry.missing)
    row_cache.clear()                          # or clear("/fast/disk/cache")

On the command line: ``logistic cache list`` and ``logistic cache clear``
(``--cache-dir PATH`` for another folder).

Conventions (owned here)
------------------------
* **Entry.** A folder is the cache's only when it is named as an entry
  (:data:`ENTRY_NAME`), is a folder, not a link, and holds the cache's marker
  file (:mod:`._cache_marker`, written before anything else); nothing else in
  the cache folder is ever listed or removed. A complete entry also holds
  ``meta.json`` (the source files' stamp, see :mod:`._cache_id`); its last
  use is the folder's modification time, set each time a fit opens it.
  Temporary folders (``<name>.tmp-*``) belong to a writer, or are an entry
  that its replacement renamed aside while a fit read it; :mod:`._cache_lock`
  tells live ones from the leftovers of crashed ones, which the next writer
  of that entry, the next fit that reuses it, and eviction remove. Folders named as
  entries without the marker (a user's, such as one named by an md5 sum, or
  an entry of an earlier version of this library, whose format is no longer
  read) are left alone and reported by :func:`unmarked`. Empty ones are
  removed with ``rmdir`` (empty folders only, so nothing is lost): one named
  as an entry (a removal cut short between its marker and its ``rmdir``,
  which would otherwise keep that source's entry out for good) at once, by
  :func:`clear`, eviction and the writer that installs an entry there; a
  temporary one (a writer that died before writing its marker) once stale.
  An entry's name hashes the cache format (:func:`._cache_id.entry_name`):
  an entry of an earlier format never stands at a later one's name.
* **In use.** An entry a fit reads is held by a shared lock, and removing
  one takes an exclusive lock without waiting (:mod:`._cache_lock`): nothing
  here removes an entry a live fit reads, in this process or another.
* **Eviction.** Before a scan writes an entry, :func:`make_room` removes the
  entries whose source files no longer exist and the leftovers of crashed
  writers, then the least recently used entries of other sources until the
  folder, with the new entry when its size is known, fits in
  :func:`max_bytes` and leaves the free space the writer needs. The new
  entry itself is written even when it alone is larger than the cap (its
  fits then run at the cache's speed; the free-space reserve still holds),
  so the folder holds at most ``max(cap, newest entry)`` plus entries in use.
  A source whose decoded size is not known before its scan (CSV) is
  measured when its entry is complete, and the others are evicted then.
* **Cap.** ``$LOGISTIC_CACHE_MAX_BYTES`` (bytes, or with a ``K``/``M``/``G``/
  ``T`` suffix of powers of 1024, decimals allowed: ``512M``, ``1.5G``; ``0``
  keeps no entry but the one being written), else :data:`DEFAULT_MAX_BYTES`
  (20 GiB) when unset or empty. Any other value (``-1``, ``1e3``, ``abc``, 8 EiB
  or more) is
  an :class:`~logistic.InvalidParameterError` naming the variable (exit 2 on
  the command line), raised before a cached fit reads a row.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .._exceptions import InvalidParameterError
from . import _cache_lock, _cache_marker
from ._cache_id import default_cache_dir

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Entry",
    "ENTRY_NAME",
    "clear",
    "entries",
    "folder_bytes",
    "make_room",
    "max_bytes",
    "unmarked",
]

#: The cache folder's size cap when ``$LOGISTIC_CACHE_MAX_BYTES`` is not set.
DEFAULT_MAX_BYTES = 20 * 2**30
#: The environment variable that sets the cap (see *Cap*).
MAX_BYTES_ENV = "LOGISTIC_CACHE_MAX_BYTES"
#: Sizes from here on are refused (a file system's sizes are signed 64-bit).
_LARGEST = 2.0**63
_SIZE = re.compile(
    r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([KMGT]?)i?B?\s*$", re.IGNORECASE | re.ASCII
)  # ASCII digits only: Python's float() reads other scripts' digits too


@dataclass(frozen=True)
class Entry:
    """One folder of the cache.

    ``sources`` are the files it was decoded from, ``missing`` those of them
    that no longer exist; ``last_used`` is a POSIX time; ``complete`` is False
    for a temporary folder (a writer's, live or crashed).
    """

    path: Path
    nbytes: int
    last_used: float
    sources: tuple[str, ...]
    missing: tuple[str, ...]
    complete: bool


def max_bytes() -> int:
    """The cache folder's size cap (see *Cap*); a value of another form is an
    :class:`~logistic.InvalidParameterError` naming the variable."""
    text = os.environ.get(MAX_BYTES_ENV, "")
    if not text.strip():
        return DEFAULT_MAX_BYTES
    match = _SIZE.match(text)
    if match is None:
        raise InvalidParameterError(
            f"{MAX_BYTES_ENV} must be a size in bytes >= 0: a number of bytes, "
            "or a number with a K, M, G or T suffix (powers of 1024, "
            f"e.g. 512M, 20G, 1.5T), got {text[:100]!r}; unset it for the default "
            f"({DEFAULT_MAX_BYTES // 2**30} GiB)"
        )
    unit = "KMGT".find(match.group(2).upper()) + 1 if match.group(2) else 0
    size = float(match.group(1)) * 1024**unit
    if not size < _LARGEST:  # 400 digits: inf, which int() refuses
        raise InvalidParameterError(
            f"{MAX_BYTES_ENV} must be a size below 8 EiB (2**63 bytes), got "
            f"{text[:100]!r}; unset it for the default "
            f"({DEFAULT_MAX_BYTES // 2**30} GiB)"
        )
    return int(size)


def folder_bytes(folder: Path) -> int:
    """Bytes of the files in ``folder`` (an entry's size)."""
    total = 0
    try:
        with os.scandir(folder) as it:
            for item in it:
                try:
                    total += item.stat(follow_symlinks=False).st_size
                except OSError:
                    pass
    except OSError:
        pass
    return total


def _entry(folder: Path) -> Entry | None:
    try:
        st = folder.lstat()
    except OSError:
        return None
    complete = ".tmp-" not in folder.name
    sources: tuple[str, ...] = ()
    if complete:
        try:
            text = _cache_marker.read_small(folder, "meta.json", 64 * 2**20)
            meta = json.loads(text)
            sources = tuple(str(f["path"]) for f in meta["stamp"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            complete = False  # half removed, or damaged
    missing = tuple(s for s in sources if not os.path.exists(s))
    return Entry(folder, folder_bytes(folder), st.st_mtime, sources, missing, complete)


#: A cache entry's folder name (:func:`._cache_id.entry_name`, 32 hex
#: digits) or a writer's temporary folder of one (``<name>.tmp-<suffix>``):
#: nothing else in the cache folder is the cache's to list or remove (a
#: ``--cache-dir`` may name a folder that holds a user's own files).
ENTRY_NAME = re.compile(r"[0-9a-f]{32}(\.tmp-[A-Za-z0-9_]+)?")


def _named_folders(root: Path) -> list[Path]:
    """The folders (not links) in ``root`` named as entries."""
    found = []
    try:
        with os.scandir(root) as it:
            for item in it:
                if ENTRY_NAME.fullmatch(item.name) and item.is_dir(
                    follow_symlinks=False
                ):
                    found.append(Path(item.path))
    except OSError:
        return []
    return found


def entries(cache_dir: str | os.PathLike[str] | None = None) -> list[Entry]:
    """The entries of the cache (``cache_dir``, else the default folder), the
    most recently used first: folders (not links) named as entries
    (:data:`ENTRY_NAME`) that hold the cache's marker (see *Entry*); other
    files and folders are left alone."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folders = [p for p in _named_folders(root) if _cache_marker.is_ours(p)]
    found = [e for e in map(_entry, folders) if e is not None]
    return sorted(found, key=lambda e: e.last_used, reverse=True)


def unmarked(cache_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The folders of the cache folder named as entries but without the
    cache's marker, left alone (see *Entry*): a user's, or entries of an
    earlier version (remove those by hand)."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return sorted(p for p in _named_folders(root) if not _cache_marker.is_ours(p))


def _sweep(root: Path) -> None:
    """``rmdir`` the empty folders without the marker (see *Entry*): named as
    an entry, at once; temporary ones once stale and unlocked."""
    for folder in unmarked(root):
        if ".tmp-" in folder.name:
            _cache_lock.remove_leftover(folder)
        else:
            _cache_marker.remove_if_empty(folder)


def _remove(entry: Entry) -> bool:
    if entry.complete:
        return _cache_lock.remove_unused(entry.path)
    return _cache_lock.remove_leftover(entry.path)  # unless a live writer's


def clear(cache_dir: str | os.PathLike[str] | None = None) -> tuple[int, int, int]:
    """Remove every entry of the cache that no live fit reads or writes.

    Returns ``(removed, kept, bytes_freed)``: folders removed, folders left
    because a fit uses them, and the bytes the removed ones held.
    """
    removed = kept = freed = 0
    _sweep(Path(cache_dir) if cache_dir is not None else default_cache_dir())
    for entry in entries(cache_dir):
        if _remove(entry):
            removed, freed = removed + 1, freed + entry.nbytes
        else:
            kept += 1
    return removed, kept, freed


def make_room(root: Path, name: str, incoming: int, reserve: int) -> None:
    """Evict before writing entry ``name`` of ``incoming`` bytes (0 when not
    known) in ``root`` (see *Eviction*); the free space must stay above
    ``reserve``. Never raises: a folder that cannot be removed stays."""
    _sweep(root)
    try:
        found = [e for e in entries(root) if not e.path.name.startswith(name)]
        free = shutil.disk_usage(root).free
    except OSError:
        return
    cap, kept = max_bytes(), []
    for entry in found:  # sources gone, crashed writers
        if entry.missing or not entry.complete:
            if _remove(entry):
                free += entry.nbytes
                continue
        kept.append(entry)
    total = sum(e.nbytes for e in kept)
    for entry in reversed(kept):  # least recently used first
        if total + incoming <= cap and free - incoming >= reserve:
            break
        if entry.complete and _remove(entry):
            total, free = total - entry.nbytes, free + entry.nbytes
