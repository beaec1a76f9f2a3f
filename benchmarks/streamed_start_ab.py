"""Newton's subsample start on streamed data, on and off, alternating in one process.

Usage (from the repository root)::

    python -m benchmarks.streamed_start_ab [--rounds 5]

dense1m (``benchmarks/datasets.py``; L2 with C = 1, ``solver="auto"``) over the
row cache (:class:`logistic.backends.chunked.Chunked`) and on Dask with a
2-worker local cluster (partitions persisted), each round fitting in memory,
over the cache and on Dask with the start gathered from the grid
(:func:`logistic._block_sample.gather_start_rows`) and without it (the
gather replaced by "no start": the behaviour before streamed starts), in
alternating order. Printed per variant: median wall time and CPU time (this
process, with the cluster's scheduler, and the workers), ratio to the median
in-memory fit, iterations / passes and whether the start was used; then the
phases of the start (the gather, the subsample fit, one full pass) and the
load average: only ratios within one run mean anything on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from typing import Any

import numpy as np

import logistic.solvers.newton as newton
from benchmarks import datasets
from logistic import ConvergenceWarning, LogisticRegression
from logistic._block_sample import gather_start_rows
from logistic._objective import LogisticObjective
from logistic.backends.chunked import Chunked
from logistic.backends.dask import Dask

START_ROWS = 20_000  # dense1m's start (max(20 000, 20 · 101))


def _cpu(client: Any) -> float:
    total = sum(os.times()[:2])
    return total + sum(client.run(lambda: sum(os.times()[:2])).values())


def _fit(data: Any, y: Any, client: Any) -> tuple[float, float, int, int, Any]:
    c0, t0 = _cpu(client), time.perf_counter()
    model = LogisticRegression(penalty="l2", C=1.0, solver="auto").fit(data, y)
    t = time.perf_counter() - t0
    used = model.history_[0].get("subsample_used")
    return t, _cpu(client) - c0, int(model.n_iter_[0]), int(model.n_passes_), used


def _phases(backend: Any) -> tuple[float, float, float]:
    """Median seconds of the gather, the subsample fit on its rows, one pass."""
    objective = LogisticObjective(backend, l2=1e-6)
    solver = newton.Newton(tol=1e-5)
    out: list[tuple[float, float, float]] = []
    for _ in range(5):
        t0 = time.perf_counter()
        rows = gather_start_rows(backend, START_ROWS)
        t1 = time.perf_counter()
        sub = LogisticObjective.from_arrays(rows.X, rows.y, None, l2=1e-6)
        newton.Newton(tol=1e-5, max_iter=newton.START_MAX_ITER, start_rows=0).solve(
            sub, np.zeros(objective.n_params)
        )
        t2 = time.perf_counter()
        objective.value_gradient_hessian(
            np.zeros(objective.n_params), solver._hessian_stride(objective)
        )
        out.append((t1 - t0, t2 - t1, time.perf_counter() - t2))
    return tuple(statistics.median(v) for v in zip(*out, strict=True))  # type: ignore[return-value]


def main() -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data = datasets.DATA_DIR
    X, y = np.load(data / "dense1m.X.npy"), np.load(data / "dense1m.y.npy")
    root, warm = data / "dense1m.parquet", data / "dense1m.warm.parquet"
    cache = {"cache_dir": data / "row-cache"}
    real = newton.gather_start_rows
    results: dict[tuple[str, int], list[Any]] = {}
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        with warnings.catch_warnings():  # workers import and load the kernel
            warnings.simplefilter("ignore", ConvergenceWarning)
            for small in (
                Dask.from_parquet(warm, target="y", client=client),
                Chunked.from_parquet(warm, target="y", **cache),
            ):
                LogisticRegression(penalty="l2", C=1.0, max_iter=2).fit(small, None)
        dask_data = Dask.from_parquet(root, target="y", client=client, persist=True)
        cached = Chunked.from_parquet(root, target="y", **cache)
        _fit(X, y, client)
        try:
            for r in range(args.rounds):
                for on in (1, 0) if r % 2 == 0 else (0, 1):
                    newton.gather_start_rows = real if on else lambda d, r: None  # type: ignore[assignment]
                    for name, d, yy in (
                        ("in-memory", X, y),
                        ("row cache", cached, None),
                        ("Dask, 2 workers", dask_data, None),
                    ):
                        results.setdefault((name, on), []).append(_fit(d, yy, client))
        finally:
            newton.gather_start_rows = real
        phases = {"row cache": _phases(cached), "Dask, 2 workers": _phases(dask_data)}
    memory = statistics.median(
        r[0] for k, v in results.items() if k[0] == "in-memory" for r in v
    )
    print(
        "| backend | start | fit s (median) | CPU s | × in-memory | iters / passes | used |"
    )
    print("|---|---|---|---|---|---|---|")
    for (name, on), runs in results.items():
        t = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(
            f"| {name} | {'on' if on else 'off'} | {t:.2f} | {cpu:.2f} | "
            f"{t / memory:.2f} | {runs[0][2]} / {runs[0][3]} | {runs[0][4]} |"
        )
    for name, (g, s, p) in phases.items():
        print(
            f"{name}: gather {g * 1e3:.0f} ms, subsample fit {s * 1e3:.0f} ms, "
            f"one pass {p * 1e3:.0f} ms"
        )
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
