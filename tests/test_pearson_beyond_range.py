"""The Pearson statistic of a fit whose terms go beyond float64's range is
inf, its value, without numpy's RuntimeWarnings escaping (docs/reliability.md:
"No numpy RuntimeWarning escapes the package").

Weights from 1e-300 to 1e300 (which the fit already notes as beyond float64's
resolution) made the fit's statistics pass and every ``inference`` warn
"overflow encountered in divide" (a row's ``r²/(p(1-p))`` of 1e310) and
"overflow encountered in matmul" (weights times terms).

Reference: mpmath, ``Σ s e^{∓z}`` at the returned coefficients (the Pearson
term of a label 1 is ``e^{-z}``, of a label 0 ``e^{z}``): about 4e1062.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np

from logistic import LogisticRegression


def test_pearson_beyond_float64_is_inf_without_runtime_warnings():
    rng = np.random.default_rng(2)
    n = 400
    X = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X[:, 0] + X[:, 1])))).astype(float)
    w = 10.0 ** rng.uniform(-300, 300, size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the weights' range note
        warnings.simplefilter("error", RuntimeWarning)
        model = LogisticRegression(solver="newton").fit(X, y, sample_weight=w)
        res = model.inference(X, y, sample_weight=w)
        pearson = res.pearson_chi2
    z = model.decision_function(X)
    ref = mpmath.fsum(
        mpmath.mpf(float(s)) * mpmath.exp(-mpmath.mpf(float(zi)) * (2 * yi - 1))
        for s, zi, yi in zip(w, z, y, strict=True)
    )
    assert ref > mpmath.mpf(np.finfo(np.float64).max)
    assert pearson == np.inf
