"""Around a Newton step on a few hundred parameters (:mod:`.newton`): the
Jacobi scaling its factorizations use, the Levenberg-damped solve of a
Hessian that is not positive definite, BLAS limited to one thread for small
factorizations, and heap headroom for an iteration's p × p temporaries.

The thread limit itself is :mod:`logistic._blas_threads`'s.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import Any

import numpy as np

from .._blas_threads import one_blas_thread as _one_thread
from .._compiled import compiled_for_shape, compiled_kernel
from .._libc import reserve_heap
from .._linalg import Cholesky, LinAlgError, cholesky, lapack_factor
from .._typing import FloatArray

__all__ = [
    "damped_solve",
    "heap_headroom",
    "jacobi_scaling",
    "jacobi_scaled",
    "lapack_factors",
    "one_blas_thread",
    "scaled_cholesky",
    "orthant_model_step",
    "smooth_model_step",
    "split_direction",
    "underflowing_columns",
    "UNDERFLOW_RMS",
]


#: The p × p temporaries of one iteration that the heap keeps room for
#: (:func:`heap_headroom`): the per-block Hessian sums and their total, the
#: assembled and scaled Hessians, the factor and the solver's copies.
HEAP_HEADROOM_MATRICES = 16
#: glibc adapts its thresholds to freed chunks of at most 32 MiB.
HEAP_HEADROOM_MAX_BYTES = 30 * 2**20
#: Temporaries below this size stay under glibc's initial thresholds.
HEAP_HEADROOM_MIN_BYTES = 2**20
_HEAP_HEADROOM = [0]


def heap_headroom(n_params: int) -> None:
    """Let the heap keep the memory of an iteration's p × p temporaries.

    glibc's malloc serves a chunk above its mmap threshold (initially 128
    KiB) by ``mmap`` and, when such a chunk is freed, raises that threshold
    to its size and the heap's trim threshold to twice it. A Newton
    iteration on a few hundred parameters frees several p × p arrays at once
    (720 KiB each at p = 301), more than that trim threshold, so the heap
    was returned to the system and re-faulted at every iteration: ~6 000
    page faults (5-10 % of the time) of every w8a fit. A ``malloc`` and
    ``free`` of one chunk of ``HEAP_HEADROOM_MATRICES`` such arrays (once per
    process and size; up to glibc's 32 MiB limit; never touched, so no
    memory is used) sets the thresholds as a large temporary would have: the
    heap then keeps that much free memory (:func:`logistic._libc.reserve_heap`;
    a numpy array would show in ``tracemalloc`` as a peak that no page
    backs). The thresholds are glibc's: elsewhere the call changes nothing
    (and off Linux the :mod:`ctypes` one is not made). Where the compiled kernels
    are loaded (any fit of a size that needs headroom), their
    ``_fused.reserve_heap`` makes the call: the :mod:`ctypes` prototypes of
    ``malloc`` and ``free`` cost ~0.1 ms of a process's first Newton fit.
    """
    size = HEAP_HEADROOM_MATRICES * 8 * n_params * n_params
    size = min(size, HEAP_HEADROOM_MAX_BYTES)
    if size < HEAP_HEADROOM_MIN_BYTES or size <= _HEAP_HEADROOM[0]:
        return
    _HEAP_HEADROOM[0] = size
    mod = sys.modules.get("logistic._fused")
    if mod is not None and hasattr(mod, "reserve_heap"):
        mod.reserve_heap(size)  # the compiled call where it is loaded
    else:
        reserve_heap(size)


#: Up to this many parameters the Cholesky runs on one BLAS thread: on two
#: busy cores, OpenBLAS's threads spin-waiting for each other made a 301 × 301
#: factorization take 30–1600 ms instead of 10 ms (w8a, load average 10).
ONE_THREAD_MAX_PARAMS = 2048
#: Factorizations this small run on one thread anyway: no thread limit is set
#: for them. OpenBLAS's ``potrf`` runs a float64 matrix of fewer than 128 rows
#: unthreaded (measured on 2 CPUs: 5 000 ``dpotrf`` of 124 rows take ~44 µs
#: each with and without the limit, and BLAS's threads spend no more CPU time
#: than while idle; from 128 rows on its threads take half the CPU time, and a
#: factor ~760 µs on a loaded machine against ~87 µs at 127 rows). A fit on
#: a9a (p = 124) so sets no limit, and its first fit neither imports
#: :mod:`logistic._loader` nor searches the process's libraries (~0.3 ms).
#: (numpy's and scipy's wheels ship OpenBLAS; another BLAS may thread smaller
#: factors.)
SERIAL_MAX_PARAMS = 127


def one_blas_thread(n_params: int) -> Any:
    """A context holding BLAS to one thread for a factorization of
    ``n_params`` rows (:func:`logistic._blas_threads.one_blas_thread`); none
    up to ``SERIAL_MAX_PARAMS`` or above ``ONE_THREAD_MAX_PARAMS`` rows."""
    if n_params <= SERIAL_MAX_PARAMS or n_params > ONE_THREAD_MAX_PARAMS:
        return nullcontext()
    return _one_thread()


def jacobi_scaling(H: FloatArray) -> FloatArray:
    """``diag(H)^{-1/2}``, 1 where the diagonal is not positive."""
    diag = np.diag(H)
    if diag.min() > 0:
        return 1.0 / np.sqrt(diag)
    return np.where(diag > 0, 1.0 / np.sqrt(np.where(diag > 0, diag, 1.0)), 1.0)


def jacobi_scaled(H: FloatArray, s: FloatArray) -> FloatArray:
    """``S H S`` (``S = diag(s)``), a new array (NaN where an infinite entry
    meets a zero scale: its factorization then fails, which callers handle)."""
    with np.errstate(over="ignore", invalid="ignore"):
        Hs = H * s[:, None]
        Hs *= s[None, :]
    return Hs


def lapack_factors(objective: Any) -> bool:
    """Whether Newton's factorizations for ``objective`` go to scipy's LAPACK
    ``dpotrf`` / ``dpotrs`` at every size (:func:`logistic._linalg.cholesky`
    with ``lapack``): where its data hold at least
    :data:`logistic._compiled.COMPILED_MIN_VALUES` values, which the
    compiled kernels read (they import ``scipy.linalg``), so the choice
    depends on the data's shape only, never on what the process imported
    before. Elsewhere numpy's factor and LU solve (no ``scipy.linalg`` for a
    small fit). At higgs's 29 rows a step's factor and solve take ~4 µs
    against ~15 µs (numpy's argument handling, twice as much in a process's
    first fit)."""
    data = objective.data
    n = int(data.n_samples)
    return compiled_for_shape(n, int(data.n_features)) is not None


def scaled_cholesky(H: FloatArray, s: FloatArray, lapack: bool = False) -> Cholesky:
    """The Cholesky factor of ``S H S`` (:func:`jacobi_scaled`), BLAS held to
    one thread by :func:`one_blas_thread`'s size rule: Newton's factor, and
    the zero start's, which Newton's first step reuses, made alike
    (``lapack``: :func:`lapack_factors` of the fit's objective; a float64 H
    then in one compiled call, ``_fused.jacobi_factor``: the same scaled
    matrix, factored by ``dpotrf`` as the upper factor of its transpose,
    without numpy's scaling and scipy's wrapper, so the factor equals
    scipy's to rounding, not bit for bit);
    :class:`logistic._linalg.LinAlgError` when it is not positive definite."""
    if lapack and H.dtype == np.float64:
        mod = compiled_kernel()
        if mod is not None:  # scaling and dpotrf in one compiled call
            L = np.empty(H.shape)
            with one_blas_thread(H.shape[0]):
                info = mod.jacobi_factor(np.ascontiguousarray(H), s, L)
            if info > 0:
                raise LinAlgError("Matrix is not positive definite")
            return lapack_factor(L)
    Hs = jacobi_scaled(H, s)
    with one_blas_thread(H.shape[0]):
        return cholesky(Hs, copy=False, lapack=lapack)  # Hs: this function's own


def smooth_model_step(H: FloatArray, g: FloatArray) -> FloatArray | None:
    """The minimiser ``-H⁻¹g`` of a smooth quadratic model (no L1 term) by the
    Cholesky factor of the Jacobi-scaled H (:func:`scaled_cholesky`), or None
    where H is not positive definite or the step is not finite. A model
    singular to rounding (one-hot columns with every level kept, no penalty)
    can still factor, with a pivot of ~1e-16, and give a step of arbitrary
    length along its flat direction: the callers (``newton-cd``,
    ``newton-cd-columns``' Gram form) then take coordinate descent's step
    when this one is no descent direction or its line search fails. A pivot
    test cannot tell that case from a weak L2 term (C = 1e8 on 2e5 rows:
    pivots ~1e-13, and the exact step is right)."""
    s = jacobi_scaling(H)
    try:
        factor = scaled_cholesky(H, s)
    except (LinAlgError, ValueError):
        return None
    d = -factor.solve(g * s) * s
    return d if np.isfinite(d).all() else None


#: The orthant step replaces coordinate descent's only where it lowers the
#: model by this fraction of coordinate descent's own decrease more: a clear
#: gain, never a choice between two steps equal to rounding (which would make
#: the iterates, and so the result's last digits, follow X's memory layout).
ORTHANT_GAIN = 1e-3
#: ... and gives up on a singular free block after damping by at most
#: 1e-10 · 10^(this - 1) of its diagonal.
ORTHANT_DAMPING_TRIES = 6


def orthant_model_step(
    H: FloatArray, g: FloatArray, w: FloatArray, lam: FloatArray, d: FloatArray,
    n_rows: int,
) -> FloatArray | None:  # fmt: skip
    """A step at least as good as coordinate descent's ``d`` for the L1 model
    ``q(e) = gᵀe + ½ eᵀHe + Σ_k lam_k |w_k + e_k|``: the exact minimiser on
    the orthant of ``w + d``, cut back to that orthant; None where it is no
    better than ``d``.

    With the zeros of ``w + d`` kept at zero and the signs of its other
    penalized entries fixed, the L1 term is linear and the model smooth: its
    minimiser over the free coordinates F is one Cholesky solve,
    ``e_F = -H_FF⁻¹ (g_F + lam_F ⊙ sign(w + d)_F + H_FZ e_Z)`` with
    ``e_Z = -w_Z`` (:func:`smooth_model_step`; :func:`damped_solve` where
    ``H_FF`` does not factor). Where it changes a sign, the
    segment from ``d`` towards it stops where the first coordinate reaches
    zero (on the segment the model is that smooth quadratic, convex, so it
    only decreases). Coordinate descent moves one coordinate at a time, so it
    creeps along a direction that needs several to move together: a valley
    the loss leaves flat (one-hot columns with every level kept beside the
    intercept, duplicated columns) that only the penalty slopes or closes.
    Its inner tolerance is then met after a small move, and the outer
    iterations crept (ucla with four rank dummies, elastic net C = 1e4;
    lbw with three race dummies, L1 C = 1e6: 1 000 iterations each, the KKT
    residual stuck at ~8e-9). The exact step crosses the valley, or goes
    along it to the coefficient the L1 term sets to zero, in one solve. The
    step is taken only where the true model (with ``|·|``) is lower than at
    ``d`` by ``ORTHANT_GAIN`` of ``d``'s decrease. Not tried with more free
    coordinates than ``n_rows`` (the data's rows): ``H_FF`` is then singular
    (rank at most ``n_rows``) and its factor costs more than the Hessian pass
    (``|F|³/3`` against ``n p²/2``)."""
    x = w + d
    free = (x != 0) | (lam == 0)
    if not free.any() or int(free.sum()) > n_rows:
        return None
    e = -w.copy()
    F = np.flatnonzero(free)
    Z = np.flatnonzero(~free)
    rhs = g[F] + lam[F] * np.sign(x[F])
    if Z.size:
        rhs += H[np.ix_(F, Z)] @ e[Z]
    HF = H[np.ix_(F, F)]
    step = smooth_model_step(HF, rhs)
    if step is None:  # singular to rounding along the valley: a damped step
        sF = jacobi_scaling(HF)
        damped = damped_solve(
            jacobi_scaled(HF, sF), rhs * sF, sF, 1e-10, ORTHANT_DAMPING_TRIES
        )
        if damped is None:
            return None
        step = damped[0]
    e[F] = step
    xe = w + e
    crossed = (lam > 0) & (x != 0) & (np.sign(xe) != np.sign(x))
    if crossed.any():
        # the fraction of the way from d to e at which each crossing
        # coordinate reaches zero; the first one stops the step, at zero
        frac = np.full(x.shape, np.inf)
        frac[crossed] = x[crossed] / (x[crossed] - xe[crossed])
        tau = float(frac.min())
        e = d + tau * (e - d)
        stop = frac == tau
        e[stop] = -w[stop]

    def change(v: FloatArray) -> float:  # the model at v less the model at 0
        with np.errstate(over="ignore", invalid="ignore"):  # NaN: not taken
            return float(
                g @ v + 0.5 * (v @ (H @ v)) + lam @ (np.abs(w + v) - np.abs(w))
            )

    return e if change(e) < (1.0 + ORTHANT_GAIN) * change(d) else None


#: Levenberg damping tries ``μ = 0, 1e-10, 1e-9, …`` (this many at most).
DAMPING_TRIES = 40


def damped_solve(
    Hs: FloatArray, gs: FloatArray, s: FloatArray, mu: float = 0.0,
    tries: int = DAMPING_TRIES,
) -> tuple[FloatArray, float] | None:  # fmt: skip
    """``(-H⁻¹ g, μ)`` by Cholesky of the Jacobi-scaled ``Hs = S H S``
    (``gs = s ⊙ g``), damped to ``Hs + μ I`` (``μ diag(H)`` unscaled) with
    the smallest ``μ`` of ``mu`` (0: ``0, 1e-10, 1e-9, …``) and ten times
    it, ... that factors and gives a finite step; None when none of
    ``tries`` does."""
    for _ in range(tries):
        try:
            damped = Hs if mu == 0 else Hs + mu * np.eye(Hs.shape[0])
            d = -cholesky(damped).solve(gs) * s
            if np.all(np.isfinite(d)):
                return d, mu
        except LinAlgError:
            pass
        mu = max(1e-10, 10.0 * mu)
    return None


#: A column whose root mean square is below this has squares within ~1e18 of
#: float64's smallest normal number: its Hessian entries underflow.
UNDERFLOW_RMS = 1e-145


def underflowing_columns(objective: Any) -> Any:
    """Mask of the parameters (features, then the intercept: never one) of an
    unpenalized fit whose column, not all zeros, has values whose squares
    underflow (root mean square below :data:`UNDERFLOW_RMS`): their Hessian
    entries in original coordinates are rounding or 0, which no damping
    repairs (an L2 term alone gives such a column its curvature); None where
    there is none. Asked only where a factorization failed."""
    if objective.l2 > 0:
        return None
    mean, std = objective.column_moments()
    rms = np.hypot(np.asarray(mean, dtype=float), np.asarray(std, dtype=float))
    tiny = (rms > 0) & (rms < UNDERFLOW_RMS)
    if not tiny.any():
        return None
    return np.append(tiny, False) if objective.fit_intercept else tiny


def split_direction(
    H: FloatArray, g: FloatArray, tiny: Any, steepest: FloatArray, lapack: bool
) -> FloatArray | None:
    """Newton's direction for the parameters other than ``tiny`` (whose
    Hessian entries underflow: :func:`underflowing_columns`), ``steepest``'s
    (preconditioned steepest descent in standardized coordinates, whatever
    the units) for those; None where the others' Hessian does not factor
    either (a column of zeros, a dependency: the damped solve's cases) or the
    result is no descent direction."""
    kept = ~np.asarray(tiny, dtype=bool)
    Hk = H[np.ix_(kept, kept)]
    s = jacobi_scaling(Hk)
    try:
        factor = scaled_cholesky(Hk, s, lapack)
    except LinAlgError:
        return None
    d = np.array(steepest, dtype=np.float64)
    d[kept] = -factor.solve(g[kept] * s) * s
    if not np.isfinite(d).all() or not float(g @ d) < 0:
        return None
    return d
