"""``logistic fit --cv K`` with a formula without an intercept (``- 1``):
the folds, the grid and the stored coefficient path fit no intercept, as the
model does.

References: scikit-learn's ``LogisticRegression(fit_intercept=False)`` fitted
on each fold's training rows at ``C = 1/(alpha·n_train)`` (the same problem
as ``alpha`` on the mean-loss scale) and scored by scikit-learn's
``log_loss`` on the test rows; the stored path against the same fits on all
rows.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.linear_model import LogisticRegression as SkLogistic  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

import logistic  # noqa: E402
from conftest import run_cli  # noqa: E402


def _sk_fit(X, y, alpha):
    C = 1.0 / (alpha * len(y))
    m = SkLogistic(C=C, fit_intercept=False, tol=1e-12, max_iter=10_000)
    return m.fit(X, y)


def test_fit_cv_without_intercept_cross_validates_models_without_one(capsys, workdir):
    rng = np.random.default_rng(7)
    n = 240
    X = rng.normal(size=(n, 3))
    # about one row in four positive: an intercept near -1.3 that a model
    # without one cannot take up, so the curves with and without it differ
    y = (rng.random(n) < 1 / (1 + np.exp(1.3 - X @ [0.8, -0.5, 0.3]))).astype(int)
    lines = ["a,b,c,y"] + [
        ",".join([*(repr(float(v)) for v in row), str(t)])
        for row, t in zip(X, y, strict=True)
    ]
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    code, out, err = run_cli(
        capsys,
        ["fit", workdir / "d.csv", "--formula", "y ~ a + b + c - 1", "--cv", "5",
         "--n-alphas", "8", "-o", "m.json"],
    )  # fmt: skip
    assert code == 0, err
    model = logistic.load("m.json", strict=True)
    cv = model.cross_validation_
    alphas = np.asarray(cv["alphas"])
    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)
    scores = np.array(
        [
            [
                -log_loss(y[te], _sk_fit(X[tr], y[tr], a).predict_proba(X[te]))
                for a in alphas
            ]
            for tr, te in folds
        ]
    )
    np.testing.assert_allclose(cv["mean"], scores.mean(axis=0), rtol=1e-7)
    assert cv["best_index"] == int(np.argmax(scores.mean(axis=0)))
    chosen = cv["chosen_index"]
    assert model.alpha == pytest.approx(alphas[chosen], rel=1e-12)
    assert float(model.intercept_[0]) == 0.0
    # the coefficient path on all rows, without an intercept, passes through
    # the fitted model
    coefs = np.asarray(cv["path"]["coefs"])
    for i in (0, chosen, len(alphas) - 1):
        np.testing.assert_allclose(
            coefs[i], _sk_fit(X, y, alphas[i]).coef_.ravel(), atol=1e-6
        )
    np.testing.assert_allclose(coefs[chosen], model.coef_.ravel(), atol=1e-8)
