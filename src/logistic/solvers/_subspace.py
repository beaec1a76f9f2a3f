"""Sampled subspace steps: the gradient from a full pass, the step from a row sample.

On dense data in memory with many rows per parameter (wide100k: 100 000 ×
1 000), a data pass costs about one read of X, and the work between passes
is free by comparison. A step here spends that free work on the step's
shape: it minimizes the objective over a small subspace ``x + span(D)`` of
the solver's coordinates, where ``D`` holds the last ``SUBSPACE_GRADIENTS``
gradients, the last ``SUBSPACE_STEPS`` steps and the intercept direction.
For a quadratic, minimizing over the span of the gradients so far is what
conjugate gradients do; for the logistic loss the minimization is exact
along the curved objective, so no line search is needed.

The minimization runs on every k-th row only (``SAMPLE_ROWS`` rows, fewer
for wide rows: :func:`sample_rows`; the
subspace has at most 27 dimensions, so a few thousand rows determine its
curvature well), with its gradient at ``a = 0`` replaced by the full
one (the model ``S(a) − ∇S(0)ᵀa + gᵀDa``, ``S`` the sample objective on
``x + Da``): the model agrees with the full objective to first order
exactly, and to second order up to the sample's error in a
few-dimensional curvature. Each step then costs one full value+gradient
pass and one product of the sampled rows with the new gradient (``1/k``
of a pass).

Measured (L2, C = 1, ``python -m benchmarks.subspace_ab``; relative
objective gap after each full pass, from zero):

* wide100k (100 000 × 1 000): 0.51, 7.0e-3, 1.0e-4, 1.2e-6, 1.4e-8, 2.0e-10
  against L-BFGS-B's 0.51, 9.4e-2, 2.3e-2, 2.7e-3, 4.2e-4, 8.5e-6, 1.3e-7,
  1.4e-9: a gap of 1e-8 in 6 passes (tol 1e-6) against 8 (tol 1e-5);
* dense1m (1 000 000 × 100): 0.47, 2.7e-3, 1.6e-6, 9.1e-10 (4 passes at
  tol 1e-5) against 8;
* illcond1m (correlated columns): 25 passes against 59 at tol 1e-5 (47
  with the last 6 gradients only, 38 with 10, 32 with 16: on ill-conditioned
  data the span of every gradient so far is what makes the steps
  conjugate-gradient-like).

Each step contracts the gap about 80-fold on wide100k, the rate of
conjugate gradients for the spread of ``XᵀX``'s spectrum at 100 rows a
column; the sample cannot do better than the span of the full gradients:
directions built from sampled rows (sampled Hessian-vector products, a
subsample fit) either made no difference (rows disjoint from the model's)
or made the model diverge (the same rows: its curvature is then biased
along them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._math import loss_residual_and_hessian_weight
from .._objective import LogisticObjective
from .._typing import FloatArray
from ._linesearch import armijo

__all__ = ["SubspaceModel", "sample_for_subspace", "sample_rows"]

#: Rows of the sample that the subspace minimization runs on (wide100k: the
#: gap after 5 passes 1.68e-8 with 2 000 rows, 1.41e-8 with 4 000, 1.38e-8
#: with 8 000: the subspace, not the sample, limits the step) ...
SAMPLE_ROWS = 4_000
#: ... but at most ``SAMPLE_VALUES`` values of X (and at least
#: ``MIN_SAMPLE_ROWS`` rows): a step reads the sampled rows once from memory
#: for the new gradient's direction (``X_s t``; 32 MB, ~2.8 ms a step on one
#: core at 4 000 rows of wide100k's 1 000 columns), and the model's dimension
#: (at most 27) does not grow with p. wide100k at 2 000 rows: the gap after
#: each step 8.9e-3, 1.2e-4, 1.3e-6, 1.7e-8, 2.4e-10 against 7.0e-3, 1.0e-4,
#: 1.2e-6, 1.4e-8, 2.0e-10 at 4 000, the same 5 steps to tol 1e-6; the 5
#: steps' CPU 32 -> 19 ms (medians of 8 alternating fits, load 7).
SAMPLE_VALUES = 2_000_000
MIN_SAMPLE_ROWS = 2_000
#: The data must have at least ``MIN_ROWS`` rows and ``MIN_ROWS_PER_PARAM``
#: rows per parameter (the step saves passes only when a pass is long
#: against the sample and the problem has the curvature of many rows).
MIN_ROWS = 64_000
MIN_ROWS_PER_PARAM = 20
#: Rows shorter than this are copied into the sample; longer rows (wide data,
#: where a copy would cost a noticeable part of a pass) are read in place.
MIN_VIEW_ROW_BYTES = 4096
#: Gradients and steps spanning the subspace (see the illcond1m numbers).
SUBSPACE_GRADIENTS, SUBSPACE_STEPS = 24, 2
#: Newton iterations of the subspace minimization (it converges in 3–6), and
#: its stop: the Newton decrement below this fraction of the decrease so far.
#: A step then falls short of the model's minimum by about that fraction of
#: its decrease, far below the sample's own error: wide100k's gaps after each
#: step, dense1m's and illcond1m's passes (3, 24 at tol 1e-5) are those of
#: 1e-8 (objectives within 1e-12 relative), with 3.8 -> 3.0 iterations a
#: step on wide100k (the 5 solves' CPU 7.7 -> 4.2-5.9 ms, load 9).
MODEL_ITERATIONS = 20
MODEL_RTOL = 1e-4
#: The phase ends after a step whose actual decrease of the full objective is
#: below this fraction of the decrease the sample's model predicted (a trust
#: region's agreement ratio): the sample then misses curvature the full data
#: have (a rare feature, a few points that keep the data from being
#: separable), and L-BFGS-B, whose curvature comes from the full gradients,
#: does better from there (quasi-separable 70 000 × 6 data: 38 subspace steps
#: against 27 L-BFGS-B iterations without the test).
MIN_AGREEMENT = 0.5


def sample_rows(n_features: int) -> int:
    """Rows of the sample for data of ``n_features`` columns: ``SAMPLE_ROWS``,
    fewer for wide rows (``SAMPLE_VALUES`` values, at least
    ``MIN_SAMPLE_ROWS`` rows)."""
    return max(MIN_SAMPLE_ROWS, min(SAMPLE_ROWS, SAMPLE_VALUES // max(n_features, 1)))


def sample_for_subspace(objective: Any) -> Any:
    """Every k-th row of dense in-memory data as ``(X, y, w)`` (a strided
    view when X is C-ordered; ``w`` normalised sample weights or None), or
    None when the data do not qualify (see the module docstring)."""
    if type(objective) is not LogisticObjective:
        return None
    data = objective.data
    n, p = int(data.n_samples), int(objective.n_features)
    rows = sample_rows(p)
    if n < max(MIN_ROWS, 2 * rows) or n < MIN_ROWS_PER_PARAM * p:
        return None
    if not data.capabilities.rows_in_memory:
        return None
    block = data.rows()
    X = block.X
    if block.offset is not None or not isinstance(X, np.ndarray) or X.ndim != 2:
        return None
    k = n // rows
    Xs = X[::k]
    if X.dtype != np.float64:  # the products run in float64: convert once
        Xs = np.ascontiguousarray(Xs, dtype=np.float64)
    elif not X.flags.c_contiguous or Xs.strides[1] * p < MIN_VIEW_ROW_BYTES:
        # short rows: a strided view reads a page per row; copy them once
        Xs = np.ascontiguousarray(Xs)
    w = block.sample_weight
    if w is not None:
        w = np.asarray(w[::k], dtype=np.float64)
        total = float(np.sum(w))
        if not total > 0:
            return None
        w = w / total
    return Xs, np.asarray(block.y[::k], dtype=np.float64), w


class SubspaceModel:
    """The subspace minimization of one fit on a row sample.

    Parameters
    ----------
    sample : tuple
        ``(X, y, w)`` from :func:`sample_for_subspace`.
    l2 : float
        The objective's ``λ`` of ``(λ/2)‖w‖²``.
    fit_intercept : bool
    to_original : callable
        The solver's coordinates → original coordinates (a linear map).
    """

    def __init__(
        self, sample: Any, l2: float, fit_intercept: bool, to_original: Any
    ) -> None:
        self.X, self.y, self.w = sample
        self.l2, self.fit_intercept = float(l2), bool(fit_intercept)
        self.to_original = to_original
        self.p = int(self.X.shape[1])
        #: directions (solver coordinates), their original-coordinate images
        #: and their products with the sampled rows, newest last
        self.grads: list[tuple[FloatArray, FloatArray, FloatArray]] = []
        self.steps: list[tuple[FloatArray, FloatArray, FloatArray]] = []
        self.z: FloatArray | None = None  # sampled logits at the current point
        #: the decrease of the objective the model predicts for the last step
        self.predicted = 0.0

    def _image(self, d: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``d`` scaled to unit norm, its original-coordinate image and the
        sampled rows' logit change along it."""
        d = d / max(float(np.linalg.norm(d)), np.finfo(np.float64).tiny)
        t = self.to_original(d)
        zd = self.X @ t[: self.p]
        if self.fit_intercept:
            zd += t[self.p]
        return d, t, zd

    def step(self, x: FloatArray, g: FloatArray) -> FloatArray | None:
        """The step from ``x`` (solver coordinates, full gradient ``g``) to
        the model's minimizer over the subspace, or None when the model has
        no finite minimizer."""
        if self.z is None:
            theta = self.to_original(x)
            self.z = np.full(
                self.X.shape[0], theta[self.p] if self.fit_intercept else 0.0
            )
            if np.any(theta[: self.p]):
                self.z += self.X @ theta[: self.p]
        self.grads = [*self.grads, self._image(g)][-SUBSPACE_GRADIENTS:]
        cols = self.grads + self.steps
        if self.fit_intercept:
            e = np.zeros_like(x)
            e[-1] = 1.0
            cols = [*cols, (e, self.to_original(e), np.ones_like(self.z))]
        D = np.stack([c[0] for c in cols], axis=1)
        T = np.stack([c[1][: self.p] for c in cols], axis=1)
        Z = np.stack([c[2] for c in cols], axis=1)
        a = self._minimize(self.to_original(x)[: self.p], D.T @ g, T, Z)
        if a is None:
            return None
        s = D @ a
        dz = Z @ a
        self.z = self.z + dz
        norm = float(np.linalg.norm(s))
        if norm > 0:
            unit = (s / norm, self.to_original(s / norm), dz / norm)
            self.steps = [*self.steps, unit][-SUBSPACE_STEPS:]
        return s

    def _minimize(
        self, w0: FloatArray, g_full: FloatArray, T: FloatArray, Z: FloatArray
    ) -> FloatArray | None:
        """Newton on ``a`` for ``S(a) − ∇S(0)ᵀa + g_fullᵀa`` (``S``: the
        sample's mean loss at ``z + Za`` plus ``(λ/2)‖w0 + Ta‖²``), with
        halving steps; a pseudo-inverse handles dependent directions.

        Each trial point costs one ``exp`` over the sample
        (:meth:`_terms`), whose loss, residual and curvature the next
        Newton iteration reuses when the point is accepted."""
        assert self.z is not None
        z0, lam = self.z, self.l2
        TtT, Ttw = T.T @ T, T.T @ w0
        Zt = np.ascontiguousarray(Z.T)

        def penalty(a: FloatArray) -> float:
            return 0.5 * lam * float(a @ TtT @ a + 2 * Ttw @ a)

        a = np.zeros(Z.shape[1])
        f_loss, r, h = self._terms(z0)
        # the linear term that replaces the sample's gradient at a = 0 by the full one
        c = g_full - (Zt @ r + lam * Ttw)
        f0 = f = f_loss + penalty(a)
        for _ in range(MODEL_ITERATIONS):
            ga = Zt @ r + lam * (TtT @ a + Ttw) + c
            H = (Zt * h) @ Z + lam * TtT
            vals, vecs = np.linalg.eigh(H)
            keep = vals > vals[-1] * 1e-10
            if not np.any(keep) or not np.all(np.isfinite(vals)):
                return None
            da = -(vecs[:, keep] @ ((vecs[:, keep].T @ ga) / vals[keep]))
            slope = float(ga @ da)
            if not slope < 0:
                break
            t = 1.0
            while t > 1e-6:
                a_new = a + t * da
                f_loss, r_new, h_new = self._terms(z0 + Z @ a_new)
                f_new = f_loss + penalty(a_new) + float(c @ a_new)
                if armijo(f_new, f, t, slope):
                    break
                t *= 0.5
            else:
                break
            a, f, r, h = a_new, f_new, r_new, h_new
            if -slope <= MODEL_RTOL * (f0 - f):  # what is left ≪ the decrease
                break
        self.predicted = f0 - f
        return a if np.all(np.isfinite(a)) else None

    def _terms(self, z: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        """The sample's weighted mean loss at logits ``z`` and its weighted
        residuals ``σ(z) − y`` and curvatures ``σ(z)σ(−z)``, from one
        ``exp`` (:func:`logistic._math.loss_residual_and_hessian_weight`)."""
        lo, r, h = loss_residual_and_hessian_weight(self.y, z)
        w = self.w
        if w is None:
            m = 1.0 / z.shape[0]
            return float(lo.sum()) * m, r * m, h * m
        return float(lo @ w), r * w, h * w
