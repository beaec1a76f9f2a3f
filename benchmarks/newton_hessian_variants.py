# ruff: noqa: E501  (tables read best unwrapped)
"""What the last Newton step of a higgs-sized fit needs from its Hessian: a NumPy model.

Usage (from the repository root)::

    PYTHONPATH=src:. python -m benchmarks.newton_hessian_variants [--dataset higgs]

The suite's L2 problem (``alpha = 1/n``) in standardized coordinates, fitted
as ``auto``'s Newton fits higgs: a step from the start ``θ₀`` (``w = 0``,
the intercept at the log-odds of ``y``; there every row has the same
curvature), a step with the exact Hessian at ``θ₁``, then the third step from
``θ₂`` with each candidate for ``∇²J(θ₂)``:

* ``exact``: the library's rule (a fused Hessian pass at ``θ₂``);
* ``reuse H1``: ``∇²J(θ₁)`` again (Shamanskii's chord step);
* ``bfgs``, ``sr1``: ``∇²J(θ₁)`` updated from ``s = θ₂ − θ₁`` and the
  gradients' difference;
* ``sub 1/k``: the Hessian of every k-th row (a subsampled Newton step);
* ``cv 1/k``: ``∇²J(θ₁)`` plus ``Σ (d₂ − d₁) x xᵀ`` over every k-th row,
  the change of the curvature estimated from a sample (a control variate:
  the sample's error scales with the change, not with the Hessian).

It prints the relative objective gap after that step (the suite asks for
≤ 1e-8) and the largest gradient entry. A pass's cost is not modelled: a
candidate that needs a value+gradient pass at ``θ₂`` instead of a Hessian
pass saves the Hessian part (~0.2-0.25 ms of the ~0.3 ms fused pass on
higgs), a sampled one its share of it.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.special import expit

from benchmarks.datasets import load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default="higgs")
    args = ap.parse_args()
    X, y = load(args.dataset)
    X = np.asarray(X, dtype=np.float64)
    n, p = X.shape
    sd = X.std(0)
    Z = np.hstack([(X - X.mean(0)) / sd, np.ones((n, 1))])
    alpha = 1.0 / n
    diag = np.arange(p)

    def value(t: np.ndarray) -> float:
        z = Z @ t
        return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * alpha * np.sum(t[:-1] ** 2 / sd**2))

    def grad(t: np.ndarray) -> np.ndarray:
        gr = Z.T @ (expit(Z @ t) - y) / n
        gr[:-1] += alpha * t[:-1] / sd**2
        return gr

    def curvature(t: np.ndarray, rows: np.ndarray) -> np.ndarray:
        s = expit(Z[rows] @ t)
        return s * (1.0 - s)

    every_row = np.arange(n)

    def hessian(t: np.ndarray, rows: np.ndarray | None = None, ref: np.ndarray | None = None) -> np.ndarray:
        rows = every_row if rows is None else rows
        d = curvature(t, rows)
        if ref is not None:
            d = d - curvature(ref, rows)
        Zr = Z[rows]
        h = (Zr * d[:, None]).T @ Zr / rows.size
        if ref is None:
            h[diag, diag] += alpha / sd**2
        return h

    t = np.zeros(p + 1)
    t[-1] = np.log(y.mean() / (1.0 - y.mean()))
    t0 = t.copy()
    for _ in range(30):
        t = t - np.linalg.solve(hessian(t), grad(t))
    best = value(t)

    def gap(t: np.ndarray) -> float:
        return (value(t) - best) / best

    t1 = t0 - np.linalg.solve(hessian(t0), grad(t0))
    H1 = hessian(t1)
    t2 = t1 - np.linalg.solve(H1, grad(t1))
    s, dg = t2 - t1, grad(t2) - grad(t1)
    Bs = H1 @ s
    v = dg - Bs
    candidates = {
        "exact": hessian(t2),
        "reuse H1": H1,
        "bfgs": H1 - np.outer(Bs, Bs) / (s @ Bs) + np.outer(dg, dg) / (dg @ s),
        "sr1": H1 + np.outer(v, v) / (v @ s),
    }
    for k in (2, 4, 8):
        rows = np.arange(0, n, k)
        candidates[f"sub 1/{k}"] = hessian(t2, rows)
        candidates[f"cv 1/{k}"] = H1 + hessian(t2, rows, ref=t1)
    print(f"{args.dataset}: gap after step 1 {gap(t1):.2e}, after step 2 {gap(t2):.2e}")
    print("| ∇²J(θ₂) taken as | gap after step 3 | max |∇J| |")
    print("|---|---|---|")
    for name, B in candidates.items():
        t3 = t2 - np.linalg.solve(B, grad(t2))
        print(f"| {name} | {gap(t3):.2e} | {np.abs(grad(t3)).max():.2e} |")


if __name__ == "__main__":
    main()
