"""``InferenceResults.predictive_margins``: average predicted probabilities over
a grid of set values, with delta-method standard errors (Stata's ``margins,
at(...)``).

References (from outside this code):

* UCLA IDRE, "Logit Regression | R Data Analysis Examples": the predicted
  probability of admission at each rank with ``gre`` and ``gpa`` at their
  means, ``newdata1$rankP`` = 0.5166016, 0.3522846, 0.2186120, 0.1846684;
* UCLA IDRE, "Logistic Regression | Stata Data Analysis Examples":
  ``margins, at(gre=(200(100)800))`` = .1667471, .198515, .2343805,
  .2742515, .3178483, .3646908, .4141038;
* statsmodels 0.14+ ``Logit(...).get_prediction(exog, average=True)``
  (delta method, the results' ``cov_params``) for every standard error, the
  weighted, offset and robust cases.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
import statsmodels.formula.api as smf

from conftest import data_path
from logistic import LogisticRegression, NonEstimableWarning
from logistic._exceptions import InvalidParameterError

UCLA = data_path("ucla-admissions", "binary.csv")
RANK_AT_MEANS = [0.5166016, 0.3522846, 0.2186120, 0.1846684]
GRE_GRID = [0.1667471, 0.198515, 0.2343805, 0.2742515, 0.3178483, 0.3646908, 0.4141038]


@pytest.fixture(scope="module")
def ucla():
    d = pd.read_csv(UCLA)
    X = d[["gre", "gpa"]].assign(rank=d["rank"].astype(str))
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, d["admit"])
    sm_fit = smf.logit("admit ~ gre + gpa + C(rank)", d).fit(disp=0)
    return d, X, model, sm_fit


def _sm_average(sm_fit, frame):
    pred = sm_fit.get_prediction(frame, average=True)
    return float(np.squeeze(pred.predicted)), float(np.squeeze(pred.se))


def test_rank_at_means_matches_ucla_and_statsmodels(ucla):
    d, X, model, sm_fit = ucla
    pm = model.inference(X, d["admit"]).predictive_margins(
        {"rank": [1, 2, 3, 4]}, at="mean"
    )
    np.testing.assert_allclose(pm.margeff, RANK_AT_MEANS, atol=5e-7)
    at_means = pd.DataFrame(
        {"gre": d.gre.mean(), "gpa": d.gpa.mean(), "rank": [1, 2, 3, 4]}
    )
    ref = sm_fit.get_prediction(at_means)
    np.testing.assert_allclose(pm.margeff, ref.predicted, rtol=1e-6)
    np.testing.assert_allclose(pm.margeff_se, ref.se, rtol=1e-5)
    assert list(pm.names) == ["rank=1", "rank=2", "rank=3", "rank=4"]


def test_gre_grid_overall_matches_ucla_stata_page(ucla):
    d, X, model, sm_fit = ucla
    pm = model.inference(X, d["admit"]).predictive_margins(
        {"gre": range(200, 801, 100)}
    )
    np.testing.assert_allclose(pm.margeff, GRE_GRID, atol=5e-7)
    for i, gre in enumerate(range(200, 801, 100)):
        margin, se = _sm_average(sm_fit, d.assign(gre=gre))
        assert pm.margeff.iloc[i] == pytest.approx(margin, rel=1e-6)
        assert pm.margeff_se.iloc[i] == pytest.approx(se, rel=1e-5)


def test_no_values_is_the_average_prediction(ucla):
    """With an intercept, the MLE's fitted probabilities sum to the successes:
    the margin that sets nothing is the mean of y."""
    d, X, model, sm_fit = ucla
    pm = model.inference(X, d["admit"]).predictive_margins()
    assert pm.names == ["(as observed)"]
    assert pm.margeff.iloc[0] == pytest.approx(d["admit"].mean(), rel=1e-7)
    assert pm.margeff_se.iloc[0] == pytest.approx(_sm_average(sm_fit, d)[1], rel=1e-5)


def test_grid_is_every_combination_first_key_slowest(ucla):
    d, X, model, sm_fit = ucla
    pm = model.inference(X, d["admit"]).predictive_margins(
        {"rank": [1, 4], "gpa": [3.0, 4.0]}
    )
    assert pm.points == [
        {"rank": 1, "gpa": 3.0}, {"rank": 1, "gpa": 4.0},
        {"rank": 4, "gpa": 3.0}, {"rank": 4, "gpa": 4.0},
    ]  # fmt: skip
    for i, pt in enumerate(pm.points):
        margin, se = _sm_average(sm_fit, d.assign(**pt))
        assert pm.margeff.iloc[i] == pytest.approx(margin, rel=1e-6)
        assert pm.margeff_se.iloc[i] == pytest.approx(se, rel=1e-5)


def test_list_of_grids_and_covariance_between_points(ucla):
    """The covariance between points is ``J V Jᵀ``: checked against a
    finite-difference Jacobian of statsmodels' own average prediction and
    statsmodels' ``cov_params``."""
    d, X, model, sm_fit = ucla
    pm = model.inference(X, d["admit"]).predictive_margins(
        [{"gre": [200, 800]}, {"rank": 3}]
    )
    assert pm.names == ["gre=200", "gre=800", "rank=3"]
    frames = [d.assign(gre=200), d.assign(gre=800), d.assign(rank=3)]
    params = sm_fit.params.to_numpy()
    assert list(sm_fit.params.index) == [
        "Intercept", "C(rank)[T.2]", "C(rank)[T.3]", "C(rank)[T.4]", "gre", "gpa",
    ]  # fmt: skip
    designs = [
        np.column_stack([np.ones(len(f)), f["rank"] == 2, f["rank"] == 3,
                         f["rank"] == 4, f.gre, f.gpa]).astype(float)
        for f in frames
    ]  # fmt: skip

    def margins(theta):
        return np.array([np.mean(1 / (1 + np.exp(-(Z @ theta)))) for Z in designs])

    h = 1e-6
    J = np.column_stack([
        (margins(params + h * e) - margins(params - h * e)) / (2 * h)
        for e in np.eye(len(params))
    ])  # fmt: skip
    ref = J @ sm_fit.cov_params().to_numpy() @ J.T
    np.testing.assert_allclose(np.asarray(pm.margeff_cov), ref, rtol=1e-5)
    diff, se = pm.difference(1, 0)
    assert diff == pytest.approx(margins(params)[1] - margins(params)[0], rel=1e-6)
    assert se == pytest.approx(np.sqrt(ref[0, 0] + ref[1, 1] - 2 * ref[0, 1]), rel=1e-5)


def test_weights_offset_and_robust_covariance_match_statsmodels():
    rng = np.random.default_rng(5)
    n = 300
    X = rng.normal(size=(n, 2))
    off = rng.normal(scale=0.4, size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 + X @ [1.0, -0.7] + off)))).astype(int)
    w = rng.integers(1, 4, size=n).astype(float)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(
        X, y, sample_weight=w, offset=off
    )
    Xc = sm.add_constant(X)
    grid = [-1.0, 0.0, 1.5]
    for cov_type, sm_cov in (("nonrobust", "nonrobust"), ("HC0", "HC0")):
        res = model.inference(X, y, w, off, cov_type=cov_type)
        pm = res.predictive_margins({0: grid})
        # frequency weights: statsmodels on the rows repeated
        rep = np.repeat(np.arange(n), w.astype(int))
        if cov_type == "nonrobust":
            ref_fit = sm.Logit(y[rep], Xc[rep], offset=off[rep]).fit(disp=0, tol=1e-12)
            rows, offs = Xc[rep], off[rep]
        else:  # HC0 of frequency weights is HC0 of the repeated rows
            ref_fit = sm.Logit(y[rep], Xc[rep], offset=off[rep]).fit(
                disp=0, cov_type=sm_cov
            )
            rows, offs = Xc[rep], off[rep]
        for i, v in enumerate(grid):
            Z = rows.copy()
            Z[:, 1] = v
            pred = ref_fit.get_prediction(Z, offset=offs, average=True)
            assert pm.margeff[i] == pytest.approx(float(pred.predicted), rel=1e-6)
            assert pm.margeff_se[i] == pytest.approx(float(pred.se), rel=1e-4)


def test_sparse_equals_dense_and_at_zero_and_median():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    X[X < 0.3] = 0.0
    y = (rng.random(200) < 1 / (1 + np.exp(-(X @ [1.0, -1.0, 0.5])))).astype(int)
    dense = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    Xs = sp.csr_matrix(X)
    sparse = LogisticRegression(penalty=None).fit(Xs, y).inference(Xs, y)
    for at in ("overall", "mean", "zero", "median"):
        a = dense.predictive_margins({1: [0.0, 1.0]}, at=at)
        b = sparse.predictive_margins({1: [0.0, 1.0]}, at=at)
        np.testing.assert_allclose(a.margeff, b.margeff, rtol=1e-6)
        np.testing.assert_allclose(a.margeff_se, b.margeff_se, rtol=1e-5)
    zero = dense.predictive_margins({1: 2.0}, at="zero")
    coef, b0 = dense.model.coef_.ravel(), float(dense.model.intercept_[0])
    assert zero.margeff[0] == pytest.approx(1 / (1 + np.exp(-(b0 + 2.0 * coef[1]))))


def _aliased_results():
    """Inference of a fit whose second column is twice its first (aliased)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=200)
    X = np.column_stack([x, 2 * x, rng.normal(size=200)])
    y = (rng.random(200) < 1 / (1 + np.exp(-x))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogisticRegression(penalty=None, solver="newton").fit(X, y).inference(X, y)


def test_aliased_column_moved_off_the_span_is_not_estimable():
    res = _aliased_results()
    with pytest.warns(NonEstimableWarning, match="x1=3"):
        pm = res.predictive_margins([{0: 3.0}, {0: 1.0, 1: 2.0}, {2: 1.0}])
    assert np.isnan(pm.margeff[0])
    assert np.isfinite(pm.margeff[1:]).all()


@pytest.mark.parametrize(
    ("atexog", "match"),
    [
        ({"gre": []}, "empty list"),
        ({"nope": 1}, "not a feature"),
        ({"rank": 7}, r"1 \(the reference\), 2, 3, 4"),
        (5, "must be a mapping"),
        ([{"gre": 1}, 3], "holds mappings"),
        ({"gre": "abc"}, "must be a number"),
        ({"gre": np.zeros((2, 2))}, "1-D list"),
        ({"gre": range(20_000)}, "at most 2000"),
        ({"gre": range(10**12)}, "holds 1000000000000 values"),
        ({"gre": list(range(50)), "gpa": list(range(50))}, "asks for 2500 points"),
    ],
)
def test_refusals_name_the_problem(ucla, atexog, match):
    d, X, model, _ = ucla
    res = model.inference(X, d["admit"])
    with pytest.raises(InvalidParameterError, match=match):
        res.predictive_margins(atexog)


def test_overall_needs_the_training_rows(ucla):
    d, X, model, _ = ucla
    res = model.inference()
    with pytest.raises(InvalidParameterError, match="at='overall' averages"):
        res.predictive_margins({"gre": 300})
    mean = res.predictive_margins({"rank": [1, 2, 3, 4]}, at="mean")
    np.testing.assert_allclose(mean.margeff, RANK_AT_MEANS, atol=5e-7)


def test_summary_and_frame_render(ucla):
    d, X, model, _ = ucla
    pm = model.inference(X, d["admit"]).predictive_margins({"rank": [1, 2]}, at="mean")
    text = pm.summary()
    assert "predictive margins" in text and "rank=1" in text and "Margin" in text
    frame = pm.summary_frame()
    assert list(frame.index) == ["rank=1", "rank=2"]
    assert "Margin" in frame.columns
    assert "rank=2" in pm.as_markdown() and "rank=2" in pm.as_html()
    # rows are points, not terms: the Markdown column says so (effects' say term)
    assert "| point | Margin | std err |" in pm.as_markdown()
    assert "| term | dy/dx |" in model.inference(X, d["admit"]).get_margeff().as_markdown()
    assert repr(pm) == "<PredictiveMargins at='mean', cov_type='nonrobust', points=2>"


def test_streamed_file_equals_in_memory(tmp_path):
    """One pass over a backend: a CSV streamed in chunks (weights and an
    offset) gives the in-memory margins."""
    from logistic.inference import fit_inference
    from test_margins import _chunked, lbw

    X, y = lbw()
    rng = np.random.default_rng(3)
    w = rng.integers(1, 4, len(y)).astype(float)
    o = rng.normal(0.0, 0.3, len(y))
    model = LogisticRegression(penalty=None, tol=1e-10).fit(
        X, y, sample_weight=w, offset=o
    )
    data = _chunked(tmp_path, X, y, w, o)
    grid = {"age": [20.0, 30.0], "race": ["black", "other"]}
    memory = model.inference(X, y, w, o, cov_type="HC1")
    streamed = fit_inference(model, data, cov_type="HC1")
    before = data.n_passes
    a = streamed.predictive_margins(grid)
    assert data.n_passes - before == 1  # every point in one pass
    b = memory.predictive_margins(grid)
    np.testing.assert_allclose(a.margeff, b.margeff, rtol=1e-10)
    np.testing.assert_allclose(a.margeff_se, b.margeff_se, rtol=1e-10)
    # the offset's mean, one more pass, for the point at the means
    np.testing.assert_allclose(
        streamed.predictive_margins(grid, at="mean").margeff,
        memory.predictive_margins(grid, at="mean").margeff,
        rtol=1e-10,
    )


def test_get_margeff_sets_the_reference_level_too(ucla):
    """``atexog={"rank": "1"}`` (the reference, which has no column) is every
    rank column at 0: statsmodels' ``get_margeff(atexog=...)`` with those
    columns 0 (its keys count the constant as column 0)."""
    d, X, model, sm_fit = ucla
    ours = model.inference(X, d["admit"]).get_margeff(atexog={"rank": "1"})
    ref = sm_fit.get_margeff(atexog={1: 0.0, 2: 0.0, 3: 0.0})
    order = ["gre", "gpa"]  # statsmodels: C(rank)[T.2..4], gre, gpa
    np.testing.assert_allclose(ours.margeff[order], ref.margeff[3:], rtol=1e-6)
    np.testing.assert_allclose(ours.margeff_se[order], ref.margeff_se[3:], rtol=1e-5)
    with pytest.raises(InvalidParameterError, match=r"1 \(the reference\), 2, 3, 4"):
        model.inference(X, d["admit"]).get_margeff(atexog={"rank": "9"})


def test_pandas_series_and_index_are_lists_of_values(ucla):
    """``{"gre": d.gre.quantile([.1, .9])}`` (a Series) and an Index are lists
    of values, as a NumPy array is; they were refused as "must be a number",
    with the Series printed. Reference: statsmodels' average predictions."""
    d, X, model, sm_fit = ucla
    res = model.inference(X, d["admit"])
    quantiles = d["gre"].quantile([0.1, 0.9])
    for values in (quantiles, pd.Index(quantiles.to_numpy())):
        pm = res.predictive_margins({"gre": values, "rank": pd.Index(["2", "4"])})
        assert pm.names == [
            f"gre={g:g}, rank={r}" for g in quantiles for r in ("2", "4")
        ]
        for i, pt in enumerate(pm.points):
            margin, se = _sm_average(sm_fit, d.assign(gre=pt["gre"], rank=int(pt["rank"])))
            assert pm.margeff.iloc[i] == pytest.approx(margin, rel=1e-6)
            assert pm.margeff_se.iloc[i] == pytest.approx(se, rel=1e-5)


def test_a_reference_with_a_column_is_refused(ucla):
    """``references={"rank": "2"}`` names a level that has a column
    (``rank[T.2]``); setting rank to "2" then zeroed every rank column and
    returned rank 1's margin (0.5161, statsmodels) labelled ``rank=2``."""
    d, X, model, sm_fit = ucla
    res = model.inference(X, d["admit"])
    with pytest.raises(InvalidParameterError, match=r"references names '2'.*rank\[T\.2\]"):
        res.predictive_margins({"rank": "2"}, references={"rank": "2"})
    right = res.predictive_margins({"rank": "2"}, references={"rank": "1"})
    margin, se = _sm_average(sm_fit, d.assign(rank=2))
    assert right.margeff.iloc[0] == pytest.approx(margin, rel=1e-6)


@pytest.mark.parametrize(
    "point", [{"rank": "1", "rank[T.3]": 1}, {"rank[T.3]": 1, "rank": "1"}]
)
def test_reference_level_and_its_column_set_apart_are_refused(ucla, point):
    """``rank="1"`` (the reference: every rank column 0) with ``rank[T.3]=1``
    contradict each other; the column's 1 won and rank 3's margin came back
    labelled ``rank=1`` (a non-reference level with another column was
    already refused). The same values agreeing give statsmodels' margin."""
    d, X, model, sm_fit = ucla
    res = model.inference(X, d["admit"])
    with pytest.raises(InvalidParameterError, match=r"sets rank\[T\.3\] twice"):
        res.predictive_margins(point)
    same = res.predictive_margins({"rank": "1", "rank[T.3]": 0})
    assert same.margeff.iloc[0] == pytest.approx(_sm_average(sm_fit, d.assign(rank=1))[0], rel=1e-6)


def test_separated_fit_says_the_margins_settle_but_not_their_errors():
    from logistic import PerfectSeparationWarning

    rng = np.random.default_rng(8)
    x = rng.normal(size=120)
    X = np.column_stack([x, rng.normal(size=120)])
    y = (x > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
    with pytest.warns(PerfectSeparationWarning, match="of these predictive margins"):
        pm = res.predictive_margins({1: [0.0, 1.0]})
    assert any("predictive margins are meaningless" in n or "these predictive" in n
               for n in pm.notes)  # fmt: skip
    assert "marginal effects" not in " ".join(pm.notes)


def test_a_point_not_estimable_leaves_the_other_differences_alone():
    # difference() took c @ margins with c zero at the not-estimable point:
    # 0 x NaN made every difference NaN once one point was NaN. The
    # reference is the same two points asked for without the NaN one.
    res = _aliased_results()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm = res.predictive_margins([{0: 3.0}, {0: 1.0, 1: 2.0}, {2: 1.0}])
    alone = res.predictive_margins([{0: 1.0, 1: 2.0}, {2: 1.0}])
    np.testing.assert_allclose(pm.difference(2, 1), alone.difference(1, 0), rtol=1e-12)
    assert np.isnan(pm.difference(0, 1)).all()
    with pytest.raises(InvalidParameterError, match="point indices 0 to 2; got True"):
        pm.difference(True, 2)
