"""Inference on a completely separated maximum-likelihood fit whose fitted
probabilities are all 0 or 1 in floating point (its Fisher information
singular where the fit stopped): the per-coefficient likelihood-ratio p-values
(``pvalues_lr()``), and the warning of robust inference.

The statistic of a coefficient is ``2 [sup ℓ - sup_{β_j = 0} ℓ]``, with
``sup ℓ = 0`` under complete separation (R's ``drop1(glm(...), test =
"Chisq")`` approaches it). On the data below (``x1 > 0`` exactly on the events
but for three rows at ``x1 = 0`` with y = 0, 1, 0, which ``x2`` separates) the
constrained suprema come from statsmodels on the rows that stay undetermined:

* without ``x1``: ``y ~ x2`` is not separated, statsmodels ``Logit(y, [1, x2])``;
* without ``x2``: ``x1`` separates all but the three ``x1 = 0`` rows, which an
  intercept alone fits at 1/3: ``log(1/3) + 2 log(2/3)``;
* without the intercept: ``x1`` separates all but those rows, fitted by
  ``x2`` alone: statsmodels ``Logit`` of the three rows on ``x2`` (no constant).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import chi2

from logistic import LogisticRegression, PerfectSeparationWarning


def _completely_separated():
    rng = np.random.default_rng(0)
    n = 60
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-x2))).astype(int)
    x1 = np.where(y == 1, np.abs(x1), -np.abs(x1))
    x1[:3], y[:3] = 0.0, [0, 1, 0]
    return np.column_stack([x1, x2]), y


def test_pvalues_lr_of_a_completely_separated_fit():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _completely_separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        res = LogisticRegression().fit(X, y).inference(X, y)
        p = np.asarray(res.pvalues_lr())  # display order: Intercept, x1, x2
    assert res.separation == "complete"
    sup = {
        "Intercept": sm.Logit(y[:3], X[:3, 1]).fit(disp=0).llf,
        "x1": sm.Logit(y, sm.add_constant(X[:, 1])).fit(disp=0).llf,
        "x2": np.log(1 / 3) + 2 * np.log(2 / 3),
    }
    expected = [chi2.sf(-2 * sup[name], 1) for name in ("Intercept", "x1", "x2")]
    np.testing.assert_allclose(p, expected, rtol=1e-4)


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "cluster"])
def test_robust_inference_on_separated_data_does_not_call_its_errors_huge(cov_type):
    """Under separation a sandwich's standard errors are small, not huge: at
    its own diverged fit statsmodels' ``Logit(cov_type="HC0")`` gives every
    coefficient |z| > 10 on these data. The warning says so for robust and
    cluster covariances (the huge standard errors are the model-based ones)."""
    sm = pytest.importorskip("statsmodels.api")
    X, y = _completely_separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = sm.Logit(y, sm.add_constant(X)).fit(
            disp=0, cov_type="HC0", maxiter=100, warn_convergence=False
        )
        model = LogisticRegression().fit(X, y)
    assert np.all(np.abs(ref.tvalues) > 10)
    groups = np.arange(len(y)) // 5 if cov_type == "cluster" else None
    with pytest.warns(PerfectSeparationWarning, match="separated") as record:
        res = model.inference(X, y, cov_type=cov_type, groups=groups)
    text = " ".join(str(w.message) for w in record)
    assert "huge" not in text
    assert f"{cov_type} standard errors come out small" in text
    assert np.all(np.abs(np.asarray(res.zvalues)) > 10)
    with pytest.warns(PerfectSeparationWarning, match="are huge"):
        model.inference(X, y)
