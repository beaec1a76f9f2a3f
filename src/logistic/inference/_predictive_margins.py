"""Predictive margins: average predicted probabilities with covariates set to
given values, over a grid of values, with delta-method standard errors.

Conventions (owned here; a guide in docs/marginal-effects.md, "Predictive
margins"):

* A **point** sets columns (or one-hot terms by their level) to values on
  every row, as ``get_margeff``'s ``atexog`` (:func:`._margins._atexog`).
  ``atexog`` given as ``{key: value or list of values}`` makes the grid of
  every combination, the first key varying slowest (Stata's
  ``at(gre=(200(100)800) gpa=(3 4))``); a list of such mappings makes the
  points of each in turn (Stata's repeated ``at()``); None is one point that
  sets nothing (Stata's ``margins`` alone: the average prediction). At most
  :data:`MAX_POINTS` points.
* The margin of a point is ``P = Σ s σ(z_i) / Σ s`` over the training rows
  with the point's values set (``at="overall"``, Stata's default; frequency
  weights ``s``; offsets kept), or ``σ(z)`` at one row: the column means
  (``"mean"``, Stata's ``atmeans``; the mean offset), the medians or zero,
  with the point's values set on it. Its derivative in ``θ = [w, b]`` is
  ``Σ s f(z_i) x̃_i / Σ s`` with ``f = σ(z)σ(-z)`` and ``x̃ = [x, 1]``
  (values set), and the covariance of the margins is ``J V Jᵀ`` with the
  results' ``V`` (its ``cov_type``): every point's margin and their
  covariances, so differences between points have standard errors too.
* One pass over the training data (any backend) serves every point; a row
  that the point makes not estimable (a fit with aliased columns, the
  point's values off the training rows' span, :mod:`._estimable`) makes
  that margin NaN with a :class:`~logistic.NonEstimableWarning`, as Stata's
  "not estimable".
* A formula whose terms read a variable through interactions or transforms
  sets the raw variable and re-encodes every term
  (:func:`variable_predictive_margins`; the encoding is the caller's, as in
  :mod:`._margins_terms`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np
from scipy.special import expit

from .._exceptions import InvalidParameterError
from .._typing import Block, FloatArray
from ._coef_table import covariance_label
from ._estimable import Estimability, non_estimable, warn_non_estimable
from ._prediction_interval import sandwich
from ._predictive_results import PredictiveMargins
from ._separation_notes import margins_separation

__all__ = [
    "MAX_POINTS",
    "grid_points",
    "predictive_margins",
    "variable_predictive_margins",
]

F64 = np.float64
#: The most points one call evaluates: each is a pass of arithmetic over the
#: rows, and the margins' covariance holds points² numbers (32 MB here).
MAX_POINTS = 2_000
#: Rows re-encoded at a time by the formula path (bounds its memory).
BLOCK_ROWS = 65536


def _values_of(key: Any, value: Any) -> list[Any]:
    """The values of one key: a scalar is one value; a list, tuple, range or
    1-D array (NumPy, a pandas Series or Index: ``d.gre.quantile([.1, .9])``)
    is several (a string is one value)."""
    if isinstance(value, (str, bytes, bool, int, float, np.generic)):
        return [value.item() if isinstance(value, np.generic) else value]
    if not isinstance(value, (np.ndarray, Sequence, range, Mapping)) and hasattr(
        value, "__array__"
    ):  # a pandas Series or Index (its values, not its labels)
        value = np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.ndim > 1:
            raise InvalidParameterError(
                f"atexog[{key!r}] must be a value or a 1-D list of values; got an "
                f"array of shape {value.shape}"
            )
        value = value.tolist()
    if isinstance(value, (Sequence, range)):
        if len(value) > MAX_POINTS:  # before a list of range(10**10) is made
            raise InvalidParameterError(
                f"atexog[{key!r}] holds {len(value)} values; at most {MAX_POINTS} "
                "points are evaluated in one call: give fewer values"
            )
        values = [v.item() if isinstance(v, np.generic) else v for v in value]
        if not values:
            raise InvalidParameterError(
                f"atexog[{key!r}] is an empty list: give at least one value"
            )
        return values
    return [value]


def grid_points(atexog: Any) -> list[dict[Any, Any]]:
    """The points ``atexog`` asks for (module docstring), each a mapping of
    keys to one value, in order."""
    if atexog is None:
        return [{}]
    if isinstance(atexog, Mapping):
        grids: list[Mapping[Any, Any]] = [atexog]
    elif isinstance(atexog, Sequence) and not isinstance(atexog, (str, bytes)):
        grids = list(atexog)
        if not grids:
            raise InvalidParameterError(
                "atexog is an empty list: give a mapping {column: value or list "
                "of values}, or a list of such mappings"
            )
        bad = [g for g in grids if not isinstance(g, Mapping)]
        if bad:
            raise InvalidParameterError(
                "atexog as a list holds mappings {column: value or list of "
                f"values}}; got an item of type {type(bad[0]).__name__}"
            )
    else:
        raise InvalidParameterError(
            "atexog must be a mapping {column: value or list of values}, a list of "
            f"such mappings, or None; got {type(atexog).__name__}"
        )
    points: list[dict[Any, Any]] = []
    for grid in grids:
        keys = list(grid)
        lists = [_values_of(k, grid[k]) for k in keys]
        count = math.prod(len(v) for v in lists)  # exact: no float overflow
        if len(points) + count > MAX_POINTS:
            raise InvalidParameterError(
                f"atexog asks for {len(points) + count} points; at most "
                f"{MAX_POINTS} are evaluated in one call: give fewer values"
            )
        points += [dict(zip(keys, combo, strict=True))
                   for combo in itertools.product(*lists)]  # fmt: skip
    return points


def point_label(point: Mapping[Any, Any], digits: int = 6) -> str:
    """``gre=200, C(rank)=2``; ``(as observed)`` for a point that sets nothing."""
    from ._margins_results import _shown

    if not point:
        return "(as observed)"
    return ", ".join(f"{k}={_shown(v, digits)}" for k, v in point.items())


def point_labels(points: list[dict[Any, Any]]) -> list[str]:
    """The points' labels, numbers to 6 significant digits, or as many more
    (up to 17) as tell different points apart (1234567 and 1234568 are both
    ``1.23457e+06`` at 6); a point given twice keeps one label."""

    def exact(v: Any) -> str:
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        return repr(float(v)) if number else repr(v)

    distinct = len({tuple((str(k), exact(v)) for k, v in pt.items()) for pt in points})
    for digits in range(6, 18):
        labels = [point_label(pt, digits) for pt in points]
        if len(set(labels)) >= distinct:
            break
    return labels


def _column(X: Any, j: int) -> FloatArray:
    """Column ``j`` of a block's X (dense or CSR) as a dense vector."""
    col = X[:, j]
    return np.asarray(col.toarray() if hasattr(col, "toarray") else col, F64).ravel()


def _block_predictions(
    block: Block,
    theta: FloatArray,
    fit_intercept: bool,
    settings: tuple[tuple[tuple[int, float], ...], ...],
    est: Estimability | None,
) -> tuple[Any, ...]:
    """``(Σ s, Σ s σ(z) per point, Σ s f x̃ per point, unestimable rows per
    point)`` over one block."""
    from ._margins_sums import _host_block, _with_values

    X, s, off = _host_block(block)
    p = X.shape[1]
    w = theta[:p]
    b = float(theta[-1]) if fit_intercept else 0.0
    G, k = len(settings), theta.shape[0]
    total, jac, unset = np.zeros(G), np.zeros((G, k)), np.zeros(G)
    used = s > 0
    # a point moves only its set columns: z and Xᵀ(s f) follow from the rows'
    # own z and the set columns (no copy of X a point, sparse X kept sparse)
    z0 = np.asarray(X @ w, dtype=F64) + b
    if off is not None:
        z0 = z0 + off
    moved = sorted({j for values in settings for j, _ in values})
    columns = {j: _column(X, j) for j in moved}
    for g, values in enumerate(settings):
        if est is not None and values:
            rows = non_estimable(_with_values(X, values), est)
            unset[g] = float(np.count_nonzero(rows & used))
        z = z0.copy()
        for j, v in values:
            z += (v - columns[j]) * w[j]
        p1 = expit(z)
        sf = s * p1 * expit(-z)
        total[g] = float(s @ p1)
        jac[g, :p] = np.asarray(X.T @ sf, dtype=F64).ravel()
        for j, v in values:
            jac[g, j] = v * float(sf.sum())
        if fit_intercept:
            jac[g, p] = float(sf.sum())
    return float(s.sum()), total, jac, unset


def predictive_margins(
    results: Any,
    atexog: Any = None,
    at: str = "overall",
    references: Mapping[str, str] | None = None,
) -> PredictiveMargins:
    """Predictive margins of ``results`` (an ``InferenceResults``); see
    :meth:`InferenceResults.predictive_margins` and the module docstring.
    ``references``: each one-hot term's reference level (by the term's name),
    which a point may set (every level column 0); by default those of the
    model's ``encoding_`` (:func:`._margins.model_references`)."""
    from ._margins import (
        ATS,
        _atexog,
        _choice,
        margin_source,
        model_references,
        with_references,
    )

    at = _choice("at", at, ATS)
    names = list(results.feature_names)
    points = grid_points(atexog)
    if references is None:
        references = model_references(getattr(results, "model", None))
    settings = tuple(
        _atexog(with_references(point, names, references), names) for point in points
    )
    est = results._estimability
    theta = np.asarray(results._theta, dtype=F64)
    fit_intercept = bool(results.fit_intercept)
    fn = partial(_block_predictions, theta=theta, fit_intercept=fit_intercept,
                 settings=settings, est=est)  # fmt: skip
    source = margin_source(results, at, "predictions")
    parts = fn(source) if isinstance(source, Block) else source.map_reduce(fn)
    weight, total, jac, unset = parts
    points = [{_named(k, names): v for k, v in pt.items()} for pt in points]
    return _finish(results, points, weight, total, jac, unset > 0, at)


def _named(key: Any, names: list[str]) -> Any:
    """A 0-based feature index as the feature's name (other keys as given)."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return names[int(key)]
    return key


def _finish(
    results: Any,
    points: list[dict[Any, Any]],
    weight: float,
    total: FloatArray,
    jac: FloatArray,
    unset: np.ndarray,
    at: str,
    variables: bool = False,
) -> PredictiveMargins:
    """The :class:`PredictiveMargins` of the sums: ``total / Σ s``, the
    Jacobian ``jac / Σ s`` and ``J V Jᵀ``; margins of points that reach
    rows that are not estimable are NaN (one warning names them)."""
    from ._margins import _count, without_estimate

    if not weight > 0:
        raise InvalidParameterError("predictive margins need rows of positive weight")
    margins: FloatArray = np.asarray(total, dtype=F64) / weight
    jac = np.asarray(jac, dtype=F64) / weight
    cov = sandwich(results, jac)  # centred where a Firth fit is far from 0
    labels = point_labels(points)
    if unset.any():
        named = ", ".join(repr(labels[g]) for g in np.flatnonzero(unset)[:5])
        more = ", ..." if int(unset.sum()) > 5 else ""
        warn_non_estimable(
            f"the predictive margin(s) at {named}{more}",
            list(results.aliased),
            "they are NaN (Stata's margins: 'not estimable')",
        )
        margins = without_estimate(margins, cov, unset)
    return PredictiveMargins(
        margins,
        cov,
        jac,
        names=labels,
        discrete=np.zeros(0, dtype=np.intp),
        options={"method": "pr", "at": at, "atexog": None, "dummy": False,
                 "categorical": "levels", "variables": variables},  # fmt: skip
        cov_type=results.cov_type,
        nobs=_count(results.nobs),
        fit_intercept=bool(results.fit_intercept),
        pandas=results._pd,
        covariance=covariance_label(results),
        separation=margins_separation(results, predictive=True),
        points=points,
    )


def point_settings(
    at: str, atexog: Any, variables: list[Any]
) -> tuple[list[dict[Any, Any]], list[dict[str, Any]]]:
    """The points of ``atexog`` (:func:`grid_points`) and what each sets on
    the raw ``variables`` (:func:`._margins_terms._set_values`), for the
    predictive margins of a formula's variables (two and K classes); ``at``
    (already checked) must be ``"overall"``: the mean of a categorical
    variable is not a row."""
    from ._margins_terms import _set_values

    if at != "overall":
        raise InvalidParameterError(
            f"at={at!r}: the predictive margins of a formula whose terms read a "
            "variable through interactions or transforms average over the training "
            "rows, at='overall'; set a variable's value on every row with atexog"
        )
    points = grid_points(atexog)
    return points, [_set_values(point, variables) for point in points]


def variable_predictive_margins(
    results: Any,
    frame: Any,
    variables: list[Any],
    design: Callable[[Any], FloatArray],
    *,
    atexog: Any = None,
    at: str = "overall",
    sample_weight: Any = None,
    offset: Any = None,
) -> PredictiveMargins:
    """Predictive margins of a formula model whose points set the formula's
    raw ``variables`` (:class:`._margins_terms.Variable`) and re-encode every
    term with ``design(frame) -> X``; ``frame`` holds the variables' raw
    values on the training rows (pandas). Only ``at="overall"``: the mean of
    a categorical variable is not a row."""
    from ._margins import ATS, _choice
    from ._margins_terms import encode_at

    at = _choice("at", at, ATS)
    points, settings = point_settings(at, atexog, variables)
    base = frame.reset_index(drop=True)
    n = len(base)
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=F64)
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=F64)
    theta = np.asarray(results._theta, dtype=F64)
    p = len(results.feature_names)
    k = theta.shape[0]
    est = results._estimability
    total, jac, unset = np.zeros(len(points)), np.zeros((len(points), k)), np.zeros(
        len(points), dtype=bool
    )
    for start in range(0, n, BLOCK_ROWS):
        rows = slice(start, start + BLOCK_ROWS)
        sb, ob, used = s[rows], off[rows], s[rows] > 0
        block = base.iloc[rows]
        for g, values in enumerate(settings):
            X = encode_at(design, block, values, p)
            if values and np.any(non_estimable(X, est) & used):
                unset[g] = True
            z = X @ theta[:p] + ob + (theta[p] if k > p else 0.0)
            p1 = expit(z)
            sf = sb * p1 * expit(-z)
            total[g] += float(sb @ p1)
            jac[g, :p] += sf @ X
            if k > p:
                jac[g, p] += float(sf.sum())
    return _finish(results, points, float(s.sum()), total, jac, unset, at, True)

