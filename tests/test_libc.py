"""logistic._libc: the C library calls used through ctypes (Linux only)."""

from __future__ import annotations

import ctypes
import errno
import mmap
import os
import sys

import numpy as np
import pytest

from logistic import _libc

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def test_a_missing_symbol_is_none() -> None:
    assert _libc.function("no_such_function_in_libc_xyz", "c_int", ()) is None


@linux
def test_mincore_tells_a_touched_page_from_an_untouched_one() -> None:
    page = mmap.PAGESIZE
    with mmap.mmap(-1, 2 * page) as mm:
        mm[0] = 1  # the first page faulted in, the second never touched
        view = np.frombuffer(mm, dtype=np.uint8)
        vec = np.zeros(2, dtype=np.uint8)
        assert _libc.mincore()(view.ctypes.data, 2 * page, vec.ctypes.data) == 0
        del view
        assert vec[0] & 1 == 1
        assert vec[1] & 1 == 0


@linux
def test_reserve_heap_calls_malloc_and_free() -> None:
    assert _libc.reserve_heap(4 * 2**20) is True


@linux
def test_cached_pages_counts_the_pages_of_a_file_in_the_page_cache(tmp_path) -> None:
    page = mmap.PAGESIZE
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * (8 * page))
    fd = os.open(path, os.O_RDONLY)
    try:
        got = _libc.cached_pages(fd, 0, 8 * page)
        if got is None:
            pytest.skip("no cachestat here (Linux < 6.5)")
        assert got == 8  # just written: all in the page cache
        assert _libc.cached_pages(fd, page + 1, 2 * page) == 3  # pages 1, 2, 3
        os.fsync(fd)  # dirty pages are not dropped
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        left = _libc.cached_pages(fd, 0, 8 * page)
        if left == 8:
            pytest.skip("this file system kept the pages in the page cache")
        assert left is not None and left < 8
    finally:
        os.close(fd)


def test_cached_pages_gives_up_for_good_on_a_kernel_without_cachestat(
    monkeypatch,
) -> None:
    calls = []

    def no_such_call(*args):
        calls.append(args)
        ctypes.set_errno(errno.ENOSYS)
        return -1

    monkeypatch.setattr(_libc, "_NO_CACHESTAT", [])
    monkeypatch.setattr(_libc, "_syscall", lambda: no_such_call)
    assert _libc.cached_pages(0, 0, 4096) is None
    assert _libc.cached_pages(0, 0, 4096) is None
    assert len(calls) == 1  # not asked again
