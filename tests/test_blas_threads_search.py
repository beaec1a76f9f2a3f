"""The BLAS setter search reads the loader's list of libraries: the same
libraries as Linux's ``/proc/self/maps`` lists."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from logistic import _blas_threads


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_loaded_libraries_are_the_mapped_shared_objects():
    np.ones(3) @ np.ones(3)  # numpy's BLAS is loaded
    loaded = _blas_threads._loaded_libraries()
    assert loaded is not None
    with open("/proc/self/maps") as f:
        mapped = {line.split()[-1] for line in f if ".so" in line}
    # the loader may name a library through "..": compare the files themselves
    real = {os.path.realpath(p) for p in loaded}
    blas = {
        os.path.realpath(p)
        for p in mapped
        if "openblas" in p.rsplit("/", 1)[-1].lower() and "cpython" not in p
    }
    assert blas and blas <= real
    files = {os.path.realpath(p) for p in loaded if os.path.exists(p)}  # not vdso
    assert files <= {os.path.realpath(p) for p in mapped}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_the_compiled_search_finds_the_setters_ctypes_finds():
    """The loader module's search (walk, names' test and look-ups in C)
    gives the functions that ctypes opens from /proc/self/maps' libraries:
    the same setters, and getters that answer the same counts."""
    import ctypes

    import scipy.linalg  # noqa: F401  (scipy's BLAS is mapped too)

    loader = _blas_threads._loader_module()
    if loader is None:
        pytest.skip("logistic._loader is not built")
    np.ones(3) @ np.ones(3)
    compiled = _blas_threads._find_openblas_setters()
    reference = _blas_threads._search_maps()
    if reference is None:
        assert compiled is None  # a BLAS that is not an OpenBLAS
        return
    assert compiled is not None

    def address(f):
        return ctypes.cast(f, ctypes.c_void_p).value

    assert {address(put) for _, put in compiled} == {
        address(put) for _, put in reference
    }
    assert sorted(int(get()) for get, _ in compiled) == sorted(
        int(get()) for get, _ in reference
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_the_limit_sets_and_restores_every_openblas():
    """Inside the context every OpenBLAS getter answers 1; after it, the
    counts found before."""
    np.ones(3) @ np.ones(3)
    setters = _blas_threads.openblas_setters()
    if setters is None:
        pytest.skip("a BLAS of this process is not an OpenBLAS")
    before = [int(get()) for get, _ in setters]
    with _blas_threads.one_blas_thread():
        assert [int(get()) for get, _ in setters] == [1] * len(setters)
    assert [int(get()) for get, _ in setters] == before
