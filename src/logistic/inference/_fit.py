"""``fit_inference``: the data of a fit, checked, and its inference results.

Convention (owned here): without data (``X`` and ``y`` None), inference reads
the statistics the fit kept (``fit_statistics_``, see
:mod:`logistic.inference._stored`): the model-based covariance
(``cov_type="nonrobust"``) and every fit statistic, no pass over any data.
Otherwise it reads the training data again, given as

* **arrays** ``X, y[, sample_weight[, offset]]`` exactly as passed to
  ``fit``: validated as ``fit`` validated them (class weights included), then
  reduced through an in-memory backend; or
* **a backend** (``X`` implements :class:`logistic._typing.Backend`, ``y`` is
  None): the out-of-core or Dask data the model was fitted on, read block by
  block. Its labels are the backend's 0/1 encoding (``classes_[1]`` is 1);
  weights and offset are its own columns. The backend's declared
  ``capabilities`` say whether its rows are in memory (the cluster
  covariance needs them).

Sample weights are frequency weights by default (``sample_weight_kind=
"frequency"``: row i counts as ``s_i`` identical observations); non-integer
ones are allowed and warned about (:func:`_warn_fractional`), since such
weights are usually sampling weights. ``sample_weight_kind="sampling"``
(survey or inverse-probability weights, Stata's ``pweight``) keeps the
weighted estimate and counts rows: robust covariances only (``"HC0"`` by
default, as Stata's ``[pw=]`` forces ``vce(robust)``), so it needs the data
(:mod:`._covariance` has the formulas).

Either way the construction makes three passes over the data: the value,
gradient and Hessian at the fitted coefficients (one pass), the column
moments (the standardized gradient check and the rank check), and the label
sums (:mod:`._passes`). The null log-likelihood with an offset, robust
covariances and profile intervals make further passes when first asked for.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .._exceptions import (
    DataValidationError,
    InvalidParameterError,
)
from .._feature_names import positional_names
from .._firth_centred import centred_information, shared_copy
from .._firth_correction import corrected_kind
from .._fitted_params import fitted_param
from .._grouped import fitted_on_counts
from .._objective import LogisticObjective
from .._sparse_structure import hand_off_scope
from .._typing import Backend, Block, FloatArray
from ._aliased import recorded_aliasing, statistics_aliased, structural_aliasing
from ._checks import (
    check_corrected_data,
    check_matches_fit,
    check_memory,
    check_same_totals,
    check_unpenalized,
    prepare,
    refuse_stream,
    separation,
    warn_class_weight,
)
from ._covariance import (
    COV_TYPES,
    WEIGHT_KINDS,
    check_cov_request,
    cov_type_hint,
    warn_few_clusters,
)
from ._dispersion import ESTIMATED, check_scale, dispersion
from ._fit_warnings import warn_fractional, warn_not_converged, warn_separated
from ._results import InferenceResults
from ._stochastic import warn_stochastic
from ._stored import MAX_STORED_PARAMS, STORED_COVARIANCE_ATTR, FitStatistics, collect

__all__ = [
    "fit_inference",
    "mark_weight_kind",
    "model_weight_kind",
    "weight_kind_facts",
]

F64 = np.float64

#: Where a model loaded from a file keeps the file's weight kind
#: (``training.sample_weight_kind``), with the ``coef_`` array it describes.
WEIGHT_KIND_ATTR = "_sample_weight_kind"


def mark_weight_kind(model: Any, kind: str, cov_type: str | None = None) -> None:
    """Record that ``model``'s coefficients were fitted with ``kind`` weights
    (a model file's ``training.sample_weight_kind``, with the ``cov_type`` of
    its covariance), so that inference on them defaults to that kind and a
    save writes both again. The mark names the ``coef_`` array: a new fit
    assigns a new one, and the mark then no longer applies."""
    mark = (kind, getattr(model, "coef_", None), cov_type)
    setattr(model, WEIGHT_KIND_ATTR, mark)


def weight_kind_facts(model: Any) -> dict[str, str]:
    """``training.sample_weight_kind`` (and ``cov_type``) of a model marked by
    :func:`mark_weight_kind` with sampling weights, for a model file; empty
    otherwise."""
    mark = getattr(model, WEIGHT_KIND_ATTR, None)
    if model_weight_kind(model) != "sampling" or mark is None:
        return {}
    facts = {"sample_weight_kind": "sampling"}
    return facts if mark[2] is None else {**facts, "cov_type": str(mark[2])}


def model_weight_kind(model: Any) -> str:
    """The weight kind inference uses when none is given: the one recorded
    by :func:`mark_weight_kind` for the current coefficients, else
    ``"frequency"``."""
    mark = getattr(model, WEIGHT_KIND_ATTR, None)
    if mark is not None and mark[1] is getattr(model, "coef_", None):
        return str(mark[0])
    return "frequency"


def resolve_request(cov_type: str | None, kind: str) -> str:
    """The ``cov_type`` asked for (``None``: ``"HC0"`` for sampling weights,
    else ``"nonrobust"``), after checking ``kind`` and the pair."""
    if kind not in WEIGHT_KINDS:
        raise InvalidParameterError(
            "The 'sample_weight_kind' parameter must be one of "
            f"{list(WEIGHT_KINDS)}. Got {kind!r} instead."
        )
    sampling = kind == "sampling"
    if cov_type is None:
        return "HC0" if sampling else "nonrobust"
    if sampling and cov_type == "nonrobust":
        raise InvalidParameterError(
            "cov_type='nonrobust' (the inverse information) is not a covariance of "
            "the estimate under sampling weights; use cov_type='HC0', 'HC1' or "
            "'cluster' (HC0 is the default for sample_weight_kind='sampling')"
        )
    return cov_type


def require_fitted(model: Any) -> None:
    """Refuse an unfitted ``model``: scikit-learn's ``NotFittedError`` for this
    library's estimator (as ``predict`` raises), a named error for another."""
    if hasattr(model, "_check_fitted"):
        model._check_fitted()
    if not hasattr(model, "coef_"):
        raise InvalidParameterError("the model is not fitted; call fit() first")


def _check_request(model: Any, cov_type: str, sampling: bool = False) -> bool:
    """Whether this is a Firth fit; refuse what cannot be inferred."""
    require_fitted(model)
    if sampling and fitted_param(model, "penalty") == "firth":
        raise InvalidParameterError(
            "sample_weight_kind='sampling' is not available for Firth fits (their "
            "inference is the inverse Fisher information, as logistf)"
        )
    if sampling and fitted_on_counts(model):  # as logistic fit --weights-kind
        raise InvalidParameterError(
            "sample_weight_kind='sampling' is not available for a grouped binomial "
            "fit (trials=): its sample_weight multiplies groups as frequency "
            "weights; call model.inference() without data (cov_type='nonrobust'; "
            "scale='X2' for counts that vary more than binomial)"
        )
    if cov_type not in COV_TYPES:
        raise InvalidParameterError(
            f"The 'cov_type' parameter must be one of {list(COV_TYPES)}. "
            f"Got {cov_type!r} instead{cov_type_hint(cov_type)}."
        )
    firth = fitted_param(model, "penalty") == "firth"
    if firth and cov_type != "nonrobust":
        kind = fitted_param(model, "firth_correction")
        kept = {  # what "nonrobust" is for each (docs/inference.md)
            None: "the inverse Fisher information at Firth's estimate",
            "flic": "the inverse Fisher information at FLIC's estimate",
            "flac": "the inverse information of FLAC's augmented fit",
        }.get(kind, "the covariance kept at fit")
        raise InvalidParameterError(
            f"Firth fits support cov_type='nonrobust' only ({kept}); got {cov_type!r}"
        )
    if not firth:
        check_unpenalized(model)
    return firth


def _from_arrays(
    model: Any, X: Any, y: Any, sample_weight: Any, offset: Any
) -> tuple[LogisticObjective, Block]:
    with hand_off_scope():  # X's structure checked once, for this objective
        X, y01, sw, off = prepare(model, X, y, sample_weight, offset)
        rows = Block(X, y01.astype(X.dtype), sw, off)
        objective = LogisticObjective.from_arrays(
            rows.X, rows.y, sw, off, fit_intercept=_fit_intercept(model)
        )
    return objective, rows


def _from_backend(
    model: Any, backend: Backend, extra: tuple[Any, ...]
) -> tuple[LogisticObjective, Block | None]:
    if any(v is not None for v in extra):
        raise InvalidParameterError(
            "with a backend as X, its blocks hold the labels, weights and offset: "
            "pass y, sample_weight and offset as None"
        )
    if int(backend.n_features) != int(model.n_features_in_):
        raise DataValidationError(
            f"the data have {backend.n_features} features, but the model was fitted "
            f"with {model.n_features_in_}"
        )
    names = backend.feature_names
    fitted = getattr(model, "feature_names_in_", None)
    if names is not None and fitted is not None and list(names) != list(fitted):
        raise DataValidationError(
            f"the data's columns {list(names)} differ from those seen in fit "
            f"{list(fitted)}"
        )
    rows = backend.rows() if backend.capabilities.rows_in_memory else None
    objective = LogisticObjective(backend, fit_intercept=_fit_intercept(model))
    return objective, rows


def _fit_intercept(model: Any) -> bool:
    """Whether ``model``'s fit had an intercept (as fitted, whatever
    ``set_params`` changed since: :mod:`logistic._fitted_params`)."""
    return bool(fitted_param(model, "fit_intercept"))


def _names(model: Any, p: int) -> list[str]:
    fitted = getattr(model, "feature_names_in_", None)
    if fitted is not None:
        return [str(v) for v in fitted]
    return positional_names(p)


def _theta(model: Any) -> FloatArray:
    """``θ̂`` in float64: the fit's own (``coef_`` may be float32) when kept."""
    stats = getattr(model, "fit_statistics_", None)
    if stats is not None:
        return np.asarray(stats.theta, dtype=F64)
    coef = np.asarray(model.coef_, dtype=F64).ravel()
    if fitted_param(model, "fit_intercept"):
        return np.append(coef, float(model.intercept_[0]))
    return coef


def _grouped_refusal(cov_type: str, kept: bool) -> InvalidParameterError:
    """Why a grouped binomial fit (``trials=``) has no inference of this kind:
    its inference is the model-based covariance of the statistics kept at fit
    (the rows given again are refused, as they hold counts, not 0/1 labels),
    or of those a model file keeps (:mod:`logistic.io._statistics`); a model
    read from a file also takes the data as one 0/1 row per trial (what
    ``logistic margins`` passes, and the only way for a file written without
    the statistics), whose log-likelihood differs from the grouped one by a
    constant only."""
    if cov_type != "nonrobust":
        return InvalidParameterError(
            f"cov_type={cov_type!r} is not available for a grouped binomial fit "
            "(trials=): its inference is the model-based covariance of the "
            "statistics kept at fit (cov_type='nonrobust'); for counts that vary "
            "more than binomial pass scale='X2' (R's quasibinomial)"
        )
    if not kept:
        return InvalidParameterError(
            "inference() of a grouped binomial fit (trials=) loaded from a model "
            "file written without its statistics (by an earlier version; a new "
            "fit's file keeps them) needs the data as one 0/1 row per trial: "
            "each group as a row of its successes (y = 1, sample_weight = k) and "
            "a row of its failures (y = 0, sample_weight = n - k); the file "
            "keeps the covariance only (predict_interval works without data)"
        )
    return InvalidParameterError(
        "a grouped binomial fit (trials=) has its inference from the statistics "
        "kept at fit: call model.inference() without data (cov_type='nonrobust')"
    )


def _stored(model: Any, cov_type: str) -> FitStatistics:
    """The statistics kept by ``fit``, for inference without data."""
    stats = getattr(model, "fit_statistics_", None)
    if fitted_on_counts(model) and (cov_type != "nonrobust" or stats is None):
        raise _grouped_refusal(cov_type, stats is not None)
    if cov_type != "nonrobust":
        raise InvalidParameterError(
            f"cov_type={cov_type!r} needs the training data: pass X, y (and "
            "sample_weight, offset) exactly as given to fit(); without data only "
            "cov_type='nonrobust' is available"
        )
    if stats is None:
        n_params = int(model.n_features_in_) + int(_fit_intercept(model))
        if getattr(model, STORED_COVARIANCE_ATTR, None) is not None:
            why = (
                "it was loaded from a file whose covariance comes without them: "
                "one passed to save(covariance=...), or a grouped binomial fit's"
                if n_params <= MAX_STORED_PARAMS
                else f"it was loaded from a file of a fit of {n_params} parameters, "
                f"more than the {MAX_STORED_PARAMS} whose statistics a fit keeps; "
                "the file keeps their covariance, which predict_interval uses"
            )
        else:
            why = (
                f"fitted with more than {MAX_STORED_PARAMS} parameters, or loaded "
                "from a file saved without them"
            )
        raise InvalidParameterError(
            f"this model kept no fit statistics ({why}): pass X and y exactly as "
            "given to fit()"
        )
    return stats  # type: ignore[no-any-return]


def fit_inference(
    model: Any,
    X: Any = None,
    y: Any = None,
    sample_weight: Any = None,
    offset: Any = None,
    *,
    cov_type: str | None = None,
    groups: Any = None,
    sample_weight_kind: str | None = None,
    scale: str | float | None = None,
) -> InferenceResults:
    """Statistical inference for a fitted ``LogisticRegression``.

    Parameters
    ----------
    model : LogisticRegression
        Fitted without penalty (maximum likelihood) or with ``penalty="firth"``.
    X : array-like of shape (n_samples, n_features), a backend, a data file,
        blocks of rows (an iterator or a callable of ``(X, y[, w[, offset]])``
        tuples, as ``fit`` reads them), or None
        None (with ``y`` None): the statistics kept by ``fit``
        (``fit_statistics_``), for ``cov_type="nonrobust"``. Otherwise the
        training data: exactly the arrays given to ``fit`` (the estimator
        does not store them), or the backend the model was fitted on (e.g.
        :class:`logistic.backends.Chunked` streaming a file out of core, or
        :class:`logistic.backends.Dask`), read again block by block.
    y, sample_weight, offset :
        With arrays, exactly those given to ``fit``; with a backend, None
        (its blocks carry them). Checked against the fit.
    cov_type : {"nonrobust", "HC0", "HC1", "cluster"}, optional
        Default ``"nonrobust"``; ``"HC0"`` with sampling weights (where
        ``"nonrobust"`` is refused). See
        :mod:`logistic.inference._covariance` for the formulas. Every
        type works on arrays and on backends that hold their rows in memory;
        on data read block by block (out of core, Dask) "cluster" is refused:
        its group labels would have to be aligned with rows it never holds.
    groups : array-like of shape (n_samples,), optional
        Cluster labels, required for (and only for) ``cov_type="cluster"``.
    sample_weight_kind : {"frequency", "sampling"}, optional
        Default: the kind of the fit, ``"sampling"`` for a model loaded from
        a file written by ``logistic fit --weights-kind sampling`` (its
        ``training.sample_weight_kind``), else ``"frequency"``.
        ``"frequency"``: row i counts as ``s_i`` identical observations
        (``nobs = Σs``; statsmodels ``freq_weights``, Stata ``fweight``);
        non-integer weights are warned about. ``"sampling"``: survey or
        inverse-probability weights (Stata ``pweight``, statsmodels
        ``var_weights``, R ``survey::svyglm``): the same estimate, ``nobs``
        the rows of positive weight, sandwich covariances with the squared
        weights in the meat; needs the data. Likelihood-based statistics (LR
        tests, AIC/BIC, pseudo R²) are then not valid: ``lr_test`` and
        profile intervals are refused.
    scale : {None, "X2"} or float, optional
        A dispersion ``φ`` for a grouped binomial fit (``trials=``): the
        covariance is ``φ I⁻¹``; ``"X2"`` estimates ``φ`` as Pearson χ² /
        df_resid (R's quasibinomial, statsmodels' ``scale="X2"``). See
        :mod:`logistic.inference._dispersion`; refused for 0/1 outcomes.

    Returns
    -------
    InferenceResults

    Raises
    ------
    InvalidParameterError
        Penalized (L1/L2) fit, unknown ``cov_type``, a robust ``cov_type``
        with a Firth fit, or ``"cluster"`` on data read block by block.
    DataValidationError
        The data do not match the fit; ``CollinearityError`` (a subclass)
        when columns are collinear or constant.

    Examples
    --------
    >>> from logistic import LogisticRegression, datasets
    >>> X, y, names = datasets.load_ucla_admissions()
    >>> model = LogisticRegression().fit(X, y)
    >>> res = fit_inference(model, X, y)
    >>> round(float(res.bse[0]), 6)
    1.139951

    Streamed data give the same results (three passes over the file):

    >>> from logistic.backends import Chunked
    >>> data = Chunked.from_csv(datasets.ucla_admissions_path(), target="admit")
    >>> streamed = fit_inference(LogisticRegression().fit(data, None), data)
    """
    check_scale(scale)
    if sample_weight_kind is None:
        sample_weight_kind = model_weight_kind(model)
    if groups is not None and cov_type is None:
        raise InvalidParameterError(
            "groups are for cov_type='cluster' (cluster-robust standard errors), "
            "and no cov_type was given: pass cov_type='cluster' with them"
        )
    refuse_stream(model)  # before any warning: a stream gets no inference
    cov_type = resolve_request(cov_type, sample_weight_kind)
    check_cov_request(cov_type, groups)  # groups with "cluster", and only then
    sampling = sample_weight_kind == "sampling"
    firth = _check_request(model, cov_type, sampling)
    names = _names(model, int(model.n_features_in_))
    check_memory(len(names) + int(bool(fitted_param(model, "fit_intercept", True))))
    labelled = getattr(model, "feature_names_in_", None) is not None
    warn_not_converged(model)
    warn_stochastic(model)
    if X is None and y is None and sample_weight is None and offset is None:
        if sampling:
            raise InvalidParameterError(
                "sample_weight_kind='sampling' (given, or recorded in the model "
                "file this model was loaded from) needs the training data: pass X, "
                "y, sample_weight (and offset) exactly as given to fit()"
            )
        stats = _stored(model, cov_type)
        warn_class_weight(model)  # as inference on the data warns
        warn_fractional(model, stats, sampling, data=False)
        kind = None if firth else separation(model, stats)
        warn_separated(kind, cov_type)
        res = InferenceResults(
            model,
            stats,
            cov_type=cov_type,
            groups=None,
            firth=firth,
            names=names,
            labelled=labelled,
        )
    else:
        res, kind = _with_data(
            model, (X, y, sample_weight, offset), cov_type, groups, firth, sampling
        )
    res.separation = kind
    if scale is not None:
        res.scale = dispersion(scale, res)
        res.scale_kind = ESTIMATED if scale == ESTIMATED else "fixed"
    res.covariance()  # fail now (collinearity, groups) rather than on first access
    if cov_type == "cluster":  # here, so that the warning names the caller's line
        warn_few_clusters(res.cov_info.get("n_groups"), res.k_params)
    return res


def _with_data(
    model: Any,
    data: tuple[Any, ...],
    cov_type: str,
    groups: Any,
    firth: bool,
    sampling: bool = False,
) -> tuple[InferenceResults, str | None]:
    """Inference over the training data given again (arrays or a backend)."""
    X, y, sample_weight, offset = data
    kept = getattr(model, "fit_statistics_", None)
    loaded = getattr(model, STORED_COVARIANCE_ATTR, None) is not None
    if kept is not None and kept.grouped is not None and not loaded:
        # a model read from a file also takes its one 0/1 row per trial
        raise _grouped_refusal(cov_type, True)
    from .._frame_array import row_labels
    from ..backends._dispatch import is_blocks

    rows: Block | None = None
    labels = row_labels(X)  # a DataFrame's index labels the per-row frames
    if isinstance(X, (str, os.PathLike)) or is_blocks(X):
        # a file and its label column, or blocks holding their labels, as fit
        from ..backends import as_backend

        X, y = as_backend(X, y, sample_weight, offset), None
        sample_weight = offset = None
    if y is None and isinstance(X, Backend):
        objective, rows = _from_backend(model, X, (sample_weight, offset))
    elif y is None:  # rows as arrays: their labels are not in them
        raise InvalidParameterError(
            "inference() and summary() were given X without y: pass the training "
            "labels y with X (and sample_weight and offset as given to fit()), or "
            "no data for the model-based covariance kept at fit; only a backend "
            "(logistic.backends.Chunked, Dask), blocks of rows or a data file "
            "carries its labels"
        )
    else:
        objective, rows = _from_arrays(model, X, y, sample_weight, offset)
    theta = _theta(model)
    stats = collect(objective, theta, with_null=False)
    if not firth:
        stats = recorded_aliasing(stats, kept, theta)
    corrected = corrected_kind(model)
    if corrected is not None:  # FLIC, FLAC: the covariance kept at fit
        stats = check_corrected_data(corrected, kept, stats)
    elif firth:
        with shared_copy(objective):  # one centred copy for the check and this
            check_matches_fit(model, objective, theta, firth)
            # the information in centred coordinates: fit's, or from these rows
            kept_centred = getattr(kept, "centred", None)
            stats = stats._replace(
                centred=kept_centred or centred_information(objective, theta)
            )
    else:  # aliased parameters left out: a gradient of the rounding's size
        with np.errstate(all="ignore"):
            aliased = statistics_aliased(stats)
        check_matches_fit(model, objective, theta, firth, stats.gradient, aliased)
    check_same_totals(model, stats.weight_sum, stats.labels.rows, sampling)
    warn_fractional(model, stats, sampling)
    kind = None if firth else separation(model, stats)
    # what fit found (design_aliasing), found again from the rows
    stats = structural_aliasing(stats, objective.data, kind)
    warn_separated(kind, cov_type)
    res = InferenceResults(
        model,
        stats,
        cov_type=cov_type,
        groups=groups,
        firth=firth,
        names=_names(model, objective.n_features),
        labelled=getattr(model, "feature_names_in_", None) is not None,
        objective=objective,
        rows=rows,
        sampling=sampling,
        row_labels=labels,
    )
    return res, kind
