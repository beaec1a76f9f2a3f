"""A column left out as aliased by the rank rule (a near dependency between
its limit and R's) leaves the other coefficients at the reduced model's
optimum to the fit's ``tol``, not one Newton step short of it.

The rows: ``x2 = x1 + 1e-7·noise`` (a pivot of ~1e-14, below the rank rule's
limit), 400 rows. Newton's polish of the reduced estimate stopped where its
decrement (3e-15) was within the objective's rounding, with the gradient at
1.3e-8 in standardized coordinates, 130 times ``tol_``: ``coef_`` was 1.3e-7
off the reduced optimum, while ``converged_`` was True and ``fit_status_``
said "gradient max-norm below tol".

Reference: statsmodels' ``Logit`` of the kept columns (x1, x3), whose maximum
likelihood estimate the reduced model is.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression


def _rows() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    n = 400
    x1 = rng.normal(size=n)
    X = np.column_stack([x1, x1 + 1e-7 * rng.normal(size=n), rng.normal(size=n)])
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(x1 + X[:, 2])))).astype(float)
    return X, y


@pytest.mark.parametrize("solver", ["newton", "newton-cd", "newton-cg"])
def test_reduced_fit_reaches_tol(solver):
    sm = pytest.importorskip("statsmodels.api")
    X, y = _rows()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(solver=solver).fit(X, y)
    assert model.coef_[0, 1] == 0.0  # left out as aliased
    ref = sm.Logit(y, sm.add_constant(X[:, [0, 2]])).fit(
        method="newton", tol=1e-14, disp=0
    ).params  # fmt: skip
    got = np.r_[model.intercept_, model.coef_[0, [0, 2]]]
    np.testing.assert_allclose(got, ref, rtol=1e-9)
    if model.converged_:
        assert model.grad_max_norm_ <= model.tol_
