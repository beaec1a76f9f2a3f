"""A fit whose null log-likelihood is 0 in float64 has an undefined
McFadden pseudo R² (NaN), and its summary prints: it raised
``ZeroDivisionError`` from ``summary()`` and ``prsquared``.

The rows: 98 labels 1 of weight 1 and 2 labels 0 of weight 1e-20 (the fit
notes the weights' range). The null model's log-likelihood is -1.02e-18
(mpmath: ``S (ȳ log ȳ + (1-ȳ) log(1-ȳ))``, S = Σs), but ``ȳ`` rounds to 1
in float64 and it is 0 there.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from logistic import LogisticRegression


def test_zero_null_loglikelihood_gives_nan_pseudo_rsquared():
    rng = np.random.default_rng(4)
    n = 100
    X = rng.normal(size=(n, 1))
    y = np.ones(n)
    y[:2] = 0.0
    w = np.ones(n)
    w[:2] = 1e-20
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the weights' range note
        model = LogisticRegression().fit(X, y, sample_weight=w)
        res = model.inference(X, y, sample_weight=w)
        text = str(model.summary())
    assert res.llnull == 0.0  # float64's rounding of -1.02e-18
    assert math.isnan(res.prsquared)
    assert "Pseudo R-sq.:      nan" in text
