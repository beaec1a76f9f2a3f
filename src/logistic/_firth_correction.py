"""FLIC and FLAC: Firth's fit with an unbiased average predicted probability.

Convention (owned here). Firth's penalty ``½ log det I(θ)`` is largest where
the fitted probabilities are ½, so Firth's estimate pulls the predicted
probabilities toward ½: their weighted mean exceeds the event rate ``ȳ``
when events are rare (Puhr, Heinze, Nold, Lusa & Geroldinger 2017, "Firth's
logistic regression with rare events: accurate effect estimates and
predictions?", Statistics in Medicine 36:2302–2317; R's ``logistf::flic``
and ``logistf::flac``). ``LogisticRegression(penalty="firth",
firth_correction=...)`` applies one of the paper's two corrections after
Firth's fit:

* ``"flic"``, the intercept correction: Firth's slopes ``ŵ`` are kept and
  the intercept is refitted by maximum likelihood with the slopes' logit
  held fixed as an offset, ``b̂ = argmin_b Σ s_i L(y_i, x_iᵀŵ + o_i + b)``
  (:func:`logistic._null_intercept.null_intercept`, on the rows with that
  offset). Its score equation ``Σ s_i (y_i - σ(z_i)) = 0`` makes the
  weighted mean predicted probability the weighted event rate. The
  covariance is ``I(θ̂)⁻¹`` at the corrected coefficients, the ``var`` of
  ``logistf(..., flic = TRUE)`` (logistf 1.26; ``flic()`` takes the
  intercept's standard error from it too, and its other ones otherwise).
* ``"flac"``, the added covariate: Firth's modified score is the score of an
  augmented data set, each row (weight ``s_i``) with two pseudo-rows of the
  same covariates and offset, weight ``h_i/2`` each, one with ``y = 0`` and
  one with ``y = 1`` (``h_i`` the hat diagonal at Firth's estimate,
  :func:`logistic._firth.hat_diagonal`). FLAC adds the indicator ``g`` of
  the pseudo-rows as a covariate and fits the augmented data by maximum
  likelihood (Newton); the intercept and the original covariates'
  coefficients are FLAC's, ``g``'s is dropped. With an intercept, the
  intercept's score minus ``g``'s is ``Σ s_i (y_i - σ(z_i))`` over the
  original rows, so FLAC too predicts the event rate on average. The
  covariance is logistf's: the augmented fit's ``I_aug⁻¹`` without ``g``'s
  row and column (the Hessian that inference reads, ``Σ⁻¹ / Σs``, is
  therefore not the original rows' at FLAC's estimate).

Sample weights are frequency weights in both (the pseudo-rows' ``h_i``
carry them); an offset is kept in every row. FLIC needs an intercept. Both
need the rows in memory, as Firth's fit does; FLAC's augmented copy of X is
three times its size, refused where that does not fit the process's memory.
With an intercept FLAC, like Firth's fit, runs on the centred, scaled copy
of the rows (:mod:`logistic._firth_centred`) and maps its estimate and
covariance back (``T Σ' Tᵀ``); FLIC refits the intercept alone, whose
offset ``x_iᵀŵ`` keeps the rows' relative precision as it is.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import numpy as np

from . import _memory
from ._exceptions import ConvergenceWarning, InvalidParameterError, user_stacklevel
from ._firth import hat_diagonal
from ._firth_centred import CentredInformation, centred_firth, centred_information
from ._fitted_params import fitted_param
from ._objective import LogisticObjective, block_logits
from ._sparse import issparse
from ._typing import FloatArray

__all__ = [
    "check_firth_correction",
    "correction_conflict",
    "correct_firth",
    "corrected_kind",
    "corrected_note",
    "corrected_statistics",
]

F64 = np.float64


def correction_conflict(est: Any) -> str | None:
    """The setting of ``est`` that excludes its ``firth_correction``:
    ``"penalty"`` (a correction of Firth's fit without Firth's penalty),
    ``"fit_intercept"`` (FLIC, which refits the intercept, without one), or
    None. Fitting refuses it (:func:`check_firth_correction`), and so does
    reading a model file (:mod:`logistic.io._schema`)."""
    kind = getattr(est, "firth_correction", None)
    if kind is None:
        return None
    if est.penalty != "firth":
        return "penalty"
    if kind == "flic" and not est.fit_intercept:
        return "fit_intercept"
    return None


def check_firth_correction(est: Any, owner: str) -> None:
    """Refuse a ``firth_correction`` that ``est``'s other settings exclude."""
    conflict = correction_conflict(est)
    kind = getattr(est, "firth_correction", None)
    if conflict == "penalty":
        raise InvalidParameterError(
            f"{owner}: firth_correction={kind!r} corrects Firth's fit, but "
            f"penalty={est.penalty!r}: say penalty='firth' with it, or drop the "
            "correction"
        )
    if conflict == "fit_intercept":
        raise InvalidParameterError(
            f"{owner}: firth_correction='flic' refits the intercept, and the model "
            "has none (fit_intercept=False): fit an intercept, or use "
            "firth_correction='flac'"
        )


def corrected_kind(model: Any) -> str | None:
    """The correction applied to ``model``'s Firth fit ("flic", "flac"), or None."""
    if fitted_param(model, "penalty") != "firth":
        return None
    return fitted_param(model, "firth_correction")


def corrected_note(kind: str) -> str:
    """The line under a corrected fit's table: what was done, what is Wald."""
    if kind == "flic":
        return (
            "FLIC (Puhr et al. 2017): Firth's slopes, the intercept refitted by "
            "maximum likelihood with their logit as an offset, so that the mean "
            "predicted probability is the event rate; std err from I(coef)^-1 at "
            "these coefficients (logistf's flic = TRUE), z, P>|z| and the intervals "
            "Wald. "
            "The slopes' penalized likelihood-ratio tests and profile intervals "
            "are the uncorrected Firth fit's (a refit without the correction)."
        )
    return (
        "FLAC (Puhr et al. 2017): maximum likelihood on Firth's augmented data "
        "(each row with two pseudo-rows of weight h/2, y = 0 and y = 1) with the "
        "pseudo-row indicator as a covariate, so that the mean predicted "
        "probability is the event rate; std err from that fit's I^-1 without the "
        "indicator (logistf's flac), z, P>|z| and the intervals Wald."
    )


def _flic(objective: LogisticObjective, theta: FloatArray) -> FloatArray:
    """Firth's slopes with the maximum-likelihood intercept under their logit."""
    from ._null_intercept import null_intercept
    from .backends.in_memory import InMemory

    rows = objective.data.rows()
    w, _ = objective.split(theta)
    fixed = block_logits(rows, w, 0.0).astype(F64)  # x_iᵀŵ + o_i
    y = np.asarray(rows.y, dtype=F64)
    weights = rows.sample_weight
    weights = None if weights is None else np.asarray(weights, dtype=F64)
    only = InMemory(np.zeros((len(y), 0)), y, weights, fixed)
    b = float(null_intercept(only).intercept)
    if not np.isfinite(b):  # Firth's fit refuses data of one class before this
        raise InvalidParameterError("firth_correction='flic' needs both classes")
    out = np.array(theta, dtype=F64)
    out[-1] = b
    return out


def _augmented(objective: LogisticObjective, h: FloatArray) -> LogisticObjective:
    """The rows, then two pseudo-copies of weight ``h/2`` (``y = 0``, ``y = 1``),
    with the pseudo-row indicator as a last column."""
    import scipy.sparse as sp

    rows = objective.data.rows()
    n, p = rows.X.shape
    sparse = issparse(rows.X)  # CSR: values and column indices; dense: values
    size = 3 * ((rows.X.nnz + n) * 12 if sparse else n * (p + 1) * 8)
    if not _memory.fits_memory(size):
        raise InvalidParameterError(
            f"firth_correction='flac' fits the rows three times over (about "
            f"{_memory.format_bytes(size)}), more than the memory this process may "
            "use: use firth_correction='flic', or fewer rows"
        )
    g = np.r_[np.zeros(n), np.ones(2 * n)]
    if sparse:
        stacked = sp.vstack([rows.X] * 3, format="csr", dtype=F64)
        X = sp.hstack([stacked, sp.csr_array(g[:, None])], format="csr")
    else:
        X = np.empty((3 * n, p + 1))
        X[:, :p] = np.vstack([np.asarray(rows.X, dtype=F64)] * 3)
        X[:, p] = g
    y = np.asarray(rows.y, dtype=F64)
    s = np.ones(n) if rows.sample_weight is None else rows.sample_weight
    off = rows.offset
    return LogisticObjective.from_arrays(
        X,
        np.r_[y, np.zeros(n), np.ones(n)],
        np.r_[np.asarray(s, dtype=F64), 0.5 * h, 0.5 * h],
        None if off is None else np.tile(np.asarray(off, dtype=F64), 3),
        fit_intercept=objective.fit_intercept,
    )


def _flac(
    objective: LogisticObjective, theta: FloatArray, tol: float, max_iter: int
) -> tuple[FloatArray, FloatArray]:
    """FLAC's estimate and covariance (objective order, intercept last)."""
    from .solvers import solve

    p = objective.n_features
    augmented = _augmented(objective, hat_diagonal(objective, theta))
    start = np.insert(np.asarray(theta, dtype=F64), p, 0.0)  # g's coefficient 0
    result = solve("newton", augmented, start, tol=tol, max_iter=max_iter)
    if not result.converged:
        warnings.warn(
            f"FLAC's maximum-likelihood fit of the augmented data stopped after "
            f"{result.n_iter} iterations ({result.status}); raise max_iter",
            ConvergenceWarning,
            stacklevel=user_stacklevel(),
        )
    info = augmented.hessian(result.coef) * augmented.weight_sum
    cov = np.linalg.inv(info)
    keep = np.r_[np.arange(p), np.arange(p + 1, augmented.n_params)]
    return np.delete(result.coef, p), cov[np.ix_(keep, keep)]


def correct_firth(
    est: Any, objective: LogisticObjective, result: Any, tol: float
) -> tuple[Any, FloatArray | None, CentredInformation | None]:
    """Firth's ``result`` with the coefficients of ``est.firth_correction``
    (its other fields are the Firth fit's), FLAC's covariance (None for FLIC,
    whose covariance is the information's at its estimate) and, where FLAC
    ran on the centred copy of the rows, that covariance's
    :class:`~logistic._firth_centred.CentredInformation`; ``result`` as it
    is, None and None, without a correction."""
    kind = getattr(est, "firth_correction", None)
    if kind is None:
        return result, None, None
    if kind == "flic":
        return replace(result, coef=_flic(objective, result.coef)), None, None
    centred = centred_firth(objective)
    if centred is None:
        coef, cov = _flac(objective, result.coef, tol, int(est.max_iter))
        return replace(result, coef=coef), cov, None
    # on the centred copy, as Firth's fit (:mod:`._firth_centred`): the pseudo-
    # rows' hat values and the augmented fit's information are then summed
    # about the columns' means; the indicator g is not mapped
    start = centred.from_original(result.coef)
    coef, cov_c = _flac(centred.objective, start, tol, int(est.max_iter))
    info = centred.information(cov_c)
    coef = centred.to_original(coef)
    return replace(result, coef=coef), info.covariance(cov_c), info


def corrected_statistics(
    stats: Any,
    cov: FloatArray | None,
    centred: CentredInformation | None = None,
    *,
    firth: Any = None,
) -> Any:
    """``stats`` (:class:`~logistic.inference._stored.FitStatistics` or None)
    with the Hessian of FLAC's covariance ``cov`` (``Σ⁻¹ / Σs``, as a model
    file's is rebuilt; from ``centred``'s Hessian where FLAC was fitted
    centred: ``Σ`` is then too ill-conditioned to invert), and with the
    information in centred coordinates (``centred``, FLAC's; else, for a
    Firth fit, ``firth = (objective, theta)``: one pass over the centred
    copy of its rows), from which
    inference inverts the covariance (:mod:`logistic._firth_centred`)."""
    if stats is None:
        return stats
    if cov is not None and centred is not None:  # FLAC's, fitted centred
        stats = stats._replace(hessian=centred.original_hessian())
    elif cov is not None:
        stats = stats._replace(hessian=np.linalg.inv(cov) / stats.weight_sum)
    if centred is None and firth is not None:
        centred = centred_information(*firth)
    return stats if centred is None else stats._replace(centred=centred)
