"""Finite-difference check of the analytic gradient.

Convention: 4th-order central differences
``f'(x) ≈ [-f(x+2h) + 8 f(x+h) - 8 f(x-h) + f(x-2h)] / (12 h)`` with a step
``h_j = h_rel · max(u_j, |θ_j|)`` per coordinate, ``u_j`` the coordinate's
unit: ``1 / rms(x_j)`` for a coefficient (a step of ``h_rel`` in the logits
of a typical row, whatever the column's units: a step of ``1e-4`` on a
column of values near 600, the UCLA file's ``gre``, moved the logits by 0.06
and left a truncation error larger than the check's tolerance) and 1 for the
intercept. The reported relative error is ``max_j |g_j - fd_j| /
max(max_k |fd_k|, floor_j / rtol)``, where ``floor_j = 1.5 ε max|J| / h_j``
is coordinate j's rounding error (ε the float64 epsilon): at an optimum,
where the gradient is rounding noise itself, the error is measured against
that noise and not against a gradient of ~0.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._constraints import Interval, as_float64, validate_params
from ._exceptions import InvalidParameterError
from ._objective import LogisticObjective
from ._validation import check_vector, check_X, check_y_binary

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["GradientCheck", "check_gradient"]

#: The scalar parameters' constraints: a step of 0 or of infinity, or a
#: negative L2 strength, would make the check itself meaningless.
_CONSTRAINTS: dict[str, list[Any]] = {
    "alpha": [Interval(numbers.Real, 0, float("inf"), "left")],
    "h": [Interval(numbers.Real, 0, float("inf"), "neither")],
    "rtol": [Interval(numbers.Real, 0, None, "left")],
}


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`check_gradient`.

    Attributes
    ----------
    analytic, numeric : ndarray of shape (n_params,) (intercept last)
    relative_error : float
    passed : bool
        ``relative_error <= rtol``.
    """

    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: float
    passed: bool

    def __str__(self) -> str:
        verdict = "OK" if self.passed else "MISMATCH"
        return f"gradient check {verdict}: relative error {self.relative_error:.3e}"


def check_gradient(
    X: Any,
    y: Any,
    w: Any,
    b: ArrayLike = 0.0,
    *,
    sample_weight: Any = None,
    alpha: float = 0.0,
    h: float = 1e-4,
    rtol: float = 1e-7,
) -> GradientCheck:
    """Compare ``∂J/∂(w, b)`` with 4th-order central differences.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), two classes
    w : array-like of shape (n_features,) or (1, n_features)
        A fitted model's ``coef_`` as it is, too.
    b : float, or an array of one value (``intercept_``)
    sample_weight : array-like, optional
    alpha : float
        L2 strength on the mean-loss scale.
    h : float
        Finite-difference step in logit units: coordinate j steps by
        ``h · max(1/rms(x_j), |θ_j|)`` (the intercept ``h · max(1, |b|)``).
    rtol : float
        Tolerance for ``passed``.

    Examples
    --------
    >>> import numpy as np
    >>> from logistic import check_gradient
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 3)); y = rng.integers(0, 2, 50)
    >>> check_gradient(X, y, np.zeros(3)).passed
    True
    """
    params = {"alpha": alpha, "h": h, "rtol": rtol}
    validate_params("check_gradient", params, _CONSTRAINTS)
    X = check_X(X)
    _, y01 = check_y_binary(y, X.shape[0])
    sw = (
        None
        if sample_weight is None
        else check_vector(sample_weight, X.shape[0], "sample_weight", nonnegative=True)
    )
    obj = LogisticObjective.from_arrays(X.astype(np.float64), y01, sw, l2=alpha)
    w = _point(w, "w").ravel()  # coef_ of shape (1, p) too
    b_values = _point(b, "b").ravel()  # intercept_ of shape (1,)
    if w.size != X.shape[1] or b_values.size != 1:
        raise InvalidParameterError(
            f"w must hold one coefficient per column of X ({X.shape[1]}) and b one "
            f"intercept; got {w.size} and {b_values.size} values (a fitted model's "
            "coef_ and intercept_ are read as they are)"
        )
    theta = np.append(w, b_values[0])
    analytic = obj.gradient(theta)
    numeric = np.empty_like(theta)
    units = np.append(_coefficient_units(X), 1.0)
    steps = h * np.maximum(units, np.abs(theta))
    largest = abs(obj.value(theta))
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = steps[j]
        f = [obj.value(theta + k * e) for k in (2, 1, -1, -2)]
        numeric[j] = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * steps[j])
        largest = max(largest, *map(abs, f))
    floor = 1.5 * np.finfo(float).eps * largest / steps
    noise = floor / rtol if rtol > 0 else floor  # rtol 0: the floor itself
    scale = np.maximum(max(float(np.max(np.abs(numeric))), np.finfo(float).tiny), noise)
    err = float(np.max(np.abs(analytic - numeric) / scale))
    return GradientCheck(analytic, numeric, err, err <= rtol)


def _point(values: Any, name: str) -> np.ndarray:
    """``values`` (the point ``w`` or ``b``) as finite float64 numbers, else
    :class:`InvalidParameterError` naming ``name``: a NaN or infinite
    coefficient has no finite-difference gradient to compare with."""
    try:
        arr = as_float64(values)
    except (TypeError, ValueError):
        arr = None
    if arr is None or not np.all(np.isfinite(arr)):
        shown = repr(values)
        raise InvalidParameterError(
            f"check_gradient: {name} must hold finite numbers (the point at which "
            f"the gradient is checked); got "
            f"{shown if len(shown) <= 60 else shown[:57] + '...'}"
        )
    return arr


def _coefficient_units(X: Any) -> np.ndarray:
    """``1 / rms(x_j)`` per column (1 for a column of zeros): the change of a
    coefficient that moves a typical row's logit by 1. Each column is divided
    by its largest magnitude first, so values up to float64's limit do not
    overflow the squares (a unit of 0 would make a step of 0)."""
    if X.shape[0] == 0:
        return np.ones(X.shape[1])
    if hasattr(X, "multiply"):  # scipy sparse: its stored values only
        top = np.asarray(abs(X).max(axis=0).todense(), dtype=np.float64).ravel()
        safe = np.where(top > 0, top, 1.0)
        scaled = X.multiply(1.0 / safe)
        mean = np.asarray(scaled.multiply(scaled).mean(axis=0), dtype=np.float64)
    else:
        dense = np.asarray(X, dtype=np.float64)
        top = np.max(np.abs(dense), axis=0)
        safe = np.where(top > 0, top, 1.0)
        mean = np.mean((dense / safe) ** 2, axis=0)
    rms = safe * np.sqrt(np.asarray(mean).ravel())
    return np.where(top > 0, 1.0 / np.where(top > 0, rms, 1.0), 1.0)
