"""Sandwich covariances quadratic in the weights (sampling weights' HC0/HC1,
``cov_type="cluster"`` of either weight kind) do not depend on a common
factor of the weights (docs/inference.md): weights of 1e200 gave NaN standard
errors (their squares overflowed in the meat, with numpy's RuntimeWarnings),
weights of 1e-200 gave standard errors of 0 (their squares underflowed) and
weights of 1e-160 were 2e-5 off (squares in the subnormal range).

Reference: statsmodels' ``GLM(var_weights=u)`` with ``cov_type="HC0"`` and
``"cluster"`` (the latter divided by its further ``(n-1)/(n-k)``, as
docs/inference.md says) on the unscaled weights ``u``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression


@pytest.mark.parametrize("factor", [1.0, 1e200, 1e-160, 1e-200])
def test_sandwich_of_scaled_weights(factor):
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(9)
    n = 300
    X = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    u = rng.uniform(0.5, 3.0, size=n)
    groups = rng.integers(0, 25, size=n)
    glm = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), var_weights=u)
    ref_hc0 = glm.fit(cov_type="HC0", tol=1e-14).bse
    ref_cluster = glm.fit(
        cov_type="cluster", cov_kwds={"groups": groups}, tol=1e-14
    ).bse / np.sqrt((n - 1) / (n - 3))  # fmt: skip
    w = u * factor
    model = LogisticRegression(solver="newton").fit(X, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
        hc0 = model.inference(X, y, w, sample_weight_kind="sampling", cov_type="HC0")
        clustered = [
            model.inference(
                X, y, w, sample_weight_kind=kind, cov_type="cluster", groups=groups
            ).bse
            for kind in ("sampling", "frequency")
        ]
    np.testing.assert_allclose(np.asarray(hc0.bse), ref_hc0, rtol=1e-9)
    for bse in clustered:
        np.testing.assert_allclose(np.asarray(bse), ref_cluster, rtol=1e-9)


@pytest.mark.parametrize("factor", [1e200, 1e-200])
def test_multinomial_cluster_of_scaled_weights(factor):
    # K = 3 classes: statsmodels' MNLogit cluster covariance of the unweighted
    # rows (a common weight changes no cluster sandwich), divided by its
    # further (n-1)/(n-k); ours was NaN at 1e200 and 0 at 1e-200
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(9)
    n = 300
    X = rng.normal(size=(n, 2))
    y = rng.integers(0, 3, size=n)
    groups = rng.integers(0, 20, size=n)
    ref = sm.MNLogit(y, sm.add_constant(X)).fit(
        method="newton", tol=1e-14, disp=0, cov_type="cluster",
        cov_kwds={"groups": groups},
    )  # fmt: skip
    ref_bse = np.asarray(ref.bse)[[1, 2, 0]].T / np.sqrt((n - 1) / (n - 6))
    w = np.full(n, factor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the weights' range note
        model = LogisticRegression().fit(X, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = model.inference(X, y, w, cov_type="cluster", groups=groups)
    np.testing.assert_allclose(np.asarray(res.bse), ref_bse, rtol=1e-7)
