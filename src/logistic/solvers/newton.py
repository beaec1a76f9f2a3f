"""Newton's method: Cholesky solve of ``H d = -g`` and an Armijo line search.

Fallback (warned once per fit with :class:`NumericalStabilityWarning`): when
the Hessian is not numerically positive definite, Levenberg–Marquardt damping
``H + μ diag(H)`` with μ increased until Cholesky succeeds (scale-free: the
Jacobi-scaled system is damped); when the step is not a descent direction or
the Hessian is not finite, steepest descent in standardized coordinates.
Newton is affine invariant, so it runs on the original coordinates. It stops
when the gradient
max-norm in standardized coordinates is ≤ tol (as every solver); the Newton
decrement ``gᵀH⁻¹g`` is recorded per iteration.

Start at ``θ = 0`` (no offset, dense rows in memory, an exact Hessian: fewer
than ``EXACT_HESSIAN_MAX_SIZE`` entries, and rows enough to sample: at least
four times ``max(2 000, 50·n_params)``, or, for smaller data whose Hessian
costs more than the sample, the fewer of a quarter of them and the rows a
120 KiB copy holds, when those are at least 18 a parameter, see
:func:`._zero_start.sample_rows`): value and gradient come from the
data-statistics pass and the Hessian from the sampled rows
(:mod:`._zero_start`), whose Cholesky factor the first step reuses, so
iteration 0 reads no data; otherwise it is one pass.

Cost per iteration: one pass over the data
(:meth:`LogisticObjective.value_gradient_hessian`) that returns the value,
the gradient *and* the Hessian at the trial point, so an accepted step
already carries the next iteration's Hessian (a rejected trial's Hessian is
wasted; Newton's full step is almost always accepted). The last accepted
point's exact evaluation stays with the objective, so the inference of an
unpenalized fit reads its Hessian there without another pass. The step
that is predicted to end a penalized fit (quadratic convergence, or linear
with a subsampled Hessian, measured on the previous full step,
``LAST_STEP_MARGIN``) evaluates only the value and
gradient at its trial point: nothing reads the Hessian after the last step.
After a wrong prediction the next step reuses the Hessian of the step before
(one step old: this close to the optimum its step still contracts the
gradient far below what was missing) and again evaluates only the value and
gradient; if that misses too, the step after evaluates the Hessian afresh.
A wrong prediction so costs one value+gradient pass instead of a Hessian
(w8a: 12 → 11 passes from zero, 8 → 7 from its subsample start). Each
Hessian is factored once: the stale step, and the first step after the
subsample start's decrement test, reuse the factor (:meth:`Newton._factor`).
For ``n_samples`` much larger than ``n_features`` the Hessian is estimated
from every k-th row (``hessian_rows``, default ``max(40 000, 50·n_params)``
rows, on data of at least ``EXACT_HESSIAN_MAX_SIZE`` entries,
:func:`logistic._numerics.hessian_subsample_rows`, so
``k = n_samples // hessian_rows``): the step stays a descent direction
(the estimate is positive definite), convergence becomes linear with a rate
of about ``√(n_params / hessian_rows)``, and the ``syrk`` flops, which
dominate an exact Newton iteration on 1M × 100 data, drop k-fold. Value and
gradient are always exact, so the stopping rule is unchanged.
Where the Hessians are exact and the fit started from the sampled Hessian
at ``θ = 0``, the steps far from the optimum (by their Newton decrement)
estimate the Hessian at their trial points from the same rows and evaluate
only value and gradient over the data (:mod:`._newton_rows`: ijcnn1, 3 of
its 5 Hessians; whether a fit samples is part of its state).

Subsample start (tall data, option ``start_rows``): a fit from zero on data
with at least ``START_MIN_RATIO`` times ``m = max(20 000, 20·n_params)`` rows
(:func:`logistic._numerics.start_subsample_rows`) first minimizes the same
objective (mean loss, the same ``l2``) on every k-th row, ``k = n // m``,
with their labels and weights (class weights are part of them), by at most
``START_MAX_ITER`` Newton iterations on those rows (their Hessian from
:func:`logistic._numerics.start_hessian_rows` of them). That optimum is within
sampling error (order ``1/√m``) of the full one, so the full-data Newton,
whose subsampled Hessian converges at a rate of about
``√(n_params / hessian_rows)``, needs 3 iterations instead of 5-6 (dense1m,
illcond1m). A penalized fit on sparse X below that size starts the same
way from every 8th row when those are at least ``max(2 000, 20·n_params)``
(:func:`._newton_rows.sparse_start_rows`: the sandwich ``X̃ᵀ D X̃``
makes a sparse Newton iteration cost several passes, so the start pays at far
fewer rows),
solved only to ``SPARSE_START_TOL_SCALE / √rows``, a fraction of its sampling error.
The full-data stopping rule is unchanged. The start is used only
if the subsample fit converged within its cap and, at the first full
evaluation, the full objective is below ``J(0) = log 2`` (every row's loss at
``z = 0``) by more than ``λ²/2``, the decrease Newton's model says is left
(``λ²`` the Newton decrement): a start past the optimum, as a separable
subsample of data that are not separable gives, has little curvature and a
large decrement. Otherwise the fit starts from zero as without it, having
spent one extra full pass. It is not tried when the caller gives a non-zero
start (``warm_start``, a path's previous solution), when the data carry an
offset (``J(0)`` would then cost a pass of its own), when the rows are
neither in memory as numpy or scipy arrays nor on a block grid that hands
over its blocks without a pass, when resuming a checkpoint, or for another
objective than the binary one (the multinomial fit's Newton starts at zero).

Streamed data (``block_grid``: the row cache of :class:`~logistic.backends.Chunked`,
:class:`~logistic.backends.Dask`) start from every k-th block of the grid
whole, as their Hessian estimate samples it
(:func:`logistic._block_sample.gather_start_rows`: about ``m`` to ``2m``
rows copied to the caller, read without a pass and not counted as one), with
the same subsample fit and acceptance test. dense1m: 9 → 8 iterations and
11 → 10 passes on both, as in memory. Contiguous blocks of data sorted by
label are a biased sample; the acceptance test refuses such a start, which
then costs the gather, the subsample fit and one full pass.

``n_iter`` counts the full-data iterations and ``n_passes`` the full-data
passes; the iteration-0 history entry of a fit that tried the subsample start
records ``subsample_rows``, ``subsample_iter``, ``subsample_passes`` (passes
over the subsample) and ``subsample_used`` (1 when the fit started there).

Acceptance (:mod:`._linesearch`): Armijo's sufficient decrease, or, once the
change of ``J`` is below its floating-point resolution
(:func:`logistic._numerics.rounding_noise`), a smaller gradient (the rule of
scikit-learn's Newton solver); without it a converged Newton step would
backtrack to exhaustion on rounding noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._linalg import Cholesky, LinAlgError
from .._numerics import (
    START_MAX_ITER,  # noqa: F401  (the subsample start's cap, read from here)
    hessian_subsample_rows,
)
from .._objective import LogisticObjective
from .._typing import FloatArray
from ._base import Capabilities, Fit, register
from ._iterative import LINE_SEARCH_STOP, IterativeSolver
from ._linesearch import armijo_or_flat, backtrack, first_trial
from ._newton_linalg import (
    UNDERFLOW_RMS,
    damped_solve,
    jacobi_scaled,
    jacobi_scaling,
    lapack_factors,
    scaled_cholesky,
    split_direction,
    underflowing_columns,
)
from ._newton_linalg import heap_headroom as _heap_headroom
from ._newton_linalg import one_blas_thread as _one_blas_thread
from ._newton_options import NewtonOptions
from ._newton_rows import (  # noqa: F401  (SPARSE_START_TOL_SCALE: likewise)
    SPARSE_START_TOL_SCALE,
    sparse_start,
    start_block,
    start_rows,
    subsample_fit,
    trial_rows,
    usable,
)
from ._newton_state import STATE_DEFAULTS, _NewtonState, checked_values

__all__ = ["ALIASING_SYMPTOMS", "SINGULAR_HESSIAN", "Newton", "NewtonOptions"]

#: How the warning of a damped Newton step begins: the command line leaves it
#: out where the inference names the aliased columns that explain it.
SINGULAR_HESSIAN = "Newton: the Hessian is singular or not positive definite"
#: How the warnings of Newton's steepest-descent fallbacks begin.
NOT_DESCENT = "Newton: the step is not a descent direction"
DAMPING_FAILED = "Newton: Cholesky failed even with damping"
#: The warnings that aliased (exactly collinear) columns explain: a fit that
#: leaves such columns out names them after these (and the command line
#: leaves these out where its table names the columns).
ALIASING_SYMPTOMS = (SINGULAR_HESSIAN, NOT_DESCENT, DAMPING_FAILED)

#: Below this many entries of X (n_samples × n_params) the Hessian is exact
#: (``hessian_rows`` applies to larger data only): its ``syrk`` costs little.
EXACT_HESSIAN_MAX_SIZE = 1_000_000

#: A penalized fit's step skips the Hessian at its trial point when the
#: predicted gradient norm after it is below ``tol / LAST_STEP_MARGIN``.
LAST_STEP_MARGIN = 2.0

#: The objective at θ = 0 without an offset: every row's loss at z = 0 is log 2
#: whatever its label and weight, and the penalty is 0.
VALUE_AT_ZERO = float(np.log(2.0))


@register
class Newton(IterativeSolver):
    """Newton–Cholesky with a backtracking line search (:class:`NewtonOptions`)."""

    name = "newton"
    capabilities = Capabilities(needs_hessian=True)
    Options = NewtonOptions
    State = _NewtonState
    state_defaults = STATE_DEFAULTS
    stop_statuses = (LINE_SEARCH_STOP,)
    standardized = False  # affine invariant: original coordinates

    def init_state(self, fit: Fit, theta0: FloatArray) -> _NewtonState:
        got = None
        if self._zero_may_sample(fit.objective):  # θ = 0 without a pass
            from . import _zero_start

            got = _zero_start.zero_start(fit.objective, theta0)
        if got is None:
            f, g, H = self._evaluate(fit, theta0)
            return _NewtonState(theta0, f, g, fit.residual(theta0, g), hessian=H)
        sampling = usable(got.sample)
        state = _NewtonState(
            theta0,
            got.value,
            got.grad,
            fit.residual(theta0, got.grad),
            hessian=got.hessian,
            sampling=sampling,
            hessian_estimated=True,
        )
        state.rows = got.sample if sampling else None
        state.factored = (got.hessian, got.scaling, got.factor)  # the first step's
        return state

    def load_state(self, fit: Fit, values: dict[str, Any]) -> _NewtonState:
        """The state written by :meth:`state_dict`, its fields checked
        (:func:`._newton_state.checked_values`), with the sampled rows of a fit
        that estimates Hessians chosen again (:func:`._zero_start.sample_of`,
        and only where :meth:`init_state` would sample, :meth:`_zero_known`:
        none, and exact Hessians, where these data and this objective would
        not sample)."""
        checked = checked_values(values, fit.objective.n_params)
        state: _NewtonState = super().load_state(fit, checked)
        if state.sampling:  # only where init_state samples too
            state.rows = None
            if self._zero_known(fit):
                from . import _zero_start

                state.rows = _zero_start.sample_of(fit.objective)
            state.sampling = state.rows is not None
        return state

    def _zero_may_sample(self, objective: LogisticObjective) -> bool:
        """Whether the zero start (:mod:`._zero_start`) may sample this fit's
        rows: exact Hessians (stride 1) on dense rows (the backend reports no
        ``nnz``). :meth:`init_state` and :meth:`load_state` both ask this, so
        a resumed fit samples exactly where a fresh one would; elsewhere the
        module is never imported (~0.13 ms of a process's first Newton
        fit)."""
        if objective.data.nnz is not None:
            return False
        return self._hessian_stride(objective) == 1

    def _zero_known(self, fit: Fit) -> bool:
        """Whether :meth:`init_state` would try the zero start's sampled
        Hessian on this fit: :meth:`_zero_may_sample`, and ``J(0)``,
        ``∇J(0)`` known without a pass."""
        objective = fit.objective
        if not self._zero_may_sample(objective):
            return False
        zero = np.zeros(objective.n_params)
        return objective.start_value_and_gradient(zero) is not None

    def _start(self, fit: Fit, theta0: FloatArray) -> Any:
        """The first state: at the subsample fit's optimum when it qualifies
        and its full objective is below ``J(0)``, else at ``theta0``."""
        _heap_headroom(fit.objective.n_params)
        sub = self._subsample_fit(fit, theta0)
        if sub is None:
            return super()._start(fit, theta0)
        theta_sub, entry = sub
        state = None
        if entry["subsample_used"]:
            state = self.init_state(fit, fit.from_original(theta_sub))
            if not self._nearer_than_zero(fit, state):
                entry["subsample_used"] = 0
                state = None
        if state is None:
            state = self.init_state(fit, fit.from_original(theta0))
        return self._started(fit, theta0, state, **entry)

    def _nearer_than_zero(self, fit: Fit, state: _NewtonState) -> bool:
        """Whether the full-data state is a better start than θ = 0: its
        objective is below ``J(0)`` by more than the decrease ``λ²/2`` that
        Newton's model says is left (``λ²`` the Newton decrement), so it has
        covered more than half the gap to the optimum. A start past the
        optimum of a separable subsample (large coefficients, little curvature)
        has a large decrement and is refused: Newton would backtrack there."""
        gain = VALUE_AT_ZERO - state.value
        if not gain > 0:
            return False
        if state.hessian is None:  # a state restored without it
            state.hessian = fit.objective.hessian(state.theta)
        lapack = lapack_factors(fit.objective)
        return 0.5 * self._decrement(state, state.hessian, lapack) < gain

    def _decrement(
        self, state: _NewtonState, H: FloatArray, lapack: bool = False
    ) -> float:
        """``gᵀ H⁻¹ g`` at ``state`` by the Cholesky factor of the Jacobi-scaled
        H, which the first step's :meth:`direction` then reuses; inf when H is
        not finite and positive definite."""
        g = state.grad
        if not (np.all(np.isfinite(H)) and np.all(np.diag(H) > 0)):
            return float("inf")
        s = jacobi_scaling(H)
        try:
            factor = self._factor(state, H, s, lapack)
        except LinAlgError:
            return float("inf")
        gs = g * s
        value = float(gs @ factor.solve(gs))
        return value if np.isfinite(value) and value >= 0 else float("inf")

    def _subsample_rows(self, fit: Fit, theta0: FloatArray) -> Any:
        """The subsample start's rows (:func:`._newton_rows.start_block` of
        :func:`._newton_rows.start_rows`), or None when the fit does not
        qualify for a subsample start."""
        objective = fit.objective
        if type(objective) is not LogisticObjective:  # e.g. K classes: J(0) = log K
            return None
        rows = start_rows(objective, self.options.start_rows)
        if rows == 0 or np.any(theta0 != 0):
            return None
        return start_block(objective, rows)

    def _subsample_fit(
        self, fit: Fit, theta0: FloatArray
    ) -> tuple[FloatArray, dict[str, int]] | None:
        """The optimum of the objective on the subsample and the history keys
        of the attempt (``subsample_used`` = whether it converged), or None
        when the fit does not qualify (see the module docstring)."""
        rows = self._subsample_rows(fit, theta0)
        if rows is None:
            return None
        sparse = sparse_start(fit.objective, self.options.start_rows)
        return subsample_fit(
            type(self),
            fit.objective,
            rows,
            tol=fit.tol,
            max_backtracks=self.options.max_backtracks,
            sparse=sparse,
        )

    def _hessian_stride(self, objective: LogisticObjective) -> int:
        """Row stride of the Hessian estimate (1: the exact Hessian)."""
        n = int(objective.data.n_samples)
        if n * objective.n_params < EXACT_HESSIAN_MAX_SIZE:
            return 1
        rows = self.options.hessian_rows
        if rows is None:
            rows = hessian_subsample_rows(objective.n_params)
        return max(1, n // max(1, int(rows)))

    def _evaluate(
        self, fit: Fit, theta: FloatArray
    ) -> tuple[float, FloatArray, FloatArray]:
        """Value, gradient and Hessian (estimate) in one pass."""
        objective = fit.objective
        stride = self._hessian_stride(objective)
        if stride > 1:
            return objective.value_gradient_hessian(theta, hessian_stride=stride)
        return objective.value_gradient_hessian(theta)

    def direction(
        self, fit: Fit, state: _NewtonState, H: FloatArray, g: FloatArray
    ) -> FloatArray:
        """Newton direction, damped if H is not positive definite (``state``
        holds the fit's last factor, :meth:`_factor`).

        The system is solved Jacobi-scaled (``S H S``, ``S = diag(H)^{-1/2}``),
        so Levenberg damping ``μ I`` of the scaled system is ``μ diag(H)`` of
        the original one: the damping, like everything else, does not depend
        on the units of the features.
        """
        cached = state.factored
        if cached is not None and cached[0] is H:  # a stale step, or after _decrement
            d = -cached[2].solve(g * cached[1]) * cached[1]
            if np.isfinite(d).all():
                return d
        if not np.isfinite(H).all():
            fit.warn_once(
                "Newton: the Hessian is not finite (cause: scale; products of "
                "values of X beyond ~1e154 overflow float64); using preconditioned "
                "steepest descent. Remedy: rescale those columns of X."
            )
            return self._fallback(fit, g)
        s = jacobi_scaling(H)
        try:
            lapack = lapack_factors(fit.objective)
            d = -self._factor(state, H, s, lapack).solve(g * s) * s
            if np.isfinite(d).all():
                return d
        except LinAlgError:
            pass
        tiny = underflowing_columns(fit.objective)
        if tiny is not None:
            steepest = self._fallback(fit, g)
            split = split_direction(H, g, tiny, steepest, lapack_factors(fit.objective))
            if split is not None:
                fit.warn_once(
                    "Newton: the Hessian is singular (cause: scale; squares of "
                    f"values of X below ~{UNDERFLOW_RMS:.0e} underflow float64); "
                    "those columns take preconditioned steepest-descent steps. "
                    "Remedy: rescale those columns of X."
                )
                return split
        with _one_blas_thread(H.shape[0]):
            got = damped_solve(jacobi_scaled(H, s), g * s, s)
        if got is None:
            fit.warn_once(
                f"{DAMPING_FAILED}; using preconditioned steepest descent."
            )
            return self._fallback(fit, g)
        if got[1] > 0:
            fit.warn_once(
                f"{SINGULAR_HESSIAN} (collinear columns or separation?); damped "
                f"with mu={got[1]:.3g}·diag(H)."
            )
        return got[0]

    @staticmethod
    def _factor(
        state: _NewtonState, H: FloatArray, s: FloatArray, lapack: bool = False
    ) -> Cholesky:
        """The Cholesky factor of ``S H S`` (``s = diag(H)^{-1/2}``,
        :func:`._newton_linalg.jacobi_scaling`; ``lapack``:
        :func:`._newton_linalg.lapack_factors` of the fit's objective), kept
        in ``state.factored`` for the next call with the same H (a step with
        a stale Hessian, or the first step after :meth:`_decrement`);
        :class:`LinAlgError` when it is not positive definite."""
        state.factored = None
        factor = scaled_cholesky(H, s, lapack)
        state.factored = (H, s, factor)
        return factor

    @staticmethod
    def _fallback(fit: Fit, g: FloatArray) -> FloatArray:
        """Steepest descent in standardized coordinates: ``-T Tᵀ g`` (a descent
        direction whatever the units: its slope is ``-‖Tᵀ g‖²``)."""
        return -fit.view.to_original(fit.view.scaled_gradient(g))

    def _last_step_predicted(self, fit: Fit, state: _NewtonState) -> bool:
        """Whether the step from ``state`` is predicted to end a penalized fit,
        so its trial point needs no Hessian (see the module docstring).

        In Newton's quadratic phase ``‖g_{k+1}‖ ≈ c ‖g_k‖²``; ``c`` is
        measured on the last full step (``‖g_k‖ / ‖g_{k-1}‖²``, stopping
        norms). With a subsampled Hessian convergence is linear:
        ``‖g_{k+1}‖ ≈ r ‖g_k‖``, ``r = ‖g_k‖ / ‖g_{k-1}‖``. The prediction must
        clear ``tol`` by ``LAST_STEP_MARGIN``: a wrong one costs one
        value+gradient pass, a right one saves the Hessian (its ``syrk``
        costs two to three passes on small dense data, about one for a
        subsample of tall data), so the margin is small. Not for unpenalized
        fits: their inference and separation check read the Hessian at the
        optimum."""
        prev, now = state.prev_grad_max_norm, state.grad_max_norm
        if fit.objective.l2 == 0 or state.step != 1.0 or not 0 < now < prev:
            return False
        estimate = state.hessian is not None and state.hessian_estimated
        if self._hessian_stride(fit.objective) == 1 and not estimate:
            predicted = (now / prev**2) * now**2  # quadratic
        else:
            predicted = (now / prev) * now  # linear (subsampled Hessian)
        return predicted * LAST_STEP_MARGIN < fit.tol

    def step(self, fit: Fit, state: _NewtonState) -> _NewtonState:
        if state.hessian_estimated and state.step == 0.0:
            # the first step from the sampled Hessian at θ = 0: its full step
            # alone; where that is refused the sample misled the step (a
            # direction it makes flat that the data do not): the step again
            # from the exact Hessian (one pass more), and no more sampling
            out = self._step(fit, state, max_backtracks=1)
            if not out.stop:
                return out
            state.stop, state.decrement = "", float("nan")
            state.hessian = self._evaluate(fit, state.theta)[2]
            state.hessian_estimated = state.sampling = False
            state.rows = None
        return self._step(fit, state, max_backtracks=self.options.max_backtracks)

    def _descent(
        self, fit: Fit, state: _NewtonState
    ) -> tuple[FloatArray, FloatArray, float, bool]:
        """The Hessian the step from ``state`` reads, its direction, the
        slope ``gᵀd`` and whether that Hessian is stale (a mispredicted last
        step's, one step old)."""
        g = state.grad
        H = state.hessian
        stale = H is None and state.stale_hessian is not None
        if H is None and state.stale_hessian is not None:
            H = state.stale_hessian
        elif H is None:  # a restored state
            H = self._evaluate(fit, state.theta)[2]
        d = self.direction(fit, state, H, g)
        slope = float(g @ d)
        if not slope < 0:
            fit.warn_once(
                f"{NOT_DESCENT}; using preconditioned steepest descent."
            )
            d = self._fallback(fit, g)
            slope = float(g @ d)
        return H, d, slope, stale

    def _step(
        self, fit: Fit, state: _NewtonState, *, max_backtracks: int
    ) -> _NewtonState:
        g = state.grad
        H, d, slope, stale = self._descent(fit, state)
        last = stale or self._last_step_predicted(fit, state)
        if not last:  # no later step reuses this factor: free it before the pass
            state.factored = None
        sample = None if last else trial_rows(state, fit.objective, -slope)

        def trial(t: float) -> tuple[bool, tuple[Any, ...]]:
            theta = state.theta + t * d
            H_new: FloatArray | None = None
            estimated = sample is not None and sample[0].estimates(theta, sample[1])
            if last:
                f, g_new = fit.objective.value_and_gradient(theta)
            elif estimated and sample is not None:  # far from the optimum
                f, g_new = fit.objective.value_and_gradient(theta)
                H_new = sample[0].hessian(theta)
            else:
                f, g_new, H_new = self._evaluate(fit, theta)
            ok = armijo_or_flat(
                f,
                state.value,
                t,
                slope,
                lambda: float(np.abs(g_new).sum()) < float(np.abs(g).sum()),
                eps=fit.value_eps,
            )
            return ok, (t, theta, f, g_new, H_new, estimated)

        accepted, out = backtrack(
            trial, first_trial(fit.objective, d), max_backtracks=max_backtracks
        )
        if not (accepted and out is not None):
            state.stop = LINE_SEARCH_STOP
            state.decrement = -slope
            return state
        t, theta, f, g_new, H_new, estimated = out
        new = _NewtonState(
            theta,
            f,
            g_new,
            fit.residual(theta, g_new),
            t,
            -slope,
            hessian=H_new,
            prev_grad_max_norm=state.grad_max_norm,
            stale_hessian=H if last and not stale else None,
            # after an exact Hessian or a step that backtracked: exact ones
            sampling=estimated and t == 1.0,
            hessian_estimated=estimated,
        )
        new.rows = sample[0] if new.sampling and sample is not None else None
        if last and not stale:  # the next step may reuse H's factor
            new.factored = state.factored
        return new
