"""Tall fits: Newton's subsample start, and the fixed costs of fit's checks.

References come from outside the code under test: scikit-learn's
``newton-cholesky`` (L2) and statsmodels' ``Logit`` (unpenalized) fitted to a
tight tolerance, numpy's ``np.unique`` for the labels. The subsample start
runs on data with at least 10 × max(20 000, 20·p) rows
(:mod:`logistic.solvers.newton`), so the tall sets here have 240 000 rows of
8 features (15 MB); every k-th row is in the subsample, k = 240 000 // 20 000.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._labels import check_y_binary, check_y_classes
from logistic._objective import LogisticObjective
from logistic._validation import check_X
from logistic.backends import InMemory
from logistic.solvers import solve

N, P = 240_000, 8
K = N // 20_000  # the subsample's row stride


def _design(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Correlated columns on different scales, and their true logits."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((N, P))
    Z[:, 1] += 0.8 * Z[:, 0]
    X = Z * np.array([1.0, 3.0, 0.1, 10.0, 1.0, 0.5, 2.0, 1.0]) + np.arange(P)
    w = rng.standard_normal(P) / np.array([1.0, 3.0, 0.1, 10.0, 1.0, 0.5, 2.0, 1.0])
    return X, (X - np.arange(P)) @ w


@pytest.fixture(scope="module")
def tall() -> tuple[np.ndarray, np.ndarray]:
    X, z = _design(0)
    y = (np.random.default_rng(1).random(N) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def _statsmodels_logit(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    sm = pytest.importorskip("statsmodels.api")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.Logit(y, sm.add_constant(X)).fit(
            method="newton", tol=1e-12, maxiter=500, disp=0
        )
    return np.asarray(res.params)  # intercept first


def _passes(X, y, l2: float, **options) -> tuple[object, object]:
    obj = LogisticObjective(InMemory(X, y), l2=l2)
    return solve(
        "newton", obj, np.zeros(P + 1), tol=1e-10, max_iter=500, options=options
    ), obj


# -- the subsample start -------------------------------------------------------------
def test_tall_l2_fit_starts_from_the_subsample_and_matches_sklearn(tall):
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, y = tall
    ours = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    theirs = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    start = ours.history_[0]
    assert ours.solver_ == "newton" and ours.converged_
    assert start["subsample_used"] == 1
    assert start["subsample_rows"] == len(range(0, N, K))
    assert 1 <= start["subsample_iter"] <= 10
    # n_iter_ counts the full-data iterations only, one history entry each
    assert ours.n_iter_[0] == len(ours.history_) - 1
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-6)


def test_subsample_start_saves_full_passes_and_keeps_the_optimum(tall):
    X, y = tall
    started, obj = _passes(X, y, 1.0 / N)
    zero, _ = _passes(X, y, 1.0 / N, start_rows=0)
    assert started.converged and zero.converged
    assert started.history[0]["subsample_used"] == 1
    assert "subsample_used" not in zero.history[0]
    assert started.n_passes < zero.n_passes
    gap = abs(obj.value(started.coef) - obj.value(zero.coef))
    assert gap <= 1e-12 * abs(obj.value(zero.coef))


def test_unpenalized_tall_fit_matches_statsmodels(tall):
    X, y = tall
    ours = LogisticRegression().fit(X, y)
    params = _statsmodels_logit(X, y)
    assert ours.converged_ and ours.history_[0]["subsample_used"] == 1
    np.testing.assert_allclose(ours.intercept_[0], params[0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.coef_.ravel(), params[1:], rtol=1e-6, atol=1e-9)


def _separable_subsample(flips: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels ``z > 0`` with ``flips`` rows flipped, none of them in the
    subsample: the subsample is linearly separable (by the true w), the full
    data are not, so the unpenalized optimum exists only for the full data."""
    X, z = _design(seed)
    y = (z > 0).astype(float)
    rows = np.flatnonzero(np.arange(N) % K != 0)
    flipped = np.random.default_rng(seed).choice(rows, flips, replace=False)
    y[flipped] = 1.0 - y[flipped]
    return X, y


@pytest.mark.parametrize(
    "flips,used",
    [
        (60, 1),  # nearly separable: the subsample's optimum is a good start
        # below J(0) but past the optimum (|w| ~ 4x too large, little
        # curvature): refused by the Newton decrement; taken, Newton would
        # backtrack for 20 passes against 12 from zero
        (2_000, 0),
        (12_000, 0),  # 5 % flipped: the full objective there is above J(0)
    ],
)
def test_unpenalized_separable_subsample(flips, used):
    X, y = _separable_subsample(flips, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the subsample fit's warnings stay inside
        ours = LogisticRegression().fit(X, y)
    assert ours.converged_ and ours.separation_ is None
    assert ours.history_[0]["subsample_used"] == used
    params = _statsmodels_logit(X, y)
    # a flat optimum (|w| up to ~1e2): agreement to 1e-6 of the largest coefficient
    scale = np.max(np.abs(params))
    np.testing.assert_allclose(ours.intercept_[0], params[0], rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(
        ours.coef_.ravel(), params[1:], rtol=0, atol=1e-6 * scale
    )
    # never worse than starting from zero, but for the one full pass a refused
    # start spends at its point
    zero, _ = _passes(X, y, 0.0, start_rows=0)
    started, _ = _passes(X, y, 0.0)
    assert started.n_passes <= zero.n_passes + (1 - used)


@pytest.mark.parametrize("kind", ["csr", "float32-F"])
def test_tall_sparse_and_float32_fortran_fits_start_from_the_subsample(tall, kind):
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, y = tall
    if kind == "csr":
        X = sp.csr_matrix(np.where(np.abs(X - X.mean(0)) > 0.5 * X.std(0), X, 0.0))
        atol = 1e-6
    else:  # float32 resolves coefficients to ~1e-6 relative (default tol 1e-6)
        X = np.asfortranarray(X, dtype=np.float32)
        atol = 1e-4
    ours = LogisticRegression(penalty="l2", C=1.0).fit(X, y)
    theirs = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X.astype(np.float64), y)
    assert ours.solver_ == "newton" and ours.history_[0]["subsample_used"] == 1
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=atol)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=atol)


def test_no_subsample_start_with_offset_or_warm_start(tall):
    X, y = tall
    offset = np.full(N, 0.1)
    m = LogisticRegression().fit(X, y, offset=offset)
    assert "subsample_used" not in m.history_[0]
    m = LogisticRegression(warm_start=True).fit(X, y)
    assert m.history_[0]["subsample_used"] == 1
    m.fit(X, y)  # starts from its previous coefficients
    assert "subsample_used" not in m.history_[0]


def test_tall_multinomial_newton_fit_starts_at_zero_and_matches_sklearn(tall):
    """K = 3 classes go through the same Newton class on another objective
    (J(0) = log 3): no subsample start, the optimum is scikit-learn's."""
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, _ = tall
    y = np.digitize(X[:, 0] - X[:, 3] / 10.0, [-1.0, 1.0]).astype(float)
    flip = np.random.default_rng(3).random(N) < 0.2
    y[flip] = np.random.default_rng(4).integers(0, 3, int(flip.sum()))
    ours = LogisticRegression(penalty="l2", C=1.0, solver="newton").fit(X, y)
    theirs = sklearn_lm.LogisticRegression(
        C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y)
    assert "subsample_used" not in ours.history_[0]
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=0, atol=1e-6)


def test_no_subsample_start_on_short_data(tall):
    X, y = tall
    m = LogisticRegression().fit(X[:150_000], y[:150_000])
    assert "subsample_used" not in m.history_[0]


def test_subsample_uses_the_rows_weights(tall):
    """Class weights (part of the rows' weights) reach the subsample: the
    weighted optimum is matched, from the subsample start."""
    sklearn_lm = pytest.importorskip("sklearn.linear_model")
    X, y = tall
    ours = LogisticRegression(penalty="l2", C=1.0, class_weight="balanced").fit(X, y)
    theirs = sklearn_lm.LogisticRegression(
        C=1.0, class_weight="balanced", solver="newton-cholesky", tol=1e-12
    ).fit(X, y)
    assert ours.history_[0]["subsample_used"] == 1
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-6)


# -- the finite check of X -----------------------------------------------------------
@pytest.mark.parametrize(
    "bad,text",
    [
        (np.nan, "NaN"),
        (np.inf, r"infinity or a value too large for dtype\('float64'\)"),
        (-np.inf, r"infinity or a value too large for dtype\('float64'\)"),
    ],
)
@pytest.mark.parametrize("order", ["C", "F"])
def test_nonfinite_X_names_columns_and_first_row(bad, text, order):
    X = np.asarray(np.random.default_rng(0).standard_normal((50, 4)), order=order)
    X[7, 2] = bad
    X[30, 0] = bad
    with pytest.raises(
        ValueError,
        match=rf"^Input X contains {text}\. Columns with non-finite values: "
        r"\['x1', 'x3'\] \(X\[:, \[0, 2\]\]\); first bad row: 7 \(an index from 0\)\. Remove or impute them first\.$",
    ):
        check_X(X)


def test_nonfinite_sparse_X():
    X = sp.random(40, 5, density=0.3, format="csr", random_state=0)
    X.data[3] = np.nan
    row, col = np.argwhere(np.isnan(X.toarray()))[0]  # where the dense view has it
    with pytest.raises(
        ValueError,
        match=rf"^Input X contains NaN\. Columns with non-finite values: \['x{col + 1}'\] "
        rf"\(X\[:, \[{col}\]\]\); "
        rf"first bad row: {row} \(an index from 0\)\. Remove or impute them first\.$",
    ):
        check_X(X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_huge_finite_X_whose_sum_overflows_passes(dtype):
    big = np.finfo(dtype).max / 2
    X = np.full((20, 3), big, dtype=dtype)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum(X))  # the elementwise scan decides
    assert check_X(X) is X


# -- labels without a sort ----------------------------------------------------------
@pytest.mark.parametrize(
    "y",
    [
        np.array([0.0, 1.0, 1.0, 0.0, 1.0]),
        np.array([1, -1, 1, 1], dtype=np.int64),
        np.array([7, 3, 3], dtype=np.uint8),
        np.array([True, False, True]),
        np.array([2.0, 5.0, 5.0], dtype=np.float32),
    ],
)
def test_two_numeric_labels_match_numpy_unique(y):
    classes, index = np.unique(y, return_inverse=True)
    for check in (check_y_binary, check_y_classes):
        got_classes, y01 = check(y)
        assert got_classes.dtype == classes.dtype
        np.testing.assert_array_equal(got_classes, classes)
        np.testing.assert_array_equal(y01, index.astype(np.float64))


@pytest.mark.parametrize(
    "y,message",
    [
        (
            np.array([0.0, 1.0, np.nan, 1.0]),
            "Input y contains NaN: missing label at row 2",
        ),
        (np.array([0.0, 1.0, np.inf]), "Input y contains infinity"),
        (np.array([0.0, 0.5, 1.0]), "Unknown label type: continuous"),
        (np.array([1.0, 1.0]), r"contains only one class: 1\.0"),
        (np.array([0, 1, 2]), "Only binary classification is supported"),
    ],
)
def test_label_errors_keep_their_messages(y, message):
    with pytest.raises(ValueError, match=message):
        check_y_binary(y)
