"""Blocks of the row cache read rather than mapped (logistic.backends._cache_read):
blocks whose mapping showed small page-cache folios are read on later passes,
into buffers reused from pass to pass, with the same sums bitwise; a buffer
that a reduction still refers to is never reused; the fault rule's arithmetic;
partially cached 2 MiB stretches are dropped whole."""

from __future__ import annotations

import mmap
import os
import sys
import threading
import weakref

import numpy as np
import pytest

pytest.importorskip("pyarrow")

from conftest import weighted_parquet  # noqa: E402
from logistic import LogisticRegression, _libc  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic.backends import _cache, _cache_read  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402

HUGE = 2 * 2**20
linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="per-thread faults, cachestat: Linux"
)


def _is_mapped(a):
    while isinstance(a, (np.ndarray, memoryview)):
        a = a.base if isinstance(a, np.ndarray) else a.obj
    return isinstance(a, mmap.mmap)


@pytest.fixture()
def cached(tmp_path, monkeypatch):
    monkeypatch.setattr(_cache, "MAP_MIN_BYTES", 0)  # map the small blocks too
    path, X, _y, _w = weighted_parquet(tmp_path, 11)
    opts = dict(target="label", weight="w", chunk_rows=170, cache_dir=tmp_path / "c")
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    return path, opts, X


def test_the_fault_rule_counts_faults_beyond_one_a_2_mib_stretch():
    block = 10_485 * 800  # dense1m's 8 MiB blocks
    start = 3 * block
    stretches = (start + block - 1) // HUGE - start // HUGE + 1
    assert stretches == 5
    rule = _cache_read.in_small_folios
    # 2 MiB folios: one fault a stretch; 4 KiB folios: one a 64 KiB window
    assert not rule(stretches, start, block, True)
    assert rule(block // (64 * 2**10), start, block, True)
    # a quarter of the block outside 2 MiB folios: 32 windows of 64 KiB
    quarter = -(-block // 4 // (64 * 2**10))
    assert rule(stretches + quarter, start, block, True)
    assert not rule(stretches + quarter - 1, start, block, True)
    assert not rule(1, 0, 6800, True)  # a small block, one fault
    # a mapping not widened to whole stretches faults once a 64 KiB window
    # whatever its folios: it tells nothing
    assert not rule(block // (64 * 2**10), start, block, False)
    assert not rule(17, 2**20, 2**20, False)  # a 1 MiB block's faults
    # widened: the mapping covers every stretch the block touches, whole
    lo, end = start // HUGE * HUGE, -(-(start + block) // HUGE) * HUGE
    assert _cache_read.widened(lo, end - lo, start, block)
    assert _cache_read.widened(lo, 2 * HUGE, lo + 1, 2**20)
    assert not _cache_read.widened(lo, end - lo - 4096, start, block)
    assert not _cache_read.widened(lo + 4096, end - lo, start, block)
    page = start // 4096 * 4096  # a mapping of the block's own pages
    assert not _cache_read.widened(page, start + block - page, start, block)
    # a 3 MiB file mapped whole: its first stretch is whole, its second,
    # cut short by the file's end, holds no 2 MiB folio
    assert _cache_read.widened(0, 3 * 2**20, 2**20, 2**20)
    assert not _cache_read.widened(0, 3 * 2**20, 2**20, 2 * 2**20)
    assert not _cache_read.widened(2 * HUGE, 2**20, 2 * HUGE, 2**20)


@linux
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_blocks_narrower_than_the_widened_mappings_are_never_marked(tmp_path, dtype):
    # the rule measured for real (nothing patched): 1 MiB blocks of X, mapped
    # on their own pages (below WIDEN_MIN_BYTES), take a fault a 64 KiB
    # fault-around window or so (17-19 here, against the rule's one a 2 MiB
    # stretch) wherever their pages sit; they stay mapped
    path, _X, _y, _w = weighted_parquet(tmp_path, 4, n=8 * 16_384, p=8)
    rows = 2**20 // (8 * np.dtype(dtype).itemsize)
    assert _cache.MAP_MIN_BYTES <= 2**20 < _cache.WIDEN_MIN_BYTES
    opts = dict(target="label", weight="w", chunk_rows=rows, dtype=dtype)
    opts["cache_dir"] = tmp_path / "c"
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    backend = Chunked.from_parquet(path, **opts, n_threads=2)
    for _ in range(2):
        backend.map_reduce(lambda block: float(block.X.sum()))
    assert not backend._cached._reads.small
    X_b, _, _, _ = backend._cached.block(rows, rows, backend._cached._reads.lease())
    assert _is_mapped(X_b)


@linux
def test_blocks_found_in_small_folios_are_read_into_reused_buffers(cached, monkeypatch):
    path, opts, _X = cached
    theta = np.full(6, 0.1)
    want = LogisticObjective(Chunked.from_parquet(path, **opts)).value_and_gradient(
        theta
    )
    rule = threading.Lock()
    flagged: set[int] = set()

    def every_other(faults, start, length, widened):  # every other X.bin block
        with rule:
            small = (start // length) % 2 == 1 and length == 170 * 5 * 8
            if small:
                flagged.add(start)
            return small

    monkeypatch.setattr(_cache_read, "in_small_folios", every_other)
    backend = Chunked.from_parquet(path, **opts, n_threads=2)
    objective = LogisticObjective(backend)
    got = [objective.value_and_gradient(theta) for _ in range(3)]
    reads = backend._cached._reads
    assert flagged and {s for _fd, s in reads.small} == flagged
    for value, grad in got:  # mapped, then half the blocks read: same bits
        assert value == want[0]
        np.testing.assert_array_equal(grad, want[1])
    # at most one buffer a block in flight, reused from pass to pass (a new
    # buffer for each block read would make about 7 a pass): ordered_map's
    # n_threads workers each run one call at a time, and its consumer runs
    # the call whose turn has come when no worker took it yet (_outcome), so
    # n_threads + 1 calls, 3 here, can read blocks at once
    # (weak references: a reference held here would keep a buffer from being
    # given back, and an id could be reused by a later buffer)
    seen: list[weakref.ref[np.ndarray]] = []
    for i in range(6):
        if i:
            objective.value_and_gradient(theta)
        pooled = reads.pooled()
        seen += [weakref.ref(b) for b in pooled if not any(r() is b for r in seen)]
        del pooled
    assert 1 <= len(seen) <= 3
    # blocks handed to callers are arrays of their own, never pool buffers
    blocks = list(backend.blocks())
    read = [b for b in blocks if not _is_mapped(b.X)]
    assert read and all(not any(b.X.base is p for p in reads.pooled()) for b in read)


@linux
def test_a_buffer_that_a_reduction_keeps_is_not_reused(cached, monkeypatch):
    path, opts, X = cached
    monkeypatch.setattr(_cache_read, "in_small_folios", lambda *args: True)
    backend = Chunked.from_parquet(path, **opts, n_threads=2)
    backend.map_reduce(lambda block: 0.0)  # every block found "small": read next
    kept: dict[int, np.ndarray] = {}
    lock = threading.Lock()

    def keep(block, i):
        with lock:
            kept[i] = block.X  # a view of the buffer, alive after the pass
        return 0.0

    backend.map_reduce_indexed(keep)
    assert not any(_is_mapped(v) for v in kept.values())
    for i, view in kept.items():  # not overwritten by later blocks
        np.testing.assert_array_equal(view, X[170 * i : 170 * (i + 1)])
    pooled = backend._cached._reads.pooled()  # weights' and codes' buffers may be
    assert not any(v.base is b for v in kept.values() for b in pooled)


def test_a_lease_gives_back_exactly_the_buffers_nothing_refers_to():
    reads = _cache_read.BlockReads()
    with reads.lease() as lease:
        kept = lease.buffer(100)[:10]  # a view: its buffer is not given back
        lease.buffer(200)
        lease.buffer(300)
    assert sorted(b.nbytes for b in reads.pooled()) == [200, 300]
    assert not any(kept.base is b for b in reads.pooled())
    with reads.lease() as lease:  # best fit from the pool, then given back
        assert lease.buffer(150).nbytes == 200
    assert sorted(b.nbytes for b in reads.pooled()) == [200, 300]
    # one pool a file: a weights block never takes a buffer of X's
    with reads.lease() as lease:
        lease.buffer(1000, "X")
    with reads.lease() as lease:
        assert lease.buffer(10, "w").nbytes == 10
        assert lease.buffer(900, "X").nbytes == 1000
    assert sorted(b.nbytes for b in reads.pooled()) == [10, 200, 300, 1000]


def test_a_files_free_list_holds_at_most_the_buffers_taken_at_once():
    # three blocks at once (n_threads + 1 = 3), then three larger ones: the
    # buffer too small for any of them makes way for the one allocated, so the
    # list keeps 3 buffers, not [300, 1000, 1000, 1000]
    reads = _cache_read.BlockReads()

    def at_once(sizes):
        leases = [reads.lease() for _ in sizes]
        for lease, n in zip(leases, sizes, strict=True):
            lease.buffer(n, "X")
        for lease in leases:
            lease.close()

    at_once([1000, 1000, 300])
    assert sorted(b.nbytes for b in reads.pooled()) == [300, 1000, 1000]
    at_once([1000, 1000, 1000])
    assert sorted(b.nbytes for b in reads.pooled()) == [1000, 1000, 1000]
    for _ in range(3):  # one at a time: each reuses one of them
        at_once([1000])
    at_once([10, 10])
    assert sorted(b.nbytes for b in reads.pooled()) == [1000, 1000, 1000]
    # a buffer is made only when the list is empty: four at once, four kept
    at_once([1000] * 4)
    assert sorted(b.nbytes for b in reads.pooled()) == [1000] * 4


@linux
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_fit_with_read_blocks_equals_the_fit_that_decodes_the_source(
    cached, monkeypatch, dtype
):
    path, opts, _X = cached
    opts = {**opts, "dtype": dtype}
    Chunked.from_parquet(path, **opts)  # the scan writes this dtype's cache
    monkeypatch.setattr(_cache_read, "in_small_folios", lambda *args: True)
    backend = Chunked.from_parquet(path, **opts, n_threads=2)
    fits = [
        LogisticRegression(solver="newton").fit(b, None)
        for b in (backend, Chunked.from_parquet(path, **opts, cache=False))
    ]
    assert backend._cached._reads.small  # blocks were read, not mapped
    assert backend._cached._reads.pooled()  # into the pool's buffers
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    np.testing.assert_array_equal(fits[0].intercept_, fits[1].intercept_)
    theta = np.full(6, 0.1)
    got, want = (
        LogisticObjective(b).value_and_gradient(theta)
        for b in (backend, Chunked.from_parquet(path, **opts, cache=False))
    )
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])


@linux
def test_partially_cached_2_mib_stretches_are_dropped_whole(tmp_path):
    path = tmp_path / "X.bin"
    data = np.random.default_rng(3).integers(0, 255, 3 * HUGE, dtype=np.uint8)
    path.write_bytes(data.tobytes())
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        if _libc.cached_pages(fd, 0, 3 * HUGE) != 0:
            pytest.skip("no cachestat, or the file system kept the pages")
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)  # no read-ahead
        assert os.pread(fd, HUGE, 0) == data[:HUGE].tobytes()  # stretch 0: whole
        os.pread(fd, 4096, HUGE)  # stretch 1: one page
        whole = HUGE // mmap.PAGESIZE
        before = [_libc.cached_pages(fd, k * HUGE, HUGE) for k in range(3)]
        assert before[0] == whole and 0 < before[1] < whole and before[2] == 0
        left = _cache_read.drop_partial_stretches(fd, HUGE // 2, 2 * HUGE, 3 * HUGE)
        after = [_libc.cached_pages(fd, k * HUGE, HUGE) for k in range(3)]
        assert after == [whole, 0, 0]
        assert left == whole  # the pages still cached around the block
    finally:
        os.close(fd)


def test_an_entry_that_stopped_advising_still_tries_and_learns_again():
    # refills in small folios stop the advice for blocks not in the page
    # cache, but one widened block in RETRY_EVERY is still advised; a refill
    # of one in 2 MiB folios (huge pages turned on since) turns it back on
    reads = _cache_read.BlockReads()
    refills, every = _cache_read.SMALL_REFILLS, _cache_read.RETRY_EVERY
    for _ in range(refills):
        assert reads.advise(True)
        reads.refilled(True)
    assert reads.huge_refill is False
    tried = [reads.advise(True) for _ in range(2 * every)]
    assert [i for i, t in enumerate(tried) if t] == [every - 1, 2 * every - 1]
    assert not any(reads.advise(False) for _ in range(2 * every))  # narrow: never
    reads.refilled(True)  # a retried refill in small folios changes nothing
    assert reads.huge_refill is False
    reads.refilled(False)
    assert reads.huge_refill is True
    assert reads.advise(True) and reads.advise(False)
