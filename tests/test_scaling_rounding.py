"""The standardized view's rounding of scales and means, against the same
rules written with Python's scalar float operations (``math.frexp``,
``round`` half to even, ``math.ldexp``), element by element, bitwise: the
usual case and the masked one (top binade, subnormal scales, means too large
for their grid) alike."""

from __future__ import annotations

import math

import numpy as np
import pytest

from logistic._labels import _two_numeric_labels
from logistic._scaling import SCALE_BITS, _round_bits, _round_to_grid

TOP = 1023  # float64's largest exponent


def ref_round_bits(x: float, bits: int) -> float:
    m, e = math.frexp(x)
    r = round(m * 2.0**bits)
    if r == 2**bits and e >= TOP + 1:  # 2^1024 would overflow: round down
        r -= 1
    return math.ldexp(float(r), e - bits)


def ref_round_to_grid(mean: float, scale: float) -> float:
    e = math.frexp(scale)[1] - SCALE_BITS - 1
    q = math.ldexp(1.0, e)
    below = abs(mean) < math.ldexp(1.0, min(e + 52, TOP)) or e + 52 > TOP
    if q > 0 and below:
        r = mean / q
        return math.copysign(float(round(r)), r) * q  # round(-0.3) keeps its sign
    return mean


def _cases(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    exps = rng.integers(-1074, 1024, size=n)
    scale = rng.uniform(0.5, 1.0, size=n) * np.ldexp(1.0, np.minimum(exps, 1023))
    scale[:5] = [np.finfo(float).max, 2.0**1023 * (2 - 2.0**-30), 5e-324, 1e-310, 1.0]
    scale = np.maximum(scale, np.finfo(float).tiny)
    mean = rng.normal(size=n) * np.ldexp(1.0, rng.integers(-60, 60, size=n))
    mean[5:10] = [1e300, -1e200, 0.0, -0.0, 3e15]
    return scale, mean


def _bits(a: np.ndarray) -> list[int]:
    return np.asarray(a, dtype=np.float64).view(np.int64).tolist()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round_bits_matches_scalar_rule(seed: int) -> None:
    scale, _ = _cases(seed, 300)
    for bits in (SCALE_BITS, 3, 52):
        want = np.array([ref_round_bits(x, bits) for x in scale.tolist()])
        assert _bits(_round_bits(scale, bits)) == _bits(want)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round_to_grid_matches_scalar_rule(seed: int) -> None:
    scale, mean = _cases(seed, 300)
    scale = _round_bits(scale, SCALE_BITS)
    pairs = zip(mean.tolist(), scale.tolist(), strict=True)
    want = np.array([ref_round_to_grid(m, s) for m, s in pairs])
    with np.errstate(over="ignore"):  # a mean near float64's top rounds to inf
        assert _bits(_round_to_grid(mean, scale)) == _bits(want)
        # the usual case alone (every mean within its grid's range)
        usual = np.abs(mean) < scale * 2.0**30
        got = _round_to_grid(mean[usual], scale[usual])
    assert _bits(got) == _bits(want[usual])


def test_round_to_grid_empty() -> None:
    assert _round_to_grid(np.zeros(0), np.zeros(0)).shape == (0,)
    assert _round_bits(np.zeros(0), SCALE_BITS).shape == (0,)


@pytest.mark.parametrize(
    ("y", "expected"),
    [
        (np.array([0.0, 1.0, 1.0]), [0.0, 1.0]),
        (np.array([-1.0, 1.0]), [-1.0, 1.0]),
        (np.array([1.0, 3.0], dtype=np.float32), [1.0, 3.0]),
        (np.array([1.0, 2.0], dtype=np.longdouble), [1.0, 2.0]),
        (np.array([0.0, 1.0, np.nan]), None),
        (np.array([0.0, np.inf]), None),
        (np.array([0.5, 1.5]), None),
        (np.array([0.5, 1.5], dtype=np.longdouble), None),
    ],
)
def test_two_numeric_labels_integral_floats(y: np.ndarray, expected: object) -> None:
    got = _two_numeric_labels(y)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert got[0].tolist() == expected


def _in_range_cases(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scales from 2^-1000 to 2^900 and means within their grids' range: the
    inputs of the usual case (no exponent in the top binade, every grid step
    a normal power of two, every |mean| < q·2^52)."""
    rng = np.random.default_rng(seed)
    exps = rng.integers(-1000, 900, size=n)
    scale = rng.uniform(0.5, 1.0, size=n) * np.ldexp(1.0, exps)
    mean = rng.normal(size=n) * scale * np.ldexp(1.0, rng.integers(-40, 25, size=n))
    mean[:3] = [0.0, -0.0, 1.0 * scale[2]]
    return scale, mean


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_usual_case_rounding_matches_scalar_rule(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual case skips the masked path (``np.where`` never called) and
    gives the scalar rules' bits."""
    scale, mean = _in_range_cases(seed, 300)
    want_scale = np.array([ref_round_bits(x, SCALE_BITS) for x in scale.tolist()])
    rounded_scale = _round_bits(scale, SCALE_BITS)
    pairs = zip(mean.tolist(), rounded_scale.tolist(), strict=True)
    want_mean = np.array([ref_round_to_grid(m, s) for m, s in pairs])

    def no_masks(*args: object, **kwargs: object) -> None:
        raise AssertionError("the masked path ran on usual-case input")

    monkeypatch.setattr(np, "where", no_masks)
    got_scale = _round_bits(scale, SCALE_BITS)
    got_mean = _round_to_grid(mean, rounded_scale)
    monkeypatch.undo()
    assert _bits(got_scale) == _bits(want_scale)
    assert _bits(got_mean) == _bits(want_mean)
