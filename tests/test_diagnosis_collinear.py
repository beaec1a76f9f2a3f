"""The ConvergenceWarning's diagnosis of large coefficients that cancel.

Two columns equal to 1e-7 of their spread (``x2 = x1 + 1e-7 e``), no
separation: the full model's optimum exists (statsmodels' ``Logit`` on the
reparametrized design ``[x1, (x2 - x1)/1e-7, x3]`` finds it, coefficients of
~±2.7e6 on x1 and x2), and Newton, crawling towards it (its line search's
first trial capped by a bound blind to the cancellation, fixed in
``tests/test_newton_cancelling_steps.py``), reached ``max_iter`` with
standardized coefficients of ~1.8e6. The warning said "Likely cause:
separation ... the maximum-likelihood estimate does not exist", though the
logits spread by less than 1 and the fit's own separation check found none.
It now names nearly collinear columns (here a fit stopped by ``max_iter=3``
on its way there); separated data (logits that grow with the coefficients)
keep the separation diagnosis.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import ConvergenceWarning, LogisticRegression
from logistic._objective import LogisticObjective
from logistic.backends.in_memory import InMemory
from logistic.solvers._diagnosis import likely_cause


def _near_collinear(n: int = 300, eps: float = 1e-7, seed: int = 11):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = x1 + eps * rng.normal(size=n)
    x3 = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.3 + x1 - 0.5 * x3)))).astype(float)
    return np.column_stack([x1, x2, x3]), y


def _warning_text(X, y, **params):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        model = LogisticRegression(**params).fit(X, y)
    texts = [str(w.message) for w in rec if w.category is ConvergenceWarning]
    return model, " ".join(texts)


def test_cancelling_coefficients_are_named_collinear_not_separation():
    X, y = _near_collinear()
    model, text = _warning_text(X, y, solver="newton", max_iter=3)
    assert not model.converged_ and model.separation_ is None
    assert "Likely cause: nearly collinear columns" in text
    assert "Likely cause: separation" not in text and "does not exist" not in text
    assert "drop one of the nearly collinear columns" in text


def test_separated_data_keep_the_separation_diagnosis():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3))
    X[:, 2] = X[:, 0] + 0.5 * rng.normal(size=200)  # correlated, not collinear
    y = (X[:, 0] > 0).astype(float)
    _, text = _warning_text(X, y, solver="gd", max_iter=60)
    assert "Likely cause: separation" in text


@pytest.mark.parametrize("weighted", [False, True])
def test_spread_is_of_the_logits_about_their_mean(weighted):
    # the same cancelling coefficients, on data moved far from 0 (mean 1e7,
    # below the "scale" cause's 1e8 for L-BFGS): the spread is taken about
    # the columns' mean logit, so the diagnosis does not depend on where
    # the columns sit
    X, y = _near_collinear()
    sw = np.random.default_rng(1).uniform(0.5, 2.0, size=y.size) if weighted else None
    coef = np.array([2.0e6, -2.0e6, -0.6, 0.3])
    for shift in (0.0, 1e7):
        obj = LogisticObjective(InMemory(X + shift, y, sample_weight=sw))
        text = likely_cause(
            obj, coef, solver="lbfgs", status="reached max_iter=40",
            grad_max_norm=0.04, l1=0.0, stochastic=False,
        )  # fmt: skip
        assert text.startswith("Likely cause: nearly collinear columns"), text
