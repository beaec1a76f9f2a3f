"""Stable elementwise functions of the logit ``z``.

Convention (owned here): every function takes the raw prediction (logit)
``z = X @ w + b (+ offset)``, never a probability, and labels ``y`` in {0, 1}
(soft labels in [0, 1] are allowed by the formulas). Results keep the floating
dtype of ``z`` (float32 stays float32); integer input is promoted to float64.

The per-example binary cross-entropy written in logit space is

    L(y, z) = -[y log σ(z) + (1 - y) log σ(-z)] = log(1 + e^z) - y z,

its derivative is ``σ(z) - y`` and its second derivative is
``σ(z) σ(-z) = σ(z)(1 - σ(z))`` (the identity σ' = σ(1 - σ)). None of them
clips probabilities: ``log(1 + e^z)`` is evaluated as ``logaddexp(0, z)`` and
``σ(z) σ(-z)`` avoids the cancellation in ``p (1 - p)`` as p → 1. All are exact
to a few ulp and finite for every finite ``z``. σ and log σ are numpy
expressions of scipy's own formulas (``scipy.special.expit`` and
``log_expit``: ``1/(1 + e^{-z})``; ``min(z, 0) - log1p(e^{-|z|})``), equal to
them up to the last bit of ``exp`` (except below z ≈ -709.78, where σ is
``e^z``, a subnormal number, not ``expit``'s 0): importing ``scipy.special``
costs ≈ 0.3 s, more than a whole small fit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "sigmoid",
    "log_sigmoid",
    "loss",
    "residual",
    "hessian_weight",
    "residual_and_hessian_weight",
    "loss_and_residual",
    "loss_residual_and_hessian_weight",
]


def _float(z: ArrayLike) -> NDArray[np.floating]:
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return z


def sigmoid(z: ArrayLike) -> NDArray[np.floating]:
    """σ(z) = 1 / (1 + e^{-z}) (``scipy.special.expit``'s formula), and
    ``e^{z}`` where ``e^{-z}`` overflows (float64 z < -709.78, float32
    z < -88.7): σ(z) is ``e^{z}`` to rounding there, a subnormal number down
    to z ≈ -745 (float32: -103), where ``expit``'s 1/inf rounds it to 0 (the
    device path's ``t/(1+t)`` keeps it too: :func:`logistic._kernels_xp.sigmoid`)."""
    z = _float(z)
    with np.errstate(over="ignore"):  # one expression: numpy reuses e^{-z}'s
        p = 1.0 / (1.0 + np.exp(-z))  # array for the sum and the quotient
    # 1/(1 + t) is 0 only where t = e^{-z} is inf (1/(1 + max float) is a
    # subnormal, not 0, in float64 and float32 alike)
    overflowed = p == 0
    if np.any(overflowed):  # z far below 0: e^{z} is finite (or 0) there
        with np.errstate(under="ignore"):
            p = np.where(overflowed, np.exp(np.minimum(z, 0)), p)[()]
    return p


def log_sigmoid(z: ArrayLike) -> NDArray[np.floating]:
    """log σ(z) = -log(1 + e^{-z}) = min(z, 0) - log1p(e^{-|z|}), accurate for
    large |z| (scipy's ``log_expit`` formula)."""
    z = _float(z)
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def loss(y: ArrayLike, z: ArrayLike) -> NDArray[np.floating]:
    """Per-example loss ``log(1 + e^z) - y z``.

    Parameters
    ----------
    y : array-like of shape (n,)
        Labels in {0, 1} (values in [0, 1] are accepted).
    z : array-like of shape (n,)
        Logits.

    Returns
    -------
    ndarray of shape (n,), dtype of ``z``
        Non-negative for labels in [0, 1].

    Notes
    -----
    Evaluated as ``y log(1+e^{-z}) + (1-y) log(1+e^{z})`` with
    ``log(1+e^{±z}) = max(±z, 0) + log1p(e^{-|z|})`` (the ``logaddexp`` identity):
    no term overflows, and tiny losses (≈ e^{-|z|}) stay accurate where
    ``log(1+e^z) - y z`` would lose them to cancellation.
    """
    z = _float(z)
    y = np.asarray(y, dtype=z.dtype)
    return _loss_from(y, z, np.log1p(np.exp(-np.abs(z))))


def _loss_from(
    y: NDArray[np.floating], z: NDArray[np.floating], log1p_t: NDArray[np.floating]
) -> NDArray[np.floating]:
    # y*log(1+e^{-z}) + (1-y)*log(1+e^{z}),
    # with log(1+e^{±z}) = max(±z, 0) + log1p(e^{-|z|})
    lo = log1p_t + y * np.maximum(-z, 0) + (1 - y) * np.maximum(z, 0)
    return lo.astype(z.dtype, copy=False)


def residual(y: ArrayLike, z: ArrayLike) -> NDArray[np.floating]:
    """Derivative of the loss in z: ``σ(z) - y`` (in [-1, 1])."""
    z = _float(z)
    return (sigmoid(z) - np.asarray(y, dtype=z.dtype)).astype(z.dtype, copy=False)


def hessian_weight(z: ArrayLike) -> NDArray[np.floating]:
    """Second derivative of the loss in z: ``σ(z) σ(-z)`` (in [0, 1/4])."""
    z = _float(z)
    return sigmoid(z) * sigmoid(-z)


def residual_and_hessian_weight(
    y: ArrayLike, z: ArrayLike
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """:func:`residual` and :func:`hessian_weight` together, ``σ(z)`` computed
    once (the same operations on the same operands, so the same values)."""
    z = _float(z)
    p = sigmoid(z)
    r = (p - np.asarray(y, dtype=z.dtype)).astype(z.dtype, copy=False)
    return r, p * sigmoid(-z)


def loss_and_residual(
    y: ArrayLike, z: ArrayLike
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """Loss and residual in one pass, sharing ``exp(-|z|)``.

    Uses ``t = e^{-|z|}`` (never overflows): ``log(1+e^z) = max(z, 0) + log1p(t)``,
    ``σ(z) = 1/(1+t)`` for z ≥ 0 and ``t/(1+t)`` for z < 0. For hard labels the
    loss is rewritten so no cancellation occurs (see :func:`loss`).
    """
    z = _float(z)
    y = np.asarray(y, dtype=z.dtype)
    t = np.exp(-np.abs(z))
    log1p_t = np.log1p(t)
    inv = 1.0 / (1.0 + t)
    pos = z >= 0
    sig = np.where(pos, inv, t * inv)
    return _loss_from(y, z, log1p_t), (sig - y).astype(z.dtype, copy=False)


def loss_residual_and_hessian_weight(
    y: ArrayLike, z: ArrayLike
) -> tuple[NDArray[np.floating], NDArray[np.floating], NDArray[np.floating]]:
    """:func:`loss_and_residual` and the Hessian weight ``σ(z)σ(-z) =
    t/(1+t)²`` from the same ``t = e^{-|z|}``: one ``exp`` for the three."""
    z = _float(z)
    y = np.asarray(y, dtype=z.dtype)
    t = np.exp(-np.abs(z))
    inv = 1.0 / (1.0 + t)
    sig = np.where(z >= 0, inv, t * inv)
    return (
        _loss_from(y, z, np.log1p(t)),
        (sig - y).astype(z.dtype, copy=False),
        (t * inv * inv).astype(z.dtype, copy=False),
    )
