"""Firth's bias-reduced logistic regression: the solver.

The objective ``F(θ) = -ℓ*(θ)/Σs`` and its modified score ``U*`` are
:class:`logistic._firth.FirthObjective`'s (formulas there). The iteration is
Heinze & Schemper's modified Fisher scoring ``θ ← θ + t I(θ)⁻¹ U*(θ)`` with
the step ``t`` halved until ``F`` decreases (Armijo; once ``F`` changes only by
rounding, :func:`logistic._numerics.rounding_noise`, a step is accepted when it
lowers the gradient norm instead; :mod:`._linesearch`), and each step's largest
standardized component capped at ``max_step`` (default 5, logistf's
``maxstep``). It stops when the gradient max-norm of ``F`` in standardized
coordinates is ≤ tol, like every solver. Estimates are finite even under
complete separation (``log det I → -∞`` as ``‖θ‖ → ∞``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._exceptions import IntegrityError, InvalidParameterError
from .._firth import FirthObjective, FirthPoint
from .._firth_centred import centred_firth
from .._numerics import rounding_noise
from .._objective import LogisticObjective
from .._scaling import ScaledObjective
from .._typing import FloatArray
from ._base import Capabilities, Fit, IterationHook, SolverResult, register
from ._iterative import VALUE_RTOL, IterativeSolver, _described
from ._linesearch import armijo_or_flat, backtrack
from ._options import LineSearchOptions

__all__ = ["Firth", "FirthObjective", "FirthOptions", "FirthPoint"]

#: The status of a step whose line search finds no decrease.
LINE_SEARCH_STOP_FIRTH = (
    "line search could not decrease the penalized objective (precision limit)"
)


@dataclass
class _FirthState:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    factor: Any
    step: float = 0.0
    stop: str = ""


@dataclass(frozen=True)
class FirthOptions(LineSearchOptions):
    """max_step : cap on a step's largest standardized component (logistf's
    ``maxstep``)."""

    max_step: float = field(default=5.0, metadata={"min": 0.0})


@register
class Firth(IterativeSolver):
    """Firth-penalized modified Fisher scoring.

    Options (:class:`FirthOptions`): ``max_step`` (default 5),
    ``max_backtracks``, ``patience``.
    """

    name = "firth"
    capabilities = Capabilities(firth=True, needs_hessian=True)
    Options = FirthOptions
    State = _FirthState
    state_extras = ("factor_lower",)
    stop_statuses = (LINE_SEARCH_STOP_FIRTH,)
    standardized = False
    # a resumed state's value is checked against Firth's F (_verify_objective)
    verifies_objective = True

    def solve(
        self,
        objective: LogisticObjective,
        theta0: FloatArray,
        *,
        view: ScaledObjective | None = None,
        start: dict[str, Any] | None = None,
        on_iteration: IterationHook | None = None,
    ) -> SolverResult:
        """Minimize Firth's ``F`` of ``objective`` from ``theta0``; with an
        intercept on the centred, scaled copy of the rows and mapped back
        (:mod:`logistic._firth_centred`: Jeffreys' penalty is invariant
        under that change of coordinates; summed about 0 the information
        loses ``ε·(mean/spread)²`` of its precision). A checkpoint's state is
        the centred problem's. Data whose blocks are on an array-API device
        are refused (:func:`_refuse_device_blocks`)."""
        _refuse_device_blocks(objective)
        centred = centred_firth(objective, view)
        if centred is None:
            return super().solve(
                objective, theta0, view=view, start=start, on_iteration=on_iteration
            )
        theta0 = np.asarray(theta0, dtype=np.float64)
        if theta0.shape == (objective.n_params,) and np.all(np.isfinite(theta0)):
            theta0 = centred.from_original(theta0)  # else the base's message
        result = super().solve(
            centred.objective,
            theta0,
            view=centred.centred_view,
            start=start,
            on_iteration=on_iteration,
        )
        return centred.result_to_original(result)

    def init_state(self, fit: Fit, theta0: FloatArray) -> _FirthState:
        firth = FirthObjective(fit.objective)
        _refuse_aliased(fit.objective)
        pt = firth.point(theta0)
        if pt.factor is None or pt.grad is None:
            obj = fit.objective
            k, n = obj.n_params, getattr(obj.data, "n_samples", None)
            what = "the features and the intercept" if obj.fit_intercept else "features"
            why = (
                f"there are fewer rows ({n}) than parameters ({k}: {what}); use "
                "fewer features or more rows"
                if n is not None and n < k
                else "the design has collinear or constant columns (or all-zero "
                "weights). Remove them before fitting."
            )
            raise InvalidParameterError(
                "Firth: the Fisher information is singular at the starting point; "
                + why
            )
        return _FirthState(
            pt.theta,
            pt.value,
            pt.grad,
            fit.residual(pt.theta, pt.grad),
            firth.newton_matrix(pt),
        )

    def state_dict(self, state: _FirthState) -> dict[str, Any]:
        """The Cholesky factor ``(c, lower)`` as two plain values."""
        values = super().state_dict(state)
        values["factor"], values["factor_lower"] = state.factor
        return values

    def load_state(self, fit: Fit, values: dict[str, Any]) -> _FirthState:
        """The state written by :meth:`state_dict`: ``factor`` a finite
        p x p float array, ``factor_lower`` true or false."""
        values = dict(values)
        c, lower = values["factor"], values.pop("factor_lower", None)
        n = fit.objective.n_params
        if not (
            isinstance(c, np.ndarray)
            and c.dtype == np.float64
            and c.shape == (n, n)
            and bool(np.isfinite(c).all())
        ):
            raise IntegrityError(
                f"state field 'factor' is {_described(c)}, expected a {n} x {n} "
                "array of finite floats"
            )
        if type(lower) is not bool:
            raise IntegrityError(
                f"state field 'factor_lower' is {_described(lower)}, expected "
                "true or false"
            )
        values["factor"] = (c, lower)
        state: _FirthState = super().load_state(fit, values)
        return state

    def _verify_objective(
        self, fit: Fit, state: Any, theta: FloatArray, where: str
    ) -> None:
        """The stored value against Firth's ``F`` the data give at the stored
        point (one pass, not the fit's). The point is in the coordinates the
        fit runs in (centred with an intercept, :meth:`solve`): a checkpoint
        written where Firth ran in the columns' own coordinates (builds before
        the centred fits) holds a point that means another estimate here, and
        another value, so it is refused rather than resumed to a wrong answer
        (``force_resume`` restarts from its point, a start only)."""
        value = FirthObjective(fit.objective).point(theta, with_grad=False).value
        if np.isfinite(value) and abs(state.value - value) <= (
            VALUE_RTOL * abs(value) + rounding_noise(value)
        ):
            return
        raise IntegrityError(
            f"{where}: stored Firth objective value {state.value!r} at the stored "
            f"point, the data give {value!r} there: the checkpoint was altered, "
            "written for other data, or written by a build that fit Firth in the "
            "columns' own coordinates (this one fits a model with an intercept on "
            "centred columns). Delete the checkpoint and its .prev copy to fit "
            "afresh, or force_resume to restart from its point"
        )

    def step(self, fit: Fit, state: _FirthState) -> _FirthState:
        from scipy.linalg import cho_solve  # ≈ 0.3 s, only for Firth fits

        firth = FirthObjective(fit.objective)
        total = fit.objective.weight_sum
        d = -total * cho_solve(state.factor, state.grad, check_finite=False)
        max_step = self.options.max_step
        size = float(np.max(np.abs(fit.view.from_original(d)), initial=0.0))
        if size > max_step:
            d *= max_step / size
        slope = float(state.grad @ d)

        def trial(t: float) -> tuple[bool, _FirthState | None]:
            pt = firth.point(state.theta + t * d)
            if not np.isfinite(pt.value) or pt.grad is None:
                return False, None
            gnorm = fit.residual(pt.theta, pt.grad)
            # within rounding of F, a smaller gradient decides (the precision
            # limit of value comparisons is reached long before tol)
            ok = armijo_or_flat(
                pt.value,
                state.value,
                t,
                slope,
                lambda: gnorm < state.grad_max_norm,
                eps=fit.value_eps,
            )
            new = _FirthState(
                pt.theta, pt.value, pt.grad, gnorm, firth.newton_matrix(pt), step=t
            )
            return ok, new

        accepted, new = backtrack(
            trial, 1.0, max_backtracks=self.options.max_backtracks
        )
        if accepted and new is not None:
            return new
        state.stop = LINE_SEARCH_STOP_FIRTH
        return state


def _refuse_device_blocks(objective: Any) -> None:
    """Refuse data whose blocks are array-API arrays on their device: Firth's
    information, its Cholesky factor and the hat diagonal are computed with
    numpy and scipy on each block, and there are no array-API kernels for
    them (the estimator refuses such data for ``penalty='firth'`` first)."""
    data = objective.data
    if not data.capabilities.device_blocks:
        return
    raise InvalidParameterError(
        f"solver 'firth' needs data whose blocks are numpy or scipy arrays on "
        f"the host (InMemory, Chunked or Dask of numpy chunks); got "
        f"{type(data).__name__} data, whose blocks are array-API arrays on "
        f"their device, for which Firth's penalty has no kernels. Copy the "
        f"arrays to the host first (e.g. X.cpu().numpy())"
    )


def _refuse_aliased(objective: Any) -> None:
    """Refuse a design whose columns are dependent on the rows of positive
    weight, naming the columns the unpenalized fit reports aliased
    (:mod:`logistic._aliasing`: each a combination of the columns before it,
    intercept first, or a column of zeros), from one pass for the Gram
    matrix of those rows (the design's own dependencies: the information at
    the start, ``Xᵀ W X``, can look singular where large offsets make ``W``
    ~0 on most rows). Firth's penalty ``½ log det I`` is ``-∞`` at every
    coefficient vector of such a design, so the estimate is not defined (as
    ``logistf`` refuses such designs). The Cholesky factor of ``I`` alone
    missed dependencies whose roundoff left a tiny positive pivot (``x3 =
    x1 + x2``): the fit then stopped unconverged at an arbitrary point."""
    from functools import partial

    from .._aliasing import aliased_columns, positive_rows_gram

    fit_intercept = bool(objective.fit_intercept)
    k, p = objective.n_params, objective.n_features
    n = getattr(objective.data, "n_samples", None)
    if n is not None and n < k:  # init_state's message: fewer rows than parameters
        return
    info = objective.data.map_reduce(
        partial(positive_rows_gram, fit_intercept=fit_intercept)
    )
    order = np.r_[p, np.arange(p)] if objective.fit_intercept else np.arange(k)
    # the rows of positive weight: the Gram's intercept entry counts them
    rows = float(info[p, p]) if objective.fit_intercept else n
    mask = aliased_columns(info, order, zero=np.diag(info) == 0, rows=rows)
    if not mask[:p].any():
        return
    names = getattr(objective.data, "feature_names", None)
    cols = np.flatnonzero(mask[:p])
    shown = [f"X column {j}" if names is None else repr(str(names[j])) for j in cols]
    before = "the intercept and " if objective.fit_intercept else ""
    raise InvalidParameterError(
        "Firth: the Fisher information is singular: "
        f"{', '.join(shown[:10])}{' ...' if len(shown) > 10 else ''} "
        f"{'is' if len(shown) == 1 else 'are'} collinear with {before}the columns "
        f"before {'it' if len(shown) == 1 else 'them'} (a combination of them) or "
        "constant "
        "(penalty='firth' needs a full-rank design; its estimate is not defined "
        f"otherwise). Remove {'it' if len(shown) == 1 else 'them'} before fitting."
    )
