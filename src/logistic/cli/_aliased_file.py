"""Model files of two-class fits with aliased (exactly collinear) columns, as
the CLI reads them: the fit statistics the file keeps (the reduced model's
covariance and estimate) attached to the model, the inference and coefficient
rows they give (``NA`` at the aliased terms, R's), and the singularity note.
Used by ``summary`` and by ``predict --interval``."""

from __future__ import annotations

from typing import Any

__all__ = ["aliased_inference", "aliased_rows", "attach_statistics", "singularity_note"]


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

    from ..io._statistics import KEY, statistics_from_dict

    model, cov = mf.model, mf.covariance
    if (
        cov is None
        or len(model.classes_) > 2
        or getattr(model, "fit_statistics_", None) is not None
        or not np.isnan(np.diag(cov)).any()
        or (mf.encoding or {}).get("binomial")
    ):
        return
    kept = (mf.training or {}).get(KEY)
    if kept is None:
        return
    from ..inference._model_interval import stored_covariance

    fit_intercept = bool(model.fit_intercept)
    matrix = stored_covariance(cov, mf.covariance_names, fit_intercept)
    stats = statistics_from_dict(kept, matrix, fit_intercept, path)
    if stats is not None:
        model.fit_statistics_ = stats


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
    if res is not None:
        from ..inference._aliased import singularity_note as note

        return note(list(res.aliased))
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
