"""Newton's factorizations of more than ``SERIAL_MAX_PARAMS`` parameters run
on one BLAS thread (:func:`logistic.solvers._newton_linalg.one_blas_thread`):
OpenBLAS's own thread setters where every BLAS in the process is OpenBLAS,
without building threadpoolctl's controller. threadpoolctl's
``threadpool_info`` is the reference for the thread counts.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from logistic._blas_threads import openblas_setters
from logistic.solvers import _newton_linalg


def test_one_blas_thread_limits_every_blas_and_restores():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy.linalg  # noqa: F401  (scipy's OpenBLAS, as LAPACK's dpotrf uses)

    blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    if not blas:
        pytest.skip("no BLAS that threadpoolctl recognizes")
    before = [i["num_threads"] for i in blas]
    with _newton_linalg.one_blas_thread(_newton_linalg.SERIAL_MAX_PARAMS + 1):
        inside = threadpoolctl.threadpool_info()
        assert all(i["num_threads"] == 1 for i in inside if i["user_api"] == "blas")
    after = threadpoolctl.threadpool_info()
    assert [i["num_threads"] for i in after if i["user_api"] == "blas"] == before


def test_setters_found_for_openblas_builds():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import scipy.linalg  # noqa: F401

    blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    if not blas or any(i["internal_api"] != "openblas" for i in blas):
        pytest.skip("a BLAS other than OpenBLAS: threadpoolctl's controller is used")
    setters = openblas_setters()
    assert setters is not None and len(setters) == len(blas)


def test_sparse_newton_fit_on_300_parameters_needs_no_threadpoolctl():
    # w8a's shape: p = 301 factorizations by LAPACK on one OpenBLAS thread
    code = """
import sys
import numpy as np
import scipy.sparse as sp
from logistic import LogisticRegression
from logistic._blas_threads import openblas_setters
rng = np.random.default_rng(0)
X = sp.random(24000, 300, density=0.04, format="csr", random_state=rng)
X.data[:] = 1.0
y = (rng.random(24000) < 1 / (1 + np.exp(-(X @ rng.standard_normal(300) - 1)))).astype(float)
m = LogisticRegression(penalty="l2", C=1.0, solver="newton", tol=1e-8).fit(X, y)
assert m.converged_
print(openblas_setters() is not None, "threadpoolctl" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    openblas, imported = out.stdout.split()
    if openblas == "False":
        pytest.skip("a BLAS other than OpenBLAS: threadpoolctl's controller is used")
    assert imported == "False"


def test_setters_searched_again_after_new_imports(monkeypatch):
    # where the loader's counters cannot be read, a BLAS may arrive with a
    # later import: the search is made again when the process has imported
    # modules since the last one, not otherwise
    import types

    from logistic import _blas_threads

    calls: list[int] = []
    monkeypatch.setattr(_blas_threads, "_SETTERS", [])
    monkeypatch.setattr(_blas_threads, "_loader_module", lambda: None)  # no C walk
    monkeypatch.setattr(
        _blas_threads, "_find_openblas_setters", lambda: calls.append(1) or None
    )
    _blas_threads.openblas_setters()
    _blas_threads.openblas_setters()
    assert len(calls) == 1
    monkeypatch.setitem(sys.modules, "_logistic_test_new_module", types.ModuleType("m"))
    _blas_threads.openblas_setters()
    assert len(calls) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_setters_searched_again_only_when_a_library_is_loaded(monkeypatch):
    # the loader's counters: importing a pure Python module does not repeat
    # the search; a shared library loaded by ctypes alone does
    import ctypes
    import importlib.util
    import types

    from logistic import _blas_threads

    loader = _blas_threads._loader_module()
    before = None if loader is None else loader.load_counters()
    if loader is None or before is None:
        pytest.skip("the loader's counters cannot be read here")
    loaded = _blas_threads._loaded_libraries() or set()
    origins = [
        spec.origin
        for name in ("_testbuffer", "_testcapi", "_ctypes_test", "xxlimited", "_xxtestfuzz")
        if (spec := importlib.util.find_spec(name)) is not None and spec.origin
    ]
    fresh = [o for o in origins if o not in loaded and _name_not_imported(o)]
    if not fresh:
        pytest.skip("no unloaded extension module to load")
    calls: list[int] = []
    monkeypatch.setattr(_blas_threads, "_SETTERS", [])
    monkeypatch.setattr(
        _blas_threads, "_find_openblas_setters", lambda: calls.append(1) or None
    )
    _blas_threads.openblas_setters()
    monkeypatch.setitem(sys.modules, "_logistic_test_new_module", types.ModuleType("m"))
    _blas_threads.openblas_setters()
    assert len(calls) == 1
    ctypes.CDLL(fresh[0], mode=os.RTLD_LOCAL | os.RTLD_LAZY)
    after = loader.load_counters()
    assert after is not None and after[0] > before[0]
    _blas_threads.openblas_setters()
    assert len(calls) == 2


def _name_not_imported(origin: str) -> bool:
    """Whether no imported module was loaded from ``origin``."""
    return all(getattr(m, "__file__", None) != origin for m in list(sys.modules.values()))


def test_overlapping_limits_restore_the_count_once_all_have_left(monkeypatch):
    # two fits in two Python threads: A enters, B enters (finding 1), A
    # leaves, B leaves; the count must end where it began, and stay 1 while
    # either is inside (a stand-in OpenBLAS records the counts)
    from logistic import _blas_threads

    count = [4]
    monkeypatch.setattr(_blas_threads, "_SETTERS", [])  # searched again
    monkeypatch.setattr(
        _blas_threads,
        "_find_openblas_setters",
        lambda: [(lambda: count[0], lambda n: count.__setitem__(0, n))],
    )
    a, b = _blas_threads.one_blas_thread(), _blas_threads.one_blas_thread()
    a.__enter__()
    b.__enter__()
    assert count[0] == 1
    a.__exit__(None, None, None)
    assert count[0] == 1  # B still runs
    b.__exit__(None, None, None)
    assert count[0] == 4


def test_concurrent_fits_leave_blas_threads_as_they_were():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import threading

    import numpy as np
    import scipy.linalg  # noqa: F401  (scipy's OpenBLAS loaded)

    from logistic import LogisticRegression

    def counts():
        info = threadpoolctl.threadpool_info()
        return [i["num_threads"] for i in info if i["user_api"] == "blas"]

    before = counts()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 40))
    y = (rng.uniform(size=3000) < 0.4).astype(float)

    def fit():
        for _ in range(3):
            LogisticRegression(solver="lbfgs", penalty="l2", alpha=1e-3).fit(X, y)

    threads = [threading.Thread(target=fit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts() == before
