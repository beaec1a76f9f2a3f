"""In-memory backend: numpy arrays or scipy sparse matrices, reduced over row blocks.

Convention: dense ``X`` (any memory order) is cut into row blocks of about
``block_bytes`` bytes; CSR ``X`` into row blocks of about ``block_bytes`` of
stored values (for small p at least ``SPARSE_HESSIAN_VALUES · p²`` of them,
but a block for each available CPU: :meth:`InMemory._sparse_hessian_rows`).
Blocks are views (CSR blocks share ``data`` and ``indices``), never copies,
so a fused value+gradient pass reads each block from memory
once and its second product (``Xᵀ r``) hits the cache. Other sparse formats
are one block. With the default size, C-ordered float32/float64 data that
the compiled kernel's fused row loop reads (one read of each row, no second
product: :func:`logistic._kernels.row_loop_active`) gets larger blocks, up
to ``ROW_LOOP_BLOCK_BYTES`` with at least ``ROW_LOOP_MIN_BLOCKS`` blocks;
fewer than that many blocks of 1 MiB are as many equal blocks as a multiple
of the machine's CPUs (every thread gets as many rows), and data reduced in
one thread (under ``THREAD_MIN_BYTES``, fewer than
``SINGLE_BLOCK_MAX_ROWS`` rows) is one block. The block grid depends on the
data's size and the machine (its instruction set, ``os.cpu_count()``),
never on the threads.

Threads: when there are several blocks and more than one CPU (and the data
hold at least ``THREAD_MIN_BYTES``, CSR data ``SPARSE_THREAD_MIN_BYTES``), the
blocks are processed by ``n_threads`` Python threads, the calling one and
``n_threads - 1`` workers (numpy, BLAS and the compiled kernel release the
GIL; for dense data, and CSR data of at most ``SPARSE_HESSIAN_MAX_FEATURES``
columns, the workers are started with the backend, without waiting for
them, so they are up by its first reduction: the grid's size follows from
the shape and, for CSR, ``nnz``) with BLAS itself
limited to one thread for the duration of the call
(:func:`logistic._blas_threads.one_blas_thread`). One block per thread keeps
its rows in that core's cache between ``X @ w`` and ``Xᵀ r``; multithreaded
BLAS inside each block instead splits every product across cores and
spin-waits between them, which measured up to several times slower on a
loaded machine (see docs/benchmarks.md). A reduction that makes no BLAS call
(:func:`logistic._kernels.blas_free`: a function marked
:func:`~logistic._kernels.row_loop_only`, value, gradient, Hessian or column
statistics, over dense blocks the compiled row loop reads whole or CSR
blocks the compiled CSR pass and sparse sandwich read) needs no limit and
sets none; every other reduction gets the limit, also one over data
reduced in one thread because it is under ``THREAD_MIN_BYTES``
(``SPARSE_THREAD_MIN_BYTES``): BLAS's threads cost more than such work too.
Partial results are summed in block order whatever the thread schedule, so
reductions stay deterministic.

Finite check (``finite_checked=False``, arrays from
:func:`logistic.backends.as_backend`): X's NaN/±inf check is owed by the
backend and folded into the first reduction. When that reduction is the
column statistics (:func:`logistic._block_moments.block_column_stats`, which every
fit runs first for its standardized view), finite statistics of every block
prove X finite and no separate read of X is made (one ``np.sum`` of X, ~70 ms
on 1M × 100); otherwise, or when some statistic is not finite, the check of
:func:`logistic._validation.check_finite_X` runs before the result is
returned, raising the same error as at validation. ``rows()`` and
``blocks()`` run it before handing out rows; ``rows_unchecked()`` hands them
out for a caller whose own sums of every value settle it
(``settle_finite``, declared by ``capabilities.settles_finite``: the column
solver's copy of X, whose statistics read every value).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .._blas_threads import one_blas_thread
from .._row_parts import helper_threads, part_threads
from .._sparse import issparse
from .._sparse_structure import backend_structure
from .._thread_budget import fit_threads
from .._typing import BackendCapabilities, Block
from ._fingerprint import dense_fingerprint, earlier_fingerprint
from ._fold import fold_in_order as _fold
from ._windows import reduce_windows
from ._workers import Workers as _Workers

if TYPE_CHECKING:
    import scipy.sparse as sp

T = TypeVar("T")

#: Chunk size shared with the out-of-core and Dask backends (their default).
DEFAULT_BLOCK_BYTES = 8 * 2**20
#: In-memory dense blocks: small enough that a block stays in one core's L2
#: cache between ``X @ w`` and ``Xᵀ r`` (measured best of 0.5-8 MiB).
IN_MEMORY_BLOCK_BYTES = 1 * 2**20
#: Largest dense block when the compiled kernel's fused row loop reads the
#: blocks (:func:`logistic._kernels.row_loop_active`): it reads each row once,
#: so a block need not fit a cache, and larger blocks cut the per-block call
#: and gradient sum (0.28× of one ``X @ w`` a pass at 1 MiB on 1M × 100).
ROW_LOOP_BLOCK_BYTES = 8 * 2**20
#: ... but at least this many blocks (keeps threads balanced and Newton's
#: Hessian subsample, every k-th block, spread over the rows).
ROW_LOOP_MIN_BLOCKS = 64
#: At least this many rows a block (keeps the p×p Hessian partial sums of
#: wide data cheap relative to the block's own ``syrk``).
MIN_BLOCK_ROWS = 256
#: CSR blocks hold at least this many times p stored values (their dense
#: partial gradients cost little beside them; :meth:`InMemory._sparse_gradient_rows`).
SPARSE_GRADIENT_VALUES = 32
#: CSR blocks hold at least this many times p² stored values, for p up to
#: ``SPARSE_HESSIAN_MAX_FEATURES`` (:meth:`InMemory._sparse_hessian_rows`):
#: w8a 7 → 2 blocks, 10 % less time a fit.
SPARSE_HESSIAN_VALUES = 16
SPARSE_HESSIAN_MAX_FEATURES = 1024
#: Data smaller than this is reduced in the calling thread (higgs, 1.5 MB:
#: 15 ms a fit with the pool, most of it waking threads and queueing).
THREAD_MIN_BYTES = 8 * 2**20
#: ... CSR data from this size on (stored values and indices): a pass costs
#: several times a dense pass of as many bytes (a gather and a scatter a
#: value), the sparse Hessian ``Σ nnz_i²/2`` products a row, against ~20 µs
#: a hand-off to a worker (a9a, 5.4 MB, two blocks: 1.0 ms a block for a
#: Newton pass with its Hessian).
SPARSE_THREAD_MIN_BYTES = 1 * 2**20
#: Dense data the row loop reads that is smaller than ``THREAD_MIN_BYTES``
#: and has fewer rows than this is one block (a block costs ~12 µs a pass
#: in calls and partial sums: credit-default's 6 blocks ~70 µs): twice
#: :data:`logistic._numerics.HESSIAN_MIN_ROWS`, below which Newton never
#: samples the Hessian by blocks (every k-th block, k ≥ 2).
SINGLE_BLOCK_MAX_ROWS = 80_000

_POOLS: dict[int, _Workers] = {}


def _forget_pools() -> None:
    """A forked child inherits the workers' registry but not their threads:
    start afresh."""
    _POOLS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pools)


def machine_cpus() -> int:
    """CPUs of the machine (``os.cpu_count()``), whatever this process may
    run on: a block grid sized from it is the same under ``taskset``, a
    cgroup cpuset or a pinned worker, so its sums' rounding is too."""
    return os.cpu_count() or 1


def _pool(n_threads: int) -> _Workers:
    """The workers for reductions over ``n_threads`` threads (the caller and
    ``n_threads - 1`` workers), started at first use (no lock, which an
    interrupt could leave held: of two threads starting them at once, one's
    workers end)."""
    pool = _POOLS.get(n_threads)
    if pool is not None:
        return pool
    new = None
    try:
        new = _Workers(n_threads - 1)
        _POOLS.setdefault(n_threads, new)
    finally:  # a pool not registered (another won, or an interrupt) ends
        if new is not None and _POOLS.get(n_threads) is not new:
            new.close()
    return _POOLS[n_threads]


def _csr_row_view(X: sp.csr_matrix, start: int, stop: int) -> sp.csr_matrix:
    """Rows ``start:stop`` of a CSR matrix sharing its data and indices.

    The arrays are attached to an instance made without scipy's constructor
    (X's instance attributes, then the rows' arrays and shape): the
    constructor "prunes" (copies) index and data views much smaller than
    their base, and an empty matrix of the rows' shape costs ~35-60 µs a
    block (zeroed ``indptr`` and format checks), ~0.25 ms in a process's
    first fit, against ~5 µs. Where X keeps no ``_shape`` (another scipy)
    the view is made by the constructor and the arrays attached after it.
    """
    lo, hi = int(X.indptr[start]), int(X.indptr[stop])
    shape = (stop - start, X.shape[1])
    # rows of a canonical X (sorted, no duplicates) are canonical: one scan
    # of X, which scipy keeps on X, instead of one per block and fit (the
    # statistics pass asks each block; 0.8 ms a fit on w8a)
    canonical = X.has_canonical_format
    if "_shape" in vars(X):
        view = X.__class__.__new__(X.__class__)
        vars(view).update(vars(X))
        view._shape = shape
    else:  # a scipy without ``_shape``: its constructor, X's kind (array/matrix)
        import scipy.sparse as sp  # only sparse input gets here

        kind = sp.csr_array if isinstance(X, sp.sparray) else sp.csr_matrix
        view = kind(shape, dtype=X.dtype)
    view.indptr = X.indptr[start : stop + 1] - X.indptr.dtype.type(lo)
    view.indices = X.indices[lo:hi]
    view.data = X.data[lo:hi]
    view.has_canonical_format = canonical
    if not canonical:
        view.has_sorted_indices = X.has_sorted_indices
    return view


class InMemory:
    """Arrays held in memory; implements :class:`logistic._typing.Backend`.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        float32 or float64 (another dtype is refused). Not copied, except a
        sparse X that is not canonical (duplicates or unsorted indices: its
        canonical copy is held). Its dtype and a sparse X's index arrays are
        checked here (:func:`logistic._sparse_structure.backend_structure`; the
        index arrays not again when
        ``check_fit_data`` of this thread just checked this very X).
    y : ndarray of shape (n_samples,)
        Labels in {0, 1} (1 for ``classes[1]``).
    sample_weight, offset : ndarray of shape (n_samples,) or None
    classes : ndarray of shape (2,) or None
        The labels ``[negative, positive]`` that y encodes; None: ``[0, 1]``.
    feature_names : sequence of str or None
    block_bytes : int
        Target size of one row block (dense: of X's rows; CSR: of stored
        values). With the default, dense blocks have at least
        ``MIN_BLOCK_ROWS`` rows and CSR blocks at least ``8 · n_features``
        stored values.
    n_threads : int or None
        Threads that process blocks; None: :func:`logistic._thread_budget.fit_threads`
        (every CPU the process may use, at most ``OMP_NUM_THREADS``; an
        estimator's ``n_jobs``).
    finite_checked : bool, default=True
        False when X has not been checked for NaN and ±inf: the
        backend then checks it (module docstring).
    """

    capabilities = BackendCapabilities(
        rows_in_memory=True,
        blocks=True,
        block_index=True,
        block_grid=True,
        settles_finite=True,
    )

    def __init__(
        self,
        X: Any,
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
        offset: np.ndarray | None = None,
        *,
        classes: Any = None,
        feature_names: Any = None,
        block_bytes: int = IN_MEMORY_BLOCK_BYTES,
        n_threads: int | None = None,
        finite_checked: bool = True,
    ) -> None:
        X = backend_structure(X)  # never trusted: kernels read its dtype, indices
        self.X = X
        self.y = y
        self.sample_weight = sample_weight
        self.offset = offset
        self.classes_ = np.array([0, 1]) if classes is None else np.asarray(classes)
        self.feature_names = None if feature_names is None else list(feature_names)
        self.n_samples, self.n_features = (int(s) for s in X.shape)
        self.dtype = X.dtype
        self.nnz: int | None = int(X.nnz) if issparse(X) else None
        if issparse(X):
            self.nbytes = int(X.nnz) * (X.dtype.itemsize + 4)
        else:
            self.nbytes = int(self.n_samples * self.n_features * X.dtype.itemsize)
        cpus = fit_threads() if n_threads is None else int(n_threads)
        self.n_threads = max(1, cpus)
        self._block_bytes = int(block_bytes)
        self._block_rows_: int | None = None
        self._blocks: list[Block] | None = None
        self._fingerprint: str | None = None
        self._finite_pending = not finite_checked
        self._part_threads = part_threads(self.n_threads)  # 1 on a busy machine
        if self._threaded(at_creation=True):
            # the workers come up while the fit validates and sets up, so the
            # first reduction (the statistics pass) hands them their blocks
            k = min(self.n_threads, self._n_blocks())
            if k > 1:
                _pool(k)
        elif isinstance(X, np.ndarray) and self._part_threads > 1:
            # one block's Hessian passes share it with the kernel's helper thread
            from .. import _kernels  # lazily: loads the compiled kernel

            _kernels.wake_helper(X, self._n_blocks(), self._part_threads)

    def _threaded(self, at_creation: bool = False) -> bool:
        """Whether reductions may run on several threads (``at_creation``:
        and X is a dense array, or a CSR matrix of at most
        ``SPARSE_HESSIAN_MAX_FEATURES`` columns, whose grid is known from its
        shape and ``nnz`` without building the blocks). Wider CSR data start
        their workers at their first reduction: their fits often make none
        (the column solvers read a copy of X), and an idle worker started
        with the backend takes the GIL while the fit runs (reuters)."""
        X = self.X
        if at_creation and not (
            isinstance(X, np.ndarray)
            or (
                self.nnz is not None
                and X.format == "csr"
                and self.n_features <= SPARSE_HESSIAN_MAX_FEATURES
            )
        ):
            return False
        return self.n_threads > 1 and self._worth_sharing()

    def _worth_sharing(self) -> bool:
        """Whether X holds enough (``THREAD_MIN_BYTES``, CSR
        ``SPARSE_THREAD_MIN_BYTES``) for its reductions to pay for waking
        threads, whatever ``n_threads``."""
        least = SPARSE_THREAD_MIN_BYTES if self.nnz is not None else THREAD_MIN_BYTES
        return self.nbytes >= least

    def _n_blocks(self) -> int:
        """Blocks of the grid (:meth:`_block_list`'s count, without the blocks)."""
        return -(-max(self.n_samples, 1) // self.block_rows)

    @property
    def block_rows(self) -> int:
        """Rows of a block (the last may have fewer); fixed at first use."""
        if self._block_rows_ is None:
            self._block_rows_ = self._block_rows(self._block_bytes)
        return self._block_rows_

    def _row_loop_bytes(self) -> int | None:
        """Block size for dense data the fused row loop reads, else None.

        Depends on the data's size and the CPU only (never on ``n_threads``),
        so results do not depend on the number of threads.
        """
        X = self.X
        if not (
            isinstance(X, np.ndarray)
            and X.ndim == 2
            and X.flags.c_contiguous
            and X.dtype in (np.float32, np.float64)
        ):
            return None
        from .. import _kernels  # lazily: loads the compiled kernel

        if X.size < _kernels.COMPILED_MIN_VALUES or not _kernels.row_loop_active():
            return None  # (small data: the numpy reference, module not loaded)
        row_bytes = self.n_features * X.dtype.itemsize
        if self.nbytes < THREAD_MIN_BYTES and self.n_samples < SINGLE_BLOCK_MAX_ROWS:
            return max(1, self.nbytes)  # one thread reduces it: one block
        size = self.nbytes // ROW_LOOP_MIN_BLOCKS
        if size >= IN_MEMORY_BLOCK_BYTES:
            return min(ROW_LOOP_BLOCK_BYTES, size)
        # fewer than ROW_LOOP_MIN_BLOCKS blocks of 1 MiB: where there are at
        # least as many as the machine's CPUs, a multiple of them, equal, so
        # that each thread of a reduction gets as many rows (ijcnn1 on 2 CPUs:
        # 10 blocks, 5 and 5, not 9 of 1 MiB, 4 and 5, where the pass waits
        # for the fifth); fewer stay 1 MiB blocks (a many-CPU machine would
        # otherwise cut small data into a block a CPU)
        cpus = machine_cpus()
        blocks = -(-self.nbytes // IN_MEMORY_BLOCK_BYTES)
        if blocks >= cpus:
            blocks = -(-blocks // cpus) * cpus
        return max(1, -(-self.n_samples // blocks)) * row_bytes

    def _block_rows(self, block_bytes: int) -> int:
        X = self.X
        if issparse(X) and X.format != "csr":
            return max(1, self.n_samples)
        if issparse(X):
            nnz_row = max(1.0, X.nnz / max(1, self.n_samples))
            row_bytes = nnz_row * (X.dtype.itemsize + X.indices.dtype.itemsize)
            rows = int(block_bytes / row_bytes)
            if block_bytes == IN_MEMORY_BLOCK_BYTES:
                rows = max(rows, self._sparse_gradient_rows(nnz_row))
                rows = max(rows, self._sparse_hessian_rows(nnz_row))
            return max(1, min(self.n_samples, rows))
        row_bytes = max(1, self.n_features * X.dtype.itemsize)
        if block_bytes == IN_MEMORY_BLOCK_BYTES:
            block_bytes = self._row_loop_bytes() or block_bytes
            rows = max(block_bytes // row_bytes, MIN_BLOCK_ROWS)
        else:
            rows = block_bytes // row_bytes
        return max(1, min(self.n_samples, rows))

    def _sparse_gradient_rows(self, nnz_row: float) -> int:
        """Rows of a CSR block that amortize its dense partial gradient.

        Each block's ``Xᵀ r`` is a fresh p-vector, zeroed, filled and folded:
        at sparse200k's p = 100 000 (800 KB) and blocks of ``8 p`` stored
        values, a pass with two threads faulted in ~4 800 pages and took
        68.3 ms against 52.9 ms with blocks of ``32 p`` values (one thread
        53.8 and 51.8 ms; alternating, 5 passes). Blocks get at least
        ``SPARSE_GRADIENT_VALUES · p`` stored values, but at most
        ``ceil(n / max(2, CPUs))`` rows, a block for every CPU (the machine's:
        see :meth:`_sparse_hessian_rows`).
        """
        share = -(-self.n_samples // max(2, machine_cpus()))
        return min(int(SPARSE_GRADIENT_VALUES * self.n_features / nnz_row), share)

    def _sparse_hessian_rows(self, nnz_row: float) -> int:
        """Rows of a CSR block that amortize its p × p Hessian partial sum.

        Newton's sparse sandwich fills, adds and mirrors a dense p × p array a
        block (O(p²) each), against ``Σ nnz_i²/2`` multiply-adds of the block
        itself: at w8a's p = 301 and 12 values a row, 1 MiB blocks (7 of
        them) spent as long on the p × p arrays as on the products. Blocks
        get at least ``SPARSE_HESSIAN_VALUES · p²`` stored values, for p up
        to ``SPARSE_HESSIAN_MAX_FEATURES`` (beyond it Newton's dense Hessian
        is not chosen), but at most ``ceil(n / max(2, CPUs))`` rows: at least
        two blocks, and a block for every CPU (the floor alone made data of
        a few ten MB 2-4 blocks, idling most of 16 CPUs). The CPU count is the
        machine's (:func:`machine_cpus`), neither ``n_threads`` nor the CPUs
        this process may use, so the grid, and with it the sums' rounding,
        never depends on the threads or the process's CPU affinity.
        """
        p = self.n_features
        if p > SPARSE_HESSIAN_MAX_FEATURES:
            return 0
        share = -(-self.n_samples // max(2, machine_cpus()))
        return min(int(SPARSE_HESSIAN_VALUES * p * p / nnz_row), share)

    @property
    def fingerprint(self) -> str:
        """Content hash of the rows (computed once, on first use): a dense X's
        as a streamed reading of them hashes them (:mod:`._fingerprint`),
        else :meth:`earlier_fingerprints`'s."""
        if self._fingerprint is None:
            args = (self.X, self.y, self.sample_weight, self.offset)
            dense = not issparse(self.X)
            found = dense_fingerprint(*args, self.classes_) if dense else None
            self._fingerprint = found or earlier_fingerprint(*args)
        return self._fingerprint

    def earlier_fingerprints(self) -> tuple[str, ...]:
        """The fingerprint of these rows as earlier versions computed it, which
        their checkpoints hold (a checkpoint resumes with either)."""
        return (earlier_fingerprint(self.X, self.y, self.sample_weight, self.offset),)

    def swapped_fingerprint(self) -> str | None:
        """The fingerprint of these rows with the two classes' roles swapped
        (the other class positive), to word the refusal of a checkpoint
        written so; None for other than two classes or a sparse X. Another
        hash of X: called only when a checkpoint's fingerprint differs."""
        if len(self.classes_) != 2 or issparse(self.X):
            return None
        swapped = 1 - np.asarray(self.y)
        args = (self.X, swapped, self.sample_weight, self.offset)
        return dense_fingerprint(*args, self.classes_)

    def _check_finite(self, suspect: bool = False) -> None:
        """X's finite check when still owed (``suspect``: some block's
        statistics were not finite, so straight to the elementwise scan)."""
        if self._finite_pending:
            from .._validation import check_finite_X

            check_finite_X(self.X, self.feature_names, suspect=suspect)
            self._finite_pending = False

    def rows(self) -> Block:
        """Every row as one block (the arrays themselves, not copies)."""
        self._check_finite()
        return Block(self.X, self.y, self.sample_weight, self.offset)

    def rows_unchecked(self) -> Block:
        """:meth:`rows` without X's owed finite check, for a caller that
        reads every value into sums of its own (a column copy's statistics)
        and then settles the check with :meth:`settle_finite`; until then
        the check stays owed, so :meth:`rows`, :meth:`blocks` and the first
        reduction still make it."""
        return Block(self.X, self.y, self.sample_weight, self.offset)

    def settle_finite(self, shown: bool | None) -> None:
        """Settle X's owed finite check (nothing when none is owed) with a
        caller's verdict from sums of every value of X at positive weight,
        as :func:`logistic._block_moments.finite_witness` reports one: True (every
        sum finite: X is finite, no read of X), False (some sum is not
        finite: the elementwise scan, which raises the validation's error
        where X is not finite), None (no verdict: the check itself)."""
        if shown is True:
            self._finite_pending = False
        else:
            self._check_finite(suspect=shown is False)

    def _rows(self, sl: slice) -> Any:
        X = self.X
        if not issparse(X):
            return X[sl]
        if sl.start == 0 and sl.stop == self.n_samples:
            return X
        return _csr_row_view(X, sl.start, sl.stop)

    def blocks(self) -> Iterator[Block]:
        """Yield row blocks in order."""
        self._check_finite()
        yield from self._block_list()

    def _block_list(self) -> list[Block]:
        if self._blocks is None:
            n, step = self.n_samples, self.block_rows
            out = []
            for start in range(0, max(n, 1), step):
                sl = slice(start, min(start + step, n))
                out.append(
                    Block(
                        self._rows(sl),
                        self.y[sl],
                        None if self.sample_weight is None else self.sample_weight[sl],
                        None if self.offset is None else self.offset[sl],
                    )
                )
            self._blocks = out
        return self._blocks

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        """Sum ``fn(block)`` over the blocks in block order (threads when it pays).

        The blocks go to the threads as contiguous runs, taken by whichever
        thread comes first (:mod:`logistic.backends._windows`); the partial
        results are then added in block order.
        """
        return self._map(lambda block, _i: fn(block), fn)

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T:
        """Like :meth:`map_reduce` with ``fn(block, block_index)``.

        Blocks go to the threads in windows (``RUNS_PER_THREAD`` runs a
        thread and window, :func:`logistic.backends._windows.reduce_windows`);
        each window's
        results are folded, in block order, before the next window starts,
        so the partial results (e.g. p × p Hessian sums) alive at once stay
        within ``_windows.PARTIAL_BYTES`` or ``n_threads ·
        _windows.WINDOW_BLOCKS`` of them. The first reduction over an X
        whose finite check is owed also makes that check (module docstring).
        """
        return self._map(fn, fn)

    def _map(self, fn: Callable[[Block, int], T], kernel: Callable[..., Any]) -> T:
        """Reduce ``fn``; ``kernel`` is the caller's function, whose
        :func:`logistic._kernels.row_loop_only` mark :meth:`_reduce` reads."""
        if self._finite_pending:
            return self._reduce_checking_finite(fn, kernel)
        return self._reduce(fn, kernel)

    def _reduce_checking_finite(
        self, fn: Callable[[Block, int], T], kernel: Callable[..., Any]
    ) -> T:
        """:meth:`_reduce` of ``fn``, and X's finite check: skipped when every
        block's column statistics were finite
        (:func:`logistic._block_moments.finite_witness`), made (before the result
        or ``fn``'s own error is returned) otherwise."""
        from .. import _block_moments  # the objective layer's statistics

        verdicts: list[bool | None] = [None] * len(self._block_list())

        def witnessed(block: Block, i: int) -> T:
            with _block_moments.finite_witness() as seen:
                out = fn(block, i)
            verdicts[i] = seen[0] if len(seen) == 1 else None
            return out

        try:
            result = self._reduce(witnessed, kernel)
        except Exception:
            self._check_finite()  # X's own fault first, as at validation
            raise
        if not all(v is True for v in verdicts):
            self._check_finite(suspect=False in verdicts)
        self._finite_pending = False
        return result

    def _reduce(self, fn: Callable[[Block, int], T], kernel: Callable[..., Any]) -> T:
        blocks = self._block_list()
        k = min(self.n_threads, len(blocks))
        if not self._threaded():
            k = 1  # waking threads costs more than the work
        if k == 1:
            # a block's Hessian pass may share its rows between two threads
            with helper_threads(self._part_threads):
                if self._worth_sharing() or self._blas_free(kernel, blocks):
                    return self._serial(fn, blocks)
                # data reduced in one thread because waking threads costs more
                # than the work: so does waking BLAS's (OpenBLAS shares a gemv
                # of credit-default's 30 000 × 23 with a thread that then
                # spin-waits: 15 ms of its CPU a fit at load 9)
                with one_blas_thread():
                    return self._serial(fn, blocks)
        if self._blas_free(kernel, blocks):
            return reduce_windows(_pool(k), fn, blocks, k)
        with one_blas_thread():
            return reduce_windows(_pool(k), fn, blocks, k)

    @staticmethod
    def _serial(fn: Callable[[Block, int], T], blocks: list[Block]) -> T:
        if len(blocks) == 1:  # small data: the fold of one result is that result
            return fn(blocks[0], 0)
        return _fold(fn(b, i) for i, b in enumerate(blocks))

    @staticmethod
    def _blas_free(kernel: Callable[..., Any], blocks: list[Block]) -> bool:
        """Whether reducing ``kernel`` over ``blocks`` makes no BLAS call
        (:func:`logistic._kernels.blas_free`): the reduction then needs no
        BLAS thread limit and sets none. Any other function (Hessian-vector
        products, inference) runs its blocks with BLAS limited to one
        thread."""
        from .. import _kernels  # lazily: loads the compiled kernel

        return _kernels.blas_free(kernel, blocks)
