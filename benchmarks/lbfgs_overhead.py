"""Where an L-BFGS fit's time goes: the data passes, scipy's L-BFGS-B, our wrapper.

Usage (from the repository root)::

    python -m benchmarks.lbfgs_overhead [--datasets reuters,a9a] [--reps 7] [--tol 1e-8]

For each dataset (``benchmarks/datasets.py``; L2 with C = 1) it profiles
``--reps`` fits with :mod:`cProfile` and prints the median split of the
solver's time into

* data pass: the fused value+gradient of the objective (kernels, backend);
* standardization map: ``ScaledObjective``'s ``T θ'`` and ``Tᵀ g`` per pass;
* scipy setulb: L-BFGS-B's compiled iteration (direction, line-search state);
* scipy python: ``minimize``'s Python layer around it;
* our wrapper: everything else in ``solvers/lbfgs.py`` (finiteness check,
  stopping norm, history, callback);

then times, alternating, fits with BLAS limited to one thread around scipy's
``minimize`` (the solver's behaviour) and without that limit, and prints the
medians and the largest coefficient difference between the two.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import statistics
import time
from typing import Any

import numpy as np


def _split(stats: dict[Any, Any]) -> dict[str, float]:
    def cum(file_end: str, fn: str) -> float:
        return sum(
            v[3] for k, v in stats.items() if k[0].endswith(file_end) and k[2] == fn
        )

    setulb = sum(v[2] for k, v in stats.items() if "_lbfgsb.setulb" in k[2])
    run = cum("solvers/lbfgs.py", "_run")
    scaled = cum("_scaling.py", "value_and_gradient")
    data = cum("_objective.py", "value_and_gradient")
    scipy_all = cum("_lbfgsb_py.py", "_minimize_lbfgsb")
    ours_inside = cum("solvers/lbfgs.py", "__call__") + cum("solvers/lbfgs.py", "callback")
    polish = cum("solvers/lbfgs.py", "_polish")
    return {
        "solver": run,
        "data pass": data,
        "standardization map": scaled - data,
        "scipy setulb": setulb,
        "scipy python": scipy_all - ours_inside - setulb,
        "our wrapper": run - scipy_all + ours_inside - scaled - polish,
        "polish": polish,
    }


def main(argv: list[str] | None = None) -> None:
    import os

    import logistic.solvers.lbfgs as lbfgs_module
    from logistic import LogisticRegression

    from .datasets import load

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="reuters,a9a")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--tol", type=float, default=1e-8)
    args = ap.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()}")
    one_thread = lbfgs_module._one_blas_thread
    for name in args.datasets.split(","):
        X, y = load(name)
        model = LogisticRegression(
            penalty="l2", C=1.0, solver="lbfgs", tol=args.tol, max_iter=1000
        )
        model.fit(X, y)  # warm-up
        splits = []
        for _ in range(args.reps):
            prof = cProfile.Profile()
            prof.enable()
            model.fit(X, y)
            prof.disable()
            splits.append(_split(pstats.Stats(prof).stats))  # type: ignore[attr-defined]
        print(f"\n{name}: {int(model.n_iter_[0])} iterations, profiled (median s):")
        for key in splits[0]:
            print(f"  {key:22s} {statistics.median(s[key] for s in splits):.3f}")
        times: dict[str, list[float]] = {"one BLAS thread": [], "BLAS unlimited": []}
        coefs = {}
        variants = (
            ("one BLAS thread", one_thread),
            ("BLAS unlimited", contextlib.nullcontext),
        )
        try:
            for _ in range(args.reps):
                for key, ctx in variants:
                    lbfgs_module._one_blas_thread = ctx  # type: ignore[assignment]
                    t0 = time.perf_counter()
                    model.fit(X, y)
                    times[key].append(time.perf_counter() - t0)
                    coefs[key] = model.coef_.copy()
        finally:
            lbfgs_module._one_blas_thread = one_thread  # type: ignore[assignment]
        for key, v in times.items():
            print(f"  fit, {key:16s} median {statistics.median(v):.3f} s (min {min(v):.3f})")
        diff = float(np.abs(coefs["one BLAS thread"] - coefs["BLAS unlimited"]).max())
        print(f"  largest coefficient difference: {diff:.1e}")
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
