"""Cluster-robust covariances from few clusters warn and say so in the summary.

The clusters' score sums add up to the gradient, zero at the MLE, so the
cluster covariance from G clusters has rank at most G - 1: with G <= k
(k parameters) it is singular. Such a covariance warns
(``NumericalStabilityWarning``) and the summary carries the note; the values
do not change. References: statsmodels ``Logit`` / ``MNLogit``
``cov_type="cluster"`` (Newton to 1e-12) on the same rows and clusters; its
default factor is ``G/(G-1) (n-1)/(n-k)``, this library's (Stata's) ``G/(G-1)``,
so the covariance is statsmodels' times ``(n-k)/(n-1)``; the rank is
numpy's ``matrix_rank`` of that covariance.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, NumericalStabilityWarning, datasets

sm = pytest.importorskip("statsmodels.api", reason="references come from statsmodels")
pd = pytest.importorskip("pandas")

FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


@pytest.fixture(scope="module")
def ucla():
    X, y, names = datasets.load_ucla_admissions()
    X = pd.DataFrame(X, columns=names)  # gre, gpa, rank2, rank3, rank4: k = 6
    return X, y, LogisticRegression(tol=1e-10).fit(X, y)


def _groups(n, G):
    return np.arange(n) % G


@pytest.mark.parametrize("G", [4, 6])
def test_binary_few_clusters_warn_and_keep_statsmodels_values(ucla, G):
    X, y, model = ucla
    groups = _groups(len(y), G)
    with pytest.warns(NumericalStabilityWarning, match=rf"{G} clusters for 6 param"):
        res = model.inference(X, y, cov_type="cluster", groups=groups)
    ref = sm.Logit(y, sm.add_constant(X)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, **FIT
    )
    n, k = len(y), 6
    expected = np.asarray(ref.cov_params()) * (n - k) / (n - 1)
    np.testing.assert_allclose(res.cov_params(), expected, rtol=1e-6, atol=1e-14)
    cov = np.asarray(res.cov_params())
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    assert np.linalg.matrix_rank(corr, tol=1e-8) == G - 1  # singular: rank G - 1
    text = res.summary().as_text()
    assert f"from {G} clusters for 6 parameters" in text
    assert f"rank at most {G - 1}" in text


def test_binary_more_clusters_than_parameters_do_not_warn(ucla):
    X, y, model = ucla
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalStabilityWarning)
        res = model.inference(X, y, cov_type="cluster", groups=_groups(len(y), 7))
        text = res.summary().as_text()
    assert "clusters for" not in text


def test_multinomial_few_clusters_warn_and_keep_statsmodels_values():
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)[:, :2]  # logpopul, selfLR
    y = np.asarray(data.endog, dtype=float)  # 7 classes: k = 6 * 3 = 18
    groups = _groups(len(y), 12)
    model = LogisticRegression(tol=1e-10).fit(X, y)
    with pytest.warns(NumericalStabilityWarning, match="12 clusters for 18 param"):
        res = model.inference(X, y, cov_type="cluster", groups=groups)
    ref = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, **FIT
    )
    n, k = len(y), 18
    bse = np.asarray(ref.bse).T  # statsmodels: (q, K-1), intercept last here too
    np.testing.assert_allclose(res.bse, bse * np.sqrt((n - k) / (n - 1)), rtol=1e-5)
    assert "from 12 clusters for 18 parameters" in res.summary().as_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalStabilityWarning)
        model.inference(X, y, cov_type="cluster", groups=_groups(len(y), 19))
