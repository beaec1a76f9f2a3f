"""Stable row-wise functions of a matrix of logits ``Z`` (K classes), beside
:mod:`logistic._math`'s binary functions of one logit.

Convention (owned here): every function takes the raw predictions
``Z = X Wᵀ + b (+ offset)`` of shape (n, K), never probabilities, and labels
as class indices ``y ∈ {0, …, K-1}`` (one per row). With ``m = max_k z_k``
(per row) the log-sum-exp is

    lse(z) = m + log Σ_k e^{z_k - m} = m + log1p(Σ_{k ≠ argmax} e^{z_k - m}),

so no exponential overflows (every ``z_k - m ≤ 0``), the sum is in
``[1, K]`` and its small part is not rounded away. The per-row
cross-entropy of class ``y`` is

    L(y, z) = lse(z) - z_y = (m - z_y) + log Σ_k e^{z_k - m} ≥ 0,

written so that ``m - z_y`` (exact when ``z_y = m``) is never the difference
of two large numbers: finite for every finite ``Z`` (``±1e300`` included),
and tiny losses (``≈ Σ_{k≠y} e^{z_k - z_y}``) keep their accuracy. Its
gradient in ``z`` is ``P - Y`` with ``P = softmax(z)`` and ``Y`` the one-hot
row; its Hessian is ``diag(P) - P Pᵀ``. For K = 2 with ``z = (0, t)`` these
are the binary ``log(1 + e^t) - y t``, ``σ(t) - y`` and ``σ(t)σ(-t)``.

Results are float64 (the objective accumulates in float64).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "log_softmax",
    "softmax",
    "cross_entropy",
    "cross_entropy_and_proba",
]

F64 = np.float64


def _logits(Z: ArrayLike) -> NDArray[np.float64]:
    Z = np.asarray(Z, dtype=F64)
    if Z.ndim != 2:
        raise ValueError(f"logits must be a 2-D (n, K) array; got shape {Z.shape}")
    return Z


def _shifted(Z: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(Z - m, log Σ_k e^{z_k - m})`` per row, ``m`` the row maximum.

    The sum is ``1 + Σ_{k ≠ argmax} e^{z_k - m}``, taken as ``log1p`` of the
    other terms so that a sum within rounding of 1 keeps its small part.
    """
    n, K = Z.shape
    top = np.argmax(Z, axis=1) if K else np.zeros(n, dtype=np.intp)
    rows = np.arange(n)
    m = Z[rows, top][:, None] if K else np.zeros((n, 1))
    S = Z - m
    with np.errstate(under="ignore"):
        E = np.exp(S)
    E[rows, top] = 0.0
    return S, np.log1p(E.sum(axis=1, keepdims=True))


def log_softmax(Z: ArrayLike) -> NDArray[np.float64]:
    """``log softmax(Z)`` per row: ``z_k - lse(z)``, finite for finite ``Z``."""
    S, log_sum = _shifted(_logits(Z))
    return S - log_sum


def softmax(Z: ArrayLike) -> NDArray[np.float64]:
    """``e^{z_k} / Σ_j e^{z_j}`` per row (rows sum to 1; no overflow)."""
    S, log_sum = _shifted(_logits(Z))
    with np.errstate(under="ignore"):
        return np.exp(S - log_sum)


def cross_entropy(y: ArrayLike, Z: ArrayLike) -> NDArray[np.float64]:
    """Per-row loss ``lse(z) - z_y`` (see the module docstring), shape (n,)."""
    return cross_entropy_and_proba(y, Z)[0]


def cross_entropy_and_proba(
    y: ArrayLike, Z: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The per-row loss and ``softmax(Z)`` from one exponential of ``Z - m``.

    Parameters
    ----------
    y : array-like of shape (n,)
        Class indices in ``{0, …, K-1}`` (integers, or floats holding them).
    Z : array-like of shape (n, K)
        Logits.

    Returns
    -------
    loss : ndarray of shape (n,)
    proba : ndarray of shape (n, K)
    """
    Z = _logits(Z)
    idx = np.asarray(y).astype(np.intp, copy=False).reshape(-1)
    S, log_sum = _shifted(Z)
    rows = np.arange(Z.shape[0])
    # (m - z_y) + log Σ e^{z_k - m}: S[i, y_i] = z_y - m ≤ 0, exact at the maximum
    loss = log_sum[:, 0] - S[rows, idx]
    with np.errstate(under="ignore"):
        proba = np.exp(S - log_sum)
    return loss, proba
