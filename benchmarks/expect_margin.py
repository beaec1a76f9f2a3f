"""How well newton-cd-columns predicts the KKT residual a step reaches.

``solvers._column_step.EXPECT_MARGIN`` decides when the read of X at a point
makes the gradient alone (the fit is predicted to stop there) instead of the
gradient and the next step's first sweep. The prediction is the last step's
rate times the residual. This script fits newton-cd-columns to tol 1e-11 on
the sparse benchmark sets at three strengths and prints, per fit, the ratio
of the residual reached to the one predicted at every step that has a
prediction (from the second on: the first rate is the first step's, so the
first prediction is that of the point after it, g₁²/g₀, as the solver's
first ``expect``) with the fit's median and c-quantile, then the pooled
quantiles and the median over the fits of their c-quantiles: the gradient
alone pays where the fit stops with probability above its relative cost
c (~0.31 of a first sweep), so the break-even margin is 1 / (the ratio's
c-quantile).

    python -m benchmarks.expect_margin
"""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.datasets import load

SETS = [("reuters", None), ("w8a", None), ("sparse200k", 40_000), ("a9a", None)]
STRENGTHS = (0.1, 1.0, 10.0)  # alpha = strength / n
C = 0.31  # the gradient alone's cost over a first sweep (reuters: 0.19 / 0.62 ms)


def ratios(X, y, strength: float) -> list[float]:
    from logistic import LogisticRegression

    n = X.shape[0]
    model = LogisticRegression(
        penalty="l2", alpha=strength / n, solver="newton-cd-columns", tol=1e-11,
        max_iter=200,
    ).fit(X, y)  # fmt: skip
    g = [h["grad_max_norm"] for h in model.history_]
    # the point after step k (residual g[k + 1]) is predicted at g[k]² / g[k - 1]
    return [g[k + 1] / (g[k] * g[k] / g[k - 1]) for k in range(1, len(g) - 1)]


def main() -> None:
    warnings.simplefilter("ignore")
    pooled, first, per_fit = [], [], []
    for name, rows in SETS:
        X, y = load(name)
        if rows:
            X, y = X[:rows], y[:rows]
        for strength in STRENGTHS:
            r = ratios(X, y, strength)
            pooled += r
            first += r[:15]
            med, qc = np.median(r), np.quantile(r, C)
            per_fit.append(qc)
            print(
                f"{name} alpha {strength}/n ({len(r)}): median {med:.3f}, "
                f"{C}-quantile {qc:.3f}:",
                " ".join(f"{x:.2f}" for x in r),
            )
    for label, arr in (("all", np.array(pooled)), ("first 15", np.array(first))):
        q = np.quantile(arr, [0.2, C, 0.5])
        print(
            f"{label} ({arr.size}): quantiles 0.2/{C}/0.5 {np.round(q, 3)}, "
            f"P(r <= 1) {np.mean(arr <= 1):.2f}, break-even margin {1 / q[1]:.2f}"
        )
    qf = np.median(per_fit)
    print(
        f"per fit ({len(per_fit)}): median of the {C}-quantiles {qf:.3f} "
        f"(range {min(per_fit):.3f}-{max(per_fit):.3f}), break-even {1 / qf:.2f}"
    )


if __name__ == "__main__":
    main()
