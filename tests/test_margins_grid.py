"""``get_margeff`` over a grid of set values (Stata's ``margins, dydx(*)
at(gre=(200 500 800))``): one set of effects per point, their joint covariance.

References (from outside this code):

* statsmodels ``Logit(...).fit().get_margeff(at="overall", atexog={i: v},
  method=..., dummy=...)`` at each point (it sets column ``i`` on every row;
  its indices count the constant, ours do not) for the effects and their
  standard errors, nonrobust and ``cov_type="HC0"``;
* frequency weights: the same statsmodels fit on the rows repeated by their
  (integer) weights;
* the joint covariance: statsmodels' per-row ``Logit._derivative_exog``
  averaged over the rows with the point set, differentiated in the
  parameters by ``statsmodels.tools.numdiff.approx_fprime`` (as its own
  ``margeff_cov_params`` does for one point), stacked over two points and
  sandwiched by statsmodels' ``cov_params()``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tools.numdiff import approx_fprime

from conftest import data_path
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic.inference import MarginalEffects, MarginalEffectsGrid

UCLA = data_path("ucla-admissions", "binary.csv")
GRE = [200.0, 500.0, 800.0]


@pytest.fixture(scope="module")
def ucla():
    d = pd.read_csv(UCLA)
    X = d[["gre", "gpa"]].astype(float)
    for r in (2, 3, 4):
        X[f"r{r}"] = (d["rank"] == r).astype(float)
    y = d["admit"]
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    sm_fit = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12)
    return X, y, model, sm_fit


@pytest.mark.parametrize("method", ["dydx", "eyex", "dyex", "eydx"])
def test_each_point_is_statsmodels_get_margeff_at_that_point(ucla, method):
    X, y, model, sm_fit = ucla
    grid = model.inference(X, y).get_margeff(method=method, atexog={"gre": GRE})
    assert isinstance(grid, MarginalEffectsGrid)
    assert grid.point_labels == ["gre=200", "gre=500", "gre=800"]
    for g, v in enumerate(GRE):
        ref = sm_fit.get_margeff(at="overall", method=method, atexog={1: v})
        np.testing.assert_allclose(grid.margeff.iloc[g], ref.margeff, rtol=1e-6)
        np.testing.assert_allclose(grid.margeff_se.iloc[g], ref.margeff_se, rtol=1e-5)
        frame = grid.summary_frame().loc[f"gre={v:g}"]
        np.testing.assert_allclose(frame.iloc[:, 0], ref.margeff, rtol=1e-6)


def test_dummy_columns_and_robust_covariance_per_point(ucla):
    X, y, model, _ = ucla
    sm_fit = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12, cov_type="HC0")
    res = model.inference(X, y, cov_type="HC0")
    grid = res.get_margeff(atexog={"gpa": [3.0, 4.0]}, dummy=True)
    assert grid.dummy_idx.tolist() == [2, 3, 4]
    for g, v in enumerate([3.0, 4.0]):
        ref = sm_fit.get_margeff(at="overall", atexog={2: v}, dummy=True)
        np.testing.assert_allclose(grid.margeff.iloc[g], ref.margeff, rtol=1e-6)
        np.testing.assert_allclose(grid.margeff_se.iloc[g], ref.margeff_se, rtol=1e-4)


def test_frequency_weights_equal_statsmodels_on_repeated_rows(ucla):
    X, y, _, _ = ucla
    w = np.arange(len(y)) % 3 + 1.0
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, sample_weight=w)
    grid = model.inference(X, y, w).get_margeff(atexog={"gre": [300, 700]})
    rep = np.repeat(np.arange(len(y)), w.astype(int))
    sm_fit = sm.Logit(y.iloc[rep], sm.add_constant(X.iloc[rep])).fit(disp=0, tol=1e-12)
    for g, v in enumerate([300, 700]):
        ref = sm_fit.get_margeff(at="overall", atexog={1: v})
        np.testing.assert_allclose(grid.margeff.iloc[g], ref.margeff, rtol=1e-6)
        np.testing.assert_allclose(grid.margeff_se.iloc[g], ref.margeff_se, rtol=1e-5)


def _sm_jacobian(sm_fit, X, column, value):
    exog = sm.add_constant(X).to_numpy(dtype=float)
    exog[:, column] = value

    def effects(params):
        return sm_fit.model._derivative_exog(params, exog, "dydx").mean(axis=0)[1:]

    return approx_fprime(np.asarray(sm_fit.params), effects, centered=True)


def test_joint_covariance_and_difference_between_points(ucla):
    X, y, model, sm_fit = ucla
    grid = model.inference(X, y).get_margeff(atexog={"gre": [200, 800]})
    J = np.vstack([_sm_jacobian(sm_fit, X, 1, v) for v in (200, 800)])
    ref = J @ sm_fit.cov_params().to_numpy() @ J.T
    np.testing.assert_allclose(grid.margeff_cov.to_numpy(), ref, rtol=1e-5, atol=1e-14)
    diff, se = grid.difference(1, 0)
    p = len(X.columns)
    C = np.hstack([-np.eye(p), np.eye(p)])
    both = np.r_[grid.margeff.iloc[0], grid.margeff.iloc[1]]
    np.testing.assert_allclose(diff, C @ both)
    np.testing.assert_allclose(se, np.sqrt(np.diag(C @ ref @ C.T)), rtol=1e-5)
    # the diagonal blocks are each point's own effects' covariance
    one = model.inference(X, y).get_margeff(atexog={"gre": 800})
    np.testing.assert_allclose(
        grid.margeff_cov.to_numpy()[p:, p:], one.margeff_cov.to_numpy(), rtol=1e-10
    )


def test_scalar_atexog_keeps_marginal_effects_and_levels_grid(ucla):
    d = pd.read_csv(UCLA)
    X = d[["gre", "gpa"]].astype(float).assign(rank=d["rank"].astype(str))
    y = d["admit"]
    res = LogisticRegression(penalty=None, tol=1e-10).fit(X, y).inference(X, y)
    one = res.get_margeff(atexog={"rank": "2"})
    assert type(one) is MarginalEffects
    # Stata's at(rank=2) on the UCLA page: gpa's AME .176512 (docs)
    grid = res.get_margeff(atexog=[{"rank": ["1", "2"]}, {"gpa": 3.5}])
    assert grid.point_labels == ["rank=1", "rank=2", "gpa=3.5"]
    np.testing.assert_allclose(grid.margeff.loc["rank=2", "gpa"], 0.176512, atol=5e-7)
    # rank=1 (the reference, no column) is every rank column at 0
    zero = res.get_margeff(atexog={"rank[T.2]": 0, "rank[T.3]": 0, "rank[T.4]": 0})
    np.testing.assert_allclose(grid.margeff.iloc[0], zero.margeff)
    text = grid.summary()
    assert text.count("at rank=") == 2 and "at gpa=3.5" in text
    assert "Set on every row" not in text
    assert grid.as_markdown().count("at rank=") == 2


def test_grid_refusals_name_what_was_given(ucla):
    X, y, model, _ = ucla
    res = model.inference(X, y)
    with pytest.raises(InvalidParameterError, match=r"atexog\['gre'\] is an empty"):
        res.get_margeff(atexog={"gre": []})
    with pytest.raises(InvalidParameterError, match="at most 4000 effects"):
        res.get_margeff(atexog={"gre": range(1000)})
    with pytest.raises(InvalidParameterError, match="must be a number; got 'x'"):
        res.get_margeff(atexog={"gre": [200, "x"]})
    with pytest.raises(InvalidParameterError, match="difference.. takes point"):
        res.get_margeff(atexog={"gre": [200, 300]}).difference(0, 2)


def test_a_warning_of_every_point_is_given_once(ucla):
    X, y, model, _ = ucla
    Xf = X.rename(columns={"r2": "age:smoke"})  # a name a formula makes
    m = LogisticRegression(penalty=None, tol=1e-10).fit(Xf, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.inference(Xf, y).get_margeff(atexog={"gre": [200, 400, 600]})
    said = [w for w in caught if "look like columns a formula made" in str(w.message)]
    assert len(said) == 1


def test_k_classes_take_a_grid_point_by_point():
    # K classes: each point's effects on every class probability are those of
    # the point alone (statsmodels references: test_multinomial_predictive_margins)
    from logistic.inference._multinomial_grid import MultinomialMarginalEffectsGrid

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = rng.integers(0, 3, 200)
    res = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    grid = res.get_margeff(atexog={0: [0.0, 1.0]})
    assert isinstance(grid, MultinomialMarginalEffectsGrid)
    for g, v in enumerate([0.0, 1.0]):
        one = res.get_margeff(atexog={0: v})
        np.testing.assert_allclose(grid.margeff[g], one.margeff, rtol=1e-12)
        np.testing.assert_allclose(grid.margeff_se[g], one.margeff_se, rtol=1e-10)


def test_an_aliased_column_is_nan_at_every_point_and_others_keep_their_difference(ucla):
    # gpa2 = 2 gpa is aliased (R's NA): its effect is NaN at each point, its
    # rows and columns of the joint covariance NaN, and difference() gave NaN
    # for every feature (0 x NaN in a matrix product) before it went entry by
    # entry. Reference: the fit without gpa2 (the reduced model) by statsmodels.
    X, y, _, _ = ucla
    X2 = X[["gre", "gpa"]].assign(gpa2=2 * X["gpa"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(penalty=None, tol=1e-10).fit(X2, y)
        grid = model.inference(X2, y).get_margeff(atexog={"gre": [200, 800]})
    assert np.isnan(grid.margeff["gpa2"]).all()
    sm_fit = sm.Logit(y, sm.add_constant(X[["gre", "gpa"]])).fit(disp=0, tol=1e-12)
    J = np.vstack([_sm_jacobian(sm_fit, X[["gre", "gpa"]], 1, v) for v in (200, 800)])
    ref = J @ sm_fit.cov_params().to_numpy() @ J.T
    diff, se = grid.difference(1, 0)
    C = np.hstack([-np.eye(2), np.eye(2)])
    np.testing.assert_allclose(
        se[["gre", "gpa"]], np.sqrt(np.diag(C @ ref @ C.T)), rtol=1e-4
    )
    assert np.isnan(diff["gpa2"]) and np.isnan(se["gpa2"])


def test_offset_and_cluster_covariance_per_point(ucla):
    # statsmodels' get_margeff leaves an offset out of z, so the reference is
    # statsmodels' own predict(offset=...) on the rows with gre set: dydx of
    # gpa = mean f(z) b_gpa, its SE by approx_fprime and its cov_params().
    # Cluster: statsmodels' cluster covariance carries (n-1)/(n-k) more than
    # ours (docs/marginal-effects.md, "Differences from statsmodels").
    X, y, _, _ = ucla
    off = np.linspace(-0.5, 0.5, len(y))
    exog = sm.add_constant(X)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, offset=off)
    grid = model.inference(X, y, offset=off).get_margeff(atexog={"gre": [300, 700]})
    sm_fit = sm.Logit(y, exog, offset=off).fit(disp=0, tol=1e-12)
    for g, v in enumerate([300, 700]):
        moved = exog.assign(gre=float(v)).to_numpy()

        def gpa_effect(params, moved=moved):
            p = 1 / (1 + np.exp(-(moved @ params + off)))
            return np.array([np.mean(p * (1 - p)) * params[2]])

        params = np.asarray(sm_fit.params)
        J = approx_fprime(params, gpa_effect, centered=True)
        se = float(np.sqrt(J @ sm_fit.cov_params().to_numpy() @ J.T))
        np.testing.assert_allclose(
            grid.margeff["gpa"].iloc[g], gpa_effect(params)[0], rtol=1e-6
        )
        np.testing.assert_allclose(grid.margeff_se["gpa"].iloc[g], se, rtol=1e-5)
    groups = np.arange(len(y)) % 40
    res = (
        LogisticRegression(penalty=None, tol=1e-10)
        .fit(X, y)
        .inference(X, y, cov_type="cluster", groups=groups)
    )
    grid = res.get_margeff(atexog={"gre": [300, 700]}, method="eydx")
    sm_cl = sm.Logit(y, exog).fit(disp=0, tol=1e-12, cov_type="cluster",
                                  cov_kwds={"groups": groups})  # fmt: skip
    n, k = len(y), exog.shape[1]
    for g, v in enumerate([300, 700]):
        ref = sm_cl.get_margeff(at="overall", atexog={1: v}, method="eydx")
        np.testing.assert_allclose(grid.margeff.iloc[g], ref.margeff, rtol=1e-6)
        want = ref.margeff_se * np.sqrt((n - k) / (n - 1))
        np.testing.assert_allclose(grid.margeff_se.iloc[g], want, rtol=1e-5)


def test_at_mean_per_point_is_statsmodels(ucla):
    X, y, model, sm_fit = ucla
    grid = model.inference(X, y).get_margeff(at="mean", atexog={"gpa": [2.5, 3.5]})
    for g, v in enumerate([2.5, 3.5]):
        ref = sm_fit.get_margeff(at="mean", atexog={2: v})
        np.testing.assert_allclose(grid.margeff.iloc[g], ref.margeff, rtol=1e-6)
        np.testing.assert_allclose(grid.margeff_se.iloc[g], ref.margeff_se, rtol=1e-5)


def test_too_many_effects_are_refused_after_the_first_point(ucla):
    # a formula taken per variable learns its number of effects from the
    # first point: the bound (4000 = points x features) is then known, and
    # 1000 points of 5 effects were evaluated 800 times over before refusal
    from logistic.inference._margins_grid import stack_effects

    X, y, model, _ = ucla
    res = model.inference(X, y)
    calls = []

    def effects_at(g):
        calls.append(g)
        return res.get_margeff(atexog={"gre": 200.0 + g})

    points = [{"gre": 200.0 + g} for g in range(1000)]
    with pytest.raises(InvalidParameterError, match="1000 points of 5 effects"):
        stack_effects(res, points, effects_at)
    assert calls == [0]


def test_a_zero_d_array_is_one_value_as_before(ucla):
    # np.asarray(200.0) is one value: get_margeff keeps the MarginalEffects it
    # returned before grids (a one-point MarginalEffectsGrid of (1, p) frames
    # had replaced it). statsmodels' get_margeff(atexog={1: 200}) (index 1:
    # gre after the constant).
    X, y, model, sm_fit = ucla
    res = model.inference(X, y)
    one = res.get_margeff(atexog={"gre": np.asarray(200.0)})
    assert type(one) is MarginalEffects
    ref = sm_fit.get_margeff(at="overall", atexog={1: 200.0})
    np.testing.assert_allclose(one.margeff.to_numpy(), ref.margeff, rtol=1e-6)
    np.testing.assert_allclose(one.margeff_se.to_numpy(), ref.margeff_se, rtol=1e-5)
    # a 1-D array of one value is a grid of one point
    assert type(res.get_margeff(atexog={"gre": np.asarray([200.0])})) is MarginalEffectsGrid


def test_a_refused_atexog_names_the_grids_it_takes(ucla):
    # R's datagrid() is a data frame; get_margeff's refusal said only
    # "a mapping {column name or index: value}", not the grids it takes
    X, y, model, _ = ucla
    res = model.inference(X, y)
    with pytest.raises(
        InvalidParameterError,
        match=r"list of values for a grid\}, a list of such mappings, or None; "
        "got DataFrame",
    ):
        res.get_margeff(atexog=pd.DataFrame({"gre": [200.0, 800.0]}))


def test_points_that_print_alike_at_six_digits_get_labels_apart(ucla):
    # gre=1234567 and 1234568 were both labelled 'gre=1.23457e+06' (%g): two
    # blocks titled alike and a (point, feature) index with the same point
    # twice. Each point's effects are statsmodels' get_margeff at that value.
    X, y, model, sm_fit = ucla
    res = model.inference(X, y)
    values = [1234567.0, 1234568.0]
    g = res.get_margeff(atexog={"gpa": [3.0, 3.5], "gre": values})
    assert g.point_labels[:2] == ["gpa=3, gre=1234567", "gpa=3, gre=1234568"]
    assert g.summary_frame().index.is_unique
    same = res.get_margeff(atexog={"gre": [200.0, 200, 500.0]})
    assert same.point_labels == ["gre=200", "gre=200", "gre=500"]
    pm = res.predictive_margins(atexog={"gpa": [3.1234561, 3.1234564]})
    assert pm.names == ["gpa=3.1234561", "gpa=3.1234564"]
    for g_row, v in zip(g.margeff.iloc[2:].to_numpy(), values, strict=True):
        ref = sm_fit.get_margeff(at="overall", atexog={2: 3.5, 1: v})
        np.testing.assert_allclose(g_row, ref.margeff, atol=1e-12)
