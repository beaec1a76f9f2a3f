"""Dask grouped passes: how they are submitted and gathered, A/B in one process.

On one 2-worker ``LocalCluster`` (1 thread each) with dense1m's Parquet files
persisted (20 partitions, 2 group tasks a pass), alternates

* ``before``: the group tasks submitted one by one from the calling thread,
  each pass's results released as soon as they are gathered, gathered
  through the scheduler, each partition's sums sent as their own arrays;
* ``after``: the library as it is (:mod:`logistic.backends._dask_faults`:
  submitted together on the client's event loop, results held until the
  next submit, fetched from the workers directly on a local cluster;
  :func:`logistic.backends._dask_tasks.pack_sums`: one array a group).

Two measures, each alternating ``--rounds`` times:

* the framework cost of a pass: ``map_reduce_indexed`` of a function that
  does no arithmetic and returns sums shaped like Newton's (loss, p
  gradient, p × p Hessian, ...), so the time is scheduling, messages and
  transfers, not the data pass (median ms a pass, and CPU ms a pass of this
  process, which holds the client and the scheduler);
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
from logistic.backends import _dask_faults as faults
from logistic.backends import dask as dask_backend
from logistic.backends._dask_tasks import partition_reduce

P = 100


def _shaped_sums(block: Any, i: int) -> tuple[Any, ...]:
    """No arithmetic; Newton's block-sampled sums' shapes (dense1m's p)."""
    n = block.n_rows
    return (0.0, np.zeros(P), 0.0, float(n), np.zeros((P, P)), np.zeros(P), 0.0, 0, n)


def _before_submit(self: Any, calls: Any, held: Any) -> list[Any]:
    if held is not None:
        held.clear()  # released at once, as they were
    return [
        self.client.submit(fn, *args, retries=self.retries, pure=False, **kw)
        for fn, args, kw in calls
    ]


def _before_reduce(
    fn: Any, indices: list[int], *meta: Any, first_blocks: Any = None
) -> list[Any]:
    """A group task returning each partition's sums as they are (unpacked)."""
    head, pieces = meta[:4], meta[4:]
    return [
        partition_reduce(
            fn,
            i,
            *head,
            *pieces[4 * k : 4 * k + 4],
            first_block=None if first_blocks is None else first_blocks[i],
        )
        for k, i in enumerate(indices)
    ]


AFTER = (
    faults.ClusterRun._submit_calls,
    faults.direct_gather,
    dask_backend.partitions_reduce,
    dask_backend.unpack_sums,
)
BEFORE = (_before_submit, lambda client: False, _before_reduce, lambda group: group)


def _use(variant: tuple[Any, ...]) -> None:
    faults.ClusterRun._submit_calls, faults.direct_gather = variant[:2]
    dask_backend.partitions_reduce, dask_backend.unpack_sums = variant[2:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--fits", type=int, default=0)
    args = parser.parse_args()
    root, warm, _ = write_parquet("dense1m")
    variants = {"before": BEFORE, "after": AFTER}
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
                for name, variant in variants.items():
                    _use(variant)
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
    _use(AFTER)


def _fits(backend: Dask, variants: dict[str, Any], rounds: int) -> None:
    X, y = datasets.load("dense1m")
    memory = as_backend(X, y)
    fit_s: dict[str, list[float]] = {k: [] for k in [*variants, "memory"]}
    passes: dict[str, int] = {}
    coefs: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name in fit_s:
            if name != "memory":
                _use(variants[name])
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
    same = np.array_equal(coefs["before"], coefs["after"])
    print(f"before/after coefficients bitwise equal: {same}")
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
