"""Inference of a multinomial fit from its training data given again.

Conventions (owned here; the covariance formulas are the binary ones of
:mod:`logistic.inference._covariance`, one score per equation):

* **Data**: ``model.inference(X, y, sample_weight, offset, ...)`` takes the
  training data as ``fit`` took them (arrays, a DataFrame encoded with the
  fit's levels, a path with the label column's name, a callable of blocks, a
  Dask collection or a backend; see :func:`logistic.backends.as_backend`),
  validated as ``fit`` validates them (``class_weight`` folded in), and checks
  that they are the training data: the same classes and columns, and the
  gradient at the fitted coefficients ≈ 0 (standardized max-norm at most
  ``10·max(tol_, grad_max_norm_, 1e-12)``, the binary check of
  :mod:`logistic.inference._checks`), and the same total weight over the
  same count of positive-weight rows as the fit kept (``check_same_totals``:
  weights [0, 2, …] on rows written twice and weight 1 on each sum alike and
  leave the gradient at zero; the row count tells them apart).
* **Passes**: one pass at ``θ̂`` gives the log-likelihood, gradient,
  information ``Σs ∇²J``, class totals and, for ``"HC0"``/``"HC1"``, the
  meat; a second the column moments (the standardized gradient check).
  Every sum is over row blocks (``backend.map_reduce``), so in-memory,
  out-of-core and Dask data give the same numbers.
* **Scores**: with reference class 0, ``r_i = p_i - e_{y_i}`` restricted to
  classes ``1 … K-1`` and ``x̃_i = [x_i, 1]``, row i's score (per unit of
  weight) is ``r_i ⊗ x̃_i`` (equation by equation, the objective's order).
  ``s_i`` are frequency weights, as in the binary case:

  * ``"HC0"``: ``V = I⁻¹ M I⁻¹``, ``M = Σ_i s_i (r_i r_iᵀ) ⊗ (x̃_i x̃_iᵀ)``
    (statsmodels ``MNLogit(...).fit(cov_type="HC0")``);
  * ``"HC1"``: ``n/(n-k) · HC0`` with ``n = Σs`` and ``k = (K-1) q``
    (R ``sandwich::vcovHC(type="HC1")``; statsmodels' discrete models apply
    no factor, their HC1 equals their HC0);
  * ``"cluster"``: ``G/(G-1) · I⁻¹ (Σ_g S_g S_gᵀ) I⁻¹``,
    ``S_g = Σ_{i∈g} s_i r_i ⊗ x̃_i`` over the G groups holding positive
    weight (Stata ``vce(cluster)``; statsmodels' default
    ``use_correction=True`` multiplies by a further ``(n-1)/(n-k)``). It
    needs the rows in memory, aligned with their group labels (refused for
    data read block by block, as in the binary case).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from .._block_sums import block_hessian
from .._exceptions import DataValidationError, InvalidParameterError
from .._file_marks import refuse_formula_inputs
from .._fitted_params import fitted_param
from .._frame_encoding import apply_encoding
from .._labels import labels_shown
from .._multinomial import (
    MultinomialObjective,
    _self_gram,
    _stacked,
    _with_ones,
    block_logits,
    block_value_grad_hessian,
)
from .._multinomial_scaled import ScaledMultinomial
from .._softmax import softmax
from .._typing import Backend, Block, FloatArray
from ._checks import (
    check_gradient_norm,
    check_same_totals,
    check_unpenalized,
    refuse_absent_classes,
    warn_class_weight,
)
from ._covariance import check_cov_request, hc1_factor
from ._meat import group_meat, weight_scale
from ._stored import constant_in_span

__all__ = [
    "RobustMeat",
    "block_moments",
    "moments_fields",
    "multinomial_from_data",
    "null_model",
    "reference_theta",
    "statistics_pass",
]

F64 = np.float64

#: Rows of one slice of the meat's score matrix: bounds its memory to about
#: this many float64 values whatever the block size.
_SLICE_VALUES = 1 << 22


@dataclass(frozen=True)
class RobustMeat:
    """The middle of a sandwich covariance ``factor · I⁻¹ meat I⁻¹``.

    Attributes
    ----------
    cov_type : {"HC0", "HC1", "cluster"}
    meat : ndarray of shape (k, k)
    factor : float
        The small-sample factor (see module).
    n_groups : int or None
        Groups holding positive weight (``"cluster"`` only).
    scale : float
        The power of two the weights were divided by in ``meat`` (``"cluster"``,
        quadratic in them: :func:`._meat.weight_scale` of the largest): the
        covariance is ``factor · (scale I⁻¹) meat (scale I⁻¹)``.
    """

    cov_type: str
    meat: FloatArray
    factor: float
    n_groups: int | None = None
    scale: float = 1.0


def reference_theta(model: Any) -> FloatArray:
    """``θ̂`` of a reference fit in float64: rows 1 … K-1 of ``[coef_, intercept_]``
    minus row 0 (which a reference fit stores as exactly 0), flattened."""
    coef = np.asarray(model.coef_, dtype=F64)
    rows = (
        np.column_stack([coef, np.asarray(model.intercept_, dtype=F64)])
        if fitted_param(model, "fit_intercept")
        else coef
    )
    return (rows[1:] - rows[0]).ravel()


def _residuals(block: Block, W: FloatArray, b: FloatArray) -> FloatArray:
    """``P - Y`` of one block without the reference column, (n_rows, K-1)."""
    R = softmax(block_logits(block, W, b))
    R[np.arange(R.shape[0]), np.asarray(block.y).astype(np.intp)] -= 1.0
    return R[:, 1:]


def _block_meat(
    block: Block, W: FloatArray, b: FloatArray, intercept: bool
) -> FloatArray:
    """``Σ_i s_i (r_i r_iᵀ) ⊗ (x̃_i x̃_iᵀ)`` over one block, as ``BᵀB`` with
    ``B = [x̃ ⊙ √s r_1, …, x̃ ⊙ √s r_{K-1}]`` built a slice of rows at a time."""
    K, p = W.shape
    k = (K - 1) * (p + int(intercept))
    meat = np.zeros((k, k))
    if block.n_rows == 0:
        return meat
    R = _residuals(block, W, b)
    if block.sample_weight is not None:
        R = R * np.sqrt(np.asarray(block.sample_weight, dtype=F64))[:, None]
    Xt = _with_ones(block.X, intercept)
    step = max(1, _SLICE_VALUES // max(k, 1))
    for a in range(0, block.n_rows, step):
        meat += _self_gram(_stacked(Xt[a : a + step], R[a : a + step]))
    return meat


def block_moments(block: Block, K: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One block's class totals ``Σ s [y = k]`` (K,), column sums ``Σ s x``
    (p,) and offset sums ``Σ s o`` (K,; zeros without an offset)."""
    y = np.asarray(block.y).astype(np.intp)
    n = block.n_rows
    s = np.ones(n) if block.sample_weight is None else np.asarray(block.sample_weight)
    s = s.astype(F64, copy=False)
    totals = np.bincount(y, weights=s, minlength=K).astype(F64)
    colsum = np.asarray(block.X.T @ s, dtype=F64).ravel()
    off = np.zeros(K)
    if block.offset is not None:
        off = np.asarray(s @ np.asarray(block.offset, dtype=F64), dtype=F64).ravel()
    return totals, colsum, off


def moments_fields(moments: Any, weight: float) -> dict[str, Any]:
    """The ``class_totals``, ``mean`` and ``offset_mean`` fields of the
    statistics from :func:`block_moments`'s summed ``(totals, colsum, off)``."""
    totals, colsum, off = moments
    return {
        "class_totals": np.asarray(totals, dtype=F64),
        "mean": np.asarray(colsum, dtype=F64) / weight,
        "offset_mean": np.asarray(off, dtype=F64) / weight,
    }


def fractional_rows(block: Block) -> float:
    """Rows of ``block`` whose sample weight is not a whole number (0.0
    without weights): inference reads them as frequency weights and warns."""
    if block.sample_weight is None:
        return 0.0
    s = np.asarray(block.sample_weight, dtype=F64)
    return float(np.count_nonzero(np.floor(s) != s))


def positive_rows(block: Block) -> float:
    """Rows of ``block`` of positive sample weight (every row without
    weights): the observations of a frequency-weighted fit that are rows at
    all (a row of weight 0 is none, Stata's ``fweight``), as the two-class
    statistics' ``rows``; with the weight sum it tells a weighted fit from an
    unweighted one where whole weights with zeros sum to the row count."""
    if block.sample_weight is None:
        return float(block.n_rows)
    return float(np.count_nonzero(np.asarray(block.sample_weight, dtype=F64) > 0))


def _block_pass(
    block: Block, W: FloatArray, b: FloatArray, intercept: bool, meat: bool
) -> tuple[Any, ...]:
    """One block's ``(Σ s L, gradient sums, Σ s, Hessian sum, class totals,
    column sums, offset sums, rows of non-integer weight, rows of positive
    weight, meat)``."""
    M = _block_meat(block, W, b, intercept) if meat else 0.0
    sums = block_value_grad_hessian(block, W, b, intercept)
    moments = block_moments(block, W.shape[0])
    return (*sums, *moments, fractional_rows(block), positive_rows(block), M)


def _cluster_meat(
    backend: Backend, W: FloatArray, b: FloatArray, intercept: bool, groups: Any
) -> RobustMeat:
    if not backend.capabilities.rows_in_memory:
        raise InvalidParameterError(
            "cov_type='cluster' needs the rows in memory, aligned with their group "
            "labels; this data is read block by block (out of core or on Dask), "
            "where 'nonrobust', 'HC0' and 'HC1' are available"
        )
    rows = backend.rows()
    s = rows.sample_weight  # weights of 1e200 square beyond float64: scaled
    scale = 1.0 if s is None else weight_scale(float(np.max(s, initial=0.0)))
    r = _residuals(rows, W, b)
    meat, n_groups = group_meat(rows, r, intercept, groups, scale)
    return RobustMeat("cluster", meat, n_groups / (n_groups - 1.0), n_groups, scale)


def _backend(model: Any, data: tuple[Any, ...]) -> Backend:
    """The data as ``fit`` read them, checked against the fit's classes and columns."""
    from ..backends import as_backend

    X, y, sample_weight, offset = data
    if y is not None and not isinstance(X, Backend):  # a class missing
        refuse_absent_classes(model, y)
    encoding = getattr(model, "encoding_", None)
    if encoding is not None and not isinstance(X, Backend):
        X = apply_encoding(encoding, X)
    refuse_formula_inputs(model, X)  # a formula file's raw columns
    class_weight = fitted_param(model, "class_weight")
    backend = as_backend(
        X,
        y,
        sample_weight,
        offset,
        class_weight=class_weight,
        estimator=type(model).__name__,
        multiclass=True,
    )
    if int(backend.n_features) != int(model.n_features_in_):
        raise DataValidationError(
            f"the data have {backend.n_features} features, but the model was fitted "
            f"with {model.n_features_in_}"
        )
    names, fitted = backend.feature_names, getattr(model, "feature_names_in_", None)
    if names is not None and fitted is not None and list(names) != list(fitted):
        raise DataValidationError(
            f"the data's columns {list(names)} differ from those seen in fit "
            f"{list(fitted)}"
        )
    classes = np.asarray(backend.classes_)
    if not np.array_equal(classes, model.classes_):
        raise DataValidationError(
            f"y has labels {labels_shown(classes)}, but the model was fitted on "
            f"{labels_shown(model.classes_)}"
        )
    warn_class_weight(model)
    return backend  # type: ignore[no-any-return]


def statistics_pass(
    objective: MultinomialObjective, theta: FloatArray, meat: bool = False
) -> tuple[dict[str, Any], FloatArray, FloatArray, Any]:
    """One pass at ``theta``: the fields of
    :class:`~logistic.inference._multinomial.MultinomialStatistics`, the
    gradient and Hessian of the mean objective ``J`` (the information is
    ``Σs`` times that Hessian) and (``meat``) the HC meat's sum (else 0)."""
    W, b = objective.split(theta)
    intercept = objective.fit_intercept
    reduced = objective._reduce(
        partial(_block_pass, W=W, b=b, intercept=intercept, meat=meat)
    )
    loss, G_w, g_b, total, H, totals, colsum, off, fractional, rows, M = reduced
    total = objective._total(total)
    hessian = objective._assemble(H, total)
    stats = {
        "information": hessian * total,
        "weight_sum": float(total),
        "llf": -float(loss),
        "n_samples": int(objective.data.n_samples),
        "fractional": float(fractional),
        "rows": int(rows),
        **moments_fields((totals, colsum, off), float(total)),
    }
    if not intercept:
        stats.update(_null_without_intercept(objective, float(total)))
    return stats, objective._gradient(W, b, G_w, g_b, total), hessian, M


def _null_without_intercept(
    objective: MultinomialObjective, total: float
) -> dict[str, Any]:
    """The null model of a fit without an intercept, as for two classes
    (:func:`logistic.inference._stored.collect`): the intercept-only model
    (the class shares) where the columns span the constant (a dummy for every
    level: the same model as one written with an intercept), else every
    logit 0 beside the offset (every class ``1/K`` without one). One pass
    of the rows' weighted Gram matrix of ``[X, 1]``, and without the span
    one pass at ``θ = 0``."""
    p = objective.n_features
    zero = np.zeros(p)

    def gram(block: Block) -> Any:  # Σ s/4 [x, 1][x, 1]ᵀ: the curvature at z = 0
        bare = replace(block, y=np.zeros(block.n_rows), offset=None)
        return block_hessian(bare, zero, 0.0)

    inner, row, corner = objective._reduce(gram)
    if constant_in_span(inner, row, float(corner), objective.data.dtype):
        return {"null_has_intercept": True}
    llnull = -total * float(objective.value(np.zeros(objective.n_params)))
    return {"null_has_intercept": False, "llnull": llnull}


def null_model(
    stats: Any, intercept: bool, n_classes: int, q: int
) -> tuple[float, bool | None, float]:
    """``(llnull, null_has_intercept, df_model)`` of K-class statistics: the
    class shares' log-likelihood ``Σ_k t_k log(t_k / Σs)`` on ``(K-1)(q-1)``
    degrees of freedom (``q`` terms an equation), unless the statistics hold
    a null of every logit 0 (no intercept, columns not spanning the
    constant: ``(K-1) q``). A fit without an intercept from a file written
    before the rule keeps the null it was fitted with (the class shares on
    ``(K-1) q``; ``null_has_intercept`` None)."""
    t = stats.class_totals[stats.class_totals > 0]
    llnull = float(np.sum(t * np.log(t / stats.weight_sum)))
    if stats.llnull is not None:
        llnull = float(stats.llnull)
    spanned = stats.null_has_intercept
    has = bool(spanned) if spanned is not None else (True if intercept else None)
    shares = bool(intercept) if spanned is None else bool(spanned)
    return llnull, has, float((n_classes - 1) * (q - int(shares)))


def multinomial_from_data(
    model: Any, data: tuple[Any, ...], cov_type: str, groups: Any
) -> tuple[dict[str, Any], RobustMeat | None, Backend]:
    """``(fields, RobustMeat or None, backend)`` of ``model`` on ``data`` (X,
    y, sample_weight, offset), after checking they are its training data;
    ``fields`` are those of
    :class:`~logistic.inference._multinomial.MultinomialStatistics`, the
    backend the data read as ``fit`` read them (kept for marginal effects)."""
    check_cov_request(cov_type, groups)
    check_unpenalized(model)
    backend = _backend(model, data)
    intercept = bool(fitted_param(model, "fit_intercept"))
    objective = MultinomialObjective(
        backend, len(model.classes_), fit_intercept=intercept, reference=True
    )
    theta = reference_theta(model)
    hc = cov_type in ("HC0", "HC1")
    stats, grad, _, M = statistics_pass(objective, theta, meat=hc)
    check_gradient_norm(model, ScaledMultinomial(objective).scaled_gradient(grad))
    check_same_totals(model, stats["weight_sum"], float(stats["rows"]))
    if cov_type == "nonrobust":
        return stats, None, backend
    if cov_type == "cluster":
        W, b = objective.split(theta)
        return stats, _cluster_meat(backend, W, b, intercept, groups), backend
    n, k = stats["weight_sum"], objective.n_params
    factor = hc1_factor(n, k) if cov_type == "HC1" else 1.0
    return stats, RobustMeat(cov_type, np.asarray(M, dtype=F64), factor), backend
