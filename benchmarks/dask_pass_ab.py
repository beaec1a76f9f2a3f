"""Dask grouped passes: what their results send back, A/B in one process.

On one 2-worker ``LocalCluster`` (1 thread each) with dense1m's Parquet files
persisted (20 partitions, 2 group tasks a pass), alternates

* ``before``: each group's sums packed with every float64 array copied into
  the packed values, all-zero ones included (a partition without a sampled
  Hessian block sends its p x p zeros);
* ``after``: the library as it is: an all-zero array of at least
  ``ZERO_ARRAY_MIN_VALUES`` values travels as its shape
  (:func:`logistic.backends._dask_tasks.pack_sums`).

Two measures, each alternating ``--rounds`` times:

* the framework cost of a pass: ``map_reduce_indexed`` of a function that
  does no arithmetic and returns sums shaped like Newton's block-sampled
  pass (every 25th block a p x p Hessian of ones, else zeros), so the time
  is scheduling, messages and transfers, not the data pass (median ms a
  pass, and CPU ms a pass of this process, which holds the client and the
  scheduler);
* with ``--fits``: the fit of dense1m (``auto``, L2, C = 1) on the same
  cluster, and the in-memory fit, alternating (median seconds, median ratio
  to in-memory, passes, whether the two Dask fits' coefficients are equal
  bitwise).

Usage::

    python -m benchmarks.dask_pass_ab --rounds 40 --fits 5
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from benchmarks import datasets
from benchmarks.bench_scale import _local_cluster, warm_dask, write_parquet
from logistic import LogisticRegression
from logistic.backends import Dask, as_backend
from logistic.backends import _dask_groups_pass as groups_pass
from logistic.backends import _dask_tasks as tasks

P = 100


def _shaped_sums(block: Any, i: int) -> tuple[Any, ...]:
    """No arithmetic; the shapes of Newton's block-sampled sums (dense1m's p,
    a Hessian from every 25th block)."""
    n = block.n_rows
    hessian = np.ones((P, P)) if i % 25 == 0 else np.zeros((P, P))
    return (0.0, np.zeros(P), 0.0, float(n), hessian, np.zeros(P), 0.0, 0, n)


def _before_reduce(*args: Any, **kwargs: Any) -> Any:
    """:func:`partitions_reduce` packing all-zero arrays as values too."""
    keep = tasks.ZERO_ARRAY_MIN_VALUES
    tasks.ZERO_ARRAY_MIN_VALUES = 2**62  # this worker process, this task
    try:
        return tasks.partitions_reduce(*args, **kwargs)
    finally:
        tasks.ZERO_ARRAY_MIN_VALUES = keep


#: The group task each variant runs.
VARIANTS: dict[str, Any] = {
    "before": _before_reduce,
    "after": tasks.partitions_reduce,
}


def _use(name: str) -> None:
    groups_pass.partitions_reduce = VARIANTS[name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--fits", type=int, default=0)
    args = parser.parse_args()
    root, warm, _ = write_parquet("dense1m")
    variants = list(VARIANTS)
    with _local_cluster(2) as cluster:
        from distributed import Client

        with Client(cluster) as client:
            warm_dask(client, warm, "auto")
            backend = Dask.from_parquet(root, target="y", client=client, persist=True)
            for _ in range(3):
                backend.map_reduce_indexed(_shaped_sums)
            times: dict[str, list[float]] = {k: [] for k in variants}
            cpu: dict[str, list[float]] = {k: [] for k in variants}
            for _ in range(args.rounds):
                for name in variants:
                    _use(name)
                    backend.map_reduce_indexed(_shaped_sums)  # into this variant
                    time.sleep(0.002)  # a solver step between passes
                    c0, t0 = sum(os.times()[:2]), time.perf_counter()
                    backend.map_reduce_indexed(_shaped_sums)
                    times[name].append(time.perf_counter() - t0)
                    cpu[name].append(sum(os.times()[:2]) - c0)
                    time.sleep(0.002)
            for name in variants:
                print(
                    f"pass framework cost, {name}: median "
                    f"{np.median(times[name]) * 1e3:.1f} ms, CPU (client + "
                    f"scheduler) {np.mean(cpu[name]) * 1e3:.1f} ms a pass"
                )
            print(f"load average {os.getloadavg()}")
            if args.fits:
                _fits(backend, variants, args.fits)
    _use("after")


def _fits(backend: Dask, variants: list[str], rounds: int) -> None:
    X, y = datasets.load("dense1m")
    memory = as_backend(X, y)
    fit_s: dict[str, list[float]] = {k: [] for k in [*variants, "memory"]}
    passes: dict[str, int] = {}
    coefs: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name in fit_s:
            if name != "memory":
                _use(name)
            data = memory if name == "memory" else backend
            n0 = backend.n_passes
            t0 = time.perf_counter()
            model = LogisticRegression(penalty="l2", C=1.0).fit(data, None)
            fit_s[name].append(time.perf_counter() - t0)
            passes[name] = backend.n_passes - n0
            coefs[name] = model.coef_
    for name, v in fit_s.items():
        ratio = np.median(np.divide(v, fit_s["memory"]))
        print(
            f"dense1m fit, {name}: median {np.median(v):.3f} s, x in-memory "
            f"{ratio:.2f} (median ratio), Dask passes {passes[name]}"
        )
    same = all(np.array_equal(coefs["before"], coefs[k]) for k in variants)
    print(f"the variants' coefficients bitwise equal: {same}")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
