"""One value+gradient pass ÷ one ``X @ w``: numpy reference, compiled kernel, numba.

Usage: ``python -m benchmarks.kernel_pass [--reps 9] [--rows 1000000]
[--sets dense64,dense32,csr]``.

Each set is generated in-process (seeded): dense ``rows × 100`` N(0, 1) in
float64 and float32 (the shape of dense1m) and a CSR set of ``rows / 5``
rows × 100 000 columns with 100 non-zeros a row (sparse200k's generator).
Within one run, and in alternation rep by rep so that load from other jobs
hits every candidate alike, it times:

* ``X @ w`` (the floor the target refers to): numpy's multithreaded BLAS
  ``gemv`` on the dense sets, but scipy's CSR product on ``csr``, which runs
  on one thread: there the all-cores ratio sets the backend's threads
  against a single-threaded product (scipy 1.17 on sparse200k: 24-25 ms of
  CPU a product with or without ``threadpool_limits(1)``, never more than
  its wall time), and ``--one-core`` is the like-for-like comparison;
* ``numpy``: ``LogisticObjective.value_and_gradient`` with the numpy
  reference kernel (the in-memory backend's threads over row blocks);
* ``compiled``: the same call with the Cython kernel ``logistic._fused``
  (dense C-ordered blocks: its fused row loop where the CPU has AVX-512);
  ``compiled@L`` the same at row-loop level L (``--levels``; ``-1``: two
  BLAS ``gemv`` a block, the kernel before the row loop; 0: x86-64
  baseline; 1: AVX2); ``compiled/NMiB`` the same over the backend's row
  blocks of N MiB (``--block-mib``). Each candidate runs over the block grid
  the backend gives it (1 MiB blocks; up to 8 MiB where the row loop is
  active: ``backends/in_memory.ROW_LOOP_BLOCK_BYTES``); ``compiled/pfN``
  the AVX-512 row loop prefetching rows into cache level N (``--prefetch``;
  ``logistic._fused.row_loop_prefetch``, chosen by CPU otherwise);
* ``numba`` (when numba is installed): one fused loop over rows —
  ``z``, loss, residual and ``g += r x`` per row, ``prange`` over row chunks
  with a gradient a chunk (fastmath reassociation only: inf/nan semantics
  kept). Its JIT compile time is reported separately.

Before each timed call the process sleeps ``BLAS_SETTLE_S`` (as
``benchmarks.run``'s micro-benchmark does): OpenBLAS's threads spin for a while
after a product, and a pass timed right after ``X @ w`` shares the CPUs with
them (dense1m on a 2-CPU host: the backend's two-thread pass 36.5 ms right
after ``X @ w``, 24.5 ms without it). ``benchmarks.pass_sched`` shows it
thread by thread: with no settle one OpenBLAS thread ran ~25 ms of CPU
during the pass; after 0.2 s none did, and the pass's threads ran as long as
after another pass (CPU time: 37.3 ms in both, at load 7.7).

Prints medians (ms) and the ratios to ``X @ w``; one JSON line per set.

``--fits dense1m,illcond1m`` times whole fits instead (``benchmarks/datasets``
sets; L2, C = 1, ``--solver`` at ``--tol``, arrays passed to
``LogisticRegression.fit``): the row loop on (the automatic level, or
``--on-level L``) and off
(``row_loop_level(-1)``: the BLAS path and 1 MiB blocks, as
``LOGISTIC_ROW_LOOP=0``) alternating fit by fit in one process, so that load
from other jobs hits both alike; prints the medians, their ratio and the
passes.

``--one-core`` measures per-core efficiency instead, which a loaded machine
disturbs much less: BLAS, the backend and numba limited to one thread, CPU
time (``time.process_time``) instead of wall time.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks import datasets
from benchmarks.run import BLAS_SETTLE_S
from logistic import _kernels as K
from logistic._objective import LogisticObjective
from logistic.backends.in_memory import InMemory


def _numba_pass() -> tuple[Any, Any] | None:
    """The numba candidates (dense, CSR), or None without numba."""
    try:
        import numba as nb
    except ImportError:
        return None
    fm = {"reassoc", "contract", "nsz", "arcp"}

    @nb.njit(fastmath=fm, inline="always")
    def terms(z, yi):  # type: ignore[no-untyped-def]
        """Loss and residual of one row (the formulas of logistic._math)."""
        t = np.exp(-abs(z))
        inv = 1.0 / (1.0 + t)
        if z >= 0:
            return np.log1p(t) + (1.0 - yi) * z, inv - yi
        return np.log1p(t) - yi * z, t * inv - yi

    @nb.njit(parallel=True, fastmath=fm, nogil=True, cache=False)
    def dense(X, y, w, b, n_chunks):  # type: ignore[no-untyped-def]
        n, p = X.shape
        G = np.zeros((n_chunks, p))
        L = np.zeros(n_chunks)
        step = (n + n_chunks - 1) // n_chunks
        for c in nb.prange(n_chunks):
            lo_sum = 0.0
            for i in range(c * step, min(n, (c + 1) * step)):
                z = b
                for j in range(p):
                    z += X[i, j] * w[j]
                lo, r = terms(z, y[i])
                lo_sum += lo
                for j in range(p):
                    G[c, j] += r * X[i, j]
            L[c] = lo_sum
        return L.sum(), G.sum(axis=0)

    @nb.njit(parallel=True, fastmath=fm, nogil=True, cache=False)
    def csr(data, indices, indptr, y, w, b, n_chunks):  # type: ignore[no-untyped-def]
        n = indptr.shape[0] - 1
        G = np.zeros((n_chunks, w.shape[0]))
        L = np.zeros(n_chunks)
        step = (n + n_chunks - 1) // n_chunks
        for c in nb.prange(n_chunks):
            lo_sum = 0.0
            for i in range(c * step, min(n, (c + 1) * step)):
                z = b
                for k in range(indptr[i], indptr[i + 1]):
                    z += data[k] * w[indices[k]]
                lo, r = terms(z, y[i])
                lo_sum += lo
                for k in range(indptr[i], indptr[i + 1]):
                    G[c, indices[k]] += r * data[k]
            L[c] = lo_sum
        return L.sum(), G.sum(axis=0)

    return dense, csr


def _make(name: str, rows: int) -> tuple[Any, np.ndarray]:
    if name == "csr":
        return datasets.gen_sparse(rows // 5, 100_000, 100, seed=3)
    X, y = datasets.gen_dense(rows, 100, seed=1)
    if name == "dense32":
        X = X.astype(np.float32)
    return X, y


def _prefetching(mod: Any, level: int, run: Any) -> Any:
    """``run`` with the row loop prefetching into cache level ``level``."""

    def timed() -> Any:
        mod.row_loop_prefetch(level)
        try:
            return run()
        finally:
            mod.row_loop_prefetch(0)

    return timed


def bench(
    name: str,
    rows: int,
    reps: int,
    nb_fns: tuple[Any, Any] | None,
    one_core: bool,
    levels: tuple[int, ...] = (),
    block_mib: tuple[float, ...] = (),
    prefetch: tuple[int, ...] = (),
) -> dict[str, Any]:
    X, y = _make(name, rows)
    y = y.astype(X.dtype)
    threads = 1 if one_core else None
    clock = time.process_time if one_core else time.perf_counter
    rng = np.random.default_rng(0)
    theta = np.append(rng.standard_normal(X.shape[1]) * 0.05, 0.1)
    w = theta[:-1].astype(X.dtype)
    fns: dict[str, Any] = {"X @ w": lambda: X @ w}

    mod = K.compiled_kernel()
    best = mod.row_loop_level() if mod is not None else -1

    def make(compiled: bool, level: int, block_bytes: int | None = None) -> Any:
        """The objective over the block grid the backend gives this candidate
        (the row loop's larger blocks only where it is active)."""
        old = K.set_compiled(compiled)
        if mod is not None:
            mod.row_loop_level(level)
        try:
            kw = {} if block_bytes is None else {"block_bytes": block_bytes}
            data = InMemory(X, y, n_threads=threads, **kw)
            _ = data.block_rows  # fixed now, under this kernel and level
        finally:
            K.set_compiled(old)
            if mod is not None:
                mod.row_loop_level(-2)
        return LogisticObjective(data, l2=1.0 / X.shape[0])

    def objective(compiled: bool, level: int = best, o: Any = None) -> Any:
        o = make(compiled, level) if o is None else o

        def run() -> Any:
            old = K.set_compiled(compiled)
            if mod is not None and level != best:
                mod.row_loop_level(level)
            try:
                return o.value_and_gradient(theta)
            finally:
                K.set_compiled(old)
                if mod is not None:
                    mod.row_loop_level(-2)

        return run

    fns["numpy"] = objective(False)
    if mod is not None:
        fns["compiled"] = objective(True)
        for level in levels:
            if level != best:  # the kernel at another row-loop level
                fns[f"compiled@{level}"] = objective(True, level)
        for pf in prefetch:  # the row loop prefetching into cache level pf
            fns[f"compiled/pf{pf}"] = _prefetching(mod, pf, objective(True))
        for mib in block_mib:  # the same pass over row blocks of this size
            o = make(True, best, int(mib * 2**20))
            fns[f"compiled/{mib:g}MiB"] = objective(True, best, o)
    jit_s = None
    if nb_fns is not None:
        dense, csr = nb_fns
        w64 = theta[:-1]
        chunks = 1 if one_core else 64
        if name == "csr":
            fns["numba"] = lambda: csr(X.data, X.indices, X.indptr, y, w64, 0.1, chunks)
        else:
            fns["numba"] = lambda: dense(X, y, w, 0.1, chunks)
        t = time.perf_counter()
        fns["numba"]()
        jit_s = time.perf_counter() - t
    for f in fns.values():  # warm caches, pools and lazy imports
        f()
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            time.sleep(BLAS_SETTLE_S)  # OpenBLAS's spinning threads go idle
            t = clock()
            f()
            times[k].append(clock() - t)
    med = {k: 1e3 * float(np.median(v)) for k, v in times.items()}
    base = med["X @ w"]
    out = {
        "set": name,
        "mode": "one core, CPU time" if one_core else "all cores, wall time",
        "shape": list(X.shape),
        "dtype": str(X.dtype),
        "median_ms": {k: round(v, 2) for k, v in med.items()},
        "ratio_to_xw": {k: round(v / base, 3) for k, v in med.items()},
        "numba_first_call_s": None if jit_s is None else round(jit_s, 2),
    }
    return out


def bench_fits(
    name: str, reps: int, solver: str, tol: float, on_level: int = -2
) -> dict[str, Any]:
    """Whole fits with the row loop on and off, alternating (see module doc);
    on at ``on_level`` (-2: the automatic level)."""
    import os

    from logistic import LogisticRegression

    X, y = datasets.load(name)
    mod = K.compiled_kernel()
    if mod is None or mod.row_loop_level(on_level) < 0:
        mod is None or mod.row_loop_level(-2)
        raise SystemExit("the fused row loop is not active on this machine")
    mod.row_loop_level(-2)

    def fit(level: int) -> tuple[float, int, np.ndarray]:
        mod.row_loop_level(level)
        try:
            m = LogisticRegression(penalty="l2", C=1.0, solver=solver, tol=tol)
            t = time.perf_counter()
            m.fit(X, y)
            dt = time.perf_counter() - t
        finally:
            mod.row_loop_level(-2)
        return dt, int(m.n_passes_), np.r_[m.coef_.ravel(), m.intercept_]

    labels = {"row loop": on_level, "BLAS (off)": -1}
    for level in labels.values():  # warm-up: pools, lazy imports, page cache
        fit(level)
    times: dict[str, list[float]] = {k: [] for k in labels}
    info: dict[str, tuple[int, np.ndarray]] = {}
    for r in range(reps):
        order = list(labels) if r % 2 == 0 else list(labels)[::-1]
        for k in order:
            dt, passes, theta = fit(labels[k])
            times[k].append(dt)
            info[k] = (passes, theta)
    med = {k: float(np.median(v)) for k, v in times.items()}
    a, b = (info[k][1] for k in labels)
    return {
        "set": name,
        "solver": solver,
        "tol": tol,
        "median_s": {k: round(v, 4) for k, v in med.items()},
        "times_s": {k: [round(t, 3) for t in v] for k, v in times.items()},
        "off_over_on": round(med["BLAS (off)"] / med["row loop"], 3),
        "passes": {k: v[0] for k, v in info.items()},
        "coef_max_rel_diff": float(np.max(np.abs(a - b)) / np.max(np.abs(b))),
        "loadavg": [round(v, 2) for v in os.getloadavg()],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sets", default="dense64,dense32,csr")
    ap.add_argument("--no-numba", action="store_true")
    ap.add_argument("--one-core", action="store_true")
    ap.add_argument(
        "--levels",
        default="-1",
        help="also time the compiled kernel at these row-loop levels "
        "(comma-separated; -1: BLAS gemv twice, 0: baseline x86-64, 1: AVX2)",
    )
    ap.add_argument(
        "--block-mib",
        default="",
        help="also time the compiled kernel with the backend's row blocks of "
        "these sizes in MiB (comma-separated; the default block is 1 MiB)",
    )
    ap.add_argument(
        "--prefetch",
        default="",
        help="also time the AVX-512 row loop prefetching rows into these cache "
        "levels (comma-separated: 1, 2)",
    )
    ap.add_argument(
        "--fits",
        default="",
        help="time whole fits of these benchmark sets with the row loop on and "
        "off, alternating (comma-separated, e.g. dense1m,illcond1m)",
    )
    ap.add_argument("--solver", default="auto", help="solver of --fits")
    ap.add_argument(
        "--on-level",
        type=int,
        default=-2,
        help="row-loop level of --fits' 'row loop' fits (-2: automatic)",
    )
    ap.add_argument("--tol", type=float, default=1e-5, help="tol of --fits")
    a = ap.parse_args()
    if a.fits:
        for name in a.fits.split(","):
            print(
                json.dumps(bench_fits(name, a.reps, a.solver, a.tol, a.on_level)),
                flush=True,
            )
        return
    levels = tuple(int(v) for v in a.levels.split(",") if v.strip())
    block_mib = tuple(float(v) for v in a.block_mib.split(",") if v.strip())
    prefetch = tuple(int(v) for v in a.prefetch.split(",") if v.strip())
    nb_fns = None if a.no_numba else _numba_pass()
    if a.one_core:
        threadpool_limits(1)
        if nb_fns is not None:
            import numba

            numba.set_num_threads(1)
    for name in a.sets.split(","):
        row = bench(
            name, a.rows, a.reps, nb_fns, a.one_core, levels, block_mib, prefetch
        )
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
