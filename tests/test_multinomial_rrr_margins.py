"""Relative-risk ratios and marginal effects of unpenalized multinomial fits.

References, all computed here from statsmodels ``MNLogit`` (Newton to 1e-12)
on its bundled ``anes96`` data (party identification, 7 classes, 944 rows;
``statsmodels.datasets.anes96``, shipped with statsmodels, read offline):

* relative-risk ratios: ``exp(params)`` and ``exp(conf_int())`` (Stata's
  ``mlogit, rrr``), standard errors ``exp(params) · bse`` (Stata's delta
  method);
* marginal effects: ``get_margeff(at=..., method=..., dummy=...)``
  (``margeff``, ``margeff_se``, ``margeff_cov``; its Jacobian is a complex-step
  derivative, accurate to ~1e-13). statsmodels 0.15's ``MNLogit`` fails on
  ``"dyex"``/``"eyex"`` (a broadcasting error in ``_derivative_exog``), so
  those references are built from its ``dydx`` per-row effects
  (``MNLogit._derivative_exog``) times ``x`` (divided by ``predict`` for
  ``ey``), averaged, with statsmodels' ``approx_fprime_cs`` Jacobian and
  ``cov_params()``.

Out-of-core blocks must give the in-memory numbers to 1e-10; frequency
weights the duplicated rows'.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import MNLOGIT_FIT as FIT
from conftest import anes96_xy
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic._multiclass import MultiClassNotSupportedError

sm = pytest.importorskip("statsmodels.api")

from test_multinomial_inference import _blocks  # noqa: E402  (row blocks of X, y, w)

TOL = {"rtol": 1e-6, "atol": 1e-9}


@pytest.fixture(scope="module")
def anes():
    return anes96_xy()


@pytest.fixture(scope="module")
def sm_model(anes):
    X, y = anes
    return sm.MNLogit(y, sm.add_constant(X, prepend=False))


@pytest.fixture(scope="module")
def sm_fit(sm_model):
    return sm_model.fit(**FIT)


@pytest.fixture(scope="module")
def model(anes):
    X, y = anes
    return LogisticRegression().fit(X, y)


@pytest.fixture(scope="module")
def res(anes, model):
    X, y = anes
    return model.inference(X, y)


# -- relative-risk ratios ----------------------------------------------------------
def _const_first(values):
    """statsmodels' (q, K-1) ``params`` of ``add_constant(prepend=False)``,
    equation by equation with the constant first (the tables' order)."""
    return np.roll(np.asarray(values), 1, axis=0).T.ravel()


def _const_first_ci(ci):
    """statsmodels' (K-1, q, 2) ``conf_int()``, the constant first, flat."""
    return np.roll(np.asarray(ci), 1, axis=1).reshape(-1, 2)


def test_relative_risk_ratios_equal_exp_of_statsmodels(res, sm_fit):
    table = res.odds_ratios()
    params = _const_first(sm_fit.params)  # equation by equation
    np.testing.assert_allclose(table.odds_ratio, np.exp(params), **TOL)
    np.testing.assert_allclose(
        table.conf_int, np.exp(_const_first_ci(sm_fit.conf_int())), **TOL
    )
    bse = _const_first(sm_fit.bse)
    np.testing.assert_allclose(table.bse, np.exp(params) * bse, **TOL)
    np.testing.assert_allclose(table.zvalues, _const_first(sm_fit.tvalues), **TOL)
    terms = ["Intercept", *res.term_names[:-1]]  # the summary's rows
    assert table.term_names == [f"{e}:{t}" for e in res.equations for t in terms]
    assert table.label == "RRR"
    frame = table.to_dataframe()
    assert list(frame.columns)[0] == "RRR"
    assert frame.index[1] == "1.0:x1"


def test_relative_risk_ratios_of_a_robust_covariance(anes, model, sm_model):
    X, y = anes
    ref = sm_model.fit(cov_type="HC0", **FIT)
    table = model.inference(X, y, cov_type="HC0").odds_ratios(alpha=0.1)
    ci = _const_first_ci(ref.conf_int(alpha=0.1))
    np.testing.assert_allclose(table.conf_int, np.exp(ci), **TOL)


def test_terms_keep_their_rows_in_every_equation(res):
    full = res.odds_ratios()
    some = res.odds_ratios(terms=["x1", "3.0:x4"])
    assert some.term_names == [
        "1.0:x1",
        "2.0:x1",
        "3.0:x1",
        "3.0:x4",
        "4.0:x1",
        "5.0:x1",
        "6.0:x1",
    ]
    rows = [full.term_names.index(n) for n in some.term_names]
    np.testing.assert_array_equal(some.odds_ratio, full.odds_ratio[rows])
    np.testing.assert_array_equal(some.conf_int, full.conf_int[rows])
    with pytest.raises(InvalidParameterError, match="'nope'"):
        res.odds_ratios(terms=["nope"])


def test_summary_prints_relative_risk_ratios(res, sm_fit):
    text = res.summary(odds_ratios=True).as_text()
    assert "RRR" in text and "Relative-risk ratios" in text
    first = res.summary(odds_ratios=True).blocks[0][1][2]  # equation 1, x2
    assert first[0] == "x2"  # the intercept is the first row
    assert first[1] == pytest.approx(np.exp(np.asarray(sm_fit.params)[1, 0]), rel=1e-6)
    plain = res.summary().blocks[0][1][2]
    assert plain[1] == pytest.approx(np.asarray(sm_fit.params)[1, 0], rel=1e-6)
    with pytest.raises(MultiClassNotSupportedError, match="profile"):
        res.summary(odds_ratios="profile")
    with pytest.raises(MultiClassNotSupportedError, match="profile"):
        res.odds_ratios(method="profile")
    with pytest.raises(InvalidParameterError, match="odds_ratios"):
        res.summary(odds_ratios="exact")


def test_cov_params_is_a_method_returning_a_copy(res, sm_fit):
    cov = res.cov_params()
    np.testing.assert_allclose(cov, sm_fit.cov_params(), rtol=1e-6, atol=1e-10)
    cov[0, 0] = 1e9
    assert res.cov_params()[0, 0] != 1e9


# -- marginal effects ----------------------------------------------------------------
def _close(me, ref):
    np.testing.assert_allclose(me.margeff, ref.margeff, **TOL)
    np.testing.assert_allclose(me.margeff_se, ref.margeff_se, **TOL)
    np.testing.assert_allclose(me.margeff_cov, ref.margeff_cov, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("at", ["overall", "mean", "zero"])
@pytest.mark.parametrize("method", ["dydx", "eydx"])
def test_margeff_equals_statsmodels(res, sm_fit, at, method):
    me = res.get_margeff(at=at, method=method)
    assert me.margeff.shape == (5, 7)
    _close(me, sm_fit.get_margeff(at=at, method=method))


def _ex_reference(sm_model, sm_fit, at, method):
    from statsmodels.tools.numdiff import approx_fprime_cs

    exog = sm_model.exog if at == "overall" else sm_model.exog.mean(0)[None, :]
    q, J = exog.shape[1], int(sm_model.J)

    def effects(params):
        e = sm_model._derivative_exog(params, exog, "dydx")
        e = e.reshape(len(exog), q, J, order="F")
        if method.startswith("ey"):
            e = e / sm_model.predict(params.reshape(q, J - 1, order="F"), exog)[:, None]
        return (e * exog[:, :, None]).mean(0)[:-1].ravel(order="F")

    params = np.asarray(sm_fit.params).ravel(order="F")
    jac = approx_fprime_cs(params, effects)
    se = np.sqrt(np.diag(jac @ sm_fit.cov_params() @ jac.T))
    return effects(params).reshape(J, q - 1).T, se.reshape(J, q - 1).T


@pytest.mark.parametrize("at", ["overall", "mean"])
@pytest.mark.parametrize("method", ["dyex", "eyex"])
def test_elasticities_equal_statsmodels_per_row_effects(
    res, sm_model, sm_fit, at, method
):
    margeff, se = _ex_reference(sm_model, sm_fit, at, method)
    me = res.get_margeff(at=at, method=method)
    np.testing.assert_allclose(me.margeff, margeff, **TOL)
    np.testing.assert_allclose(me.margeff_se, se, **TOL)


@pytest.mark.parametrize("at", ["overall", "mean"])
@pytest.mark.parametrize("method", ["dydx", "eydx"])
def test_dummy_columns_are_discrete_changes_as_in_statsmodels(anes, at, method):
    X, y = anes
    Xd = np.column_stack([X, (X[:, 2] > 45).astype(float)])  # age over 45: 0/1
    ref = sm.MNLogit(y, sm.add_constant(Xd, prepend=False)).fit(**FIT)
    fitted = LogisticRegression().fit(Xd, y)
    me = fitted.inference(Xd, y).get_margeff(at=at, method=method, dummy=True)
    np.testing.assert_array_equal(me.dummy_idx, [5])
    _close(me, ref.get_margeff(at=at, method=method, dummy=True))
    listed = fitted.inference(Xd, y).get_margeff(at=at, method=method, dummy=[5])
    np.testing.assert_allclose(listed.margeff, me.margeff, rtol=1e-14)
    assert "x6 (d)" in me.summary()


def test_robust_covariance_reaches_the_standard_errors(anes, model, sm_model):
    X, y = anes
    ref = sm_model.fit(cov_type="HC0", **FIT)
    _close(model.inference(X, y, cov_type="HC0").get_margeff(), ref.get_margeff())


def test_effects_on_all_classes_sum_to_zero(res):
    # Σ_j P_j = 1 for every x: the effects on the K probabilities cancel
    me = res.get_margeff()
    np.testing.assert_allclose(me.margeff.sum(axis=1), 0.0, atol=1e-15)
    ones = np.kron(np.ones(7), np.eye(5))  # sums the K effects of each feature
    var = np.diag(ones @ me.margeff_cov @ ones.T)
    np.testing.assert_allclose(var, 0.0, atol=1e-18)


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_blocks_and_weights_give_the_in_memory_effects(anes, at):
    X, y = anes
    w = np.linspace(0.5, 2.0, len(y))
    weighted = LogisticRegression().fit(X, y, sample_weight=w)
    streamed = LogisticRegression().fit(_blocks(X, y, 301, w), None)
    a = weighted.inference(X, y, w, cov_type="HC1").get_margeff(at=at)
    b = streamed.inference(_blocks(X, y, 301, w), None, cov_type="HC1").get_margeff(
        at=at
    )
    np.testing.assert_allclose(b.margeff, a.margeff, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(b.margeff_se, a.margeff_se, rtol=1e-8)


def test_integer_weights_equal_duplicated_rows(anes):
    X, y = anes
    w = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    dup = np.repeat(np.arange(len(y)), w.astype(int))
    a = LogisticRegression().fit(X, y, sample_weight=w).inference(X, y, w)
    b = LogisticRegression().fit(X[dup], y[dup]).inference(X[dup], y[dup])
    for at in ("overall", "mean"):
        ma, mb = (
            a.get_margeff(at=at, method="eyex"),
            b.get_margeff(at=at, method="eyex"),
        )
        np.testing.assert_allclose(ma.margeff, mb.margeff, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(ma.margeff_se, mb.margeff_se, rtol=1e-6)


def test_sparse_x_gives_the_dense_effects(anes, model, res):
    import scipy.sparse as sp

    X, y = anes
    sparse = model.inference(sp.csr_matrix(X), y)
    for method in ("dydx", "eyex"):
        a, b = res.get_margeff(method=method), sparse.get_margeff(method=method)
        np.testing.assert_allclose(b.margeff, a.margeff, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b.margeff_se, a.margeff_se, rtol=1e-10)


def test_at_mean_needs_no_data(model, res):
    kept = model.inference().get_margeff(at="mean", method="dyex")
    given = res.get_margeff(at="mean", method="dyex")
    np.testing.assert_allclose(kept.margeff, given.margeff, rtol=1e-12)
    np.testing.assert_allclose(kept.margeff_se, given.margeff_se, rtol=1e-10)


def test_summary_frame_and_intervals(res, sm_fit):
    pytest.importorskip("pandas")
    me = res.get_margeff()
    frame = me.summary_frame(alpha=0.1)
    assert list(frame.columns)[:2] == ["dy/dx", "Std. Err."]
    assert frame.index[0] == ("0.0", "x1") and len(frame) == 35
    ref = sm_fit.get_margeff().summary_frame(alpha=0.1)
    np.testing.assert_allclose(frame.to_numpy(), ref.to_numpy(), rtol=1e-6, atol=1e-9)
    ci = me.conf_int(0.1)
    assert ci.shape == (5, 7, 2)
    np.testing.assert_allclose(ci[:, :, 0], frame.iloc[:, 4].to_numpy().reshape(7, 5).T)


def test_requests_that_cannot_be_answered_are_refused(anes, model, res):
    with pytest.raises(InvalidParameterError, match="at='overall' averages"):
        model.inference().get_margeff()
    with pytest.raises(MultiClassNotSupportedError, match="median"):
        res.get_margeff(at="median")
    with pytest.raises(InvalidParameterError, match="'method' parameter"):
        res.get_margeff(method="dydy")
    with pytest.raises(InvalidParameterError, match="not a 0/1 column"):
        res.get_margeff(dummy=["x1"])
    with pytest.raises(InvalidParameterError, match="discrete changes"):
        X, y = anes
        Xd = np.column_stack([X, (X[:, 2] > 45).astype(float)])
        fitted = LogisticRegression().fit(Xd, y)
        fitted.inference(Xd, y).get_margeff(method="eyex", dummy=True)


def test_a_constant_offset_matrix_leaves_the_effects(anes, res):
    # a constant offset per class only moves the intercepts: the same fitted
    # probabilities, so the same effects (at the means: the mean offset row)
    X, y = anes
    offset = np.tile(np.linspace(-1.0, 2.0, 7), (y.size, 1))
    shifted = LogisticRegression().fit(X, y, offset=offset)
    for at in ("overall", "mean"):
        a = res.get_margeff(at=at, method="eydx")
        b = shifted.inference(X, y, None, offset).get_margeff(at=at, method="eydx")
        np.testing.assert_allclose(b.margeff, a.margeff, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(b.margeff_se, a.margeff_se, rtol=1e-6)
    kept = shifted.inference().get_margeff(at="mean")
    np.testing.assert_allclose(kept.margeff, res.get_margeff(at="mean").margeff, **TOL)


@pytest.mark.dask
def test_dask_gives_the_in_memory_effects(anes, res):
    da = pytest.importorskip("dask.array")
    X, y = anes
    Xd = da.from_array(X, chunks=(250, 5))
    yd = da.from_array(y, chunks=250)
    fitted = LogisticRegression().fit(Xd, yd)
    me = fitted.inference(Xd, yd).get_margeff(method="dyex")
    ref = res.get_margeff(method="dyex")
    np.testing.assert_allclose(me.margeff, ref.margeff, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(me.margeff_se, ref.margeff_se, rtol=1e-8)


def test_a_loaded_model_keeps_rrr_and_the_means(tmp_path, model, res):
    import logistic

    path = tmp_path / "anes.json"
    logistic.save(model, path)
    loaded = logistic.load(path).inference()
    rrr = res.odds_ratios()
    np.testing.assert_allclose(loaded.odds_ratios().odds_ratio, rrr.odds_ratio)
    me = loaded.get_margeff(at="mean")
    np.testing.assert_allclose(me.margeff, res.get_margeff(at="mean").margeff, **TOL)


def test_statistics_without_means_take_the_data(anes, model, res):
    import copy
    import dataclasses

    X, y = anes
    bare = copy.deepcopy(model)
    kept = bare.fit_statistics_
    bare.fit_statistics_ = dataclasses.replace(kept, mean=None, offset_mean=None)
    with pytest.raises(InvalidParameterError, match="column means"):
        bare.inference().get_margeff(at="mean")
    me = bare.inference(X, y).get_margeff(at="mean")
    np.testing.assert_allclose(me.margeff, res.get_margeff(at="mean").margeff, **TOL)


def test_summary_numbers_keep_four_significant_digits():
    """The K-class table printed with ``.4g``, which drops trailing zeros: an
    RRR bound of 1.000479 read ``1``, as if the interval touched 1. Four
    significant digits as the two-class table (``#.4g``): ``1.000``."""
    import pandas as pd

    from conftest import data_path

    data = pd.read_csv(data_path("ucla-admissions", "binary.csv"))
    model = LogisticRegression().fit(data[["gre", "gpa", "admit"]], data["rank"])
    text = model.summary(odds_ratios=True).as_text()
    rows = [line.split() for line in text.splitlines() if line.startswith("gre ")]
    table = model.inference().odds_ratios(terms=["gre"])
    assert len(rows) == 3 and all(n.endswith(":gre") for n in table.term_names)
    assert [r[-1] for r in rows] == [f"{v:#.4g}" for v in table.conf_int[:, 1]]
    assert "1.000" in [r[-1] for r in rows]  # 1.000479, written 1 before
