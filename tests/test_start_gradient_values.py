"""The objective's value and gradient at θ = 0 from the data-statistics pass
(``LogisticObjective.start_value_and_gradient``, ``ColumnStats.grad0``).

Reference: the objective's own value+gradient pass at θ = 0 (the fused row
loop or BLAS, another summation order), and the formulas
``J(0) = log 2``, ``∇_w J(0) = Xᵀ(s ⊙ (1/2 − y)) / Σs``,
``∂J/∂b = Σ s (1/2 − y) / Σs`` written out with numpy here.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from logistic._fused import dense_column_stats

from logistic._block_moments import block_column_stats
from logistic._moments import ColumnStats
from logistic._objective import LogisticObjective
from logistic._scaling import ScaledObjective
from logistic._typing import Block
from logistic.backends.chunked import Chunked
from logistic.backends.in_memory import InMemory


def _problem(seed: int = 0, n: int = 3000, p: int = 17):
    rng = np.random.default_rng(seed)
    # columns of very different scales and off-centre means, and one constant
    X = rng.normal(size=(n, p)) * rng.uniform(0.01, 300.0, size=p)
    X += rng.normal(size=p) * 50.0
    X[:, 3] = 2.5
    y = (rng.uniform(size=n) < 0.3).astype(np.float64)
    s = rng.uniform(0.0, 3.0, size=n)
    s[:40] = 0.0  # rows of weight 0 are left out of the statistics
    return X, y, s


def _formula(X, y, s, l2, fit_intercept):
    s = np.ones(len(y)) if s is None else s
    r = s * (0.5 - y)
    X64 = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    g = np.append(X64.T @ r, r.sum()) / s.sum()
    return np.log(2.0), g if fit_intercept else g[:-1]


def _assert_start_matches_a_pass(objective, X, y, s, rtol=1e-12):
    p = objective.n_params
    got = objective.start_value_and_gradient(np.zeros(p))
    assert got is not None
    before = objective.n_evaluations
    f, g = objective.value_and_gradient(np.zeros(p))
    assert objective.n_evaluations == before + 1
    scale = np.abs(g).max()
    assert got[0] == pytest.approx(f, rel=1e-14)
    np.testing.assert_allclose(got[1], g, rtol=0, atol=rtol * scale)
    ref_f, ref_g = _formula(X, y, s, objective.l2, objective.fit_intercept)
    assert got[0] == pytest.approx(ref_f, rel=1e-15)
    np.testing.assert_allclose(got[1], ref_g, rtol=0, atol=rtol * scale)


def _layouts():
    X, y, s = _problem()
    rng = np.random.default_rng(5)
    Xs = np.where(rng.uniform(size=X.shape) < 0.15, X, 0.0)
    noncanonical = sp.coo_matrix(Xs)
    noncanonical = sp.csr_matrix(
        (
            np.concatenate([noncanonical.data, noncanonical.data]) / 2,
            (
                np.concatenate([noncanonical.row] * 2),
                np.concatenate([noncanonical.col] * 2),
            ),
        ),
        shape=X.shape,
    )
    noncanonical.has_canonical_format = False  # duplicate entries: numpy path
    return {
        "dense": (X, y, None),
        "dense-weighted": (X, y, s),
        "float32": (X.astype(np.float32), y.astype(np.float32), s),
        "fortran-order": (np.asfortranarray(X), y, s),  # the numpy statistics
        "csr": (sp.csr_matrix(Xs), y, s),
        "csr-noncanonical": (noncanonical, y, s),
        "fractional-y": (X, np.random.default_rng(2).uniform(size=len(y)), s),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_start_equals_a_pass(layout, fit_intercept):
    X, y, s = _layouts()[layout]
    objective = LogisticObjective.from_arrays(
        X, y, s, l2=0.3, fit_intercept=fit_intercept
    )
    objective.column_moments()  # the data-statistics pass
    X64 = X.astype(np.float64) if not sp.issparse(X) else X
    _assert_start_matches_a_pass(objective, X64, np.asarray(y, np.float64), s)


def test_standardized_view_start_equals_a_pass():
    X, y, s = _problem(3)
    objective = LogisticObjective.from_arrays(X, y, s, l2=1e-3)
    view = ScaledObjective(objective)
    zero = np.zeros(objective.n_params)
    got = view.start_value_and_gradient(zero)
    f, g = view.value_and_gradient(zero)
    assert got is not None and got[0] == pytest.approx(f, rel=1e-14)
    np.testing.assert_allclose(got[1], g, rtol=0, atol=1e-12 * np.abs(g).max())


def test_no_start_where_it_would_not_be_exact():
    X, y, s = _problem(4)
    objective = LogisticObjective.from_arrays(X, y, s)
    zero = np.zeros(objective.n_params)
    # no statistics pass yet: nothing known (and no pass made to know it)
    assert objective.start_value_and_gradient(zero) is None
    assert objective.n_evaluations == 0
    objective.column_moments()
    theta = zero.copy()
    theta[-1] = 1e-300  # any nonzero coefficient or intercept
    assert objective.start_value_and_gradient(theta) is None
    theta = zero.copy()
    theta[0] = -1e-300
    assert objective.start_value_and_gradient(theta) is None
    assert objective.start_value_and_gradient(-zero) is not None  # -0.0 is 0
    offset = LogisticObjective.from_arrays(X, y, s, offset=np.full(len(y), 0.1))
    offset.column_moments()
    assert offset.start_value_and_gradient(zero) is None


def test_grad0_merges_across_blocks_like_the_other_sums():
    X, y, s = _problem(6)
    whole = block_column_stats(Block(X, y, s))
    parts = [
        block_column_stats(Block(X[a:b], y[a:b], s[a:b]))
        for a, b in [(0, 10), (10, 40), (40, 1700), (1700, 3000)]
    ]  # (10, 40): weight 0
    merged = parts[0]
    for part in parts[1:]:
        merged = merged + part
    assert whole.grad0 is not None and merged.grad0 is not None
    np.testing.assert_allclose(
        merged.grad0, whole.grad0, rtol=0, atol=1e-12 * np.abs(whole.grad0).max()
    )
    # a block with an offset has no such sums, and the merge has none
    with_offset = block_column_stats(Block(X[:5], y[:5], None, np.zeros(5)))
    assert with_offset.grad0 is None
    assert (merged + with_offset).grad0 is None
    assert (with_offset + merged).grad0 is None
    assert (ColumnStats.empty(X.shape[1]) + merged).grad0 is not None


def test_compiled_sweep_keeps_the_other_sums_bit_for_bit():
    X, y, s = _problem(7)
    X = np.ascontiguousarray(X)
    p = X.shape[1]
    r = s * (0.5 - y)
    sums = []
    for extra in ((), (r, np.zeros(p))):
        lo, hi = np.full(p, np.inf), np.full(p, -np.inf)
        s1, s2 = np.zeros(p), np.zeros(p)
        dense_column_stats(X, None, s, None, lo, hi, s1, s2, 0, *extra)
        sums.append((lo, hi, s1, s2))
    for a, b in zip(*sums, strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="residual needs"):
        dense_column_stats(X, None, s, None, lo, hi, s1, s2, 0, r[:-1], np.zeros(p))


def test_chunked_backend_start_equals_a_pass():
    X, y, s = _problem(8)
    blocks = [
        (X[a : a + 700], y[a : a + 700], s[a : a + 700]) for a in range(0, 3000, 700)
    ]
    objective = LogisticObjective(Chunked.from_blocks(blocks), l2=0.01)
    objective.column_moments()
    _assert_start_matches_a_pass(objective, X, y, s)


@pytest.mark.dask
def test_dask_backend_start_equals_a_pass(dask_client):
    da = pytest.importorskip("dask.array")
    from logistic.backends.dask import Dask

    X, y, s = _problem(9)
    data = Dask(
        da.from_array(X, chunks=(600, X.shape[1])),
        da.from_array(y, chunks=600),
        da.from_array(s, chunks=600),
        client=dask_client,
    )
    objective = LogisticObjective(data, l2=0.01)
    objective.column_moments()
    _assert_start_matches_a_pass(objective, X, y, s)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_array_api_block_start_equals_a_pass(dtype):
    torch = pytest.importorskip("torch")
    X, y, s = _problem(10)
    tdt = getattr(torch, dtype)
    objective = LogisticObjective.from_arrays(
        torch.tensor(X, dtype=tdt),
        torch.tensor(y, dtype=tdt),
        torch.tensor(s, dtype=torch.float64),
        l2=0.1,
    )
    objective.column_moments()
    got = objective.start_value_and_gradient(np.zeros(objective.n_params))
    assert got is not None
    f, g = objective.value_and_gradient(np.zeros(objective.n_params))
    # the pass forms Xᵀr in X's dtype: float64 agrees to 1e-12 of the largest
    # entry; float32 within the probabilistic bound of a float32 sum of n
    # terms, √n u Σ|x_ij r_i| / Σs per column (Higham, Accuracy and
    # Stability of Numerical Algorithms, §4.2; u = 2⁻²⁴), which the float32
    # columns of very different scales and off-centre means come near
    rtol = 1e-12 if dtype == "float64" else 1e-6
    assert got[0] == pytest.approx(float(f), rel=rtol)
    if dtype == "float64":
        atol = rtol * np.abs(g).max()
    else:
        r = s * (0.5 - y)
        Xa = np.abs(np.c_[X.astype(dtype), np.ones(len(y))].astype(np.float64))
        atol = np.sqrt(len(y)) * 2.0**-24 * (Xa.T @ np.abs(r)) / s.sum()
    np.testing.assert_array_less(np.abs(got[1] - g), atol)
    X_rounded = X.astype(dtype).astype(np.float64)  # the values the block holds
    ref_f, ref_g = _formula(X_rounded, y, s, 0.1, True)
    assert got[0] == pytest.approx(ref_f, rel=1e-15)
    np.testing.assert_allclose(got[1], ref_g, rtol=0, atol=1e-12 * np.abs(g).max())


def test_k_class_objective_has_no_binary_start():
    from logistic._multinomial import MultinomialObjective

    rng = np.random.default_rng(11)
    X = rng.normal(size=(300, 4))
    y = rng.integers(0, 3, size=300).astype(np.float64)
    objective = MultinomialObjective(InMemory(X, y), 3)
    objective.column_moments()
    assert objective.start_value_and_gradient(np.zeros(objective.n_params)) is None
