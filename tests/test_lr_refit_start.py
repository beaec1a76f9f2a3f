"""Likelihood-ratio tests of a column far from 0 (inference/_profile.held_start).

``pvalues_lr()``, ``lr_test_terms()`` and the nested ``lr_test`` of Firth fits
refit the model with some coefficients held at 0. Started from ``β̂`` with those
coefficients set to 0, a column with a mean far from 0 (``c + 10``: a year, a
temperature in kelvin) moved every logit by ``-10 β̂_c``: the fitted
probabilities sat at 0 or 1, scoring stalled there, and the statistics were
those of the stalled start (LR chi2 8534 where it is 39.08, p-value 0) or an
error claiming the data were separated.

The law: adding a constant to a column only moves the intercept, so the
likelihood-ratio statistic of every slope is unchanged. The maximum-likelihood
reference is statsmodels' ``Logit`` fitted twice (with and without the column):
``2 (llf_full - llf_reduced)``. Firth's penalized likelihood is invariant under
an affine change of a column too (the penalty ``½ log det I`` moves by a
constant), so its statistics must not move either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from logistic import LogisticRegression


def _data():
    rng = np.random.default_rng(3)
    n = 120
    X = pd.DataFrame(
        {
            "a": rng.standard_normal(n),
            "b": rng.integers(0, 2, n).astype(float),
            "c": rng.standard_normal(n) / 50 + 0.01,
        }
    )
    z = X.to_numpy() @ np.array([0.7, -0.9, 40.0]) - 0.4
    y = (rng.random(n) < expit(z)).astype(float)
    return X, y


def _statsmodels_lr(X, y, column):
    sm = pytest.importorskip("statsmodels.api")
    full = sm.Logit(y, sm.add_constant(X)).fit(disp=0).llf
    reduced = sm.Logit(y, sm.add_constant(X.drop(columns=column))).fit(disp=0).llf
    return 2.0 * (full - reduced)


@pytest.mark.parametrize("shift", [1.0, 10.0])
def test_lr_statistics_of_a_shifted_column_are_statsmodels(shift):
    X, y = _data()
    Xs = X.assign(c=X["c"] + shift)
    res = LogisticRegression().fit(Xs, y).inference(Xs, y)
    terms = res.lr_test_terms()
    for column in ("a", "b", "c"):
        expected = _statsmodels_lr(Xs, y, column)
        assert terms[column].statistic == pytest.approx(expected, rel=1e-8)
    from scipy.stats import chi2

    assert res.pvalues_lr()["c"] == pytest.approx(
        chi2.sf(_statsmodels_lr(Xs, y, "c"), 1), rel=1e-6
    )


def test_firth_penalized_lr_statistics_do_not_move_with_a_shift():
    X, y = _data()
    Xs = X.assign(c=X["c"] + 10.0)
    res = LogisticRegression(penalty="firth").fit(X, y).inference(X, y)
    shifted = LogisticRegression(penalty="firth").fit(Xs, y).inference(Xs, y)
    np.testing.assert_allclose(
        shifted.pvalues_lr()[["a", "b", "c"]],
        res.pvalues_lr()[["a", "b", "c"]],
        rtol=1e-6,
    )
    small = LogisticRegression(penalty="firth").fit(Xs[["a", "b"]], y)
    nested = shifted.lr_test(small.inference(Xs[["a", "b"]], y))
    reference = res.lr_test(
        LogisticRegression(penalty="firth")
        .fit(X[["a", "b"]], y)
        .inference(X[["a", "b"]], y)
    )
    assert nested.statistic == pytest.approx(reference.statistic, rel=1e-8)
