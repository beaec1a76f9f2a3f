"""L1 and elastic-net fits of wide dense X with ``solver="auto"``: the paths'
column solver (``newton-cd-columns`` by X's columns) reaches the optimum that
``logistic.path`` reaches, where ``fista`` (no Hessian fits) or
``newton-cd``'s dense Hessian used to be chosen; a slow L1 fit's remedy names
a solver that takes the penalty."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic
from logistic import ConvergenceWarning, LogisticRegression
from logistic.solvers._diagnosis import likely_cause


def _wide(n: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X[:, :5].sum(1) + rng.normal(size=n) > 0).astype(int)
    return X, y


def _objective(model: LogisticRegression, X: np.ndarray, y: np.ndarray,
               alpha: float, l1_ratio: float) -> float:  # fmt: skip
    z = X @ model.coef_.ravel() + model.intercept_[0]
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    w = model.coef_.ravel()
    return loss + alpha * (l1_ratio * np.abs(w).sum() + 0.5 * (1 - l1_ratio) * w @ w)


@pytest.mark.parametrize(
    "kwargs, l1_ratio",
    [(dict(penalty="l1"), 1.0),
     (dict(penalty="elasticnet", l1_ratio=0.5), 0.5)],
)  # fmt: skip
def test_wide_dense_l1_auto_reaches_the_paths_optimum(kwargs, l1_ratio):
    # p = 9 000: no newton-cd Hessian fits auto's bound, so it used to take
    # fista, which stops at max_iter far from the optimum on p >> n
    n, p = 100, 9000
    X, y = _wide(n, p)
    alpha = 1.0 / n  # C = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(C=1.0, max_iter=100, **kwargs).fit(X, y)
    assert model.solver_ == "newton-cd-columns"
    assert model.converged_
    ref = logistic.path(X, y, alphas=[alpha], l1_ratio=l1_ratio, tol=1e-10)
    got = _objective(model, X, y, alpha, l1_ratio)
    assert got == pytest.approx(float(ref.objective[0]), rel=1e-6, abs=1e-8)
    # independent of both solvers: the optimality (KKT) conditions of
    # mean loss + alpha (r |w|_1 + (1 - r)/2 |w|^2). scikit-learn's saga, the
    # outside reference at hand, does not converge here (20 000 epochs,
    # ~3 min, objective 0.13986 against this fit's 0.13965 for L1)
    w = model.coef_.ravel()
    z = X @ w + model.intercept_[0]
    r = 1.0 / (1.0 + np.exp(-z)) - y
    smooth = X.T @ r / n + alpha * (1 - l1_ratio) * w
    assert abs(r.mean()) < 1e-6  # the intercept's gradient
    on = w != 0
    assert on.any()
    slack = 1e-6 * alpha * l1_ratio + 1e-8
    np.testing.assert_allclose(
        smooth[on], -alpha * l1_ratio * np.sign(w[on]), atol=slack + 1e-6
    )
    assert np.all(np.abs(smooth[~on]) <= alpha * l1_ratio + slack)


def test_moderately_wide_dense_l1_auto_takes_the_column_solver():
    # 300 × 1 200: newton-cd's Hessian was auto's choice; by columns it is
    # the paths' coordinate descent, same optimum
    X, y = _wide(300, 1200, seed=1)
    model = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    assert model.solver_ == "newton-cd-columns"
    ref = LogisticRegression(penalty="l1", C=1.0, solver="newton-cd", tol=1e-10)
    ref.fit(X, y)
    alpha = 1.0 / X.shape[0]
    assert _objective(model, X, y, alpha, 1.0) == pytest.approx(
        _objective(ref, X, y, alpha, 1.0), rel=1e-6, abs=1e-8
    )


def test_tall_dense_l1_auto_keeps_newton_cd():
    # 20 000 × 50: the Hessian costs little more than a pass
    X, y = _wide(20000, 50, seed=2)
    model = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    assert model.solver_ == "newton-cd"


def test_slow_l1_fit_remedy_names_an_l1_solver():
    X, y = _wide(60, 8, seed=3)
    with pytest.warns(ConvergenceWarning) as record:
        LogisticRegression(penalty="l1", C=1.0, solver="fista", max_iter=2,
                           tol=1e-12).fit(X, y)  # fmt: skip
    text = " ".join(str(w.message) for w in record)
    assert "solver='newton'" not in text
    assert "newton-cd" in text


def test_remedy_text_for_l1_and_smooth_fits():
    X, y = _wide(60, 8, seed=4)
    from logistic._objective import LogisticObjective
    from logistic.backends.in_memory import InMemory

    objective = LogisticObjective(InMemory(X, y.astype(float)), fit_intercept=True)
    coef = np.zeros(9)
    l1_text = likely_cause(objective, coef, solver="fista", status="max_iter",
                           grad_max_norm=1.0, l1=0.1, stochastic=False)  # fmt: skip
    assert "solver='newton'" not in l1_text
    assert "solver='newton-cd-columns'" in l1_text
    smooth = likely_cause(objective, coef, solver="lbfgs", status="max_iter",
                          grad_max_norm=1.0, l1=0.0, stochastic=False)  # fmt: skip
    assert "solver='newton'" in smooth
