"""The fit statistics a model file keeps, as the CLI reads them: two classes,
those of fits with aliased (exactly collinear) columns (the reduced model's
covariance and estimate) attached to the model, the inference and coefficient
rows they give (``NA`` at the aliased terms, R's), and the singularity note;
two classes or more, the ``training.statistics`` that ``logistic fit`` writes,
derived for a file saved from Python (:func:`stored_statistics`). Used by ``summary``,
``report`` (:func:`with_file_statistics`) and ``predict --interval``."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = [
    "aliased_inference",
    "aliased_rows",
    "reduced_in_file",
    "attach_statistics",
    "file_statistics",
    "singularity_note",
    "stored_statistics",
    "with_file_statistics",
]


def attach_statistics(mf: Any, path: str) -> None:
    """Give the two-class model of ``mf`` the fit statistics its file keeps
    when its covariance marks aliased parameters (null rows: the reduced
    model's, with its estimate in ``training.fit_statistics``), as
    :func:`logistic.load` does; checked as ``load`` checks them (a wrong
    field is a ``ModelFormatError`` naming ``path``). The CLI reads files with
    ``read_model_file``, which keeps the covariance only; ``summary`` and
    ``report`` call this first (the report writes the aliased rows as NA and
    draws the others' intervals)."""
    import numpy as np

    from .._grouped import file_on_counts

    model, cov = mf.model, mf.covariance
    if (
        cov is None
        or len(model.classes_) > 2
        or getattr(model, "fit_statistics_", None) is not None
        or not np.isnan(np.diag(cov)).any()
        or file_on_counts(mf)
    ):
        return
    stats = file_statistics(mf, path)
    if stats is not None:
        model.fit_statistics_ = stats


def file_statistics(mf: Any, path: str) -> Any:
    """The fit statistics a two-class file keeps (``training.fit_statistics``
    with its stored covariance, read as :func:`logistic.load` reads them), or
    None where it keeps none; a wrong field is a ``ModelFormatError`` naming
    ``path``."""
    from ..io._statistics import KEY, statistics_from_dict

    kept = (mf.training or {}).get(KEY)
    if kept is None or mf.covariance is None:
        return None
    from .._grouped import file_on_counts
    from ..inference._model_interval import stored_covariance

    fit_intercept = bool(mf.model.fit_intercept)
    matrix = stored_covariance(mf.covariance, mf.covariance_names, fit_intercept)
    counts = file_on_counts(mf)
    firth = getattr(mf.model, "penalty", None) == "firth"  # as load reads them
    return statistics_from_dict(kept, matrix, fit_intercept, path, counts, firth)


def with_file_statistics(mf: Any, path: str) -> None:
    """Prepare ``mf`` for ``summary`` and ``report``: the aliased model's fit
    statistics (:func:`attach_statistics`) and, for a file saved from Python,
    the ``training.statistics`` that ``logistic fit`` writes, derived from its
    ``training.fit_statistics`` (:func:`stored_statistics`)."""
    attach_statistics(mf, path)
    derived = stored_statistics(mf, path)
    if derived is not None:
        mf.training = {**(mf.training or {}), "statistics": derived}


def aliased_inference(mf: Any) -> Any:
    """The inference results (from the statistics the file keeps) of a
    two-class maximum-likelihood fit with aliased columns, else None."""
    model = mf.model
    if model.penalty is not None or getattr(model, "fit_statistics_", None) is None:
        return None
    try:
        res = model.inference()
    except Exception:  # collinear beyond aliasing, or no statistics: as before
        return None
    return res if res.aliased else None


def reduced_in_file(mf: Any) -> bool:
    """Whether a two-class maximum-likelihood file without fit statistics
    keeps the reduced model of a fit with aliased terms: its covariance marks
    them (NaN rows: a ``--weights-kind sampling`` fit, whose covariance is
    the sandwich and which writes no statistics) and its coefficients are 0
    there (R's NA read as 0, the reduced model's estimate elsewhere), so the
    other terms' rows come from the file as it is."""
    import numpy as np

    model, cov = mf.model, mf.covariance
    if (
        cov is None
        or len(model.classes_) > 2
        or model.penalty is not None
        or getattr(model, "fit_statistics_", None) is not None
    ):
        return False
    nan = np.isnan(np.diag(cov))
    if not nan.any():
        return False
    coef = np.asarray(model.coef_, dtype=np.float64).ravel()
    if model.fit_intercept:  # the covariance's order: intercept first or last
        b = float(model.intercept_[0])
        first = bool(mf.covariance_names) and mf.covariance_names[0] == "Intercept"
        coef = np.r_[b, coef] if first else np.r_[coef, b]
    return coef.size == nan.size and bool(np.all(coef[nan] == 0.0))


def aliased_rows(res: Any, alpha: float) -> list[dict[str, Any]]:
    """Coefficient rows of ``res``: the reduced model's, null (JSON) in every
    column of an aliased term (R's NA)."""
    table = res.wald_table(alpha)
    rows: list[dict[str, Any]] = []
    for i, term in enumerate(res.term_names):
        if term in res.aliased:
            keys = ("estimate", "std_error", "z", "p_value", "ci_low", "ci_high")
            rows.append({"term": term, **dict.fromkeys(keys)})
        else:
            rows.append(
                {"term": term, "estimate": float(table.params[i]), **table.row(i)}
            )
    return rows


def singularity_note(mf: Any, res: Any) -> str | None:
    """R's "(k not defined because of singularities)" for a two-class
    maximum-likelihood model file: from the aliased terms of ``res``, else
    from the stored ``df model`` (intercept models: the rank is
    ``df model + 1``) when the file keeps no statistics to say which."""
    from ..inference._aliased import singularity_note as note

    if res is not None:
        return note(list(res.aliased))
    if reduced_in_file(mf) and mf.covariance_names:
        import numpy as np

        nan = np.isnan(np.diag(mf.covariance))
        return note(
            [n for n, gone in zip(mf.covariance_names, nan, strict=True) if gone]
        )
    model = mf.model
    df_model = ((mf.training or {}).get("statistics") or {}).get("df_model")
    if model.penalty is not None or df_model is None or not model.fit_intercept:
        return None
    missing = int(model.n_features_in_) + 1 - (int(round(float(df_model))) + 1)
    if missing <= 0:
        return None
    return (
        f"Coefficients: ({missing} not defined because of singularities): "
        "aliased columns; the estimates in this file are not identified. "
        "`logistic summary MODEL DATA` names them and gives the estimates of "
        "the model without them."
    )


def stored_statistics(mf: Any, path: str) -> dict[str, float] | None:
    """The ``training.statistics`` that ``logistic fit`` writes, derived from
    the ``training.fit_statistics`` a model file saved from Python keeps
    (:mod:`logistic.io._statistics`), as ``logistic.load(path).summary()``
    computes them: for two classes from the statistics read here, for more
    (a reference fit) from those :func:`._common.load_model_file` attached,
    the keys ``logistic fit`` writes for such a fit (no deviances: its
    inference has none, as statsmodels' ``MNLogit``). None when the file
    already has them or keeps no statistics (penalized fits, fits beyond
    the stored-parameter cap) and for grouped counts (their summaries read
    other fields)."""
    from .._grouped import file_on_counts
    from .._multiclass import is_multiclass

    training, fitted = mf.training or {}, mf.model
    if training.get("statistics") or file_on_counts(mf):
        return None
    import copy

    from ._fit_statistics import statistics

    if is_multiclass(fitted):
        stats = getattr(fitted, "fit_statistics_", None)
    else:
        stats = file_statistics(mf, path)
    if stats is None:
        return None
    model = copy.copy(fitted)  # the file's model stays as read
    model.fit_statistics_ = stats
    try:
        with warnings.catch_warnings():
            if is_multiclass(fitted):  # said by its tables, named by level
                warnings.simplefilter("ignore")
            inference = model.inference()
    except Exception:  # a singular information: no statistics shown, as before
        return None
    return statistics(inference) or None
