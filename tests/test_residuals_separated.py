"""Residuals of rows fitted far out on their label's side (a separated fit).

The Pearson residual ``(y - μ)/sqrt(μ(1 - μ))`` of a row with logit ``z`` is
``e^{-z/2}`` for ``y = 1`` and ``-e^{z/2}`` for ``y = 0``. Beyond ``|z| = 1419``
the other label's term ``e^{|z|/2}`` overflows; multiplied by its zero label
weight it made the residual NaN (with numpy's "invalid value" warning), and
with it the studentized residual and Cook's distance of the row. The
reference is the formula in 50-digit mpmath, rounded to float64 (0 where
``e^{-|z|/2}`` underflows).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression

mpmath = pytest.importorskip("mpmath")


def _separated():
    rng = np.random.default_rng(38)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] > 0).astype(int)  # complete separation by the first column
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().fit(X, y)
        res = model.inference(X, y)
    return X, y, model, res


def test_pearson_residuals_of_extreme_rows_are_their_limit():
    X, y, model, res = _separated()
    z = model.decision_function(X)
    assert np.abs(z).max() > 1419  # the case: some e^{|z|/2} overflows
    mpmath.mp.dps = 50
    half = [mpmath.mpf(float(zi)) / 2 for zi in z]
    want = np.array(
        [
            float(mpmath.exp(-h) if yi == 1 else -mpmath.exp(h))
            for h, yi in zip(half, y, strict=True)
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        got = res.resid_pearson
        infl = res.get_influence()
        studentized, cooks = infl.resid_studentized, infl.cooks_distance[0]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=0)
    assert np.isfinite(studentized).all() and np.isfinite(cooks).all()
