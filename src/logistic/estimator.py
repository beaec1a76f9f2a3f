"""scikit-learn compatible binary ``LogisticRegression``.

Convention: ``__init__`` stores arguments unchanged; ``fit`` validates them
(:mod:`logistic._validation`), encodes labels to {0, 1} once, builds the one
shared :class:`~logistic._objective.LogisticObjective` (:meth:`_build_objective`)
and hands it to a registered solver. The penalty strength maps to the
objective in one place, :func:`penalty_strengths`:

    objective = (1/Σs) Σ s_i L_i + alpha·(l1_ratio·‖w‖₁ + (1-l1_ratio)/2·‖w‖²)

and scikit-learn's ``C`` maps to ``alpha = 1/(C·Σs)`` (Σs = total effective
sample weight: sample weights times class weights; the number of samples
without weights). With that mapping ``LogisticRegression(penalty="l2", C=C)``
minimises the same function as scikit-learn's ``LogisticRegression(C=C)``.
The intercept is never penalised.

``fit`` is validate-then-mutate: every fitted attribute is assigned only
after the solver has returned, so a failed ``fit`` leaves the estimator as it
was. scikit-learn is not needed to use this class; it is imported lazily,
only inside ``__sklearn_tags__``.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels, _math
from ._estimator_protocol import EstimatorProtocol, NotFittedError, available_if
from ._exceptions import (
    InvalidParameterError,
    user_stacklevel,
)
from ._objective import LogisticObjective
from ._partial import supports_partial_fit
from ._separation import check_separation
from ._validation import (
    Interval,
    Options,
    check_feature_names,
    check_vector,
    check_X,
    check_y_binary,
    combined_weights,
    feature_names_of,
    is_class_weight,
    is_random_state,
    validate_params,
)
from .solvers import SOLVERS, get_solver
from .solvers._auto import resolve_solver

__all__ = ["LogisticRegression", "penalty_strengths", "NotFittedError"]


def penalty_strengths(
    penalty: str | None,
    alpha: float,
    l1_ratio: float,
    C: float | None,
    weight_sum: float,
) -> tuple[float, float]:
    """``(l1, l2)`` strengths on the mean-loss scale.

    ``C`` (when given) overrides ``alpha`` through ``alpha = 1/(C·Σs)``; with
    ``penalty=None`` or ``"firth"`` both are 0 (Firth's penalty is the
    solver's, not a norm of w).
    """
    if penalty is None or penalty == "firth":
        return 0.0, 0.0
    a = 1.0 / (C * weight_sum) if C is not None else float(alpha)
    if not np.isfinite(a):
        raise InvalidParameterError(
            f"C={C!r} is too small: alpha = 1/(C·Σs) = 1/({C!r}·{weight_sum:g}) "
            f"overflows. Use a larger C (or alpha directly)."
        )
    ratio = {"l2": 0.0, "l1": 1.0}.get(penalty, float(l1_ratio))
    return a * ratio, a * (1.0 - ratio)


def default_tol(dtype: np.dtype, solver: str | None = None) -> float:
    """The solver's default stopping tolerance for data of ``dtype``
    (:meth:`Solver.default_tol`: 1e-10 for float64, 1e-6 for float32, 1e-3 for
    SGD); without a solver, the full-batch default."""
    return get_solver(solver or "newton").default_tol(dtype)


@dataclass
class _FitData:
    """Validated in-memory training data (never stored on the estimator)."""

    X: Any
    y01: np.ndarray
    classes: np.ndarray
    sample_weight: np.ndarray | None
    offset: np.ndarray | None
    names: np.ndarray | None

    @property
    def weight_sum(self) -> float:
        if self.sample_weight is None:
            return float(self.y01.shape[0])
        return float(self.sample_weight.sum())


def _as_backend(X: Any, y: Any, sample_weight: Any, offset: Any) -> Any:
    """Out-of-core / Dask backends (issue 7) for non-array input, else None."""
    try:
        from .backends._dispatch import as_backend
    except ImportError:
        return None
    return as_backend(X, y, sample_weight, offset)


def _is_dask(X: Any) -> bool:
    """A Dask collection (checked without importing dask)."""
    return type(X).__module__.startswith("dask") and hasattr(X, "__dask_graph__")


class LogisticRegression(EstimatorProtocol):
    """Binary logistic regression.

    Parameters
    ----------
    penalty : {None, "l2", "l1", "elasticnet", "firth"}, default=None
        None is maximum likelihood (as R's ``glm`` and statsmodels);
        "firth" is Firth's bias-reduced likelihood (needs a registered
        solver with the ``firth`` capability).
    alpha : float ≥ 0, default=0.0
        Penalty strength on the mean-loss scale.
    C : float > 0 or None, default=None
        scikit-learn style inverse strength; when set, ``alpha = 1/(C·Σs)``.
    l1_ratio : float in [0, 1], default=0.0
        Elastic-net mixing (only with ``penalty="elasticnet"``).
    solver : str, default="auto"
        "auto" picks by shape, sparsity and penalty (recorded in ``solver_``);
        or one of the registered solvers ("newton", "lbfgs", "gd", "sgd",
        "newton-cd", ...). Which solver accepts which penalty and input is
        read from each solver's declared capabilities.
    fit_intercept : bool, default=True
    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by its class's weight; "balanced"
        uses ``Σs / (2 Σ_{class} s)`` (``n / (2 n_c)`` without sample weights).
    tol : float ≥ 0 or None, default=None
        Stop when the gradient's max-norm (KKT residual with an L1 term) in
        standardized coordinates (see :mod:`logistic._scaling`) is ≤ tol.
        None means the solver's default: 1e-10 for float64 X and 1e-6 for
        float32 X, 1e-3 for "sgd"; the value used is stored in ``tol_``.
    max_iter : int ≥ 1, default=1000
    warm_start : bool, default=False
        Start from the previous ``coef_``/``intercept_`` when shapes match.
    random_state : int, numpy Generator or None
        Seed of stochastic solvers.
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features), float64
    intercept_ : ndarray of shape (1,)
    classes_ : ndarray of shape (2,)
        Sorted labels; ``classes_[1]`` is the positive class.
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only for DataFrame input)
    n_iter_ : ndarray of shape (1,)
    converged_ : bool
    solver_ : str
    objective_ : float
    history_ : list of dict
        Per iteration: objective, gradient max-norm, step, time.
    grad_max_norm_ : float
    fit_status_ : str
    penalty_l1_, penalty_l2_ : float
        The strengths used on the mean-loss scale.
    tol_ : float
    separation_ : {None, "complete", "quasi-complete", "unchecked"}
        Result of the separation check of an unpenalised in-memory fit;
        "unchecked" for unpenalised fits on out-of-core or Dask data (the check
        needs the rows in memory), None when no separation was found or the fit
        was penalised.

    Examples
    --------
    >>> from logistic import LogisticRegression, datasets
    >>> X, y, names = datasets.load_ucla_admissions()
    >>> model = LogisticRegression(solver="gd").fit(X, y)
    >>> round(float(model.intercept_[0]), 6)
    -3.989979
    """

    _estimator_type = "classifier"

    _parameter_constraints: dict[str, list[Any]] = {
        "penalty": [None, Options(("l2", "l1", "elasticnet", "firth"))],
        "alpha": [Interval(numbers.Real, 0, float("inf"), "left")],
        "C": [None, Interval(numbers.Real, 0, None, "neither")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, "both")],
        "solver": [str],
        "fit_intercept": [bool, np.bool_],
        "class_weight": [is_class_weight],
        "tol": [None, Interval(numbers.Real, 0, None, "left")],
        "max_iter": [Interval(numbers.Integral, 1, None, "left")],
        "warm_start": [bool, np.bool_],
        "random_state": [is_random_state],
        "verbose": [Interval(numbers.Integral, 0, None, "left"), bool],
    }

    def __init__(
        self,
        penalty: str | None = None,
        *,
        alpha: float = 0.0,
        C: float | None = None,
        l1_ratio: float = 0.0,
        solver: str = "auto",
        fit_intercept: bool = True,
        class_weight: dict[Any, float] | str | None = None,
        tol: float | None = None,
        max_iter: int = 1000,
        warm_start: bool = False,
        random_state: int | None = None,
        verbose: int = 0,
    ) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.C = C
        self.l1_ratio = l1_ratio
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # -- validation ------------------------------------------------------------
    def _validate_params(self) -> None:
        name = type(self).__name__
        validate_params(name, self.get_params(), self._parameter_constraints)
        if self.solver != "auto" and self.solver not in SOLVERS:
            raise InvalidParameterError(
                f"The 'solver' parameter of {name} must be 'auto' or one of the "
                f"registered solvers {sorted(SOLVERS)}. Got {self.solver!r} instead."
            )
        if self.penalty == "firth" and not any(
            c.capabilities.firth for c in SOLVERS.values()
        ):
            raise InvalidParameterError(
                f"penalty='firth' needs a solver with the 'firth' capability, but none "
                f"is registered (registered: {sorted(SOLVERS)}). Use penalty='l2' with "
                f"alpha > 0 instead, or install a version of logistic with Firth."
            )
        if self.C is not None and self.alpha != 0:
            raise InvalidParameterError(
                f"{name}: set the penalty strength with alpha or with C, not both "
                f"(got alpha={self.alpha!r}, C={self.C!r}; C means alpha = 1/(C·Σs))."
            )
        if self.penalty in (None, "firth") and (self.alpha != 0 or self.C is not None):
            warnings.warn(
                f"penalty={self.penalty!r} ignores alpha={self.alpha!r} and "
                f"C={self.C!r}; set penalty='l2', 'l1' or 'elasticnet' to use them.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )

    def _prepare_arrays(
        self, X: Any, y: Any, sample_weight: Any, offset: Any
    ) -> _FitData:
        names = feature_names_of(X)
        X = check_X(X, estimator=type(self).__name__)
        classes, y01 = check_y_binary(y, X.shape[0])
        sw = combined_weights(sample_weight, self.class_weight, classes, y01)
        off = None if offset is None else check_vector(offset, X.shape[0], "offset")
        return _FitData(X, y01, classes, sw, off, names)

    def _resolve_solver(self, X: Any, l1: float) -> str:
        """The solver name, checked against its declared capabilities."""
        return resolve_solver(
            self.solver, X, penalty=self.penalty, l1=l1, owner=type(self).__name__
        )

    # -- fitting -----------------------------------------------------------------
    def _build_objective(self, data: _FitData, l2: float) -> LogisticObjective:
        """The one objective of the array path (the seam for other backends)."""
        y = data.y01.astype(data.X.dtype, copy=False)
        return LogisticObjective.from_arrays(
            data.X,
            y,
            data.sample_weight,
            data.offset,
            l2=l2,
            fit_intercept=bool(self.fit_intercept),
        )

    def _tol(self, dtype: Any, solver_name: str) -> float:
        """``tol``, or the solver's default for this dtype when None."""
        return default_tol(dtype, solver_name) if self.tol is None else float(self.tol)

    def _initial_theta(self, n_params: int, n_features: int) -> np.ndarray:
        theta0 = np.zeros(n_params)
        coef = getattr(self, "coef_", None)
        if self.warm_start and coef is not None and coef.shape == (1, n_features):
            theta0[:n_features] = coef.ravel()
            if self.fit_intercept:
                theta0[n_features] = self.intercept_[0]
        return theta0

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
        *,
        checkpoint: Any = None,
    ) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Dense arrays in any memory order, scipy sparse matrices, pandas /
            polars DataFrames (column names kept in ``feature_names_in_``),
            lists. float32 stays float32.
        y : array-like of shape (n_samples,), two distinct labels
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative; combined with ``class_weight`` by multiplication.
        offset : array-like of shape (n_samples,), optional
            Added to the linear predictor with a fixed coefficient of 1.
        checkpoint : path, optional
            Write a checkpoint each iteration and resume from an existing one
            (:mod:`logistic._checkpoint`). X may also be a Parquet/CSV path, a
            callable of blocks or a Dask collection (see
            :func:`logistic.backends.as_backend`; y then names the label
            column).

        Returns
        -------
        self
        """
        self._validate_params()
        backend = _as_backend(X, y, sample_weight, offset)  # issue 7
        if backend is not None or checkpoint is not None:
            from .backends._dispatch import fit_backend, in_memory_backend

            if backend is None:
                d = self._prepare_arrays(X, y, sample_weight, offset)
                backend = in_memory_backend(
                    d.X, d.y01, d.sample_weight, d.offset, d.classes, d.names
                )
            return fit_backend(self, backend, checkpoint=checkpoint)
        data = self._prepare_arrays(X, y, sample_weight, offset)
        l1, l2 = penalty_strengths(
            self.penalty, self.alpha, self.l1_ratio, self.C, data.weight_sum
        )
        objective = self._build_objective(data, l2)
        solver_name = self._resolve_solver(data.X, l1)
        tol = self._tol(data.X.dtype, solver_name)
        result, separation = self._solve(objective, solver_name, tol, l1, data)
        self._store(
            result,
            objective,
            data.classes,
            data.names,
            solver_name,
            l1=l1,
            tol=tol,
            separation=separation,
        )
        return self

    @available_if(supports_partial_fit)
    def partial_fit(
        self,
        X: Any,
        y: Any,
        classes: Any = None,
        sample_weight: Any = None,
        offset: Any = None,
    ) -> LogisticRegression:
        """One pass of mini-batch SGD over a chunk of rows (out-of-core learning).

        ``classes`` (the two labels) is required on the first call. The first
        chunk fixes the standardized coordinates and the initial step; see
        :mod:`logistic._partial`. Supports ``penalty=None`` or ``"l2"`` with
        ``alpha``.

        Returns
        -------
        self
        """
        from ._partial import partial_fit

        return partial_fit(self, X, y, classes, sample_weight, offset)

    def _solve(
        self,
        objective: LogisticObjective,
        solver_name: str,
        tol: float,
        l1: float,
        data: _FitData | None,
        run: Any = None,
    ) -> tuple[Any, str | None]:
        """Run the solver; check an unpenalised in-memory fit for separation.

        ``run(solver, objective, theta0)`` replaces ``solver.solve`` (the
        out-of-core path passes a checkpointing runner).
        """
        solver = get_solver(solver_name)(
            tol=tol,
            max_iter=self.max_iter,
            l1=l1,
            verbose=self.verbose,
            random_state=self.random_state,
        )
        theta0 = self._initial_theta(objective.n_params, objective.n_features)
        unpenalised = self.penalty is None or (l1 == 0 and objective.l2 == 0)
        unpenalised = unpenalised and self.penalty != "firth"
        if run is None:
            result = solver.solve(objective, theta0)  # warns itself if not converged
        else:
            result = run(solver, objective, theta0)
        separation = "unchecked" if unpenalised and data is None else None
        if unpenalised and data is not None:
            separation = check_separation(
                objective,
                result,
                data.X,
                data.y01,
                data.sample_weight,
                data.offset,
                data.names,
            )
        return result, separation

    def _store(
        self,
        result: Any,
        objective: LogisticObjective,
        classes: np.ndarray,
        names: np.ndarray | None,
        solver_name: str,
        *,
        l1: float,
        tol: float,
        separation: str | None,
    ) -> None:
        """Assign the fitted attributes (only after a successful solve).

        The one place fitted state is written, for every data path (arrays,
        out-of-core, Dask).
        """
        w, b = objective.split(result.coef)
        self.classes_ = classes
        self.coef_ = np.asarray(w, dtype=np.float64).reshape(1, -1).copy()
        self.intercept_ = np.array([b if self.fit_intercept else 0.0])
        self.n_features_in_ = int(objective.n_features)
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.n_iter_ = np.array([max(int(result.n_iter), 1)])
        self.converged_ = bool(result.converged)
        self.solver_ = solver_name
        self.objective_ = float(result.objective)
        self.grad_max_norm_ = float(result.grad_max_norm)
        self.history_ = result.history
        self.fit_status_ = result.status
        self.n_passes_ = int(result.n_passes)
        self.penalty_l1_, self.penalty_l2_ = float(l1), float(objective.l2)
        self.tol_ = tol
        self.separation_ = separation

    # -- prediction --------------------------------------------------------------
    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``z = X w + b`` of shape (n_samples,), float64.

        ``X w`` is computed in X's dtype (float32 X is not copied); the
        intercept is added and the result returned in float64. Rows whose
        product overflows are recomputed with exact rescaling, so every finite
        row gives a finite logit, or a :class:`NumericalError` naming the row
        when the logit itself exceeds the float64 range
        (:func:`logistic._kernels.decision_logits`).
        """
        self._check_fitted()
        if _is_dask(X):  # lazy Dask result (issue 7)
            from .backends.dask import decision_function

            return decision_function(X, self.coef_.ravel(), self.intercept_[0])
        check_feature_names(
            getattr(self, "feature_names_in_", None), X, type(self).__name__
        )
        X = check_X(X, estimator=type(self).__name__)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        return _kernels.decision_logits(X, self.coef_.ravel(), self.intercept_[0])

    def predict_proba(self, X: Any) -> np.ndarray:
        """Columns ``[P(classes_[0]), P(classes_[1])]``; rows sum to 1."""
        if _is_dask(X):  # lazy Dask result (issue 7)
            from .backends.dask import predict_proba

            self._check_fitted()
            return predict_proba(X, self.coef_.ravel(), self.intercept_[0])
        z = self.decision_function(X)
        return np.column_stack([_math.sigmoid(-z), _math.sigmoid(z)])

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log predict_proba``, computed stably as ``log σ(∓z)``.

        Finite for every finite z (e.g. -800 at z = -800), unlike
        ``log(predict_proba)``.
        """
        z = self.decision_function(X)
        return np.column_stack([_math.log_sigmoid(-z), _math.log_sigmoid(z)])

    def predict(self, X: Any) -> np.ndarray:
        """``classes_[1]`` where ``z > 0``, else ``classes_[0]``."""
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(np.intp)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Mean accuracy (weighted by ``sample_weight``)."""
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        correct = (self.predict(X) == y).astype(float)
        return float(np.average(correct, weights=sample_weight))

    # -- inference (issue 4; logic in logistic.inference) --------------------------
    def inference(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
        cov_type: str = "nonrobust",
        groups: Any = None,
    ) -> Any:
        """Standard errors, tests and fit statistics of this (unpenalized or Firth) fit.

        The estimator does not store its training data: pass the same X, y,
        sample_weight and offset as to ``fit`` (they are checked against the
        fit). See :func:`logistic.inference.fit_inference` for ``cov_type``
        ("nonrobust", "HC0", "HC1", "cluster" with ``groups``).
        """
        from .inference import fit_inference

        return fit_inference(
            self, X, y, sample_weight, offset, cov_type=cov_type, groups=groups
        )

    def summary(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
        cov_type: str = "nonrobust",
        groups: Any = None,
        alpha: float = 0.05,
    ) -> Any:
        """``self.inference(...).summary(alpha)``: printable as text, HTML, Markdown."""
        result = self.inference(X, y, sample_weight, offset, cov_type, groups)
        return result.summary(alpha)
