"""A local binary cache of the decoded rows of a Parquet or CSV source.

Decoding Parquet or CSV costs far more than reading the decoded numbers back:
an out-of-core fit that decodes its source on every pass runs at the decoder's
speed, not the disk's. So the first pass over a file source (the
:class:`~logistic.backends.chunked.Chunked` scan) also writes what it decoded
(the way Vowpal Wabbit's cache file works), and every later pass, of this fit
and of later fits of the same source, memory-maps it block by block.

Conventions (owned here)
------------------------
* **Layout.** One folder per source and decoding options, named by a hash of
  the absolute file paths, the columns (features, target, weight, offset), the
  dtype, the reader's options and the cache format version. It holds raw
  C-order arrays ``X.bin`` (n × p, in the fit's dtype), ``codes.bin`` (one
  uint8 a row: the index of its label in ``labels.npy``), ``w.bin`` /
  ``o.bin`` (weights and offsets, when named) and ``meta.json`` (shape, dtype,
  the scan's content digests and the source stamp below). Labels are stored
  as codes, not encoded: which class is positive is decided again at every
  fit (``positive``/``classes`` may change without rewriting the cache).
* **Validity.** ``meta.json`` records, for every source file, its path,
  device and inode, size, modification and status-change times (ns) and a
  blake2b digest of 18 sampled places (its first and last 64 KiB and 16
  evenly spaced 4 KiB blocks between them). A cache whose stamp differs
  from the source's present one is stale: it is rewritten by the next scan.
  POSIX kernels set a file's status-change time (ctime) at every write and
  no call sets it back (``touch -r``, ``cp -p``, ``tar``, ``rsync -t`` set
  the modification time only), so an edit keeping size and mtime still
  changes the stamp. A file modified less than ``RACY_NS`` (2 s) before the
  stamp was taken could change again within the same timestamp tick: the
  entry then also records its sha256, checked at every reuse until the file
  is older than that (then kept as ``known_sha256``). Digests this process
  computed anyway (:func:`~._cache_id.file_sha256`) are recorded as
  ``known_sha256`` too and compared at reuse when known again, for free
  (:func:`_same_contents`). Undetected: an edit
  that keeps the ctime too (writes bypassing the file system, a clock set
  back; file systems without a ctime, e.g. Windows' ``st_ctime`` is the
  creation time) and misses the sampled places.
* **Atomic creation.** The cache is written into a temporary folder beside
  its final name and renamed into place only when complete (``meta.json``
  written last); a crash leaves a temporary folder that is never read (and is
  removed by the next write of that source), never a half cache. Two fits
  scanning one source write their own temporary folders, each held by a lock
  (:mod:`logistic.backends._cache_lock`). A writer that finds at the entry's
  name a valid entry of the same rows (the same stamp and dtype, row and
  column counts and content digests: another fit of the source finished
  first) reads that one and removes its own folder; otherwise it wins the
  entry (the one it replaces is renamed aside, and removed once no fit reads
  it).
  Only folders carrying the cache's marker are ever read, listed or removed
  (:mod:`._cache_marker`). Writing is :mod:`._cache_write`'s; reading, this
  module's.
* **Reading.** A fit opens an entry's folder once (never through a link),
  holds a shared lock on it, and opens ``meta.json``, ``labels.npy`` and the
  data files relative to that descriptor, as regular files, not links or
  FIFOs: what it reads is one entry even if the entry is replaced meanwhile.
  An entry whose folder another user owns is not read (a writer's folder is
  private to it, ``mkdtemp``'s 0700, so no entry is shared between users).
  The writer likewise creates every file through its folder's descriptor
  (``O_EXCL``, never through a link).
  A ``meta.json`` whose fields have the wrong types or sizes, or files whose
  sizes differ from what it says, make the entry unused (the scan reads the
  source again), never an error (:func:`_valid_meta`).
* **Disk space.** Before each chunk is written the free space of the cache
  folder is checked (:func:`shutil.disk_usage`); when the cache would leave
  less than :data:`RESERVE_BYTES` free (or the source's known size already
  does not fit), the cache is abandoned with a :class:`UserWarning` that says
  so, and the fit goes on reading the source on every pass.
* **Memory.** Later passes map one block at a time (``mmap`` of that block's
  byte range widened to whole 2 MiB stretches of the file, pre-faulted where
  the platform allows), so a pass's resident memory stays bounded by the
  block size plus at most 4 MiB a block, as when reading the source. Blocks
  under :data:`MAP_MIN_BYTES` (label codes, weights, offsets, small chunks)
  are read into arrays of their own instead; blocks that a threaded pass
  reads (below) go into buffers the entry keeps, at most ``n_threads + 1``
  a file (:mod:`._cache_read`).
* **Page cache.** Mapping and reducing a block cost per page-cache folio
  (page-table entries set up and torn down, TLB misses), and a folio's size
  is set when the kernel brings that part of the file in: by the writes of
  the scan (a folio is no larger than the write and aligned to its size, so
  the writer writes whole, aligned 2 MiB stretches: :class:`_AlignedWriter`),
  by reads (read-ahead ramps up from 16 KiB folios at every new stretch it
  starts), or by page faults through a mapping (4 KiB folios; 2 MiB ones
  through a mapping advised ``MADV_HUGEPAGE`` where the whole 2 MiB stretch
  is absent). A 2 MiB folio whose whole stretch is mapped takes one
  page-table entry instead of 512, hence the widened mappings. So on Linux a
  block whose pages are not all in the page cache (``cachestat``, Linux 6.5,
  one step per folio; else ``mincore``, one per page; evicted since the scan:
  memory pressure, proactive reclaim, which on some systems drops a file's
  pages within minutes of its last use) is mapped and advised
  ``MADV_HUGEPAGE``, has the 2 MiB stretches of which only some pages are
  cached dropped whole, and is pre-faulted, which reads the missing stretches
  back as 2 MiB folios (where the kernel refuses the advice, or advised
  refills came back in small folios, the block is read instead); a resident
  block is mapped and pre-faulted without the advice. A widened block whose
  pre-faulting shows it held in small folios is read on later passes
  (:mod:`._cache_read`).
  Either way the same numbers reach the block. Where a call is missing
  (other systems, older kernels) the block is mapped and faulted in as it
  is read.
* **Where.** ``cache_dir`` when given; else ``$LOGISTIC_CACHE_DIR``; else
  ``$XDG_CACHE_HOME/logistic/rows`` (an absolute one: a relative one is
  ignored, as the XDG spec says) or ``~/.cache/logistic/rows``, ``~`` being
  ``$HOME`` when it is an existing absolute folder, else the user database's
  home; with neither, ``logistic-UID/rows`` in the temporary folder.
"""

from __future__ import annotations

import errno
import json
import math
import mmap
import os
import shutil  # noqa: F401  (the writer's disk_usage; tests patch it here)
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .. import _libc
from .._exceptions import IntegrityError
from . import _cache_lock, _cache_marker, _cache_read
from ._cache_id import (
    FORMAT,
    default_cache_dir,
    entry_name,
    file_sha256,
    known_sha256,
    source_stamp,
    young,
)
from ._cache_read import HUGE_BYTES
from ._cache_write import MAX_LABELS, RESERVE_BYTES, EntryWriter, fh_dtype
from ._cache_write import _AlignedWriter as _AlignedWriter  # the writer's unit

__all__ = [
    "HUGE_BYTES",
    "RESERVE_BYTES",
    "CacheWriter",
    "CachedRows",
    "default_cache_dir",
    "entry_name",
    "source_stamp",
]

T = TypeVar("T")


#: ``madvise`` advice that faults a mapped range in with one call (Linux 5.14).
MADV_POPULATE_READ = getattr(mmap, "MADV_POPULATE_READ", 22)
#: Only blocks of at least this many bytes are widened to whole
#: :data:`HUGE_BYTES` stretches, so a mapping holds at most twice its block:
#: the widening adds up to ``2 · HUGE_BYTES`` of address space, which would
#: quadruple a 1 MiB block's (an address-space cap of a few blocks, as
#: ``tests/test_out_of_core_memory.py`` sets, is then exceeded).
WIDEN_MIN_BYTES = 2 * HUGE_BYTES
#: Blocks of a file smaller than this are read into an array of their own:
#: copying a few KiB (label codes, weights, small blocks) costs less than
#: mapping, pre-faulting and unmapping them (``benchmarks/cache_pass.py``).
MAP_MIN_BYTES = 256 * 2**10


def _resident(view: np.ndarray) -> bool:
    """Whether every page of a fresh mapping (``view``, its bytes) is in the page
    cache; True when that cannot be told."""
    mincore = _libc.mincore()
    pages = np.zeros(-(-view.nbytes // mmap.PAGESIZE), dtype=np.uint8)
    if not mincore or mincore(view.ctypes.data, view.nbytes, pages.ctypes.data):
        return True
    return bool(np.all(pages & 1))


def _in_page_cache(fd: int, start: int, length: int) -> bool | None:
    """Whether every page of bytes ``start : start + length`` of the open file
    is in the page cache, asked of ``cachestat`` (Linux 6.5: one step per
    folio, where ``mincore`` takes one per page); None when it cannot say."""
    cached = _libc.cached_pages(fd, start, length)
    if cached is None:
        return None
    pages = (start + length - 1) // mmap.PAGESIZE - start // mmap.PAGESIZE + 1
    return cached >= pages


def _read(
    fd: int,
    path: Path,
    start: int,
    count: int,
    dtype: np.dtype,
    lease: _cache_read.Lease | None = None,
) -> Any:
    """``count`` items of ``dtype`` from byte ``start`` of an open file, read
    with positional reads (the GIL released) into a new array, or into a
    buffer of ``lease`` (:class:`._cache_read.Lease`) when given."""
    if lease is None:
        out = np.empty(count, dtype=dtype)
    else:
        nbytes = count * dtype.itemsize
        out = lease.buffer(nbytes, fd)[:nbytes].view(dtype)
    view, done = out.view(np.uint8).data, 0
    while done < view.nbytes:
        got = os.preadv(fd, [view[done:]], start + done)
        if not got:
            raise IntegrityError(
                f"{path}: ends at byte {start + done}, before byte "
                f"{start + view.nbytes}, which its meta.json promises; the row "
                f"cache changed during the fit. Refit."
            )
        done += got
    return out


def _map(fd: int, start: int, length: int, file_size: int) -> tuple[Any, int]:
    """A read-only shared mapping that holds bytes ``start : start + length`` of
    the file, and where they begin in it.

    With ``mincore`` (Linux) a block of at least :data:`WIDEN_MIN_BYTES` is
    mapped on whole :data:`HUGE_BYTES` stretches of the file (the file's end
    at most): the kernel places a file mapping at an address congruent to
    its offset modulo 2 MiB, so every 2 MiB folio of the page cache inside
    the block, including those it shares with its neighbours, is mapped by
    one page-table entry rather than 512 (fewer entries to set up and tear
    down, fewer TLB misses while the block is reduced). Only the block's own
    pages are pre-faulted.
    """
    if not hasattr(mmap, "MAP_SHARED"):  # pragma: no cover - Windows
        lo = start - start % mmap.ALLOCATIONGRANULARITY
        mm = mmap.mmap(fd, start + length - lo, access=mmap.ACCESS_READ, offset=lo)
        return mm, start - lo
    if not _libc.mincore() or length < WIDEN_MIN_BYTES:
        lo = start - start % mmap.ALLOCATIONGRANULARITY
        flags = mmap.MAP_SHARED
        if not _libc.mincore():  # other POSIX systems: pre-fault it (one call)
            flags |= getattr(mmap, "MAP_POPULATE", 0)
        mm = mmap.mmap(
            fd, start + length - lo, flags=flags, prot=mmap.PROT_READ, offset=lo
        )
        return mm, start - lo
    lo = start - start % HUGE_BYTES
    hi = min(-(-(start + length) // HUGE_BYTES) * HUGE_BYTES, file_size)
    mm = mmap.mmap(fd, hi - lo, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ, offset=lo)
    return mm, start - lo


def _block_rows(
    fd: int,
    path: Path,
    row0: int,
    rows: int,
    row_shape: tuple[int, ...],
    dtype: Any,
    reads: _cache_read.BlockReads | None = None,
    lease: _cache_read.Lease | None = None,
) -> Any:
    """Rows ``row0 : row0 + rows`` of a raw C-order array file open as ``fd``.

    Memory-mapped and pre-faulted (pages not in the page cache are brought
    in as 2 MiB folios where the kernel can, see the module docstring); read
    when an earlier mapping found the block in small folios (``reads``,
    :mod:`._cache_read`), when its pages are not all in the page cache and
    the kernel cannot bring them in as huge pages, or when the block is
    smaller than :data:`MAP_MIN_BYTES`: into a buffer of ``lease`` when
    given, else into a new array. A file shorter than the block (cut short
    during the fit) raises :class:`IntegrityError` naming it.
    """
    dtype = np.dtype(dtype)
    row_bytes = math.prod(row_shape) * dtype.itemsize
    start, length = row0 * row_bytes, rows * row_bytes
    if length == 0:  # no rows, or rows of no columns
        return np.empty((rows, *row_shape), dtype=dtype)
    file_size = os.fstat(fd).st_size
    if file_size < start + length:
        raise IntegrityError(
            f"{path}: ends before byte {start + length}, which its meta.json "
            f"promises; the row cache changed during the fit. Refit."
        )
    count = length // dtype.itemsize
    readable = hasattr(os, "preadv")
    if readable and length < MAP_MIN_BYTES:
        return _read(fd, path, start, count, dtype).reshape(rows, *row_shape)
    if readable and reads is not None and (fd, start) in reads.small:
        return _read(fd, path, start, count, dtype, lease).reshape(rows, *row_shape)
    resident = _in_page_cache(fd, start, length) if readable else None
    mm, at = _map(fd, start, length, file_size)
    first = at - at % mmap.PAGESIZE  # the block's own pages
    if readable and _libc.mincore():
        if resident is None:  # no cachestat: ask mincore, page by page
            pages = np.frombuffer(
                mm, dtype=np.uint8, count=at + length - first, offset=first
            )
            resident = _resident(pages)
            del pages
        # the advice only matters for pages the faults bring in (a resident
        # 2 MiB folio is mapped by one entry without it)
        wide, left = _cache_read.widened(start - at, len(mm), start, length), None
        if not resident:
            # pages would come back as small folios: where the kernel refuses
            # the advice, or where advised refills showed that it has no effect
            refused = reads is not None and not reads.advise(wide)
            if refused or not _cache_read.advise_huge(mm):
                mm.close()
                return _read(fd, path, start, count, dtype, lease).reshape(
                    rows, *row_shape
                )
            left = _cache_read.drop_partial_stretches(fd, start, length, file_size)
        faults = None if reads is None else _cache_read.thread_faults()
        try:
            mm.madvise(MADV_POPULATE_READ, first, at + length - first)
        except OSError as exc:
            if exc.errno in (errno.ENOMEM, errno.EINTR):  # memory ran out paging in
                mm.close()  # read instead, which reports memory really exhausted
                return _read(fd, path, start, count, dtype, lease).reshape(
                    rows, *row_shape
                )
            if exc.errno != errno.EINVAL:  # EFAULT, EIO, EHWPOISON: unreadable
                mm.close()
                raise IntegrityError(
                    f"{path}: bytes {start} : {start + length} cannot be read "
                    f"({exc.strerror}); the row cache may have changed during "
                    f"the fit. Refit."
                ) from exc
            faults = None  # Linux < 5.14: pages fault in when read
        after = None if faults is None else _cache_read.thread_faults()
        if reads is not None and faults is not None and after is not None:
            small = _cache_read.in_small_folios(after - faults, start, length, wide)
            if small:
                reads.small.add((fd, start))
            if wide and left == 0:  # the whole mapping was refilled
                reads.refilled(small)
    # the array keeps the map alive; the map closes when the block is dropped
    return np.frombuffer(mm, dtype=dtype, count=count, offset=at).reshape(
        rows, *row_shape
    )


def _same_contents(
    folder: Path, meta: dict[str, Any], stamp: list[dict[str, Any]], dir_fd: int | None
) -> bool:
    """Whether the source files still hold the bytes whose sha256 the entry
    records (see *Validity*): ``sha256``, of files modified just before the
    entry was written, is checked by hashing them; once they are older than
    :data:`~._cache_id.RACY_NS` their stamp alone tells a later edit, and the
    digests move to ``known_sha256``, which like the digests known when the
    entry was written is compared only with digests this process computed
    anyway (:func:`~._cache_id.known_sha256`: nothing is read)."""
    paths = [f["path"] for f in stamp]
    if "sha256" in meta and [file_sha256(p) for p in paths] != meta["sha256"]:
        return False
    for path, digest in zip(paths, meta.get("known_sha256", []), strict=False):
        now = None if digest is None else known_sha256(path)
        if now is not None and now != digest:
            return False
    if "sha256" in meta and not young(stamp):
        settled = {k: v for k, v in meta.items() if k != "sha256"}
        settled["known_sha256"] = meta["sha256"]
        try:  # in the entry this fit holds (``dir_fd``), never through a link
            _cache_marker.replace_file(
                folder, "meta.json", json.dumps(settled).encode(), dir_fd
            )
        except OSError:  # a read-only cache: checked again next time
            pass
    return True


#: Largest ``meta.json`` read (its stamp of thousands of files: a few MB).
META_BYTES = 64 * 2**20
#: Largest ``labels.npy`` read (at most :data:`MAX_LABELS` labels).
LABELS_BYTES = 2**20


def _valid_meta(meta: Any, stamp: list[dict[str, Any]], dtype: Any) -> bool:
    """Whether ``meta`` (a parsed ``meta.json``) describes an entry of this
    format, for ``stamp`` and ``dtype``, with fields of the types and ranges
    the reader relies on (anything else: the entry is not used)."""
    if not isinstance(meta, dict):
        return False
    if meta.get("format") != FORMAT or meta.get("stamp") != stamp:
        return False
    try:
        if not isinstance(meta.get("dtype"), str):
            return False
        if np.dtype(meta["dtype"]) != np.dtype(dtype):
            return False
        bytes.fromhex(meta["digest"])
        # the rows of each label (``_fingerprint.RowHashes``); an entry written
        # before they were kept is written again
        for label, digest in meta["label_digests"]:
            if not isinstance(label, (str, int, float)):
                return False
            if len(bytes.fromhex(digest)) != 16:
                return False
    except (TypeError, ValueError, KeyError):
        return False
    counts = [meta.get(k) for k in ("n_samples", "n_features")]
    if not all(type(c) is int and c >= 0 for c in counts):
        return False
    if not all(type(meta.get(k)) is bool for k in ("weight", "offset")):
        return False
    for key, none_ok in (("sha256", False), ("known_sha256", True)):
        digests = meta.get(key, [])
        if not isinstance(digests, list) or len(digests) > len(stamp):
            return False
        if not all(isinstance(d, str) or (none_ok and d is None) for d in digests):
            return False
    return True


def _load_labels(folder: Path, dir_fd: int | None) -> np.ndarray:
    """An entry's ``labels.npy`` (a regular file of at most
    :data:`LABELS_BYTES`, no pickles): one dimension, finite numbers,
    booleans or text, at most :data:`MAX_LABELS`; ValueError otherwise."""
    fd = _cache_marker.open_file(folder, "labels.npy", dir_fd)
    bad = ValueError(f"{folder / 'labels.npy'}: not a list of labels")
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fd).st_size > LABELS_BYTES:
            raise bad
        try:
            labels = np.load(fh, allow_pickle=False)
        except Exception as exc:  # whatever a damaged .npy makes numpy raise
            raise bad from exc
    if not isinstance(labels, np.ndarray) or labels.ndim != 1:
        raise bad
    if len(labels) > MAX_LABELS or labels.dtype.kind not in "biufUS":
        raise bad
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise bad  # no class is NaN or infinite (a scan refuses such a label)
    return labels


def _same_labels(labels: np.ndarray, label_digests: list[list[Any]]) -> bool:
    """Whether ``labels.npy``'s labels are those ``meta.json`` digests the rows
    of, each once: a label list edited or replaced apart from its entry
    (three labels for two) would give the fit a class without rows."""
    listed = [label for label, _ in label_digests]
    values = labels.tolist()
    return len(values) == len(set(values)) == len(listed) and set(values) == set(listed)


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:  # pragma: no cover - already closed
            pass


class CachedRows:
    """A complete, valid cache entry: the decoded rows, read block by block."""

    def __init__(
        self, folder: Path, meta: dict[str, Any], handle: int | None = None
    ) -> None:
        """The entry in ``folder`` as ``meta`` describes it, opened through
        ``handle`` (its folder's descriptor holding the shared lock, owned from
        here on) or, when None, through a lock taken here."""
        self.folder = folder
        self.meta = meta
        self.n_samples = int(meta["n_samples"])
        self.n_features = int(meta["n_features"])
        self.dtype = np.dtype(meta["dtype"])
        self.has_weight = bool(meta["weight"])
        self.has_offset = bool(meta["offset"])
        self._reads = _cache_read.BlockReads()
        # one descriptor a file for the entry's lifetime, shared by the threads
        # of a pass: the kernel's read-ahead state (which sizes the page
        # cache's folios) follows the whole pass, and a cache replaced on disk
        # meanwhile is not mixed into this fit's blocks
        # (and the entry's shared lock: no eviction removes it meanwhile)
        self._fds: dict[str, int] = {}
        held = [] if handle is None else [handle]  # closed with the entry
        try:
            if handle is None:
                handle = _cache_lock.hold_entry(folder)
                held += [] if handle is None else [handle]
            self.labels = _load_labels(folder, handle)
            for key in self.file_sizes():
                fd = _cache_marker.open_file(folder, f"{key}.bin", handle)
                self._fds[key] = fd
                held.append(fd)
        finally:
            self._closer = weakref.finalize(self, _close_all, held)
        # each file's (key, descriptor, path, row shape, dtype), set once
        shapes = {"X": (self.n_features,), "codes": (), "w": (), "o": ()}
        self._layout = [
            (key, fd, folder / f"{key}.bin", shapes[key], fh_dtype(key, self.dtype))
            for key, fd in self._fds.items()
        ]

    def close(self) -> None:
        """Close the entry's files and release its shared lock now (else when
        the entry is collected); reading it afterwards fails."""
        self._closer()

    @classmethod
    def open(
        cls, folder: Path, stamp: list[dict[str, Any]], dtype: Any
    ) -> CachedRows | None:
        """The entry in ``folder`` if it is the cache's (its marker), complete,
        and matches ``stamp`` and ``dtype`` (see *Reading*)."""
        try:
            handle = _cache_lock.hold_entry(folder)
        except OSError:  # none, not a folder, or being removed
            return None
        try:
            if not _cache_marker.has_marker(folder, handle):
                raise ValueError("not the cache's")
            if handle is not None and hasattr(os, "getuid"):
                if os.fstat(handle).st_uid != os.getuid():  # forged by another user
                    raise ValueError("another user's")
            text = _cache_marker.read_small(folder, "meta.json", META_BYTES, handle)
            meta = json.loads(text)
            if not _valid_meta(meta, stamp, dtype):
                raise ValueError("another entry's, or damaged")
        except (OSError, ValueError, RecursionError):  # deep JSON: RecursionError
            _close_all([] if handle is None else [handle])
            return None
        try:
            rows = cls(folder, meta, handle)
            if not _same_labels(rows.labels, meta["label_digests"]):
                return None  # labels.npy edited or replaced apart from meta.json
            # a file shorter than its meta says is not a complete entry
            sizes = rows.file_sizes()
            if any(os.fstat(rows._fds[k]).st_size != n for k, n in sizes.items()):
                return None
            digests = "sha256" in meta or "known_sha256" in meta
            if digests and not _same_contents(folder, meta, stamp, handle):
                return None
            try:  # its last use, for eviction (:mod:`.row_cache`)
                os.utime(folder if handle is None else handle)
            except OSError:  # a read-only cache: read all the same
                pass
            return rows
        except (OSError, ValueError, KeyError):
            return None

    def file_sizes(self) -> dict[str, int]:
        """Expected bytes of each data file."""
        n, item = self.n_samples, self.dtype.itemsize
        sizes = {"X": n * self.n_features * item, "codes": n}
        if self.has_weight:
            sizes["w"] = n * item
        if self.has_offset:
            sizes["o"] = n * item
        return sizes

    def blocks(self, chunk_rows: int) -> Iterator[tuple[Any, Any, Any, Any]]:
        """``(X, label codes, weight, offset)`` of consecutive ``chunk_rows`` rows."""
        for row0 in range(0, self.n_samples, chunk_rows):
            yield self.block(row0, chunk_rows)

    def block(
        self, row0: int, chunk_rows: int, lease: _cache_read.Lease | None = None
    ) -> tuple[Any, Any, Any, Any]:
        """``(X, label codes, weight, offset)`` of rows ``row0 : row0 + chunk_rows``
        (fewer at the end), each mapped (or read, into ``lease``'s buffers
        when given) on its own."""
        k = max(0, min(chunk_rows, self.n_samples - row0))
        out = {
            key: _block_rows(fd, path, row0, k, shape, dtype, self._reads, lease)
            for key, fd, path, shape, dtype in self._layout
        }
        return out["X"], out["codes"], out.get("w"), out.get("o")

    def reduce_block(self, row0: int, chunk_rows: int, fn: Callable[..., T]) -> T:
        """``fn(X, codes, w, o)`` of :meth:`block`'s arrays; blocks read go into
        reused buffers, given back when ``fn`` has returned (:mod:`._cache_read`)."""
        with self._reads.lease() as lease:
            return fn(*self.block(row0, chunk_rows, lease))


class CacheWriter(EntryWriter):
    """Writes a cache entry during the scan (:class:`._cache_write.EntryWriter`);
    :meth:`finish` makes it visible and returns it as :class:`CachedRows`."""

    def _open(
        self, folder: Path, meta: dict[str, Any], handle: int | None
    ) -> CachedRows:
        return CachedRows(folder, meta, handle)

    def _open_existing(self) -> CachedRows | None:
        return CachedRows.open(self.final, self.stamp, self.dtype)
