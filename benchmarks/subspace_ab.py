"""L-BFGS with and without its sampled subspace steps, alternating in one process.

Usage (from the repository root)::

    python -m benchmarks.subspace_ab [--datasets wide100k,dense1m] [--tols 1e-5,1e-6]
                                     [--reps 5]

``--tols calibrate`` gives each variant its own tolerance as the full suite
does (``benchmarks/run.py``): the loosest of its ladder whose fit reaches a
relative gap ≤ 1e-8 to the reference, so the medians are times to that gap.

For each dataset (``benchmarks/datasets.py``; L2 with C = 1, ``l2 = 1/n``)
and tolerance, ``--reps`` fits of ``LBFGS`` with the default options and with
``subspace_steps=0`` (L-BFGS-B alone) run in alternating order, each from
zero on the same objective. Printed per variant: the median wall time, the
passes over the data, the iterations, the relative objective gap to the
tighter of a reference fit (``tol=1e-10``, subspace steps off) and every
fit, and the largest coefficient difference from that reference. The
machine's load average is printed with each dataset: only ratios within one
run mean anything on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np

from benchmarks import datasets
from benchmarks.run import GAP, LADDER


def _fit(obj, tol: float, steps: int | None):
    from logistic.solvers.lbfgs import LBFGS

    options = {} if steps is None else {"subspace_steps": steps}
    e0 = obj.n_evaluations
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = LBFGS(tol=tol, max_iter=10_000, **options).solve(
            obj, np.zeros(obj.n_params)
        )
    return time.perf_counter() - t0, obj.n_evaluations - e0, res


def main() -> None:
    from logistic._objective import LogisticObjective

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="wide100k,dense1m")
    ap.add_argument("--tols", default="1e-5,1e-6")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    for name in args.datasets.split(","):
        X, y = datasets.load(name)
        obj = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
        _, _, ref = _fit(obj, 1e-10, 0)
        f_ref = ref.objective
        settings = (
            [None]
            if args.tols == "calibrate"
            else [float(t) for t in args.tols.split(",")]
        )
        for setting in settings:
            tols = {}
            for label, steps in (("subspace", None), ("L-BFGS-B", 0)):
                tols[label] = setting
                if setting is None:  # the loosest tolerance that reaches the gap
                    tols[label] = next(
                        (
                            t
                            for t in LADDER
                            if (_fit(obj, t, steps)[2].objective - f_ref) / abs(f_ref)
                            <= GAP
                        ),
                        LADDER[-1],
                    )
            runs: dict[str, list] = {"subspace": [], "L-BFGS-B": []}
            for r in range(args.reps):
                order = [("subspace", None), ("L-BFGS-B", 0)]
                for label, steps in order if r % 2 == 0 else order[::-1]:
                    runs[label].append(_fit(obj, tols[label], steps))
            f_star = min(
                [ref.objective] + [o.objective for v in runs.values() for *_, o in v]
            )
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            tol_text = ", ".join(f"{k} tol={t:g}" for k, t in tols.items())
            print(f"{name} {tol_text} (load {load}; f* {f_star!r})")
            medians = {
                k: statistics.median(t for t, _, _ in v) for k, v in runs.items()
            }
            for label, v in runs.items():
                dt = medians[label]
                _, passes, res = v[0]
                gap = (res.objective - f_star) / abs(f_star)
                dcoef = float(np.max(np.abs(res.coef - ref.coef)))
                print(
                    f"  {label:9s} median {dt:.3f} s ({' '.join(f'{t:.3f}' for t, _, _ in v)})"
                    f"  passes {passes}  iterations {res.n_iter}  gap {gap:.1e}"
                    f"  max |Δcoef| vs reference {dcoef:.1e}"
                )
            print(
                f"  L-BFGS-B / subspace: {medians['L-BFGS-B'] / medians['subspace']:.2f}×"
            )


if __name__ == "__main__":
    main()
