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


def test_k_classes_refuse_a_grid():
    from logistic._multiclass import MultiClassNotSupportedError

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = rng.integers(0, 3, 200)
    res = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    with pytest.raises(MultiClassNotSupportedError, match="atexog"):
        res.get_margeff(atexog={0: [0.0, 1.0]})
