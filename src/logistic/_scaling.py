"""Solving in standardized coordinates, reporting on the original scale.

Convention: with column means ``μ`` and scales ``σ`` (weighted by the sample
weights; with an L2 term λ the scale is ``sqrt(σ² + 4λ)``, a Jacobi
preconditioner that keeps each coordinate's curvature near 1/4 when the
penalty dominates a column of small spread), a solver iterates on
``θ' = [w', b']`` where

    w = w' / σ,     b = b' - Σ_j μ_j w'_j / σ_j

i.e. ``θ = T θ'`` for a fixed linear map ``T``. Then ``J'(θ') = J(T θ')``,
``∇J' = Tᵀ ∇J`` and ``∇²J' = Tᵀ ∇²J T``: the same optimum, the same objective
values, but a much better conditioned problem when features have very
different scales (UCLA's ``gre`` in the hundreds beside ``gpa`` around 3).
The stopping rule of every solver is stated in these coordinates
(``max |Tᵀ ∇J| ≤ tol``): it does not depend on the units of the features
(a feature measured in metres or millimetres gives the same test), and it is
attainable in floating point where ``max |∇J|`` on raw features in the hundreds
is not. ``X`` is never modified or copied: the map acts on parameter vectors only, so
sparse ``X`` stays sparse.

Scale never decides anything. A column is constant only when its values are
all equal (std exactly 0, :mod:`logistic._moments`); a column measured in
units of 1e-8 or 1e8 is standardized like any other, so solvers and the
stopping rule see the same problem whatever the units. Constant columns and,
without an intercept, all columns are not centred; their scale is then the
root mean square about 0, ``sqrt(σ² + μ²)`` (a constant column's ``|value|``;
1 for an all-zero column). With an L2 term and an intercept a constant column
of a batch binary fit is centred too (not a ``partial_fit`` stream's, whose
first chunk fixes the moments): its coordinate then moves no logit and
carries the penalty alone (scale ``2√λ``, curvature 1/4), where about 0 it
would copy the intercept with only ``λ/value²`` of curvature to tell them
apart (a column of 1e5 under an elastic net: 272 coordinate-descent
iterations, 4 when centred). With an L1 term alone (the view's ``l1``, given
by the solver's ``view_of``) it is centred too, its scale that of an
all-zero column: about 0 its standardized column is the intercept's own,
which the loss cannot tell apart, and only ``l1/|value|`` pulls its
coefficient back to 0 (digits + 100, its all-zero columns 100, L1 ``fista``:
289 iterations against 84 unshifted). The multinomial view centres such a
column in every penalized fit, L1 alone included, and keeps its scale
``|value|`` (``ScaledMultinomial.centres_constant``: its gauge reads ``μ/σ``).
Scales are rounded to ``SCALE_BITS`` significant bits and means to a grid of
``2^-SCALE_BITS`` scales, so ``T`` does not depend on how the moments were
summed. A scale below the smallest normal float64
(a column of subnormal values) is raised to it, so that ``1/scale`` is finite.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from ._objective import LogisticObjective
from ._typing import FloatArray

__all__ = ["ScaledObjective", "column_moments"]


#: Significant bits kept of each scale (and the grid of the means: a 2^-SCALE_BITS
#: fraction of the scale). T is a preconditioner: rounding it costs nothing,
#: and makes it independent of the summation order of the moments (row
#: blocking, sparse or dense storage, Dask partitions), so every backend
#: iterates with the same T.
SCALE_BITS = 20


#: float64's ``maxexp`` (2^maxexp overflows) and the smallest exponent of a
#: positive (subnormal) power of two.
_MAXEXP = int(np.finfo(np.float64).maxexp)
_MIN_EXP = -1074
#: The smallest normal float64 (the floor of a scale).
_TINY = float(np.finfo(np.float64).tiny)


def _round_bits(x: FloatArray, bits: int) -> FloatArray:
    """Positive ``x`` rounded to ``bits`` significant bits (exact operations)."""
    m, e = np.frexp(x)
    r = np.round(np.ldexp(m, bits))
    if e.size and e.max() >= _MAXEXP:
        # rounding up to 2^bits at the top binade would give 2^1024: round down there
        r = np.where((r == 2.0**bits) & (e >= _MAXEXP), r - 1.0, r)
    return np.ldexp(r, e - bits)


def _round_to_grid(mean: FloatArray, scale: FloatArray) -> FloatArray:
    """``mean`` rounded to a multiple of the power of two near ``scale·2^-bits``
    (left as is where that grid is finer than the mean's own precision).

    The usual case, every grid step ``q`` a positive power of two whose
    ``q·2^52`` is finite and every ``|mean| < q·2^52``, takes the rounding
    alone: the operations the general case makes on such entries, without
    its masks."""
    e = np.frexp(scale)[1] - SCALE_BITS - 1
    q = np.ldexp(1.0, e)
    top = _MAXEXP - 1
    if e.size and e.min() >= _MIN_EXP and e.max() + 52 <= top:
        if np.all(np.abs(mean) < q * 2.0**52):  # q·2^52 = 2^(e+52), exact
            return np.asarray(np.round(mean / q) * q)
    # a mean is rounded where |mean| < q·2^52; where that bound is beyond
    # float64's range (exponent > 1023) every finite mean is below it
    below = (np.abs(mean) < np.ldexp(1.0, np.minimum(e + 52, top))) | (e + 52 > top)
    fine = (q > 0) & below
    with np.errstate(divide="ignore", invalid="ignore"):
        rounded = np.round(mean / np.where(fine, q, 1.0)) * q
    return np.where(fine, rounded, mean)


def column_moments(objective: Any) -> tuple[FloatArray, FloatArray]:
    """Weighted column means and standard deviations (std 0 only for constant
    columns; see :mod:`logistic._moments`), cached by the objective."""
    return objective.column_moments()


class ScaledObjective:
    """``J(T θ')``: a :class:`LogisticObjective` seen in standardized coordinates.

    Exposes the same methods as the wrapped objective, plus ``to_original`` /
    ``from_original`` to map parameter vectors between the two coordinate
    systems and ``original_gradient`` (∇J, not ∇J') for stopping rules.
    """

    #: whether a constant column keeps the scale of its root mean square about
    #: 0 (``|value|``) when centred, instead of the penalty's ``2√λ``: the
    #: multinomial view's gauge reads ``μ/σ`` (:mod:`logistic._multinomial_scaled`)
    constant_keeps_scale = False

    def centres_constant(self, objective: Any) -> bool:
        """Whether a constant column beside the intercept is centred (the
        module docstring): with a penalty on the coefficients, which alone
        then acts on its coordinate (an L2 term: curvature 1/4; an L1 term
        alone holds it at 0, as an all-zero column's) (a K-class view: with
        any penalty)."""
        return bool(objective.l2 > 0 or self.l1 > 0)

    def __init__(
        self,
        objective: LogisticObjective,
        *,
        center: bool | None = None,
        moments: tuple[FloatArray, FloatArray] | None = None,
        l1: float = 0.0,
    ):
        self.base = objective
        #: the fit's L1 strength (a solver's ``view_of``): with it a constant
        #: column beside the intercept is centred, as with an L2 term
        self.l1 = float(l1)
        #: what a solver prepared with the view for its fits (its ``view_of``;
        #: ``newton-cd-columns``: X's column copy, which gave the statistics)
        self.prepared: Any = None
        self.n_params = objective.n_params
        self.n_features = objective.n_features
        self.fit_intercept = objective.fit_intercept
        # ``moments`` fixes (mean, std) from elsewhere (partial_fit: the first batch)
        mean, std = column_moments(objective) if moments is None else moments
        mean, std = (
            np.asarray(mean, dtype=np.float64),
            np.asarray(std, dtype=np.float64),
        )
        constant = std == 0  # exactly: only columns whose values are all equal
        center = objective.fit_intercept if center is None else center
        if center and not constant.any():  # every column centred (the usual fit)
            self.mean, spread = mean, std
        else:
            # a constant column beside the intercept is centred only with an
            # L2 term, which alone then gives its coordinate curvature; not
            # from given moments (partial_fit's first chunk, where a column
            # constant there may vary later) nor where a subclass says so
            alone = moments is None and self.centres_constant(objective)
            centred = (~constant | alone) & bool(center)
            self.mean = np.where(centred, mean, 0.0)
            # spread about the centre: std when centred, the root mean square
            # sqrt(std² + mean²) about 0 otherwise (a constant column: |value|,
            # also centred where the view keeps it), computed for those columns
            # only (hypot is slow; wide sparse data have a few empty columns
            # among thousands)
            spread = std.copy()
            about_zero = ~centred
            if self.constant_keeps_scale:
                about_zero |= constant
            spread[about_zero] = np.hypot(std[about_zero], mean[about_zero])
        # Jacobi preconditioning: the curvature of coordinate j is about
        # (spread_j²/4 + λ)/scale_j², so scale_j = sqrt(spread_j² + 4λ) keeps every
        # diagonal entry near 1/4 also when an L2 term dominates a small spread.
        scale = np.hypot(spread, 2.0 * math.sqrt(max(objective.l2, 0.0)))
        if not (scale.size and scale.min() >= _TINY):  # (min is NaN-propagating)
            scale = np.where(scale > 0, scale, 1.0)  # an all-zero column
            # subnormal spreads: the smallest normal float64, so 1/scale is finite
            scale = np.maximum(scale, _TINY)
        self.scale = _round_bits(scale, SCALE_BITS)
        self.mean = _round_to_grid(self.mean, self.scale)
        # T's diagonal entries: to_original and Tᵀ multiply by them, so T built
        # column by column from to_original reproduces both bit for bit
        self.inv_scale = 1.0 / self.scale
        self.l2 = objective.l2

    def with_base(self, objective: Any) -> ScaledObjective:
        """This view's coordinates over ``objective`` (a chunk of a
        ``partial_fit`` stream: the same columns, ``l2`` and intercept; None
        for a template that holds no data), without computing them again."""
        view = copy.copy(self)
        view.base = objective
        return view

    # Facts about the data, not about coordinates, come from the base objective.
    # Anything else (e.g. a fused value+gradient+Hessian kernel) must be written
    # here in standardized coordinates, so no catch-all forwarding.
    @property
    def weight_sum(self) -> float:
        return self.base.weight_sum

    @property
    def n_evaluations(self) -> int:
        return self.base.n_evaluations

    @property
    def data(self) -> Any:
        return self.base.data

    # -- the linear map T and its transpose ---------------------------------
    def to_original(self, theta_s: FloatArray) -> FloatArray:
        """``θ = T θ'``."""
        theta = np.array(theta_s, dtype=np.float64)
        p = self.n_features
        w = theta[:p]
        w *= self.inv_scale  # in place: the map runs on every pass of a fit
        if self.fit_intercept:
            theta[p] -= float(self.mean @ w)
        return theta

    def from_original(self, theta: FloatArray) -> FloatArray:
        """``θ' = T⁻¹ θ``."""
        theta_s = np.array(theta, dtype=np.float64)
        p = self.n_features
        theta_s[:p] = theta[:p] * self.scale
        if self.fit_intercept:
            theta_s[p] = theta[p] + float(self.mean @ theta[:p])
        return theta_s

    def from_parts(self, w: FloatArray, b: float) -> FloatArray:
        """``θ' = T⁻¹ [w, b]`` (``b`` ignored without an intercept): the bits
        of :meth:`from_original` without joining ``w`` and ``b`` first, for a
        contiguous ``w`` (``mean @ w`` over a strided view may round
        differently)."""
        p = self.n_features
        theta_s = np.empty(self.n_params)
        np.multiply(w, self.scale, out=theta_s[:p])
        if self.fit_intercept:
            theta_s[p] = float(b) + float(self.mean @ w)
        return theta_s

    def round_trip(self, w: FloatArray) -> FloatArray:
        """The coefficients ``w`` as :meth:`to_original` returns them from
        :meth:`from_original`'s ``θ'`` (the change of coordinates rounds:
        ``(w·σ)·(1/σ)``, the same operations), without the intercept."""
        out = np.multiply(w, self.scale)
        out *= self.inv_scale
        return out

    def gradient_from_parts(self, g_w: FloatArray, g_b: float) -> FloatArray:
        """``Tᵀ [g_w, g_b]``: the bits of :meth:`scaled_gradient` without
        joining ``g_w`` and ``g_b`` first (``g_b`` ignored without an
        intercept)."""
        p = self.n_features
        out = np.empty(self.n_params)
        w = out[:p]
        if self.fit_intercept:
            np.multiply(self.mean, float(g_b), out=w)
            np.subtract(g_w, w, out=w)
            out[p] = g_b
        else:
            w[...] = g_w
        w *= self.inv_scale
        return out

    def scaled_gradient(self, g: FloatArray) -> FloatArray:
        """``Tᵀ g``: a gradient of the original problem in standardized coordinates."""
        out = np.array(g, dtype=np.float64)
        p = self.n_features
        w = out[:p]  # in place: the map runs on every pass of a fit
        if self.fit_intercept:
            w -= self.mean * out[p]
        w *= self.inv_scale
        return out

    def original_gradient(self, g_s: FloatArray) -> FloatArray:
        """``∇J = T⁻ᵀ ∇J'`` (for stopping rules stated on the original problem)."""
        g = np.array(g_s, dtype=np.float64)
        p = self.n_features
        g[:p] = g_s[:p] * self.scale
        if self.fit_intercept:
            g[:p] += self.mean * g_s[p]
        return g

    def gauge_free(self, theta_s: FloatArray) -> FloatArray:
        """``theta_s`` itself: the binary objective has no gauge term (the
        K-class view's :meth:`~logistic._multinomial_scaled.ScaledMultinomial.
        gauge_free`)."""
        return theta_s

    # -- objective interface ------------------------------------------------
    def value(self, theta_s: FloatArray) -> float:
        return self.base.value(self.to_original(theta_s))

    def value_and_gradient(self, theta_s: FloatArray) -> tuple[float, FloatArray]:
        f, g = self.base.value_and_gradient(self.to_original(theta_s))
        return f, self.scaled_gradient(g)

    def start_value_and_gradient(
        self, theta_s: FloatArray
    ) -> tuple[float, FloatArray] | None:
        """The base objective's value and gradient at ``θ' = 0`` (``θ = 0``)
        without a pass, or None
        (:meth:`LogisticObjective.start_value_and_gradient`)."""
        got = self.base.start_value_and_gradient(self.to_original(theta_s))
        if got is None:
            return None
        f, g = got
        return f, self.scaled_gradient(g)

    def gradient(self, theta_s: FloatArray) -> FloatArray:
        return self.value_and_gradient(theta_s)[1]

    def hessian(self, theta_s: FloatArray) -> FloatArray:
        """The Hessian at ``theta_s`` in standardized coordinates (``Tᵀ H T``)."""
        return self.scaled_hessian(self.base.hessian(self.to_original(theta_s)))

    def scaled_hessian(self, H: FloatArray) -> FloatArray:
        """``Tᵀ H T`` of an original-coordinate Hessian ``H``, in O(p²) from T's
        structure (diagonal scale, intercept row)."""
        p = self.n_features
        inv = self.inv_scale
        if not self.fit_intercept:
            return H * np.outer(inv, inv)
        c, d, mu = H[:p, p].copy(), float(H[p, p]), self.mean
        u = c - d * mu
        # A - c μᵀ - μ cᵀ + d μ μᵀ = A - c μᵀ - μ uᵀ, as two in-place rank-1
        # updates by blocks of rows (temporaries of one block, not p×p: the
        # Hessian may be large; numpy, not scipy's BLAS ger, so a fit needs no
        # scipy.linalg); silent on overflow as BLAS is: callers test finiteness
        A = np.ascontiguousarray(H[:p, :p])
        step = max(1, 2**16 // max(p, 1))
        with np.errstate(over="ignore", invalid="ignore"):
            for lo in range(0, p, step):
                rows = A[lo : lo + step]
                rows -= c[lo : lo + step, None] * mu
                rows -= mu[lo : lo + step, None] * u
        A *= inv[:, None]
        A *= inv[None, :]
        out = np.empty_like(H)
        out[:p, :p] = A
        out[:p, p] = out[p, :p] = u * inv
        out[p, p] = d
        return out

    def hessian_vector(self, theta_s: FloatArray, v: FloatArray) -> FloatArray:
        hv = self.base.hessian_vector(self.to_original(theta_s), self.to_original(v))
        return self.scaled_gradient(hv)

    def hessian_diagonal(self, theta_s: FloatArray) -> FloatArray:
        """The diagonal of ``Tᵀ H T`` at ``theta_s`` (one read of the data): for
        a coefficient ``(H_jj - 2 μ_j H_jb + μ_j² H_bb) / σ_j²``, for the
        intercept ``H_bb`` (``μ`` = 0 without an intercept); the Jacobi
        preconditioner of truncated Newton's conjugate gradients."""
        h_diag, h_wb, h_bb = self.base.hessian_diagonal(self.to_original(theta_s))
        inv = self.inv_scale
        if not self.fit_intercept:
            return h_diag * inv * inv
        mu = self.mean
        out = np.empty(self.n_features + 1)
        with np.errstate(over="ignore", invalid="ignore"):  # inf, NaN: callers test
            out[:-1] = (h_diag - 2.0 * mu * h_wb + mu * mu * h_bb) * inv * inv
        out[-1] = h_bb
        return out

    def majorizer_vector(self, v: FloatArray) -> FloatArray:
        return self.scaled_gradient(self.base.majorizer_vector(self.to_original(v)))

    def gauge_free_majorizer_vector(self, v: FloatArray) -> FloatArray:
        """:meth:`majorizer_vector`: no gauge term to leave out (the K-class
        view's :meth:`~logistic._multinomial_scaled.ScaledMultinomial.
        gauge_free_majorizer_vector`)."""
        return self.majorizer_vector(v)

    def gauge_free_hessian(self, theta_s: FloatArray) -> FloatArray:
        """:meth:`hessian`: no gauge term to measure otherwise (the K-class
        view's :meth:`~logistic._multinomial_scaled.ScaledMultinomial.
        gauge_free_hessian`)."""
        return self.hessian(theta_s)
