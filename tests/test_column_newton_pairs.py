"""The CSC sweeps' gathers, two stored values at a time (``logistic._cd``'s
``_sweep_csc`` and ``_sweep_gradient``, whose two partial sums run as the
two lanes of one vector).

Reference: the sweeps written out in plain Python floats (IEEE doubles, each
operation rounded once, as the kernels' scalar code): per column, one partial
sum over the values at even offsets from the column's start and one over
those at odd offsets, the odd last value added to the first, then the second
added to it; then the coordinate update of the module docstring. The kernels
must give these numbers bit for bit, with int32 and intp row indices alike,
on columns of 0 to 7 stored values (empty, odd and even lengths).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from logistic.solvers._column_matrix import cd_kernel

pytestmark = pytest.mark.skipif(cd_kernel() is None, reason="compiled _cd not built")


def _columns(index, seed=0, n=40):
    """CSC arrays of columns holding 0, 1, …, 7 values, then random ones."""
    rng = np.random.default_rng(seed)
    lengths = list(range(8)) + list(rng.integers(0, 12, size=12))
    rows = [np.sort(rng.choice(n, size=m, replace=False)) for m in lengths]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(index)
    indices = np.concatenate(rows).astype(index)
    data = rng.normal(size=indices.size)
    return data, indices, indptr, n, rng


def _pair_sum(data, indices, lo, hi, term):
    """The kernels' order: two partial sums, the odd last value into the first."""
    s = t = 0.0
    for i in range(lo, hi - 1, 2):
        s += term(data[i], int(indices[i]))
        t += term(data[i + 1], int(indices[i + 1]))
    if (hi - lo) % 2:
        s += term(data[hi - 1], int(indices[hi - 1]))
    return s + t


def _soft(z, t):
    return z - t if z > t else z + t if z < -t else 0.0


def _sweep(data, indices, indptr, v, r, gt, a, mu, vsum, w, lam, l2, d, m, model):
    """One sweep over every column in plain floats (``model(k, lo, hi)``
    makes column k's model and returns its ``Σ x v r``); updates ``d`` and
    ``r``, returns ``m``."""
    for k in range(indptr.size - 1):
        lo, hi = int(indptr[k]), int(indptr[k + 1])
        sr = model(k, lo, hi)
        if not a[k] > 0.0:
            continue
        grad = sr
        grad += gt[k] - m * mu[k] * vsum + l2 * d[k]
        old = w[k] + d[k]
        delta = _soft(old - grad / a[k], lam[k] / a[k]) - old
        if delta != 0.0:
            d[k] += delta
            m += delta * mu[k]
            for i in range(lo, hi):
                r[indices[i]] += delta * data[i]
    return m


@pytest.mark.parametrize("index", [np.int32, np.intp])
@pytest.mark.parametrize("center", [True, False])
def test_the_first_sweep_makes_its_sums_two_values_at_a_time(index, center):
    data, indices, indptr, n, rng = _columns(index)
    p = indptr.size - 1
    v, res = rng.random(n) / n, rng.normal(size=n) / n
    vsum, g_b, l2 = float(v.sum()), 0.03, 0.01
    w = np.where(rng.random(p) < 0.5, rng.normal(size=p), 0.0)
    lam, inv_scale = np.full(p, 1e-3), 1.0 / (1.0 + rng.random(p))
    g_loss, gt, a, mu = (np.empty(p) for _ in range(4))
    d, r = np.zeros(p), np.zeros(n)
    cd_kernel().gradient_sweep(
        data, indices, indptr, np.arange(p, dtype=np.intp), v, vsum, res, g_b,
        center, w, lam, l2, inv_scale, g_loss, gt, a, mu, d, r,
    )  # fmt: skip

    want = {name: np.zeros(p) for name in ("g_loss", "gt", "a", "mu")}
    d_ref, r_ref = np.zeros(p), np.zeros(n)

    def model(k, lo, hi):
        def pair(term):
            return _pair_sum(data, indices, lo, hi, term)

        s0 = pair(lambda x, i: x * res[i])
        s1 = pair(lambda x, i: x * v[i])
        s2 = pair(lambda x, i: x * v[i] * x)
        sr = pair(lambda x, i: x * v[i] * r_ref[i])
        muk = s1 / vsum if center else 0.0
        want["g_loss"][k], want["mu"][k] = s0, muk
        want["a"][k] = s2 - muk * s1 + l2
        want["gt"][k] = (s0 + l2 * w[k]) - g_b * muk
        return sr

    _sweep(data, indices, indptr, v, r_ref, want["gt"], want["a"], want["mu"],
           vsum, w, lam, l2, d_ref, 0.0, model)  # fmt: skip
    for name, got in (("g_loss", g_loss), ("gt", gt), ("a", a), ("mu", mu)):
        np.testing.assert_array_equal(got, want[name], err_msg=name)
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_array_equal(r, r_ref)
    assert np.count_nonzero(d) > p // 2  # the sweep moved most coordinates


@pytest.mark.parametrize("index", [np.int32, np.intp])
def test_a_later_sweep_makes_its_gradients_two_values_at_a_time(index):
    data, indices, indptr, n, rng = _columns(index, seed=1)
    p = indptr.size - 1
    v = rng.random(n) / n
    vsum, l2 = float(v.sum()), 0.01
    X = sp.csc_matrix((data, indices, indptr), shape=(n, p))
    xv = X.T @ v
    mu = xv / vsum
    a = X.multiply(X).T @ v - mu * xv + l2
    g = rng.normal(size=p) * 0.05
    w = np.where(rng.random(p) < 0.5, rng.normal(size=p), 0.0)
    lam, inv_scale = np.full(p, 1e-3), np.ones(p)
    d, r = np.zeros(p), np.zeros(n)
    sweeps, m = cd_kernel().cd_columns(
        (data, indices, indptr), np.arange(p, dtype=np.intp), v, g, a, mu, vsum,
        w, lam, l2, inv_scale, d, r, 0.0, 1,
    )  # fmt: skip
    d_ref, r_ref = np.zeros(p), np.zeros(n)

    def model(k, lo, hi):
        return _pair_sum(data, indices, lo, hi, lambda x, i: x * v[i] * r_ref[i])

    m_ref = _sweep(data, indices, indptr, v, r_ref, g, a, mu, vsum, w, lam, l2,
                   d_ref, 0.0, model)  # fmt: skip
    assert sweeps == 1 and m == m_ref
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_array_equal(r, r_ref)
    assert np.count_nonzero(d) > p // 2
