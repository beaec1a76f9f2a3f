"""Validation of hyper-parameters and data (RELIABILITY A01–A03, A05, A06, A09,
A14–A16): every error names the input, what was received and what is allowed,
and a failed ``fit`` leaves the estimator unchanged (NL-state) and the
caller's arrays untouched (NL-input)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import (
    DataConversionWarning,
    InvalidParameterError,
    LogisticRegression,
)
from logistic._validation import check_y_binary, class_weight_vector


def xy(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < 0.5).astype(int)
    y[:2] = [0, 1]
    return X, y


# -- A16: hyper-parameters -------------------------------------------------------
BAD_PARAMS = [
    ("C", -1, r"The 'C' parameter of LogisticRegression must be .*\(0, inf\].* Got -1"),
    ("C", 0, "'C' parameter"),
    ("alpha", -0.1, "'alpha' parameter .* Got -0.1"),
    ("l1_ratio", 1.5, "'l1_ratio' parameter"),
    ("tol", -1e-3, "'tol' parameter"),
    ("max_iter", 0, "'max_iter' parameter .* Got 0"),
    ("max_iter", True, "'max_iter' parameter .* Got True"),
    ("max_iter", 2.5, "'max_iter' parameter"),
    ("penalty", "l3", "'penalty' parameter .* Got 'l3'"),
    ("solver", "nope", "'solver' parameter .* Got 'nope'"),
    ("fit_intercept", "yes", "'fit_intercept' parameter"),
    ("class_weight", "auto", "'class_weight' parameter"),
    ("random_state", -3, "'random_state' parameter"),
    ("warm_start", None, "'warm_start' parameter"),
]


@pytest.mark.parametrize("name,value,match", BAD_PARAMS)
def test_bad_hyperparameter_raises_at_fit_not_init(name, value, match):
    X, y = xy()
    m = LogisticRegression(**{name: value})  # __init__ never raises
    assert m.get_params()[name] is value
    with pytest.raises(InvalidParameterError, match=match):
        m.fit(X, y)
    assert not hasattr(m, "coef_")
    m.set_params(**{name: LogisticRegression().get_params()[name]})  # nor set_params


def test_alpha_and_c_together_is_an_error():
    X, y = xy()
    with pytest.raises(InvalidParameterError, match="alpha or with C, not both"):
        LogisticRegression(penalty="l2", alpha=0.1, C=1.0).fit(X, y)


@pytest.mark.parametrize(
    "kw", [{"C": 0.1}, {"alpha": 0.1}, {"penalty": "firth", "C": 2.0}]
)
def test_strength_without_norm_penalty_is_an_error(kw):
    # scikit-learn 1.9 only warns ("Setting penalty=None will ignore the C and
    # l1_ratio parameters"); a strength that does nothing is refused here
    X, y = xy()
    name = "alpha" if "alpha" in kw else "C"
    with pytest.raises(InvalidParameterError, match=f"has no strength, but {name}="):
        LogisticRegression(**kw).fit(X, y)


def test_set_params_unknown_name():
    with pytest.raises(ValueError, match="Invalid parameter 'Cee'"):
        LogisticRegression().set_params(Cee=1)


def test_get_set_params_round_trip():
    m = LogisticRegression(penalty="l1", C=0.5, class_weight={0: 1, 1: 2})
    p = m.get_params()
    m2 = LogisticRegression().set_params(**p)
    assert m2.get_params() == p


def test_class_weight_unknown_label():
    X, y = xy()
    with pytest.raises(InvalidParameterError, match=r"names no class: its labels \[7\]"):
        LogisticRegression(class_weight={7: 2.0}).fit(X, y)
    with pytest.raises(InvalidParameterError, match="finite weights"):
        LogisticRegression(class_weight={1: -2.0}).fit(X, y)


def test_class_weight_vector_balanced_formula():
    y01 = np.array([0, 0, 0, 1.0])
    v = class_weight_vector("balanced", np.array([0, 1]), y01, None)
    np.testing.assert_allclose(v, [4 / 6, 4 / 6, 4 / 6, 4 / 2])


def test_firth_without_a_firth_solver_is_a_clear_error(monkeypatch):
    from logistic.solvers import SOLVERS

    X, y = xy()
    without = {k: v for k, v in SOLVERS.items() if not v.capabilities.firth}
    monkeypatch.setattr("logistic._estimator_params.SOLVERS", without)
    with pytest.raises(InvalidParameterError, match="firth.*capability"):
        LogisticRegression(penalty="firth").fit(X, y)


def test_firth_penalty_with_a_non_firth_solver_is_refused():
    X, y = xy()
    with pytest.raises(InvalidParameterError, match="firth"):
        LogisticRegression(penalty="firth", solver="lbfgs").fit(X, y)


# -- A01 / A02: non-finite values ------------------------------------------------
@pytest.mark.parametrize("bad,text", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_nonfinite_X_at_fit_and_predict(bad, text):
    X, y = xy()
    X2 = X.copy()
    X2[5, 1] = bad
    with pytest.raises(ValueError, match=f"Input X contains {text}"):
        LogisticRegression().fit(X2, y)
    m = LogisticRegression().fit(X, y)
    for method in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
    ):
        with pytest.raises(ValueError, match=f"Input X contains {text}"):
            getattr(m, method)(X2)
    with pytest.raises(ValueError, match=f"Input X contains {text}"):
        m.score(X2, y)


def test_nan_in_dataframe_names_the_column():
    pd = pytest.importorskip("pandas")
    X, y = xy()
    df = pd.DataFrame(X, columns=["age", "income", "score"])
    df.loc[3, "income"] = np.nan
    with pytest.raises(ValueError, match=r"Input X contains NaN.*'income'.*row: 3"):
        LogisticRegression().fit(df, y)


@pytest.mark.parametrize(
    "bad,text",
    [(np.nan, "Input y contains NaN"), (np.inf, "Input y contains infinity")],
)
def test_nonfinite_y(bad, text):
    X, y = xy()
    y = y.astype(float)
    y[3] = bad
    with pytest.raises(ValueError, match=text):
        LogisticRegression().fit(X, y)


# -- A03 / A05 / A06: shapes ---------------------------------------------------------
def test_empty_data():
    with pytest.raises(ValueError, match="0 sample"):
        LogisticRegression().fit(np.empty((0, 3)), [])
    with pytest.raises(
        ValueError,
        match=r"0 feature\(s\) \(shape=\(12, 0\)\) while a "
        r"minimum of 1 is required",
    ):
        LogisticRegression().fit(np.empty((12, 0)), [0, 1] * 6)


def test_wrong_dimensionality():
    X, y = xy()
    with pytest.raises(ValueError, match="Expected 2D array, got 1D"):
        LogisticRegression().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Expected 2D array, got 3D"):
        LogisticRegression().fit(X[:, :, None], y)
    m = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="Reshape your data"):
        m.predict(X[0])
    with pytest.raises(ValueError, match="1-D"):
        LogisticRegression().fit(X, np.column_stack([y, y]))


def test_column_vector_y_warns_and_gives_the_same_model():
    X, y = xy()
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        a = LogisticRegression().fit(X, y[:, None])
    b = LogisticRegression().fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_inconsistent_lengths():
    X, y = xy()
    with pytest.raises(
        ValueError, match=r"inconsistent numbers of samples: \[40, 39\]"
    ):
        LogisticRegression().fit(X, y[:-1])


# -- A09: dtypes -----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, bool])
def test_numeric_dtypes_fit(dtype):
    X, y = xy()
    Xd = (X > 0) if dtype is bool else (X * 3).astype(dtype)
    m = LogisticRegression(penalty="l2", alpha=0.1).fit(Xd, y)
    assert np.all(np.isfinite(m.coef_))


def test_object_and_complex_dtypes():
    X, y = xy()
    LogisticRegression().fit(X.astype(object), y)  # numeric objects are fine
    Xo = X.astype(object)
    Xo[0, 0] = {"a": 1}
    with pytest.raises(TypeError, match="numbers only"):
        LogisticRegression().fit(Xo, y)
    with pytest.raises(ValueError, match="Complex data not supported"):
        LogisticRegression().fit(X + 1j, y)


def test_string_column_in_a_polars_frame_is_named():
    # pandas frames' text columns are encoded (tests/test_frame_encoding.py);
    # other frames' are refused, naming the column and the way out
    pl = pytest.importorskip("polars")
    X, y = xy()
    df = pl.DataFrame({"a": X[:, 0], "b": X[:, 1], "city": ["x"] * 40})
    with pytest.raises(ValueError, match="column 'city' is not numeric.*pandas"):
        LogisticRegression().fit(df, y)
    # an Enum column said "X must contain numbers only (dtype object)", no name
    for kind in (pl.Categorical, pl.Enum(["x", "y"])):
        df = df.with_columns(pl.col("city").cast(kind))
        with pytest.raises(ValueError, match="column 'city' is not numeric.*pandas"):
            LogisticRegression().fit(df, y)


def test_string_column_in_a_pyarrow_table_points_to_to_pandas():
    # a Table is read through pandas; its refusal said "fit encodes a pandas
    # DataFrame's text ... itself, but partial_fit ... take numbers only" to a
    # caller of fit who had passed no pandas frame
    pa = pytest.importorskip("pyarrow")
    X, y = xy()
    table = pa.table({"a": X[:, 0], "city": ["x", "y"] * 20})
    with pytest.raises(ValueError, match=r"'city' is not numeric.*X\.to_pandas\(\)") as caught:
        LogisticRegression().fit(table, y)
    assert "partial_fit" not in str(caught.value)
    LogisticRegression().fit(table.to_pandas(), y)  # the way out works


# -- A14: targets ----------------------------------------------------------------------
def test_invalid_targets():
    X, _ = xy()
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X, np.zeros(40))
    # three classes are the multinomial model (tests/test_multinomial.py)
    assert LogisticRegression().fit(X, np.arange(40) % 3).coef_.shape == (3, 3)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        LogisticRegression().fit(X, np.linspace(0, 1, 40))
    with pytest.raises(
        ValueError, match=r"Mix of label input types \(string and number\)"
    ):
        LogisticRegression().fit(X, np.array(["a", 1] * 20, dtype=object))
    with pytest.raises(ValueError, match="requires y to be passed"):
        LogisticRegression().fit(X, None)


@pytest.mark.parametrize(
    "labels",
    [[0, 1], [-1, 1], [False, True], [0.0, 1.0], ["no", "yes"], [3, 7]],
)
def test_label_encodings(labels):
    X, y = xy()
    yl = np.asarray(labels)[y]
    m = LogisticRegression(penalty="l2", alpha=0.1).fit(X, yl)
    np.testing.assert_array_equal(m.classes_, np.sort(np.asarray(labels)))
    pred = m.predict(X)
    assert pred.dtype == m.classes_.dtype
    assert set(pred) <= set(m.classes_)
    ref = LogisticRegression(penalty="l2", alpha=0.1).fit(X, y)
    np.testing.assert_allclose(m.decision_function(X), ref.decision_function(X))


def test_pandas_categorical_labels():
    pd = pytest.importorskip("pandas")
    X, y = xy()
    yc = pd.Categorical(np.array(["neg", "pos"])[y])
    m = LogisticRegression(penalty="l2", alpha=0.1).fit(X, pd.Series(yc))
    np.testing.assert_array_equal(m.classes_, ["neg", "pos"])


def test_check_y_binary_encodes_positive_as_larger():
    classes, y01 = check_y_binary(np.array(["b", "a", "b"]))
    np.testing.assert_array_equal(classes, ["a", "b"])
    np.testing.assert_array_equal(y01, [1.0, 0.0, 1.0])


# -- A15: sample_weight and offset -----------------------------------------------------
@pytest.mark.parametrize(
    "weights,match",
    [
        (np.ones(39), r"sample_weight.shape == \(39,\), expected \(40,\)"),
        (np.ones((40, 2)), "sample_weight must be 1D"),
        (-np.ones(40), "Negative values in sample_weight"),
        (np.r_[np.nan, np.ones(39)], "sample_weight contains NaN or infinity"),
        (np.zeros(40), "sample_weight sums to 0"),
    ],
)
def test_bad_sample_weight(weights, match):
    X, y = xy()
    w = np.array(weights, copy=True)
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(w, weights)  # NL-input


def test_weight_on_only_one_class():
    X, y = xy()
    with pytest.raises(
        ValueError, match="sample_weight is zero for every sample of class"
    ):
        LogisticRegression().fit(X, y, sample_weight=(y == 1).astype(float))


def test_bad_offset():
    X, y = xy()
    with pytest.raises(ValueError, match="offset"):
        LogisticRegression().fit(X, y, offset=np.ones(3))
    with pytest.raises(ValueError, match="Input offset contains NaN"):
        LogisticRegression().fit(X, y, offset=np.r_[np.nan, np.zeros(39)])


# -- NL-state: a failed fit changes nothing --------------------------------------------
def test_failed_refit_leaves_the_previous_model():
    X, y = xy()
    m = LogisticRegression(penalty="l2", alpha=0.1).fit(X, y)
    before = {
        k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(m).items()
    }
    X2 = X.copy()
    X2[0, 0] = np.nan
    for bad in (
        lambda: m.fit(X2, y),
        lambda: m.fit(X, np.zeros(40)),
        lambda: m.set_params(C=-1).fit(X, y),
    ):
        with pytest.raises(ValueError):
            bad()
        m.set_params(C=None)
    after = vars(m)
    assert set(after) == set(before)
    for k, v in before.items():
        if isinstance(v, np.ndarray):
            np.testing.assert_array_equal(after[k], v)


def test_sparse_formats_are_accepted():
    X, y = xy()
    ref = LogisticRegression(penalty="l2", alpha=0.1).fit(X, y)
    for fmt in ("csr", "csc", "coo", "lil", "dok", "dia", "bsr"):
        Xs = sp.csr_matrix(X).asformat(fmt)
        m = LogisticRegression(penalty="l2", alpha=0.1).fit(Xs, y)
        np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-10)
        np.testing.assert_allclose(
            m.predict_proba(Xs), ref.predict_proba(X), atol=1e-10
        )
    Xs = sp.csr_matrix(X)
    Xs.indices = Xs.indices.astype(np.int64)
    Xs.indptr = Xs.indptr.astype(np.int64)
    m = LogisticRegression(penalty="l2", alpha=0.1).fit(Xs, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-10)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_non_finite_x_names_its_columns_and_first_row(fmt):
    """RELIABILITY's contract for NaN/±inf in X (the columns and the first bad
    row), for sparse X too: the stored values' positions come from the
    index arrays, in either orientation."""
    from logistic._exceptions import DataValidationError

    rng = np.random.default_rng(3)
    dense = rng.standard_normal((40, 5)) * (rng.random((40, 5)) < 0.6)
    dense[12, 3], dense[30, 1], dense[35, 3] = np.nan, np.inf, -np.inf
    X = sp.csr_matrix(dense) if fmt == "csr" else sp.csc_matrix(dense)
    y = np.r_[np.zeros(20), np.ones(20)]
    with pytest.raises(
        DataValidationError,
        match=r"^Input X contains NaN\. Columns with non-finite values: \['x2', 'x4'\] "
        r"\(X\[:, \[1, 3\]\]\); "
        r"first bad row: 12 \(an index from 0\)\. Remove or impute them first\.$",
    ):
        LogisticRegression().fit(X, y)
