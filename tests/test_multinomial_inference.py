"""Robust covariances and tests of unpenalized multinomial fits.

References, all computed here from statsmodels ``MNLogit`` (Newton to 1e-12)
on its bundled ``anes96`` data (party identification, 7 classes, 944 rows;
``statsmodels.datasets.anes96``, shipped with statsmodels, read offline):

* ``cov_type="HC0"``: statsmodels' ``fit(cov_type="HC0")`` standard errors;
* ``"HC1"``: this library's HC1 is R ``sandwich``'s ``n/(n-k)`` HC0 (as for two
  classes); statsmodels' discrete models apply no factor (their HC1 equals
  their HC0, checked below), so the reference is ``sqrt(n/(n-k))`` times
  statsmodels' HC0 standard errors;
* ``"cluster"`` by the respondent's town (``popul``, 99 groups): this
  library's factor is Stata's ``G/(G-1)``, statsmodels' default
  (``use_correction=True``) ``G/(G-1) (n-1)/(n-k)``; both are checked;
* Wald tests against statsmodels' ``wald_test(R, use_f=False)`` of the same
  covariance type; likelihood-ratio tests against ``2 (llf_full -
  llf_restricted)`` of two statsmodels fits.

Out-of-core and Dask data must give the in-memory numbers to 1e-8.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._exceptions import DataValidationError, InvalidParameterError

sm = pytest.importorskip("statsmodels.api")

NAMES = ["logpopul", "selfLR", "age", "educ", "income"]
FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas()
    X = np.asarray(data.exog, dtype=float)  # logpopul, selfLR, age, educ, income
    y = np.asarray(data.endog, dtype=float)
    towns = np.asarray(data.data["popul"])
    return X, y, towns


@pytest.fixture(scope="module")
def statsmodels_fits(anes):
    X, y, towns = anes
    model = sm.MNLogit(y, sm.add_constant(X, prepend=False))
    return {
        "nonrobust": model.fit(**FIT),
        "HC0": model.fit(cov_type="HC0", **FIT),
        "HC1": model.fit(cov_type="HC1", **FIT),
        "cluster": model.fit(cov_type="cluster", cov_kwds={"groups": towns}, **FIT),
        "cluster-nocorr": model.fit(
            cov_type="cluster",
            cov_kwds={"groups": towns, "use_correction": False},
            **FIT,
        ),
    }


@pytest.fixture(scope="module")
def model(anes):
    X, y, _ = anes
    return LogisticRegression().fit(X, y)


def _bse(result):
    return np.asarray(result.bse).T  # statsmodels: (q, K-1); ours: (K-1, q)


N, K_PARAMS, G = 944, 36, 99


def test_hc0_equals_statsmodels(anes, model, statsmodels_fits):
    X, y, _ = anes
    res = model.inference(X, y, cov_type="HC0")
    ref = statsmodels_fits["HC0"]
    assert res.cov_type == "HC0"
    np.testing.assert_allclose(res.params, np.asarray(ref.params).T, atol=1e-6)
    np.testing.assert_allclose(res.bse, _bse(ref), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        res.cov_params(), ref.cov_params(), rtol=1e-6, atol=1e-10
    )
    np.testing.assert_allclose(res.pvalues, np.asarray(ref.pvalues).T, rtol=1e-5)


def test_hc1_is_hc0_times_n_over_n_minus_k(anes, model, statsmodels_fits):
    X, y, _ = anes
    res = model.inference(X, y, cov_type="HC1")
    hc0 = _bse(statsmodels_fits["HC0"])
    np.testing.assert_allclose(_bse(statsmodels_fits["HC1"]), hc0, rtol=1e-12)
    expected = np.sqrt(N / (N - K_PARAMS)) * hc0
    np.testing.assert_allclose(res.bse, expected, rtol=1e-6, atol=1e-9)
    assert res.cov_info["factor"] == pytest.approx(N / (N - K_PARAMS), rel=1e-15)


def test_cluster_equals_statsmodels_up_to_its_documented_factor(
    anes, model, statsmodels_fits
):
    X, y, towns = anes
    res = model.inference(X, y, cov_type="cluster", groups=towns)
    assert res.cov_info["n_groups"] == G
    # statsmodels without its correction, times Stata's G/(G-1)
    plain = _bse(statsmodels_fits["cluster-nocorr"])
    np.testing.assert_allclose(res.bse, np.sqrt(G / (G - 1)) * plain, rtol=1e-6)
    # statsmodels' default adds (n-1)/(n-k)
    default = _bse(statsmodels_fits["cluster"])
    factor = (N - K_PARAMS) / (N - 1)
    np.testing.assert_allclose(res.bse, np.sqrt(factor) * default, rtol=1e-6)
    text = str(model.summary(X, y, cov_type="cluster", groups=towns))
    assert "cluster (99 groups)" in text


def test_a_fit_that_kept_no_statistics_gets_them_from_the_data(
    anes, statsmodels_fits, monkeypatch
):
    import logistic.inference._multinomial as mn

    X, y, _ = anes
    monkeypatch.setattr(mn, "MAX_STORED_PARAMS", 10)  # anes96 has 36 parameters
    fitted = LogisticRegression().fit(X, y)
    assert fitted.fit_statistics_ is None
    with pytest.raises(InvalidParameterError, match="pass X and y exactly"):
        fitted.inference()
    res = fitted.inference(X, y)
    ref = statsmodels_fits["nonrobust"]
    np.testing.assert_allclose(res.bse, _bse(ref), rtol=1e-6)
    assert res.llf == pytest.approx(ref.llf, rel=1e-12)
    assert res.aic == pytest.approx(ref.aic, rel=1e-12)


def test_nonrobust_with_data_equals_the_kept_statistics(anes, model):
    X, y, _ = anes
    kept, again = model.inference(), model.inference(X, y)
    np.testing.assert_allclose(again.cov_params(), kept.cov_params(), rtol=1e-10)
    assert again.llf == pytest.approx(kept.llf, rel=1e-13)
    assert again.llnull == pytest.approx(kept.llnull, rel=1e-13)
    ref = sm.MNLogit(y, sm.add_constant(X, prepend=False)).fit(**FIT)
    assert kept.llr == pytest.approx(ref.llr, rel=1e-8)  # its llnull is iterative
    assert kept.llr_pvalue == pytest.approx(ref.llr_pvalue, rel=1e-6, abs=1e-300)
    text = str(kept.summary())
    assert "Covariance type" in text and "nonrobust" in text


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "cluster"])
def test_wald_test_equals_statsmodels(anes, model, statsmodels_fits, cov_type):
    X, y, towns = anes
    groups = towns if cov_type == "cluster" else None
    res = model.inference(X, y, cov_type=cov_type, groups=groups)
    # cluster: statsmodels without its correction, our V = G/(G-1) times its V
    ref = statsmodels_fits["cluster-nocorr" if groups is not None else cov_type]
    scale = (G - 1) / G if groups is not None else 1.0
    R = np.zeros((3, K_PARAMS))
    R[0, 1] = 1.0  # selfLR, equation 1
    R[1, 6 + 1], R[1, 12 + 1] = 1.0, -1.0  # selfLR: equation 2 = equation 3
    R[2, 5] = 1.0  # intercept of equation 1 = 0.5
    q = np.array([0.0, 0.0, 0.5])
    ours = res.wald_test(R, q)
    theirs = ref.wald_test((R, q), use_f=False, scalar=True)
    assert ours.df == 3
    expected = scale * float(theirs.statistic)
    assert ours.statistic == pytest.approx(expected, rel=1e-6)
    if groups is None:
        assert ours.pvalue == pytest.approx(float(theirs.pvalue), rel=1e-5)
    text = res.wald_test("`1.0:x2` = 0, `2.0:x2` = `3.0:x2`, `1.0:Intercept` = 0.5")
    assert text.statistic == pytest.approx(ours.statistic, rel=1e-12)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC1"])
def test_per_term_joint_tests_equal_statsmodels(
    anes, model, statsmodels_fits, cov_type
):
    X, y, _ = anes
    res = model.inference(X, y, cov_type=cov_type)
    ref = statsmodels_fits["nonrobust" if cov_type == "nonrobust" else "HC0"]
    scale = 1.0 if cov_type == "nonrobust" else (N - K_PARAMS) / N
    terms = res.wald_test_terms()
    assert list(terms) == res.term_names
    eye = np.eye(K_PARAMS)
    for j, term in enumerate(res.term_names):
        theirs = ref.wald_test(eye[j::6], use_f=False, scalar=True)
        assert terms[term].df == 6
        expected = scale * float(theirs.statistic)
        assert terms[term].statistic == pytest.approx(expected, rel=1e-6)


def test_lr_test_equals_statsmodels_log_likelihoods(anes, model):
    X, y, _ = anes
    keep = [0, 2, 3, 4]  # without selfLR
    small = LogisticRegression().fit(X[:, keep], y)
    const = sm.add_constant
    full_sm = sm.MNLogit(y, const(X, prepend=False)).fit(**FIT)
    small_sm = sm.MNLogit(y, const(X[:, keep], prepend=False)).fit(**FIT)
    test = model.inference().lr_test(small.inference())
    assert test.df == 6
    expected = 2.0 * (full_sm.llf - small_sm.llf)
    assert test.statistic == pytest.approx(expected, rel=1e-9)
    from scipy.stats import chi2

    assert test.pvalue == pytest.approx(chi2.sf(expected, 6), rel=1e-6, abs=1e-300)
    same = small.inference().lr_test(model.inference(X, y, cov_type="HC0"))
    assert same.statistic == pytest.approx(test.statistic, rel=1e-12)


def test_lr_test_refuses_other_rows_or_a_binary_fit(anes, model):
    X, y, _ = anes
    fewer = LogisticRegression().fit(X[:900, :4], y[:900])
    with pytest.raises(InvalidParameterError, match="different data"):
        model.inference().lr_test(fewer.inference())
    binary = LogisticRegression().fit(X, y > 3)
    with pytest.raises(InvalidParameterError, match="another multinomial fit"):
        model.inference().lr_test(binary.inference())


def test_frequency_weights_equal_duplicated_rows(anes):
    X, y, towns = anes
    w = np.ones(len(y))
    w[:50] = 2.0
    dup = np.r_[np.arange(len(y)), np.arange(50)]
    weighted = LogisticRegression().fit(X, y, sample_weight=w)
    duplicated = LogisticRegression().fit(X[dup], y[dup])
    for cov_type, g in (("HC0", None), ("HC1", None), ("cluster", towns)):
        a = weighted.inference(X, y, w, cov_type=cov_type, groups=g)
        gd = None if g is None else g[dup]
        b = duplicated.inference(X[dup], y[dup], cov_type=cov_type, groups=gd)
        np.testing.assert_allclose(a.bse, b.bse, rtol=1e-7)


def test_an_offset_matrix_given_again(anes, statsmodels_fits):
    # a constant offset per class only moves the intercepts: the same fitted
    # probabilities, so statsmodels' HC0 standard errors without offset
    X, y, towns = anes
    offset = np.tile(np.linspace(-1.0, 2.0, 7), (y.size, 1))
    shifted = LogisticRegression().fit(X, y, offset=offset)
    res = shifted.inference(X, y, None, offset, cov_type="HC0")
    np.testing.assert_allclose(res.bse, _bse(statsmodels_fits["HC0"]), rtol=1e-6)
    with pytest.raises(DataValidationError, match="do not match the data"):
        shifted.inference(X, y, cov_type="HC0")  # the offset left out


def test_dataframe_names_reach_the_tests(anes):
    pd = pytest.importorskip("pandas")
    X, y, _ = anes
    frame = pd.DataFrame(X, columns=NAMES)
    fitted = LogisticRegression().fit(frame, y)
    res = fitted.inference(frame, y, cov_type="HC0")
    assert res.param_names[:2] == ["1.0:logpopul", "1.0:selfLR"]
    by_text = res.wald_test("`1.0:selfLR` = `2.0:selfLR`")
    R = np.zeros(K_PARAMS)
    R[1], R[7] = 1.0, -1.0
    assert by_text.statistic == pytest.approx(res.wald_test(R).statistic, rel=1e-12)
    assert list(res.wald_test_terms())[1] == "selfLR"


def test_sparse_x_and_text_columns_given_again(anes, model):
    import scipy.sparse as sp

    pd = pytest.importorskip("pandas")
    X, y, towns = anes
    for cov_type, g in (("HC0", None), ("cluster", towns)):
        dense = model.inference(X, y, cov_type=cov_type, groups=g)
        fitted = LogisticRegression().fit(sp.csr_matrix(X), y)
        sparse = fitted.inference(sp.csr_matrix(X), y, cov_type=cov_type, groups=g)
        np.testing.assert_allclose(sparse.bse, dense.bse, rtol=1e-7)
    frame = pd.DataFrame(X[:, :4], columns=NAMES[:4])
    frame["income"] = np.where(X[:, 4] > 15, "high", "low")  # a text column
    fitted = LogisticRegression().fit(frame, y)
    res = fitted.inference(frame, y, cov_type="HC1")
    assert res.term_names[-2:] == ["income[T.low]", "Intercept"]
    np.testing.assert_allclose(
        fitted.inference(frame, y).bse, fitted.inference().bse, rtol=1e-10
    )


def test_requests_that_cannot_be_answered_are_refused(anes, model):
    X, y, towns = anes
    with pytest.raises(InvalidParameterError, match="cov_type='HC1' needs the train"):
        model.inference(cov_type="HC1")
    with pytest.raises(InvalidParameterError, match="groups must be given"):
        model.inference(X, y, cov_type="HC0", groups=towns)
    with pytest.raises(InvalidParameterError, match="groups must be given"):
        model.inference(X, y, cov_type="cluster")
    for data in ((X, y), ()):
        with pytest.raises(InvalidParameterError, match="'cov_type' parameter"):
            model.inference(*data, cov_type="HC3")
    with pytest.raises(DataValidationError, match="do not match the data"):
        model.inference(X[::-1] * 1.01, y, cov_type="HC0")
    with pytest.raises(DataValidationError, match="fitted on"):
        model.inference(X[y < 6], y[y < 6])
    with pytest.raises(DataValidationError, match="at least 2 groups"):
        model.inference(X, y, cov_type="cluster", groups=np.zeros(len(y)))
    penalized = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="penalized fit"):
        penalized.inference(X, y, cov_type="HC0")


# -- the same numbers out of core and on Dask ------------------------------------------
def _blocks(X, y, rows, w=None):
    def blocks():
        for a in range(0, len(y), rows):
            if w is None:
                yield X[a : a + rows], y[a : a + rows]
            else:
                yield X[a : a + rows], y[a : a + rows], w[a : a + rows]

    return blocks


def _same(a, b):
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(a.cov_params(), b.cov_params(), rtol=1e-8, atol=1e-12)
    assert a.llf == pytest.approx(b.llf, rel=1e-12)


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1"])
def test_blocks_give_the_in_memory_covariance(anes, model, cov_type):
    X, y, _ = anes
    w = np.linspace(0.5, 2.0, len(y))
    weighted = LogisticRegression().fit(X, y, sample_weight=w)
    streamed = LogisticRegression().fit(_blocks(X, y, 301, w), None)
    _same(
        streamed.inference(_blocks(X, y, 301, w), None, cov_type=cov_type),
        weighted.inference(X, y, w, cov_type=cov_type),
    )


def test_csv_file_gives_the_in_memory_covariance(tmp_path, anes, model):
    X, y, towns = anes
    path = tmp_path / "anes.csv"
    rows = [",".join([*NAMES, "party"])]
    rows += [",".join([*map(repr, X[i].tolist()), repr(y[i])]) for i in range(len(y))]
    path.write_text("\n".join(rows) + "\n")
    streamed = LogisticRegression().fit(str(path), "party")
    for cov_type in ("HC0", "HC1"):
        _same(
            streamed.inference(str(path), "party", cov_type=cov_type),
            model.inference(X, y, cov_type=cov_type),
        )
    with pytest.raises(InvalidParameterError, match="needs the rows in memory"):
        streamed.inference(str(path), "party", cov_type="cluster", groups=towns)


@pytest.mark.dask
def test_dask_gives_the_in_memory_covariance(anes, model):
    da = pytest.importorskip("dask.array")
    X, y, _ = anes
    Xd = da.from_array(X, chunks=(250, 5))
    yd = da.from_array(y, chunks=250)
    fitted = LogisticRegression().fit(Xd, yd)
    for cov_type in ("nonrobust", "HC0", "HC1"):
        _same(
            fitted.inference(Xd, yd, cov_type=cov_type),
            model.inference(X, y, cov_type=cov_type),
        )


def test_separated_information_with_a_zero_diagonal_inverts_without_warnings():
    """A fuzzed model file can carry an information matrix of a separated fit
    whose diagonal has a zero (an equation's probabilities all 0 or 1): the
    fallback inverse is returned as it is and its condition number is computed
    without dividing by that zero (no RuntimeWarning escapes)."""
    from types import SimpleNamespace

    from logistic.inference._multinomial_covariance import invert_multinomial as _invert

    info = np.array([[0.0, 1.0], [1.0, 2.0]])
    stats = SimpleNamespace(information=info, mean=np.zeros(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cov, _ = _invert(stats, ["a:x", "b:x"], ["x"], False, True)  # type: ignore[arg-type]
    # inverse of [[0, 1], [1, 2]] by hand: (1/det) [[2, -1], [-1, 0]] with det = -1
    np.testing.assert_allclose(cov, [[-2.0, 1.0], [1.0, 0.0]])


def test_sampling_weights_of_k_classes_are_refused_with_the_cluster_remedy():
    """The refusal names what gives the sampling-weight sandwich for K classes
    (docs/multinomial.md): one cluster per row."""
    import logistic
    from logistic import InvalidParameterError, LogisticRegression

    X, y, _ = logistic.datasets.load_ucla_admissions()
    rank = 1 + X[:, 2:] @ np.array([1.0, 2.0, 3.0])  # ranks 1-4 from the dummies
    X = X[:, :2]
    w = np.linspace(0.5, 2.0, X.shape[0])
    model = LogisticRegression().fit(X, rank, sample_weight=w)
    with pytest.raises(InvalidParameterError, match=r"groups=np\.arange\(n_samples\)"):
        model.inference(X, rank, w, sample_weight_kind="sampling")
