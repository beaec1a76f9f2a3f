"""Where an L-BFGS fit's time goes: the data passes, scipy's L-BFGS-B, our wrapper.

Usage (from the repository root)::

    python -m benchmarks.lbfgs_overhead [--datasets reuters,a9a,w8a] [--reps 7] [--tol 1e-6]

For each dataset (``benchmarks/datasets.py``; L2 with C = 1) it times
``--reps`` fits of ``LogisticRegression(solver="lbfgs")`` with
``time.perf_counter`` around the functions below (each function's exclusive
time: its own minus that of the timed functions it calls; the timers add
about a microsecond a call) and prints the median split of a fit into

* outside the solver: validation, labels, column statistics, the result;
* data pass: the objective's value+gradient (kernels, backend and its
  Python; also the polish's Hessian-vector products);
* standardization map: ``ScaledObjective``'s ``T θ'`` and ``Tᵀ g`` per pass;
* scipy setulb: L-BFGS-B's compiled iteration (direction, line-search state);
* scipy python: ``minimize``'s Python layer around it (``ScalarFunction``,
  ``MemoizeJac``, the loop);
* our wrapper: ``solvers/lbfgs.py`` (evaluation cache, finiteness test,
  stopping norm, history, callback, the set-up of the run);
* polish: the Newton–CG steps' own work (conjugate gradients);

then times, alternating, fits with BLAS limited to one thread around scipy's
``minimize`` (the solver's behaviour) and without that limit, and prints the
medians and the largest coefficient difference between the two.
cProfile, used before, charged its own per-call cost to the Python-heavy
parts (the wrapper and scipy's layer) several times over.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np


class _ExclusiveTimer:
    """Exclusive wall time per key of the functions it wraps (one thread)."""

    def __init__(self) -> None:
        self.excl: dict[str, float] = defaultdict(float)
        self._inner: list[float] = []

    def wrap(self, key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            self._inner.append(0.0)
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t0
                self.excl[key] += dt - self._inner.pop()
                if self._inner:
                    self._inner[-1] += dt

        return timed


class _SetulbProxy:
    """scipy's compiled module with ``setulb`` timed (everything else as is)."""

    def __init__(self, module: Any, timer: _ExclusiveTimer) -> None:
        self._module = module
        self.setulb = timer.wrap("scipy setulb", module.setulb)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


@contextlib.contextmanager
def _timed(timer: _ExclusiveTimer) -> Iterator[None]:
    """The solver's functions wrapped by ``timer`` while the block runs."""
    import scipy.optimize
    import scipy.optimize._lbfgsb_py as lbfgsb_py

    from logistic._objective import LogisticObjective
    from logistic._scaling import ScaledObjective
    from logistic.solvers import lbfgs

    targets = [
        (LogisticObjective, "value_and_gradient", "data pass"),
        (LogisticObjective, "value", "data pass"),
        (LogisticObjective, "hessian_vector", "data pass"),
        (ScaledObjective, "value_and_gradient", "standardization map"),
        (ScaledObjective, "value", "standardization map"),
        (ScaledObjective, "hessian_vector", "standardization map"),
        (scipy.optimize, "minimize", "scipy python"),
        (lbfgs._Evaluations, "__call__", "our wrapper"),
        (lbfgs._Evaluations, "residual", "our wrapper"),
        (lbfgs._Evaluations, "accept", "our wrapper"),
        (lbfgs._Evaluations, "rewind", "our wrapper"),
        (lbfgs.LBFGS, "_iteration", "our wrapper"),
        (lbfgs.LBFGS, "_run", "our wrapper"),
        (lbfgs.LBFGS, "_polish", "polish"),
    ]
    saved = [(owner, name, owner.__dict__[name]) for owner, name, _ in targets]
    module = lbfgsb_py._lbfgsb
    try:
        for owner, name, key in targets:
            setattr(owner, name, timer.wrap(key, owner.__dict__[name]))
        lbfgsb_py._lbfgsb = _SetulbProxy(module, timer)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
        lbfgsb_py._lbfgsb = module


KEYS = (
    "outside the solver",
    "data pass",
    "standardization map",
    "scipy setulb",
    "scipy python",
    "our wrapper",
    "polish",
)


def _split(model: Any, X: Any, y: Any) -> dict[str, float]:
    timer = _ExclusiveTimer()
    with _timed(timer):
        t0 = time.perf_counter()
        model.fit(X, y)
        total = time.perf_counter() - t0
    inside = sum(timer.excl.values())
    out = {key: timer.excl.get(key, 0.0) for key in KEYS}
    out["outside the solver"] = total - inside
    out["fit"] = total
    return out


def main(argv: list[str] | None = None) -> None:
    import os

    import logistic.solvers.lbfgs as lbfgs_module
    from logistic import LogisticRegression

    from .datasets import load

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="reuters,a9a,w8a")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--tol", type=float, default=1e-6)
    args = ap.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()}")
    one_thread = lbfgs_module._one_blas_thread
    for name in args.datasets.split(","):
        X, y = load(name)
        model = LogisticRegression(
            penalty="l2", C=1.0, solver="lbfgs", tol=args.tol, max_iter=1000
        )
        model.fit(X, y)  # warm-up
        splits = [_split(model, X, y) for _ in range(args.reps)]
        n_iter, n_passes = int(model.n_iter_[0]), int(model.n_passes_)
        print(
            f"\n{name} (tol {args.tol:g}): {n_iter} iterations, {n_passes} passes; "
            "median ms (per iteration)"
        )
        for key in (*KEYS, "fit"):
            med = statistics.median(s[key] for s in splits)
            print(f"  {key:22s} {med * 1e3:8.2f} ({med * 1e3 / max(n_iter, 1):.3f})")
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
            print(
                f"  fit, {key:16s} median {statistics.median(v):.3f} s (min {min(v):.3f})"
            )
        diff = float(np.abs(coefs["one BLAS thread"] - coefs["BLAS unlimited"]).max())
        print(f"  largest coefficient difference: {diff:.1e}")
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
