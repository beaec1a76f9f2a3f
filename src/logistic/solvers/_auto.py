"""``solver="auto"``: pick a registered solver from the problem's shape and penalty.

Convention: the choice reads capability flags and the data's shape (and, for
sparse X, its number of stored values) only, never solver internals, and is
recorded by the estimator in ``solver_``.

Rule (measurements in docs/benchmarks.md):

* Firth's penalty → the solver with ``firth``; an L1 term →
  ``newton-cd-columns`` for sparse X in memory within ``MAX_COLUMN_NNZ``
  (faster than ``newton-cd``'s dense Hessian on every sparse L1 problem
  measured, ``python -m benchmarks.l1_sparse_ab``: a9a at C = 1 75 against
  355 ms, w8a 129 against 326 ms, 20 000 × 5 000 at 0.2 % 50 against
  7 183 ms, 1.6–143× in all; docs/benchmarks.md) or dense X in memory of at
  least ``DENSE_COLUMNS_MIN_FEATURES`` columns whose sampled share of non-zeros
  is at most ``DENSE_COLUMNS_SHARE`` (held as CSC:
  1.4–21×, ``python -m benchmarks.l1_dense_zeros_ab``) or, any share,
  whose ``newton-cd`` iteration costs more than
  ``DENSE_COLUMNS_HESSIAN_PASSES`` passes (held as a Fortran copy: the
  paths' column solver; 1 000 × 3 000 3.60 against 0.25 s, 200 × 20 000
  ``fista`` unconverged after 4-5 s against 0.14 s; 5 000 × 1 000 keeps
  ``newton-cd``, 1.83 against 3.32 s; ``python -m
  benchmarks.l1_wide_auto``), else
  the first registered solver with ``supports_l1`` (``newton-cd``) unless its
  dense Hessian would exceed ``MAX_HESSIAN_BYTES``, else the first L1 solver
  that needs no Hessian and streams (``fista``);
* otherwise Newton when one Newton iteration costs at most about four passes
  over the data and its Hessian fits the memory (:func:`hessian_fits_memory`:
  very long data can make a wide Newton cheap in passes), or when the fit is
  unpenalized with at most ``MAX_LIKELIHOOD_NEWTON_PARAMS`` parameters (the
  tolerance inference needs, which L-BFGS may not reach), else L-BFGS.
  Costs are counted in "streamed entries" of X (one pass = ``n·p`` dense,
  ``nnz`` sparse):

  - dense: the Hessian uses ``m = min(n, max(40 000, 50·p))`` rows (Newton's
    subsampled Hessian, :func:`logistic._numerics.hessian_subsample_rows`) at
    ``m·p²/2`` multiply-adds, and its Cholesky ``p³/3``; BLAS does ~32
    multiply-adds in the time one entry of X streams from memory (2-core
    Sapphire Rapids: ~20 GFMA/s a core against ~10 GB/s), so the extra cost
    is ``(m·p²/2 + p³/3) / 32``;
  - sparse: ``X̃ᵀ D X̃`` costs about ``0.2·n·(nnz/n)²`` plus the dense
    ``p × p`` Cholesky ``p³/96``. With the compiled sparse sandwich
    (:func:`logistic._kernels.hessian_sums`) the product costs 2.5 passes on
    a9a (2.1 ms against 0.85 ms a value+gradient pass; the term estimates
    2.8) and 2.5 on w8a (5 ms against 2 ms; estimate 2.3); scipy's sparse
    product it replaced cost 10-20× more.

  Measured (2 cores, L2 with C = 1, time to a 1e-8 objective gap, ours):
  Newton needs 4–8 iterations everywhere; L-BFGS needs 7 (dense1m, wide100k,
  well conditioned) to 50+ (illcond1m, credit-default: unscaled, correlated)
  to 100 (a9a) — scipy's L-BFGS-B alone; on dense data in memory of 64 000
  rows or more its sampled subspace steps (:mod:`._subspace`) come first:
  wide100k 6 passes, dense1m 5, illcond1m 30 (74 alone), so L-BFGS and
  Newton come close on dense1m (Newton measured faster, 1.27 against 1.49 s
  at load 9) and L-BFGS stays the choice on wide100k.
  On data of 200 000 rows or more Newton starts from a
  subsample fit (:mod:`.newton`): dense1m 4 full passes against L-BFGS's 9,
  illcond1m 4. Newton (from zero): dense1m ≈ L-BFGS, illcond1m 4× faster, a9a 4.5×,
  credit-default 9×, higgs 6×; L-BFGS: wide100k (a full 1000² Hessian per
  iteration is ~16 passes) and sparse with large p (reuters p = 8 315,
  sparse200k p = 100 000: a dense p × p Hessian is out of the question).

  Truncated Newton (``newton-cg``) keeps the curvature per outer iteration, so
  a Hessian-vector product costs two products with X, like one value+gradient
  pass, and its CG is Jacobi-preconditioned; it still needs more passes than
  L-BFGS where ``auto`` would consider it (reuters: 55 against 40, CPU 102
  against 93 ms, alternating in one process; sparse200k 16 against 7, twice
  the time), so ``auto`` keeps L-BFGS there.

* sparse X held in memory (``rows_in_memory``) where Newton costs more than
  ``MAX_NEWTON_PASSES`` and X has at most ``MAX_COLUMN_NNZ`` stored values →
  ``newton-cd-columns`` (:mod:`.column_newton`: Newton steps by coordinate
  descent on X's columns, a sweep ≈ one pass). Measured to a 1e-8 gap
  (``benchmarks/sparse_solvers_ab.py``, fresh processes, 7 alternating runs,
  load 2.6 on 2 cores): reuters (340 000 stored values) 37.5 ms against
  L-BFGS 53.8 ms and scikit-learn's lbfgs 64.5 ms (36 passes against 40:
  the sweeps are single-threaded, but a Newton step with 2–3 sweeps replaces
  L-BFGS's curvature pairs, and no scipy L-BFGS-B bookkeeping on 8 316
  parameters, 12 ms of its 50). On sparse200k (20 M stored values, L-BFGS 7
  passes: well conditioned) the column solver is slower, 4.3 s against
  2.2 s (``MAX_COLUMN_NNZ``). Out of memory, on a GPU or with ``rows_in_memory``
  not given, L-BFGS as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _memory
from .._exceptions import InvalidParameterError
from .._numerics import hessian_subsample_rows
from .._typing import DataDescription
from ._base import SOLVERS, Capabilities, get_solver
from ._column_matrix import (
    DENSE_COLUMNS_MIN_FEATURES,
    dense_nonzero_share,
    mostly_zero,
)

__all__ = [
    "check_hessian_memory",
    "choose_solver",
    "hessian_costly",
    "hessian_fits_memory",
    "newton_cost_in_passes",
    "refuse_l1_solver",
    "resolve_solver",
]

#: Multiply-adds of BLAS per entry of X streamed from memory (see docstring).
FLOPS_PER_ENTRY = 32.0
#: Newton is chosen while one iteration costs at most this many passes.
MAX_NEWTON_PASSES = 4.0
#: Maximum-likelihood fits (``penalty=None``) of at most this many parameters
#: take Newton whatever its cost in passes: their inference needs the gradient
#: at ``tol`` (1e-10), where L-BFGS stalls at the rounding floor or runs out
#: of iterations on ill-conditioned designs (a 30 × 15 interaction of
#: one-hot rating factors, 450 parameters on 40 000 rows: 1 000 L-BFGS
#: iterations, 40 s, gradient 1.2e-9, not converged, against 18 Newton
#: iterations, 14 s, converged), and the fit statistics form the full Hessian
#: anyway up to the same 500 parameters (``inference._stored.MAX_STORED_PARAMS``).
MAX_LIKELIHOOD_NEWTON_PARAMS = 500
#: Sparse X with at most this many stored values goes to ``newton-cd-columns``
#: (when Newton is too costly). Measured at two sizes only: reuters' 0.34 M
#: faster by column (above), sparse200k's 20 M slower (4.3 s against
#: L-BFGS's 2.2 s to the gap, 3 runs each, load 2.4-4.3: single-threaded
#: sweeps over 20 M values and their CSC copy, against 7 threaded passes);
#: the bound lies between them, closer to the size measured faster.
MAX_COLUMN_NNZ = 5_000_000
#: Largest dense ``p × p`` Hessian ``auto`` has an L1 fit form (512 MiB:
#: p ≈ 8 000). Wider L1 problems take the column solver (sparse X in memory
#: within ``MAX_COLUMN_NNZ``) or the first L1 solver without a Hessian
#: (``fista``): sparse200k's p = 100 000 would need 74.5 GiB.
MAX_HESSIAN_BYTES = 512 * 2**20
#: Hessians of at most this many bytes (64 MiB: p ≈ 2 900) fit any machine
#: this runs on: the memory is asked (two ``sysconf`` calls and the cgroup's
#: limit file, some microseconds) only for larger ones.


#: Dense X (any share of zeros) is also fitted by its columns where one
#: ``newton-cd`` iteration, its (p+1)² Hessian, is estimated to cost more
#: than this many passes over X (:func:`newton_cost_in_passes`):
#: the column solver (the paths' :func:`.column_cd.newton_cd_columns`, X
#: held as a Fortran copy) sweeps X a few times a Newton step instead.
#: ``python -m benchmarks.l1_wide_auto`` (C = 1, default tol, best of 2, L1,
#: a quiet 2-core machine; ``newton-cd`` on rows → by columns): 5 000 ×
#: 1 000 (18.7 passes) 1.83 → 3.32 s and 2 000 × 1 000 (21.8) 0.63 → 0.86 s
#: stay on rows; 3 000 × 2 000 (46) 4.89 → 2.12 s, 1 500 × 2 000 (60)
#: 2.46 → 0.42 s, 1 000 × 3 000 (142) 3.60 → 0.25 s, 500 × 5 000 (600)
#: 5.51 → 0.15 s; 200 × 20 000, where ``auto`` took ``fista`` (its Hessian
#: above :data:`MAX_HESSIAN_BYTES`; unconverged at max_iter after 4-5 s),
#: 0.14 s. The bound lies between the last shape kept and the first taken.
DENSE_COLUMNS_HESSIAN_PASSES = 32.0
#: ... within this size of the float64 column copy (a memory bound, not a
#: measured speed: the copy sits beside X for the fit).
DENSE_COLUMNS_MAX_BYTES = 2**30


def hessian_costly(n_samples: int, n_features: int) -> bool:
    """Whether dense X of this shape is fitted by its columns whatever its
    zeros (:data:`DENSE_COLUMNS_HESSIAN_PASSES`, :data:`DENSE_COLUMNS_MAX_BYTES`)."""
    if n_features < DENSE_COLUMNS_MIN_FEATURES:
        return False
    if 8.0 * float(n_samples) * float(n_features) > DENSE_COLUMNS_MAX_BYTES:
        return False
    cost = newton_cost_in_passes(n_samples, n_features)
    return cost > DENSE_COLUMNS_HESSIAN_PASSES


def hessian_bytes(n_params: int) -> int:
    """Bytes of a dense float64 ``n_params × n_params`` Hessian."""
    return 8 * n_params * n_params


def _first(has: Callable[[Capabilities], bool]) -> str | None:
    """The first registered solver whose capabilities satisfy ``has``."""
    for name, cls in SOLVERS.items():
        if has(cls.capabilities):
            return name
    return None


def newton_cost_in_passes(n: int, p: int, nnz: int | None = None) -> float:
    """Estimated cost of one Newton iteration, in passes over the data.

    Parameters
    ----------
    n, p : int
        Rows and columns of X.
    nnz : int or None
        Stored values of a sparse X (None: dense).
    """
    n, p = max(1, int(n)), max(1, int(p))
    chol = p**3 / 3.0
    if nnz is None:
        m = min(n, hessian_subsample_rows(p))
        extra = (m * p * p / 2.0 + chol) / FLOPS_PER_ENTRY
        return 1.0 + extra / (n * p)
    nnz = max(1, int(nnz))
    extra = 0.2 * n * (nnz / n) ** 2 + chol / FLOPS_PER_ENTRY + p * p
    return 1.0 + extra / nnz


def choose_solver(
    data: DataDescription,
    *,
    penalty: str | None,
    l1: float,
    rows_in_memory: bool = False,
) -> str:
    """Name of the solver ``auto`` uses for these data and this penalty
    (``rows_in_memory``: the backend holds X's rows, so the column solver
    can copy them)."""
    if penalty == "firth":
        name = _first(lambda c: c.firth)
        if name is not None:
            return name
    columns = rows_in_memory and data.nnz is not None and data.nnz <= MAX_COLUMN_NNZ
    if l1 > 0:
        if columns or (rows_in_memory and (_mostly_zero(data) or _wide(data))):
            name = "newton-cd-columns"
        elif hessian_bytes(data.n_features + 1) <= MAX_HESSIAN_BYTES:
            name = _first(lambda c: c.supports_l1)
        else:
            name = _first(
                lambda c: c.supports_l1 and not c.needs_hessian and c.streaming
            )
        if name is not None:
            return name
    cost = newton_cost_in_passes(data.n_samples, data.n_features, data.nnz)
    if cost <= MAX_NEWTON_PASSES and hessian_fits_memory(data.n_features + 1):
        return "newton"
    if penalty is None and data.n_features + 1 <= MAX_LIKELIHOOD_NEWTON_PARAMS:
        return "newton"  # the Hessian fits: p ≤ 500 is at most 2 MiB
    if columns:
        return "newton-cd-columns"
    return "lbfgs"


def _wide(data: DataDescription) -> bool:
    """Dense X whose Hessian is costly (:func:`hessian_costly`:
    ``newton-cd-columns`` fits it by its columns)."""
    return data.nnz is None and hessian_costly(data.n_samples, data.n_features)


def _mostly_zero(data: DataDescription) -> bool:
    """Dense X of at least ``DENSE_COLUMNS_MIN_FEATURES`` columns with at most
    ``DENSE_COLUMNS_SHARE`` non-zero entries (as sampled) and at most
    ``MAX_COLUMN_NNZ`` of them."""
    share = data.nonzero_share
    if data.nnz is not None or share is None:
        return False
    size = float(data.n_samples) * float(data.n_features)
    return mostly_zero(data.n_features, share) and share * size <= MAX_COLUMN_NNZ


def describe(backend: Any, *, solver: str, l1: float) -> DataDescription:
    """The backend's :class:`DataDescription`, with the sampled share of
    non-zero entries of a dense X of at least ``DENSE_COLUMNS_MIN_FEATURES``
    columns held in memory when ``auto`` chooses an L1 fit's solver from it
    (:func:`._column_matrix.dense_nonzero_share`, sampled once per backend;
    X's finite check is not made here where the backend owes it)."""
    data = DataDescription.of(backend)
    if solver != "auto" or not l1 > 0 or data.nnz is not None:
        return data
    if not backend.capabilities.rows_in_memory:
        return data
    if data.n_features < DENSE_COLUMNS_MIN_FEATURES:
        return data
    return data._replace(nonzero_share=dense_nonzero_share(backend))


def refuse_l1_solver(name: str, penalty: str | None, owner: str) -> None:
    """Refuse the registered solver ``name`` for a penalty with an L1 term
    when it cannot fit one; ``owner`` is the estimator or function whose
    ``solver`` and ``penalty`` parameters the message names."""
    if get_solver(name).capabilities.supports_l1:
        return
    l1_solvers = sorted(n for n, c in SOLVERS.items() if c.capabilities.supports_l1)
    raise InvalidParameterError(
        f"The 'solver' parameter of {owner} is {name!r}, which does not support "
        f"penalty={penalty!r} (an L1 term); use one of {l1_solvers} or "
        f"solver='auto'."
    )


def resolve_solver(
    solver: str,
    data: DataDescription,
    *,
    penalty: str | None,
    l1: float,
    owner: str,
    rows_in_memory: bool = False,
) -> str:
    """The solver for ``solver`` ("auto" or a registered name), checked against
    its declared capabilities (Firth, L1, sparse X); ``owner`` names the
    estimator in messages; ``rows_in_memory`` as for :func:`choose_solver`."""
    if solver == "auto":
        name = choose_solver(
            data, penalty=penalty, l1=l1, rows_in_memory=rows_in_memory
        )
    else:
        name = solver
    caps = get_solver(name).capabilities
    if penalty == "firth" and not caps.firth:
        firth = sorted(n for n, c in SOLVERS.items() if c.capabilities.firth)
        raise InvalidParameterError(
            f"{owner}(penalty='firth') needs a solver with the firth capability "
            f"({firth}); got solver={name!r}. Use solver='auto'."
        )
    if penalty != "firth" and caps.firth:
        raise InvalidParameterError(
            f"solver={name!r} fits Firth's penalized likelihood only; use it with "
            f"penalty='firth' (got penalty={penalty!r})."
        )
    if l1 > 0:
        refuse_l1_solver(name, penalty, owner)
    if data.sparse and not caps.supports_sparse:
        raise InvalidParameterError(
            f"solver={name!r} does not accept sparse X; use solver='auto'."
        )
    check_hessian_memory(name, data.n_features + 1)
    return name


#: What a refusal of a dense Hessian suggests instead, for binary fits.
BINARY_ALTERNATIVES = (
    "'lbfgs', 'newton-cg'; with an L1 term 'fista', or 'newton-cd-columns' for sparse X"
)


def check_hessian_memory(
    name: str, n_params: int, *, alternatives: str = BINARY_ALTERNATIVES
) -> None:
    """Refuse the registered solver ``name`` when it forms a dense
    ``n_params × n_params`` Hessian (capability ``needs_hessian``) larger
    than the memory this process may use (:func:`logistic._memory.process_memory`).
    Called by the binary (:func:`resolve_solver`) and the multinomial
    (``n_params = K·(p+1)``) paths; ``alternatives`` lists the solvers the
    message suggests. The memory is asked only above
    ``MEMORY_CHECK_MIN_BYTES``."""
    if (
        hessian_bytes(n_params) <= _memory.MEMORY_CHECK_MIN_BYTES
        or not get_solver(name).capabilities.needs_hessian
        or hessian_fits_memory(n_params)
    ):
        return
    size = _memory.format_bytes(hessian_bytes(n_params))
    memory = _memory.format_bytes(_memory.process_memory() or 0)
    raise InvalidParameterError(
        f"solver={name!r} forms a dense {n_params} × {n_params} Hessian "
        f"({size}), more than the memory this process may use ({memory}: the "
        f"machine's, or its container's limit); use solver='auto' (or "
        f"{alternatives})."
    )


def hessian_fits_memory(n_params: int) -> bool:
    """Whether a dense ``n_params × n_params`` Hessian fits the memory this
    process may use (True where the system does not say)."""
    return _memory.fits_memory(hessian_bytes(n_params))
