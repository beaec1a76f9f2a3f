"""``--scale`` of ``logistic summary MODEL`` and ``logistic margins MODEL
DATA``: quasi-binomial standard errors of a grouped model file.

A dispersion ``φ`` multiplies the covariance, as ``model.inference(scale=...)``
does in Python (:mod:`logistic.inference._dispersion` owns the convention):
``X2`` is the file's Pearson χ² / df_resid (R's quasibinomial), a number is
that ``φ``. Only grouped fits (``--trials`` or ``cbind``) have a dispersion to
scale by; the file's log-likelihood, deviance and AIC/BIC are printed
unscaled. ``summary`` scales the file's stored covariance before its table
is made (:func:`apply_scale`); ``margins``, whose inference is on one 0/1 row
per trial, gives those rows' results the grouped fit's ``φ`` read from the
file (:func:`scale_of`, :func:`scale_results`): not a Pearson χ² of the 0/1
rows, which does not measure overdispersion.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer

from ._codes import EX_USAGE, CLIError

__all__ = [
    "Scale",
    "apply_scale",
    "overdispersion_note",
    "scale_line",
    "scale_of",
    "scale_results",
]

Scale = Annotated[
    str | None,
    typer.Option(
        "--scale",
        metavar="X2|PHI",
        help="Grouped fits (--trials, cbind): multiply the covariance by a "
        "dispersion, X2 for Pearson chi2/df (R's quasibinomial) or a number; "
        "standard errors are multiplied by its square root (smaller when it is "
        "below 1).",
        show_default=False,
    ),
]


def _phi(text: str, statistics: dict[str, Any], model: str) -> tuple[float, str]:
    """``φ`` and its kind for ``--scale TEXT``: ``X2`` (any case) reads the
    file's Pearson chi2/df, a number is checked as ``inference(scale=)``
    checks it (:func:`logistic.inference._dispersion.check_scale`)."""
    from .._exceptions import InvalidParameterError
    from ..inference._dispersion import ESTIMATED, check_scale

    if text.upper() == ESTIMATED:
        phi = statistics.get("dispersion")
        if not (isinstance(phi, (int, float)) and math.isfinite(phi) and phi > 0):
            raise CLIError(
                f"--scale X2: {model} records no Pearson chi2/df (its "
                "training.statistics); give the dispersion as a number",
                EX_USAGE,
            )
        return float(phi), ESTIMATED
    try:
        value = float(text)
        check_scale(value)
    except (ValueError, InvalidParameterError):
        raise CLIError(
            f"--scale {text}: expected X2 (Pearson chi2/df) or a positive number",
            EX_USAGE,
        ) from None
    return value, "fixed"


def apply_scale(
    mf: Any, model: str, text: str | None, grouped: bool, with_data: bool
) -> dict[str, Any] | None:
    """Scale ``mf.covariance`` in place by the dispersion ``text`` asks for;
    returns ``{"scale", "kind"}`` (None without ``--scale``). Refused with
    DATA, for fits that are not grouped, and for files without a covariance."""
    if text is None:
        return None
    if with_data:
        raise CLIError(
            "--scale is for a grouped model file's table (no DATA: a grouped "
            "fit's inference comes from the statistics its file keeps)",
            EX_USAGE,
        )
    _check_fit(mf, model, grouped)
    if mf.covariance is None:
        raise CLIError(f"--scale: {model} stores no covariance to scale", EX_USAGE)
    statistics = (mf.training or {}).get("statistics") or {}
    phi, kind = _phi(text, statistics, model)
    mf.covariance = mf.covariance * phi
    return {"scale": phi, "kind": kind}


def scale_of(
    mf: Any, model: str, text: str | None, grouped: bool
) -> dict[str, Any] | None:
    """``{"scale", "kind"}`` of ``--scale TEXT`` for the model file ``mf``
    (None without ``--scale``), refused (exit 2) as ``summary`` refuses it:
    a model of more than two classes, a fit not on grouped counts, a Firth
    fit, ``X2`` without a recorded Pearson chi2/df, a number not positive."""
    if text is None:
        return None
    _check_fit(mf, model, grouped)
    statistics = (mf.training or {}).get("statistics") or {}
    phi, kind = _phi(text, statistics, model)
    return {"scale": phi, "kind": kind}


def scale_results(results: Any, scaled: dict[str, Any] | None) -> Any:
    """``results`` (nonrobust inference on a grouped fit's per-trial rows)
    with the covariance multiplied by ``scaled["scale"]``, as
    ``model.inference(scale=...)`` of the grouped fit: the per-trial rows'
    information is the grouped fit's, and ``φ`` is the grouped fit's (the
    library refuses ``scale=`` on 0/1 rows, whose Pearson chi2/df is no
    dispersion). The covariance cached unscaled is dropped, so everything
    read from it afterwards (marginal effects, the header's ``scale φ``)
    follows ``φ``."""
    if scaled is None:
        return results
    results.scale = float(scaled["scale"])
    results.scale_kind = scaled["kind"]
    for cached in ("_cov", "_wald"):
        results.__dict__.pop(cached, None)
    return results


def overdispersion_note(mf: Any) -> str | None:
    """The line ``margins`` prints on stderr, without ``--scale``, for a
    grouped maximum-likelihood fit whose recorded Pearson chi2/df exceeds 2
    (the threshold of the library's summary note), else None."""
    phi = ((mf.training or {}).get("statistics") or {}).get("dispersion")
    if getattr(mf.model, "penalty", None) == "firth":
        return None
    if not (isinstance(phi, (int, float)) and math.isfinite(phi) and phi > 2.0):
        return None
    from ..inference._dispersion import overdispersion_note as note

    return note(phi, "--scale X2")


def _check_fit(mf: Any, model: str, grouped: bool) -> None:
    """Refuse ``--scale`` for a model that has no dispersion (exit 2)."""
    from .._multiclass import is_multiclass

    if is_multiclass(mf.model):
        raise CLIError(
            f"--scale: {model} is a model of {len(mf.model.classes_)} classes; a "
            "dispersion applies to two-class fits on grouped counts (--trials or "
            "cbind)",
            EX_USAGE,
        )
    if not grouped:
        raise CLIError(
            f"--scale: {model} was not fitted on grouped counts (--trials or "
            "cbind); with 0/1 outcomes each row's variance is fixed by its mean, "
            "so there is no dispersion to scale by",
            EX_USAGE,
        )
    if getattr(mf.model, "penalty", None) == "firth":
        raise CLIError(
            f"--scale: {model} is a Firth fit; a dispersion applies to "
            "maximum-likelihood grouped fits (Firth's covariance is the inverse "
            "Fisher information of the penalized likelihood, as logistf)",
            EX_USAGE,
        )


def scale_line(scaled: dict[str, Any]) -> str:
    """The line ``summary`` prints above a scaled table (a file's summary shows
    no LR statistic, so it names what it prints)."""
    how = "Pearson chi2/df, quasi-binomial" if scaled["kind"] == "X2" else "given"
    phi = scaled["scale"]
    return (
        f"dispersion {phi:.6g} ({how}): standard errors scaled by "
        f"{math.sqrt(phi):.6g}; the log-likelihood, deviance and AIC/BIC above are "
        "the binomial likelihood's, unscaled"
    )
