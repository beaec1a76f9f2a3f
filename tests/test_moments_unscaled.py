"""The one-sweep shortcut of the compiled dense statistics
(:func:`logistic._moments_unscaled.unscaled_raw_moments`) gives the general
rule's ColumnStats bit for bit, and declines where that rule rescales a
column, takes the centred sweep or meets a NaN."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from logistic import _moments
from logistic._compiled import COMPILED_MIN_VALUES
from logistic._moments_unscaled import unscaled_raw_moments

_FIELDS = ("weight", "mean", "unit", "m2", "lo", "hi", "grad0")


def _blocks() -> Iterator[tuple[Any, Any, Any]]:
    rng = np.random.default_rng(7)
    for case in range(14):
        p = int(rng.integers(1, 40))  # enough rows for the compiled kernel
        n = COMPILED_MIN_VALUES // p + int(rng.integers(1, 300))
        X = rng.standard_normal((n, p))
        if case % 7 == 1:
            X[:, 0] = 0.0  # an all-zero column: unit 0
        if case % 7 == 2:
            X[:, -1] *= 2.0**-450  # a tiny column: rescaled
        if case % 7 == 3:
            X[:, 0] *= 2.0**450  # a huge column: rescaled
        if case % 7 == 4:
            X[:, 0] += 1e6  # far from centred: the centred sweep
        if case % 7 == 5:
            X[0, -1] = np.nan
        dtype = np.float32 if case % 5 == 4 and case % 7 not in (2, 3) else np.float64
        s = rng.random(n) + 0.1 if case % 3 else None
        r0 = rng.standard_normal(n) if case % 4 else None
        yield np.ascontiguousarray(X.astype(dtype)), s, r0


def _same(a: Any, b: Any) -> None:
    for name in _FIELDS:
        u, v = getattr(a, name), getattr(b, name)
        assert (u is None) == (v is None), name
        if u is not None:
            assert np.asarray(u).tobytes() == np.asarray(v).tobytes(), name


def test_shortcut_gives_the_general_rules_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = list(_blocks())
    with np.errstate(invalid="ignore", over="ignore"):
        got = [_moments._compiled_dense_stats(*b) for b in blocks]
        monkeypatch.setattr(_moments, "unscaled_raw_moments", lambda *a: None)
        ref = [_moments._compiled_dense_stats(*b) for b in blocks]
    if all(a is None for a in got):
        pytest.skip("compiled kernels not built")
    for a, b in zip(got, ref, strict=True):
        assert (a is None) == (b is None)
        if a is not None:
            _same(a, b)


def test_shortcut_declines_what_the_general_rule_treats_otherwise() -> None:
    one = np.ones(2)
    ok = unscaled_raw_moments(4.0, -one, one, np.zeros(2), 4.0 * one)
    assert ok is not None
    assert ok[0].tolist() == [1.0, 1.0] and ok[1].tolist() == [4.0, 4.0]
    zero = np.array([0.0, 1.0])  # an all-zero column: unit 0 there
    assert unscaled_raw_moments(4.0, -zero, zero, one, 4.0 * one) is None
    tiny = np.array([2.0**-401, 1.0])  # rescaled
    assert unscaled_raw_moments(4.0, -tiny, tiny, one, 4.0 * one) is None
    huge = np.array([2.0**400, 1.0])
    assert unscaled_raw_moments(4.0, -one, huge, one, 4.0 * one) is None
    nan = np.array([np.nan, 1.0])
    assert unscaled_raw_moments(4.0, -one, nan, one, 4.0 * one) is None
    # far from centred: m2 = 4 - 3.999²/4 is below Σ s x² / 2^10
    assert unscaled_raw_moments(4.0, -one, one, 3.999 * one, 4.0 * one) is None


def _general_moments(c: Any) -> tuple[Any, Any]:
    """The convention of :mod:`logistic._moments` written out column by column."""
    mean, std = np.empty_like(c.mean), np.empty_like(c.mean)
    for j in range(c.mean.size):
        const = c.lo[j] == c.hi[j]
        mean[j] = c.lo[j] if const else c.mean[j]
        var = max(c.m2[j] / c.weight, 0.0) if c.weight > 0 else 0.0
        unit = c.unit[j] if c.unit[j] > 0 else 1.0
        std[j] = 0.0 if const or c.weight == 0 else unit * np.sqrt(var)
        if not const and std[j] == 0 and c.weight > 0:
            std[j] = np.finfo(np.float64).smallest_subnormal
    return mean, std


def test_moments_are_the_conventions() -> None:
    rng = np.random.default_rng(3)
    cases = []
    for case in range(8):
        p = 6
        m2 = rng.random(p) * 10
        lo, hi = -rng.random(p), rng.random(p)
        unit = np.ones(p)
        if case == 1:
            lo[2] = hi[2] = 0.5  # a constant column
        if case == 2:
            m2[3] = 0.0  # spread rounded away: the smallest positive std
        if case == 3:
            m2[1] = -1e-30  # rounding below 0: var 0
        if case == 4:
            unit[0], lo[0], hi[0], m2[0] = 0.0, 0.0, 0.0, 0.0  # a zero column
        if case == 5:
            unit[4] = 2.0**-500
        if case == 6:
            m2[5] = np.nan
        weight = 0.0 if case == 7 else 12.5
        cases.append(_moments.ColumnStats(weight, rng.standard_normal(p), unit, m2, lo, hi))
    for c in cases:
        with np.errstate(invalid="ignore"):
            got, ref = c.moments(), _general_moments(c)
        for u, v in zip(got, ref, strict=True):
            assert u.tobytes() == v.tobytes()
            assert u is not c.mean


@pytest.mark.parametrize("field", ["mean", "m2", "lo", "hi"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_all_finite_sees_each_field(field: str, bad: float) -> None:
    p = 3
    c = _moments.ColumnStats(2.0, *(np.ones(p) for _ in range(5)))
    assert c.all_finite()
    getattr(c, field)[1] = bad
    assert not c.all_finite()
    assert _moments.ColumnStats.empty(0).all_finite()
