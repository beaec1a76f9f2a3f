"""Newton steps solved by coordinate descent on an in-memory X's columns.

The solver ``newton-cd-columns`` runs the column solver of regularization
paths, :func:`logistic.solvers.column_cd.newton_cd_columns` (glmnet's and
newGLMNET's method: Friedman, Hastie & Tibshirani 2010; Yuan, Ho & Lin 2012),
as an ordinary solver over every column, one Newton step per iteration:

1. the curvature ``v = s σ(z)σ(−z)`` at the logits ``z`` and, per column, the
   model's diagonal ``Σ v x² − μ Σ v x + λ₂`` (one read of X; on sparse X
   made by the first sweep of step 2 as it reads each column,
   :mod:`._column_step`);
2. cyclic coordinate descent on the local quadratic model (plus the L1 term,
   if any) with the working vector ``X d`` updated column by column: a sweep
   reads X once, and each coordinate update uses the exact curvature of its
   column, so one sweep does what one preconditioned CG product cannot;
   at most ``max_sweeps`` sweeps, fewer once the largest scaled update is
   below ``0.05·residual`` (the column solver's inner tolerance);
3. Armijo backtracking on ``z + t X d`` (no pass over X), then ``Xᵀr`` for
   the gradient at the new point (one read of X, which on sparse X also
   makes the next step's first sweep, unless the last step's rate of
   decrease predicts that the fit stops at this point:
   :func:`._column_step.fused_step`'s ``expect``).

The intercept is eliminated from the model by centring the columns with their
curvature-weighted means (implicitly: a sparse X stays sparse). Stopping
rule: the contract's (:meth:`Fit.residual`, the standardized gradient's
max-norm, or the KKT residual with an L1 term). Iterates are standardized
coordinates, as :mod:`.coordinate_descent`'s; the column solver takes and
returns original coefficients and measures in standardized units.

Sweep cap: a sweep of the naive form reads X once, and on nearly orthogonal
columns (text) two sweeps give a Newton step nearly as good as converged
sweeps do; on correlated columns they do not. So a naive-form step makes at
most ``max_sweeps`` sweeps (default 2), and a step that used them all and
left more than ``SLOW`` of the residual multiplies the cap by
``SWEEP_GROWTH`` for the steps that follow (at most ``MAX_GROWN_SWEEPS``,
128). reuters to a 1e-8 gap (tol
1e-5, without the one-sweep steps below; thread CPU a fit, medians of 21
alternating in one process, load 1.4): 3 sweeps 7 steps in 22 reads of X,
16.1 ms; 2 sweeps 8 steps in 17 reads, 15.2 ms; 1 sweep 9 steps in 16
reads, 14.3 ms, but then a9a[:500]'s flat direction (duplicated columns,
l2 = 1e-3) stays visibly unconverged at tol 1e-9
(tests/test_solver_contract.py, sparse against dense). A Gram-form step
(few columns, chosen by :func:`.column_cd.use_gram`) solves its model on
the Gram matrix, which reads no X: by Cholesky without an L1 term, else by
sweeps, up to :func:`.coordinate_descent.sweep_cap` of them (``newton-cd``'s).

One-sweep steps: far from the optimum, from a point whose KKT residual is
above ``EARLY`` times the starting point's, a naive-form step makes one
sweep, whatever the cap: the model a second sweep would refine is replaced
by the next step's anyway. On the compiled path that sweep's one read of X,
which also makes the gradient where the step lands, is the whole step (with
the numpy kernels, ``LOGISTIC_KERNEL=numpy``, the step's column statistics
and its gradient still take a read of X each). The first such step that
leaves more than ``SLOW`` of the residual ends them: one sweep is too
little on these data, and the steps that follow make up to the cap. Reads
of X to tol 1e-5 (1e-6), with these steps against without: reuters 15
against 17 (19 against 21), objective gap 5.4e-9 against 3.5e-9; w8a 29
against 33 (37 against 41); reuters with an L1 term 9 against 11 (9
against 13); but sparse200k (which ``auto`` gives to L-BFGS) stops at 1e-5
after 6 reads with a 1.6e-8 gap (7 reads and 2.4e-9 without) and takes 8
reads to 1e-6. reuters' fit, main-thread CPU in fresh processes after the
suite's warm-up (25 alternating pairs, load 4.8): first fit 18.0 ms against
19.9, later fits 15.2 ms against 17.3.

Data: a sparse X whose rows are in memory (``Backend.rows()``) is copied once
per fit by column (float64 CSC: ``nnz`` × 12 bytes with scipy's int32
indices, :class:`._column_matrix.ColumnMatrix`), before the standardized
view, whose column statistics are then one sweep over the copy
(:meth:`ColumnNewtonCD.view_of`) instead of a pass over the rows. For dense
X, where a column copy would double the memory and the ``(p+1)²`` Hessian
is the better model anyway, and for sparse X not in memory, the iterations
are those of
``newton-cd`` (:class:`.coordinate_descent.NewtonCD`: the same Newton step,
its model formed as the Hessian through the objective). The estimator
refuses out-of-core and Dask data (``streaming = False``); an objective over
K classes is an error.

Measured (``benchmarks/sparse_solvers_ab.py``; L2 with C = 1, 1e-8 objective
gap): on reuters (7 770 × 8 315 CSR, 44 stored values a row) a sweep costs
about one value+gradient pass (0.6 ms) and the fit needs 8 Newton steps in
15 reads of X (:mod:`._column_step`; ``benchmarks/column_newton_ab.py
split``), against L-BFGS's 41 passes and newton-cg's 55; on sparse200k
(200 000 × 100 000, well conditioned: L-BFGS 7 passes) and w8a (p = 300,
where Newton with Cholesky takes 5 passes) it loses. ``auto`` picks it by
:func:`logistic.solvers._auto.choose_solver`'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .._exceptions import IntegrityError, InvalidParameterError
from .._libc import reserve_heap
from .._moments import csc_column_stats
from .._numerics import FLOOR_FACTOR
from .._objective import LogisticObjective
from .._scaling import ScaledObjective
from .._typing import FloatArray, SettlesFinite
from ._auto import hessian_costly
from ._base import Capabilities, Fit, register
from ._column_matrix import ColumnMatrix, dense_by_columns
from ._column_step import FirstSweep, fused_form, fused_step
from ._iterative import IterativeSolver, _described
from ._options import LineSearchOptions
from .column_cd import ColumnFit, _pass, newton_cd_columns, use_gram
from .coordinate_descent import NewtonCD, sweep_cap

__all__ = ["ColumnNewtonCD", "ColumnNewtonOptions"]

#: The status of a Newton step whose line search finds no decrease.
LINE_SEARCH_STOP_COLUMNS = (
    "the Newton step's line search could not decrease the objective "
    "(precision limit)"
)

#: A Newton step whose sweeps hit the cap and left more than SLOW of the
#: residual multiplies the cap by SWEEP_GROWTH for the steps that follow,
#: up to MAX_GROWN_SWEEPS. Without that bound a fit whose inner solves never
#: meet their tolerance (weak L1 on more used columns than rows) grew it ×4
#: a step without end: 20 000 hashed ad-click rows × 40 808 used columns at
#: C = 10, 13 337 reads of X by step 18 (21 s of CPU) and unfinished after
#: 500 s at max_iter=40; bounded at 128 the fit runs its 1 000 iterations in
#: 30 s (32: 39 s; 512: 40 s), its objective within 1e-10 of the unbounded
#: fit's best (docs/scaling.md, "Very wide sparse data").
SLOW = 0.5
SWEEP_GROWTH = 4
MAX_GROWN_SWEEPS = 128
#: A naive-form step from a point whose KKT residual is above EARLY times
#: the starting point's makes one sweep (see the module docstring).
EARLY = 0.1


@dataclass(frozen=True)
class ColumnNewtonOptions(LineSearchOptions):
    """max_sweeps : most sweeps over X's columns a naive-form Newton step
    makes at first, once the one-sweep steps are over (a step from a point
    whose KKT residual is above ``EARLY`` times the starting point's makes
    one, until one of them leaves more than ``SLOW`` of its residual); see
    the module docstring for how the cap grows."""

    max_sweeps: int = field(default=2, metadata={"min": 1})


def _by_columns(fit: Fit) -> bool:
    """Whether this fit runs on X's columns: X held in memory, sparse or
    dense and mostly zeros (:func:`._column_matrix.dense_by_columns`; held as
    CSC by :class:`ColumnMatrix`), or dense with a costly Hessian
    (:func:`._auto.hessian_costly`: a Fortran copy). Other dense X runs
    ``newton-cd``'s iterations (no copy of X)."""
    return _on_columns(fit.objective)


def _on_columns(objective: Any) -> bool:
    """:func:`_by_columns` of a fit of ``objective``."""
    if type(objective) is not LogisticObjective:
        raise InvalidParameterError(
            f"solver 'newton-cd-columns' fits the binary model only; got an "
            f"objective of type {type(objective).__name__}. Use 'lbfgs' or "
            f"'newton'."
        )
    data = objective.data
    if not data.capabilities.rows_in_memory:
        return False
    if data.nnz is not None:
        return True
    return hessian_costly(data.n_samples, data.n_features) or dense_by_columns(data)


class _Columns:
    """The data of one fit by column: X's column copy, float64 labels,
    weights summing to 1, offsets, and the standardization of the stopping
    rule."""

    def __init__(self, fit: Fit) -> None:
        objective = fit.objective
        rows = objective.data.rows()
        made = fit.view.prepared  # ColumnNewtonCD.view_of's copy, if it made one
        self.cm = made if isinstance(made, ColumnMatrix) else ColumnMatrix(rows.X)
        self.y = np.asarray(rows.y, dtype=np.float64)
        s = np.ones(self.y.size) if rows.sample_weight is None else rows.sample_weight
        s = np.asarray(s, dtype=np.float64)
        self.s = s / s.sum()
        self.offset = rows.offset
        self.cols = np.arange(objective.n_features, dtype=np.intp)
        self.nnz = float(self.cm.col_nnz.sum())
        self.mean, self.inv_scale = fit.view.mean, fit.view.inv_scale
        self.fit_intercept = objective.fit_intercept
        self.l2 = objective.l2
        self._split = objective.split

    def split(self, theta: FloatArray) -> tuple[FloatArray, float]:
        """``(w, b)`` of original coefficients (``w`` a view of ``theta``:
        the column solvers copy it before they update it)."""
        return self._split(theta)

    def stored(self, view: Any, w: FloatArray, b: float) -> FloatArray:
        """``w`` as the next step reads it back from a state's standardized
        ``theta`` (the change of coordinates rounds)."""
        return view.round_trip(w)

    def logits(self, w: FloatArray, b: float) -> FloatArray:
        """``X w + b + offset``."""
        nz = np.flatnonzero(w)
        z = self.cm.matvec(nz, w[nz]) if nz.size else np.zeros(self.cm.n)
        z = np.asarray(z, dtype=np.float64) + b
        if self.offset is not None:
            z += np.asarray(self.offset, dtype=np.float64)
        return z


#: The row- and column-length float64 temporaries of a Newton step that the
#: heap keeps room for (:func:`_heap_room`).
HEAP_VECTORS = 32
_HEAP_ROOM = [0]


def _heap_room(n: int, n_params: int) -> None:
    """Let the heap keep the memory of a fit's vectors: without it, glibc
    returns the heap's top to the system whenever more than 128 KiB is free
    there, and the step's fresh 60-70 KB vectors fault their pages in again
    (reuters: ~600 page faults a fit). One ``malloc``/``free`` of
    ``HEAP_VECTORS`` of them raises the trim threshold to twice that
    (:func:`logistic._libc.reserve_heap`; never touched, so no memory is
    used; once per process and size; glibc caps it at 32 MiB)."""
    size = min(HEAP_VECTORS * 8 * max(n, n_params), 30 * 2**20)
    if size < 2**20 or size <= _HEAP_ROOM[0]:
        return
    _HEAP_ROOM[0] = size
    reserve_heap(size)


def _column_copy(objective: LogisticObjective) -> ColumnMatrix:
    """X's column copy, made before the data-statistics pass: where X is a
    float64 CSR matrix without duplicate entries (the copy holds its stored
    values: ``ColumnMatrix.stored_values``) whose rows all have positive
    weight, the statistics come from one sweep over the copy
    (:func:`logistic._moments.csc_column_stats`, handed to the objective),
    a third of the pass over the rows they take otherwise (reuters: 0.3 ms
    against 1.5 ms on two threads, whose accumulators are scattered over
    8 315 columns). Those statistics sum every stored value at a positive
    weight, so on a backend that declares ``capabilities.settles_finite``
    (the in-memory one) they also settle X's owed finite check
    (:meth:`~logistic.backends.InMemory.settle_finite`: no read of X of its
    own where they are finite, reuters 0.2 ms); elsewhere the check runs
    first, as :meth:`~logistic.backends.InMemory.rows` makes it. Where the
    copy raises an ``Exception``, X's check runs first (a non-finite X
    raises the validation's error in its place); an interrupt is left as it
    is, with the check still owed."""
    data = objective.data
    held = cast(SettlesFinite, data) if data.capabilities.settles_finite else None
    rows = data.rows() if held is None else held.rows_unchecked()
    verdict: bool | None = None
    try:
        _heap_room(data.n_samples, objective.n_params)
        cm = ColumnMatrix(rows.X)
        s = rows.sample_weight
        s = None if s is None else np.ascontiguousarray(s, dtype=np.float64)
        positive = s is None or bool(np.all(s > 0))  # rows of weight 0 are left out
        known = objective.has_data_stats
        if cm.sparse and cm.stored_values and cm.n and positive and not known:
            y = np.asarray(rows.y, dtype=np.float64)
            r0 = None
            if rows.offset is None:  # the gradient sums at logit 0
                r0 = np.subtract(0.5, y)
                if s is not None:
                    r0 *= s
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                stats = csc_column_stats(cm.data, cm.indices, cm.indptr, cm.n, s, r0)
            if stats is not None:
                verdict = stats.all_finite()
                if verdict:
                    objective.set_data_stats(stats)
    except Exception:
        if held is not None:
            held.settle_finite(None)  # X's own fault first, as at validation
        raise
    if held is not None:
        held.settle_finite(verdict)
    return cm


@dataclass
class _State:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    z: FloatArray
    loss: float
    residual: FloatArray
    weights: FloatArray
    grad_loss: FloatArray
    step: float = 0.0
    stop: str = ""
    sweeps: int = 0  # the naive form's sweep cap of the next step (0: the option)
    last_sweeps: int = 0  # sweeps of the last inner solve (the form's cost model)
    columns: _Columns | None = None  # per-fit data, not part of a checkpoint
    # the next step's first sweep, made with the gradient (not part of a
    # checkpoint: a resumed step makes it again, with the intercept gradient
    # it was made with, g_b, so with the same bits)
    first: FirstSweep | None = None
    g_b: float | None = None
    # the last step's ratio of KKT residuals (0: none yet), from which the
    # next step predicts where it ends (``fused_step``'s ``expect``)
    rate: float = 0.0
    # the KKT residual above which a naive-form step makes one sweep: EARLY
    # times the starting point's (0: none, as in a checkpoint without it)
    early: float = 0.0


def _checked_values(
    fit: Fit, columns: _Columns, values: dict[str, Any]
) -> dict[str, Any]:
    """``values`` (a checkpoint's state, read as written by an attacker) when
    its fields have the types and shapes of :class:`_State` and are finite,
    its logits ``z`` are ``X w + b (+ offset)`` at its point and its loss,
    residual, curvature weights, loss gradient and ``g_b`` are those of its
    ``z`` (to rounding: one pass over X and one over the rows); else
    :class:`~logistic.IntegrityError` naming the field. The stored values
    are the ones the fit goes on with (bitwise equal resumes)."""
    n, k = columns.cm.n, columns.cols.size
    p = fit.objective.n_params
    for name, size in (("theta", p), ("grad", p), ("z", n), ("residual", n),
                       ("weights", n), ("grad_loss", k)):  # fmt: skip
        v = values[name]
        ok = isinstance(v, np.ndarray) and v.dtype == np.float64
        _expect(ok and v.shape == (size,) and bool(np.isfinite(v).all()),
                name, v, f"{size} finite floats")  # fmt: skip
    for name in ("value", "grad_max_norm", "loss", "step", "rate", "early"):
        v = values[name]
        ok = isinstance(v, float) and bool(np.isfinite(v))
        if name == "value":
            _expect(ok, name, v, "a finite float")
        else:
            _expect(ok and v >= 0, name, v, "a finite float >= 0")
    for name in ("sweeps", "last_sweeps"):
        v = values[name]
        ok = isinstance(v, (int, np.integer)) and not isinstance(v, bool)
        _expect(ok and v >= 0, name, v, "an integer >= 0")
    _expect(isinstance(values["stop"], str), "stop", values["stop"], "a string")
    g_b = values["g_b"]
    ok = g_b is None or (isinstance(g_b, float) and bool(np.isfinite(g_b)))
    _expect(ok, "g_b", g_b, "a finite float or null")
    for name in ("columns", "first"):
        _expect(values[name] is None, name, values[name], "null")
    w, b = columns.split(fit.view.to_original(values["theta"]))
    z = values["z"]
    _agree("z", z, columns.logits(w, b), 1e-6)
    loss, res, v = _pass(columns.y, columns.s, z)
    _agree("loss", np.array([values["loss"]]), np.array([loss]), 1e-8)
    _agree("residual", values["residual"], res, 1e-8)
    _agree("weights", values["weights"], v, 1e-8)
    # sums made in another order than the kernels' differ by rounding: up to
    # FLOOR_FACTOR ulps of the sum of the terms' magnitudes (near the optimum
    # the sums themselves are rounding noise)
    cm, r_abs = columns.cm, float(np.abs(values["residual"]).sum())
    x_abs = float(np.max(np.abs(cm.data if cm.sparse else cm.dense), initial=0.0))
    noise = FLOOR_FACTOR * EPS * r_abs
    tol = 1e-3 * fit.tol
    g_loss = cm.dots(columns.cols, values["residual"])
    _agree("grad_loss", values["grad_loss"], g_loss, 1e-6, max(tol, noise * x_abs))
    if g_b is not None and columns.fit_intercept:
        _agree("g_b", np.array([g_b]), np.array([res.sum()]), 1e-6, max(tol, noise))
    return values


EPS = float(np.finfo(np.float64).eps)


def _expect(ok: bool, name: str, value: Any, expected: str) -> None:
    if not ok:
        raise IntegrityError(
            f"checkpoint state field {name!r}: received {_described(value)}, "
            f"expected {expected}"
        )


def _agree(
    name: str, stored: FloatArray, fresh: FloatArray, rtol: float, atol: float = 0.0
) -> None:
    """:class:`~logistic.IntegrityError` unless ``stored`` and ``fresh`` agree
    to ``rtol`` of ``fresh``'s largest magnitude (plus ``atol``)."""
    scale = float(np.max(np.abs(fresh), initial=0.0))
    diff = float(np.max(np.abs(stored - fresh), initial=0.0))
    if diff > rtol * max(scale, 1e-300) + atol:
        raise IntegrityError(
            f"checkpoint state field {name!r} differs from what the data give at "
            f"the state's point by {diff:.3g} (largest value {scale:.3g}): the "
            f"checkpoint was altered or written for other data"
        )


@register
class ColumnNewtonCD(IterativeSolver):
    """Newton with a coordinate-descent inner solve on X's columns (see module;
    options: :class:`ColumnNewtonOptions`)."""

    name = "newton-cd-columns"
    capabilities = Capabilities(supports_l1=True, streaming=False)
    Options = ColumnNewtonOptions
    State = _State
    state_defaults = {"early": 0.0}
    stop_statuses = (LINE_SEARCH_STOP_COLUMNS,)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        o = self.options
        #: the iterations on dense X or on sparse X not in memory
        self._hessian = NewtonCD(
            tol=self.tol, max_iter=self.max_iter, l1=self.l1,
            max_backtracks=o.max_backtracks, patience=o.patience,
        )  # fmt: skip

    @classmethod
    def view_of(cls, objective: LogisticObjective, l1: float = 0.0) -> ScaledObjective:
        """On X's columns, X's column copy first and the standardization's
        column statistics from it (:func:`_column_copy`), then the view,
        which holds the copy for the fit (``view.prepared``)."""
        made = None
        if type(objective) is LogisticObjective and _on_columns(objective):
            made = _column_copy(objective)
        view = super().view_of(objective, l1)
        view.prepared = made
        return view

    def _state(
        self, fit: Fit, columns: _Columns, col: ColumnFit, step: float,
        first: FirstSweep | None = None,
    ) -> _State:  # fmt: skip
        g_w = col.grad + columns.l2 * col.w
        g_b = col.residual.sum() if columns.fit_intercept else 0.0
        value = col.loss + 0.5 * columns.l2 * float(col.w @ col.w)
        if self.l1:
            value += self.l1 * float(np.abs(col.w).sum())
        theta_s = fit.view.from_parts(col.w, col.b)
        grad_s = fit.view.gradient_from_parts(g_w, g_b)
        return _State(
            theta_s, value, grad_s, fit.residual(theta_s, grad_s), col.z,
            col.loss, col.residual, col.weights, col.grad, step=step,
            columns=columns, first=first,
            g_b=col.residual_sum if first is None else first.g_b,
        )  # fmt: skip

    def _solve(
        self, fit: Fit, state: _State | None, columns: _Columns, w: FloatArray,
        b: float, max_iter: int, sweeps: int = 0,
    ) -> tuple[ColumnFit, FirstSweep | None]:  # fmt: skip
        """Newton steps from the original coefficients ``(w, b)`` (those of
        ``state.theta``; never written)."""
        if state is None:
            z, start, first = columns.logits(w, b), None, None
            if np.any(w):  # a warm start reads X's columns for its logits
                fit.objective.n_evaluations += 1
        else:
            z = state.z
            start = (state.loss, state.residual, state.weights, state.grad_loss)
            first, state.first = state.first, None  # the step updates it in place
        g_b = None if state is None else state.g_b
        o = self.options
        # the cost model's estimate and the kept Gram curvature live on the
        # column matrix; from the state instead, so that a resumed fit makes
        # the same steps bit for bit (each step forms its model at its point)
        columns.cm.last_sweeps = state.last_sweeps if state is not None else 0
        columns.cm.curvature = None
        gram = use_gram(columns.cm, columns.cols, columns.nnz)
        args = (columns.cm, columns.y, columns.s, columns.cols, w, b, z)
        kwargs = dict(
            l1=self.l1, l2=columns.l2, mean=columns.mean,
            inv_scale=columns.inv_scale, fit_intercept=columns.fit_intercept,
            tol=fit.tol, max_iter=max_iter,
            # newton-cd's cap: a9a's one-hot columns, flat but for a weak
            # penalty, take thousands of Gram sweeps a step at C = 1000 (cut at
            # 500, every step crept along the valley: 1 000 steps, unconverged)
            max_sweeps=sweep_cap(columns.cm.n) if gram else sweeps or o.max_sweeps,
            max_backtracks=o.max_backtracks, start=start,
        )  # fmt: skip
        # passes over X: per Newton step, the model's column sums (Xᵀv,
        # (X∘X)ᵀv) and then the Gram matrix and X d, or the naive form's
        # sweeps, and the new gradient's Xᵀr; the line search reads no X. The
        # fused form makes the sums and the next step's first sweep with Xᵀr.
        if fused_form(columns.cm, columns.cols, columns.nnz):
            # the next step (or the stopping rule, by :meth:`_state`) measures
            # the point a step reaches: no KKT residual of it here
            expect = None
            if state is not None and state.rate > 0:
                expect = state.grad_max_norm * state.rate
            col, first, reads = fused_step(
                *args, **kwargs, first=first, g_b=g_b,
                stored=lambda w, b: columns.stored(fit.view, w, b),
                measure_last=False, expect=expect,
            )  # fmt: skip
            fit.objective.n_evaluations += reads
            return col, first
        col = newton_cd_columns(*args, **kwargs)
        if max_iter:
            step = 3 if gram else 1 + columns.cm.last_sweeps
            fit.objective.n_evaluations += step
        fit.objective.n_evaluations += 1
        return col, None

    def init_state(self, fit: Fit, theta: FloatArray) -> Any:
        if not _by_columns(fit):
            return self._hessian.init_state(fit, theta)
        columns = _Columns(fit)
        w, b = columns.split(fit.view.to_original(theta))
        col, first = self._solve(fit, None, columns, w, b, max_iter=0)
        state = self._state(fit, columns, col, 0.0, first)
        state.early = EARLY * state.grad_max_norm
        return state

    def _resume(self, fit: Fit, start: dict[str, Any]) -> Any:
        if not _by_columns(fit):  # a state of newton-cd's iterations
            return self._hessian._resume(fit, start)
        return super()._resume(fit, start)

    def state_dict(self, state: Any) -> dict[str, Any]:
        values = super().state_dict(state)
        if isinstance(state, _State):
            values["columns"] = None  # rebuilt from the data on resume
            values["first"] = None  # made again by the next step
        return values

    def load_state(self, fit: Fit, values: dict[str, Any]) -> Any:
        if not _by_columns(fit):
            return self._hessian.load_state(fit, values)
        columns = _Columns(fit)
        state = super().load_state(fit, _checked_values(fit, columns, values))
        state.columns = columns
        return state

    def step(self, fit: Fit, state: Any) -> Any:
        if not isinstance(state, _State):
            return self._hessian.step(fit, state)
        columns = state.columns if state.columns is not None else _Columns(fit)
        far = 0 < state.early < state.grad_max_norm  # far from the optimum
        cap = 1 if far else state.sweeps or self.options.max_sweeps
        w, b = columns.split(fit.view.to_original(state.theta))
        col, first = self._solve(fit, state, columns, w, b, max_iter=1, sweeps=cap)
        if np.array_equal(col.w, w) and col.b == b:
            state.stop = LINE_SEARCH_STOP_COLUMNS
            return state
        new = self._state(fit, columns, col, 0.0, first)
        new.step = float(np.max(np.abs(new.theta - state.theta)))
        new.last_sweeps, new.early = columns.cm.last_sweeps, state.early
        if state.grad_max_norm > 0:
            new.rate = new.grad_max_norm / state.grad_max_norm
        slow = new.grad_max_norm > SLOW * state.grad_max_norm
        if far:
            new.sweeps = state.sweeps  # the cap of the steps that follow
            if slow:
                new.early = 0.0  # one sweep is too little here: no more such steps
        else:
            grow = slow and columns.cm.last_sweeps >= cap
            new.sweeps = min(cap * SWEEP_GROWTH, MAX_GROWN_SWEEPS) if grow else cap
        return new
