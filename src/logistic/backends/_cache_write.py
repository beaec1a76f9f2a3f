"""Writing a row-cache entry during the scan (the conventions *Atomic
creation* and *Disk space* of :mod:`logistic.backends._cache`).

:class:`EntryWriter` writes the decoded chunks of a scan into a temporary
folder beside the entry's final name (each file in whole, aligned 2 MiB
stretches: :class:`_AlignedWriter`), checks the free space before every
chunk, and renames the folder into place with ``meta.json`` written last;
any failure abandons the entry with a warning and the fit reads its source
instead.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .._exceptions import user_stacklevel
from . import _cache_lock, _cache_marker, row_cache
from ._cache_id import FORMAT, file_sha256, known_sha256, young
from ._cache_read import HUGE_BYTES

__all__ = ["MAX_LABELS", "RESERVE_BYTES", "EntryWriter", "fh_dtype"]

#: Free space the cache must leave on its disk.
RESERVE_BYTES = 512 * 2**20
#: More distinct labels than this in a source: not cached (the scan refuses
#: more than two anyway, unless ``classes`` names them).
MAX_LABELS = 255


class EntryWriter:
    """Writes a cache entry during the scan; :meth:`finish` makes it visible.

    Any failure to write (no space, no permission, an ``OSError``) abandons
    the cache with a warning; the scan and the fit go on without it.
    """

    def __init__(
        self,
        root: Path,
        name: str,
        stamp: list[dict[str, Any]],
        dtype: Any,
        *,
        weight: bool,
        offset: bool,
        expected_bytes: int | None = None,
        source_name: str = "",
    ) -> None:
        self.final = root / name
        self.stamp, self.dtype = stamp, np.dtype(dtype)
        self.weight, self.offset = weight, offset
        self.source_name = source_name
        self.labels: list[Any] = []
        self.reps: list[Any] = []
        self.n = 0
        self.tmp: Path | None = None
        #: a descriptor of the temporary folder: every file is created through
        #: it, so a folder swapped in under its name is never written into
        self._dir: int | None = None
        self._files: dict[str, Any] = {}
        self._lock: int | None = None
        self.sha256: list[str] | None = None
        self.known: list[str | None] = []
        try:
            root.mkdir(parents=True, exist_ok=True)
            _cache_lock.remove_leftovers(root, name)  # what crashed writers left
            # other sources' entries: gone sources, then the least recently used
            row_cache.make_room(root, name, expected_bytes or 0, RESERVE_BYTES)
            if expected_bytes is not None:
                self._check_space(root, expected_bytes)
            self.tmp = Path(tempfile.mkdtemp(prefix=f"{name}.tmp-", dir=root))
            if _cache_marker.DIR_FDS:
                self._dir = _cache_marker.open_folder(self.tmp)
            # before anything else: without it, the folder is never the cache's
            _cache_marker.write_marker(self.tmp, self._dir)
            # held before anything slow: an unlocked folder older than a
            # minute is a crashed writer's to every other process
            self._lock = _cache_lock.hold(self.tmp, self._dir)
            # files modified just before their stamp: record their contents too
            if young(stamp):
                self.sha256 = [file_sha256(f["path"]) for f in stamp]
            # digests this process computed anyway (checked for free on reuse)
            self.known = [known_sha256(f["path"]) for f in stamp]
            for key in ("X", "codes", "w", "o"):
                if key == "w" and not weight or key == "o" and not offset:
                    continue
                self._files[key] = _AlignedWriter(self.tmp / f"{key}.bin", self._dir)
        except (OSError, _NoSpace) as exc:
            self.abandon(exc)

    @property
    def active(self) -> bool:
        return self.tmp is not None

    def _check_space(self, folder: Path, nbytes: int) -> None:
        free = shutil.disk_usage(folder).free
        if free - nbytes < RESERVE_BYTES:
            raise _NoSpace(
                f"the row cache needs {nbytes / 2**20:.0f} MiB more in {folder} "
                f"but only {free / 2**20:.0f} MiB are free (at least "
                f"{RESERVE_BYTES // 2**20} MiB must stay free)"
            )

    def _codes(self, y: np.ndarray) -> np.ndarray:
        values, inverse = np.unique(y, return_inverse=True)
        index = []
        for i, v in enumerate(values.tolist()):
            if v not in self.labels:
                self.labels.append(v)
                self.reps.append(values[i : i + 1])
            index.append(self.labels.index(v))
        if len(self.labels) > MAX_LABELS:
            raise _NoSpace(f"more than {MAX_LABELS} distinct labels")
        return np.asarray(index, dtype=np.uint8)[inverse.reshape(-1)]

    def append(
        self, X: np.ndarray, y: np.ndarray, w: np.ndarray | None, o: np.ndarray | None
    ) -> None:
        """Write one decoded chunk (rows in source order)."""
        if self.tmp is None:
            return
        try:
            arrays = {"X": X, "codes": self._codes(y), "w": w, "o": o}
            nbytes = sum(
                int(a.nbytes)
                for k, a in arrays.items()
                if k in self._files and a is not None
            )
            self._check_space(self.tmp, nbytes)
            for key, fh in self._files.items():
                fh.write(
                    np.ascontiguousarray(arrays[key], dtype=fh_dtype(key, self.dtype))
                )
            self.n += X.shape[0]
        except (OSError, _NoSpace) as exc:
            self.abandon(exc)

    def _open(self, folder: Path, meta: dict[str, Any], handle: int | None) -> Any:
        """The completed entry, open for reading through ``handle`` (its
        folder's descriptor, ``_cache_lock.hold_entry``; the reader's subclass,
        :class:`logistic.backends._cache.CacheWriter`, says how)."""
        raise NotImplementedError

    def _open_existing(self) -> Any:
        """The valid entry of this source's stamp and dtype at the entry's
        name, open for reading, or None (the reader's subclass says how)."""
        raise NotImplementedError

    def _same_rows(self, meta: dict[str, Any]) -> Any:
        """The entry at the entry's name when it holds the rows this writer
        wrote (the stamp and dtype checked on opening, then the row count,
        the column count and the content digests of ``meta``), else None."""
        if not os.path.lexists(self.final):
            return None
        rows = self._open_existing()
        if rows is None:
            return None
        theirs = rows.meta
        same = theirs.get("n_samples") == self.n and all(
            theirs.get(key) == meta.get(key)
            for key in ("n_features", "digest", "label_digests")
        )
        if not same:
            rows.close()  # its shared lock now: held, the entry reads as in use
            return None
        return rows

    def _install(self, tmp: Path, meta: dict[str, Any]) -> tuple[Any, list[Path]]:
        """Rename ``tmp`` to the entry's name, or use the entry already there
        when it holds the same rows (:meth:`_same_rows`: another fit of the
        source finished first), returned open (then ``tmp`` stays, for the
        caller to remove). Any other entry there (stale, or of other rows) is
        first renamed aside, to a temporary name of its own, and returned, to
        be removed unless a fit reads it. An empty folder there without the
        marker (a removal cut short between the marker and the ``rmdir``,
        ``_cache_marker``'s *Removal*) is ``rmdir``-ed, which removes empty
        folders only; anything else there that is not the cache's is left
        alone (OSError)."""
        if self._dir is not None and not _same_folder(tmp, self._dir):
            raise OSError(f"{tmp}: moved or replaced during the scan")
        aside: list[Path] = []
        for _ in range(3):  # other writers of the same source may finish too
            theirs = self._same_rows(meta)
            if theirs is not None:
                return theirs, aside
            if os.path.lexists(self.final):
                if _cache_marker.is_ours(self.final):
                    old = self.final.with_name(
                        f"{self.final.name}.tmp-{secrets.token_hex(8)}"
                    )
                    os.rename(self.final, old)
                    aside.append(old)
                elif not _cache_marker.remove_if_empty(self.final):
                    raise OSError(
                        f"{self.final} exists and is not a row-cache entry; left "
                        f"alone (logistic cache list names such folders)"
                    )
            try:
                os.rename(tmp, self.final)
                return None, aside
            except OSError as exc:  # another writer's entry arrived meanwhile
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
        raise OSError(f"{self.final}: replaced by other fits three times over")

    def finish(self, meta: dict[str, Any]) -> Any:
        """Complete the entry (``meta.json`` last), rename it into place
        (:meth:`_install`), open it (:meth:`_open`; None if abandoned); when
        the entry there already holds the same rows, remove this writer's
        folder and return that entry, open, instead.

        The entry it replaces is removed only under its exclusive lock
        (``_cache_lock.remove_unused``): a fit that reads it keeps it, under
        a temporary name, until it lets go (then eviction removes it)."""
        if self.tmp is None:
            return None
        handle = None
        try:
            # this fit's own reading lock, taken before meta.json is written
            # and kept wherever the folder goes (``_cache_lock.remove_leftover``)
            handle = _cache_lock.hold_entry(self.tmp, self._dir)
            for fh in self._files.values():
                fh.close()
            reps = (
                np.concatenate(self.reps)
                if self.reps
                else np.empty(0, dtype=np.float64)
            )
            if reps.dtype == object:
                reps = reps.astype(str)
            fd = _cache_marker.create_fd(self.tmp, "labels.npy", self._dir)
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, reps, allow_pickle=False)
            meta = {
                **meta,
                "format": FORMAT,
                "stamp": self.stamp,
                "dtype": self.dtype.str,
                "n_samples": self.n,
                "weight": self.weight,
                "offset": self.offset,
            }
            if self.sha256 is not None:
                meta["sha256"] = self.sha256
            if any(self.known):
                meta["known_sha256"] = self.known
            fd = _cache_marker.create_fd(self.tmp, "meta.json", self._dir)
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(meta).encode())
            _cache_lock.release(self._lock, self.tmp, self._dir)
            self._lock = None
            theirs, aside = self._install(self.tmp, meta)
            for old in aside:
                _cache_lock.remove_unused(old)  # kept while a fit reads it
            if theirs is not None:  # the same rows, there first: ours goes
                self.abandon()
                return theirs
            self.tmp = None
            self._close_dir()
            owned, handle = handle, None  # the entry closes it from here on
            rows = self._open(self.final, meta, owned)
            # a source of unknown size (CSV) is measured now, under the cap too
            size = row_cache.folder_bytes(self.final)
            row_cache.make_room(self.final.parent, self.final.name, size, 0)
            return rows
        except (OSError, ValueError) as exc:
            self.abandon(exc)
            return None
        finally:
            if handle is not None:  # not handed to the entry
                os.close(handle)

    def _close_dir(self) -> None:
        if self._dir is not None:
            os.close(self._dir)
            self._dir = None

    def abandon(self, reason: BaseException | None = None) -> None:
        """Drop the partial entry (with a warning when ``reason`` is given)."""
        for fh in self._files.values():
            fh.discard()
        self._files = {}
        if self.tmp is not None:
            if self._dir is not None:  # through the descriptor: only its own folder
                gone = _cache_marker.remove_contents(self.tmp, self._dir)
                if not gone and _same_folder(self.tmp, self._dir):
                    _cache_marker.remove_if_empty(self.tmp)  # the marker never came
            else:  # pragma: no cover - no folder descriptors
                shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        _cache_lock.release(self._lock)
        self._lock = None
        self._close_dir()
        if reason is not None:
            warnings.warn(
                f"{self.source_name}: not caching the decoded rows "
                f"({_in_words(reason)}); every "
                f"pass reads the source instead (cache=False turns the cache off, "
                f"cache_dir= puts it elsewhere)",
                UserWarning,
                stacklevel=user_stacklevel(),
            )


def _in_words(reason: BaseException) -> str:
    """Why the cache was abandoned: an operating system error as ``path:
    its description`` (``/x/rows: Permission denied``), not Python's
    ``[Errno 13] Permission denied: '/x/rows'``; anything else as given."""
    if isinstance(reason, OSError) and reason.strerror:
        where = f"{reason.filename}: " if reason.filename else ""
        return f"{where}{reason.strerror}"
    return str(reason)


def _same_folder(path: Path, fd: int) -> bool:
    """Whether ``path`` still names the folder open as ``fd``."""
    try:
        st, at = os.lstat(path), os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (at.st_dev, at.st_ino)


def fh_dtype(key: str, dtype: np.dtype) -> Any:
    """The stored dtype of each cache file."""
    return np.uint8 if key == "codes" else dtype


class _AlignedWriter:
    """A file written in whole :data:`HUGE_BYTES` stretches of the file.

    The page cache holds what is written in folios no larger than the write
    and aligned to their size: a chunk of 8 388 000 bytes written at an offset
    that is not a multiple of 2 MiB leaves about 2 MiB of smaller folios at
    its start. Writing only whole aligned 2 MiB stretches (the rest waits for
    the next chunk, and the tail for :meth:`close`) leaves the file in 2 MiB
    folios, which a mapping maps with one page-table entry each (:func:`_map`).
    """

    def __init__(self, path: Path, dir_fd: int | None = None) -> None:
        """A new file (never through a link), ``path``'s name relative to
        ``dir_fd`` when given."""
        fd = _cache_marker.create_fd(path.parent, path.name, dir_fd)
        self._fh = os.fdopen(fd, "wb")
        self._pending = bytearray()  # < 2 MiB; the file ends on a multiple of it

    def write(self, array: np.ndarray) -> None:
        data = np.ascontiguousarray(array).reshape(-1).view(np.uint8).data
        if self._pending:  # complete the waiting stretch first (copies < 2 MiB)
            fill = min(HUGE_BYTES - len(self._pending), len(data))
            self._pending += data[:fill]
            data = data[fill:]
            if len(self._pending) < HUGE_BYTES:
                return
            self._fh.write(self._pending)
        whole = len(data) // HUGE_BYTES * HUGE_BYTES
        if whole:
            self._fh.write(data[:whole])  # straight from the chunk, no copy
        self._pending = bytearray(data[whole:])

    def close(self) -> None:
        """Write what waits and close the file (again: nothing)."""
        if not self._fh.closed:
            try:
                self._fh.write(self._pending)
            finally:
                self._pending = bytearray()
                self._fh.close()

    def discard(self) -> None:
        """Close the file without writing what waits."""
        self._pending = bytearray()
        self._fh.close()


class _NoSpace(Exception):
    """The cache would not fit (or cannot be kept); abandoned, not an error."""
