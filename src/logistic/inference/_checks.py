"""Checks that the data given for inference are the training data of the fit.

Convention (owned here): the estimator keeps no training data, so inference
re-validates in-memory X, y, sample_weight and offset exactly as ``fit`` did
(:func:`logistic._validation.check_fit_data`, so ``class_weight`` is applied
identically; a backend's rows were validated when it was built) and then
requires the gradient of the fitted objective (Firth's modified score for
Firth fits) at the fitted coefficients to be ≈ 0: its max-norm in the
solvers' standardized coordinates must be at most
``10·max(tol_, grad_max_norm_, 1e-12)`` (a ``tol_`` a model file records
as null counts as ``DEFAULT_TOL``, :func:`fitted_tol`, and such a recorded
norm as 0); a ``partial_fit`` stream, which has no stopping rule, gets no
inference (:func:`refuse_stream`). The gradient of a mean objective is
the same on the rows repeated or with every weight scaled, so where the fit's
total weight and row count are known (``fit_statistics_``, or a model file's
record: :data:`logistic._file_marks.TRAINING_TOTALS_ATTR`) the data
must have the same (:func:`check_same_totals`). A FLIC or FLAC fit
(:mod:`logistic._firth_correction`) solves no equation of its rows at its
estimate: its data must give the mean loss kept at fit instead, to a relative
``1e-9`` (:func:`check_corrected_data`). Each refusal is a
:class:`NotTrainingDataError`. Penalized fits are refused here too,
and separation is read from the fit's ``separation_`` (or suspected from
fitted logits beyond ±``SEPARATION_SUSPECT_LOGIT`` of
:mod:`logistic._numerics` on their correct side with an information flat
along some direction: :func:`separation`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _memory
from .._exceptions import DataValidationError, InvalidParameterError, warn
from .._file_marks import TRAINING_TOTALS_ATTR, refuse_formula_inputs
from .._firth import FirthObjective
from .._firth_centred import centred_firth
from .._fitted_params import fitted_param
from .._frame_encoding import apply_encoding
from .._labels import labels_shown
from .._numerics import CERTAIN_CURVATURE, DEFAULT_TOL
from .._objective import LogisticObjective
from .._scaling import ScaledObjective
from .._sparse import issparse
from .._typing import FloatArray
from .._validation import check_fit_data

__all__ = [
    "CLASS_WEIGHT_WARNING",
    "NotTrainingDataError",
    "check_gradient_norm",
    "check_matches_fit",
    "check_memory",
    "check_corrected_data",
    "check_same_totals",
    "check_unpenalized",
    "fitted_tol",
    "penalty_of",
    "refuse_stream",
    "prepare",
    "separation",
    "warn_class_weight",
]

F64 = np.float64

#: The start of every refusal of data that are not the training data.
NOT_TRAINING = (
    "the data passed for inference do not match the data the model was fitted on"
)
#: What every such refusal asks for.
SAME_DATA = (
    "The estimator does not store its training data: pass exactly the same X, y, "
    "sample_weight and offset as to fit()."
)


class NotTrainingDataError(DataValidationError):
    """Data given for inference that are not the fit's training data.

    Attributes
    ----------
    detail : str
        How it shows, in words that fit any caller's sentence ("the gradient
        at the fitted coefficients is not zero on its rows").
    one_class : object or None
        The one label y holds, when that is how it shows (a caller that
        encoded the labels names it in the data's words).
    absent_classes : tuple
        The fit's classes y lacks, when that is how it shows (more than one
        class left, of a model of more than two), for a caller to name alike.
    """

    def __init__(
        self,
        message: str,
        detail: str,
        one_class: Any = None,
        absent_classes: tuple[Any, ...] = (),
    ) -> None:
        super().__init__(message)
        self.detail = detail
        self.one_class = one_class
        self.absent_classes = absent_classes


def penalty_of(model: Any) -> tuple[float, float]:
    """The fitted ``(l1, l2)`` strengths (``penalty_l1_``, ``penalty_l2_``).

    A model without them (not fitted by this library) counts as penalized
    exactly when its ``penalty`` is a norm penalty; the strengths are then
    reported as NaN.
    """
    l1 = getattr(model, "penalty_l1_", None)
    l2 = getattr(model, "penalty_l2_", None)
    if l1 is not None and l2 is not None:
        return float(l1), float(l2)
    if fitted_param(model, "penalty") in (None, "firth"):
        return 0.0, 0.0
    return float("nan"), float("nan")


def check_unpenalized(model: Any) -> None:
    """Refuse a penalized (L1/L2) fit: its standard errors are not those of
    the reported estimates."""
    l1, l2 = penalty_of(model)
    if l1 == 0 and l2 == 0:
        return
    penalty = fitted_param(model, "penalty")
    raise InvalidParameterError(
        f"inference is refused for a penalized fit (penalty={penalty!r}, "
        f"l1={l1:.3g}, l2={l2:.3g}): standard errors and p-values of penalized "
        "estimates are not those of the reported coefficients. Refit with "
        "penalty=None (maximum likelihood) or penalty='firth'."
    )


def check_matches_fit(
    model: Any,
    objective: LogisticObjective,
    theta: FloatArray,
    firth: bool,
    grad: FloatArray | None = None,
    aliased: Any = None,
) -> None:
    """Refuse data whose fitted objective is not stationary at ``theta``.

    ``grad`` is the objective's gradient at ``theta`` when already computed
    (not used for Firth fits, whose modified score is computed here);
    ``aliased`` (objective order) marks parameters left out of the test, in
    the standardized coordinates it is stated in: an aliased column's
    gradient is of its dependency's rounding (a sum written with six
    decimals), which says nothing about whether the rows are the fit's, and
    the map to those coordinates would carry it into the intercept's
    neighbours (a column whose mean is far above its spread)."""
    scaled: FloatArray | None = None
    slack = 0.0
    if firth:
        centred = centred_firth(objective)
        if centred is not None:  # the modified score where the fit solved it
            grad = (
                FirthObjective(centred.objective)
                .point(centred.from_original(theta))
                .grad
            )
            scaled = grad  # ∇F' = Tᵀ∇F: the standardized coordinates already
            slack = mapped_rounding(centred, theta)
        else:
            grad = FirthObjective(objective).point(theta).grad
        if grad is None:
            raise NotTrainingDataError(
                f"{NOT_TRAINING}, or the design is collinear: the Fisher information "
                f"is singular at the fitted coefficients. {SAME_DATA}",
                "the Fisher information at the fitted coefficients is singular on "
                "its rows (or the design is collinear)",
            )
    elif grad is None:
        grad = objective.gradient(theta)
    if scaled is None:
        scaled = ScaledObjective(objective).scaled_gradient(grad)
    if aliased is not None:
        scaled = np.where(np.asarray(aliased, dtype=bool), 0.0, scaled)
    check_gradient_norm(model, scaled, slack)


def mapped_rounding(centred: Any, theta: FloatArray) -> float:
    """A bound on the modified score's standardized max-norm that the user's
    coefficients ``θ`` alone cause in the centred copy
    (:mod:`logistic._firth_centred`): the fit's ``b = b' - μ·w`` and the
    check's ``b' = b + μ·w`` each round the intercept by ``ε·(|b| + Σ|μ_j
    w_j|)``, and the score moves by at most the information's entries, each
    at most 1/2 in the copy's coordinates (weights summing to 1, columns of
    spread within a factor √2 of 1). A column at ``1e10 + [0..5]`` made that
    5.5e-8, so the fit's own rows were refused against the limit 1e-9."""
    theta = np.asarray(theta, dtype=np.float64)
    p = centred.original.n_features
    size = abs(float(theta[p])) + float(np.abs(centred.mean * theta[:p]).sum())
    return float(np.finfo(np.float64).eps) * size


def check_corrected_data(kind: str, kept: Any, stats: Any) -> Any:
    """``stats`` of the data given to a ``firth_correction=kind`` fit's
    inference, with the Hessian kept at fit (FLAC's: the augmented fit's),
    after their mean loss at the fitted coefficients is checked against the
    one kept at fit (``kept``: the model's ``fit_statistics_``)."""
    if kept is None:
        raise InvalidParameterError(
            f"inference of a firth_correction={kind!r} fit reads the covariance "
            "kept at fit, and this model has none (loaded from a file that "
            "stores none: refit it)"
        )
    if not math.isclose(stats.value, kept.value, rel_tol=1e-9, abs_tol=0.0):
        detail = (
            f"the mean loss at the fitted coefficients is {stats.value:.10g} on "
            f"its rows, {kept.value:.10g} on the fit's"
        )
        raise NotTrainingDataError(f"{NOT_TRAINING}: {detail}. {SAME_DATA}", detail)
    return stats._replace(hessian=kept.hessian, centred=kept.centred)


#: Dense ``k × k`` float64 matrices that inference on ``k`` parameters holds at
#: once (the information, its inverse, the aliasing check's and the displayed
#: covariance's copies): 2.7 GB measured at its peak for 8 001 parameters,
#: 5.3 such matrices.
INFERENCE_MATRICES = 6


def check_memory(n_params: int) -> None:
    """Refuse inference whose dense matrices (:data:`INFERENCE_MATRICES`) are
    larger than the memory this process may use, before any is made: 4 rows
    of 50 000 columns would otherwise ask for ~120 GB and end in the
    out-of-memory killer instead of a message."""
    size = INFERENCE_MATRICES * 8 * n_params * n_params
    if _memory.fits_memory(size):
        return
    memory = _memory.process_memory() or 0
    raise InvalidParameterError(
        f"inference on {n_params} parameters forms dense {n_params} × {n_params} "
        f"matrices (about {_memory.format_bytes(size)} together), more than the "
        f"memory this process may use ({_memory.format_bytes(memory)}); fit "
        "fewer columns, or a penalized model (which has no standard errors)"
    )


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, else None (None, NaN, not a number)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # 10**400 is no float
        return None
    return number if math.isfinite(number) else None


def fitted_tol(model: Any) -> float:
    """The fit's stopping tolerance ``tol_``; ``DEFAULT_TOL`` where the model
    records none as a finite number (a model file's null)."""
    tol = _finite(getattr(model, "tol_", None))
    return DEFAULT_TOL if tol is None else tol


def refuse_stream(model: Any) -> None:
    """Refuse inference from a ``partial_fit`` stream: mini-batch SGD steps with
    no stopping rule (``tol_`` NaN, or None once saved and loaded). Its
    coefficients are not the maximum-likelihood estimate, and its gradient on
    its rows is not zero, so nothing tells its rows from others. Called first
    by ``fit_inference`` and ``multinomial_inference``, before their
    warnings."""
    if str(getattr(model, "solver_", "")) != "sgd":
        return
    if _finite(getattr(model, "tol_", None)) is not None:
        return
    raise InvalidParameterError(
        "inference needs a fit that stops at a tolerance; this model was fitted "
        "by partial_fit, a stream of mini-batch SGD steps with no stopping rule, "
        "so its coefficients are not the maximum-likelihood estimate and the "
        "rows given cannot be checked to be its rows (its gradient on them is "
        "not 0): fit(X, y) on the data for inference (a file or a Dask "
        "collection when they do not fit in memory)"
    )


def check_gradient_norm(
    model: Any, scaled_grad: FloatArray, slack: float = 0.0
) -> None:
    """Refuse data whose gradient at the fitted coefficients (in the solvers'
    standardized coordinates) exceeds ``10·max(tol_, grad_max_norm_, 1e-12)
    + slack`` (``tol_`` the default where the model records none; ``slack``
    the gradient that the coefficients' own rounding causes,
    :func:`mapped_rounding`)."""
    gnorm = float(np.max(np.abs(scaled_grad), initial=0.0))
    recorded = _finite(getattr(model, "grad_max_norm_", None))
    if recorded is None:
        history = getattr(model, "history_", None) or [{}]
        recorded = _finite(history[-1].get("grad_max_norm", 0.0))
    limit = 10.0 * max(fitted_tol(model), recorded or 0.0, 1e-12) + slack
    if not gnorm <= limit:
        raise NotTrainingDataError(
            f"{NOT_TRAINING}: the gradient at the fitted coefficients has "
            f"standardized max-norm {gnorm:.3g} > {limit:.3g}. {SAME_DATA}",
            "the gradient at the fitted coefficients is not zero on its rows",
        )


def _fitted_totals(model: Any) -> tuple[float, float | None] | None:
    """``(weight_sum, rows)`` of the fit's rows where known (``rows`` None
    where not recorded), else None."""
    stats = getattr(model, "fit_statistics_", None)
    if stats is None:
        return getattr(model, TRAINING_TOTALS_ATTR, None)
    labels = getattr(stats, "labels", None)  # binary; K classes keep stats.rows
    rows = getattr(labels if labels is not None else stats, "rows", None)
    rows = math.nan if rows is None else float(rows)
    return float(stats.weight_sum), rows if math.isfinite(rows) else None


def _rows_text(weight: float, rows: float | None) -> str:
    return f"{weight:.10g}" if rows is None else f"{weight:.10g} over {rows:.0f} rows"


def check_same_totals(
    model: Any, weight_sum: float, rows: float | None, sampling: bool = False
) -> None:
    """Refuse data whose total weight (or count of rows of positive weight)
    differs from the fit's, where the fit's are known: the training rows
    repeated, or their weights scaled, leave the gradient at zero but scale
    the information, and every standard error with it. Sampling weights are
    compared by their rows only: their sandwich does not change when every
    weight is scaled (survey weights rescaled to sum to n are the same
    weights). The tolerance, 1e-6, is float32 weights' summation error,
    far below the factors (2, 1/2) it is there to catch."""
    kept = _fitted_totals(model)
    if kept is None:
        return
    fit_weight, fit_rows = kept
    same_rows = rows is None or fit_rows is None or rows == fit_rows
    if same_rows and (sampling or math.isclose(weight_sum, fit_weight, rel_tol=1e-6)):
        return
    detail = (
        f"its rows have total weight {_rows_text(weight_sum, rows)}, the fit's "
        f"{_rows_text(fit_weight, fit_rows)}"
    )
    raise NotTrainingDataError(
        f"{NOT_TRAINING}: {detail} (standard errors scale with them). {SAME_DATA}",
        detail,
    )


def separation(model: Any, stats: Any) -> str | None:
    """The estimator's own separation check (an LP, exact) when it ran; only for
    fits it could not check ("unchecked") the heuristic: rows with fitted
    logits beyond ``SEPARATION_SUSPECT_LOGIT`` on their correct side
    (``stats.labels.extreme``, :func:`logistic.inference._passes.label_sums`)
    and a flat direction of the information (:func:`flat_information`).

    A separating direction moves only the rows it separates, whose curvature
    ``σ(m)σ(-m)`` is below ``e^-30`` there, so the information along it is next
    to nothing (:mod:`logistic._separation`'s bound: at most ``‖∇‖ R`` in
    standardized coordinates). One well-determined row far out (a
    high-leverage point correctly classified at logit 31 among 20 000 rows)
    leaves the information well curved in every direction: that fit is not
    suspected, as the in-memory fit's LP finds it not separated."""
    kind = getattr(model, "separation_", "unchecked")
    if kind != "unchecked":
        return None if kind is None else str(kind)
    if stats.labels.extreme <= 0:
        return None
    return "suspected" if flat_information(stats) else None


def flat_information(stats: Any) -> bool:
    """Whether the information (the Hessian ``stats.hessian`` of the mean
    objective) has curvature at most ``CERTAIN_CURVATURE`` along some direction
    in standardized coordinates (:func:`._estimable.standardizer`), as
    :mod:`logistic._separation`'s certificate measures it; a constant column
    beside the intercept, flat with it by construction, is left out.
    Non-finite entries count as flat."""
    H = np.asarray(stats.hessian, dtype=np.float64)
    if H.size == 0:
        return False
    if not np.all(np.isfinite(H)):
        return True
    from ._estimable import standardizer

    std = np.asarray(stats.std, dtype=np.float64)
    A = standardizer(stats.mean, std, stats.fit_intercept, H.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = A.T @ H @ A
    if stats.fit_intercept:  # a constant column is the intercept's: not separation
        keep = np.append(std > 0, True)
        scaled = scaled[np.ix_(keep, keep)]
    if not np.all(np.isfinite(scaled)):
        return True
    return bool(np.linalg.eigvalsh(scaled)[0] <= CERTAIN_CURVATURE)


def _refuse_one_class(model: Any, y: Any) -> None:
    """Refuse ``y`` of one class for a model fitted on two or more: not its
    training data (which ``fit`` would have refused), said as such rather
    than as a fit's "needs samples of at least 2 classes". Called when the
    data's checks failed: the labels are not read again otherwise."""
    if issparse(y):  # np.asarray would make one 0-d value of it: the check's words
        return
    try:
        labels = np.unique(np.asarray(y).ravel())
    except (TypeError, ValueError):  # mixed types: check_fit_data words it
        return
    if len(labels) != 1 or len(getattr(model, "classes_", ())) < 2:
        return
    from .._labels import label_text

    value = labels[0].item() if hasattr(labels[0], "item") else labels[0]
    one = label_text(value)
    raise NotTrainingDataError(
        f"{NOT_TRAINING}: y holds one class only ({one}), the fit's data held "
        f"{len(model.classes_)}. {SAME_DATA}",
        f"its rows hold one class only ({one})",
        one_class=value,
    )


def refuse_absent_classes(model: Any, y: Any) -> None:
    """Refuse ``y`` lacking some of the fit's classes (one class left:
    :func:`_refuse_one_class`'s words): every class was in the training
    rows, so these are not them. Labels that are not the fit's are left to
    the caller's own check."""
    try:
        labels = np.unique(np.asarray(y).ravel())
        fitted = np.asarray(model.classes_)
        absent = [c for c in fitted if not np.isin(c, labels)]
        unknown = not np.all(np.isin(labels, fitted))
    except (TypeError, ValueError):  # mixed types: the caller's checks word it
        return
    if not absent or unknown:
        return
    _refuse_one_class(model, y)
    from .._labels import label_text

    values = tuple(c.item() if hasattr(c, "item") else c for c in absent)
    detail = absent_classes_detail([label_text(c) for c in values])
    raise NotTrainingDataError(
        f"{NOT_TRAINING}: {detail}. {SAME_DATA}", detail, absent_classes=values
    )


def absent_classes_detail(named: list[str]) -> str:
    """How rows lacking the fit's classes ``named`` (as spelled) show."""
    noun = "classes" if len(named) > 1 else "class"
    return f"its rows hold no row of the fit's {noun} {', '.join(named)}"


def prepare(
    model: Any, X: Any, y: Any, sample_weight: Any, offset: Any
) -> tuple[Any, FloatArray, FloatArray | None, FloatArray | None]:
    """Validate the data as ``fit`` did (same weights, incl. ``class_weight``;
    a DataFrame's text columns encoded with the fit's levels; device y,
    weights and offsets of a numpy X copied to the host, as fit copies them)."""
    from ..backends.array_api import host_array

    y, sample_weight, offset = map(host_array, (y, sample_weight, offset))
    encoding = getattr(model, "encoding_", None)
    if encoding is not None:
        X = apply_encoding(encoding, X)
    refuse_formula_inputs(model, X)  # a formula file's raw columns
    try:
        data = check_fit_data(
            X,
            y,
            sample_weight,
            offset,
            class_weight=fitted_param(model, "class_weight"),
            estimator=type(model).__name__,
        )
    except DataValidationError:
        _refuse_one_class(model, y)  # a fit's "needs 2 classes", said as it is
        raise
    X, classes, y01 = data.X, data.classes, data.y01
    sw, off, frame_names = data.sample_weight, data.offset, data.names
    if X.shape[1] != model.n_features_in_:
        raise DataValidationError(
            f"X has {X.shape[1]} features, but the model was fitted with "
            f"{model.n_features_in_}"
        )
    fitted = getattr(model, "feature_names_in_", None)
    if (
        frame_names is not None
        and fitted is not None
        and list(frame_names) != list(fitted)
    ):
        raise DataValidationError(
            f"X's columns {list(frame_names)} differ from those seen in fit "
            f"{list(fitted)}"
        )
    if not np.array_equal(classes, model.classes_):
        raise DataValidationError(
            f"y has labels {labels_shown(classes)}, but the model was fitted on "
            f"{labels_shown(model.classes_)}"
        )
    warn_class_weight(model)
    return X, np.asarray(y01, dtype=F64), sw, off


#: How :func:`warn_class_weight`'s warning begins (a save, which computes the
#: covariance it stores, filters it: the warning is inference's to give).
CLASS_WEIGHT_WARNING = "the model was fitted with class_weight"


def warn_class_weight(model: Any) -> None:
    """Warn that a fit's class weights are treated as frequency weights."""
    if fitted_param(model, "class_weight") is not None:
        warn(
            f"{CLASS_WEIGHT_WARNING}: inference treats the combined "
            "weights as frequency weights (row i counts as w_i identical "
            "observations, as statsmodels' freq_weights), which is rarely what "
            "class weights mean; the standard errors may be misleading. For "
            "inference with every row counted once, fit without class_weight.",
            UserWarning,
        )
