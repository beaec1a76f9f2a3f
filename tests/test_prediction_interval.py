"""Predictions with standard errors and intervals (inference._prediction_interval).

Reference values: statsmodels' ``GLM(y, X, family=Binomial()).fit()`` and its
``get_prediction(X_new).summary_frame(alpha)`` computed in each test
(``tol=1e-14`` so that its estimates sit at the optimum to ~1e-12, as ours).
Data: Spector & Mazzeo (tests/data/spector) and the low-birth-weight data
(tests/data/lbw-hosmer-lemeshow).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm

import logistic
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic.estimator import NotFittedError
from logistic.inference._prediction_interval import FRAME_COLUMNS
from test_inference import lbw, spector

TOL = dict(rtol=1e-8, atol=1e-9)
DATASETS = {"spector": spector, "lbw": lbw}
MEAN_COLUMNS = ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper"]


def sm_glm(X, y, cov_type="nonrobust", **kw):
    model = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), **kw)
    return model.fit(tol=1e-14, cov_type=cov_type)


def new_rows(X: pd.DataFrame, n: int = 25, seed: int = 0) -> pd.DataFrame:
    """Rows not in the training data: training rows with jittered values."""
    rng = np.random.default_rng(seed)
    rows = X.iloc[rng.integers(0, len(X), n)].reset_index(drop=True)
    return rows + rng.normal(scale=0.3, size=rows.shape) * rows.std().to_numpy()


def sm_frame(ref, X_new, alpha, **kw) -> pd.DataFrame:
    pred = ref.get_prediction(sm.add_constant(X_new, has_constant="add"), **kw)
    frame = pred.summary_frame(alpha=alpha)
    lin = pred.linpred
    ci = lin.conf_int(alpha=alpha)
    frame["linpred"], frame["linpred_se"] = lin.predicted, lin.se
    frame["linpred_ci_lower"], frame["linpred_ci_upper"] = ci[:, 0], ci[:, 1]
    return frame


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_predict_interval_equals_statsmodels(name, alpha):
    X, y = DATASETS[name]()
    X_new = new_rows(X)
    frame = LogisticRegression().fit(X, y).predict_interval(X_new, alpha=alpha)
    expected = sm_frame(sm_glm(X, y), X_new, alpha)
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert list(frame.columns[:4]) == MEAN_COLUMNS  # statsmodels' summary_frame
    np.testing.assert_allclose(
        frame.to_numpy(), expected[list(FRAME_COLUMNS)].to_numpy(), **TOL
    )


def test_offset_moves_the_prediction_not_its_standard_error():
    X, y = lbw()
    rng = np.random.default_rng(3)
    offset = rng.normal(scale=0.5, size=len(y))
    X_new = new_rows(X, seed=4)
    off_new = rng.normal(scale=0.5, size=len(X_new))
    model = LogisticRegression().fit(X, y, offset=offset)
    frame = model.predict_interval(X_new, offset=off_new)
    ref = sm_glm(X, y, offset=offset)
    expected = sm_frame(ref, X_new, 0.05, offset=off_new)
    np.testing.assert_allclose(
        frame.to_numpy(), expected[list(FRAME_COLUMNS)].to_numpy(), **TOL
    )


def test_get_prediction_uses_the_results_covariance():
    X, y = spector()
    X_new = new_rows(X, seed=5)
    model = LogisticRegression().fit(X, y)
    expected = sm_frame(sm_glm(X, y, cov_type="HC0"), X_new, 0.05)
    hc0 = model.inference(X, y, cov_type="HC0").get_prediction(X_new)
    np.testing.assert_allclose(
        hc0.summary_frame(0.05).to_numpy(),
        expected[list(FRAME_COLUMNS)].to_numpy(),
        **TOL,
    )
    # HC1 is n/(n-k) HC0 (statsmodels' GLM and Logit apply no such factor)
    hc1 = model.inference(X, y, cov_type="HC1").get_prediction(X_new)
    n, k = len(y), X.shape[1] + 1
    np.testing.assert_allclose(
        hc1.linpred_se, np.sqrt(n / (n - k)) * expected["linpred_se"], **TOL
    )
    np.testing.assert_allclose(hc1.predicted, expected["mean"], **TOL)


def test_in_sample_prediction_without_x():
    X, y = lbw()
    res = LogisticRegression().fit(X, y).inference(X, y)
    pred = res.get_prediction()
    ref = sm_glm(X, y).get_prediction()
    np.testing.assert_allclose(pred.predicted, ref.predicted, **TOL)
    np.testing.assert_allclose(pred.se, ref.se, **TOL)
    np.testing.assert_allclose(pred.conf_int(0.1), ref.conf_int(alpha=0.1), **TOL)
    with pytest.raises(InvalidParameterError, match="training data"):
        LogisticRegression().fit(X, y).inference().get_prediction()


def test_sparse_float32_and_dataframe_inputs_agree():
    X, y = lbw()
    model = LogisticRegression().fit(X.to_numpy(), y)
    X_new = new_rows(X, seed=6).to_numpy()
    dense = model.predict_interval(X_new)
    sparse = model.predict_interval(sp.csr_matrix(X_new))
    np.testing.assert_allclose(sparse.to_numpy(), dense.to_numpy(), rtol=1e-12)
    single = model.predict_interval(X_new.astype(np.float32))
    np.testing.assert_allclose(
        single.to_numpy(),
        model.predict_interval(X_new.astype(np.float32).astype(float)).to_numpy(),
        rtol=1e-12,
    )
    named = LogisticRegression().fit(X, y)
    frame = named.predict_interval(
        pd.DataFrame(X_new, columns=X.columns, index=range(100, 125))
    )
    assert list(frame.index) == list(range(100, 125))
    np.testing.assert_allclose(
        frame["mean"], model.predict_proba(X_new)[:, 1], rtol=1e-10
    )


def test_intervals_stay_in_the_unit_interval_at_extreme_logits():
    X, y = spector()
    model = LogisticRegression().fit(X, y)
    X_new = pd.DataFrame(
        {"GPA": [400.0, -400.0, 1e6, -1e6], "TUCE": [20.0] * 4, "PSI": [1.0] * 4}
    )
    frame = model.predict_interval(X_new)
    assert np.all(np.isfinite(frame.to_numpy()))
    lower, upper = frame["mean_ci_lower"], frame["mean_ci_upper"]
    assert np.all((lower >= 0) & (lower <= frame["mean"]) & (frame["mean"] <= upper))
    assert np.all(upper <= 1)
    assert np.all(frame["mean_se"] >= 0)
    # far out the probability is 0 or 1 and so is its standard error's factor
    assert frame["mean"].iloc[0] == 1.0 and frame["mean"].iloc[1] == 0.0


def test_saved_and_loaded_model_uses_the_stored_covariance(tmp_path):
    X, y = lbw()
    model = LogisticRegression().fit(X, y)
    res = model.inference()
    X_new = new_rows(X, seed=7)
    expected = model.predict_interval(X_new, alpha=0.1)
    display = tmp_path / "display.json"
    logistic.save(
        model, display, covariance=res.cov_params(), covariance_names=res.term_names
    )
    loaded = logistic.load(display)
    assert getattr(loaded, "fit_statistics_", None) is None
    got = loaded.predict_interval(X_new, alpha=0.1)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    # a covariance written intercept-last (named so) is read in that order
    perm = np.r_[1 : res.k_params, 0]
    last = tmp_path / "last.json"
    cov = np.asarray(res.cov_params())[np.ix_(perm, perm)]
    names = [res.term_names[j] for j in perm]
    logistic.save(model, last, covariance=cov, covariance_names=names)
    got = logistic.load(last).predict_interval(X_new, alpha=0.1)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    # by default save stores the model's own covariance and fit statistics (the
    # information rebuilt from the covariance: one inversion's rounding), and a
    # loaded model saved again keeps them
    plain = tmp_path / "plain.json"
    logistic.save(model, plain)
    got = logistic.load(plain).predict_interval(X_new, alpha=0.1)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-10)
    again = tmp_path / "again.json"
    logistic.save(logistic.load(plain), again)
    got = logistic.load(again).predict_interval(X_new, alpha=0.1)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-10)


def test_saved_and_loaded_model_has_inference_without_data(tmp_path):
    """load(path).inference() said "this model kept no fit statistics"; the
    reference is the fitted model's own inference (itself equal to statsmodels
    in tests/test_inference.py)."""
    X, y = lbw()
    model = LogisticRegression().fit(X, y)
    path = tmp_path / "m.json"
    logistic.save(model, path)
    loaded = logistic.load(path)
    a, b = model.inference(), loaded.inference()
    for name in ("params", "bse", "pvalues"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-10)
    for name in ("llf", "llnull", "deviance", "aic", "bic", "pearson_chi2"):
        assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-12)
    np.testing.assert_allclose(
        b.odds_ratios().conf_int, a.odds_ratios().conf_int, rtol=1e-10
    )
    np.testing.assert_allclose(
        b.get_margeff(at="mean").margeff_se,
        a.get_margeff(at="mean").margeff_se,
        rtol=1e-10,
    )
    assert loaded.summary().as_text() == model.summary().as_text()
    # a robust covariance given to save is stored alone: no statistics with it
    robust = model.inference(X, y, cov_type="HC0")
    other = tmp_path / "hc0.json"
    logistic.save(
        model, other, covariance=robust.cov_params(), covariance_names=robust.term_names
    )
    assert getattr(logistic.load(other), "fit_statistics_", None) is None


def test_saved_model_without_a_covariance_names_the_cause(tmp_path):
    X, y = spector()
    # a stream's model has no statistics (an aliased column, a constant or a
    # column of zeros, is stored with the reduced model's covariance:
    # tests/test_aliased_model_file.py)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression().partial_fit(X, y, classes=[0, 1])
    bare = tmp_path / "bare.json"
    logistic.save(model, bare)
    with pytest.raises(InvalidParameterError, match=r"carries none \(fitted by partial_fit"):
        logistic.load(bare).predict_interval(X)
    penalized = tmp_path / "l2.json"
    logistic.save(LogisticRegression(penalty="l2").fit(X, y), penalized)
    with pytest.raises(InvalidParameterError, match="penalized fit"):
        logistic.load(penalized).predict_interval(X)


def test_penalized_and_unfitted_models_are_refused():
    X, y = spector()
    model = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="penalized fit"):
        model.predict_interval(X)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LogisticRegression().predict_interval(X)
    with pytest.raises(InvalidParameterError, match="alpha"):
        LogisticRegression().fit(X, y).predict_interval(X, alpha=1.5)


def test_firth_fit_gives_intervals_from_its_covariance():
    X, y = spector()
    model = LogisticRegression(penalty="firth").fit(X, y)
    res = model.inference()
    frame = model.predict_interval(X)
    x = np.column_stack([np.ones(len(X)), X.to_numpy()])
    se = np.sqrt(np.einsum("ij,jk,ik->i", x, np.asarray(res.cov_params()), x))
    np.testing.assert_allclose(frame["linpred_se"], se, rtol=1e-10)


def test_the_documented_example_runs():
    """docs/predictions-and-influence.md: its code block runs as written."""
    from pathlib import Path

    doc = Path(__file__).parents[1] / "docs" / "predictions-and-influence.md"
    code = doc.read_text().split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, doc.name, "exec"), namespace)
    frame, model, new = namespace["frame"], namespace["model"], namespace["new"]
    np.testing.assert_allclose(frame["mean"], model.predict_proba(new)[:, 1])
    assert len(namespace["top"]) == 5


def test_streamed_fit_gives_the_in_memory_intervals(tmp_path):
    """A fit read block by block (out of core) keeps the statistics predict_interval
    needs; in-sample predictions read its rows block by block."""
    from logistic.backends import Chunked

    X, y = lbw()
    path = tmp_path / "lbw.csv"
    X.assign(low=y).to_csv(path, index=False)
    data = Chunked.from_csv(path, target="low", chunk_rows=40)
    streamed = LogisticRegression().fit(data, None)
    in_memory = LogisticRegression().fit(X, y)
    X_new = new_rows(X, seed=8)
    np.testing.assert_allclose(
        streamed.predict_interval(X_new).to_numpy(),
        in_memory.predict_interval(X_new).to_numpy(),
        rtol=1e-9,
    )
    inside = streamed.inference(data).get_prediction()
    np.testing.assert_allclose(
        inside.summary_frame().to_numpy(),
        in_memory.inference(X, y).get_prediction().summary_frame().to_numpy(),
        rtol=1e-9,
    )


def test_dask_rows_are_refused_with_the_remedy():
    da = pytest.importorskip("dask.array")
    X, y = spector()
    model = LogisticRegression().fit(X.to_numpy(), y)
    with pytest.raises(InvalidParameterError, match="Dask collection: compute it"):
        model.predict_interval(da.from_array(X.to_numpy(), chunks=10))


def test_grouped_fit_equals_statsmodels_binomial_counts():
    """trials=: statsmodels' GLM Binomial on [successes, failures]."""
    rng = np.random.default_rng(9)
    X = rng.normal(size=(40, 2))
    n = rng.integers(3, 12, size=40)
    k = rng.binomial(n, 1 / (1 + np.exp(-(0.3 + X @ [0.8, -0.5]))))
    model = LogisticRegression().fit(X, k, trials=n)
    X_new = rng.normal(size=(10, 2))
    ref = sm.GLM(
        np.column_stack([k, n - k]), sm.add_constant(X), family=sm.families.Binomial()
    ).fit(tol=1e-14)
    expected = sm_frame(ref, X_new, 0.05)
    np.testing.assert_allclose(
        model.predict_interval(X_new).to_numpy(),
        expected[list(FRAME_COLUMNS)].to_numpy(),
        **TOL,
    )


def test_frequency_weights_equal_statsmodels_freq_weights():
    X, y = lbw()
    w = np.random.default_rng(10).integers(1, 4, size=len(y)).astype(float)
    model = LogisticRegression().fit(X, y, sample_weight=w)
    X_new = new_rows(X, seed=11)
    reference = sm_glm(X, y, freq_weights=w)
    expected = sm_frame(reference, X_new, 0.05)
    got = model.predict_interval(X_new)
    # statsmodels 0.15's freq_weights covariance differs from the inverse
    # Fisher information at its own estimates by ~1.4e-8 (relative; 0.14's
    # did not), so the frame is compared at 1e-7 and the standard errors
    # separately against that closed form, x (Xᵀ W X)⁻¹ xᵀ with
    # W = w p (1 - p) at statsmodels' coefficients
    np.testing.assert_allclose(
        got.to_numpy(),
        expected[list(FRAME_COLUMNS)].to_numpy(),
        rtol=1e-7,
        atol=1e-8,
    )
    Xc = sm.add_constant(X).to_numpy()
    beta = reference.params.to_numpy()
    p = 1.0 / (1.0 + np.exp(-Xc @ beta))
    cov = np.linalg.inv((Xc * (w * p * (1 - p))[:, None]).T @ Xc)
    Xn = sm.add_constant(X_new, has_constant="add").to_numpy()
    se = np.sqrt(np.einsum("ij,jk,ik->i", Xn, cov, Xn))
    np.testing.assert_allclose(got["linpred_se"].to_numpy(), se, rtol=1e-9)


def test_predict_interval_streams_a_backend_and_predict_proba_says_so(tmp_path):
    """predict_interval(backend) and predict_proba(backend) raised
    "TypeError: '_ColumnSpec' object is not iterable"."""
    from logistic.backends import Chunked

    X, y = spector()
    path = tmp_path / "spector.csv"
    X.assign(GRADE=y).to_csv(path, index=False)
    data = Chunked.from_csv(path, target="GRADE")
    model = LogisticRegression().fit(X, y)
    expected = model.predict_interval(X).to_numpy()
    np.testing.assert_allclose(
        model.predict_interval(data).to_numpy(), expected, rtol=1e-12
    )
    saved = tmp_path / "m.json"
    logistic.save(model, saved)  # the stored covariance, without fit statistics
    got = logistic.load(saved).predict_interval(data).to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="offset must be None"):
        model.predict_interval(data, offset=np.zeros(len(y)))
    with pytest.raises(
        InvalidParameterError, match="predicts rows in memory .*Chunked"
    ):
        model.predict_proba(data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("theta", "x", "fit_statistics.theta' must be a list of 9 numbers"),
        ("weight_sum", -1.0, "fit_statistics.weight_sum' must be positive"),
        (
            "labels",
            {"positive": 1.0},
            "fit_statistics.labels.weight' must hold numbers",
        ),
    ],
)
def test_wrong_fit_statistics_in_a_file_are_refused(tmp_path, field, value, message):
    from test_io import _rewrite

    X, y = lbw()
    path = tmp_path / "m.json"
    logistic.save(LogisticRegression().fit(X, y), path)
    _rewrite(path, lambda doc: doc["training"]["fit_statistics"].update({field: value}))
    with pytest.raises(logistic.ModelFormatError, match=message):
        logistic.load(path)
