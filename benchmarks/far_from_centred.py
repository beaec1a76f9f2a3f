# ruff: noqa: E501  (benchmark tables read best unwrapped)
"""Newton against newton-cg on a column far from centred (why ``auto`` keeps
Newton there: docs/benchmarks.md).

Usage (from the repository root)::

    PYTHONPATH=src:. python -m benchmarks.far_from_centred [--rounds 5] [--n 2000]

Data: ``t, x ~ N(0, 1)``, ``y ~ Bernoulli(σ(1.5 t + 0.5 x))``, fitted on
``[x, t + shift]`` for each shift, unpenalized and L2 (C = 1). Newton sums
its Hessian about 0, so the column's cancellation with the intercept costs
``shift²`` of its precision; newton-cg's products act in the solvers'
centred coordinates. The table gives each solver's iterations and the
median wall time over ``--rounds`` fits (after one untimed fit), and the
solver ``auto`` chose.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=2000)
    a = ap.parse_args()
    from logistic import LogisticRegression

    rng = np.random.default_rng(0)
    t, x = rng.normal(size=(2, a.n))
    y = (rng.random(a.n) < 1 / (1 + np.exp(-(1.5 * t + 0.5 * x)))).astype(int)
    print("| shift | penalty | solver | n_iter | median ms | auto chose |")
    print("|---|---|---|---|---|---|")
    for shift in (1e3, 1e4, 1e5, 1e6, 3e6):
        X = np.c_[x, t + shift]
        for penalty in (None, "l2"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                chose = LogisticRegression(penalty=penalty).fit(X, y).solver_
                for solver in ("newton", "newton-cg"):
                    model = LogisticRegression(solver=solver, penalty=penalty)
                    model.fit(X, y)
                    times = []
                    for _ in range(a.rounds):
                        t0 = time.perf_counter()
                        model.fit(X, y)
                        times.append(time.perf_counter() - t0)
                    print(f"| {shift:.0e} | {penalty} | {solver} | {model.n_iter_[0]} | "
                          f"{statistics.median(times) * 1e3:.2f} | {chose} |")


if __name__ == "__main__":
    main()
