"""Predictions with their uncertainty: standard errors and confidence intervals.

Conventions (owned here):

* For a row ``x̃ = [x, 1]`` (objective order, intercept last) and the
  covariance ``V`` of ``θ̂`` (any ``cov_type`` of the results; a model file's
  stored covariance), the linear predictor ``z = x̃ᵀθ̂ (+ offset)`` has the
  standard error ``se_z = sqrt(x̃ᵀ V x̃)``; the probability ``p = σ(z)`` has
  the delta-method standard error ``p (1 - p) se_z`` (``σ(z) σ(-z)``, no
  cancellation). The offset is a known constant: it moves ``z``, not
  ``se_z``.
* Intervals are computed on the link scale, ``z ± q se_z`` with
  ``q = Φ⁻¹(1 - α/2)``, and mapped through ``σ``: the probability interval
  always lies in ``[0, 1]`` (statsmodels' ``get_prediction`` and R's
  ``predict(se.fit=TRUE)`` followed by ``plogis`` do the same).
* ``x̃ᵀ V x̃`` is computed row-wise over blocks of rows (:func:`row_quadratic`):
  ``(X V_ww) ⊙ X`` summed per row, plus the intercept terms, never an n × n
  matrix; a sparse X stays sparse.
* A Firth fit far from 0 (``FitStatistics.centred``, :mod:`logistic._firth_centred`)
  has ``V = T V' Tᵀ`` with ``V'`` inverted where the columns are centred:
  its ``x̃ᵀ V x̃`` sums terms of about ``(μ/σ)²`` times the result (at
  ``x - 3e9`` every digit cancels: ``se_z`` of 0, or 5.66 where 0.52 is
  right), so it is computed as ``x̃'ᵀ V' x̃'`` with ``x̃' = Tᵀ x̃ =
  [(x - μ)/σ, 1]``, the row centred as the fit centred its columns
  (:class:`CentredCovariance`; such a row block is made dense).
* Frames use statsmodels' ``summary_frame`` names: ``mean``, ``mean_se``,
  ``mean_ci_lower``, ``mean_ci_upper`` (the probability of
  ``classes_[1]``), then ``linpred``, ``linpred_se``, ``linpred_ci_lower``,
  ``linpred_ci_upper``. A pandas DataFrame when pandas is installed, else a
  dict of arrays with the same keys.
* Row labels (:func:`row_labels`): a frame of rows is indexed by the row
  labels of the pandas DataFrame those rows came from (new rows, or the
  training rows given to ``inference``), as statsmodels keeps the data's
  index, so that it joins back onto the data by label; 0…n-1 for arrays,
  polars and Dask frames and backends.
* :func:`row_blocks` is the one owner of "the training rows, block by block,
  in order" that every per-row quantity (residuals, influence, in-sample
  predictions) reads; a backend that can only reduce (Dask, device arrays)
  is refused with one message saying what is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtri

from .. import _math
from .._exceptions import InvalidParameterError
from .._fitted_params import fitted_param
from .._frame_array import row_labels
from .._kernels_xp import is_device_array
from .._typing import Block, FloatArray, is_dask_collection
from ._estimable import (
    ROWS_READ_ALIASED_AS_ZERO,
    Estimability,
    non_estimable,
    warn_non_estimable,
)
from ._wald import check_alpha

__all__ = [
    "FRAME_COLUMNS",
    "CentredCovariance",
    "PredictionResults",
    "block_linpred",
    "dense64",
    "frame_or_dict",
    "predict_rows",
    "predict_training_rows",
    "row_blocks",
    "row_chunks",
    "row_quadratic",
    "sandwich",
]

F64 = np.float64

#: Column names of :meth:`PredictionResults.summary_frame`, in order.
FRAME_COLUMNS = (
    "mean",
    "mean_se",
    "mean_ci_lower",
    "mean_ci_upper",
    "linpred",
    "linpred_se",
    "linpred_ci_lower",
    "linpred_ci_upper",
)

#: Values of ``X V`` held at once: rows per block are this over the width.
BLOCK_VALUES = 1 << 21


def frame_or_dict(data: dict[str, Any], index: Any = None) -> Any:
    """``data`` as a pandas DataFrame, or the dict itself without pandas."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        return data
    return pd.DataFrame(data, index=index)


def row_chunks(n: int, k: int) -> Iterator[slice]:
    step = max(1, BLOCK_VALUES // max(k, 1))
    for start in range(0, n, step):
        yield slice(start, min(start + step, n))


def dense64(X: Any) -> Any:
    """``X`` as float64 (a sparse X stays sparse, CSR)."""
    if sp.issparse(X):
        return sp.csr_matrix(X, dtype=F64)
    return np.asarray(X, dtype=F64)


@dataclass(frozen=True)
class CentredCovariance:
    """The covariance ``V = T V' Tᵀ`` of a Firth fit kept in the centred
    coordinates it was inverted in (module docstring): ``T`` of
    ``θ = T θ'`` has the columns' centres ``mean`` and ``1/σ``
    (``inv_scale``), and ``cov`` is ``V'`` (objective order, intercept
    last). ``x̃ᵀ V x̃ = x̃'ᵀ V' x̃'`` and ``J V Jᵀ = (J T) V' (J T)ᵀ``."""

    mean: FloatArray
    inv_scale: FloatArray
    cov: FloatArray

    @classmethod
    def of(cls, centred: Any, cov_c: FloatArray | None) -> CentredCovariance | None:
        """Of a :class:`~logistic._firth_centred.CentredInformation` and the
        covariance ``cov_c`` of ``θ'``; None where either is missing or ``T``
        is no centring (a file's covariance read as its Cholesky factor)."""
        if centred is None or cov_c is None or centred.mean is None:
            return None
        mean = np.asarray(centred.mean, dtype=F64)
        inv = 1.0 / np.asarray(centred.scale, dtype=F64)
        return cls(mean, inv, np.asarray(cov_c, dtype=F64))

    def rows(self, X: Any) -> FloatArray:
        """``(x - μ)/σ`` of each row of a block (dense float64)."""
        dense = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=F64)
        return np.asarray((dense - self.mean) * self.inv_scale, dtype=F64)

    def jacobian(self, J: FloatArray) -> FloatArray:
        """``J T`` of a Jacobian ``J`` of shape (m, k) in objective order:
        the slopes' columns ``(J_w - μ J_b)/σ``, the intercept's unchanged."""
        J = np.asarray(J, dtype=F64)
        p = self.mean.size
        out = J.copy()
        out[:, :p] = (J[:, :p] - np.outer(J[:, p], self.mean)) * self.inv_scale
        return out

    def sandwich(self, J: FloatArray) -> FloatArray:
        """``J V Jᵀ`` computed as ``(J T) V' (J T)ᵀ``, symmetric."""
        JT = self.jacobian(J)
        out = JT @ self.cov @ JT.T
        return np.asarray(0.5 * (out + out.T))


def sandwich(results: Any, jac: FloatArray, perm: Any = None) -> FloatArray:
    """``J V Jᵀ`` (symmetric) of a Jacobian ``jac`` of shape (m, k) in the
    objective's order, or in the order ``perm`` of it (``jac[:, i]`` is the
    parameter ``perm[i]``'s), with ``V`` the covariance of ``results``: in
    the centred coordinates of a Firth fit far from 0
    (:class:`CentredCovariance`, ``results._centred_covariance``)."""
    jac = np.asarray(jac, dtype=F64)
    centred = getattr(results, "_centred_covariance", None)
    if centred is None:
        V = np.asarray(results._cov, dtype=F64)
        if perm is not None:
            V = V[np.ix_(perm, perm)]
        out = jac @ V @ jac.T
        return np.asarray(0.5 * (out + out.T))
    if perm is not None:
        ordered = np.empty_like(jac)
        ordered[:, np.asarray(perm)] = jac
        jac = ordered
    return centred.sandwich(jac)


def _block_quadratic(
    X: Any,
    cov: FloatArray,
    fit_intercept: bool,
    centred: CentredCovariance | None = None,
) -> FloatArray:
    """``x̃ᵢᵀ V x̃ᵢ`` for the rows of one block (dense or CSR, float64); in
    the centred coordinates of ``centred`` where given (then ``cov`` is not
    read)."""
    if centred is not None:
        X, cov, fit_intercept = centred.rows(X), centred.cov, True
    p = X.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):  # extreme rows: see below
        A = np.asarray(X @ cov[:p, :p], dtype=F64)
        if sp.issparse(X):
            q = np.asarray(X.multiply(A).sum(axis=1), dtype=F64).ravel()
        else:
            q = np.einsum("ij,ij->i", A, X)
        if fit_intercept:
            q += 2.0 * np.asarray(X @ cov[:p, p], dtype=F64).ravel() + cov[p, p]
    # V is positive definite: only rounding goes below 0; NaN on a row of
    # finite values comes from inf - inf when the form overflows, so it is +inf
    return np.where(np.isnan(q), np.inf, np.maximum(q, 0.0))


def row_quadratic(
    X: Any,
    cov: FloatArray,
    fit_intercept: bool,
    centred: CentredCovariance | None = None,
) -> FloatArray:
    """``x̃ᵢᵀ V x̃ᵢ`` of shape (n_rows,) for every row of ``X``.

    Parameters
    ----------
    X : ndarray or scipy sparse matrix of shape (n_rows, n_features)
    cov : ndarray of shape (k, k)
        Objective order (features, then the intercept when ``fit_intercept``).
    fit_intercept : bool
    centred : CentredCovariance, optional
        ``V`` in the centred coordinates of a Firth fit far from 0, where
        the form is computed (module docstring).
    """
    n = X.shape[0]
    if sp.issparse(X):
        X = sp.csr_matrix(X)
    out = np.empty(n, dtype=F64)
    for rows in row_chunks(n, cov.shape[0]):
        out[rows] = _block_quadratic(dense64(X[rows]), cov, fit_intercept, centred)
    return out


def _linpred_and_se(
    X: Any,
    theta: FloatArray,
    cov: FloatArray,
    fit_intercept: bool,
    offset: Any,
    centred: CentredCovariance | None = None,
) -> tuple[FloatArray, FloatArray]:
    """``z`` and ``sqrt(x̃ᵀ V x̃)`` of every row, a few thousand rows at a time
    (a float32 X is converted one chunk at a time)."""
    n = X.shape[0]
    if sp.issparse(X):
        X = sp.csr_matrix(X)
    z, q = np.empty(n, dtype=F64), np.empty(n, dtype=F64)
    for rows in row_chunks(n, cov.shape[0]):
        Xr = dense64(X[rows])
        off = None if offset is None else offset[rows]
        z[rows] = block_linpred(Xr, theta, fit_intercept, off)
        q[rows] = _block_quadratic(Xr, cov, fit_intercept, centred)
    return z, np.sqrt(q)


def block_linpred(
    X: Any, theta: FloatArray, fit_intercept: bool, offset: Any = None
) -> FloatArray:
    """``z = X w + b (+ offset)`` in float64 (``theta`` in objective order)."""
    p = X.shape[1]
    z = np.asarray(dense64(X) @ theta[:p], dtype=F64).ravel()
    if fit_intercept:
        z = z + theta[p]
    if offset is not None:
        z = z + np.asarray(offset, dtype=F64)
    return z


def row_blocks(backend: Any, what: str) -> Iterator[Block]:
    """The rows of ``backend`` as blocks, in the backend's row order.

    Raises
    ------
    InvalidParameterError
        The backend only reduces over its blocks (Dask, device arrays), so no
        per-row quantity can come back from it; names ``what`` needed them.
    """
    caps = backend.capabilities
    if caps.blocks:
        yield from backend.blocks()
    elif caps.rows_in_memory:
        yield backend.rows()
    else:
        raise InvalidParameterError(
            f"the training rows are needed block by block for {what}, and this "
            f"data ({type(backend).__name__}) only sums over its blocks: pass "
            "inference() the arrays, a logistic.backends.Chunked source, or the "
            "Dask collections themselves (their rows are then gathered into this "
            "process)"
        )


@dataclass(frozen=True)
class PredictionResults:
    """Linear predictor and probability of rows, with standard errors.

    Names follow statsmodels' ``PredictionResultsMean`` (``predicted``,
    ``se``, ``conf_int``, ``summary_frame``; ``predicted_mean`` and
    ``se_mean`` are aliases).

    Attributes
    ----------
    linpred : ndarray of shape (n_rows,)
        ``z = x̃ᵀθ̂ (+ offset)``.
    linpred_se : ndarray of shape (n_rows,)
        ``sqrt(x̃ᵀ V x̃)``.
    index : pandas Index or None
        Row labels of a pandas DataFrame X, or of the training rows
        (:func:`row_labels`; used by :meth:`summary_frame`).
    estimable : ndarray of bool, shape (n_rows,), or None
        For a fit with aliased columns, whether each row's logit is
        estimable (:mod:`._estimable`; R's ``non-estim`` negated); None
        where every row is (no aliased column, or the training rows).
    """

    linpred: FloatArray
    linpred_se: FloatArray
    index: Any = None
    estimable: Any = None

    @property
    def predicted(self) -> FloatArray:
        """``P(classes_[1]) = σ(z)``."""
        return _math.sigmoid(self.linpred)

    predicted_mean = predicted

    @property
    def se(self) -> FloatArray:
        """Delta-method standard error ``σ(z) σ(-z) se_z`` of ``predicted``;
        0 where ``σ(z)`` is 0 or 1 in floating point (``σ(z) σ(-z) = 0``),
        also when ``se_z`` overflowed to inf on extreme rows."""
        weight = _math.hessian_weight(self.linpred)
        with np.errstate(invalid="ignore"):
            se = weight * self.linpred_se
        return np.where(weight == 0.0, 0.0, se)

    se_mean = se

    def linpred_conf_int(self, alpha: float = 0.05) -> FloatArray:
        """``z ± Φ⁻¹(1 - α/2) se_z``, shape (n_rows, 2)."""
        q = float(ndtri(1.0 - check_alpha(alpha) / 2.0))
        half = q * self.linpred_se
        return np.column_stack([self.linpred - half, self.linpred + half])

    def conf_int(self, alpha: float = 0.05) -> FloatArray:
        """Probability interval ``σ(z ± q se_z)``, shape (n_rows, 2), in [0, 1]."""
        return _math.sigmoid(self.linpred_conf_int(alpha))

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """Every column of :data:`FRAME_COLUMNS` (a DataFrame when pandas is
        installed, else a dict of arrays)."""
        lin_ci = self.linpred_conf_int(alpha)  # alpha checked (and warned) once
        ci = _math.sigmoid(lin_ci)
        values = (
            self.predicted,
            self.se,
            ci[:, 0],
            ci[:, 1],
            self.linpred,
            self.linpred_se,
            lin_ci[:, 0],
            lin_ci[:, 1],
        )
        data = {
            c: np.asarray(v, dtype=F64)
            for c, v in zip(FRAME_COLUMNS, values, strict=True)
        }
        return frame_or_dict(data, self.index)


def _refuse_lazy(X: Any) -> None:
    if is_dask_collection(X):
        raise InvalidParameterError(
            "prediction intervals need X in memory (numpy, scipy.sparse or "
            "pandas); got a Dask collection: compute it, or call this per "
            "partition (X.map_partitions)"
        )
    if is_device_array(X):
        raise InvalidParameterError(
            f"prediction intervals need X on the host (numpy, scipy.sparse or "
            f"pandas); got {type(X).__name__}: copy it to numpy first"
        )


def predict_rows(
    model: Any,
    X: Any,
    theta: FloatArray,
    cov: FloatArray,
    offset: Any = None,
    est: Estimability | None = None,
    centred: CentredCovariance | None = None,
) -> PredictionResults:
    """Predictions with standard errors for new rows of a fitted ``model``.

    Parameters
    ----------
    model : LogisticRegression
        Validates X as its ``fit`` did (DataFrame encoding, names, width).
    X : array-like, sparse matrix or DataFrame of shape (n_rows, n_features)
    theta : ndarray of shape (k,)
        Coefficients in objective order (intercept last).
    cov : ndarray of shape (k, k)
        Their covariance, objective order.
    offset : array-like of shape (n_rows,), optional
    est : what tells a fit with aliased parameters its estimable rows
        (:mod:`._estimable`): rows that need them are marked (``estimable``)
        and warned of; their numbers are the reduced model's, as R's
        ``predict.glm`` gives them.
    centred : CentredCovariance, optional
        ``cov`` in a Firth fit's centred coordinates (module docstring).
    """
    from .._prediction import checked_X
    from .._row_alignment import check_rows_aligned
    from .._validation import check_vector

    _refuse_lazy(X)
    check_rows_aligned(X, offset=offset)  # as fit pairs them: by position
    index = row_labels(X)
    Xc = checked_X(model, X)
    off = None if offset is None else check_vector(offset, Xc.shape[0], "offset")
    intercept = bool(fitted_param(model, "fit_intercept"))  # as fitted
    z, se = _linpred_and_se(Xc, theta, cov, intercept, off, centred)
    unset = non_estimable(Xc, est)
    if unset.any():
        rows = np.flatnonzero(unset)
        listed = ", ".join(str(r + 1) for r in rows[:10])
        listed += ", ..." if rows.size > 10 else ""
        warn_non_estimable(
            f"{rows.size} of {unset.size} rows (row {listed}, counting from 1)",
            [] if est is None else est.names,
            f"{ROWS_READ_ALIASED_AS_ZERO}; PredictionResults.estimable marks them",
        )
    return PredictionResults(z, se, index, None if est is None else ~unset)


def predict_training_rows(
    backend: Any,
    theta: FloatArray,
    cov: FloatArray,
    fit_intercept: bool,
    index: Any = None,
    centred: CentredCovariance | None = None,
) -> PredictionResults:
    """In-sample predictions (statsmodels' ``get_prediction()`` without exog)
    over the rows of ``backend``, block by block (:func:`row_blocks`);
    ``index`` the training rows' labels (:func:`row_labels`); ``centred``
    as :func:`predict_rows`'."""
    zs, ses = [], []
    for block in row_blocks(backend, "in-sample predictions"):
        X, off = block.X, block.offset
        z, se = _linpred_and_se(X, theta, cov, fit_intercept, off, centred)
        zs.append(z)
        ses.append(se)
    z = np.concatenate(zs) if zs else np.empty(0)
    se = np.concatenate(ses) if ses else np.empty(0)
    return PredictionResults(z, se, index)
