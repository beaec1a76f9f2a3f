"""Stable elementwise functions of the logit (RELIABILITY N01, STYLE §2).

References: mpmath at 50 digits for L(y, z) = log(1 + e^z) - y z, σ(z) and
log σ(z); scipy.special.log_expit for the Hypothesis property.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import log_expit

from logistic import _math

mpmath.mp.dps = 50

Z64 = [0.0, 1e-300, -1e-300, 1e-9, -1e-9, 1.0, -1.0, -2.0, -36.9, -37.1, 17.9, 18.1,
       33.2, 33.4, 40.0, -40.0, 88.7, -88.7, 709.0, -709.0, 710.0, -710.0,
       800.0, -800.0, 1e3, -1e3, 1e9, -1e9, 1e300, -1e300]
Z32 = [0.0, 1e-9, -1e-9, 1.0, -1.0, 17.9, -17.9, 40.0, -40.0, 88.7, -88.7, 800.0, -800.0,
       1e3, -1e3, 3e38, -3e38]


def ref_loss(y: float, z: float) -> float:
    # y log(1+e^{-z}) + (1-y) log(1+e^{z}) == log(1+e^z) - y z, written without the
    # cancellation that would need ~|z|/2.3 extra digits
    zm = mpmath.mpf(z)
    return float(y * mpmath.log1p(mpmath.exp(-zm)) + (1 - y) * mpmath.log1p(mpmath.exp(zm)))


def ref_sigmoid(z: float) -> float:
    return float(1 / (1 + mpmath.exp(-mpmath.mpf(z))))


def close(a: float, b: float, rtol: float, atol: float = 0.0) -> bool:
    return abs(a - b) <= atol + rtol * abs(b)


@pytest.mark.parametrize("dtype,zs,ulp", [(np.float64, Z64, 4), (np.float32, Z32, 4)])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_extreme_logits_match_high_precision_reference(dtype, zs, ulp, y):
    eps = np.finfo(dtype).eps
    tiny = np.finfo(dtype).tiny
    z = np.asarray(zs, dtype=dtype)
    yy = np.full_like(z, y)
    # Every floating-point exception raises except underflow, which is the correct
    # result here (e^{-1000} rounds to 0) and harmless.
    with np.errstate(all="raise", under="ignore"):
        lo = _math.loss(yy, z)
        r = _math.residual(yy, z)
        h = _math.hessian_weight(z)
        lo2, r2 = _math.loss_and_residual(yy, z)
        p = _math.sigmoid(z)
        lp = _math.log_sigmoid(z)
    for arr in (lo, r, h, lo2, r2, p, lp):
        assert arr.dtype == dtype
        assert np.all(np.isfinite(arr))
    assert np.all(lo >= 0)
    assert np.all((r >= -1) & (r <= 1))
    assert np.all((h >= 0) & (h <= 0.25))
    for zi, li, ri in zip(zs, lo, r, strict=True):
        zi_d = float(dtype(zi))
        assert close(float(li), ref_loss(y, zi_d), ulp * eps, 2 * tiny), (zi, li)
        assert close(float(ri), ref_sigmoid(zi_d) - y, ulp * eps, ulp * eps), (zi, ri)
    # the fused path agrees with the separate paths to a few ulp
    np.testing.assert_allclose(lo2, lo, rtol=ulp * eps, atol=2 * tiny)
    np.testing.assert_allclose(r2, r, rtol=ulp * eps, atol=ulp * eps)
    # residual == sigmoid − y and log σ matches the reference, too
    np.testing.assert_allclose(r, p - yy, rtol=ulp * eps, atol=ulp * eps)
    for zi, lpi in zip(zs, lp, strict=True):
        zd = mpmath.mpf(float(dtype(zi)))
        assert close(float(lpi), float(-mpmath.log1p(mpmath.exp(-zd))), ulp * eps, 2 * tiny)


def test_pinned_values_at_extremes():
    # RELIABILITY N01: loss(z=1e3, y=0) = 1e3 (not inf); grad(z=-1e3, y=1) = -1; hess = 0.
    assert _math.loss(0.0, 1e3) == 1e3
    assert _math.residual(1.0, -1e3) == -1.0
    assert _math.hessian_weight(-1e3) == 0.0
    assert _math.log_sigmoid(-800.0) == -800.0
    assert _math.loss(1.0, 0.0) == pytest.approx(np.log(2), rel=1e-15)


def test_input_dtype_kept_and_ints_promoted():
    assert _math.loss(np.float32(1), np.float32(3)).dtype == np.float32
    assert _math.residual(np.zeros(2, np.float32), np.ones(2, np.float32)).dtype == np.float32
    assert _math.hessian_weight(np.arange(3)).dtype == np.float64
    assert _math.sigmoid(np.arange(3, dtype=np.float32)).dtype == np.float32


finite = st.floats(-1e308, 1e308, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(z=finite, y=st.sampled_from([0.0, 1.0]))
def test_label_flip_symmetry(z, y):
    # loss(y, z) == loss(1 - y, -z), exactly
    assert _math.loss(y, z) == _math.loss(1 - y, -z)
    # residual(y, z) = -residual(1 - y, -z) up to rounding of 1 - σ (one ulp of 1)
    assert _math.residual(y, z) == pytest.approx(-_math.residual(1 - y, -z), abs=2.3e-16)


@settings(max_examples=300, deadline=None)
@given(z=finite, y=st.sampled_from([0.0, 1.0]))
def test_loss_matches_log_expit_reference(z, y):
    # −[y log σ(z) + (1−y) log σ(−z)] with scipy's log_expit (independent code)
    ref = -(y * log_expit(z) + (1 - y) * log_expit(-z))
    got = float(_math.loss(y, z))
    assert np.isfinite(got)
    assert got == pytest.approx(ref, rel=4e-16, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(z=st.floats(-1e4, 1e4, allow_nan=False, width=32), y=st.sampled_from([0.0, 1.0]))
def test_float32_paths_agree_with_each_other(z, y):
    z32 = np.asarray([z], dtype=np.float32)
    y32 = np.asarray([y], dtype=np.float32)
    lo, r = _math.loss_and_residual(y32, z32)
    assert lo.dtype == np.float32 and np.isfinite(lo).all()
    assert lo[0] == pytest.approx(float(_math.loss(float(y), float(z32[0]))), rel=2e-7, abs=1e-38)
    # residual == sigmoid − y (two code paths)
    assert r[0] == pytest.approx(float(_math.sigmoid(z32)[0]) - y, abs=1.2e-7)


def test_soft_labels_use_general_formula():
    y = np.array([0.25, 0.5, 0.75])
    z = np.array([-3.0, 0.0, 2.0])
    ref = [ref_loss(yi, zi) for yi, zi in zip(y, z, strict=True)]
    np.testing.assert_allclose(_math.loss(y, z), ref, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_residual_and_hessian_weight_together_equal_each_alone(dtype):
    # the pair shares σ(z); each must stay bit for bit the function the
    # high-precision tests above pin (soft and hard labels, extreme logits)
    z = np.concatenate([np.linspace(-60, 60, 1201), [-800.0, 800.0, 0.0]]).astype(dtype)
    y = np.resize(np.array([0.0, 1.0, 0.25]), z.size)
    r, d = _math.residual_and_hessian_weight(y, z)
    assert r.dtype == d.dtype == dtype
    assert np.array_equal(r, _math.residual(y, z))
    assert np.array_equal(d, _math.hessian_weight(z))


@pytest.mark.parametrize(
    "dtype,zs",
    [(np.float64, [-709.9, -710.0, -720.0, -744.0, -745.0]),
     (np.float32, [-88.8, -90.0, -100.0, -103.0])],
)  # fmt: skip
def test_sigmoid_keeps_subnormal_probabilities(dtype, zs):
    # σ(z) = e^z / (1 + e^z) is a representable subnormal number below
    # z ≈ -709.78 (float32: -88.7), where 1/(1 + e^{-z}) overflows to 1/inf = 0
    # (scipy's expit gives 0 there). Reference: mpmath at 50 digits, rounded to
    # the dtype; a subnormal keeps fewer digits, so the tolerance is a few of
    # its ulps (the dtype's smallest subnormal).
    z = np.asarray(zs, dtype=dtype)
    with np.errstate(all="raise", under="ignore"):
        p = _math.sigmoid(z)
        q = _math.sigmoid(-z)
    assert p.dtype == dtype
    smallest = float(np.finfo(dtype).smallest_subnormal)
    for zi, pi in zip(z, p, strict=True):
        ref = dtype(ref_sigmoid(float(zi)))
        assert ref > 0
        assert close(float(pi), float(ref), 4 * float(np.finfo(dtype).eps), 2 * smallest)
    assert np.all(q == 1)
    assert _math.sigmoid(z[0]) == p[0]  # a scalar stays a scalar
    assert np.ndim(_math.sigmoid(z[0])) == 0


def test_predict_proba_keeps_subnormal_probabilities():
    # the small column of predict_proba at |z| = 710 and 745 is e^{-|z|}
    # (4.476e-309 and 4.94e-324, mpmath), not 0; both columns sum to 1
    from logistic import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 1))
    y = (X[:, 0] + rng.normal(size=50) > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    model.coef_[:] = 1.0
    model.intercept_[:] = 0.0
    X_new = np.array([[710.0], [-710.0], [745.0], [-745.0]])
    proba = model.predict_proba(X_new)
    for i, z in enumerate(X_new[:, 0]):
        small = float(1 / (1 + mpmath.exp(mpmath.mpf(abs(z)))))
        assert proba[i].min() > 0
        assert close(float(proba[i].min()), small, 1e-12, 2 * 5e-324)
        assert proba[i].max() == 1.0


def test_sigmoid_allocates_no_array_beyond_scipys_formula():
    """σ of a million float64 logits holds at most two arrays of them at
    once, as ``1 / (1 + exp(-z))`` does in one expression (numpy reuses the
    temporary of exp for the sum and the quotient). Keeping e^{-z} in a
    variable to find where it overflowed held a third (peak 3.0 arrays,
    and σ ran about 1.5 times as long: 0.14 s against 0.09 s for 20 calls)."""
    from _traced_peak import peaks_until

    z = np.random.default_rng(0).normal(scale=3.0, size=1_000_000)
    _math.sigmoid(z)
    _, peaks = peaks_until(lambda: _math.sigmoid(z), 2.5 * z.nbytes)
    assert min(peaks) / z.nbytes < 2.5, peaks
