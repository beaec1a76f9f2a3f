"""logistic._libc: the C library calls used through ctypes (Linux only)."""

from __future__ import annotations

import mmap
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
