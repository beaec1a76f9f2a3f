"""Wald tests when the covariance of the constraints is rank deficient.

A cluster covariance from G clusters has rank at most G - 1 (the cluster
score sums add up to the zero gradient). With 2 clusters, testing 3
coefficients jointly has rank 1: statsmodels warns "covariance of constraints
does not have full rank" and uses a pseudo-inverse with df = rank. The
references are computed here by statsmodels (``Logit`` / ``MNLogit``, Newton
to 1e-12) on the same data and clusters; statsmodels' cluster factor is
``G/(G-1) (n-1)/(n-k)``, this library's Stata's ``G/(G-1)``, so its statistic
is statsmodels' times ``(n-1)/(n-k)`` (the statistic of a covariance scaled
by c is divided by c).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression, NumericalStabilityWarning, datasets
from logistic._exceptions import InvalidParameterError

sm = pytest.importorskip("statsmodels.api", reason="references come from statsmodels")
pd = pytest.importorskip("pandas")

FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


def _sm_wald(result, R):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ref = result.wald_test(R, use_f=False, scalar=True)
    assert any("does not have full rank" in str(w.message) for w in caught)
    return float(ref.statistic), int(ref.df_denom)


@pytest.fixture(scope="module")
def ucla():
    X, y, names = datasets.load_ucla_admissions()
    X = pd.DataFrame(X, columns=names)
    groups = (X["gpa"] > 3.4).to_numpy().astype(int)  # 2 clusters
    return X, y, groups


def test_binary_two_clusters_matches_statsmodels_pinv_and_rank(ucla):
    X, y, groups = ucla
    res = (
        LogisticRegression()
        .fit(X, y)
        .inference(X, y, cov_type="cluster", groups=groups)
    )
    with pytest.warns(NumericalStabilityWarning, match="rank is 1"):
        ours = res.wald_test("rank2 = 0, rank3 = 0, rank4 = 0")
    ref = sm.Logit(y, sm.add_constant(X)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, **FIT
    )
    R = np.zeros((3, 6))
    R[[0, 1, 2], [3, 4, 5]] = 1.0  # const, gre, gpa, rank2, rank3, rank4
    stat, df = _sm_wald(ref, R)
    n, k = len(y), 6
    assert ours.df == df == 1
    assert ours.statistic == pytest.approx(stat * (n - 1) / (n - k), rel=1e-6)
    assert 0.0 < ours.pvalue < 1.0


def test_full_rank_tests_do_not_warn(ucla):
    X, y, groups = ucla
    res = LogisticRegression().fit(X, y).inference(X, y, cov_type="HC0")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = res.wald_test("rank2 = 0, rank3 = 0, rank4 = 0")
    assert out.df == 3


def test_multinomial_two_clusters_terms_match_statsmodels_covariance():
    """statsmodels' own ``MNLogit.wald_test`` counts rank 3 here (its cutoff,
    ``numpy.linalg.matrix_rank``'s ~1e-15 relative, keeps roundoff eigenvalues
    of 1e-14) and returns ~7e15; the reference is therefore the pseudo-inverse
    at cutoff 1e-10 of statsmodels' covariance of the constraints."""
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)
    y = np.asarray(data.endog, dtype=float)
    groups = (np.asarray(data.data["popul"]) > 20).astype(int)  # 2 clusters
    res = (
        LogisticRegression()
        .fit(X, y)
        .inference(X, y, cov_type="cluster", groups=groups)
    )
    ref = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, **FIT
    )
    assert res.param_names[5] == "1.0:Intercept"  # statsmodels' order: const last
    m, q = np.asarray(res.params).shape
    n, k = len(y), m * q
    with pytest.warns(NumericalStabilityWarning, match="rank is 1"):
        terms = res.wald_test_terms()
    params, cov = np.asarray(ref.params).T.ravel(), np.asarray(ref.cov_params())
    eye = np.eye(k)
    for j, term in enumerate(res.term_names):
        R = eye[j::q]
        diff, V = R @ params, R @ cov @ R.T
        assert np.linalg.matrix_rank(V, rtol=1e-10) == 1
        stat = diff @ np.linalg.pinv(V, rcond=1e-10, hermitian=True) @ diff
        assert terms[term].df == 1
        assert terms[term].statistic == pytest.approx(
            stat * (n - 1) / (n - k), rel=1e-6
        )


def test_unknown_term_names_it_and_the_closest(ucla):
    X, y, _ = ucla
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError) as err:
        res.wald_test("gree = 0")
    text = str(err.value)
    assert "unknown term 'gree'" in text
    assert "(did you mean 'gre'?)" in text
    assert "rank4" in text  # the known terms are listed


def test_unknown_term_that_starts_with_a_known_one():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 2))
    y = (X[:, 0] + rng.standard_normal(80) > 0).astype(float)
    res = LogisticRegression().fit(X, y).inference()  # terms x1, x2
    with pytest.raises(InvalidParameterError, match="unknown term 'x10'"):
        res.wald_test("x10 = 0")
    assert res.wald_test("2*x1 - x2 = 0").df == 1


def test_unknown_term_of_a_wide_model_names_a_few_and_counts_the_rest():
    """A model of 300 terms: the message names a few and counts the rest
    (docs/cli.md, Errors), so the remedy after the list survives the 2,000
    characters a message may hold; it used to print all 300 names, and the
    command line cut the line before the hint about backticks."""
    rng = np.random.default_rng(1)
    names = [f"feature_number_{j}" for j in range(300)]
    X = pd.DataFrame(rng.standard_normal((1000, 300)), columns=names)
    y = (rng.random(1000) < 0.5).astype(float)
    res = LogisticRegression().fit(X, y).inference()
    with pytest.raises(InvalidParameterError) as err:
        res.wald_test("nope = 0")
    text = str(err.value)
    assert len(text) < 1000, len(text)
    assert "301 terms: 'Intercept', 'feature_number_0'" in text
    assert "… and 291 more" in text
    assert "quote a name with backticks" in text
    assert "feature_number_299" not in text
    with pytest.raises(KeyError, match=r"301 terms: .* and 291 more"):
        res.wald_test_terms()["nope"]
