"""``solver="auto"`` takes Newton for maximum-likelihood fits of at most
``MAX_LIKELIHOOD_NEWTON_PARAMS`` parameters, whatever a Newton iteration
costs in passes.

It took L-BFGS wherever a Newton iteration cost more than four passes: an
unpenalized fit of a 30 × 15 interaction of one-hot rating factors (450
parameters, 40 000 rows, with an offset) ran L-BFGS's 1 000 iterations in
40 s and stopped at a gradient of 1.2e-9, "did not converge", inference
"unreliable"; Newton converges there in 18 iterations (benchmark figures in
``solvers._auto``). Penalized fits keep the pass-count rule.
"""

from __future__ import annotations

import warnings

import numpy as np

from logistic import LogisticRegression
from logistic._typing import DataDescription
from logistic.solvers._auto import choose_solver

F64 = np.dtype(np.float64)


def test_rule_unpenalized_wide_dense_takes_newton():
    from logistic.solvers._auto import MAX_LIKELIHOOD_NEWTON_PARAMS

    data = DataDescription(40_000, 449, F64)
    assert choose_solver(data, penalty=None, l1=0.0) == "newton"
    assert choose_solver(data, penalty="l2", l1=0.0) == "lbfgs"
    wider = DataDescription(40_000, MAX_LIKELIHOOD_NEWTON_PARAMS, F64)
    assert choose_solver(wider, penalty=None, l1=0.0) == "lbfgs"


def _interaction(n: int, a_levels: int, b_levels: int):
    rng = np.random.default_rng(5)
    a, b = rng.integers(0, a_levels, n), rng.integers(0, b_levels, n)
    offset = np.log(rng.uniform(0.1, 1.0, n))
    eta = -0.5 + rng.normal(0, 0.3, a_levels)[a] + rng.normal(0, 0.3, b_levels)[b]
    y = rng.binomial(1, 1 / (1 + np.exp(-(eta + offset))))
    cols = [a == i for i in range(1, a_levels)] + [b == j for j in range(1, b_levels)]
    cols += [
        (a == i) & (b == j) for i in range(1, a_levels) for j in range(1, b_levels)
    ]
    return np.column_stack(cols).astype(float), y, offset


def test_auto_fit_is_newton_and_matches_statsmodels():
    # 10 000 rows x 239 columns (about 40 rows a cell, every cell holds both
    # classes: none separated): one Newton iteration is estimated at 4.8
    # passes (as at 20 000 rows, where the test was made), so the pass rule
    # alone took L-BFGS (120 iterations here)
    import statsmodels.api as sm

    from logistic.solvers._auto import MAX_NEWTON_PASSES, newton_cost_in_passes

    X, y, offset = _interaction(10_000, 20, 12)
    assert newton_cost_in_passes(*X.shape) > MAX_NEWTON_PASSES  # the case tested
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y, offset=offset)
    # check_rank=False: statsmodels' rank check (a QR of the 10 000 x 240
    # design, a third of the reference's time) sets only df_model, not params
    ref = sm.Logit(y, sm.add_constant(X), offset=offset, check_rank=False).fit(
        method="newton", tol=1e-12, maxiter=100, disp=0
    )
    assert model.solver_ == "newton"
    assert model.converged_
    np.testing.assert_allclose(model.intercept_[0], ref.params[0], atol=1e-8)
    np.testing.assert_allclose(model.coef_.ravel(), ref.params[1:], atol=1e-8)
