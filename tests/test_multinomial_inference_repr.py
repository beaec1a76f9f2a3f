"""The K-class inference result echoes (Jupyter's output of a cell, the
console) as the two-class one does: its class, method, covariance, rows,
classes and parameters, not ``object.__repr__``'s private module path and
address (``<logistic.inference._multinomial.MultinomialInference at 0x...>``).
"""

from __future__ import annotations

import numpy as np

from logistic import LogisticRegression


def test_k_class_inference_repr_names_what_it_holds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = np.digitize(X[:, 0] + rng.logistic(size=300), [-1.0, 1.0])
    res = LogisticRegression().fit(X, y).inference(X, y)
    text = repr(res)
    assert text == (
        "<MultinomialInference MLE, cov_type='nonrobust', nobs=300, K=3, k=6>"
    )
    # the same fields as the two-class result's
    yb = (y > 0).astype(int)
    binary = repr(LogisticRegression().fit(X, yb).inference(X, yb))
    assert binary == "<InferenceResults MLE, cov_type='nonrobust', nobs=300, k=3>"
