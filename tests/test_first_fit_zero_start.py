"""Newton's first state at θ = 0 from the statistics pass and a row sample
(:mod:`logistic.solvers._zero_start`).

References: scikit-learn's ``LogisticRegression`` (lbfgs at ``tol=1e-10``,
``C = 1/(alpha · n)``: the same objective) for the optimum; the pass counts
follow from the module's convention (no pass at iteration 0).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic.solvers._zero_start import (
    MIN_SPREAD_ROWS,
    SMALL_SAMPLE_BYTES,
    ZeroStart,
    _spread_enough,
    sample_of,
    sample_rows,
    zero_start,
)


def _data(n: int = 12_000, p: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Dense data whose first column repeats every ten rows (a one-hot code of
    ``i mod 10``, as ijcnn1's first columns): every k-th row with k a
    multiple of 10 would see it constant."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[:, 0] = (np.arange(n) % 10 == 3).astype(float)
    beta = rng.normal(size=p)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.5)))).astype(float)
    return X, y


def _rare_column(n: int) -> np.ndarray:
    """Nonzero in one row of n = 12 000: 2 000 sampled rows hold it 0 times
    or more (a second moment 0, or at least 6× the exact one), never within
    ``MOMENT_RATIO``."""
    col = np.zeros(n)
    col[n // 2 + 3] = 1.0
    return col


def _fit(X: np.ndarray, y: np.ndarray, **kw: object) -> LogisticRegression:
    alpha = 1.0 / X.shape[0]
    model = LogisticRegression(penalty="l2", alpha=alpha, solver="newton", **kw)
    return model.fit(X, y)


def test_sampled_start_saves_the_first_pass() -> None:
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no singular-Hessian or other warning
        model = _fit(X, y, tol=1e-8)
    # iteration 0 read no data: one pass per iteration (n_iter + 1 before)
    assert model.n_passes_ == model.n_iter_[0]
    assert model.history_[0]["n_passes"] == 0


def test_sampled_start_reaches_scikit_learns_optimum() -> None:
    sklearn = pytest.importorskip("sklearn.linear_model")
    X, y = _data()
    ours = _fit(X, y, tol=1e-8)
    ref = sklearn.LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)


def test_estimate_close_to_the_exact_hessian() -> None:
    X, y = _data()
    objective = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
    objective.column_moments()  # the statistics pass every fit makes first
    theta0 = np.zeros(objective.n_params)
    got = zero_start(objective, theta0)
    assert got is not None
    value, grad, H = got.value, got.grad, got.hessian
    exact_value, exact_grad, exact_H = objective.value_gradient_hessian(theta0)
    assert value == pytest.approx(exact_value, rel=1e-14)
    np.testing.assert_allclose(grad, exact_grad, rtol=1e-10, atol=1e-14)
    # a 2 000-row estimate of a 9 × 9 Gram matrix: a few per cent off
    assert np.max(np.abs(H - exact_H)) < 0.1 * np.max(np.abs(exact_H))


@pytest.mark.parametrize("case", ["rare column", "sparse binary", "offset", "small"])
def test_exact_first_pass_when_the_sample_does_not_apply(case: str) -> None:
    X, y = _data()
    fit_kw: dict[str, object] = {}
    if case == "rare column":
        X[:, 1] = _rare_column(X.shape[0])
    elif case == "sparse binary":  # ~10 sampled ones: moment close, spread not
        X[:, 1] = (np.random.default_rng(5).random(X.shape[0]) < 0.005).astype(float)
    elif case == "offset":
        fit_kw["offset"] = np.full(X.shape[0], 0.1)
    elif case == "small":
        X, y = X[:6000], y[:6000]  # under MIN_RATIO · 2 000 rows
    alpha = 1.0 / X.shape[0]
    model = LogisticRegression(penalty="l2", alpha=alpha, solver="newton", tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X, y, **fit_kw)
    assert model.n_passes_ == model.n_iter_[0] + 1


def test_rare_column_is_refused_by_its_second_moment() -> None:
    X, y = _data()
    X[:, 1] = _rare_column(X.shape[0])
    objective = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
    objective.column_moments()
    assert zero_start(objective, np.zeros(objective.n_params)) is None


def test_nonzero_start_is_evaluated() -> None:
    X, y = _data()
    objective = LogisticObjective.from_arrays(X, y, l2=1.0 / X.shape[0])
    objective.column_moments()
    theta = np.zeros(objective.n_params)
    assert zero_start(objective, theta) is not None
    theta[2] = 0.5  # a warm start: its logits are not 0
    assert zero_start(objective, theta) is None


def test_sample_rows_spread_over_a_period() -> None:
    idx = sample_rows(49_990, 23)
    assert idx is not None
    assert np.all(np.diff(idx) >= 0) and idx[0] >= 0 and idx[-1] < 49_990
    np.testing.assert_array_equal(idx, sample_rows(49_990, 23))  # deterministic
    counts = np.bincount(idx % 10, minlength=10)
    share = counts / idx.size
    assert np.all(np.abs(share - 0.1) < 0.01)
    assert sample_rows(7_000, 10) is None  # too few rows to sample


def test_smaller_data_sample_what_a_small_copy_holds() -> None:
    # under MIN_RATIO · 2 000 rows: the rows of a SMALL_SAMPLE_BYTES copy, at
    # most n // 4, where the exact Hessian's work n · n_params² is at least
    # SMALL_MIN_WORK and they are at least SMALL_ROWS_PER_PARAM per parameter
    idx = sample_rows(7_000, 29)  # higgs: 7 000 · 29² = 5.9e6
    assert idx is not None and idx.size == SMALL_SAMPLE_BYTES // (8 * 28) == 548
    assert np.unique(idx).size == idx.size
    assert idx.size * 28 * 8 < 128 * 1024  # under glibc's mmap threshold
    f32 = sample_rows(7_000, 29, itemsize=4)
    assert f32 is not None and f32.size == SMALL_SAMPLE_BYTES // (4 * 28) == 1_097
    assert sample_rows(7_000, 23) is None  # 3.7e6 multiply-adds: the pass
    assert sample_rows(7_000, 31) is None  # 438 rows < 18 · 31


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_higgs_sized_fit_saves_its_first_pass(dtype) -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(7_000, 28)) * rng.uniform(0.5, 3.0, size=28)
    beta = rng.normal(size=28) / 4
    y = (rng.random(7_000) < 1 / (1 + np.exp(-(X @ beta)))).astype(float)
    X = X.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = _fit(X, y, tol=1e-8)
    assert model.history_[0]["n_passes"] == 0
    assert model.n_passes_ == model.n_iter_[0]
    sklearn = pytest.importorskip("sklearn.linear_model")
    ref = sklearn.LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12)
    ref.fit(X.astype(np.float64), y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("beyond", [29, 30])
def test_spread_counted_past_the_head_rows(beyond: int) -> None:
    # a column whose rows beyond one std all lie after the first
    # SPREAD_HEAD_ROWS rows: the head alone says too few, the full count decides
    m = 2_000
    Xs = np.zeros((m, 2))
    Xs[:, 0] = np.resize([-1.0, 1.0], m)  # every row one std from its mean 0
    Xs[-beyond:, 1] = 10.0
    mean, std = np.array([0.0, 0.0]), np.array([0.5, 1.0])
    got = _spread_enough(Xs, mean, std, None)
    assert got == (beyond >= MIN_SPREAD_ROWS)


def test_weights_resting_on_few_sampled_rows_are_refused() -> None:
    # 0.5 % of the rows weigh 1, the rest 0: about 10 of the 2 000 sampled rows
    # carry the estimate, which then cost 14-16 passes against 7-9 exact
    rng = np.random.default_rng(0)
    n = 12_000
    X = rng.standard_normal((n, 10))
    y = (rng.random(n) < 1 / (1 + np.exp(-(X[:, :3] @ [1, 0.1, 2] + 0.5)))).astype(float)
    sw = np.zeros(n)
    sw[np.random.default_rng(0).random(n) < 0.005] = 1.0
    model = LogisticRegression(penalty="l2", alpha=1e-3, solver="newton", tol=1e-8)
    model.fit(X, y, sample_weight=sw)
    assert model.history_[0]["n_passes"] == 1  # θ = 0 evaluated by a pass
    assert model.n_passes_ == model.n_iter_[0] + 1


def test_a_direction_only_the_sample_makes_flat_costs_one_pass_at_most() -> None:
    # column 1 equals column 0 (to 2e-8) on exactly the sampled rows, and is
    # independent of it elsewhere; with a ridge the sampled Hessian is well
    # conditioned, yet its first step runs along the flat direction: the full
    # step is refused and the step is taken from the exact Hessian
    rng = np.random.default_rng(1)
    n = 12_000
    X = rng.standard_normal((n, 3))
    idx = sample_rows(n, 4)
    assert idx is not None
    X[idx, 1] = X[idx, 0] + 2e-8 * rng.standard_normal(idx.size)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [1.0, -1.0, 0.5] + 0.3)))).astype(float)
    kw = dict(penalty="l2", alpha=1e-4, tol=1e-8)
    model = LogisticRegression(solver="newton", **kw).fit(X, y)
    exact = LogisticRegression(solver="newton", **kw)
    exact.fit(X, y, offset=np.zeros(n))  # an offset turns the sampled start off
    assert model.history_[0]["n_passes"] == 0  # the estimate was used
    assert model.n_passes_ <= exact.n_passes_ + 1  # 16 against 6 before
    assert model.objective_ == pytest.approx(exact.objective_, rel=1e-12)


def test_the_small_data_copy_stays_within_its_bytes_without_an_intercept():
    """The sample's copy holds X's columns: 28 of them whether or not the fit
    has an intercept (29 or 28 parameters), at most SMALL_SAMPLE_BYTES."""
    from logistic.solvers._zero_start import SMALL_SAMPLE_BYTES

    with_intercept = sample_rows(7_000, 29, 8, 28)
    without = sample_rows(7_000, 28, 8, 28)
    assert with_intercept is not None and without is not None
    assert with_intercept.size == 548  # higgs, as documented
    for idx in (with_intercept, without):
        assert idx.size * 28 * 8 <= SMALL_SAMPLE_BYTES


def _objective(X: np.ndarray, y: np.ndarray, **kw: object) -> LogisticObjective:
    kw.setdefault("l2", 1.0 / X.shape[0])
    return LogisticObjective.from_arrays(X, y, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "case", ["csr", "offset", "unpenalized", "heavy tails", "rare column", "small"]
)
def test_resumed_fit_samples_only_where_a_fresh_fit_would(case: str) -> None:
    """:func:`sample_of` (the rows a resumed fit that was sampling estimates
    from) applies :func:`zero_start`'s guards and tests and
    :func:`._newton_rows.usable`: whatever a checkpoint says, data a fresh fit
    would not sample get None (exact Hessians)."""
    X, y = _data()
    assert sample_of(_objective(X, y)) is not None  # the data as they are
    kw: dict[str, object] = {}
    if case == "csr":
        X = sp.csr_matrix(X)
    elif case == "offset":
        kw["offset"] = np.full(X.shape[0], 0.1)
    elif case == "unpenalized":
        kw["l2"] = 0.0
    elif case == "heavy tails":  # moments beyond MAX_MOMENT_ERROR, within the start's
        X[:, 1] = np.random.default_rng(3).standard_t(2.5, size=X.shape[0])
    elif case == "rare column":
        X[:, 1] = _rare_column(X.shape[0])
    elif case == "small":
        X, y = X[:6000], y[:6000]
    assert sample_of(_objective(X, y, **kw)) is None


def test_zero_start_holds_its_fields_and_no_others() -> None:
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40_000, 5))
    y = (X @ np.ones(5) + rng.standard_normal(40_000) > 0).astype(float)
    objective = LogisticObjective.from_arrays(X, y, l2=1e-3)
    objective.column_moments()  # the statistics pass every fit makes first
    got = zero_start(objective, np.zeros(objective.n_params))
    assert isinstance(got, ZeroStart)
    assert got.value == pytest.approx(np.log(2.0))
    assert got.grad.shape == (6,) and got.hessian.shape == (6, 6)
    assert got.scaling.shape == (6,) and got.sample.idx.size > 0
    lower = got.factor.lower
    scaled = got.hessian * np.outer(got.scaling, got.scaling)
    np.testing.assert_allclose(lower @ lower.T, scaled, rtol=1e-12, atol=1e-14)
    with pytest.raises(AttributeError):
        got.other = 1  # type: ignore[attr-defined]
    assert repr(got) == (
        f"ZeroStart(value={got.value!r}, grad=<array (6,)>, "
        "hessian=<array (6, 6)>, scaling=<array (6,)>, "
        f"factor=<{type(got.factor).__name__}>, "
        f"sample=<HessianSample of {got.sample.idx.size} rows>)"
    )
