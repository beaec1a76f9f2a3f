"""The strength grid of :class:`~logistic.model_selection.LogisticRegressionCV`
(the conventions are stated in :mod:`logistic.model_selection`): a given
``Cs`` or ``alphas``, or the default sequence of the full data (shared by
the mixings of an ``l1_ratios`` grid, :func:`logistic._cv_ratios.shared_span`),
and the order of a given ``Cs`` that scikit-learn's attributes keep."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._cv_ratios import shared_span
from ._exceptions import InvalidParameterError
from ._path import null_alpha_max
from ._strong_rules import (
    MIN_L1_RATIO,
    check_grid_points,
    default_alphas,
    default_eps,
)
from ._validation import FitData

__all__ = ["cv_grid", "given_order"]

#: the default L2 grid reaches at least this ``C`` (scikit-learn's largest)
L2_C_MAX = 1e4


def cv_grid(
    est: Any, data: FitData, weights: np.ndarray | None, ratios: np.ndarray
) -> tuple[str, np.ndarray]:
    """``("C", Cs increasing)`` or ``("alpha", alphas decreasing)`` for the
    estimator ``est`` (its ``Cs``, ``alphas``, ``n_alphas``, ``eps`` and
    ``fit_intercept``) and the L1 shares ``ratios`` it cross-validates."""
    if est.Cs is not None and est.alphas is not None:
        raise InvalidParameterError(
            "LogisticRegressionCV: give the grid as Cs or as alphas, not both "
            f"(got Cs={est.Cs!r}, alphas={est.alphas!r})"
        )
    name, p = type(est).__name__, data.X.shape[1]
    if est.Cs is not None:
        if isinstance(est.Cs, numbers.Integral):
            check_grid_points(name, "Cs", int(est.Cs), p)
            return "C", np.logspace(-4, 4, int(est.Cs))
        Cs = np.asarray(est.Cs, dtype=np.float64)
        if np.any(Cs <= 0):
            raise InvalidParameterError(
                f"The 'Cs' parameter of LogisticRegressionCV must hold numbers "
                f"> 0. Got {est.Cs!r} instead."
            )
        return "C", np.sort(Cs)
    if est.alphas is not None:  # checked by is_alphas
        a = np.asarray(est.alphas, dtype=np.float64)
        return "alpha", np.sort(a)[::-1].copy()
    full = FitData(data.X, data.y01, data.classes, weights, data.offset, None)
    check_grid_points(name, "n_alphas", int(est.n_alphas), p)
    n = data.X.shape[0]
    e0 = default_eps(n, p) if est.eps is None else float(est.eps)
    total = float(n if weights is None else weights.sum())
    # max|∇| of the null model (alpha_max of the L1 share 1), once: each
    # mixing's alpha_max divides it by its share (_strong_rules.alpha_max)
    gmax = null_alpha_max(full, 1.0, bool(est.fit_intercept))
    tops, eps = np.empty(len(ratios)), np.full(len(ratios), e0)
    for i, ratio in enumerate(ratios):
        tops[i] = gmax / max(float(ratio), MIN_L1_RATIO)
        if ratio == 0.0 and est.eps is None and tops[i] > 0:
            eps[i] = min(e0, 1.0 / (L2_C_MAX * total * tops[i]))
    top, e = shared_span(tops, eps)
    return "alpha", default_alphas(top, int(est.n_alphas), e)


def given_order(Cs: Any, kind: str, n: int) -> np.ndarray:
    """Indices taking the grid (increasing ``C``) to the order of a given
    ``Cs`` sequence (scikit-learn's ``Cs_``); the identity otherwise."""
    if kind != "C" or isinstance(Cs, numbers.Integral):
        return np.arange(n)
    order = np.argsort(np.asarray(Cs, dtype=np.float64), kind="stable")
    return np.argsort(order, kind="stable")
