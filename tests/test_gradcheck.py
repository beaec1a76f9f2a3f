"""`logistic.check_gradient`: analytic gradient vs 4th-order central differences."""

from __future__ import annotations

import numpy as np
import pytest

from logistic import LogisticObjective, check_gradient, datasets


def test_passes_on_random_and_real_data(rng):
    X = rng.standard_normal((80, 4))
    y = rng.integers(0, 2, 80)
    res = check_gradient(X, y, rng.standard_normal(4), 0.3, sample_weight=rng.random(80), alpha=0.1)
    assert res.passed and res.relative_error < 1e-9
    assert res.analytic.shape == (5,)
    X, y, _ = datasets.load_ucla_admissions()
    res = check_gradient(X, y, np.array([0.002, 0.8, -0.7, -1.3, -1.5]), -4.0, h=1e-5)
    assert res.passed, str(res)
    assert "OK" in str(res)


def test_detects_a_wrong_gradient(monkeypatch, rng):
    X = rng.standard_normal((50, 3))
    y = rng.integers(0, 2, 50)
    original = LogisticObjective.value_and_gradient

    def off_by_factor(self, theta):
        f, g = original(self, theta)
        return f, 1.01 * g

    monkeypatch.setattr(LogisticObjective, "value_and_gradient", off_by_factor)
    res = check_gradient(X, y, rng.standard_normal(3))
    assert not res.passed
    assert res.relative_error == pytest.approx(0.01, rel=0.05)
    assert "MISMATCH" in str(res)


@pytest.mark.parametrize(
    "given, name",
    [
        ({"h": 0.0}, "'h'"),  # steps of 0: every difference 0/0
        ({"h": -1e-4}, "'h'"),
        ({"h": float("inf")}, "'h'"),
        ({"alpha": -0.1}, "'alpha'"),  # a negative L2 strength
        ({"rtol": -1.0}, "'rtol'"),
        ({"w": np.array([np.nan, 0.0])}, "w must hold finite numbers"),
        ({"w": ["a", "b"]}, "w must hold finite numbers"),
        ({"b": float("inf")}, "b must hold finite numbers"),
    ],
)
def test_meaningless_parameters_are_refused_by_name(given, name, rng):
    """A step of 0 gave 'relative error nan' with divide-by-zero warnings, a
    NaN point a silent MISMATCH, text a bare ValueError from numpy."""
    from logistic import InvalidParameterError

    X = rng.standard_normal((20, 2))
    y = rng.integers(0, 2, 20)
    kwargs = {"w": np.zeros(2), **given}
    with pytest.raises(InvalidParameterError, match=name):
        check_gradient(X, y, **kwargs)
