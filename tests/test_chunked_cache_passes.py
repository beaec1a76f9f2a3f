"""Passes over the row cache (logistic.backends._cache): a cache file cut short
during a fit is an IntegrityError naming it; the blocks alive during a threaded
pass stay within the documented ``n_threads + 1``; a fit over the cache equals
the fit that decodes the source, bitwise (same blocks, same order)."""

from __future__ import annotations

import errno
import mmap
import os
import sys
import threading
import weakref

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import weighted_parquet  # noqa: E402
from logistic import LogisticRegression, _block_sample  # noqa: E402
from logistic._exceptions import IntegrityError  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic.backends import _cache  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402


@pytest.fixture()
def cached(tmp_path, monkeypatch):
    # blocks of a few KiB are read, not mapped (MAP_MIN_BYTES): map them all,
    # so that these tests go through the mapped path
    monkeypatch.setattr(_cache, "MAP_MIN_BYTES", 0)
    path, X, _y, _w = weighted_parquet(tmp_path, 5)
    opts = dict(target="label", weight="w", chunk_rows=170, cache_dir=tmp_path / "c")
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    backend = Chunked.from_parquet(path, **opts)
    assert backend.cache_path is not None
    return path, opts, backend, X


def test_a_cache_file_cut_short_during_the_fit_is_an_integrity_error(cached):
    _path, _opts, backend, X = cached
    theta = np.full(X.shape[1] + 1, 0.1)
    LogisticObjective(backend).value_and_gradient(theta)  # the cache is read
    with open(backend.cache_path / "X.bin", "r+b") as fh:
        fh.truncate(X.nbytes // 2)
    with pytest.raises(IntegrityError, match=r"X\.bin: ends before byte \d+.*Refit"):
        LogisticObjective(backend).value_and_gradient(theta)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="pre-faulting: MADV_POPULATE_READ"
)
@pytest.mark.parametrize("code", [errno.EFAULT, errno.EINVAL, errno.ENOMEM])
def test_a_block_that_cannot_be_pre_faulted_is_an_integrity_error(
    cached, monkeypatch, code
):
    # EFAULT: pages past the file's end (cut short after the size check), which
    # reading the array would turn into SIGBUS; EINVAL: a kernel without the
    # advice, whose pages fault in when read; ENOMEM: memory ran out paging
    # in (a cgroup limit), the block is read instead
    _path, _opts, backend, X = cached
    theta = np.full(X.shape[1] + 1, 0.1)
    want = LogisticObjective(backend).value_and_gradient(theta)
    real_map = _cache._map

    class Refusing(mmap.mmap):
        def madvise(self, option, *args):
            if option == _cache.MADV_POPULATE_READ:
                raise OSError(code, os.strerror(code))
            return super().madvise(option, *args)

    def refusing_map(fd, start, length, file_size):
        mm, at = real_map(fd, start, length, file_size)
        size, offset = len(mm), start - at
        mm.close()
        flags, prot = mmap.MAP_SHARED, mmap.PROT_READ
        return Refusing(fd, size, flags=flags, prot=prot, offset=offset), at

    monkeypatch.setattr(_cache, "_map", refusing_map)
    if code in (errno.EINVAL, errno.ENOMEM):
        got = LogisticObjective(backend).value_and_gradient(theta)
        assert got[0] == want[0]
        np.testing.assert_array_equal(got[1], want[1])
        return
    with pytest.raises(IntegrityError, match=r"X\.bin: bytes \d+ : \d+ cannot be"):
        LogisticObjective(backend).value_and_gradient(theta)


@pytest.mark.parametrize("n_threads", [1, 2, 3])
def test_a_cached_pass_keeps_at_most_n_threads_plus_one_blocks_alive(cached, n_threads):
    path, opts, _backend, _X = cached
    backend = Chunked.from_parquet(path, **opts, n_threads=n_threads)
    seen: list[weakref.ref[np.ndarray]] = []
    most = []
    lock = threading.Lock()

    def fn(block):
        with lock:
            seen.append(weakref.ref(block.X))
            most.append(sum(r() is not None for r in seen))
        return float(block.X.sum())

    total = backend.map_reduce(fn)
    assert len(most) == -(-backend.n_samples // 170)
    assert max(most) <= n_threads + 1
    assert total == sum(float(b.X.sum()) for b in backend.blocks())


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_a_fit_over_the_cache_equals_the_fit_that_decodes_the_source(cached, solver):
    path, opts, backend, _X = cached
    plain = Chunked.from_parquet(path, **{**opts, "cache": False})
    assert plain.cache_path is None
    fits = [
        LogisticRegression(penalty="l2", C=1.0, solver=solver).fit(b, None)
        for b in (backend, plain)
    ]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    np.testing.assert_array_equal(fits[0].intercept_, fits[1].intercept_)
    assert fits[0].n_iter_ == fits[1].n_iter_


@pytest.mark.parametrize("how", ["threaded", "one thread", "source"])
def test_indexed_pass_numbers_the_blocks_of_the_grid(cached, how):
    path, opts, _backend, X = cached
    extra = {"threaded": {}, "one thread": {"prefetch": False}, "source": {}}[how]
    if how == "source":
        opts = {**opts, "cache": False}
    backend = Chunked.from_parquet(path, **opts, **extra)
    seen = []
    lock = threading.Lock()

    def fn(block, i):
        with lock:
            seen.append(i)
        np.testing.assert_array_equal(block.X, X[170 * i : 170 * (i + 1)])
        return block.X.sum(axis=0) * (i + 1)

    got = backend.map_reduce_indexed(fn)
    assert sorted(seen) == list(range(-(-X.shape[0] // 170)))
    parts = [X[170 * i : 170 * (i + 1)].sum(axis=0) * (i + 1) for i in range(len(seen))]
    want = parts[0]
    for part in parts[1:]:
        want = want + part
    np.testing.assert_array_equal(got, want)  # bitwise: folded in block order
    assert backend.n_passes == 1


def _is_mapped(a):
    while isinstance(a, (np.ndarray, memoryview)):
        a = a.base if isinstance(a, np.ndarray) else a.obj
    return isinstance(a, mmap.mmap)


def _evict(folder):
    for path in folder.glob("*.bin"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)  # dirty pages (just written) are not dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore: Linux")
@pytest.mark.parametrize("huge", [True, False])
def test_blocks_out_of_the_page_cache_are_mapped_huge_or_else_read(
    cached, monkeypatch, huge
):
    # a block not in the page cache is mapped with MADV_HUGEPAGE (its pages
    # come back as 2 MiB folios); where the kernel refuses the advice, it is
    # read (faults would bring it back in small folios); a resident block is
    # mapped without the advice
    path, opts, backend, X = cached
    advised = []

    def advise(mm):
        advised.append(mm)
        return huge

    monkeypatch.setattr(_cache._cache_read, "advise_huge", advise)
    entry = backend.cache_path
    with open("/proc/self/maps") as fh:
        assert str(entry) not in fh.read()
    blocks = backend.blocks()
    first = next(blocks)  # the scan just wrote the file: in the page cache
    with open("/proc/self/maps") as fh:
        assert str(entry / "X.bin") in fh.read()  # mapped
    assert _is_mapped(first.X)
    del first
    blocks.close()
    assert not advised
    _evict(entry)
    with open(entry / "X.bin", "rb") as fh:
        probe = mmap.mmap(fh.fileno(), 0, prot=mmap.PROT_READ)
        view = np.frombuffer(probe, np.uint8)
        evicted = not _cache._resident(view)
        del view
        probe.close()
    if not evicted:
        pytest.skip("this file system kept the pages in the page cache")
    fresh = Chunked.from_parquet(path, **opts)
    got = list(fresh.blocks())
    assert advised  # asked for the evicted blocks
    assert _is_mapped(got[0].X) is huge  # mapped with the advice, else read
    np.testing.assert_array_equal(np.concatenate([b.X for b in got]), X)


@pytest.mark.parametrize("asked", ["cachestat", "mincore"])
def test_read_and_mapped_blocks_give_the_same_fit_bitwise(cached, monkeypatch, asked):
    path, opts, backend, _X = cached
    calls = iter(range(10**6))
    if asked == "cachestat":
        monkeypatch.setattr(
            _cache, "_in_page_cache", lambda *args: next(calls) % 3 != 1
        )
    else:  # a kernel without cachestat: mincore decides
        monkeypatch.setattr(_cache, "_in_page_cache", lambda *args: None)
        monkeypatch.setattr(_cache, "_resident", lambda view: next(calls) % 3 != 1)
    mixed = LogisticRegression(solver="newton").fit(backend, None)
    assert next(calls) > 3  # the patched rule was asked
    monkeypatch.undo()
    mapped = LogisticRegression(solver="newton").fit(
        Chunked.from_parquet(path, **opts), None
    )
    np.testing.assert_array_equal(mixed.coef_, mapped.coef_)
    np.testing.assert_array_equal(mixed.intercept_, mapped.intercept_)


def test_a_cache_replaced_on_disk_during_the_fit_is_not_mixed_in(cached):
    # the entry keeps its files open: a new file under the same name (another
    # fit rewriting a stale cache) is not read by this fit's passes
    _path, _opts, backend, X = cached
    theta = np.full(X.shape[1] + 1, 0.1)
    before = LogisticObjective(backend).value_and_gradient(theta)
    target = backend.cache_path / "X.bin"
    other = backend.cache_path / "X.new"
    other.write_bytes(np.ascontiguousarray(X[::-1]).tobytes())  # same size
    os.replace(other, target)
    after = LogisticObjective(backend).value_and_gradient(theta)
    assert after[0] == before[0]
    np.testing.assert_array_equal(after[1], before[1])


def _mapped_extent(path):
    """(file offset, length) of the one mapping of ``path`` in this process."""
    with open("/proc/self/maps") as fh:
        lines = [line.split() for line in fh if line.rstrip().endswith(str(path))]
    assert len(lines) == 1, lines
    lo, hi = (int(x, 16) for x in lines[0][0].split("-"))
    return int(lines[0][2], 16), hi - lo


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore: Linux")
def test_large_blocks_are_mapped_on_whole_2_mib_stretches_and_small_ones_read(
    tmp_path,
):
    # 24000 x 100 float64: X.bin is 19.2 MB; blocks of 6000 rows (4.8 MB, at
    # least _cache.WIDEN_MIN_BYTES) are widened, blocks of 1000 rows (800 kB)
    # are mapped on their own pages only
    path, X, _y, _w = weighted_parquet(tmp_path, 7, n=24_000, p=100)
    features = [f"x{j}" for j in range(100)]
    opts = dict(target="label", features=features, chunk_rows=6000)
    opts["cache_dir"] = tmp_path / "c"
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    backend = Chunked.from_parquet(path, **opts)
    entry = backend.cache_path
    assert entry is not None
    huge = 2 * 2**20  # _cache.HUGE_BYTES on x86-64 and arm64
    X1, codes1, _, _ = backend._cached.block(6000, 6000)  # bytes 4.8e6 : 9.6e6
    assert _is_mapped(X1)
    assert not _is_mapped(codes1)  # 6000 bytes of label codes: read
    offset, length = _mapped_extent(entry / "X.bin")
    assert offset == 2 * huge and offset + length == 5 * huge  # 4 MiB : 10 MiB
    np.testing.assert_array_equal(X1, X[6000:12000])
    del X1
    X3, _, _, _ = backend._cached.block(18_000, 6000)  # bytes 14.4e6 : 19.2e6, the end
    offset, length = _mapped_extent(entry / "X.bin")
    end = -(-X.nbytes // mmap.PAGESIZE) * mmap.PAGESIZE  # the file's last page
    assert offset == 6 * huge and offset + length == end  # no further than the end
    np.testing.assert_array_equal(X3, X[18_000:])
    del X3
    small = Chunked.from_parquet(path, **{**opts, "chunk_rows": 1000})
    X_s, _, _, _ = small._cached.block(3000, 1000)  # bytes 2.4e6 : 3.2e6
    assert _is_mapped(X_s)
    offset, length = _mapped_extent(small.cache_path / "X.bin")
    assert offset <= 2_400_000 < 2_400_000 + 800_000 <= offset + length
    assert length < huge  # the block's own pages, not 2 MiB stretches
    np.testing.assert_array_equal(X_s, X[3000:4000])


def test_the_writer_writes_whole_aligned_2_mib_stretches(tmp_path):
    huge = 2 * 2**20  # _cache.HUGE_BYTES on x86-64 and arm64
    writer = _cache._AlignedWriter(tmp_path / "X.bin")
    real = writer._fh
    writes = []

    class Recorder:
        closed = False

        def write(self, data):
            writes.append((real.tell(), len(data)))
            return real.write(data)

        def close(self):
            real.close()

    writer._fh = Recorder()
    rng = np.random.default_rng(0)
    chunks = [
        rng.standard_normal(k) for k in (3, huge // 8 + 5, 7 * huge // 8, 1, 0, 9)
    ]
    for chunk in chunks:
        writer.write(chunk)
    writer.close()
    got = np.fromfile(tmp_path / "X.bin", dtype=np.float64)
    np.testing.assert_array_equal(got, np.concatenate(chunks))
    *whole, last = writes
    assert whole and all(at % huge == 0 and n % huge == 0 for at, n in whole)
    assert last[0] % huge == 0 and last[0] + last[1] == got.nbytes


@pytest.mark.parametrize("missing", ["cachestat", "cachestat and mincore"])
def test_a_pass_without_the_page_cache_calls_gives_the_same_sums(
    cached, monkeypatch, missing
):
    # other systems and older kernels: no cachestat (Linux < 6.5), no mincore
    # (not Linux): blocks are mapped (pre-faulted where MAP_POPULATE exists)
    _path, _opts, backend, X = cached
    theta = np.full(X.shape[1] + 1, 0.1)
    want = LogisticObjective(backend).value_and_gradient(theta)
    monkeypatch.setattr(_cache._libc, "_NO_CACHESTAT", [True])
    if missing == "cachestat and mincore":
        monkeypatch.setattr(_cache._libc, "mincore", lambda: None)
    first = next(backend.blocks())
    assert _is_mapped(first.X)
    del first
    got = LogisticObjective(backend).value_and_gradient(theta)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])


def test_start_rows_from_the_cache_hold_one_block_mapped_at_a_time(
    cached, monkeypatch
):
    """Newton's start rows (``grid_blocks``) copy each picked block's rows and
    let its mapping go before the next is mapped: kept as views, every
    picked block stayed mapped at once (each mapping widened to huge pages),
    which broke a capped address space (tests/test_out_of_core_memory.py)."""
    _path, _opts, backend, X = cached
    monkeypatch.setattr(_cache, "_in_page_cache", lambda *args: True)  # mapped
    live: list[weakref.ref[mmap.mmap]] = []
    most = []
    real_map = _cache._map

    def counting_map(*args, **kwargs):
        mm, at = real_map(*args, **kwargs)
        live.append(weakref.ref(mm))
        most.append(sum(r() is not None for r in live))
        return mm, at

    monkeypatch.setattr(_cache, "_map", counting_map)
    picked = list(range(0, -(-backend.n_samples // 170), 2))
    sizes = [min(170, backend.n_samples - 170 * i) for i in picked]
    n = sum(-(-k // 3) for k in sizes)
    joined = _block_sample._joined(iter(backend.grid_blocks(picked, 3)), n)
    assert joined is not None and len(most) >= 2 * len(picked)  # X, codes, w
    # one block's arrays (X, label codes, weights) mapped at a time, at most
    assert max(most) <= 3
    assert all(r() is None for r in live)
    expected = np.concatenate([X[170 * i : 170 * (i + 1)][::3] for i in picked])
    np.testing.assert_array_equal(joined.X, expected)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mincore: Linux")
@pytest.mark.parametrize(("small", "left"), [(True, 0), (False, 0), (True, 1)])
def test_advised_refills_in_small_folios_stop_the_advice(
    cached, monkeypatch, small, left
):
    # the kernel takes MADV_HUGEPAGE on file mappings also where no 2 MiB
    # folio arrives: SMALL_REFILLS refills all in small folios and the entry
    # reads its blocks that are not in the page cache (no stretch dropped,
    # no advice but one in RETRY_EVERY); one refill in 2 MiB folios keeps the
    # advice on; a block with pages left cached after the drop (``left``)
    # faults also for those small folios and teaches nothing
    path, opts, backend, X = cached
    _evict(backend.cache_path)
    if _cache._in_page_cache(backend._cached._fds["X"], 0, 4096) is not False:
        pytest.skip("no cachestat, or the file system kept the pages")
    advised, dropped, asked = [], [], []

    def advise(mm):
        advised.append(mm)
        return True

    def drop(*args):
        dropped.append(args)
        return left

    def in_page_cache(*args):  # read-ahead would bring later blocks back
        asked.append(False)
        return False

    monkeypatch.setattr(_cache, "_in_page_cache", in_page_cache)
    monkeypatch.setattr(_cache._cache_read, "advise_huge", advise)
    monkeypatch.setattr(_cache._cache_read, "drop_partial_stretches", drop)
    monkeypatch.setattr(_cache._cache_read, "widened", lambda *args: True)
    monkeypatch.setattr(_cache._cache_read, "in_small_folios", lambda *a: small)
    fresh = Chunked.from_parquet(path, **opts)
    got = list(fresh.blocks())
    np.testing.assert_array_equal(np.concatenate([b.X for b in got]), X)
    reads = fresh._cached._reads
    evicted = len(asked)
    assert evicted > _cache._cache_read.SMALL_REFILLS + _cache._cache_read.RETRY_EVERY
    if small and left == 0:
        assert reads.huge_refill is False
        refills = _cache._cache_read.SMALL_REFILLS
        every = _cache._cache_read.RETRY_EVERY
        retried = (evicted - refills) // every
        assert len(advised) == len(dropped) == refills + retried
        # the blocks neither advised nor mapped are read
        assert sum(_is_mapped(b.X) for b in got) <= len(advised) < len(got)
        assert not _is_mapped(got[-1].X)
    else:
        assert reads.huge_refill is (None if small else True)
        assert len(advised) == len(dropped) == evicted
