"""Predictive margins and effects over a grid of a multinomial fit (K classes).

References, computed here from statsmodels ``MNLogit`` (Newton to 1e-12) on
its bundled ``anes96`` data (party identification, 7 classes, 944 rows;
``statsmodels.datasets.anes96``, shipped with statsmodels, read offline):

* predictive margins: the average of ``MNLogit.predict(params, exog)`` over
  the rows with the column set (Stata's ``margins, at(...)`` after
  ``mlogit``), or ``predict`` at the mean row with the column set
  (``atmeans``); their standard errors the delta method with statsmodels'
  ``cov_params()`` and the complex-step Jacobian (``approx_fprime_cs``) of
  that same average in statsmodels' parameters;
* effects at a point: ``get_margeff(atexog={j: v})`` (with
  ``add_constant(prepend=False)`` its column indices are ours); their joint
  covariance across points: the numerical Jacobian (``approx_fprime``) of
  statsmodels' per-row effects (``MNLogit._derivative_exog``) averaged at
  each point.

A one-hot term set to its reference level is checked on MASS birthwt
(tests/data/lbw-hosmer-lemeshow; race, 3 classes), against ``MNLogit``
with the 0/1 column set to 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import MNLOGIT_FIT as FIT
from conftest import anes96_xy, data_path
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic._multiclass import MultiClassNotSupportedError

sm = pytest.importorskip("statsmodels.api")
from statsmodels.tools.numdiff import approx_fprime, approx_fprime_cs  # noqa: E402

from test_multinomial_inference import _blocks  # noqa: E402  (row blocks of X, y, w)

GRID = [2.0, 4.0, 6.0]  # selfLR (column 1), a 7-point scale


@pytest.fixture(scope="module")
def anes():
    return anes96_xy()


@pytest.fixture(scope="module")
def sm_fit(anes):
    X, y = anes
    return sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(**FIT)


@pytest.fixture(scope="module")
def res(anes):
    X, y = anes
    return LogisticRegression().fit(X, y).inference(X, y)


def _set(exog, column, value):
    out = exog.copy()
    out[:, column] = value
    return out


def _sm_margins(r, exog, column, value):
    """statsmodels' average predicted probabilities (K,) with the column set,
    and their delta-method standard errors."""
    shape = np.asarray(r.params).shape  # (q, K-1)

    def average(theta):
        return r.model.predict(
            theta.reshape(shape, order="F"), _set(exog, column, value)
        ).mean(0)  # noqa: E501

    theta = np.asarray(r.params).ravel(order="F")  # equation by equation
    J = approx_fprime_cs(theta, average)
    return average(theta), np.sqrt(np.diag(J @ np.asarray(r.cov_params()) @ J.T))


def test_average_predicted_probabilities_of_every_class(anes, sm_fit, res):
    X, _ = anes
    exog = sm.add_constant(X, prepend=False)
    pm = res.predictive_margins({1: GRID})
    assert pm.margeff.shape == (3, 7)
    assert pm.names == ["x2=2", "x2=4", "x2=6"]
    for g, v in enumerate(GRID):
        value, se = _sm_margins(sm_fit, exog, 1, v)
        np.testing.assert_allclose(pm.margeff[g], value, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(pm.margeff_se[g], se, rtol=1e-6)
    # at the means with the value set: statsmodels' predict at that one row
    mean = res.predictive_margins({1: 6.0}, at="mean")
    row = _set(exog.mean(axis=0, keepdims=True), 1, 6.0)
    value, se = _sm_margins(sm_fit, row, 1, 6.0)
    np.testing.assert_allclose(mean.margeff[0], value, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(mean.margeff_se[0], se, rtol=1e-6)


def test_the_classes_of_a_point_sum_to_one_with_no_variance(res):
    pm = res.predictive_margins({1: GRID, 2: [30.0, 60.0]})
    G, K = pm.margeff.shape
    np.testing.assert_allclose(pm.margeff.sum(axis=1), 1.0, rtol=0, atol=1e-13)
    # the K Jacobian rows of a point (k G + g) sum to 0, so their sum has
    # variance 0, while each margin's standard error is not 0
    rows = np.arange(K) * G
    scale = np.abs(pm.jacobian).max()  # rounding: relative to the entries
    for g in range(G):
        np.testing.assert_allclose(
            pm.jacobian[rows + g].sum(axis=0), 0, atol=1e-13 * scale
        )
        total = np.ones(K) @ pm._cov[np.ix_(rows + g, rows + g)] @ np.ones(K)
        assert abs(total) < 1e-13 * pm.margeff_se[g].max() ** 2
        assert pm.margeff_se[g].min() > 1e-4
    # a contrast of points: its variance from the joint covariance
    diff, se = pm.difference(G - 1, 0)
    np.testing.assert_allclose(diff, pm.margeff[-1] - pm.margeff[0])
    J = pm.jacobian[rows + G - 1] - pm.jacobian[rows]
    np.testing.assert_allclose(se, np.sqrt(np.diag(J @ res.cov_params() @ J.T)))
    frame = pm.summary_frame()
    assert frame.index.names == ["class", "point"] and "Margin" in frame.columns
    one = pm.for_classes("6.0")
    assert one.margeff.shape == (G, 1) and one.classes == ["6.0"]
    np.testing.assert_allclose(one.margeff_se[:, 0], pm.margeff_se[:, 6])
    text = one.summary()
    assert "y = 6.0" in text and "y = 0.0" not in text
    # the Markdown table's rows are points, and its column says so
    md = one.as_markdown()
    assert "| point | Margin | std err |" in md and "| term |" not in md


def test_blocks_and_weights_give_the_in_memory_margins(anes):
    X, y = anes
    w = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)  # frequency weights
    a = (
        LogisticRegression()
        .fit(X, y, sample_weight=w)
        .inference(X, y, w, cov_type="HC1")
    )
    streamed = LogisticRegression().fit(_blocks(X, y, 301, w), None)
    b = streamed.inference(_blocks(X, y, 301, w), None, cov_type="HC1")
    for got, want in [
        (b.predictive_margins({1: GRID}), a.predictive_margins({1: GRID})),
        (b.get_margeff(atexog={1: GRID}), a.get_margeff(atexog={1: GRID})),
    ]:
        np.testing.assert_allclose(got.margeff, want.margeff, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(got.margeff_se, want.margeff_se, rtol=1e-8)


def test_effects_at_a_point_are_statsmodels(anes, sm_fit, res):
    for at in ("overall", "mean"):
        ref = sm_fit.get_margeff(at=at, atexog={1: 2.0})
        me = res.get_margeff(at=at, atexog={1: 2.0})
        np.testing.assert_allclose(me.margeff, ref.margeff, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(me.margeff_se, ref.margeff_se, rtol=1e-6)
        assert me.margeff_options["atexog"] == {"x2": 2.0}
        assert "Set on every row: x2=2" in me.summary()
    ref = sm_fit.get_margeff(atexog={2: 40.0}, dummy=True)  # no 0/1 column: dydx
    me = res.get_margeff(atexog={2: 40.0}, dummy=True)
    np.testing.assert_allclose(me.margeff, ref.margeff, rtol=1e-8, atol=1e-12)


def test_effects_over_a_grid_and_their_joint_covariance(anes, sm_fit, res):
    X, _ = anes
    exog = sm.add_constant(X, prepend=False)
    grid = res.get_margeff(atexog={1: [2.0, 6.0]})
    assert grid.margeff.shape == (2, 5, 7)  # point, feature, class
    for g, v in enumerate([2.0, 6.0]):
        ref = sm_fit.get_margeff(atexog={1: v})
        np.testing.assert_allclose(grid.margeff[g], ref.margeff, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(grid.margeff_se[g], ref.margeff_se, rtol=1e-6)
    # the joint covariance: statsmodels' per-row effects averaged at both
    # points, differentiated numerically in its parameters
    shape = np.asarray(sm_fit.params).shape

    def stacked(theta):
        params = theta.reshape(shape, order="F")
        out = []
        for v in (2.0, 6.0):
            per_row = sm_fit.model._derivative_exog(params, _set(exog, 1, v))
            eff = per_row.reshape(len(exog), exog.shape[1], -1, order="F").mean(0)
            out.append(eff[:-1].T.ravel())  # class by class, constant left out
        return np.concatenate(out)

    theta = np.asarray(sm_fit.params).ravel(order="F")
    J = approx_fprime(theta, stacked, centered=True)
    cov = J @ np.asarray(sm_fit.cov_params()) @ J.T
    np.testing.assert_allclose(stacked(theta), grid._effects, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(grid._cov, cov, rtol=1e-4, atol=1e-11)
    diff, se = grid.difference(1, 0)
    np.testing.assert_allclose(diff, grid.margeff[1] - grid.margeff[0])
    n = 35
    i = np.arange(n)
    var = np.diag(cov)[i + n] + np.diag(cov)[i] - 2 * cov[i + n, i]
    np.testing.assert_allclose(se, np.sqrt(var).reshape(7, 5).T, rtol=1e-4)
    frame = grid.summary_frame()
    assert frame.index.names == ["point", "class", "feature"]
    assert "at x2=6: y = 3.0" in grid.summary()
    one = grid.for_classes(["0.0", "6.0"])
    assert one.margeff.shape == (2, 5, 2)
    np.testing.assert_allclose(one.margeff[:, :, 1], grid.margeff[:, :, 6])


@pytest.fixture(scope="module")
def birthwt():
    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    X = d[["age", "lwt"]].astype(float)
    X["smoker"] = np.where(d.smoke == 1, "yes", "no")  # one-hot, reference "no"
    return d, X, d.race


def test_a_one_hot_term_set_to_each_level_the_reference_included(birthwt):
    d, X, y = birthwt
    res = LogisticRegression().fit(X, y).inference(X, y)
    assert res.term_names[:3] == ["age", "lwt", "smoker[T.yes]"]
    exog = np.column_stack([d.age, d.lwt, d.smoke, np.ones(len(d))]).astype(float)
    r = sm.MNLogit(np.asarray(y), exog).fit(**FIT)
    pm = res.predictive_margins({"smoker": ["no", "yes"]})
    assert pm.names == ["smoker=no", "smoker=yes"]
    for g in range(2):
        value, se = _sm_margins(r, exog, 2, float(g))
        np.testing.assert_allclose(pm.margeff[g], value, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(pm.margeff_se[g], se, rtol=1e-5)
    me = res.get_margeff(atexog={"smoker": "no"})
    ref = r.get_margeff(atexog={2: 0.0})
    np.testing.assert_allclose(me.margeff[:2], np.asarray(ref.margeff)[:2], rtol=1e-6)
    with pytest.raises(InvalidParameterError, match="not one of its levels"):
        res.predictive_margins({"smoker": "maybe"})


def test_refusals_name_what_works(res):
    with pytest.raises(MultiClassNotSupportedError, match="at='overall', 'mean'"):
        res.predictive_margins(at="median")
    with pytest.raises(InvalidParameterError, match="'at' parameter must be one of"):
        res.predictive_margins(at="means")
    with pytest.raises(InvalidParameterError, match="atexog"):
        res.predictive_margins({"nope": 1.0})
    with pytest.raises(InvalidParameterError, match="points of 35 effects"):
        res.get_margeff(atexog={1: list(range(200))})
    with pytest.raises(InvalidParameterError, match="not one of the classes"):
        res.predictive_margins().for_classes("9")


def test_frequency_weights_are_rows_repeated(anes):
    """Weights of 2 and 1 are frequency weights: the margins and effects over
    a grid, and their standard errors, are statsmodels' on the rows repeated
    (``MNLogit`` has no weights; its average prediction with the column set,
    the delta method with its cov_params(); get_margeff(at='mean', atexog=))."""
    X, y = anes
    w = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    res = LogisticRegression().fit(X, y, sample_weight=w).inference(X, y, w)
    rep = np.repeat(np.arange(len(y)), w.astype(int))
    exog = sm.add_constant(X[rep], prepend=False)
    r = sm.MNLogit(y[rep], exog).fit(**FIT)
    pm = res.predictive_margins({1: [2.0, 6.0]})
    me = res.get_margeff(atexog={1: [2.0, 6.0]}, at="mean")
    for g, v in enumerate([2.0, 6.0]):
        value, se = _sm_margins(r, exog, 1, v)
        np.testing.assert_allclose(pm.margeff[g], value, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(pm.margeff_se[g], se, rtol=1e-6)
        ref = r.get_margeff(at="mean", atexog={1: v})
        np.testing.assert_allclose(me.margeff[g], ref.margeff, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(me.margeff_se[g], ref.margeff_se, rtol=1e-6)
