"""Firth's fit in centred coordinates, reported in the user's.

Convention (owned here). Firth's penalty ``½ log det I(θ)`` sums the
information ``I = X̃ᵀ W X̃`` about 0: a column whose mean is ``r`` times its
spread cancels with the intercept, and ``I``, its Cholesky factor, its
log-determinant and the hat values ``h`` built from ``I⁻¹`` keep only about
``ε·r²`` of their precision (a column ``2e6 + [0..5]`` moved the estimate by
1e-2 relative on an AVX2 host; a column ``1e8 + [0..5]`` was refused as
collinear with the intercept). With an intercept, the columns' standardized
coordinates of :class:`~logistic._scaling.ScaledObjective` (``x' = (x - μ)/σ``,
``θ = T θ'``: ``w = w'/σ``, ``b = b' - Σ_j μ_j w'_j/σ_j``; its moments with
``μ`` rounded to X's dtype and ``σ`` to a power of two, so the copy is
exact where the subtraction is, :func:`exact_moments`) are an invertible
affine reparametrization of the columns, and Jeffreys' penalty is invariant
under it up to a constant: ``I'(θ') = Tᵀ I(Tθ') T`` gives

    ℓ*'(θ') = ℓ*(T θ') + log |det T|,   log |det T| = -Σ_j log σ_j,

so the maximizer of the centred problem is ``T⁻¹`` of the user's, and
``I(θ̂)⁻¹ = T I'(θ̂')⁻¹ Tᵀ``. A Firth fit with an intercept therefore solves
the problem on a centred, scaled copy ``X'`` of the rows (``μ``, ``σ`` the
view's rounded moments: ``x - μ`` is exact for a column far from 0) and maps
the estimate, the objective value (``F = F' + log |det T| / Σs``) and any
covariance back with ``T``; the sample weights and the offset are the rows'
own, unchanged. FLAC's augmented fit (:mod:`logistic._firth_correction`)
runs on the same copy.

Rows not held in memory (out of core, Dask: a Firth model's inference on
its training rows given as such a backend, or the solver called on them) are
not copied: each block is centred as it is read (:class:`CentredRows`, one
block's dense copy at a time), the same map ``T``.

The coordinates stay the user's: without an intercept (the invariance needs
it: centring a column then changes the model), with an L2 term beside the
penalty (not invariant under scaling), for a sparse X none of whose columns
lies over :data:`~logistic._numerics.FAR_FROM_CENTRE` times its spread from
0 (centring densifies it), and where the dense copy of rows in memory does
not fit the process's memory (:func:`logistic._memory.fits_memory`; the copy
has X's dtype). A fit makes the copy once (:func:`shared_copy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from . import _memory
from ._numerics import FAR_FROM_CENTRE, mean_over_spread
from ._objective import LogisticObjective
from ._scaling import ScaledObjective
from ._sparse import issparse
from ._typing import BackendCapabilities, Block, FloatArray, T

__all__ = [
    "CentredFirth",
    "CentredRows",
    "CentredInformation",
    "CentredObjective",
    "centred_firth",
    "centred_block",
    "centred_information",
    "centres",
    "map_matrix",
    "shared_copy",
]

F64 = np.float64

#: the objective's attribute where :func:`shared_copy` keeps its copy
_SHARED = "_centred_firth_shared"
#: :func:`shared_copy` is on, and no copy is made yet; it is off
_UNMADE, _OFF = object(), object()


class CentredInformation(NamedTuple):
    """The information of a Firth fit in its centred coordinates, kept for
    its covariance (:attr:`logistic.inference._stored.FitStatistics.centred`):
    ``I(θ̂)⁻¹ = T (Σs · hessian)⁻¹ Tᵀ``, inverted where the columns are
    centred, not from the information summed about 0."""

    #: ``T`` of ``θ = T θ'``, shape (k, k), objective order (intercept last)
    matrix: FloatArray
    #: ``∇²J'(θ̂')`` of the centred copy (FLAC: its covariance's inverse / Σs)
    hessian: FloatArray
    #: ``μ`` and ``σ`` of ``T`` (:class:`CentredFirth`), what a model file
    #: keeps of it (:mod:`logistic.io._centred`); None where ``T`` is no
    #: such map (a file's covariance read as its Cholesky factor)
    mean: FloatArray | None = None
    scale: FloatArray | None = None

    def original_hessian(self) -> FloatArray:
        """``∇²J(θ̂) = T⁻ᵀ ∇²J'(θ̂') T⁻¹``, the Hessian in the user's
        coordinates without inverting a covariance there (its condition is
        about ``(μ/σ)²``: a column at ``1e9 + [0..5]`` made numpy's inverse
        of FLAC's refuse it as singular); ``T`` is lower triangular."""
        from scipy.linalg import solve_triangular

        T = self.matrix
        T_inv = solve_triangular(T, np.eye(T.shape[0]), lower=True)
        H = T_inv.T @ self.hessian @ T_inv
        return np.asarray(0.5 * (H + H.T))

    @classmethod
    def of_moments(
        cls, mean: FloatArray, scale: FloatArray, hessian: FloatArray
    ) -> CentredInformation:
        """The information ``hessian`` of the centred copy whose map ``T``
        has the means ``mean`` and the scales ``scale`` (as
        :meth:`CentredFirth.matrix` builds it)."""
        return cls(map_matrix(mean, 1.0 / scale), hessian, mean, scale)

    def covariance(self, cov_c: FloatArray) -> FloatArray:
        """``T Σ' Tᵀ``: a covariance of ``θ'`` as one of ``θ``."""
        T = self.matrix
        cov = T @ cov_c @ T.T
        return np.asarray(0.5 * (cov + cov.T))


class CentredObjective(LogisticObjective):
    """The objective of a centred copy of the rows: a
    :class:`LogisticObjective` that also knows ``log |det T|`` of its map to
    the user's coordinates, which :class:`logistic._firth.FirthObjective`
    adds to its value (``F = F' + log |det T| / Σs``), so that a Firth fit's
    objective values, history and penalized log-likelihood are the user's."""

    log_det_map: float = 0.0


class CentredFirth:
    """The centred problem of a Firth fit and the map ``T`` back.

    Attributes
    ----------
    original : LogisticObjective
        The user's problem.
    mean, scale, inv_scale : ndarray of shape (n_features,)
        ``μ`` and ``σ`` of ``T``: the standardized view's moments with ``μ``
        a value of X's dtype and ``σ`` a power of two (:func:`exact_moments`),
        so that ``X' = (X - μ)/σ`` is computed exactly where ``μ`` is within
        a factor 2 of ``x`` (a column far from 0) and ``T`` is the map of the
        copy actually made, in float32 as in float64.
    objective : CentredObjective
        The same rows with ``X'``, an intercept, no L2 term: a copy of the
        rows ``X`` given (in memory), or, given None, the user's backend with
        each block centred as read (:class:`CentredRows`).
    centred_view : ScaledObjective
        The copy's standardized view (its moments from the rows': no pass).
    """

    def __init__(
        self, original: LogisticObjective, view: ScaledObjective, X: Any
    ) -> None:
        from .backends.in_memory import InMemory

        self.original = original
        dtype = np.dtype(original.data.dtype)
        self.mean, self.scale = exact_moments(view.mean, view.scale, dtype)
        self.inv_scale = 1.0 / self.scale  # a power of two: exact
        data: Any
        if X is None:  # rows not in memory: each block centred as it is read
            data = CentredRows(original.data, self.mean, self.inv_scale)
        else:
            rows = original.data.rows()
            data = InMemory(
                centred_block(X, self.mean, self.inv_scale, dtype),
                rows.y,
                rows.sample_weight,
                rows.offset,
                feature_names=getattr(original.data, "feature_names", None),
            )
        self.objective = CentredObjective(data, fit_intercept=True)
        # log |det T|: T is diag(1/σ) on the slopes, unit triangular otherwise
        self.objective.log_det_map = float(np.sum(np.log(self.inv_scale)))
        mean, std = original.column_moments()
        self.centred_view = ScaledObjective(
            self.objective,
            moments=(
                (np.asarray(mean, dtype=F64) - self.mean) * self.inv_scale,
                np.asarray(std, dtype=F64) * self.inv_scale,
            ),
        )

    def to_original(self, theta_c: FloatArray) -> FloatArray:
        """``θ = T θ'``: ``w = w'/σ``, ``b = b' - μ·w``."""
        theta = np.array(theta_c, dtype=F64)
        p = self.original.n_features
        theta[:p] *= self.inv_scale
        theta[p] -= float(self.mean @ theta[:p])
        return theta

    def from_original(self, theta: FloatArray) -> FloatArray:
        """``θ' = T⁻¹ θ``: ``w' = σ w``, ``b' = b + μ·w``."""
        theta = np.asarray(theta, dtype=F64)
        p = self.original.n_features
        theta_c = np.array(theta, dtype=F64)
        theta_c[:p] = theta[:p] * self.scale
        theta_c[p] = theta[p] + float(self.mean @ theta[:p])
        return theta_c

    def matrix(self) -> FloatArray:
        """``T`` as a ``(k, k)`` array, objective order."""
        return map_matrix(self.mean, self.inv_scale)

    def information(self, cov_c: FloatArray | None = None, theta: Any = None) -> Any:
        """The :class:`CentredInformation` of the covariance ``cov_c`` of
        ``θ'`` (FLAC's), or else of the information at ``theta`` (user's
        coordinates: one pass over the copy)."""
        total = self.objective.weight_sum
        if cov_c is not None:
            hessian = np.linalg.inv(cov_c) / total
        else:
            hessian = self.objective.hessian(self.from_original(theta))
        return CentredInformation(self.matrix(), hessian, self.mean, self.scale)

    def result_to_original(self, result: Any) -> Any:
        """A :class:`~logistic.solvers.SolverResult` of the centred problem
        as one of the user's: the coefficients mapped by ``T``. Its objective
        values are the user's already (:class:`CentredObjective`) and
        ``grad_max_norm`` is stated in standardized coordinates."""
        return replace(result, coef=self.to_original(result.coef))


def map_matrix(mean: FloatArray, inv_scale: FloatArray) -> FloatArray:
    """``T`` of ``θ = T θ'`` as a ``(p + 1, p + 1)`` array, objective order
    (intercept last): ``diag(1/σ)`` on the slopes, ``-μ/σ`` then 1 in the
    intercept's row."""
    p = int(np.shape(mean)[0])
    T = np.zeros((p + 1, p + 1))
    T[np.arange(p), np.arange(p)] = inv_scale
    T[p, :p] = -np.asarray(mean) * inv_scale
    T[p, p] = 1.0
    return T


def centred_firth(
    objective: LogisticObjective, view: ScaledObjective | None = None
) -> CentredFirth | None:
    """The centred problem of ``objective`` (module docstring), or None where
    its coordinates stay the user's. ``view``: its standardized view, when
    built already."""
    kept = vars(objective).get(_SHARED, _OFF)
    if kept is not _OFF and kept is not _UNMADE:
        return kept  # type: ignore[no-any-return]  # the copy, or None
    if not centres(objective):
        made = None
    else:
        if view is None or view.base is not objective:
            view = ScaledObjective(objective)
        data = objective.data
        X = data.rows().X if data.capabilities.rows_in_memory else None
        made = CentredFirth(objective, view, X)
    if kept is _UNMADE:
        setattr(objective, _SHARED, made)
    return made


@contextmanager
def shared_copy(objective: LogisticObjective) -> Iterator[None]:
    """Within it, :func:`centred_firth` of ``objective`` makes its centred
    copy once and gives that one to every later caller: a fit's solver,
    FLAC's refit and the kept information (:class:`CentredInformation`), or
    inference's check of the training rows and its information, each made
    its own copy (a sparse X far from 0 densified each time). The copy is
    dropped at its end; nested, the outer one's holds."""
    if _SHARED in vars(objective):
        yield
        return
    setattr(objective, _SHARED, _UNMADE)
    try:
        yield
    finally:
        delattr(objective, _SHARED)


def centres(objective: LogisticObjective) -> bool:
    """Whether :func:`centred_firth` makes a centred copy of ``objective``'s
    rows (module docstring), without making it; a checkpoint records it
    (:func:`logistic._fit_steps.checkpointer`: its state is the centred
    problem's)."""
    if not objective.fit_intercept or objective.l2 != 0:
        return False
    data = objective.data
    if data.nnz is not None:  # sparse: centring densifies
        mean, std = objective.column_moments()
        if not np.any(mean_over_spread(mean, std) > FAR_FROM_CENTRE):
            return False
    if not data.capabilities.rows_in_memory:
        return True  # centred block by block (:class:`CentredRows`)
    n, p = data.n_samples, data.n_features
    # a copy in X's dtype (float32 stays float32: its fit computes in it)
    return _memory.fits_memory(np.dtype(data.dtype).itemsize * n * p)


def centred_block(X: Any, mean: FloatArray, inv_scale: FloatArray, dtype: Any) -> Any:
    """``(X - μ)/σ`` as a new dense C-ordered array of ``dtype``: exact where
    the subtraction is (``μ`` a value of the dtype, ``1/σ`` a power of two)."""
    Xc = X.toarray() if issparse(X) else np.array(X, dtype=dtype, order="C")
    Xc = np.asarray(Xc, dtype=dtype, order="C")
    Xc -= mean.astype(dtype)
    Xc *= inv_scale.astype(dtype)
    return Xc


def _on_centred(
    block: Block, fn: Callable[[Block], Any], mean: FloatArray, inv_scale: FloatArray
) -> Any:
    """``fn`` of ``block`` with its X centred (:class:`CentredRows`); a
    function of plain values, for backends that ship ``fn`` to workers."""
    X = centred_block(block.X, mean, inv_scale, np.dtype(block.X.dtype))
    return fn(Block(X, block.y, block.sample_weight, block.offset))


class CentredRows:
    """The rows of a backend not held in memory (out of core, Dask), each
    block centred and scaled as it is read: the centred problem of
    :class:`CentredFirth` without a copy of the rows (one block's dense copy
    at a time). Its capabilities are ``map_reduce`` and ``blocks`` only."""

    def __init__(self, base: Any, mean: FloatArray, inv_scale: FloatArray) -> None:
        self.base = base
        self.mean, self.inv_scale = mean, inv_scale
        self.n_samples, self.n_features = base.n_samples, base.n_features
        self.dtype = base.dtype
        self.nnz = None
        self.classes_ = base.classes_
        self.feature_names = getattr(base, "feature_names", None)
        self.capabilities = BackendCapabilities(blocks=base.capabilities.blocks)

    @property
    def fingerprint(self) -> str:
        return f"{self.base.fingerprint}:centred"

    def _centring(self, fn: Callable[[Block], T]) -> Callable[[Block], T]:
        return partial(_on_centred, fn=fn, mean=self.mean, inv_scale=self.inv_scale)

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        return self.base.map_reduce(self._centring(fn))  # type: ignore[no-any-return]

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T:
        raise NotImplementedError("centred rows have no block grid")

    def blocks(self) -> Iterator[Block]:
        centre = self._centring(lambda block: block)
        for block in self.base.blocks():
            yield centre(block)

    def rows(self) -> Block:
        raise NotImplementedError("centred rows are not held in memory")


def exact_moments(
    mean: FloatArray, scale: FloatArray, dtype: Any
) -> tuple[FloatArray, FloatArray]:
    """``(μ, σ)`` of the view rounded for an exact copy: ``μ`` to the nearest
    value of ``dtype``, ``σ`` to the nearest power of two (T is a change of
    coordinates: any invertible one gives the same estimate; these make
    ``(x - μ)/σ`` exact where the subtraction is)."""
    mu = np.asarray(mean, dtype=dtype).astype(F64)
    scale = np.asarray(scale, dtype=F64)
    sigma = np.ldexp(1.0, np.round(np.log2(scale)).astype(int))
    return mu, sigma


def centred_information(
    objective: LogisticObjective, theta: FloatArray
) -> CentredInformation | None:
    """The information at ``theta`` (user's coordinates) of the centred copy
    of ``objective``'s rows, or None where :func:`centred_firth` makes none."""
    centred = centred_firth(objective)
    return None if centred is None else centred.information(theta=theta)
