"""scikit-learn compatible binary ``LogisticRegression``.

Convention: ``__init__`` stores arguments unchanged; ``fit`` validates them
(:mod:`logistic._validation`), encodes labels to {0, 1} once, builds the one
shared :class:`~logistic._objective.LogisticObjective` and hands it to a
registered solver. The penalty strength maps to the objective in one place,
:func:`penalty_strengths`:

    objective = (1/Σs) Σ s_i L_i + alpha·(l1_ratio·‖w‖₁ + (1-l1_ratio)/2·‖w‖²)

and scikit-learn's ``C`` maps to ``alpha = 1/(C·Σs)`` (Σs = total sample
weight, the number of samples without weights). The intercept is never
penalised. scikit-learn is not needed to use this class.
"""

from __future__ import annotations

import inspect
import numbers
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import _math
from ._objective import LogisticObjective
from ._validation import (
    Interval,
    Options,
    check_vector,
    check_X,
    check_y_binary,
    feature_names_of,
    validate_params,
)
from .solvers import SOLVERS, get_solver
from .solvers._auto import choose_solver

__all__ = ["LogisticRegression", "penalty_strengths"]


def penalty_strengths(
    penalty: str | None, alpha: float, l1_ratio: float, C: float | None, weight_sum: float
) -> tuple[float, float]:
    """``(l1, l2)`` strengths on the mean-loss scale.

    ``C`` (when given) overrides ``alpha`` through ``alpha = 1/(C·Σs)``; with
    ``penalty=None`` both are 0.
    """
    if penalty is None:
        return 0.0, 0.0
    a = 1.0 / (C * weight_sum) if C is not None else float(alpha)
    ratio = {"l2": 0.0, "l1": 1.0}.get(penalty, float(l1_ratio))
    return a * ratio, a * (1.0 - ratio)


def default_tol(dtype: np.dtype) -> float:
    """Default stopping tolerance: what float64 / float32 data can resolve."""
    return 1e-6 if dtype == np.float32 else 1e-10


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit``."""


class LogisticRegression:
    """Binary logistic regression.

    Parameters
    ----------
    penalty : {None, "l2", "l1", "elasticnet"}, default=None
        None is maximum likelihood (as R's ``glm`` and statsmodels).
    alpha : float, default=0.0
        Penalty strength on the mean-loss scale.
    C : float or None, default=None
        scikit-learn style inverse strength; when set, ``alpha = 1/(C·Σs)``.
    l1_ratio : float in [0, 1], default=0.0
        Elastic-net mixing (only with ``penalty="elasticnet"``).
    solver : str, default="auto"
        "auto" picks by shape, sparsity and penalty (recorded in ``solver_``);
        or one of the registered solvers ("newton", "lbfgs", "gd", "sgd", ...).
    fit_intercept : bool, default=True
    tol : float or None, default=None
        Stop when the gradient's max-norm in standardized coordinates (see
        :mod:`logistic._scaling`) is ≤ tol. None means 1e-10 for float64 X
        and 1e-6 for float32 X (the precision floating point allows each);
        the value used is stored in ``tol_``.
    max_iter : int, default=1000
    warm_start : bool, default=False
    random_state : int or None
        Seed of stochastic solvers.
    verbose : int, default=0

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    feature_names_in_ : ndarray of str (only for DataFrame input)
    n_iter_ : ndarray of shape (1,)
    converged_ : bool
    solver_ : str
    objective_ : float
    history_ : list of dict

    Examples
    --------
    >>> from logistic import LogisticRegression, datasets
    >>> X, y, names = datasets.load_ucla_admissions()
    >>> model = LogisticRegression(solver="gd").fit(X, y)
    >>> round(float(model.intercept_[0]), 6)
    -3.989979
    """

    _parameter_constraints: dict[str, list[Any]] = {
        "penalty": [None, Options(("l2", "l1", "elasticnet"))],
        "alpha": [Interval(numbers.Real, 0, None, "left")],
        "C": [None, Interval(numbers.Real, 0, None, "neither")],
        "l1_ratio": [Interval(numbers.Real, 0, 1, "both")],
        "solver": [Options(("auto", *SOLVERS))],
        "fit_intercept": [bool],
        "tol": [None, Interval(numbers.Real, 0, None, "left")],
        "max_iter": [Interval(numbers.Integral, 1, None, "left")],
        "warm_start": [bool],
        "random_state": [None, Interval(numbers.Integral, 0, None, "left"), np.random.Generator],
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
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    # -- scikit-learn parameter protocol -------------------------------------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p for p in sig.parameters if p != "self")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> LogisticRegression:
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            k: v.default for k, v in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = [
            f"{k}={getattr(self, k)!r}" for k in self._get_param_names()
            if getattr(self, k) is not defaults[k] and getattr(self, k) != defaults[k]
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    # -- fitting ---------------------------------------------------------------
    def _choose_solver(self, X: Any, l1: float) -> str:
        if self.solver != "auto":
            return self.solver
        return choose_solver(X, penalty=self.penalty, l1=l1)

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        offset: Any = None,
    ) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), two distinct labels
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples,), optional
            Added to the linear predictor with a fixed coefficient of 1.

        Returns
        -------
        self
        """
        validate_params(type(self).__name__, self.get_params(), self._parameter_constraints)
        names = feature_names_of(X)
        X = check_X(X)
        classes, y01 = check_y_binary(y, X.shape[0])
        n, p = X.shape
        sw = None if sample_weight is None else check_vector(sample_weight, n, "sample_weight", nonnegative=True)
        off = None if offset is None else check_vector(offset, n, "offset")
        total = float(n if sw is None else sw.sum())
        l1, l2 = penalty_strengths(self.penalty, self.alpha, self.l1_ratio, self.C, total)
        objective = LogisticObjective.from_arrays(
            X, y01.astype(X.dtype), sw, off, l2=l2, fit_intercept=self.fit_intercept
        )
        solver_name = self._choose_solver(X, l1)
        self.tol_ = default_tol(X.dtype) if self.tol is None else float(self.tol)
        solver = get_solver(solver_name)(
            tol=self.tol_, max_iter=self.max_iter, l1=l1, verbose=self.verbose,
            random_state=self.random_state,
        )
        theta0 = np.zeros(objective.n_params)
        if self.warm_start and getattr(self, "coef_", None) is not None and self.coef_.shape[1] == p:
            theta0[:p] = self.coef_.ravel()
            if self.fit_intercept:
                theta0[p] = self.intercept_[0]
        result = solver.solve(objective, theta0)
        w, b = objective.split(result.coef)
        self.classes_ = classes
        self.coef_ = w.reshape(1, -1).copy()
        self.intercept_ = np.array([b])
        self.n_features_in_ = p
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.n_iter_ = np.array([result.n_iter])
        self.converged_ = result.converged
        self.solver_ = solver_name
        self.objective_ = result.objective
        self.history_ = result.history
        self.fit_status_ = result.status
        return self

    # -- prediction --------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                f"appropriate arguments before using this estimator."
            )

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``z = X w + b`` of shape (n_samples,)."""
        self._check_fitted()
        X = check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        z = np.asarray(X @ self.coef_.ravel().astype(X.dtype, copy=False))
        return z + self.intercept_[0]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Columns ``[P(classes_[0]), P(classes_[1])]``."""
        z = self.decision_function(X)
        return np.column_stack([_math.sigmoid(-z), _math.sigmoid(z)])

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log predict_proba`` computed stably with ``log σ(±z)``."""
        z = self.decision_function(X)
        return np.column_stack([_math.log_sigmoid(-z), _math.log_sigmoid(z)])

    def predict(self, X: Any) -> np.ndarray:
        """``classes_[1]`` where ``z > 0``, else ``classes_[0]``."""
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Mean accuracy (weighted by ``sample_weight``)."""
        correct = (self.predict(X) == np.asarray(y)).astype(float)
        return float(np.average(correct, weights=sample_weight))
