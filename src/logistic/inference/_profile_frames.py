"""The coordinates in which a Firth profile or penalized LR test holds its
coefficients, for a fit with an intercept (:mod:`logistic._firth_centred`).

Convention (owned here). Summed about 0, the information of a column far
from 0 keeps only ``ε·(mean/spread)²`` of its precision; the centred copy's
``θ' = T⁻¹ θ`` does not lose it. Holding user coefficients ``θ_G = c`` is the
linear constraint ``C θ' = c`` with ``C = T[G]``:

* every held one a slope: ``C`` is diagonal (``θ'_j = σ_j θ_j``), and the
  centred coordinates themselves hold them (:class:`CentredPoints`' ``inner``);
* the intercept among them: its row of ``T`` is ``(-μ/σ, 1)``,
  a combination of every centred coordinate, so the profile runs in
  coordinates ``φ`` with ``θ' = R φ`` (:class:`HeldFrame`): the held ones are
  the rows of ``C`` made orthogonal (the intercept's alone: ``φ_b = b``, the
  user's intercept), and the free ones an orthonormal basis ``N`` of their
  null space. Their information ``Nᵀ I' N`` is as well conditioned as
  ``I'``, so the constrained maxima are as exact as the fit; held in the
  user's coordinates, a column at ``1e8 + [0..5]`` made the information
  singular on the path (a profile refused as separated) and one at
  ``1e6 + {0, 1}`` (logistf's sex2) moved the intercept's interval in its
  fourth digit.

Jeffreys' penalty changes under ``R`` by the constant ``log |det R|``, which
every difference of penalized log-likelihoods (a deviance) cancels: a frame's
value is the centred copy's, the user's ``F`` (:class:`CentredObjective`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.linalg import LinAlgError, cho_factor

from .._firth import FirthObjective, FirthPoint
from .._typing import FloatArray

__all__ = ["CentredPoints", "HeldFrame", "frame"]


class CentredPoints:
    """Firth's penalized likelihood of a fit with an intercept, for its
    profiles and tests: ``inner``, the centred copy's
    (:mod:`logistic._firth_centred`), where the information is summed about
    the columns' means, in whose coordinates or a linear map of them
    (:func:`frame`) every constrained fit runs; never the user's, summed
    about 0. The penalized log-likelihood differs between coordinates by a
    constant only, which every difference of them cancels."""

    def __init__(self, objective: Any, centred: Any) -> None:
        self.objective = objective
        self.centred = centred
        self.inner = FirthObjective(centred.objective)


class HeldFrame:
    """Firth's penalized likelihood of the centred copy in coordinates ``φ``
    (``θ' = R φ``) that hold the intercept (module docstring), with the API
    of :class:`~logistic._firth.FirthObjective` that the profile uses.

    The held ``φ_G`` are the rows ``e_j`` (``φ_j = θ'_j = σ_j θ_j``, the held
    slopes ``S``) and ``r``, the intercept's row ``(-μ/σ, 1)`` of ``T⁻¹``'s
    inverse with its entries on ``S`` set to 0 (``φ_b = b + Σ_S μ_j θ_j``, the
    user's intercept itself where no slope is held): the rows are orthogonal,
    and ``φ_G = 0`` exactly where ``θ_G = 0``. Held with the intercept's row as
    it is, a slope far from 0 made the rows nearly parallel (the intercept's
    row has ``-μ_j/σ_j`` there) and the constraint's basis inexact. ``R``'s
    columns: ``e_j`` on ``S``, ``r/|r|²`` for the intercept, and for the free
    coordinates an orthonormal basis ``N`` of the rows' null space."""

    def __init__(self, points: CentredPoints, held: Any) -> None:
        self.inner = points.inner
        self.centred = points.centred
        self.objective = self.inner.objective
        self.n_params = k = self.inner.n_params
        p = k - 1  # the intercept's index (objective order: last)
        held = np.atleast_1d(np.asarray(held))
        self._slopes = held[held != p]
        free = np.ones(k, dtype=bool)
        free[held] = False
        rest = np.ones(k, dtype=bool)  # the coordinates outside S
        rest[self._slopes] = False
        r = np.zeros(k)
        r[rest] = np.r_[-self.centred.mean * self.centred.inv_scale, 1.0][rest]
        # an orthonormal basis of r's complement within the coordinates
        # outside S: the last columns of a complete QR of r there
        q, _ = np.linalg.qr(r[rest][:, None], mode="complete")
        null = np.zeros((k, int(free.sum())))
        null[rest] = q[:, 1:]
        self.R = np.zeros((k, k))
        self.R[self._slopes, self._slopes] = 1.0
        self.R[:, p] = r / float(r @ r)
        self.R[:, free] = null
        self._free, self._null = free, null
        self._last: tuple[bytes, FloatArray] | None = None

    def from_user(self, theta: FloatArray) -> FloatArray:
        """``φ`` of the user's ``θ``: ``φ_j = σ_j θ_j`` on ``S``, ``φ_b = b +
        Σ_S μ_j θ_j``, the free ones ``Nᵀ θ'``."""
        theta = np.asarray(theta, dtype=np.float64)
        c = self.centred
        phi = np.empty(self.n_params)
        phi[self._free] = self._null.T @ c.from_original(theta)
        S = self._slopes
        phi[S] = c.scale[S] * theta[S]
        phi[-1] = theta[-1] + float(c.mean[S] @ theta[S])
        return phi

    def information(self, phi: FloatArray) -> FloatArray:
        """``Rᵀ I'(R φ) R``; the last point's is kept (one pass saved)."""
        key = np.ascontiguousarray(phi, dtype=np.float64).tobytes()
        if self._last is None or self._last[0] != key:
            info = self.inner.information(self.R @ phi)
            self._last = (key, self.R.T @ info @ self.R)
        return self._last[1]

    def point(self, phi: FloatArray) -> FirthPoint:
        """The centred copy's point at ``R φ`` with its gradient ``Rᵀ ∇F`` and
        the factor of ``Rᵀ I' R`` (from ``I' = L Lᵀ``: no second pass)."""
        phi = np.array(phi, dtype=np.float64)
        pt = self.inner.point(self.R @ phi)
        if pt.factor is None or pt.grad is None:
            return FirthPoint(phi, np.inf, pt.loss, -np.inf, None)
        lower = np.tril(pt.factor[0])  # I' = L Lᵀ
        M = lower.T @ self.R
        info = M.T @ M
        key = np.ascontiguousarray(phi).tobytes()
        self._last = (key, info)
        try:
            factor = cho_factor(info, lower=True)
        except LinAlgError:
            return FirthPoint(phi, np.inf, pt.loss, -np.inf, None)
        return FirthPoint(phi, pt.value, pt.loss, pt.logdet, factor, self.R.T @ pt.grad)


def frame(fo: Any, theta: FloatArray, held: Any) -> tuple[Any, FloatArray, Any]:
    """``(points, θ, s)`` in which to hold the coefficients ``held``
    (objective indices) of ``theta``: for a :class:`CentredPoints`, the
    centred coordinates (``s`` the scales, ``θ'_G = s_G θ_G``) where every
    held one is a slope, else a :class:`HeldFrame` (``s`` None: its ``φ_G``
    is 0 where ``θ_G`` is, and ``φ_b = b`` where the intercept alone is
    held); ``fo`` as it is otherwise (``s`` None)."""
    if not isinstance(fo, CentredPoints):
        return fo, theta, None
    held = np.atleast_1d(np.asarray(held))
    if np.any(held >= fo.objective.n_features):  # the intercept is held
        held_frame = HeldFrame(fo, held)
        return held_frame, held_frame.from_user(theta), None
    return fo.inner, fo.centred.from_original(theta), fo.centred.scale
