"""Bring a paged-out row cache back into the page cache ahead of a pass.

Conventions (owned here; how a block is mapped or read is :mod:`._cache`'s,
the pass's runs :mod:`._cache_pass`'s)
------------------------------------------------------------------------
* **Why.** A cache file left untouched is paged out by the system (memory
  pressure, or proactive reclaim: DAMON on this project's machines pages out
  file pages idle for about a minute), and the next pass reads it back from
  disk. Each thread of that pass pre-faults a block (2 MiB folios, read
  synchronously, :mod:`._cache`) and then reduces it, so the disk waits
  while the thread computes, and, on a busy machine, while it waits for a
  CPU to compute on. dense1m's 764 MiB paged out, one value+gradient
  pass on 2 threads under load 7-10 from other jobs, 18 alternating rounds
  (``benchmarks/cache_refill_ab.py``): median 0.41 s with this module and
  without (the disk's speed, when the disk and the CPUs answer fast), mean
  0.50 s against 0.74 s, rounds over 0.6 s 4 against 6: it shortens the
  passes whose threads wait for a CPU.
* **What.** When a pass starts on a cache whose rows file (``X.bin``) is not
  all in the page cache (``cachestat``: one call for the file), one thread
  walks the pass's blocks in order and, for each block not all in the page
  cache, does what the pass would do to bring it in: drops its 2 MiB
  stretches only partly cached (:func:`._cache_read.drop_partial_stretches`),
  maps each missing stretch advised ``MADV_HUGEPAGE`` and pre-faults the
  block's part of it (``MADV_POPULATE_READ``), then lets the mapping go
  (2 MiB of address space at a time, and the thread's stack, while it
  runs: under an address-space cap, a refill that cannot map or start
  leaves the blocks to the pass). It reads
  nothing into memory of its own and reduces nothing: the pass maps (or
  reads) the same blocks as before, so the numbers are the same.
* **Bounded.** It stays at most :data:`AHEAD_BLOCKS` blocks ahead of the
  blocks whose results the pass has folded (a credit a folded block, handed
  over through a ``queue.SimpleQueue``: no lock shared with the pass, as
  :mod:`._prefetch` requires for Ctrl-C), so a cache larger than the page
  cache is not read ahead of its use and paged out again. It ends at the
  pass's end (:meth:`Refill.stop`, or the pass's runs collected), after the
  block it is bringing in, and holds the entry (its open descriptors) until
  then.
* **Nothing to do, nothing done.** Not on other systems than Linux (no
  ``cachestat``), not where the kernel refuses the advice (the pass then
  reads those blocks), not where a thread cannot be started: the pass
  brings its blocks in itself, as before.
"""

from __future__ import annotations

import _thread
import mmap
import weakref
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Any

from .. import _libc
from . import _cache_read
from ._cache_read import HUGE_BYTES

if TYPE_CHECKING:
    from ._cache import CachedRows

__all__ = ["AHEAD_BLOCKS", "Refill", "in_page_cache", "resident"]

#: Blocks the refill may bring in ahead of the blocks the pass has folded
#: (dense1m: 8 MiB blocks, 64 MiB ahead); 0 turns the refill off.
AHEAD_BLOCKS = 8
#: ``madvise`` advice that faults a mapped range in with one call (Linux 5.14).
MADV_POPULATE_READ = getattr(mmap, "MADV_POPULATE_READ", 22)
#: Seconds between the refill's looks at whether its pass is gone.
_POLL = 0.1


def in_page_cache(fd: int, start: int, length: int) -> bool | None:
    """Whether every page of bytes ``start : start + length`` of the open file
    is in the page cache, asked of ``cachestat`` (Linux 6.5: one step per
    folio, where ``mincore`` takes one per page); None when it cannot say."""
    cached = _libc.cached_pages(fd, start, length)
    if cached is None:
        return None
    pages = (start + length - 1) // mmap.PAGESIZE - start // mmap.PAGESIZE + 1
    return cached >= pages


def resident(view: Any) -> bool:
    """Whether every page of a fresh mapping (``view``, an array of its
    bytes) is in the page cache, asked of ``mincore``; True when that cannot
    be told."""
    import numpy as np

    mincore = _libc.mincore()
    pages = np.zeros(-(-view.nbytes // mmap.PAGESIZE), dtype=np.uint8)
    if not mincore or mincore(view.ctypes.data, view.nbytes, pages.ctypes.data):
        return True
    return bool(np.all(pages & 1))


def refill_block(fd: int, start: int, length: int, file_size: int) -> bool:
    """Bring bytes ``start : start + length`` of the open file into the page
    cache as 2 MiB folios where they are not all there (module docstring),
    one 2 MiB stretch mapped at a time (the address space it holds); False
    where the kernel refuses the advice or the mapping (nothing more to do
    for this file), else True."""
    if length <= 0 or in_page_cache(fd, start, length) is not False:
        return True
    _cache_read.drop_partial_stretches(fd, start, length, file_size)
    end = start + length
    for lo in range(start - start % HUGE_BYTES, end, HUGE_BYTES):
        hi = min(lo + HUGE_BYTES, file_size)
        if in_page_cache(fd, lo, hi - lo) is not False:
            continue
        try:
            mm = mmap.mmap(
                fd, hi - lo, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ, offset=lo
            )
        except (OSError, ValueError):  # an address-space cap: left to the pass
            return False
        try:
            if not _cache_read.advise_huge(mm):
                return False
            first = max(start, lo) - lo
            first -= first % mmap.PAGESIZE
            mm.madvise(MADV_POPULATE_READ, first, min(end, hi) - lo - first)
        except OSError:  # memory ran out, an old kernel, an unreadable page:
            return False  # the pass meets it itself and says so
        finally:
            mm.close()
    return True


class Refill:
    """The refill of one pass (module docstring): :meth:`start` it, call
    :meth:`advance` once a block a block is folded, :meth:`stop` at the end."""

    def __init__(self) -> None:
        self._credits: SimpleQueue[bool] = SimpleQueue()
        self._stopped: list[bool] = []  # appended to once the pass ends

    @classmethod
    def start(cls, cached: CachedRows, chunk_rows: int) -> Refill | None:
        """A running refill of ``cached``'s rows file for a pass over blocks
        of ``chunk_rows`` rows, or None when its rows are all in the page
        cache, this cannot be told, or no thread can be started."""
        fd, row_bytes = cached.rows_file()
        size = cached.n_samples * row_bytes
        if AHEAD_BLOCKS <= 0 or size == 0 or in_page_cache(fd, 0, size) is not False:
            return None
        refill = cls()
        for _ in range(AHEAD_BLOCKS):
            refill._credits.put(True)
        job = (cached, chunk_rows * row_bytes, refill._credits, weakref.ref(refill))
        try:
            _thread.start_new_thread(_walk, job)
        except RuntimeError:  # no thread (an address-space cap)
            return None
        return refill

    def advance(self) -> None:
        """One more block of the pass is folded: one more may be brought in."""
        self._credits.put(True)

    def stop(self) -> None:
        """The pass is over: the refill ends after the block it is on."""
        self._stopped.append(True)  # one C call each: no lock (module docstring)
        self._credits.put(False)


def _go_on(credits: SimpleQueue[bool], link: weakref.ref[Refill]) -> bool:
    """Wait for leave to bring in one more block; False once the pass ended."""
    while True:
        try:
            go = credits.get(timeout=_POLL)
        except Empty:  # no credit yet: wait on unless the pass is gone
            refill = link()
            if refill is None or refill._stopped:
                return False
            continue
        refill = link()
        return go and refill is not None and not refill._stopped


def _walk(
    cached: CachedRows,
    block_bytes: int,
    credits: SimpleQueue[bool],
    link: weakref.ref[Refill],
) -> None:
    """The refill thread: each block in pass order, one credit each."""
    fd, row_bytes = cached.rows_file()
    size = cached.n_samples * row_bytes
    try:
        for start in range(0, size, block_bytes):
            if not _go_on(credits, link):
                return
            if not refill_block(fd, start, min(block_bytes, size - start), size):
                return
    except Exception:  # a helper thread: what fails here, the pass meets and reports
        return
