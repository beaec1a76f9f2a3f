"""``LogisticRegressionCV(Cs=[..., np.inf])``: a grid holding ``C = inf``, no
penalty (``LogisticRegression(penalty="l2", C=np.inf)``, ``alphas=[..., 0]``),
which scikit-learn's ``LogisticRegressionCV`` takes. It was refused as not "a
sequence of positive numbers". Reference: scikit-learn's on the same folds
(newton-cholesky, tol 1e-12, negative log loss); an integer beyond float64
(``10**400``) is still refused, not read as inf.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

import logistic  # noqa: E402
from logistic import InvalidParameterError, LogisticRegressionCV  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, y, _ = logistic.datasets.load_ucla_admissions()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.mark.parametrize("Cs", [[0.01, 1.0, np.inf], [np.inf, 0.01, 1.0]])
@pytest.mark.parametrize("refit", [True, False])
def test_a_grid_with_infinite_c_agrees_with_scikit_learn(data, Cs, refit):
    X, y = data
    ours = LogisticRegressionCV(Cs=Cs, cv=StratifiedKFold(3), refit=refit).fit(X, y)
    theirs = SkCV(
        Cs=Cs, cv=StratifiedKFold(3), l1_ratios=(0.0,), use_legacy_attributes=False,
        scoring="neg_log_loss", solver="newton-cholesky", tol=1e-12, refit=refit,
    ).fit(X, y)  # fmt: skip
    assert np.array_equal(ours.Cs_, theirs.Cs_)
    assert float(ours.C_[0]) == theirs.C_
    assert np.allclose(ours.scores_[1], theirs.scores_.reshape(3, -1), rtol=0, atol=1e-8)
    assert np.allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-7)
    assert np.allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-7)


@pytest.mark.parametrize("Cs", [[np.nan], [-np.inf], [0.1, 10**400]])
def test_other_non_finite_cs_are_still_refused(data, Cs):
    X, y = data
    with pytest.raises(InvalidParameterError, match="'Cs' parameter"):
        LogisticRegressionCV(Cs=Cs, cv=3).fit(X, y)


# A C so small that alpha = 1/(C·Σs) overflows reached the folds' paths as an
# infinite alpha, refused in path's words ("The 'alphas' parameter of path must
# be ... Got array([inf, 0.003125])"), naming a parameter the caller never
# gave; LogisticRegression(C=1e-320) says its own C is too small.
@pytest.mark.parametrize("Cs", [[1e-320, 1.0], [5e-324]])
def test_a_c_whose_alpha_overflows_is_refused_naming_cs(Cs):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    with pytest.raises(InvalidParameterError) as got:
        LogisticRegressionCV(Cs=Cs, cv=3).fit(X, y)
    msg = str(got.value)
    assert msg.startswith(
        f"The 'Cs' parameter of LogisticRegressionCV holds C={Cs[0]!r}, too small"
    )
    assert "overflows" in msg and "'alphas' parameter" not in msg


def test_an_alpha_whose_c_overflows_gives_c_inf_without_a_numpy_warning():
    """alphas=[0.1, 1e-320]: C = 1/(alpha·Σs) is beyond float64's range,
    inf as at alpha 0; numpy's "overflow encountered in divide"
    RuntimeWarning leaked from LogisticRegressionCV.fit and PathResult.Cs."""
    import warnings

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", logistic.GridEdgeWarning)
        cv = LogisticRegressionCV(alphas=[0.1, 1e-320], cv=3).fit(X, y)
        Cs = logistic.path(X, y, alphas=[0.1, 1e-320]).Cs
    assert np.isinf(cv.Cs_[-1]) and np.isinf(Cs[-1])
    assert cv.Cs_[0] == pytest.approx(1 / (0.1 * 60)) == Cs[0]
