"""A model file's ``training.fit_statistics``: what inference needs without data.

Convention (owned here): :func:`logistic.save` writes, beside the model-based
covariance, the scalars and vectors of the model's
:class:`~logistic.inference._stored.FitStatistics` (``fit_statistics_``) of
an unpenalized or Firth fit: ``theta``
(float64, objective order, intercept last), ``value``, ``gradient``,
``weight_sum``, ``mean``, ``std``, ``llnull`` (or null; with
``null_has_intercept``: true, given only then, the intercept-only null of a
fit without an intercept whose columns span the constant) and the label sums
(``positive``, ``weight``, ``saturated``, ``extreme``, ``has_offset``,
``pearson``, and ``rows`` and ``fractional``: the rows of positive weight and
how many have a non-integer weight, optional so that files written before
them load, as unknown and 0; not given for a fit on grouped counts, whose
data inference takes again are one row per trial, not per group), for such
a fit (``trials=``, ``logistic fit --trials``), and only then, ``grouped``:
its :class:`~logistic._grouped.GroupedSummary` (``n_groups``,
``log_binom``, ``n_trials``: the grouped scale of its statistics, so that
``load(path).summary()`` prints the fitted model's table, as ``logistic
summary`` does), and, for a fit with aliased columns
(:mod:`logistic.inference._aliased`), ``reduced_theta``: the reduced model's
estimate, null exactly at the aliased parameters, whose rows and columns of
the stored covariance (the reduced model's) are null too; given when and
only when the covariance has such rows; beside it ``null_basis``
(optional): the null vectors of the fit's information at the aliased
parameters in standardized coordinates (from ``mean`` and ``std``), one
list of ``k`` numbers each, and ``null_spread``, the training rows' spread
along each: they tell the rows a prediction can estimate
(:mod:`logistic.inference._estimable`). The Hessian is not written twice:
:func:`logistic.load` rebuilds it from the stored covariance,
``∇²J = Σ⁻¹ / weight_sum`` (on the parameters that are not aliased; 0 in the
aliased rows and columns, the estimate then being ``reduced_theta``), so that
``load(path).inference()``, ``summary()``, odds ratios and marginal effects at
the means work as on the fitted model (to the rounding of one inversion).
A Firth fit with a column far from 0 also writes ``centred`` (format 1.6:
:mod:`._centred`), its information in the centred coordinates it was fitted
in, from which the Hessian is rebuilt instead (its covariance in the user's
coordinates is too ill-conditioned to invert).
Every field is checked on load; a wrong one raises ``ModelFormatError``.

A K-class reference fit writes its own form (:mod:`._multinomial_statistics`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._centred import KEY as CENTRED_KEY
from ._centred import centred_from_dict, centred_to_dict
from ._fields import MAX_ROWS
from ._multinomial_statistics import (
    multinomial_statistics_from_dict,
    multinomial_to_dict,
    multinomial_totals,
)
from ._statistics_fields import F64, KEY, _floats, _number, _vector, _wrong

__all__ = [
    "KEY",
    "multinomial_statistics_from_dict",
    "statistics_from_dict",
    "statistics_to_dict",
    "training_totals",
]

_LABELS = ("positive", "weight", "saturated", "pearson")
#: A grouped fit's constants (:class:`logistic._grouped.GroupedSummary`).
_GROUPED = ("n_groups", "log_binom", "n_trials")


def statistics_to_dict(stats: Any) -> dict[str, Any] | None:
    """The JSON form of ``stats`` (None for grouped fits or non-finite values)."""
    if stats is None:
        return None
    if hasattr(stats, "class_totals"):  # K classes (inference._multinomial)
        return multinomial_to_dict(stats)
    labels = stats.labels
    out = {
        "theta": _floats(stats.theta),
        "value": float(stats.value),
        "gradient": _floats(stats.gradient),
        "weight_sum": float(stats.weight_sum),
        "mean": _floats(stats.mean),
        "std": _floats(stats.std),
        "llnull": None if stats.llnull is None else float(stats.llnull),
        "labels": {
            **{k: float(getattr(labels, k)) for k in _LABELS},
            "extreme": int(labels.extreme),
            "has_offset": bool(labels.has_offset),
        },
    }
    if stats.null_has_intercept:
        out["null_has_intercept"] = True
    if stats.grouped is not None:  # the grouped scale (logistic._grouped)
        out["grouped"] = {k: float(getattr(stats.grouped, k)) for k in _GROUPED}
    from ..inference._aliased import reduced_estimate

    reduced = reduced_estimate(stats)
    if reduced is not None:  # aliased columns: the reduced model's estimate
        kept = reduced[~np.isnan(reduced)]
        if not np.all(np.isfinite(kept)):
            return None
        out["reduced_theta"] = [None if math.isnan(v) else v for v in _floats(reduced)]
        basis = _basis_of(stats, np.isnan(reduced))
        if basis is not None:
            out["null_basis"] = [_floats(row) for row in basis[0]]
            out["null_spread"] = _floats(basis[1])
    # rows: unknown for a model loaded from an older file; a grouped fit's are
    # its groups, and the data inference takes again are one row per trial
    if math.isfinite(labels.rows) and stats.grouped is None:
        out["labels"]["rows"] = int(labels.rows)  # type: ignore[index]
        out["labels"]["fractional"] = int(labels.fractional)  # type: ignore[index]
    centred = centred_to_dict(stats)  # a column far from 0 (io._centred)
    if centred is not None:
        out[CENTRED_KEY] = centred
    numbers = [*out["theta"], *out["gradient"], *out["mean"], *out["std"]]  # type: ignore[misc]
    numbers += [out["value"], out["weight_sum"], *out["labels"].values()]  # type: ignore[attr-defined]
    numbers += list(out.get("grouped", {}).values())  # type: ignore[attr-defined]
    if not all(math.isfinite(float(v)) for v in numbers):
        return None
    return out


def _basis_of(stats: Any, aliased: np.ndarray) -> tuple[Any, Any] | None:
    """The null vectors and their spreads to write beside ``reduced_theta``:
    those a loaded model kept, else the fit's information's
    (:mod:`logistic.inference._estimable`; none for a separated fit's
    design-found aliasing, whose information is roundoff)."""
    from ..inference._estimable import null_basis

    if stats.null_basis is not None:
        return stats.null_basis, stats.null_spread
    if stats.reduced_theta is not None:
        return None
    return null_basis(
        stats.hessian, aliased, stats.mean, stats.std, stats.fit_intercept
    )


def _null_basis(doc: dict[str, Any], aliased: np.ndarray, path: str) -> Any:
    """``null_basis`` of ``doc`` (optional; only beside aliased parameters):
    one list of ``k`` finite numbers per aliased parameter, as
    :func:`logistic.inference._estimable.check_null_basis` requires."""
    from ..inference._estimable import check_null_basis, check_null_spread

    name = f"training.{KEY}.null_basis"
    value = doc.get("null_basis")
    if value is None:
        return None
    m, k = int(aliased.sum()), int(aliased.shape[0])
    shape = f"must be a list of {m} lists of {k} numbers (one per aliased parameter)"
    if m == 0 or not isinstance(value, list) or len(value) != m:
        raise _wrong(path, name, shape)
    rows = []
    for row in value:
        if not isinstance(row, list) or len(row) != k:
            raise _wrong(path, name, shape)
        rows.append([_number(doc, "null_basis", v, path) for v in row])
    basis = np.asarray(rows, dtype=F64)
    wrong = check_null_basis(basis, aliased)
    if wrong is not None:
        raise _wrong(path, name, wrong)
    named = f"training.{KEY}.null_spread"
    value = doc.get("null_spread")
    if not isinstance(value, list):
        raise _wrong(path, named, f"must be a list of {m} numbers beside null_basis")
    spread = np.asarray([_number(doc, "null_spread", v, path) for v in value])
    wrong = check_null_spread(spread, m)
    if wrong is not None:
        raise _wrong(path, named, wrong)
    return basis, spread


def statistics_from_dict(
    doc: Any, covariance: np.ndarray, fit_intercept: bool, path: str,
    counts: bool = False, firth: bool = False,
) -> Any:  # fmt: skip
    """A :class:`FitStatistics` from ``doc`` and the file's ``covariance`` in
    objective order, or None when the covariance cannot be inverted;
    ``counts``: the file marks the model as fitted on grouped counts, whose
    statistics then hold ``grouped`` (and only then). ``firth``: a Firth fit
    (FLIC and FLAC included), whose covariance was inverted in centred
    coordinates: kept as its ``centred`` information, the file's
    (:mod:`._centred`, with the Hessian from it) where it holds one, else
    the covariance's (:func:`_as_centred`)."""
    from ..inference._passes import LabelSums
    from ..inference._stored import FitStatistics

    if not isinstance(doc, dict):
        raise _wrong(path, f"training.{KEY}", "must be an object")
    k = int(covariance.shape[0])
    p = k - int(fit_intercept)
    theta = _vector(doc, "theta", k, path)
    gradient = _vector(doc, "gradient", k, path)
    mean, std = _vector(doc, "mean", p, path), _vector(doc, "std", p, path)
    value = _number(doc, "value", doc.get("value"), path)
    weight_sum = _number(doc, "weight_sum", doc.get("weight_sum"), path)
    llnull = doc.get("llnull")
    if llnull is not None:
        llnull = _number(doc, "llnull", llnull, path)
        if not llnull < 0:  # two classes of positive weight: the null misfits some
            raise _wrong(
                path, f"training.{KEY}.llnull", "must be a negative log-likelihood"
            )
    spanned = doc.get("null_has_intercept", False)
    if not isinstance(spanned, bool) or (spanned and (llnull is None or fit_intercept)):
        raise _wrong(
            path,
            f"training.{KEY}.null_has_intercept",
            "must be true or false, true only beside llnull of a fit without an "
            "intercept",
        )
    labels = doc.get("labels")
    if not isinstance(labels, dict):
        raise _wrong(path, f"training.{KEY}.labels", "must be an object")
    sums = {
        key: _number(labels, f"labels.{key}", labels.get(key), path) for key in _LABELS
    }
    extreme, has_offset = labels.get("extreme"), labels.get("has_offset")
    if isinstance(extreme, bool) or not isinstance(extreme, int) or extreme < 0:
        raise _wrong(path, f"training.{KEY}.labels.extreme", "must be a row count")
    if not isinstance(has_offset, bool):
        raise _wrong(path, f"training.{KEY}.labels.has_offset", "must be true or false")
    row_counts = _row_counts(labels, path)
    rows_given = bool(row_counts)
    if not weight_sum > 0:
        raise _wrong(path, f"training.{KEY}.weight_sum", "must be positive")
    _check_label_sums(sums, weight_sum, path)
    if not (value >= 0.0 and math.isfinite(value * weight_sum)):
        # the mean cross-entropy at the fit; -weight_sum·value is the llf
        raise _wrong(
            path,
            f"training.{KEY}.value",
            "must be a mean log-loss: at least 0, and finite times weight_sum",
        )
    if np.any(std < 0):
        raise _wrong(path, f"training.{KEY}.std", "must hold standard deviations (≥ 0)")
    grouped = _grouped(doc, weight_sum, path, counts)
    if grouped is not None and rows_given:
        raise _wrong(
            path, f"training.{KEY}.labels.rows", "is not given for a grouped fit"
        )
    aliased = np.isnan(np.diag(covariance))
    reduced = _reduced_theta(doc, aliased, path)
    basis, spread = _null_basis(doc, aliased, path) or (None, None)
    model = (firth, bool(fit_intercept))
    centred = centred_from_dict(doc, covariance, weight_sum, (mean, std), model, path)
    kept = np.ix_(~aliased, ~aliased)
    hessian = np.zeros((k, k))
    try:
        if centred is not None:  # not the covariance inverted (io._centred)
            hessian = centred.original_hessian()
        else:
            hessian[kept] = np.linalg.inv(covariance[kept]) / weight_sum
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(hessian)):
        return None
    if centred is None and firth:
        centred = _as_centred(covariance, weight_sum)
    return FitStatistics(
        theta=theta,
        value=value,
        gradient=gradient,
        hessian=0.5 * (hessian + hessian.T),
        labels=LabelSums(extreme=extreme, has_offset=has_offset, **sums, **row_counts),
        weight_sum=weight_sum,
        mean=mean,
        std=std,
        fit_intercept=bool(fit_intercept),
        llnull=llnull,
        null_has_intercept=spanned,
        grouped=grouped,
        reduced_theta=reduced,
        null_basis=basis,
        null_spread=spread,
        centred=centred,
    )


def _as_centred(covariance: np.ndarray, weight_sum: float) -> Any:
    """The stored covariance ``V`` of a Firth fit as a
    :class:`~logistic._firth_centred.CentredInformation` (``T = L``, ``V = L
    Lᵀ`` its Cholesky factor, information ``I' = 1``), so that inference
    without the data gives ``V`` back as stored: inverted twice about 0
    (``hessian``), a column far from centred lost ``ε / rcond`` of every
    standard error (age moved by 1e6 in sex2: 1.6e-3, with a warning), though
    the file's ``V`` was inverted where the columns are centred. None with an
    aliased parameter (a null row) or where ``V`` is not positive definite."""
    from .._firth_centred import CentredInformation

    try:
        factor = np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(factor)):
        return None
    k = covariance.shape[0]
    return CentredInformation(factor, np.eye(k) / weight_sum)


def _grouped(doc: dict[str, Any], weight_sum: float, path: str, counts: bool) -> Any:
    """The :class:`~logistic._grouped.GroupedSummary` of a fit on grouped
    counts (``grouped``, given exactly when the file marks the model so:
    ``n_groups`` > 0, the groups' weight; ``log_binom`` ≥ 0, a sum of
    ``s log C(n, k)``; ``n_trials``, the trials' weight, which is the fit's
    ``weight_sum``), else None."""
    from .._grouped import GroupedSummary

    value = doc.get("grouped")
    name = f"training.{KEY}.grouped"
    if (value is not None) != counts:
        raise _wrong(
            path,
            name,
            "must be given for a model fitted on grouped counts (model.grouped or "
            "encoding.binomial), and only for one",
        )
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != set(_GROUPED):
        raise _wrong(path, name, f"must be an object of {', '.join(_GROUPED)}")
    numbers = {k: _number(value, f"grouped.{k}", value[k], path) for k in _GROUPED}
    if not numbers["n_groups"] > 0:
        raise _wrong(path, f"{name}.n_groups", "must be positive")
    if not numbers["log_binom"] >= 0:
        raise _wrong(path, f"{name}.log_binom", "must be at least 0")
    if not abs(numbers["n_trials"] - weight_sum) <= 1e-9 * weight_sum:
        raise _wrong(
            path, f"{name}.n_trials", f"must equal weight_sum ({weight_sum!r})"
        )
    return GroupedSummary(**numbers)


def _check_label_sums(sums: dict[str, float], weight_sum: float, path: str) -> None:
    """Refuse label sums no fit of two classes gives: ``weight`` is ``Σs``,
    the fit's ``weight_sum`` (summed in another order: equal to rounding);
    ``positive``, ``Σ s y``, lies strictly between 0 and it (a fit refuses a
    class without weight); ``saturated``, a sum of ``y log y`` terms, is at
    most 0 and ``pearson``, a sum of squares, at least 0. Inference divides
    by ``weight`` and by the null log-likelihood these give."""
    name = f"training.{KEY}.labels"
    weight = sums["weight"]
    if not abs(weight - weight_sum) <= 1e-9 * weight_sum:
        raise _wrong(
            path, f"{name}.weight", f"must equal weight_sum ({weight_sum!r}), Σ s"
        )
    if not 0.0 < sums["positive"] < weight:
        raise _wrong(
            path,
            f"{name}.positive",
            "must lie strictly between 0 and labels.weight (the weight of the "
            "positive class)",
        )
    if not sums["saturated"] <= 0.0:
        raise _wrong(path, f"{name}.saturated", "must be at most 0")
    if not sums["pearson"] >= 0.0:
        raise _wrong(path, f"{name}.pearson", "must be at least 0")


def _reduced_theta(doc: dict[str, Any], aliased: np.ndarray, path: str) -> Any:
    """``reduced_theta`` of ``doc``: the reduced model's estimate, null exactly
    at the ``aliased`` parameters (the null rows of the covariance), given
    when and only when there are some; NaN there in the array returned."""
    name = f"training.{KEY}.reduced_theta"
    value = doc.get("reduced_theta")
    if not aliased.any():
        if value is not None:
            raise _wrong(
                path, name, "is given but the covariance has no aliased (null) rows"
            )
        return None
    k = int(aliased.shape[0])
    if not isinstance(value, list) or len(value) != k:
        raise _wrong(
            path,
            name,
            f"must be a list of {k} numbers or nulls (the covariance has the null "
            f"rows of aliased parameters {np.flatnonzero(aliased).tolist()[:10]})",
        )
    if [v is None for v in value] != aliased.tolist():
        raise _wrong(
            path,
            name,
            "must be null exactly at the aliased parameters (the null rows of the "
            f"covariance: {np.flatnonzero(aliased).tolist()[:10]})",
        )
    out = np.full(k, np.nan)
    kept = np.flatnonzero(~aliased)
    out[kept] = [_number(doc, "reduced_theta", value[j], path) for j in kept]
    return out


def _row_counts(labels: dict[str, Any], path: str) -> dict[str, float]:
    """``rows`` and ``fractional`` of ``labels`` (both or neither: absent in
    files written before them), as whole numbers with ``fractional ≤ rows``
    (at most :data:`MAX_ROWS`, as every row count of a model file)."""
    if "rows" not in labels and "fractional" not in labels:
        return {}
    counts = {}
    for key in ("rows", "fractional"):
        value = labels.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_ROWS
        ):
            raise _wrong(
                path,
                f"training.{KEY}.labels.{key}",
                "must be a row count (an integer from 0 to 2**63)",
            )
        counts[key] = float(value)
    if counts["fractional"] > counts["rows"]:
        raise _wrong(
            path, f"training.{KEY}.labels.fractional", "must be at most labels.rows"
        )
    return counts


def training_totals(doc: Any, path: str) -> tuple[float, float | None] | None:
    """``(weight_sum, rows)`` of the fit's rows from a file's statistics
    ``doc`` (binary: ``labels.rows``; multinomial: ``rows``, the rows of
    positive weight; None where not recorded, in files written before them),
    or None without them; checked as :func:`statistics_from_dict` and
    :func:`multinomial_statistics_from_dict` check them."""
    if doc is None:
        return None
    if not isinstance(doc, dict):
        raise _wrong(path, f"training.{KEY}", "must be an object")
    weight_sum = _number(doc, "weight_sum", doc.get("weight_sum"), path)
    if not weight_sum > 0:
        raise _wrong(path, f"training.{KEY}.weight_sum", "must be positive")
    if doc.get("kind") == "multinomial":  # K classes: the top-level "rows"
        return weight_sum, multinomial_totals(doc, path)
    labels = doc.get("labels")
    rows = _row_counts(labels, path).get("rows") if isinstance(labels, dict) else None
    return weight_sum, rows
