"""The shared objective: formulas, derivatives, layouts, blocks (STYLE §3, §8).

References are independent: finite differences (4th-order central), the
seed's gradient formula written out in numpy here, and direct summation.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

from conftest import data_path
from logistic import datasets
from logistic._objective import LogisticObjective
from logistic.backends import InMemory


def make_problem(rng, n=120, p=5, weights=True, offset=True):
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p)
    y = (rng.random(n) < expit(X @ rng.standard_normal(p) * 0.5)).astype(float)
    s = rng.integers(0, 4, n).astype(float) if weights else None
    o = rng.standard_normal(n) * 0.3 if offset else None
    theta = rng.standard_normal(p + 1) * 0.5
    return X, y, s, o, theta


def fd_gradient(f, theta, h=1e-4):
    g = np.empty_like(theta)
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = h
        g[j] = (
            -f(theta + 2 * e) + 8 * f(theta + e) - 8 * f(theta - e) + f(theta - 2 * e)
        ) / (12 * h)
    return g


def seed_objective(X, y, s, o, l2, theta):
    """J written straight from the formulas, with no shared code."""
    w, b = theta[:-1], theta[-1]
    z = X @ w + b + (0 if o is None else o)
    s = np.ones(len(y)) if s is None else s
    L = np.logaddexp(0, z) - y * z
    J = np.sum(s * L) / np.sum(s) + 0.5 * l2 * w @ w
    r = s * (expit(z) - y)
    g = np.append(X.T @ r / np.sum(s) + l2 * w, np.sum(r) / np.sum(s))
    return J, g


@pytest.mark.parametrize(
    "weights,offset,l2", [(False, False, 0.0), (True, True, 0.3), (True, False, 1e-3)]
)
def test_value_and_gradient_match_the_seed_formulas(rng, weights, offset, l2):
    X, y, s, o, theta = make_problem(rng, weights=weights, offset=offset)
    obj = LogisticObjective.from_arrays(X, y, s, o, l2=l2)
    f, g = obj.value_and_gradient(theta)
    f_ref, g_ref = seed_objective(X, y, s, o, l2, theta)
    assert f == pytest.approx(f_ref, rel=1e-14)
    np.testing.assert_allclose(g, g_ref, rtol=1e-12, atol=1e-15)
    assert obj.value(theta) == f
    np.testing.assert_array_equal(obj.gradient(theta), g)


@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_gradient_and_hessian_match_finite_differences(rng, l2):
    X, y, s, o, theta = make_problem(rng)
    obj = LogisticObjective.from_arrays(X, y, s, o, l2=l2)
    g = obj.gradient(theta)
    g_fd = fd_gradient(obj.value, theta)
    np.testing.assert_allclose(g, g_fd, rtol=1e-7, atol=1e-9 * np.abs(g).max())
    H = obj.hessian(theta)
    H_fd = np.column_stack(
        [
            fd_gradient(lambda t, j=j: obj.gradient(t)[j], theta)
            for j in range(theta.size)
        ]
    ).T
    np.testing.assert_allclose(H, H_fd, rtol=1e-7, atol=1e-9 * np.abs(H).max())
    np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-15)
    # Hessian-vector products along random directions
    for _ in range(3):
        v = rng.standard_normal(theta.size)
        np.testing.assert_allclose(
            obj.hessian_vector(theta, v), H @ v, rtol=1e-12, atol=1e-14
        )
        # directional derivative of the gradient, by finite differences
        hv_fd = fd_gradient(
            lambda t, v=v: obj.gradient(theta + t[0] * v) @ v, np.zeros(1)
        )[0]
        assert v @ H @ v == pytest.approx(hv_fd, rel=1e-7)


def test_derivatives_on_real_data():
    X, y, _ = datasets.load_ucla_admissions()
    obj = LogisticObjective.from_arrays(X, y)
    theta = np.array([0.002, 0.8, -0.7, -1.3, -1.5, -4.0])
    g = obj.gradient(theta)
    np.testing.assert_allclose(
        g, fd_gradient(obj.value, theta, h=1e-5), rtol=1e-7, atol=1e-10
    )
    H = obj.hessian(theta)
    H_fd = np.column_stack(
        [
            fd_gradient(lambda t, j=j: obj.gradient(t)[j], theta, h=1e-5)
            for j in range(6)
        ]
    )
    np.testing.assert_allclose(H, H_fd, rtol=1e-7, atol=1e-9 * np.abs(H).max())


def test_intercept_is_not_penalized_and_optional(rng):
    X, y, _, _, theta = make_problem(rng, weights=False, offset=False)
    obj = LogisticObjective.from_arrays(X, y, l2=5.0)
    obj0 = LogisticObjective.from_arrays(X, y, l2=0.0)
    w = theta[:-1]
    assert obj.value(theta) - obj0.value(theta) == pytest.approx(2.5 * w @ w, rel=1e-12)
    assert obj.gradient(theta)[-1] == pytest.approx(obj0.gradient(theta)[-1], rel=1e-14)
    assert obj.hessian(theta)[-1, -1] == pytest.approx(
        obj0.hessian(theta)[-1, -1], rel=1e-14
    )
    no_b = LogisticObjective.from_arrays(X, y, fit_intercept=False)
    assert no_b.n_params == X.shape[1]
    f_ref, g_ref = seed_objective(X, y, None, None, 0.0, np.append(w, 0.0))
    assert no_b.value(w) == pytest.approx(f_ref, rel=1e-14)
    np.testing.assert_allclose(no_b.gradient(w), g_ref[:-1], rtol=1e-12)


def test_layouts_and_dtypes_agree(rng):
    X, y, s, o, theta = make_problem(rng, n=300, p=8)
    X[rng.random(X.shape) < 0.6] = 0.0
    ref = LogisticObjective.from_arrays(X, y, s, o, l2=0.1)
    f0, g0 = ref.value_and_gradient(theta)
    H0 = ref.hessian(theta)
    for Xl in (np.asfortranarray(X), sp.csr_matrix(X), sp.csc_matrix(X)):
        obj = LogisticObjective.from_arrays(Xl, y, s, o, l2=0.1)
        f, g = obj.value_and_gradient(theta)
        assert f == pytest.approx(f0, rel=1e-13)
        np.testing.assert_allclose(g, g0, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(obj.hessian(theta), H0, rtol=1e-11, atol=1e-14)
    X32 = X.astype(np.float32)
    obj32 = LogisticObjective.from_arrays(X32, y.astype(np.float32), s, o, l2=0.1)
    f, g = obj32.value_and_gradient(theta)
    assert isinstance(f, float) and g.dtype == np.float64
    assert f == pytest.approx(f0, rel=1e-5)
    np.testing.assert_allclose(g, g0, rtol=1e-4, atol=1e-5)


def test_blocks_are_views_and_blocking_does_not_change_results(rng):
    X, y, s, o, theta = make_problem(rng, n=1000, p=6)
    whole = LogisticObjective.from_arrays(X, y, s, o, l2=0.2)
    data = InMemory(
        X, y, s, o, block_bytes=6 * 8 * 37
    )  # 37-row blocks, uneven last block
    assert data.block_rows == 37
    blocks = list(data.blocks())
    assert sum(b.n_rows for b in blocks) == 1000
    assert all(np.shares_memory(b.X, X) for b in blocks)
    blocked = LogisticObjective(data, l2=0.2)
    f0, g0 = whole.value_and_gradient(theta)
    f1, g1 = blocked.value_and_gradient(theta)
    assert f1 == pytest.approx(f0, rel=1e-13)
    np.testing.assert_allclose(g1, g0, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        blocked.hessian(theta), whole.hessian(theta), rtol=1e-12, atol=1e-15
    )


def test_weight_semantics(rng):
    X, y, _, _, theta = make_problem(rng, weights=False, offset=False)
    ones = LogisticObjective.from_arrays(X, y, np.ones(len(y)))
    none = LogisticObjective.from_arrays(X, y)
    scaled = LogisticObjective.from_arrays(X, y, np.full(len(y), 7.5))
    for o in (ones, scaled):
        assert o.value(theta) == pytest.approx(none.value(theta), rel=1e-14)
        np.testing.assert_allclose(o.gradient(theta), none.gradient(theta), rtol=1e-13)
    # weight 2 == duplicated row; weight 0 == dropped row
    w = np.ones(len(y))
    w[0], w[1] = 2.0, 0.0
    weighted = LogisticObjective.from_arrays(X, y, w)
    Xd = np.vstack([X[[0]], X[[0]], X[2:]])
    yd = np.concatenate([y[[0]], y[[0]], y[2:]])
    dup = LogisticObjective.from_arrays(Xd, yd)
    assert weighted.value(theta) == pytest.approx(dup.value(theta), rel=1e-14)
    np.testing.assert_allclose(weighted.hessian(theta), dup.hessian(theta), rtol=1e-12)


def test_offset_equals_a_fixed_column_with_coefficient_one(rng):
    X, y, _, o, theta = make_problem(rng, weights=False)
    with_offset = LogisticObjective.from_arrays(X, y, offset=o)
    X_aug = np.column_stack([X, o])
    theta_aug = np.concatenate([theta[:-1], [1.0], theta[-1:]])
    aug = LogisticObjective.from_arrays(X_aug, y)
    assert with_offset.value(theta) == pytest.approx(aug.value(theta_aug), rel=1e-14)
    g_aug = aug.gradient(theta_aug)
    np.testing.assert_allclose(
        with_offset.gradient(theta), np.delete(g_aug, X.shape[1]), rtol=1e-12
    )


def test_majorizer_bounds_the_hessian(rng):
    X, y, s, o, theta = make_problem(rng, n=200, p=4)
    obj = LogisticObjective.from_arrays(X, y, s, o, l2=0.05)
    M = np.column_stack([obj.majorizer_vector(e) for e in np.eye(obj.n_params)])
    H = obj.hessian(theta)
    assert np.linalg.eigvalsh(M - H).min() >= -1e-12
    # at θ = 0 with no offset the curvature is exactly 1/4: H == M
    obj0 = LogisticObjective.from_arrays(X, y, s, l2=0.05)
    M0 = np.column_stack([obj0.majorizer_vector(e) for e in np.eye(obj0.n_params)])
    np.testing.assert_allclose(obj0.hessian(np.zeros(obj0.n_params)), M0, rtol=1e-12)


def test_extreme_logits_stay_finite():
    # |z| up to 1e300: loss, gradient, Hessian finite; values match the exact limits
    X = np.array([[1e300], [-1e300], [1e3], [-1e3]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    obj = LogisticObjective.from_arrays(X, y, fit_intercept=False)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        f, g = obj.value_and_gradient(np.array([1.0]))
        H = obj.hessian(np.array([1.0]))
    # losses: 1e300, 0, 0, 1e3 -> mean 2.5e299
    assert f == pytest.approx(1e300 / 4, rel=1e-15)
    assert np.isfinite(g).all() and np.isfinite(H).all()
    assert H[0, 0] == 0.0


def test_zero_total_weight_is_a_clear_error(rng):
    X, y, _, _, theta = make_problem(rng, weights=False, offset=False)
    obj = LogisticObjective.from_arrays(X, y, np.zeros(len(y)))
    with pytest.raises(ValueError, match="sum to 0"):
        obj.value(theta)


def test_real_sparse_data_gradient(rng):
    from conftest import load_libsvm

    X, y = load_libsvm(data_path("a9a", "a9a.gz"), n_features=123, max_rows=2000)
    obj = LogisticObjective.from_arrays(X, y, l2=1e-3)
    theta = rng.standard_normal(124) * 0.1
    g = obj.gradient(theta)
    idx = rng.choice(124, 10, replace=False)
    for j in idx:
        e = np.zeros(124)
        e[j] = 1e-4
        f = [obj.value(theta + k * e) for k in (2, 1, -1, -2)]
        fd = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12e-4)
        assert g[j] == pytest.approx(fd, rel=1e-6, abs=1e-10)


def test_zero_features_intercept_only_model_is_quiet(capfd):
    # Regression: the null model of inference has no features; BLAS syrk on an
    # (n, 0) block printed "** On entry to DSYRK parameter number 7 ..." to stderr
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    obj = LogisticObjective.from_arrays(np.empty((5, 0)), y)
    H = obj.hessian(np.array([0.3]))
    p = 1 / (1 + np.exp(-0.3))
    assert H.shape == (1, 1) and H[0, 0] == pytest.approx(p * (1 - p), rel=1e-14)
    assert obj.gradient(np.array([0.3]))[0] == pytest.approx(p - 0.6, rel=1e-14)
    assert "DSYRK" not in capfd.readouterr().err


def seed_hessian(X, s, o, l2, theta):
    """∇²J written straight from the formulas (X̃ᵀ diag(s σ σ) X̃ / Σs + λ), no shared code."""
    Xt = np.column_stack([X, np.ones(X.shape[0])])
    z = Xt @ theta + (0 if o is None else o)
    s = np.ones(X.shape[0]) if s is None else s
    d = s * expit(z) * expit(-z)
    H = Xt.T @ (d[:, None] * Xt) / np.sum(s)
    H[:-1, :-1] += l2 * np.eye(X.shape[1])
    return H


@pytest.mark.parametrize("sparse", [False, True])
def test_hessian_vector_keeps_the_curvature_per_point(rng, monkeypatch, sparse):
    # Several products at one θ (CG iterations) compute z = X w once per block;
    # a new θ recomputes it. Every product equals the seed formula's H v.
    from logistic import _block_sums

    X, y, s, o, theta = make_problem(rng, n=900, p=6)
    X[np.abs(X) < 1.0] = 0.0
    Xd = sp.csr_matrix(X) if sparse else X
    data = InMemory(Xd, y, s, o, block_bytes=6 * 8 * 100)  # several blocks
    n_blocks = sum(1 for _ in data.blocks())
    assert n_blocks > 3
    obj = LogisticObjective(data, l2=0.1)
    calls = []
    real = _block_sums.block_logits  # where the block functions look it up
    monkeypatch.setattr(
        _block_sums, "block_logits", lambda *a: calls.append(1) or real(*a)
    )
    for t in (theta, theta * 0.5):
        H = seed_hessian(X, s, o, 0.1, t)
        for _ in range(4):
            v = rng.standard_normal(theta.size)
            np.testing.assert_allclose(
                obj.hessian_vector(t, v), H @ v, rtol=1e-11, atol=1e-13
            )
    assert len(calls) == 2 * n_blocks  # once per block and point, not per product
    # the majorizer (d = s/4) is kept too, and is not the curvature at any θ
    v = rng.standard_normal(theta.size)
    Xt = np.column_stack([X, np.ones(X.shape[0])])
    M = Xt.T @ ((s / 4)[:, None] * Xt) / np.sum(s)
    M[:-1, :-1] += 0.1 * np.eye(6)
    np.testing.assert_allclose(obj.majorizer_vector(v), M @ v, rtol=1e-11)
    np.testing.assert_allclose(
        obj.hessian_vector(theta, v), seed_hessian(X, s, o, 0.1, theta) @ v, rtol=1e-11
    )
