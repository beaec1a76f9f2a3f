"""Dask fits with the labels encoded at setup or by the first pass, A/B.

On one 2-worker ``LocalCluster`` (1 thread each) with dense1m's Parquet
files persisted once, alternates (the order flips every round) fits
(``auto``, L2, C = 1) whose partitions' labels are

* ``setup``: encoded on their workers before the fit, as the persisting
  setup does (:func:`logistic.backends._dask_labels.encode_held_labels`,
  not timed);
* ``pass``: not encoded yet (the workers' kept encodings dropped first), so
  the fit's first pass encodes them.

Prints the median fit seconds, the median CPU seconds of the workers and of
this process (client and scheduler) during each fit, the median of the
paired differences, whether the coefficients are equal bitwise, and the
load average.

Usage::

    python -m benchmarks.dask_labels_ab --rounds 8
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from benchmarks.bench_scale import _local_cluster, warm_dask, write_parquet
from logistic import LogisticRegression
from logistic.backends import Dask
from logistic.backends._dask_labels import encode_held_labels


def _forget(dask_worker: Any = None) -> None:
    from logistic.backends._dask_tasks import _ENCODED

    _ENCODED.clear()


def _worker_cpu(client: Any) -> float:
    return float(sum(client.run(lambda: sum(os.times()[:2])).values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    from distributed import Client

    root, warm, _ = write_parquet("dense1m")
    wall: dict[str, list[float]] = {"setup": [], "pass": []}
    cpu_w: dict[str, list[float]] = {"setup": [], "pass": []}
    cpu_c: dict[str, list[float]] = {"setup": [], "pass": []}
    coefs: dict[str, np.ndarray] = {}
    with _local_cluster(2) as cluster, Client(cluster) as client:
        warm_dask(client, warm, "auto")
        backend = Dask.from_parquet(root, target="y", client=client, persist=True)
        for r in range(args.rounds):
            order = ("setup", "pass") if r % 2 == 0 else ("pass", "setup")
            for mode in order:
                client.run(_forget)
                if mode == "setup":
                    encode_held_labels(
                        client,
                        backend._futures,
                        backend.classes_,
                        backend.dtype,
                        target=None,
                        n_features=backend.n_features,
                        timeout=60.0,
                    )
                w0, c0 = _worker_cpu(client), sum(os.times()[:2])
                t0 = time.perf_counter()
                model = LogisticRegression(penalty="l2", C=1.0).fit(backend, None)
                wall[mode].append(time.perf_counter() - t0)
                cpu_c[mode].append(sum(os.times()[:2]) - c0)
                cpu_w[mode].append(_worker_cpu(client) - w0)
                coefs[mode] = model.coef_
    for name, d in (("fit s", wall), ("worker CPU s", cpu_w), ("client CPU s", cpu_c)):
        diff = np.median(np.subtract(d["pass"], d["setup"]))
        print(
            f"{name}: setup {np.median(d['setup']):.3f}, pass {np.median(d['pass']):.3f}"
            f", median paired (pass - setup) {diff * 1e3:+.1f} ms"
        )
    same = np.array_equal(coefs["setup"], coefs["pass"])
    print(f"coefficients equal bitwise: {same}; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
