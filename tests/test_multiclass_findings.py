"""Library findings of a new user's multi-class (issue 16) session, tester16.

* F2: every function a multinomial fit, its inference and its marginal effects
  ship to ``backend.map_reduce`` is picklable by the standard library (a
  distributed Dask cluster pickles them to its worker processes); the same
  fit on a real process cluster equals the in-memory one.
* F1: a constant column (or an exactly collinear one) gives no standard
  errors, as for two classes, and the error names it; statsmodels ``MNLogit``
  refuses the same design (``LinAlgError: Singular matrix``, checked here).
* F11: ``summary()`` of a penalized K-class fit names the penalty; a fit that
  kept no statistics says why and what to pass.
* F9: ``prsquared`` and ``tvalues``, statsmodels' names, equal statsmodels
  ``MNLogit``'s on its bundled ``anes96`` data.
* ``wald_test_terms()[unknown]`` names the term and the known ones.
* F4: a configuration without ``partial_fit`` names the parameters that
  disable it (two classes and K alike).
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

from conftest import data_path, local_dask_client
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic.backends.chunked import Chunked
from logistic.inference._covariance import CollinearityError

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
FEATURES = ["age", "lwt", "smoke", "ptl", "ht", "ui", "ftv"]


def _lbw():
    """Hosmer-Lemeshow birth weights: features, race (3 classes) and low."""
    pd = pytest.importorskip("pandas")
    d = pd.read_csv(LBW)
    return d[FEATURES].astype(float), d["race"].to_numpy(), d["low"].to_numpy()


def _softmax_data(n=600, p=3, K=3, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    Z = X @ rng.normal(size=(K, p)).T
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    return X, np.array([rng.choice(K, p=row) for row in P])


def _blocks(X, y, rows):
    def blocks():
        for a in range(0, len(y), rows):
            yield X[a : a + rows], y[a : a + rows]

    return blocks


# -- F2: picklable passes ----------------------------------------------------------------
def test_every_multinomial_pass_ships_a_picklable_function(monkeypatch):
    """A streamed backend that pickles each function it is given, as a
    distributed cluster does: fit (Newton's one-pass value, gradient and
    Hessian; L-BFGS), the statistics kept by fit, inference given the data
    again (nonrobust, HC0, HC1) and marginal effects over the rows."""
    shipped = []
    original = Chunked.map_reduce

    def pickling(self, fn):
        shipped.append(type(fn).__name__)
        pickle.loads(pickle.dumps(fn))  # raises on a closure or a lambda
        return original(self, fn)

    monkeypatch.setattr(Chunked, "map_reduce", pickling)
    X, y = _softmax_data()
    reference = LogisticRegression(solver="newton").fit(X, y)
    for solver in ("newton", "lbfgs"):
        model = LogisticRegression(solver=solver).fit(_blocks(X, y, 200), None)
        np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-7)
    for cov_type in ("nonrobust", "HC0", "HC1"):
        res = model.inference(_blocks(X, y, 200), None, cov_type=cov_type)
        ref = reference.inference(X, y, cov_type=cov_type)
        np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-6)
    effects = res.get_margeff(at="overall")
    np.testing.assert_allclose(
        effects.margeff, ref.get_margeff(at="overall").margeff, atol=1e-8
    )
    assert len(shipped) > 10


@pytest.mark.dask
def test_fit_inference_and_effects_on_a_process_cluster_equal_in_memory():
    da = pytest.importorskip("dask.array")
    X, y = _softmax_data()
    Xd, yd = da.from_array(X, chunks=(200, 3)), da.from_array(y, chunks=200)
    ref = LogisticRegression(solver="newton").fit(X, y)
    with local_dask_client():
        lbfgs = LogisticRegression(solver="lbfgs").fit(Xd, yd)
        np.testing.assert_allclose(lbfgs.coef_, ref.coef_, rtol=0, atol=1e-6)
        model = LogisticRegression(solver="newton").fit(Xd, yd)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=0, atol=1e-8)
        np.testing.assert_allclose(
            model.predict_proba(Xd).compute(), ref.predict_proba(X), atol=1e-8
        )
        np.testing.assert_allclose(
            model.inference().bse, ref.inference().bse, rtol=1e-8
        )
        res = model.inference(Xd, yd, cov_type="HC0")
        np.testing.assert_allclose(
            res.bse, ref.inference(X, y, cov_type="HC0").bse, rtol=1e-8
        )
        np.testing.assert_allclose(
            res.get_margeff(at="overall").margeff,
            ref.inference(X, y).get_margeff(at="overall").margeff,
            atol=1e-10,
        )


# -- F1: singular information ------------------------------------------------------------
def test_constant_column_gives_no_standard_errors_and_is_named():
    sm = pytest.importorskip("statsmodels.api")
    X, race, low = _lbw()
    Xk = X.assign(k=1.0)
    # statsmodels has no standard error for 'k' either: before 0.15 its Newton
    # steps refuse the singular Hessian; from 0.15 they step by a
    # pseudo-inverse and report a NaN or absurd (> 1e3) standard error for it
    exog = sm.add_constant(Xk, prepend=False, has_constant="add")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = sm.MNLogit(race, exog).fit(method="newton", disp=0)
            k_se = np.asarray(reference.bse.loc["k"], dtype=float)
    except np.linalg.LinAlgError as exc:
        assert "Singular" in str(exc)
    else:
        assert not np.all(np.isfinite(k_se) & (k_se < 1e3)), k_se
    with pytest.warns(Warning):  # the fit's own warning: damped singular Hessian
        model = LogisticRegression().fit(Xk, race)
    for call in (model.inference, model.summary, lambda: model.inference(Xk, race)):
        with pytest.raises(CollinearityError, match="constant column 'k'") as err:
            call()
        assert err.value.columns == ["k"]
    with pytest.warns(Warning):
        binary = LogisticRegression().fit(Xk, low)
    # two classes: the constant is aliased with the intercept and reported NA,
    # as R's glm does (tests/test_aliased.py compares the rest with statsmodels)
    assert binary.inference().aliased == ["k"]


def test_exactly_collinear_column_is_named_once_per_column():
    X, race, _ = _lbw()
    Xc = X.assign(combo=X["age"] + 2.0 * X["smoke"])
    with pytest.warns(Warning):
        model = LogisticRegression().fit(Xc, race)
    with pytest.raises(CollinearityError, match="linearly dependent") as err:
        model.inference()
    assert sorted(err.value.columns) == ["age", "combo", "smoke"]


def test_full_rank_fit_is_unchanged_and_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, race, _ = _lbw()
    res = LogisticRegression().fit(X, race).inference()
    ref = sm.MNLogit(race, sm.add_constant(X, prepend=False)).fit(
        method="newton", disp=0, tol=1e-12, maxiter=100
    )
    np.testing.assert_allclose(res.bse, np.asarray(ref.bse).T, rtol=1e-6)
    assert res.df_model == ref.df_model == 14
    assert res.aic == pytest.approx(ref.aic, rel=1e-10)
    assert 0 < res.rcond <= 1


# -- F9: statsmodels' names ----------------------------------------------------------------
def test_prsquared_and_tvalues_are_statsmodels_names():
    sm = pytest.importorskip("statsmodels.api")
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)
    y = np.asarray(data.endog, dtype=float)
    res = LogisticRegression().fit(X, y).inference()
    ref = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(
        method="newton", disp=0, tol=1e-12, maxiter=100
    )
    assert res.prsquared == pytest.approx(ref.prsquared, rel=1e-8)
    np.testing.assert_allclose(res.tvalues, np.asarray(ref.tvalues).T, rtol=1e-6)
    np.testing.assert_array_equal(res.tvalues, res.zvalues)
    # the binary results already offer both
    binary = LogisticRegression().fit(X, (y > 2).astype(int)).inference()
    assert binary.prsquared == binary.pseudo_rsquared
    np.testing.assert_array_equal(binary.tvalues, binary.zvalues)


def test_unknown_term_of_wald_test_terms_is_named():
    X, y = _softmax_data()
    tests = LogisticRegression().fit(X, y).inference().wald_test_terms()
    assert tests["x1"].df == 2  # a known term: K - 1 = 2 degrees of freedom
    with pytest.raises(
        KeyError, match=r"no term 'nope'.*'x1', 'x2', 'x3', 'Intercept'"
    ):
        tests["nope"]


# -- F11: penalized or statistics-free summary -------------------------------------------
def test_penalized_summary_names_the_penalty_and_where_the_coefficients_are():
    X, y = _softmax_data()
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    for call in (model.summary, model.inference, lambda: model.summary(X, y)):
        with pytest.raises(InvalidParameterError) as err:
            call()
        text = str(err.value)
        assert "penalty='l2' (C=1.0)" in text and "summary()" in text
        assert "coef_" in text and "penalty=None" in text
        assert "500" not in text and "pass X and y" not in text
        assert "firth" not in text  # not available for K classes


def test_fit_without_statistics_says_why_and_what_to_pass():
    X, y = _softmax_data()
    model = LogisticRegression().fit(X, y)
    model.fit_statistics_ = None  # as a model file without them
    with pytest.raises(InvalidParameterError) as err:
        model.summary()
    text = str(err.value)
    assert "carries none" in text and "model.summary(X, y)" in text
    assert "penalty" not in text
    assert model.summary(X, y) is not None


# -- F4: partial_fit's refusal ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"penalty": "l2"}, "penalty='l2' without alpha"),
        ({"penalty": "l2", "solver": "sgd"}, "penalty='l2' without alpha"),
        ({"penalty": "l1", "alpha": 0.1}, "penalty='l1'"),
        ({"penalty": "l2", "C": 1.0}, "C=1.0"),
        ({"solver": "newton"}, "solver='newton'"),
    ],
)
def test_missing_partial_fit_names_the_parameters(params, named):
    model = LogisticRegression(**params)
    assert not hasattr(model, "partial_fit")
    with pytest.raises(AttributeError) as err:
        _ = model.partial_fit
    text = str(err.value)
    assert named in text
    assert "takes penalty=None or penalty='l2' with alpha=" in text
    assert LogisticRegression(penalty="l2", alpha=0.1, solver="sgd").partial_fit
