# ruff: noqa: E501  (benchmark tables and logs read best unwrapped)
"""``newton-cd``'s inner coordinate descent: the numpy sweeps capped at 500
an outer iteration (the solver before), the compiled sweeps
(``logistic._cd.cd_gram``) at the same cap, and the compiled sweeps at the
default cap (``coordinate_descent.sweep_cap``: ``max(500, n_samples)``).

Usage (from the repository root)::

    python -m benchmarks.newton_cd_inner_ab [--datasets mc2,mc5,spambase,credit-default] [--reps 2]

``mc2`` / ``mc5``: scikit-learn's ``make_classification(10000, 50,
n_informative=20, n_classes=2 or 5, random_state=0)`` (two exactly redundant
columns; an ML engineer's trial found the 5-class fit 97 iterations long),
L1 with C = 0.1; ``spambase`` (4 601 × 57, the table of the solver's
docstring, unscaled) and ``credit-default`` (read by
:mod:`benchmarks.datasets`) at L1 ``alpha`` 1e-3. Each variant fits ``reps``
times in this process, alternating, at the default tol (1e-10); the line gives
the best time, the iterations, the objective reached and the non-zero
coefficients. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

from benchmarks import datasets
from logistic import LogisticRegression
from logistic.solvers.column_cd import set_compiled_cd


def load(name: str):
    if name in ("mc2", "mc5"):
        from sklearn.datasets import make_classification

        X, y = make_classification(10000, 50, n_informative=20, n_classes=int(name[2]), random_state=0)
        return X, y, dict(C=0.1)
    if name == "spambase":
        import pandas as pd

        d = pd.read_csv("tests/data/spambase/spambase.tsv.gz", sep="\t")
        return d.iloc[:, :-1].to_numpy(float), d.iloc[:, -1].to_numpy(), dict(alpha=1e-3)
    X, y = datasets.load(name)
    return X, y, dict(alpha=1e-3)


VARIANTS = {
    "numpy, 500": (False, 500),
    "compiled, 500": (True, 500),
    "compiled, default": (True, None),
}


def fit(X, y, penalty: dict, compiled: bool, cap: int | None):
    """One timed fit; a fixed ``cap`` replaces ``sweep_cap`` for the fit."""
    from logistic.solvers import coordinate_descent as cd

    old, rule = set_compiled_cd(compiled), cd.sweep_cap
    if cap is not None:
        cd.sweep_cap = lambda n_samples: cap
    try:
        t = time.perf_counter()
        m = LogisticRegression(penalty="l1", solver="newton-cd", **penalty).fit(X, y)
        return time.perf_counter() - t, m
    finally:
        cd.sweep_cap = rule
        set_compiled_cd(old)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="mc2,mc5,spambase,credit-default")
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    print(f"load {os.getloadavg()[0]:.2f}")
    print("| data | variant | best time | iterations | objective | non-zeros |")
    print("|---|---|---|---|---|---|")
    for name in a.datasets.split(","):
        X, y, penalty = load(name)
        best: dict[str, tuple[float, object]] = {}
        for _ in range(a.reps):
            for label, (compiled, cap) in VARIANTS.items():
                t, m = fit(X, y, penalty, compiled, cap)
                if label not in best or t < best[label][0]:
                    best[label] = (t, m)
        for label, (t, m) in best.items():
            print(f"| {name} | {label} | {t * 1e3:.1f} ms | {int(m.n_iter_[0])} | "
                  f"{m.objective_:.15g} | {int(np.count_nonzero(m.coef_))} |", flush=True)
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
