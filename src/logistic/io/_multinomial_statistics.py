"""A model file's ``training.fit_statistics`` of a K-class reference fit.

Convention (owned here): a K-class reference fit
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

from ._statistics_fields import KEY, _floats, _number, _vector, _wrong

__all__ = [
    "multinomial_statistics_from_dict",
    "multinomial_to_dict",
    "multinomial_totals",
]

_MULTINOMIAL_OPTIONAL = ("mean", "offset_mean")


def multinomial_totals(doc: dict[str, Any], path: str) -> float | None:
    """The rows of positive weight a K-class file's statistics ``doc`` keep
    (``rows``), checked as :func:`multinomial_statistics_from_dict` checks
    them; None in files written before them."""
    rows = _positive_rows(doc, _n_samples(doc, path), None, path)
    return None if rows is None else float(rows)


def _n_samples(doc: dict[str, Any], path: str) -> int:
    """A K-class file's ``n_samples``, the rows fit read: a positive integer."""
    n_samples = doc.get("n_samples")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 1:
        raise _wrong(path, f"training.{KEY}.n_samples", "must be a positive row count")
    return n_samples


def multinomial_to_dict(stats: Any) -> dict[str, Any] | None:
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
