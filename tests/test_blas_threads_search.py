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
    counts found before (2 each, set first, so that a limit that does
    nothing fails where the counts already are 1)."""
    np.ones(3) @ np.ones(3)
    setters = _blas_threads.openblas_setters()
    if setters is None:
        pytest.skip("a BLAS of this process is not an OpenBLAS")
    before = [int(get()) for get, _ in setters]
    try:
        for _, put in setters:
            put(2)
        assert [int(get()) for get, _ in setters] == [2] * len(setters)
        with _blas_threads.one_blas_thread():
            assert [int(get()) for get, _ in setters] == [1] * len(setters)
        assert [int(get()) for get, _ in setters] == [2] * len(setters)
    finally:
        for (_, put), n in zip(setters, before, strict=True):
            put(n)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/usr/lib/libopenblas.so.0", True),
        ("/site-packages/scipy_openblas64/lib/libscipy_openblas64_-ff651d7f.so", True),
        ("/opt/intel/lib/libmkl_rt.so.2", True),
        ("/usr/lib/libblis.so.4", True),
        ("/usr/lib/liblapack.so.3", True),
        (
            "/site-packages/numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
            False,
        ),
        (
            "/site-packages/scipy/linalg/cython_blas.cpython-311-x86_64-linux-gnu.so",
            False,
        ),
        ("/usr/local/cuda/lib64/libcublas.so.12", False),
        ("/usr/local/cuda/lib64/libcublasLt.so.12", False),
        ("/opt/rocm/lib/libhipblas.so.2", False),
        ("/usr/lib/libpublisher.so", False),
        ("/usr/lib/libz.so.1", False),
    ],
)
def test_which_libraries_are_cpu_blas(path, expected):
    """A GPU BLAS runs no CPU threads and exports no OpenBLAS setter: taken
    as a BLAS it would turn the fast search off for the whole process."""
    assert _blas_threads._is_blas(path) is expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_each_blas_found_is_held_once():
    """Searching again gives back the extra reference each search's
    RTLD_NOLOAD open takes: one handle a library is kept."""
    loader = _blas_threads._loader_module()
    if loader is None:
        pytest.skip("logistic._loader is not built")
    np.ones(3) @ np.ones(3)
    for _ in range(3):
        if _blas_threads._find_openblas_setters() is None:
            pytest.skip("a BLAS of this process is not an OpenBLAS")
    held = set(_blas_threads._PINNED)
    names = [
        os.fsencode(p) for p in loader.loaded_libraries() if _blas_threads._is_blas(p)
    ]
    spellings = [(g.encode(), p.encode()) for g, p in _blas_threads._SETTER_SPELLINGS]
    found = loader.openblas_functions(names, spellings)
    assert found is not None and {h for h, _, _ in found} == held
    for handle, _, _ in found:
        loader.close(handle)
