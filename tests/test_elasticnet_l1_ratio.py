"""``penalty="elasticnet"`` needs an explicit ``l1_ratio`` (as the CLI's
``--penalty elasticnet`` needs ``--l1-ratio``): a default would silently fit
pure L2 (0.0) or pure L1 (1.0). ``l1_ratio`` is not set by default (NaN, a
number scikit-learn's tooling can read; None says the same), which the other
penalties accept.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic import InvalidParameterError, LogisticRegression


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 3))
    y = (X @ [1.0, -0.5, 0.0] + rng.standard_normal(120) > 0).astype(int)
    return X, y


def test_elasticnet_without_l1_ratio_is_refused():
    X, y = _data()
    assert np.isnan(LogisticRegression().get_params()["l1_ratio"])
    with pytest.raises(InvalidParameterError) as exc:
        LogisticRegression(penalty="elasticnet", C=1.0).fit(X, y)
    text = str(exc.value)
    # the unset marker (NaN, a number for scikit-learn's clone) is not shown
    assert "l1_ratio is not set" in text and "nan" not in text and "[0, 1]" in text


def test_elasticnet_with_l1_ratio_and_other_penalties_without_it_fit():
    X, y = _data()
    for penalty in ("l2", "l1", None):
        LogisticRegression(penalty=penalty).fit(X, y)
    # l1_ratio = 0 / 1 are the L2 / L1 fits exactly
    for ratio, penalty in ((0.0, "l2"), (1.0, "l1")):
        a = LogisticRegression(penalty="elasticnet", l1_ratio=ratio).fit(X, y)
        b = LogisticRegression(penalty=penalty).fit(X, y)
        np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-6)


def test_elasticnet_matches_scikit_learn():
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, y = _data()
    ours = LogisticRegression(penalty="elasticnet", l1_ratio=0.5, C=0.1).fit(X, y)
    ref = sklearn_lm.LogisticRegression(
        l1_ratio=0.5, C=0.1, solver="saga", tol=1e-12, max_iter=100_000
    ).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
