"""Fitting a Parquet dataset 3x larger than the memory the fitting process may use.

The fit runs in a subprocess whose address space is capped with
``resource.setrlimit(RLIMIT_AS, current + LIMIT)`` after a warm-up fit on a tiny
file (imports, thread pools and allocator arenas exist before the cap, and
OpenBLAS's buffers for as many calls at once as the fit makes). The fit's
thread count is fixed (the row cache holds up to ``n_threads + 1`` blocks),
so the test asks the same of a 2-CPU and a 64-CPU machine. The
dataset's float64 values are ≥ 3 × LIMIT. The subprocess also proves the cap
bites: allocating the whole dataset afterwards raises ``MemoryError``.
pyarrow's ``system`` memory pool is used in the subprocess because mimalloc
reserves (and later unmaps) large address ranges, which makes an address-space
cap meaningless; resident memory is bounded with every pool.
The coefficients must equal the in-memory optimum (computed here, without a
cap) to 1e-8. The benchmark (benchmarks/bench_scale.py) runs the big version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
resource = pytest.importorskip("resource")

from logistic import LogisticRegression  # noqa: E402

LIMIT_MB = 30
N_FILES, ROWS, P = 12, 50_000, 20  # 12 * 50k * 20 * 8 B = 96 MB of float64 values

CHILD = r"""
import json, os, resource, sys, warnings
import numpy as np
import logistic
from logistic.backends._dispatch import as_backend

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

# The row cache's passes hold up to n_threads + 1 blocks at once: the thread
# count is fixed so that the bound under the cap is the same on every machine.
THREADS = 2

def reserve_blas_buffers():
    # OpenBLAS maps one buffer (32 MiB here) for each call running at once, the
    # first time that many run together, and keeps it. The row cache's passes
    # run block kernels on THREADS threads and the consumer: that many BLAS
    # calls at once, in both OpenBLAS copies (numpy's and scipy's), are a
    # set-up cost like the thread pools, paid before the cap.
    import threading
    import scipy.linalg.blas
    n = THREADS + 2
    start = threading.Barrier(n)
    a = np.ones((600, 600))
    def work():
        start.wait()
        a @ a
        scipy.linalg.blas.dgemm(1.0, a, a)
    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

root, warm, limit_mb, data_bytes, solver = sys.argv[1:6]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", logistic.ConvergenceWarning)
    logistic.LogisticRegression(solver=solver, max_iter=2).fit(
        as_backend(warm, "y", chunk_bytes=2**20, n_threads=THREADS), None)
reserve_blas_buffers()
cap = status("VmSize") + int(limit_mb) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
backend = as_backend(root, "y", chunk_bytes=2**20, n_threads=THREADS)
model = logistic.LogisticRegression(solver=solver).fit(backend, None)
vm_end = status("VmSize")
try:
    np.ones(int(data_bytes) // 8)
    cap_bites = False
except MemoryError:
    cap_bites = True
print(json.dumps({"coef": model.coef_.ravel().tolist(),
                  "intercept": float(model.intercept_[0]),
                  "objective": model.objective_, "rows": backend.n_samples,
                  "passes": backend.n_passes, "cap_bites": cap_bites,
                  "cap": cap, "vm_end": vm_end, "vm_peak": status("VmPeak"),
                  "rss_peak": status("VmHWM")}))
"""


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("big")
    w = np.linspace(-1.0, 1.0, P)
    parts = []
    for k in range(N_FILES):
        rng = np.random.default_rng(100 + k)
        X = rng.standard_normal((ROWS, P))
        y = (rng.random(ROWS) < 1.0 / (1.0 + np.exp(-(X @ w - 0.5)))).astype(np.int8)
        t = pa.table({**{f"x{j}": X[:, j] for j in range(P)}, "y": y})
        pq.write_table(t, root / f"part-{k}.parquet", row_group_size=10_000)
        parts.append((X, y))
    warm = root.parent / (root.name + "-warm")
    warm.mkdir()
    pq.write_table(
        pq.read_table(root / "part-0.parquet").slice(0, 5000), warm / "w.parquet"
    )
    return root, warm, parts


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
@pytest.mark.parametrize("solver", ["newton"])
def test_fit_parquet_three_times_the_memory_limit(dataset, solver):
    root, warm, parts = dataset
    data_bytes = N_FILES * ROWS * P * 8
    assert data_bytes >= 3 * LIMIT_MB * 2**20
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MALLOC_ARENA_MAX="2",
        ARROW_DEFAULT_MEMORY_POOL="system",
    )
    env.pop("OMP_NUM_THREADS", None)  # it would hold the cache's readers to one
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(root),
            str(warm),
            str(LIMIT_MB),
            str(data_bytes),
            solver,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["cap_bites"], "the address-space cap did not limit allocations"
    assert got["rows"] == N_FILES * ROWS
    X = np.concatenate([x for x, _ in parts])
    y = np.concatenate([v for _, v in parts])
    ref = LogisticRegression(solver=solver).fit(X, y)
    np.testing.assert_allclose(got["coef"], ref.coef_.ravel(), rtol=0, atol=1e-8)
    assert abs(got["intercept"] - ref.intercept_[0]) <= 1e-8
    assert abs(got["objective"] - ref.objective_) <= 1e-10 * ref.objective_
