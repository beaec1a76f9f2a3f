"""Which blocks of the row cache a pass reads rather than maps, and the buffers it
reads them into.

Conventions (owned here; the mapping itself is :mod:`._cache`'s)
------------------------------------------------------------------
* **Small folios are read.** Mapping a block costs per page-table entry: one
  for each 2 MiB page-cache folio whose whole stretch the mapping covers, one
  for every 4 KiB page of any smaller folio. Pre-faulting a block mapped on
  2 MiB folios takes one fault a folio; outside them the kernel maps
  :data:`FAULT_AROUND_BYTES` a fault (its fault-around window), 16 entries.
  The page cache holds a file in small folios where it was brought back a
  piece at a time after pages were dropped (reads filling holes between
  resident folios, page faults): then setting up and tearing down the
  mapping (interrupting the pass's other CPUs to flush their TLBs) costs more
  than copying the block out of the page cache. So a pass counts the faults
  of its thread (``getrusage(RUSAGE_THREAD)``, Linux) while it pre-faults a
  mapped block, and a block whose faults show at least
  :data:`SMALL_FOLIO_SHARE` of its bytes outside 2 MiB folios is read from
  then on, for the entry's lifetime (:class:`BlockReads`). Only a mapping
  that covers the block's 2 MiB stretches whole (:func:`widened`: blocks of
  at least ``._cache``'s ``WIDEN_MIN_BYTES``) tells: a narrower one maps no
  2 MiB folio with one entry, so it takes a fault a fault-around window or
  so wherever its pages sit (1 MiB blocks: 17-19 faults either way). Measured on
  dense1m's 8 MiB blocks, one thread: mapped on 2 MiB folios 0.02 ms, read
  0.3 ms; mapped on 4 KiB folios (129 faults) 0.95 ms, read 0.65 ms;
  break-even near 35 faults (``benchmarks/cache_pass.py``).
* **Reused buffers.** A block read during a threaded pass is read into a
  buffer of the entry's pool: its pages are faulted in on its first read
  only, so a later read is a copy out of the page cache and nothing else. A
  buffer goes back to the pool once the block's reduction has returned and
  nothing refers to the buffer any more (a reduction that kept a view of
  its block keeps the buffer: it is never reused). Each file has its own
  free list (a weights block never takes a buffer the size of a block of
  X). A block takes the list's last buffer, or a new one where the list is
  empty; one too small (a pass's short last block's) is let go and
  replaced. A new buffer is made only when the list is empty, so a file's
  buffers, taken and free, are never more than the blocks read at once: a
  threaded pass reads or reduces at most ``n_threads + 1`` (its workers,
  and its consumer when it runs a call itself), kept for the entry's
  lifetime (between fits too). The lists and counters are taken and changed
  by single C calls (``list.pop``, ``list.append``, ``next`` of a counter),
  no lock: the consumer (the main thread) reads blocks too, and a Ctrl-C
  there must not leave a lock held (:mod:`._prefetch`'s hand-offs). Blocks
  handed out to callers (``Chunked.blocks``, ``grid_blocks``) are read into
  arrays of their own.
"""

from __future__ import annotations

import itertools
import mmap
import os
import sys
from collections.abc import Hashable
from typing import Any

import numpy as np

from .. import _libc

__all__ = [
    "HUGE_BYTES",
    "BlockReads",
    "Lease",
    "advise_huge",
    "drop_partial_stretches",
    "in_small_folios",
    "thread_faults",
    "widened",
]

#: The kernel's fault-around window: a page fault on a page-cache page outside
#: a 2 MiB folio maps up to this many bytes around it (Linux's default).
FAULT_AROUND_BYTES = 64 * 2**10
#: A mapped block whose pre-faulting shows at least this share of its bytes
#: outside 2 MiB folios is read on later passes (see the module docstring).
SMALL_FOLIO_SHARE = 0.25
#: Advised refills of widened blocks that all came back in small folios
#: before an entry stops advising and reads blocks not in the page cache.
SMALL_REFILLS = 2
#: Once it stopped, an entry still advises one in this many widened blocks
#: not in the page cache, so that a refill in 2 MiB folios (the system's
#: transparent huge pages turned on) turns the advice back on.
RETRY_EVERY = 32
#: The largest page-cache folio the kernel maps with one page-table entry
#: (a PMD: 2 MiB on x86-64 and arm64 with 4 KiB pages). ``._cache`` maps and
#: writes its files on multiples of it.
HUGE_BYTES = 2 * 2**20

try:  # Unix; RUSAGE_THREAD (the calling thread's own counts): Linux
    import resource as _resource
except ImportError:  # pragma: no cover - Windows: nothing is learnt
    _resource = None  # type: ignore[assignment]
_RUSAGE_THREAD: int | None = getattr(_resource, "RUSAGE_THREAD", None)


def thread_faults() -> int | None:
    """Page faults (minor and major) of the calling thread so far, or None
    where the system does not count them per thread."""
    if _RUSAGE_THREAD is None:  # pragma: no cover - not Linux
        return None
    usage = _resource.getrusage(_RUSAGE_THREAD)
    return int(usage.ru_minflt + usage.ru_majflt)


def widened(lo: int, size: int, start: int, length: int) -> bool:
    """Whether a mapping of ``size`` bytes from byte ``lo`` of a file covers each
    2 MiB stretch that bytes ``start : start + length`` touch, whole, as
    ``._cache`` maps blocks of at least its ``WIDEN_MIN_BYTES``; a narrower
    block's mapping that happens to start and end on 2 MiB boundaries counts
    too. Either way its faults tell folio sizes apart only where the kernel
    places the mapping at an address congruent to its offset modulo 2 MiB, as
    it does file mappings on ext4 and xfs (the assumption ``._cache``'s
    ``_map`` makes). A stretch cut
    short by the file's end holds no 2 MiB folio: a block in one is not."""
    end = -(-(start + length) // HUGE_BYTES) * HUGE_BYTES
    return lo % HUGE_BYTES == 0 and lo <= start and lo + size >= end


def in_small_folios(faults: int, start: int, length: int, widened: bool) -> bool:
    """Whether pre-faulting bytes ``start : start + length`` of a file with
    ``faults`` faults shows at least :data:`SMALL_FOLIO_SHARE` of them
    outside 2 MiB folios: one fault a 2 MiB stretch is what 2 MiB folios
    take, each further one maps :data:`FAULT_AROUND_BYTES` at most. False
    unless the mapping was ``widened`` to whole 2 MiB stretches (the only
    mappings whose faults tell folio sizes apart, see the module docstring)."""
    if not widened:
        return False
    stretches = (start + length - 1) // HUGE_BYTES - start // HUGE_BYTES + 1
    return (faults - stretches) * FAULT_AROUND_BYTES >= SMALL_FOLIO_SHARE * length


def advise_huge(mm: mmap.mmap) -> bool:
    """``madvise(MADV_HUGEPAGE)`` on a file mapping, so that a page faulted in
    through it brings the aligned 2 MiB stretch of the file around it (and
    the next) into the page cache as 2 MiB folios where the stretch is
    absent (Linux, transparent huge pages; a file system whose page cache
    holds large folios); False where the kernel refuses.

    Read-ahead that such faults start later reads a window of the file that,
    where it meets a page already cached, brings the rest of its missing
    pages in as 4 KiB folios: dense1m with 60 % of its 2 MiB stretches
    dropped at random came back with 16 % of the file in 4 KiB folios
    (those blocks are then read, :func:`in_small_folios`). ``MADV_RANDOM``
    as well avoids that (none), but then each fault reads one stretch and
    waits for it: the same refill took twice as long."""
    advice = getattr(mmap, "MADV_HUGEPAGE", None)
    if advice is None:  # pragma: no cover - not Linux
        return False
    try:
        mm.madvise(advice)
    except OSError:  # pragma: no cover - a kernel without transparent huge pages
        return False
    return True


def drop_partial_stretches(
    fd: int, start: int, length: int, file_size: int
) -> int | None:
    """Drop from the page cache each 2 MiB stretch of the file around bytes
    ``start : start + length`` of which only some pages are there; return the
    pages of those stretches still cached afterwards (None where unknown).

    The missing pages of such a stretch would be brought back as small
    folios around those kept; dropped whole (its clean, unmapped pages: the
    call leaves mapped or dirty ones), the stretch comes back as one 2 MiB
    folio. Costs reading what was dropped again from disk, in a pass that
    reads the block's missing pages anyway. Nothing is done where
    ``cachestat`` is missing."""
    lo = start - start % HUGE_BYTES
    hi = min(-(-(start + length) // HUGE_BYTES) * HUGE_BYTES, file_size)
    whole, left = HUGE_BYTES // mmap.PAGESIZE, 0
    for at in range(lo, hi, HUGE_BYTES):
        span = min(HUGE_BYTES, hi - at)
        cached = _libc.cached_pages(fd, at, span)
        if cached is None:
            return None
        if 0 < cached < whole and span == HUGE_BYTES:
            os.posix_fadvise(fd, at, span, os.POSIX_FADV_DONTNEED)
            cached = _libc.cached_pages(fd, at, span)  # mapped or dirty pages stay
            if cached is None:  # pragma: no cover - cachestat answered just before
                return None
        left += cached
    return left


def _refs(obj: object) -> int:
    """``sys.getrefcount`` of ``obj`` as passed here from a caller's local.

    The interpreter's own references to a call's argument vary (Python 3.14
    borrows a local's reference when passing it, and a call site may be
    specialised after it ran a few times), so :meth:`Lease.close` compares a
    buffer's count with those of fresh probes held alike, counted through
    the same call right before and after it."""
    return sys.getrefcount(obj)


class BlockReads:
    """Per cache entry: the blocks held in small folios (read, not mapped) and
    the pools of buffers, one a file, that blocks are read into during
    threaded passes."""

    def __init__(self) -> None:
        #: ``(descriptor, byte offset)`` of blocks to read rather than map
        self.small: set[tuple[int, int]] = set()
        #: whether faults through a mapping advised ``MADV_HUGEPAGE`` bring
        #: pages in as 2 MiB folios (None: not learnt yet, :meth:`refilled`)
        self.huge_refill: bool | None = None
        self._small_refills = itertools.count(1)
        self._unadvised = itertools.count(1)
        self._free: dict[Hashable, list[np.ndarray]] = {}

    def advise(self, widened: bool) -> bool:
        """Whether to advise ``MADV_HUGEPAGE`` on the mapping of a block not
        in the page cache: unless refills came back in small folios
        (:attr:`huge_refill` False); then one in :data:`RETRY_EVERY` such
        ``widened`` blocks still is, whose refill :meth:`refilled` learns from."""
        if self.huge_refill is not False:
            return True
        if not widened:
            return False
        return next(self._unadvised) % RETRY_EVERY == 0

    def refilled(self, small: bool) -> None:
        """Learn from the pre-fault of a widened, advised block that had no page
        in the page cache (none left after :func:`drop_partial_stretches`)
        whether it came back ``small`` (:func:`in_small_folios`).

        The kernel accepts the advice on file mappings also where no large
        folio arrives (transparent huge pages off, a file system without
        large folios): then dropping partially cached stretches only costs
        disk reads, and the refilled blocks are read on later passes anyway.
        One refill in 2 MiB folios settles it (True), also after it was
        False (:meth:`advise` still advises a few blocks);
        :data:`SMALL_REFILLS` in small folios and none in 2 MiB ones, False:
        blocks not in the page cache are then read, as where the advice is
        refused."""
        if not small:
            self.huge_refill = True
        elif self.huge_refill is None and next(self._small_refills) >= SMALL_REFILLS:
            self.huge_refill = False

    def lease(self) -> Lease:
        """Buffers for one block's arrays, given back by :meth:`Lease.close`."""
        return Lease(self)

    def pooled(self) -> list[np.ndarray]:
        """The buffers in the pools now, every file's."""
        return [buf for free in list(self._free.values()) for buf in list(free)]

    def _take(self, nbytes: int, key: Hashable) -> np.ndarray:
        """The last free buffer of ``key`` if it fits, else a new one (module
        docstring)."""
        free = self._free.setdefault(key, [])
        try:
            buf = free.pop()
        except IndexError:
            return np.empty(nbytes, dtype=np.uint8)
        if buf.nbytes >= nbytes:
            return buf
        return np.empty(nbytes, dtype=np.uint8)  # replaces ``buf``, let go

    def _give(self, buf: np.ndarray, key: Hashable) -> None:
        """``buf`` of ``key`` is done with: back on its free list."""
        self._free.setdefault(key, []).append(buf)


class Lease:
    """The buffers one block was read into (see :class:`BlockReads`)."""

    def __init__(self, reads: BlockReads) -> None:
        self.reads = reads
        self._taken: list[tuple[Hashable, np.ndarray]] = []

    def buffer(self, nbytes: int, key: Hashable = None) -> np.ndarray:
        """A uint8 buffer of at least ``nbytes`` bytes from the pool of ``key``
        (the file's), held until :meth:`close`."""
        buf = self.reads._take(nbytes, key)
        self._taken.append((key, buf))
        return buf

    def close(self) -> None:
        """Give back every buffer that nothing else refers to any more (an
        array viewing it holds a reference to it); the others are let go.

        Only references count: a raw address taken from a block
        (``X.ctypes.data``, ``__array_interface__``) holds none, so the
        buffer behind it may be reused once this returns."""
        taken, self._taken = self._taken, []
        while taken:
            key, buf = taken.pop()
            # each held by one local, the tuple and ``x`` (see _refs); a count
            # that changes between the probes makes the test err on keeping
            before, after = object(), object()
            counts = [_refs(x) for x in (before, buf, after)]
            del before, after
            alone = counts[1] <= min(counts[0], counts[2])  # only ``buf`` holds it
            if alone:
                self.reads._give(buf, key)
            del buf

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
