"""``LogisticRegressionCV``'s refusals of its own parameters name them, the
value received and what is expected, before any fold is fitted.

Reproductions: ``LogisticRegressionCV(penalty="l1", solver="lbfgs").fit(X, y)``
said "The 'solver' parameter of path is 'lbfgs' ..." (the function the folds
call, whose parameters the user never gave). scikit-learn's own
``LogisticRegressionCV`` refuses the same pair ("Solver lbfgs supports only
'l2' or None penalties"), as it is refused here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402

import logistic.model_selection as model_selection  # noqa: E402
from logistic import LogisticRegressionCV  # noqa: E402
from logistic._exceptions import InvalidParameterError  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    return X, y


def _no_folds(monkeypatch):
    """Fail the test if a fold's path runs: the refusal comes first."""

    def path(*args, **kwargs):
        raise AssertionError("a fold was fitted before the refusal")

    monkeypatch.setattr(model_selection, "path", path)


@pytest.mark.parametrize(
    ("penalty", "extra"), [("l1", {}), ("elasticnet", {"l1_ratio": 0.5})]
)
def test_an_l1_penalty_with_a_solver_without_l1_names_the_estimator(
    data, monkeypatch, penalty, extra
):
    X, y = data
    with pytest.raises(ValueError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecations of penalty=
        SkCV(penalty=penalty, solver="lbfgs", l1_ratios=[0.5]).fit(X, y)
    _no_folds(monkeypatch)
    est = LogisticRegressionCV(penalty=penalty, solver="lbfgs", **extra)
    with pytest.raises(InvalidParameterError) as got:
        est.fit(X, y)
    msg = str(got.value)
    assert "of LogisticRegressionCV is 'lbfgs'" in msg
    assert f"penalty={penalty!r}" in msg
    assert "of path" not in msg
    assert "'fista'" in msg and "solver='auto'" in msg


def test_an_l2_part_alone_takes_any_solver(data):
    X, y = data  # elasticnet with l1_ratio=0 has no L1 term: lbfgs fits it
    est = LogisticRegressionCV(penalty="elasticnet", l1_ratio=0.0, solver="lbfgs")
    est.fit(X, y)
    assert np.all(np.isfinite(est.coef_))
