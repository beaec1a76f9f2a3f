"""What inference needs of the training data, kept by ``fit``.

Convention (owned here): after an unpenalized or Firth fit of at most
:data:`MAX_STORED_PARAMS` parameters, ``LogisticRegression.fit`` keeps a
:class:`FitStatistics` in ``fit_statistics_``, so that ``model.summary()`` and
``model.inference()`` work without the data for ``cov_type="nonrobust"``.
It holds, at the fitted coefficients ``θ̂`` (float64, objective order:
features, then the intercept):

* the mean loss ``J(θ̂)``, its gradient and its Hessian ``∇²J(θ̂)``: the
  Fisher information is ``I = Σs · ∇²J(θ̂)`` (observed = expected for the
  logit link), in original coordinates, intercept last, from **one pass over
  the data at θ̂**, or none when the objective kept its exact evaluation there
  (Newton's last accepted step: :meth:`LogisticObjective.value_gradient_hessian`);
* the label sums of :func:`logistic.inference._passes.label_sums` (one pass:
  saturated log-likelihood, Pearson χ², separation suspects);
* the column means and scales (already computed for the standardized view);
* the null log-likelihood when it needs the rows (a model with an offset:
  the 1-D fit of :mod:`logistic._null_intercept` over the same rows), else
  None (closed form);
* grouped-binomial constants when the model was fitted with ``trials``
  (:class:`logistic._grouped.GroupedSummary`);
* for a model read from a file whose fit had aliased columns, the reduced
  model's estimate (``reduced_theta``, NaN at the aliased parameters): the
  file's covariance is the reduced model's, so the Hessian rebuilt from it
  has no rows for the aliased parameters from which inference could find
  them and move their coefficients (:mod:`logistic.inference._aliased`);
  also set by ``fit`` for a separated fit whose aliased columns were found
  in the design (:func:`logistic.inference._aliased.structural_aliasing`),
  and where it solved the reduced model further
  (:func:`logistic._fit_aliased.aliased_at_zero`: its decision, which every
  reader then uses).

Robust and cluster covariances, profile intervals and likelihood-ratio
p-values per coefficient need the rows and still take the data.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._file_marks import STORED_COVARIANCE_ATTR, TRAINING_TOTALS_ATTR
from .._null_intercept import null_intercept
from .._numerics import SEPARATION_SUSPECT_LOGIT
from .._objective import LogisticObjective
from .._typing import FloatArray
from ._passes import FeatureFree, LabelSums, label_sums

__all__ = [
    "MAX_STORED_PARAMS",
    "STORED_COVARIANCE_ATTR",
    "TRAINING_TOTALS_ATTR",
    "FitStatistics",
    "collect",
    "null_loglik",
    "constant_in_span",
    "spans_constant",
]

F64 = np.float64


#: Fits with more parameters keep no statistics (the p × p information is
#: p² numbers and its pass costs p² operations a row), except a FLIC or FLAC
#: fit, whose inference has no other source
#: (:func:`logistic._fit_steps.fit_statistics`).
MAX_STORED_PARAMS = 500


class FitStatistics(NamedTuple):
    """The data-derived quantities of a fit that inference needs.

    Attributes
    ----------
    theta : ndarray of shape (n_params,)
        ``θ̂`` in float64, objective order (intercept last).
    value : float
        ``J(θ̂)``, the weighted mean loss.
    gradient : ndarray of shape (n_params,)
    hessian : ndarray of shape (n_params, n_params)
        ``∇²J(θ̂)`` (``I = weight_sum · hessian``).
    labels : LabelSums
    weight_sum : float
        ``Σs``.
    mean, std : ndarray of shape (n_features,)
        Weighted column means and standard deviations.
    fit_intercept : bool
    llnull : float or None
        Null log-likelihood when it needed the rows (an offset, or
        ``null_has_intercept``), else None.
    null_has_intercept : bool
        True for a fit without an intercept whose columns span the constant
        (:func:`spans_constant`: a full set of dummies): its null model is
        intercept-only, as with the data at hand (statsmodels' and Stata's
        rule), so ``llnull`` holds it; False otherwise (an intercept, or the
        null ``z = offset``).
    grouped : GroupedSummary or None
        Set for fits with ``trials`` (:mod:`logistic._grouped`).
    reduced_theta : ndarray of shape (n_params,) or None
        The reduced model's estimate (objective order), NaN exactly at the
        aliased parameters. Set by :func:`logistic.load` for a fit with
        aliased columns (:mod:`logistic.io._statistics`; the rebuilt
        ``hessian`` is 0 in their rows and columns) and by ``fit`` for a
        separated fit whose aliased columns were found in the design
        (:func:`logistic.inference._aliased.structural_aliasing`; ``hessian``
        is the fit's) or whose reduced model it solved further
        (:func:`logistic._fit_aliased.aliased_at_zero`, with ``null_basis``
        beside it); else None, and inference finds the aliased columns from
        ``hessian``.
    null_basis, null_spread : ndarray of shape (n_aliased, n_params) and
        (n_aliased,), or None
        The null vectors of the information at the aliased parameters and
        their spreads (:func:`logistic.inference._estimable.null_basis`), read
        from a model file beside ``reduced_theta`` (its rebuilt ``hessian`` no
        longer has them) or recorded by ``fit`` with it; None elsewhere
        (computed from ``hessian``).
    centred : CentredInformation or None
        A Firth fit's information in the centred coordinates it was fitted
        in and the map ``T`` back (:mod:`logistic._firth_centred`): the
        nonrobust covariance is ``T (Σs · centred.hessian)⁻¹ Tᵀ``, not the
        inverse of ``hessian`` summed about 0 (``ε·(mean/spread)²`` of
        precision lost to a column far from 0). Set by ``fit`` for a Firth
        fit with an intercept on rows in memory, and by :func:`logistic.load`
        for a Firth model: the file's ``training.fit_statistics.centred``
        where it keeps one (:mod:`logistic.io._centred`), else its covariance
        as its Cholesky factor; None otherwise.
    """

    theta: FloatArray
    value: float
    gradient: FloatArray
    hessian: FloatArray
    labels: LabelSums
    weight_sum: float
    mean: FloatArray
    std: FloatArray
    fit_intercept: bool
    llnull: float | None = None
    null_has_intercept: bool = False
    grouped: Any = None
    reduced_theta: FloatArray | None = None
    null_basis: FloatArray | None = None
    null_spread: FloatArray | None = None
    centred: Any = None

    @property
    def n_features(self) -> int:
        return int(self.mean.shape[0])

    @property
    def n_params(self) -> int:
        return int(self.theta.shape[0])

    def split(self, theta: FloatArray) -> tuple[FloatArray, float]:
        """``(w, b)`` of a parameter vector in objective order."""
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0


def null_loglik(
    labels: LabelSums,
    fit_intercept: bool,
    objective: LogisticObjective | None = None,
) -> float:
    """Log-likelihood of the null model of the rows summed in ``labels``.

    Intercept only (``logit(ȳ)`` in closed form without an offset, else the
    1-D fit of :func:`logistic._null_intercept.null_intercept` over the same
    rows, exact for any finite offset) when the model has an intercept;
    otherwise ``z = offset`` (``z = 0`` without one) with no parameter (R's
    ``glm`` null deviance). Reads the rows (``objective``, required then)
    only with an offset.
    """
    if not labels.has_offset:
        if fit_intercept:
            return closed_form_null(labels)
        return -labels.weight * float(np.log(2.0))  # z = 0 on every row
    if objective is None:
        raise ValueError("the null model of a fit with an offset needs its rows")
    if not objective.fit_intercept:
        null = LogisticObjective(FeatureFree(objective.data), fit_intercept=False)
        return -labels.weight * null.value(np.zeros(0))
    return -labels.weight * null_intercept(objective.data).loss


def closed_form_null(labels: LabelSums) -> float:
    """``Σs [ȳ log ȳ + (1-ȳ) log(1-ȳ)]``: the intercept-only model without offset."""
    ybar = labels.mean
    if ybar <= 0.0 or ybar >= 1.0:
        return 0.0
    return labels.weight * (ybar * np.log(ybar) + (1.0 - ybar) * np.log1p(-ybar))


def collect(
    objective: LogisticObjective,
    theta: FloatArray,
    *,
    with_null: bool,
    grouped: Any = None,
) -> FitStatistics:
    """The :class:`FitStatistics` of ``objective`` at ``theta``.

    Two passes (value/gradient/Hessian unless the objective kept them, label
    sums); the column moments come from the objective's cache when the fit
    computed them. ``with_null`` also fits the null model now when it needs
    the rows (an offset, or columns spanning the constant without an
    intercept: one pass of curvature sums beside the Hessian finds them).
    """
    theta = np.asarray(theta, dtype=F64)
    w, b = objective.split(theta)
    value, grad, hessian = objective.value_gradient_hessian(theta)
    labels = label_sums(objective.data, w, b, SEPARATION_SUSPECT_LOGIT)
    # the model's own arrays: the objective's are its read-only cache
    mean, std = (np.array(v, dtype=F64) for v in objective.column_moments())
    llnull, spanned = None, False
    if with_null and not objective.fit_intercept and theta.size:
        spanned = spans_constant(objective, theta, hessian)
    if spanned:  # the intercept-only null, as inference with the rows finds it
        with_one = LogisticObjective(objective.data, fit_intercept=True)
        llnull = null_loglik(labels, True, with_one)
    elif with_null and labels.has_offset:
        llnull = null_loglik(labels, objective.fit_intercept, objective)
    return FitStatistics(
        theta=theta,
        value=float(value),
        gradient=grad,
        hessian=hessian,
        labels=labels,
        weight_sum=float(objective.weight_sum),
        mean=np.asarray(mean, dtype=F64),
        std=np.asarray(std, dtype=F64),
        fit_intercept=objective.fit_intercept,
        llnull=llnull,
        null_has_intercept=spanned,
        grouped=grouped,
    )


def spans_constant(
    objective: LogisticObjective, theta: FloatArray, hessian: Any = None
) -> bool:
    """Whether the ones vector lies in the span of the design's columns: the
    Fisher information of ``[X, 1]`` at the fitted logits has a Schur
    complement of the ones column below 1e-10 of its diagonal (the weighted
    least-squares residual of 1 on X, relative; the weights ``s p (1-p)`` are
    positive, so it is zero exactly when 1 is in the span).

    ``hessian``: ``∇²J(θ)`` of ``objective`` (without an intercept, as a fit's
    statistics hold it); the ones column's row and corner then come from one
    pass of per-row curvature sums (:meth:`hessian_diagonal`), else the
    information of ``[X, 1]`` is computed whole."""
    theta = np.asarray(theta, dtype=np.float64)
    if hessian is None:
        with_one = LogisticObjective(objective.data, fit_intercept=True)
        H = with_one.hessian(np.append(theta, 0.0))
        inner, row, corner = H[:-1, :-1], H[:-1, -1], float(H[-1, -1])
    else:  # Hessian sums are float64 whatever X's dtype
        _, row, bb = objective.hessian_diagonal(theta)
        inner = np.array(hessian, dtype=np.float64)
        inner.flat[:: inner.shape[0] + 1] -= objective.l2  # the likelihood's alone
        corner = float(bb)
    return constant_in_span(inner, row, corner, objective.data.dtype)


def constant_in_span(inner: Any, row: Any, corner: float, dtype: Any) -> bool:
    """Whether the ones column lies in the span of the others, from a
    weighted Gram matrix of ``[X, 1]`` (positive row weights) in parts: ``Xᵀ
    D X`` (``inner``), ``Xᵀ d`` (``row``) and ``Σ d`` (``corner``): the Schur
    complement of the ones column, relative to its diagonal, within the
    rounding of sums of rows of ``dtype``: 1e-10 for float64, 1e-4 for
    float32 (its products round at ~6e-8 and a sum of a million of them
    drifts by ~1e-5; a float32 design with every dummy left 0 on fewer than
    1 row in 10 000 counts as spanning it)."""
    if not corner > 0:
        return False
    try:
        coef = np.linalg.solve(np.asarray(inner, dtype=np.float64), row)
    except np.linalg.LinAlgError:
        return False
    tol = 1e-10 if np.dtype(dtype) == np.float64 else 1e-4
    return bool(corner - float(row @ coef) < tol * corner)
