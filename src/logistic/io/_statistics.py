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

A K-class reference fit
(:class:`~logistic.inference._multinomial.MultinomialStatistics`) writes
``{"kind": "multinomial", "weight_sum", "class_totals" (K numbers),
"llf", "n_samples"}`` and, when the fit kept them, ``mean`` (the weighted
column means, n_features numbers), ``offset_mean`` (K numbers, for
marginal effects at the means), ``fractional`` (the rows of non-integer
weight, for inference's warning) and ``rows`` (the rows of positive weight,
as the two-class ``labels.rows``; ``n_samples`` counts those of weight 0
too); its information matrix is rebuilt from the stored covariance,
``I = Σ⁻¹``, so ``load(path).summary()`` prints the fitted model's table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._centred import KEY as CENTRED_KEY
from ._centred import centred_from_dict, centred_to_dict
from ._fields import MAX_ROWS, _bad, is_finite_number

__all__ = [
    "multinomial_statistics_from_dict",
    "statistics_from_dict",
    "statistics_to_dict",
    "training_totals",
]

F64 = np.float64
KEY = "fit_statistics"
_LABELS = ("positive", "weight", "saturated", "pearson")
#: A grouped fit's constants (:class:`logistic._grouped.GroupedSummary`).
_GROUPED = ("n_groups", "log_binom", "n_trials")
_MULTINOMIAL_OPTIONAL = ("mean", "offset_mean")


def _wrong(path: str, name: str, what: str) -> Exception:
    return _bad(path, f"field '{name}' {what}")


def _floats(values: Any) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=F64).ravel()]


def statistics_to_dict(stats: Any) -> dict[str, Any] | None:
    """The JSON form of ``stats`` (None for grouped fits or non-finite values)."""
    if stats is None:
        return None
    if hasattr(stats, "class_totals"):  # K classes (inference._multinomial)
        return _multinomial_to_dict(stats)
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


def _vector(doc: dict[str, Any], key: str, size: int, path: str) -> np.ndarray:
    value = doc.get(key)
    if not isinstance(value, list) or len(value) != size:
        raise _wrong(path, f"training.{KEY}.{key}", f"must be a list of {size} numbers")
    return np.asarray([_number(doc, key, v, path) for v in value], dtype=F64)


def _number(doc: dict[str, Any], key: str, value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong(
            path, f"training.{KEY}.{key}", f"must hold numbers, got {value!r:.40}"
        )
    if not is_finite_number(value):  # NaN, or an integer beyond float range
        raise _wrong(path, f"training.{KEY}.{key}", "must hold finite numbers")
    return float(value)


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
        n_samples = _n_samples(doc, path)
        rows = _positive_rows(doc, n_samples, None, path)
        return weight_sum, None if rows is None else float(rows)
    labels = doc.get("labels")
    rows = _row_counts(labels, path).get("rows") if isinstance(labels, dict) else None
    return weight_sum, rows


def _n_samples(doc: dict[str, Any], path: str) -> int:
    """A K-class file's ``n_samples``, the rows fit read: a positive integer."""
    n_samples = doc.get("n_samples")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 1:
        raise _wrong(path, f"training.{KEY}.n_samples", "must be a positive row count")
    return n_samples


def _multinomial_to_dict(stats: Any) -> dict[str, Any] | None:
    totals = _floats(stats.class_totals)
    out = {
        "kind": "multinomial",
        "weight_sum": float(stats.weight_sum),
        "class_totals": totals,
        "llf": float(stats.llf),
        "n_samples": int(stats.n_samples),
    }
    if getattr(stats, "fractional", None) is not None:
        out["fractional"] = int(stats.fractional)
    if getattr(stats, "rows", None) is not None:
        out["rows"] = int(stats.rows)
    numbers = [float(stats.weight_sum), float(stats.llf), *totals]
    if getattr(stats, "null_has_intercept", None) is not None:  # no intercept
        out["null_has_intercept"] = bool(stats.null_has_intercept)
        if stats.llnull is not None:
            llnull = float(stats.llnull)
            out["llnull"] = llnull
            numbers.append(llnull)
    for key in _MULTINOMIAL_OPTIONAL:
        value = getattr(stats, key, None)
        if value is not None:
            values = _floats(value)
            out[key] = values
            numbers += values
    return out if all(math.isfinite(v) for v in numbers) else None


def multinomial_statistics_from_dict(
    doc: Any, covariance: np.ndarray, n_classes: int, n_features: int, path: str
) -> Any:
    """A :class:`MultinomialStatistics` from ``doc`` and the file's covariance
    (objective order), or None when the covariance cannot be inverted."""
    from ..inference._multinomial import MultinomialStatistics

    name = f"training.{KEY}"
    if not isinstance(doc, dict) or doc.get("kind") != "multinomial":
        raise _wrong(path, name, 'must be an object with "kind": "multinomial"')
    totals = _vector(doc, "class_totals", n_classes, path)
    weight_sum = _number(doc, "weight_sum", doc.get("weight_sum"), path)
    llf = _number(doc, "llf", doc.get("llf"), path)
    n_samples = _n_samples(doc, path)
    if not weight_sum > 0:
        raise _wrong(path, f"{name}.weight_sum", "must be positive")
    if np.any(totals < 0) or not math.isclose(
        float(totals.sum()), weight_sum, rel_tol=1e-9
    ):
        raise _wrong(
            path,
            f"{name}.class_totals",
            f"must be {n_classes} non-negative numbers summing to weight_sum",
        )
    if llf > 0:
        raise _wrong(path, f"{name}.llf", f"must be <= 0 (a log-likelihood), got {llf}")
    sizes = {"mean": n_features, "offset_mean": n_classes}
    optional = {
        key: _vector(doc, key, sizes[key], path)
        for key in _MULTINOMIAL_OPTIONAL
        if doc.get(key) is not None
    }
    fractional = doc.get("fractional")  # absent in files written before it
    if fractional is not None and (
        isinstance(fractional, bool)
        or not isinstance(fractional, int)
        or not 0 <= fractional <= n_samples
    ):
        raise _wrong(
            path, f"{name}.fractional", "must be a row count from 0 to n_samples"
        )
    rows = _positive_rows(doc, n_samples, fractional, path)
    spanned, llnull = _multinomial_null(doc, name, path)
    if spanned is not None and covariance.shape[0] != (n_classes - 1) * n_features:
        raise _wrong(  # the covariance holds each equation's intercept
            path, f"{name}.null_has_intercept", "is for a fit without an intercept"
        )
    try:
        information = np.linalg.inv(covariance)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(information)):
        return None
    return MultinomialStatistics(
        information=0.5 * (information + information.T),
        weight_sum=weight_sum,
        class_totals=totals,
        llf=llf,
        n_samples=n_samples,
        fractional=None if fractional is None else float(fractional),
        rows=rows,
        null_has_intercept=spanned,
        llnull=llnull,
        **optional,
    )


def _positive_rows(doc: dict[str, Any], n: int, fractional: Any, path: str) -> Any:
    """``rows``, the rows of positive weight: an integer from 1 to ``n``
    (``n_samples``), at least ``fractional`` (such weights are positive);
    None where the file, written before it, has none."""
    rows: Any = doc.get("rows")
    whole = isinstance(rows, int) and not isinstance(rows, bool)
    if "rows" in doc and (not whole or not 1 <= rows <= n):
        got = rows if whole and abs(rows) < 2**63 else f"a {type(rows).__name__}"
        what = f"must be the rows of positive weight, an integer from 1 to {n}"
        raise _wrong(path, f"training.{KEY}.rows", f"{what} (n_samples), got {got}")
    if rows is not None and fractional is not None and fractional > rows:
        what = f"must be at most rows ({rows})"
        raise _wrong(path, f"training.{KEY}.fractional", what)
    return rows


def _multinomial_null(doc: dict[str, Any], name: str, path: str) -> tuple[Any, Any]:
    """``(null_has_intercept, llnull)`` of a K-class fit without an intercept
    (both absent for a fit with one, and in files written before them):
    ``llnull``, a log-likelihood, given exactly when the null is not the
    intercept-only model."""
    spanned, llnull = doc.get("null_has_intercept"), doc.get("llnull")
    if spanned is not None and not isinstance(spanned, bool):
        raise _wrong(path, f"{name}.null_has_intercept", "must be true or false")
    if llnull is not None:
        llnull = _number(doc, "llnull", llnull, path)
    if (llnull is not None) != (spanned is False) or (llnull or 0.0) > 0:
        raise _wrong(
            path,
            f"{name}.llnull",
            "must be a log-likelihood (<= 0) exactly when null_has_intercept is false",
        )
    return spanned, llnull
