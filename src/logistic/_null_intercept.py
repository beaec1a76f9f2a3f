"""The intercept-only model under a fixed offset.

    b̂ = argmin_b  Σ s_i L(y_i, o_i + b),   L(y, z) = log(1 + e^z) - y z

is the null model of a fit with an offset and an intercept, and the
intercept a fit with an offset starts from. It is a 1-D strictly convex
problem when the labels are not all of one class (``0 < ȳ < 1``, ``ȳ = Σ s
y / Σ s``): its derivative ``g(b) = Σ s (σ(o + b) - y)`` increases from
``-Σ s y`` to ``Σ s (1 - y)``, and

    g(logit ȳ - max o) ≤ 0 ≤ g(logit ȳ - min o)

(there every ``σ(o_i + b)`` lies below, resp. above, ``ȳ``; the extremes
over rows of positive weight), so the root lies in a known bracket, which a
constant offset shrinks to the exact answer ``logit ȳ - o`` (its mean loss
then ``-ȳ log ȳ - (1 - ȳ) log(1 - ȳ)``, every logit being ``logit ȳ``). Newton steps,
replaced by a bisection wherever they would leave the bracket or the
curvature ``Σ s σ(z) σ(-z)`` has underflowed (every ``|o + b|`` beyond
~745), shrink it at every pass: the root is found to rounding for any
finite offset. (A general solver started at 0 must cross ``|o|`` with no
curvature: its Hessian is singular there.) The bisection splits a bracket
spanning orders of magnitude at the midpoint of ``asinh``, so even offsets
of ±1e300 take a few dozen passes.

One pass for the sums of the labels, weights and offsets (and the offset's
extremes), then one pass a step; each reads labels, weights and offsets
only (X never), by ``map_reduce`` of module-level functions, so on any
backend (in memory, streamed, Dask, array-API devices).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from . import _kernels_xp, _math
from ._typing import Block

__all__ = ["NullIntercept", "null_intercept"]

F64 = np.float64

#: Passes of steps at most (after the first): bisection alone halves a
#: bracket of ±1e300 to rounding in fewer.
MAX_STEPS = 200


@dataclass(frozen=True)
class _OffsetSums:
    """``Σ s``, ``Σ s y``, ``Σ s o`` and the extremes of ``o`` over rows of
    positive weight (a row without an offset has ``o = 0``), and the blocks
    carrying an offset; ``+`` joins two blocks' (the backends' reduction adds
    partial results)."""

    weight: float
    positive: float
    offset: float
    low: float
    high: float
    with_offset: int

    def __add__(self, other: _OffsetSums) -> _OffsetSums:
        return _OffsetSums(
            self.weight + other.weight,
            self.positive + other.positive,
            self.offset + other.offset,
            min(self.low, other.low),
            max(self.high, other.high),
            self.with_offset + other.with_offset,
        )


def _host(v: Any) -> Any:
    """``v`` as a float64 numpy array (None stays None)."""
    if v is None:
        return None
    if _kernels_xp.is_device_array(v):
        v = _kernels_xp.to_numpy(v)
    return np.asarray(v, dtype=F64)


def _rows(block: Block) -> tuple[Any, Any, Any]:
    """The block's labels, weights (None: ones) and offsets (zeros where
    the block has none), in float64."""
    y = _host(block.y)
    o = _host(block.offset)
    return y, _host(block.sample_weight), np.zeros_like(y) if o is None else o


def _block_offset_sums(block: Block) -> _OffsetSums:
    y, s, o = _rows(block)
    carried = int(block.offset is not None)
    if s is None:
        kept = o
        sums = (float(y.size), float(y.sum()), float(o.sum()))
    else:
        kept = o[s > 0]
        sums = (float(s.sum()), float(s @ y), float(s @ o))
    if not kept.size:
        return _OffsetSums(*sums, np.inf, -np.inf, carried)
    return _OffsetSums(*sums, float(kept.min()), float(kept.max()), carried)


def _block_terms(block: Block, b: float) -> tuple[float, float, float]:
    """``Σ s L``, ``Σ s (σ(z) - y)`` and ``Σ s σ(z) σ(-z)`` at ``z = o + b``."""
    y, s, o = _rows(block)
    loss, r, d = _math.loss_residual_and_hessian_weight(y, o + b)
    if s is None:
        return float(loss.sum()), float(r.sum()), float(d.sum())
    s = np.where(s > 0, s, 0.0)
    return float(s @ loss), float(s @ r), float(s @ d)


def _block_curve(block: Block, b: float) -> tuple[float, float, float]:
    """NaN, ``Σ s σ(z)`` and ``Σ s σ(z) σ(-z)`` at ``z = o + b``: one
    ``exp`` a row and no logarithm (a start's rough steps; the caller
    subtracts ``Σ s y``)."""
    _, s, o = _rows(block)
    z = o + b
    t = np.exp(-np.abs(z))
    inv = 1.0 / (1.0 + t)
    p = np.where(z >= 0, inv, t * inv)  # σ(z)
    d = t * inv * inv  # σ(z) σ(-z)
    if s is None:
        return np.nan, float(p.sum()), float(d.sum())
    s = np.where(s > 0, s, 0.0)
    return np.nan, float(s @ p), float(s @ d)


class NullIntercept(NamedTuple):
    """The null model's intercept, its mean loss ``Σ s L / Σ s``, and
    whether any block of the rows carries an offset.

    With labels all of one class the intercept is ``-inf`` (all 0) or
    ``+inf`` (all 1) and the loss its limit, 0.
    """

    intercept: float
    loss: float
    offset: bool = True


def _split(lo: float, hi: float) -> float:
    """A point strictly inside ``(lo, hi)`` that halves it: the midpoint, or
    where the bracket spans orders of magnitude, its ``asinh`` midpoint."""
    mid = lo + 0.5 * (hi - lo)
    if hi - lo > 2.0 * (1.0 + min(abs(lo), abs(hi))):
        wide = float(np.sinh(0.5 * (np.arcsinh(lo) + np.arcsinh(hi))))
        if lo < wide < hi:
            return wide
    return mid


def null_intercept(backend: Any, rough: float | None = None) -> NullIntercept:
    """The intercept-only fit of ``backend``'s rows with their offset held
    fixed (module docstring): a pass of sums, then a pass a step (none
    where every row of positive weight has the same offset, or none).

    ``rough``: a start's tolerance; the steps stop once Newton's is at most
    ``rough·max(1, |b|)`` and return the point it reaches, with the loss
    NaN (the passes compute no logarithm); None: to rounding, with the
    loss."""
    sums = backend.map_reduce(_block_offset_sums)
    carried = sums.with_offset > 0
    ybar = sums.positive / sums.weight
    if not 0.0 < ybar < 1.0:
        return NullIntercept(np.inf if ybar >= 1.0 else -np.inf, 0.0, carried)
    logit = float(np.log(ybar) - np.log1p(-ybar))
    if sums.low == sums.high:  # one offset (none: 0): every z is logit ȳ
        entropy = -(ybar * np.log(ybar) + (1.0 - ybar) * np.log1p(-ybar))
        return NullIntercept(logit - sums.low, float(entropy), carried)
    lo, hi = logit - sums.high, logit - sums.low
    b = min(max(logit - sums.offset / sums.weight, lo), hi)
    loss = np.nan
    for _ in range(MAX_STEPS):
        if rough is None:
            total, g, h = backend.map_reduce(partial(_block_terms, b=b))
        else:
            total, g, h = backend.map_reduce(partial(_block_curve, b=b))
            g -= sums.positive
        loss = total / sums.weight
        if g == 0.0:
            return NullIntercept(b, loss, carried)
        if g < 0.0:
            lo = b
        else:
            hi = b
        step = -g / h if h > 0.0 else np.nan
        if rough is not None and abs(step) <= rough * max(1.0, abs(b)):
            return NullIntercept(min(max(b + step, lo), hi), loss, carried)
        if abs(step) <= 4 * np.spacing(max(1.0, abs(b))):
            return NullIntercept(b, loss, carried)  # Newton's step is within rounding
        nxt = b + step if lo < b + step < hi else _split(lo, hi)
        if not lo < nxt < hi:
            return NullIntercept(b, loss, carried)  # the bracket is within rounding
        b = nxt
    return NullIntercept(b, loss, carried)
