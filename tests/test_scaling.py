"""Standardized coordinates (`_scaling.py`): the map T and the transformed derivatives.

Reference: the explicit matrix T built column by column from `to_original`, and
finite differences of J(Tθ').
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression
from logistic._objective import LogisticObjective
from logistic._scaling import ScaledObjective


def problem(rng, fit_intercept=True, l2=0.1):
    X = rng.standard_normal((300, 5)) * [1, 10, 100, 0.1, 1] + [0, 5, 50, 1, 2]
    X[:, 4] = 3.0  # a constant column: uncentred, scaled by its root mean square
    y = (rng.random(300) < 0.4).astype(float)
    obj = LogisticObjective.from_arrays(
        X, y, rng.random(300), l2=l2, fit_intercept=fit_intercept
    )
    return obj, ScaledObjective(obj)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_transformed_derivatives_match_the_explicit_map(rng, fit_intercept):
    obj, s = problem(rng, fit_intercept)
    T = np.column_stack([s.to_original(e) for e in np.eye(obj.n_params)])
    th = rng.standard_normal(obj.n_params) * 0.1
    np.testing.assert_allclose(
        s.from_original(s.to_original(th)), th, rtol=1e-14, atol=1e-15
    )
    # equal to rounding: the view maps θ with its own operations, not T @ θ,
    # and the compiled kernel's AVX2 and AVX-512 row loops round the sums apart
    assert s.value(th) == pytest.approx(obj.value(T @ th), rel=1e-15)
    np.testing.assert_allclose(
        s.gradient(th), T.T @ obj.gradient(T @ th), rtol=1e-12, atol=1e-15
    )
    H = T.T @ obj.hessian(T @ th) @ T
    np.testing.assert_allclose(s.hessian(th), H, rtol=1e-12, atol=1e-15)
    v = rng.standard_normal(obj.n_params)
    np.testing.assert_allclose(s.hessian_vector(th, v), H @ v, rtol=1e-10, atol=1e-14)
    g = obj.gradient(T @ th)
    np.testing.assert_allclose(
        s.original_gradient(s.scaled_gradient(g)), g, rtol=1e-12, atol=1e-15
    )
    if fit_intercept:
        # with an L2 term a constant column beside the intercept is centred: its
        # coordinate carries the penalty alone, scale 2√λ (rounded to
        # SCALE_BITS significant bits)
        assert s.mean[4] == 3.0
        assert s.scale[4] == pytest.approx(2 * np.sqrt(0.1), rel=2.0**-20)
    else:
        # without an intercept it is not centred; its scale is sqrt(3² + 4λ)
        # (|value| and L2)
        assert s.mean[4] == 0.0
        assert s.scale[4] == pytest.approx(np.hypot(3.0, 2 * np.sqrt(0.1)), rel=2.0**-20)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_maps_of_parts_are_those_of_joined_vectors(rng, fit_intercept):
    # from_parts / gradient_from_parts / round_trip (newton-cd-columns' steps,
    # which hold w and b apart) give the bits of the maps of np.append(w, b)
    obj, s = problem(rng, fit_intercept)
    p = obj.n_features
    for _ in range(20):
        w = rng.standard_normal(p) * 10.0 ** rng.integers(-8, 8, p)
        b = float(rng.standard_normal())
        theta = np.append(w, b) if fit_intercept else w.copy()
        np.testing.assert_array_equal(s.from_parts(w, b), s.from_original(theta))
        np.testing.assert_array_equal(
            s.gradient_from_parts(w, b), s.scaled_gradient(theta)
        )
        np.testing.assert_array_equal(
            s.round_trip(w), s.to_original(s.from_original(theta))[:p]
        )


def test_a_strong_l2_penalty_on_near_constant_columns_stays_well_conditioned(rng):
    # columns with std ~1e-3 and alpha = 1e-2: the Jacobi scale sqrt(σ² + 4λ)
    X = rng.standard_normal((500, 4)) * [1e-3, 1e-3, 1.0, 1.0]
    y = (rng.random(500) < 0.5).astype(float)
    obj = LogisticObjective.from_arrays(X, y, l2=1e-2)
    s = ScaledObjective(obj)
    ev = np.linalg.eigvalsh(s.hessian(np.zeros(5)))
    assert ev[-1] / ev[0] < 50
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gd = LogisticRegression(penalty="l2", alpha=1e-2, solver="gd", tol=1e-9).fit(
            X, y
        )
    newton = LogisticRegression(
        penalty="l2", alpha=1e-2, solver="newton", tol=1e-12
    ).fit(X, y)
    assert gd.n_iter_[0] < 500
    np.testing.assert_allclose(gd.coef_, newton.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("value", [1e307, 1.7976931348623157e308, -1e307, 5e-324])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_extreme_constant_columns_give_finite_maps_without_warnings(
    value, fit_intercept
):
    X = np.array([[value, 1.0], [value, 2.0], [value, 4.0]])
    obj = LogisticObjective.from_arrays(
        X, np.array([0.0, 1.0, 1.0]), fit_intercept=fit_intercept
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = ScaledObjective(obj)
    assert np.all(np.isfinite(s.scale)) and np.all(s.scale > 0)
    assert np.all(np.isfinite(s.inv_scale)) and np.all(np.isfinite(s.mean))


def test_scale_rounding_stays_finite_at_the_top_binade():
    from logistic._scaling import SCALE_BITS, _round_bits

    top = np.finfo(np.float64).max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = _round_bits(np.array([top, 3.0, 1e-300]), SCALE_BITS)
    assert np.isfinite(r[0]) and abs(r[0] - top) <= top * 2.0**-SCALE_BITS
    assert r[1] == 3.0
    assert abs(r[2] - 1e-300) <= 1e-300 * 2.0**-SCALE_BITS
