"""The refill of a paged-out row cache (logistic.backends._cache_refill): it
brings the blocks in in pass order, never more than AHEAD_BLOCKS ahead of the
blocks folded, ends with its pass, is not started for a file all in the page
cache, and leaves the pass's sums bitwise as they are without it."""

from __future__ import annotations

import os
import sys
import time
from types import SimpleNamespace

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from conftest import weighted_parquet  # noqa: E402
from logistic import _libc  # noqa: E402
from logistic._objective import LogisticObjective  # noqa: E402
from logistic.backends import _cache_refill  # noqa: E402
from logistic.backends._cache_refill import Refill, in_page_cache  # noqa: E402
from logistic.backends.chunked import Chunked  # noqa: E402

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="cachestat and madvise: Linux"
)


def _drop(fd: int) -> None:
    os.fsync(fd)  # dirty pages stay in the page cache
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _paged_out(fd: int, size: int) -> bool:
    """Drop the file from the page cache; False where that cannot be told
    (no cachestat) or the file system kept its pages."""
    _drop(fd)
    return in_page_cache(fd, 0, size) is False and _libc.cached_pages(fd, 0, size) == 0


def _wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.01)
    return cond()


@pytest.fixture()
def rows_file(tmp_path):
    """A 2 MiB file of 16 blocks of 128 KiB (16 rows of 8 KiB), open."""
    path = tmp_path / "X.bin"
    path.write_bytes(np.arange(2**18, dtype=np.float64).tobytes())
    fd = os.open(path, os.O_RDONLY)
    yield SimpleNamespace(n_samples=256, rows_file=lambda: (fd, 8192)), fd
    os.close(fd)


def test_refill_brings_blocks_in_order_within_its_credits(rows_file, monkeypatch):
    cached, fd = rows_file
    if not _paged_out(fd, 2**21):
        pytest.skip("no cachestat, or the file system kept the pages")
    seen = []
    real = _cache_refill.refill_block

    def recording(fd, start, length, size):
        seen.append((start, length))
        return real(fd, start, length, size)

    monkeypatch.setattr(_cache_refill, "AHEAD_BLOCKS", 3)
    monkeypatch.setattr(_cache_refill, "refill_block", recording)
    refill = Refill.start(cached, 16)  # 16 rows: 128 KiB blocks
    assert refill is not None
    assert _wait_for(lambda: len(seen) == 3)
    time.sleep(0.2)  # no credit: no fourth block
    assert seen == [(k * 2**17, 2**17) for k in range(3)]
    assert _libc.cached_pages(fd, 0, 3 * 2**17) == 3 * 2**17 // 4096
    refill.advance()
    refill.advance()
    assert _wait_for(lambda: len(seen) == 5)
    refill.stop()
    refill.advance()  # a credit after the end is not used
    time.sleep(0.3)
    assert len(seen) == 5


def test_refill_ends_when_its_pass_is_gone(rows_file, monkeypatch):
    cached, fd = rows_file
    if not _paged_out(fd, 2**21):
        pytest.skip("no cachestat, or the file system kept the pages")
    seen = []
    monkeypatch.setattr(_cache_refill, "AHEAD_BLOCKS", 1)
    monkeypatch.setattr(
        _cache_refill, "refill_block", lambda *args: seen.append(args) or True
    )
    refill = Refill.start(cached, 16)
    assert refill is not None
    assert _wait_for(lambda: len(seen) == 1)
    credits = refill._credits
    del refill  # the pass dropped it without stop()
    time.sleep(3 * _cache_refill._POLL)
    credits.put(True)  # the thread has ended: nobody takes it
    time.sleep(3 * _cache_refill._POLL)
    assert len(seen) == 1


def test_no_refill_for_a_file_all_in_the_page_cache(rows_file):
    cached, fd = rows_file
    os.pread(fd, 2**21, 0)
    if _libc.cached_pages(fd, 0, 2**21) != 2**21 // 4096:
        pytest.skip("no cachestat, or the page cache did not keep the file")
    assert Refill.start(cached, 16) is None


def test_a_pass_over_a_paged_out_cache_is_bitwise_the_same(tmp_path, monkeypatch):
    path, X, _y, _w = weighted_parquet(tmp_path, 5)
    opts = dict(target="label", weight="w", chunk_rows=170, cache_dir=tmp_path / "c")
    Chunked.from_parquet(path, **opts)  # the scan writes the cache
    theta = np.full(X.shape[1] + 1, 0.1)
    refilled = []
    real = _cache_refill.refill_block

    def recording(*args):
        refilled.append(args[1])
        return real(*args)

    monkeypatch.setattr(_cache_refill, "refill_block", recording)
    got = {}
    for ahead in (0, 8):
        monkeypatch.setattr(_cache_refill, "AHEAD_BLOCKS", ahead)
        backend = Chunked.from_parquet(path, **opts)
        fd, _ = backend._cached.rows_file()
        if not _paged_out(fd, X.nbytes):
            pytest.skip("no cachestat, or the file system kept the pages")
        got[ahead] = LogisticObjective(backend).value_and_gradient(theta)
        assert backend.n_passes == 1
    assert refilled and refilled == sorted(refilled)  # in pass order
    assert got[0][0] == got[8][0]
    np.testing.assert_array_equal(got[0][1], got[8][1])
