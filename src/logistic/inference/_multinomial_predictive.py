"""Predictive margins of a multinomial fit: the average probability of every
class with covariates set to each point of a grid (Stata's ``margins,
at(...)`` after ``mlogit``, one ``predict(outcome(k))`` per class).

Conventions (owned here; the points are :mod:`._predictive_margins`'s, the
class-by-class layout :mod:`._multinomial_margins`'s):

* A point sets columns (or one-hot terms by their level, the reference level
  included) on every row, exactly as the two-class predictive margins
  (:func:`._predictive_margins.grid_points`, ``with_references``,
  ``_atexog``): the same grids, the same refusals.
* With ``B`` the (K, p) coefficients (row 0, the reference class, 0), ``c``
  the intercepts and ``O`` the offsets, the margin of class ``k`` at point
  ``g`` is ``Σ s P_k(z_i) / Σ s`` over the training rows with the point's
  values set (``at="overall"``; frequency weights ``s``), or ``P_k`` at one
  row: the column means (``"mean"``, mean offsets) or zero (``"zero"``), the
  point's values set on it. ``"median"`` is refused, as by the K-class
  ``get_margeff``.
* Its derivative in ``θ_{m,t}`` (equation ``m ≥ 1``, term ``t``, ``x̃ = [x,
  1]`` with the values set) is ``Σ s P_k (δ_km - P_m) x̃_t / Σ s``; the
  covariance of every margin is ``J V Jᵀ`` with the results' ``cov_params()``
  (any ``cov_type``). The K margins of a point sum to 1, so their K Jacobian
  rows sum to 0 and that sum has variance 0 (up to rounding).
* Layout: ``margeff`` of shape (points, K), point by class; the flat margins,
  the Jacobian rows and ``margeff_cov`` go class by class (index ``k G + g``,
  Stata's ``_predict#_at`` order), as the effects' ``j p + l``.
* One ``map_reduce`` pass over the rows serves every point, a slice of rows
  at a time so memory stays near ``_SLICE_VALUES`` floats.
* A formula whose terms read a variable through interactions or transforms
  sets the raw variable and re-encodes every term
  (:func:`multinomial_variable_predictive_margins`; the encoding is the
  caller's, as in :mod:`._multinomial_terms`), ``at="overall"`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._multiclass import not_supported
from .._softmax import softmax
from .._typing import Block, FloatArray
from ._coef_table import covariance_label, shown_name
from ._margins import _count
from ._margins_results import FRAME_BOUNDS, LABELS, point_pair
from ._multinomial_margins import MultinomialMarginalEffects
from ._predictive_results import _AT_WORDS, MarginsOverPoints
from ._separation_notes import PENALTY, margins_separation
from ._wald import wald_frame

__all__ = [
    "MultinomialPredictiveMargins",
    "multinomial_predictive_margins",
    "multinomial_variable_predictive_margins",
]

F64 = np.float64
#: About this many float64 values per row slice of the (n, K, K-1) tensors.
_SLICE_VALUES = 1 << 21
#: Rows re-encoded at a time by the formula path (bounds its memory).
BLOCK_ROWS = 65536


def _coefficients(results: Any) -> tuple[FloatArray, FloatArray, bool]:
    """``(B (K, p), c (K,), intercept)`` of the reference parametrization."""
    intercept = bool(results.fit_intercept)
    params = np.asarray(results.params, dtype=F64)  # (K-1, q)
    q = params.shape[1]
    p = q - int(intercept)
    rows = np.vstack([np.zeros(q), params])
    c = rows[:, p].copy() if intercept else np.zeros(rows.shape[0])
    return rows[:, :p].copy(), c, intercept


def _class_weights(P: FloatArray, s: FloatArray) -> FloatArray:
    """``s P_k (δ_km - P_m)``, (n, K (K-1)): the rows' weights of ``x̃``."""
    H = np.eye(P.shape[1])[None, :, 1:] - P[:, None, 1:]
    return (s[:, None, None] * P[:, :, None] * H).reshape(P.shape[0], -1)


def _slice_sums(
    X: Any,
    s: FloatArray,
    off: FloatArray | None,
    coef: tuple[FloatArray, FloatArray, bool],
    settings: tuple[tuple[tuple[int, float], ...], ...],
) -> tuple[FloatArray, FloatArray]:
    """``(Σ s P (G, K), Σ s P_k (δ_km - P_m) x̃ (G, q, K (K-1)))`` over rows."""
    B, c, intercept = coef
    K, p = B.shape
    q = p + int(intercept)
    G = len(settings)
    total, jac = np.zeros((G, K)), np.zeros((G, q, K * (K - 1)))
    Z0 = np.asarray(X @ B.T, dtype=F64) + c
    if off is not None:
        Z0 = Z0 + off
    # a point moves only its set columns: Z and Xᵀ(weights) follow from the
    # rows' own Z and those columns (no copy of X a point, sparse X kept sparse)
    moved = sorted({j for values in settings for j, _ in values})
    columns = {j: _dense_column(X, j) for j in moved}
    for g, values in enumerate(settings):
        Z = Z0.copy()
        for j, v in values:
            Z += np.outer(v - columns[j], B[:, j])
        P = softmax(Z)
        total[g] = s @ P
        W = _class_weights(P, s)
        jac[g, :p] = np.asarray(X.T @ W, dtype=F64)
        sums = W.sum(axis=0)
        for j, v in values:
            jac[g, j] = v * sums
        if intercept:
            jac[g, p] = sums
    return total, jac


def _dense_column(X: Any, j: int) -> FloatArray:
    col = X[:, j]
    return np.asarray(col.toarray() if hasattr(col, "toarray") else col, F64).ravel()


def _block_sums(
    block: Block,
    coef: tuple[FloatArray, FloatArray, bool],
    settings: tuple[tuple[tuple[int, float], ...], ...],
) -> tuple[Any, ...]:
    """``(Σ s, Σ s P per point, its Jacobian sums per point)`` of one block,
    a slice of rows at a time."""
    from ._margins_sums import _host_block

    X, s, off = _host_block(block)
    K = coef[0].shape[0]
    step = max(1, _SLICE_VALUES // max(K * K, 1))
    B, _, intercept = coef
    q = B.shape[1] + int(intercept)
    weight = 0.0
    total, jac = np.zeros((len(settings), K)), np.zeros((len(settings), q, K * (K - 1)))
    for a in range(0, X.shape[0], step):
        rows = slice(a, a + step)
        off_rows = None if off is None else off[rows]
        t, j = _slice_sums(X[rows], s[rows], off_rows, coef, settings)
        weight += float(s[rows].sum())
        total += t
        jac += j
    return weight, total, jac


def _source(results: Any, at: str) -> Any:
    """The training data's backend (``"overall"``), or the one row of
    ``"mean"``/``"zero"``."""
    from ._multinomial_margins import _point

    if at != "overall":
        K, p = len(results.classes), len(results._features)
        return _point(results, at, p, K)
    if results._data is None:
        raise InvalidParameterError(
            "at='overall' averages over the training rows: call "
            "model.inference(X, y, sample_weight, offset) with the data given to "
            "fit(), or use at='mean'"
        )
    return results._data


def _at(at: Any) -> str:
    from ._margins import _choice
    from ._multinomial_margins import ATS

    if isinstance(at, str) and at.lower() == "median":
        raise not_supported(
            "predictive_margins(at='median')", "use at='overall', 'mean' or 'zero'"
        )
    return _choice("at", at, ATS)


def multinomial_predictive_margins(
    results: Any,
    atexog: Any = None,
    at: str = "overall",
    references: Mapping[str, str] | None = None,
) -> MultinomialPredictiveMargins:
    """Predictive margins of every class of ``results`` (a
    ``MultinomialInference``; module docstring). ``references``: each one-hot
    term's reference level, which a point may set (every level column 0); by
    default those of the model's ``encoding_``."""
    from ._margins import _atexog, with_references
    from ._predictive_margins import _named, grid_points

    at = _at(at)
    names = list(results._features)
    points = grid_points(atexog)
    if references is None:
        references = getattr(results, "_references", {})
    settings = tuple(
        _atexog(with_references(point, names, references), names) for point in points
    )
    fn = partial(_block_sums, coef=_coefficients(results), settings=settings)
    source = _source(results, at)
    sums = fn(source) if isinstance(source, Block) else source.map_reduce(fn)
    weight, total, jac = sums
    points = [{_named(k, names): v for k, v in pt.items()} for pt in points]
    return _finish(results, points, weight, total, jac, at, variables=False)


def _finish(
    results: Any,
    points: list[dict[Any, Any]],
    weight: float,
    total: Any,
    jac: Any,
    at: str,
    variables: bool,
) -> MultinomialPredictiveMargins:
    """The result of the sums: ``total / Σ s`` class by class and the
    Jacobian ``(K G, (K-1) q)`` in ``param_names`` order."""
    from ._predictive_margins import point_labels

    if not weight > 0:
        raise InvalidParameterError("predictive margins need rows of positive weight")
    total = np.asarray(total, dtype=F64)  # (G, K)
    G, K = total.shape
    jac = np.asarray(jac, dtype=F64).reshape(G, -1, K, K - 1)  # (G, q, K, K-1)
    q = jac.shape[1]
    J = jac.transpose(2, 0, 3, 1).reshape(K * G, (K - 1) * q) / weight
    cov = J @ results.cov_params() @ J.T
    return MultinomialPredictiveMargins(
        (total / weight).T.ravel(),
        0.5 * (cov + cov.T),
        J,
        names=point_labels(points),
        classes=[str(c) for c in results.classes],
        target_name=getattr(results, "target_name", None),
        discrete=np.zeros(0, dtype=np.intp),
        levels=False,
        options={
            "method": "pr",
            "at": at,
            "atexog": None,
            "dummy": False,
            "categorical": "levels",
            "variables": variables,
        },  # fmt: skip
        cov_type=results.cov_type,
        nobs=_count(results.nobs),  # typed as two classes'
        covariance=covariance_label(results),
        separation=margins_separation(results, PENALTY, predictive=True),
        points=points,
    )


def multinomial_variable_predictive_margins(
    results: Any,
    frame: Any,
    variables: list[Any],
    design: Callable[[Any], FloatArray],
    *,
    atexog: Any = None,
    at: str = "overall",
    sample_weight: Any = None,
    offset: Any = None,
) -> MultinomialPredictiveMargins:
    """Predictive margins of every class of a formula model whose points set
    the formula's raw ``variables`` (:class:`._margins_terms.Variable`) and
    re-encode every term with ``design(frame) -> X`` (``frame``: the
    variables' raw values on the training rows, pandas); ``at="overall"``
    only (the mean of a categorical variable is not a row)."""
    from ._margins_terms import encode_at
    from ._predictive_margins import point_settings

    at = _at(at)
    points, settings = point_settings(at, atexog, variables)
    B, c, intercept = _coefficients(results)
    K, p = B.shape
    base = frame.reset_index(drop=True)
    n = len(base)
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=F64)
    off = None if offset is None else np.asarray(offset, dtype=F64)
    if off is not None and off.ndim == 1:
        off = off[:, None]
    total = np.zeros((len(points), K))
    jac = np.zeros((len(points), p + int(intercept), K * (K - 1)))
    for start in range(0, n, BLOCK_ROWS):
        rows = slice(start, start + BLOCK_ROWS)
        sb, block = s[rows], base.iloc[rows]
        for g, values in enumerate(settings):
            X = encode_at(design, block, values, p)
            Z = X @ B.T + c + (0.0 if off is None else off[rows])
            P = softmax(Z)
            W = _class_weights(P, sb)
            total[g] += sb @ P
            jac[g, :p] += X.T @ W
            if intercept:
                jac[g, p] += W.sum(axis=0)
    return _finish(results, points, float(s.sum()), total, jac, at, variables=True)


class MultinomialPredictiveMargins(MarginsOverPoints, MultinomialMarginalEffects):
    """Predictive margins of every class (Stata's ``margins, at(...)`` after
    ``mlogit``): the average predicted probability of each class with
    covariates set to each point's values, delta-method standard errors.

    Built by :meth:`MultinomialInference.predictive_margins`.

    Attributes
    ----------
    margeff, predicted, margeff_se, zvalues, pvalues : ndarray of shape (points, K)
        Point by class (every class, the reference included); each row of
        ``margeff`` sums to 1.
    margeff_cov : ndarray of shape (K G, K G)
        ``J V Jᵀ`` over the margins flattened class by class (``k G + g``).
    jacobian : ndarray of shape (K G, (K-1) q)
        ``∂ margins / ∂ params`` in ``param_names`` order.
    points : list of dict
        The values each point sets on every row (a feature given by its
        0-based index is named).
    names : list of str
        The points' labels.
    classes : list of str
        The K classes (columns).
    """

    title = "Multinomial logistic regression predictive margins"

    def difference(self, a: int, b: int) -> tuple[FloatArray, FloatArray]:
        """Each class's margin at point ``a`` minus at point ``b`` (0-based,
        in :attr:`points` order) and the delta-method standard errors, two
        arrays of shape (K,) (Stata's ``margins ..., pwcompare`` for one
        pair, per outcome)."""
        G = len(self.names)
        a, b = point_pair(a, b, G)
        K = len(self.classes)
        ia, ib = np.arange(K) * G + a, np.arange(K) * G + b
        V = self._cov
        value = self._effects[ia] - self._effects[ib]
        var = V[ia, ia] + V[ib, ib] - 2.0 * V[ia, ib]
        return np.asarray(value, F64), np.sqrt(np.maximum(var, 0.0))

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame indexed by (class, point) with the columns
        ``Margin``, ``Std. Err.``, ``z``, ``Pr(>|z|)``, ``Conf. Int. Low``,
        ``Cont. Int. Hi.``."""
        import pandas as pd

        index = pd.MultiIndex.from_product(
            [self.classes, self.names], names=["class", "point"]
        )
        return wald_frame(
            self.wald_table(alpha),
            index,
            columns=(LABELS["pr"], "Std. Err.", "z", "Pr(>|z|)", *FRAME_BOUNDS),
            caller="summary_frame()",
        )

    def _header(self) -> list[tuple[str, Any]]:
        target = shown_name(self.target_name or "y")
        return [
            ("Expression", f"Pr({target} = class)"),
            ("At", f"{self.at} ({_AT_WORDS.get(self.at, self.at)})"),
            ("Covariance", self._cov_label),
            ("No. observations", f"{self.nobs:.10g}"),
        ]

    def __repr__(self) -> str:
        return (
            f"<MultinomialPredictiveMargins at={self.at!r}, "
            f"cov_type={self.cov_type!r}, points={len(self.names)}, "
            f"K={len(self.classes)}>"
        )
