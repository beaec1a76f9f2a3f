"""Residuals and influence measures (logistic.inference._influence).

Reference values: statsmodels' ``GLM(y, X, family=Binomial())`` computed in
each test (``resid_response``, ``resid_pearson``, ``resid_deviance``,
``get_influence()``), with ``freq_weights`` for weighted fits. statsmodels
is fitted with ``tol=1e-14``: its default IRLS stop (relative deviance change
1e-8) leaves its estimates ~1e-9 from the optimum, which shows in dfbetas.
Data: Spector & Mazzeo (tests/data/spector) and the low-birth-weight data
(tests/data/lbw-hosmer-lemeshow, MASS ``birthwt``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic._typing import BackendCapabilities
from logistic.backends import Chunked
from logistic.inference._influence import RowResiduals
from logistic.inference._prediction_interval import row_blocks
from test_inference import lbw, spector

TOL = dict(rtol=1e-8, atol=1e-10)
DATASETS = {"spector": spector, "lbw": lbw}


def sm_glm(X, y, **kw):
    fit_kw = {"tol": 1e-14}
    if "cov_type" in kw:
        fit_kw["cov_type"] = kw.pop("cov_type")
    model = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), **kw)
    return model.fit(**fit_kw)


@pytest.fixture(params=sorted(DATASETS))
def data(request):
    X, y = DATASETS[request.param]()
    res = LogisticRegression().fit(X, y).inference(X, y)
    return X, y, res, sm_glm(X, y)


def test_residuals_equal_statsmodels(data):
    _, _, res, ref = data
    np.testing.assert_allclose(res.resid_response, ref.resid_response, **TOL)
    np.testing.assert_allclose(res.resid_pearson, ref.resid_pearson, **TOL)
    np.testing.assert_allclose(res.resid_deviance, ref.resid_deviance, **TOL)
    # the deviance residuals square and sum to the deviance
    assert np.sum(res.resid_deviance**2) == pytest.approx(res.deviance, rel=1e-12)


def test_influence_equals_statsmodels(data):
    _, _, res, ref = data
    infl, sm_infl = res.get_influence(), ref.get_influence()
    np.testing.assert_allclose(infl.hat_matrix_diag, sm_infl.hat_matrix_diag, **TOL)
    np.testing.assert_allclose(infl.resid_studentized, sm_infl.resid_studentized, **TOL)
    for mine, theirs in zip(infl.cooks_distance, sm_infl.cooks_distance, strict=True):
        np.testing.assert_allclose(mine, theirs, **TOL)
    np.testing.assert_allclose(infl.d_params, sm_infl.d_params, **TOL)
    np.testing.assert_allclose(infl.dfbetas, sm_infl.dfbetas, **TOL)
    np.testing.assert_allclose(
        infl.dffits_internal, sm_infl.d_fittedvalues_scaled, **TOL
    )
    # the hat values sum to the number of parameters (trace of a projection)
    assert infl.hat_matrix_diag.sum() == pytest.approx(res.k_params, rel=1e-10)


def test_summary_frame_has_statsmodels_columns(data):
    _, _, res, ref = data
    frame = res.get_influence().summary_frame()
    theirs = ref.get_influence().summary_frame()
    theirs.columns = [c.replace("dfb_const", "dfb_Intercept") for c in theirs.columns]
    assert list(frame.columns) == list(theirs.columns)
    np.testing.assert_allclose(frame.to_numpy(), theirs.to_numpy(), **TOL)


def test_most_influential_rows_by_cooks_distance(data):
    _, _, res, ref = data
    cooks = ref.get_influence().cooks_distance[0]
    top = res.get_influence().most_influential(5)
    assert list(top["row"]) == list(np.argsort(-cooks)[:5])
    np.testing.assert_allclose(top["cooks_d"], np.sort(cooks)[::-1][:5], **TOL)
    assert list(top.columns) == [
        "row",
        "cooks_d",
        "standard_resid",
        "hat_diag",
        "dffits_internal",
        "resid_pearson",
        "resid_deviance",
    ]


def test_most_influential_by_other_measures_and_bad_arguments():
    X, y = spector()
    infl = LogisticRegression().fit(X, y).inference(X, y).get_influence()
    by_resid = infl.most_influential(3, by="resid_studentized")
    assert list(by_resid["row"]) == list(
        np.argsort(-np.abs(infl.resid_studentized))[:3]
    )
    by_hat = infl.most_influential(100, by="hat_matrix_diag")
    assert len(by_hat) == len(y)  # n larger than the rows: every row, sorted
    assert np.all(np.diff(by_hat["hat_diag"]) <= 0)
    with pytest.raises(InvalidParameterError, match="by must be one of"):
        infl.most_influential(3, by="leverage")
    with pytest.raises(InvalidParameterError, match="n must be an integer"):
        infl.most_influential(-1)


def test_frequency_weights_match_statsmodels_freq_weights():
    X, y = lbw()
    w = np.random.default_rng(0).integers(1, 4, size=len(y)).astype(float)
    res = LogisticRegression().fit(X, y, sample_weight=w).inference(X, y, w)
    ref = sm_glm(X, y, freq_weights=w)
    np.testing.assert_allclose(res.resid_pearson, ref.resid_pearson, **TOL)
    np.testing.assert_allclose(res.resid_deviance, ref.resid_deviance, **TOL)
    infl, sm_infl = res.get_influence(), ref.get_influence()
    np.testing.assert_allclose(infl.hat_matrix_diag, sm_infl.hat_matrix_diag, **TOL)
    np.testing.assert_allclose(infl.cooks_distance[0], sm_infl.cooks_distance[0], **TOL)
    np.testing.assert_allclose(infl.dfbetas, sm_infl.dfbetas, **TOL)


def test_frequency_weighted_measures_against_leaving_out_the_whole_row():
    """What the page says of frequency weights, against the one-step change
    of leaving out row i and its weight s, written here with numpy (a Newton
    step from the fitted estimates, solved with the other rows' information):
    that step is sqrt(s) d_params and its Cook's distance s D."""
    X, y = lbw()
    w = np.random.default_rng(0).integers(1, 5, size=len(y)).astype(float)
    res = LogisticRegression().fit(X, y, sample_weight=w).inference(X, y, w)
    infl = res.get_influence()
    Xt = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    mu = 1 / (1 + np.exp(-Xt @ np.asarray(res.params)))
    info = Xt.T @ (Xt * (w * mu * (1 - mu))[:, None])
    k = Xt.shape[1]
    for i in (0, 17, 101):
        x, s = Xt[i], w[i]
        rest = info - s * mu[i] * (1 - mu[i]) * np.outer(x, x)
        step = np.linalg.solve(rest, s * x * (y[i] - mu[i]))
        np.testing.assert_allclose(np.sqrt(s) * infl.d_params[i], step, rtol=1e-8)
        cooks = step @ info @ step / k
        np.testing.assert_allclose(s * infl.cooks_distance[0][i], cooks, rtol=1e-8)


def test_robust_results_scale_dfbetas_by_their_bse():
    X, y = spector()
    res = LogisticRegression().fit(X, y).inference(X, y, cov_type="HC0")
    sm_infl = sm_glm(X, y, cov_type="HC0").get_influence()
    infl = res.get_influence()
    np.testing.assert_allclose(infl.dfbetas, sm_infl.dfbetas, **TOL)
    # the leverage is the model-based one whatever the covariance type
    np.testing.assert_allclose(infl.hat_matrix_diag, sm_infl.hat_matrix_diag, **TOL)


def test_streamed_rows_give_the_in_memory_values(tmp_path):
    X, y = lbw()
    path = tmp_path / "lbw.csv"
    X.assign(low=y).to_csv(path, index=False)
    data = Chunked.from_csv(path, target="low", chunk_rows=50)
    model = LogisticRegression().fit(data, None)
    streamed = model.inference(data)
    in_memory = LogisticRegression().fit(X, y).inference(X, y)
    np.testing.assert_allclose(streamed.resid_deviance, in_memory.resid_deviance, **TOL)
    a, b = streamed.get_influence(), in_memory.get_influence()
    np.testing.assert_allclose(a.cooks_distance[0], b.cooks_distance[0], **TOL)
    np.testing.assert_allclose(a.dfbetas, b.dfbetas, **TOL)


def test_needs_the_rows():
    X, y = spector()
    res = LogisticRegression().fit(X, y).inference()  # statistics kept at fit
    with pytest.raises(
        InvalidParameterError,
        match="^computing residuals and influence measures needs the training data",
    ):
        res.get_influence()
    with pytest.raises(InvalidParameterError, match="needs the training data"):
        _ = res.resid_pearson

    class ReducesOnly:  # as the Dask backend: no blocks, no rows
        capabilities = BackendCapabilities()

    with pytest.raises(InvalidParameterError, match="only sums over its blocks"):
        list(row_blocks(ReducesOnly(), "get_influence()"))


def test_grouped_fit_is_refused():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    n = rng.integers(2, 9, size=30)
    k = rng.binomial(n, 0.4)
    res = LogisticRegression().fit(X, k, trials=n).inference()
    with pytest.raises(InvalidParameterError, match="grouped binomial fit"):
        res.get_influence()
    with pytest.raises(InvalidParameterError, match="grouped binomial fit"):
        _ = res.resid_deviance


def test_residuals_stay_finite_at_extreme_logits():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    z = np.array([800.0, -800.0, -40.0, 40.0])
    one = np.ones(4)
    r = RowResiduals(y, z, one, one, one)
    # fitted exactly: (near) zero residuals, not 0/0
    assert r.pearson[:2] == pytest.approx([0.0, 0.0], abs=1e-150)
    assert r.deviance[:2] == pytest.approx([0.0, 0.0], abs=1e-150)
    # badly fitted at |z| = 40: Pearson e^{20}, deviance sqrt(2 * 40.0...)
    np.testing.assert_allclose(r.pearson[2:], [np.exp(20.0), -np.exp(20.0)], rtol=1e-14)
    dev = np.sqrt(2 * np.logaddexp(0.0, 40.0))
    np.testing.assert_allclose(r.deviance[2:], [dev, -dev], rtol=1e-14)
    np.testing.assert_allclose(r.response[2:], [1.0, -1.0], rtol=1e-15)


def test_dataframe_names_label_dfbetas():
    X, y = spector()
    assert isinstance(X, pd.DataFrame)
    frame = (
        LogisticRegression().fit(X, y).inference(X, y).get_influence().summary_frame()
    )
    assert list(frame.columns[:4]) == [
        "dfb_Intercept",
        "dfb_GPA",
        "dfb_TUCE",
        "dfb_PSI",
    ]


def test_frames_of_training_rows_keep_the_dataframes_row_labels():
    # statsmodels' GLMInfluence.summary_frame() and get_prediction()
    # .summary_frame() are indexed by the data's row labels: a frame joined
    # back onto the data by index must meet each row's own values
    X, y = lbw()
    X = X.set_axis(np.arange(100, 100 + len(X))[::-1])
    y = pd.Series(np.asarray(y), index=X.index)
    res = LogisticRegression().fit(X, y).inference(X, y)
    ref = sm_glm(X, y)
    frame = res.get_influence().summary_frame()
    theirs = ref.get_influence().summary_frame()
    pd.testing.assert_index_equal(frame.index, theirs.index)
    pd.testing.assert_index_equal(frame.index, X.index)
    joined = X.join(frame["cooks_d"])
    np.testing.assert_allclose(
        joined["cooks_d"], theirs["cooks_d"].reindex(X.index), **TOL
    )
    inside = res.get_prediction().summary_frame()
    pd.testing.assert_index_equal(inside.index, ref.get_prediction().summary_frame().index)
    # arrays have no labels: positions, as before
    plain = LogisticRegression().fit(X.to_numpy(), y.to_numpy())
    arrays = plain.inference(X.to_numpy(), y.to_numpy())
    pd.testing.assert_index_equal(
        arrays.get_influence().summary_frame().index, pd.RangeIndex(len(X))
    )


def test_sparse_rows_give_the_dense_values():
    import scipy.sparse as sp

    X, y = lbw()
    Xd = X.to_numpy()
    dense = LogisticRegression().fit(Xd, y).inference(Xd, y).get_influence()
    Xs = sp.csr_matrix(Xd)
    sparse = LogisticRegression().fit(Xs, y).inference(Xs, y).get_influence()
    np.testing.assert_allclose(sparse.hat_matrix_diag, dense.hat_matrix_diag, rtol=1e-8)
    np.testing.assert_allclose(sparse.dfbetas, dense.dfbetas, rtol=1e-7, atol=1e-10)


def test_dask_collections_are_gathered_and_a_dask_backend_is_refused(dask_client):
    """As docs/predictions-and-influence.md says: Dask collections given to
    inference() are computed into the client (then everything works as with
    arrays); a backends.Dask source keeps its rows on the workers, and
    per-row quantities are refused with the remedy."""
    dd = pytest.importorskip("dask.dataframe")
    from logistic.backends import Dask

    X, y = spector()
    frame = dd.from_pandas(X.assign(GRADE=y), npartitions=3)
    model = LogisticRegression().fit(X, y)
    gathered = model.inference(frame[list(X.columns)], frame["GRADE"])
    in_memory = model.inference(X, y)
    np.testing.assert_allclose(gathered.resid_pearson, in_memory.resid_pearson, **TOL)
    a, b = gathered.get_influence(), in_memory.get_influence()
    np.testing.assert_allclose(a.cooks_distance[0], b.cooks_distance[0], **TOL)
    # labelled as arrays: the lazy Dask index is not kept on the results
    assert gathered._row_labels is None
    pd.testing.assert_index_equal(a.summary_frame().index, pd.RangeIndex(len(X)))
    on_workers = model.inference(Dask(frame[list(X.columns)], frame["GRADE"]))
    with pytest.raises(InvalidParameterError, match="Dask collections themselves"):
        on_workers.get_influence()
