"""The grid of L1 mixings of :class:`~logistic.model_selection.LogisticRegressionCV`
(``l1_ratios``, scikit-learn's parameter of that name): its check, the
default strength sequence shared by several mixings, and the choice of the
(mixing, strength) pair from the fold scores.

Conventions (owned here):

* ``l1_ratios`` is a non-empty sequence of numbers in [0, 1] (0: the L2
  penalty, 1: the L1 penalty), kept in the order given (scikit-learn's
  ``l1_ratios_``), and applies to ``penalty="elasticnet"`` only: l1 and l2
  have no mixing to choose, so a grid with them is refused (scikit-learn
  warns and ignores it). Without it the grid is the one mixing of the
  penalty (``l1_ratio`` for the elastic net).
* Every mixing is cross-validated on the same strengths, as scikit-learn
  gives every ``l1_ratio`` the same ``Cs`` (its ``Cs_`` has one axis). The
  default sequence of several mixings runs from the largest of their
  ``alpha_max`` (that of the smallest L1 share) down to the smallest of
  their ``alpha_max·eps``, ``n_alphas`` points: it covers each mixing's own
  default sequence (glmnet's, which one mixing alone gets unchanged).
* ``rule="min"`` takes the best mean score over all pairs; of tied pairs the
  strongest strength, then the first mixing in the order given.
  ``rule="1se"`` chooses the mixing of the best mean score, then on that
  mixing's curve the largest strength within one standard error of it
  (glmnet's ``lambda.1se`` for the chosen ``alpha``, as ``cva.glmnet`` is
  used).
* ``refit=False`` (scikit-learn's rule): each fold's best pair, the first
  best in scikit-learn's order (``Cs`` as given, then ``l1_ratios``), its
  coefficients averaged over the folds; ``C_`` is the mean of those folds'
  ``C`` and ``l1_ratio_`` the mean of their mixings.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._constraints import as_float64
from ._exceptions import InvalidParameterError

__all__ = [
    "check_l1_ratios",
    "choose_pair",
    "fold_average",
    "fold_best_pairs",
    "shared_span",
]

_EXPECTED = (
    "The 'l1_ratios' parameter of LogisticRegressionCV must be None or a "
    "non-empty sequence of numbers in [0, 1] (the L1 share of each "
    "elastic-net mixing to cross-validate: 0 is the L2 penalty, 1 the L1 penalty)"
)


def check_l1_ratios(l1_ratios: Any, penalty: str) -> np.ndarray | None:
    """The grid of mixings as a float64 array in the order given, or None;
    an InvalidParameterError naming what was received otherwise (an empty
    grid, a text or a lone number, NaN, a value outside [0, 1], a grid given
    with a penalty that has no mixing)."""
    if l1_ratios is None:
        return None
    if isinstance(l1_ratios, str | bytes | numbers.Number) or np.ndim(l1_ratios) == 0:
        raise InvalidParameterError(
            f"{_EXPECTED}. Got {l1_ratios!r:.80}, not a sequence"
            + (
                f" (for one mixing: l1_ratios=[{l1_ratios!r}])"
                if isinstance(l1_ratios, numbers.Real)
                else ""
            )  # fmt: skip
            + "."
        )
    try:
        ratios = as_float64(l1_ratios)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"{_EXPECTED}. Got {l1_ratios!r:.80}, which holds something other "
            "than numbers."
        ) from None
    if ratios.ndim != 1 or ratios.size == 0:
        what = "an empty sequence" if ratios.size == 0 else f"of shape {ratios.shape}"
        raise InvalidParameterError(f"{_EXPECTED}. Got {l1_ratios!r:.80}, {what}.")
    bad = np.flatnonzero(~((ratios >= 0) & (ratios <= 1)))  # NaN too
    if bad.size:
        i = int(bad[0])
        value = "NaN" if np.isnan(ratios[i]) else f"{float(ratios[i])!r}"
        raise InvalidParameterError(
            f"{_EXPECTED}. Got {l1_ratios!r:.80}: l1_ratios[{i}] is {value}."
        )
    if penalty != "elasticnet":
        raise InvalidParameterError(
            f"LogisticRegressionCV: l1_ratios={ratios.tolist()!r:.80} is a grid of "
            f"elastic-net mixings, and penalty={penalty!r} has no mixing to choose. "
            "Pass penalty='elasticnet' to cross-validate the mixings (l1_ratios "
            "holding 0 and 1 includes the L2 and L1 penalties), or leave "
            "l1_ratios=None."
        )
    return ratios


def shared_span(tops: np.ndarray, eps: np.ndarray) -> tuple[float, float]:
    """``(top, eps)`` of the default sequence shared by mixings whose own
    sequences run from ``tops[i]`` down to ``tops[i]·eps[i]``: the largest
    top, and the share of it that reaches the smallest bottom. One mixing
    gets its own ``(top, eps)`` unchanged."""
    if tops.size == 1:
        return float(tops[0]), float(eps[0])
    positive = tops > 0  # a top of 0 (no signal): default_alphas' 1 stands in
    top = float(tops.max()) if positive.any() else 0.0
    if top == 0.0:
        return 0.0, float(eps.min())
    bottom = float(np.min(tops[positive] * eps[positive]))
    return top, bottom / top


def choose_pair(
    mean: np.ndarray, std_err: np.ndarray, rule: str
) -> tuple[int, int, int, int]:
    """``(ratio, best, one_se, chosen)`` from the mean scores and standard
    errors of shape (n_ratios, n_points), points in decreasing strength: the
    mixing of the best mean score (of ties the strongest point, then the
    first mixing), the best and one-standard-error points on its curve, and
    the point ``rule`` takes. A NaN mean (a fold without a score there)
    is never the best."""
    from ._cv_folds import standard_error_rule

    finite = np.where(np.isfinite(mean), mean, -np.inf)
    # point-major: of tied pairs the first point (strongest), then the first ratio
    flat = int(np.argmax(finite.T.ravel()))
    ratio = flat % mean.shape[0]
    best, one_se = standard_error_rule(mean[ratio], std_err[ratio])
    return ratio, best, one_se, best if rule == "min" else one_se


def fold_best_pairs(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's ``refit=False`` choice: for fold scores of shape
    (n_folds, n_ratios, n_Cs), ``Cs`` in the order given, each fold's first
    best pair in scikit-learn's order (``Cs`` first, then the mixings),
    returned as ``(C index, ratio index)``, one of each a fold."""
    k, n_ratios, n_cs = scores.shape
    flat = np.where(np.isfinite(scores), scores, -np.inf).transpose(0, 2, 1)
    at = np.argmax(flat.reshape(k, n_cs * n_ratios), axis=1)
    c_index, r_index = np.unravel_index(at, (n_cs, n_ratios))
    return np.asarray(c_index), np.asarray(r_index)


def fold_average(
    scores: np.ndarray, paths: np.ndarray, Cs: np.ndarray, ratios: np.ndarray,
    pair: tuple[int, int] | None = None,
) -> tuple[np.ndarray, float, float, float]:  # fmt: skip
    """``(coef, intercept, C, l1_ratio)`` of scikit-learn's ``refit=False``:
    the folds' coefficients (``paths`` of shape (n_folds, n_ratios, n_Cs,
    n_dof), intercept last) at each fold's best pair (:func:`fold_best_pairs`)
    averaged, and the means of those pairs' ``C`` and mixing. ``scores``
    are of shape (n_folds, n_ratios, n_Cs), ``Cs`` (n_Cs,), both in the
    order of a given ``Cs``; ``pair`` ``(C index, ratio index)`` takes that
    pair in every fold instead (``rule="1se"``)."""
    k = scores.shape[0]
    if pair is None:
        at, on = fold_best_pairs(scores)
    else:
        at, on = np.full(k, pair[0]), np.full(k, pair[1])
    picked = paths[np.arange(k), on, at]
    coef, b = picked[:, :-1].mean(axis=0), float(picked[:, -1].mean())
    return coef, b, float(np.mean(Cs[at])), float(np.mean(ratios[on]))
