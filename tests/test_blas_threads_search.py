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
