"""BLAS threads in the workers of ``pytest -n N`` (fixtures that
``tests/conftest.py`` imports).

Each worker's BLAS runs on its share of the CPUs, as joblib limits its process
workers; a test module that reads, sets or compares BLAS thread counts in its
own process runs with the counts BLAS started with."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Words that mark a test module as reading, setting or asserting BLAS thread
#: counts in its own process (its tests run with the counts BLAS started with).
_BLAS_COUNT_WORDS = (
    "threadpool_info",
    "Threadpool",
    "num_threads",
    "openblas",
    "blas_thread",
)


def _blas_share() -> int | None:
    """BLAS threads for each worker of ``pytest -n N``: the CPUs this process
    may run on divided among the N workers (at least 1), as joblib gives its
    process workers; None with one process."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return max(1, (cpus or os.cpu_count() or 1) // workers)


@pytest.fixture(autouse=True, scope="session")
def _blas_threads_per_worker() -> Iterator[dict[str, int]]:
    """With several xdist workers, each one's BLAS runs on its share of the
    CPUs (:func:`_blas_share`). OpenBLAS starts as many threads as CPUs in
    every worker, and its threads spin while they wait: with two workers on
    two cores, a BLAS-heavy test took 3x the CPU time (scikit-learn's
    newton-cholesky on digits: 25 s against 8 s). Yields the thread count of
    each BLAS library as the worker started (path -> count)."""
    share = _blas_share()
    if share is None:
        yield {}
        return
    from threadpoolctl import threadpool_info, threadpool_limits

    start = {
        i["filepath"]: i["num_threads"]
        for i in threadpool_info()
        if i["user_api"] == "blas"
    }
    with threadpool_limits(limits=share, user_api="blas"):
        yield start


_BLAS_MODULES: dict[str, bool] = {}  # test module path -> it names BLAS counts


@pytest.fixture(autouse=True, scope="module")
def _blas_threads_as_started(
    request: pytest.FixtureRequest, _blas_threads_per_worker: dict[str, int]
) -> Iterator[None]:
    """A module that names BLAS thread counts (:data:`_BLAS_COUNT_WORDS`: it
    reads, sets or compares them in this process) runs with the counts BLAS
    started with, so that a count restored or limited to 1 is checked against
    the machine's own, not against the worker's share."""
    path = str(request.path)
    if path not in _BLAS_MODULES:
        text = Path(path).read_text(encoding="utf-8")
        _BLAS_MODULES[path] = any(word in text for word in _BLAS_COUNT_WORDS)
    if not (_blas_threads_per_worker and _BLAS_MODULES[path]):
        yield
        return
    from threadpoolctl import ThreadpoolController

    blas = [
        lib
        for lib in ThreadpoolController().lib_controllers
        if lib.user_api == "blas" and lib.filepath in _blas_threads_per_worker
    ]
    share = [lib.num_threads for lib in blas]
    for lib in blas:
        lib.set_num_threads(_blas_threads_per_worker[lib.filepath])
    yield
    for lib, count in zip(blas, share, strict=True):
        lib.set_num_threads(count)
