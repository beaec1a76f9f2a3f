"""The compiled test of library names (``_loader.named`` /
``libraries_named``) picks what :func:`logistic._blas_threads._is_blas` picks."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from logistic import _blas_threads

PATHS = [
    "/usr/lib/libopenblas.so.0",
    "/site-packages/scipy_openblas64/lib/libscipy_openblas64_-ff651d7f.so",
    "/opt/intel/lib/libmkl_rt.so.2",
    "/usr/lib/libblis.so.4",
    "/usr/lib/liblapack.so.3",
    "/usr/lib/LIBOPENBLAS.SO",
    "/site-packages/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
    "/site-packages/scipy/linalg/cython_blas.cpython-311-x86_64-linux-gnu.so",
    "/usr/local/cuda/lib64/libcublas.so.12",
    "/usr/local/cuda/lib64/libcublasLt.so.12",
    "/opt/rocm/lib/libhipblas.so.2",
    "/usr/lib/libpublisher.so",
    "/usr/lib/libz.so.1",
    "/blas/dir/libz.so.1",  # a word in a directory, not in the file name
    "libopenblas.so",  # no directory
    "",
]


def _loader():
    loader = _blas_threads._loader_module()
    if loader is None:
        pytest.skip("logistic._loader is not built")
    return loader


def test_named_picks_what_is_blas_picks() -> None:
    loader = _loader()
    picked = loader.named([os.fsencode(p) for p in PATHS], *_blas_threads._BLAS_WORDS)
    expected = [os.fsencode(p) for p in PATHS if _blas_threads._is_blas(p)]
    assert picked == expected
    assert len(expected) == 7  # the rule picks these; the test is not vacuous


def test_named_word_lists() -> None:
    loader = _loader()
    paths = [b"/a/libfoo.so", b"/a/libbar.so", b"/a/libFOObar.so"]
    assert loader.named(paths, [b"foo"], []) == [b"/a/libfoo.so", b"/a/libFOObar.so"]
    assert loader.named(paths, [b"foo"], [b"bar"]) == [b"/a/libfoo.so"]
    assert loader.named(paths, [], []) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_libraries_named_are_the_loaded_blas() -> None:
    loader = _loader()
    np.ones(3) @ np.ones(3)  # numpy's BLAS is loaded
    found = loader.libraries_named(*_blas_threads._BLAS_WORDS)
    listed = [
        os.fsencode(p) for p in loader.loaded_libraries() if _blas_threads._is_blas(p)
    ]
    assert found == listed and found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_setters_called_by_the_loader_act_as_ctypes_ones() -> None:
    """The getter and setter the loader calls answer and set what ctypes
    prototypes at the same addresses answer and set."""
    import ctypes

    _loader()
    np.ones(3) @ np.ones(3)
    setters = _blas_threads._find_openblas_setters()
    if setters is None:
        pytest.skip("a BLAS of this process is not an OpenBLAS")
    for get, put in setters:
        c_get = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.cast(get, ctypes.c_void_p).value)
        before = get()
        assert isinstance(before, int) and before == c_get()
        try:
            put(1)
            assert get() == c_get() == 1
        finally:
            put(before)
        assert c_get() == before
