"""Fits in joblib's process workers: every CPU a fit, or ``OMP_NUM_THREADS``'s share.

Usage (from the repository root)::

    python -m benchmarks.oversubscription [--rounds 5] [--tasks 4] [--jobs 2]

``--tasks`` tasks, each three fits of ``LogisticRegression(penalty="l2",
C=1)`` on its own 200 000 × 50 standard normal X, run as
``joblib.Parallel(n_jobs=--jobs)`` (loky processes, which set
``OMP_NUM_THREADS`` to the CPUs divided by ``--jobs``) with ``n_jobs=None``
(the default: at most ``OMP_NUM_THREADS`` threads a fit) and with
``n_jobs=-1`` (every CPU in every process, what a fit did before it read
``OMP_NUM_THREADS``), alternating, after one untimed round that starts the
workers. Prints the wall time of each round and the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time


def _task(seed: int, n_jobs: int | None) -> float:
    import numpy as np

    from logistic import LogisticRegression

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((200_000, 50))
    y = (X[:, 0] + rng.standard_normal(200_000) > 0).astype(float)
    t = time.perf_counter()
    for _ in range(3):
        LogisticRegression(penalty="l2", C=1.0, n_jobs=n_jobs).fit(X, y)
    return time.perf_counter() - t


def main() -> None:
    from joblib import Parallel, delayed

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--tasks", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    runs: dict[str, list[float]] = {"n_jobs=None": [], "n_jobs=-1": []}
    with Parallel(n_jobs=args.jobs) as parallel:
        parallel(delayed(_task)(s, None) for s in range(args.jobs))  # start-up
        for r in range(args.rounds):
            for label, n_jobs in (("n_jobs=None", None), ("n_jobs=-1", -1)):
                t = time.perf_counter()
                parallel(delayed(_task)(s, n_jobs) for s in range(args.tasks))
                runs[label].append(time.perf_counter() - t)
                print(f"round {r}: {label:<12} {runs[label][-1]:.3f} s", flush=True)
    for label, times in runs.items():
        print(f"{label:<12} median {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
