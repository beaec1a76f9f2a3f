"""The cross-validation attributes of :class:`logistic.LogisticRegressionCV`
in the layout of scikit-learn's ``LogisticRegressionCV`` (scikit-learn 1.9).

scikit-learn keys ``scores_`` and ``coefs_paths_`` by class (a binary
problem: one key, the positive class ``classes_[1]``) and gives ``C_`` and
``l1_ratio_`` one entry per key, unless ``use_legacy_attributes=False``,
which gives plain arrays with an ``l1_ratios`` axis and floats. Its
``l1_ratios=None`` (penalties l1 and l2) has no ``l1_ratios`` axis in the
legacy layout and ``l1_ratios_ = [None]`` (its 1.9 default); the other
layout follows its 1.10 default ``l1_ratios=(0.0,)``: ``l1_ratios_`` holds
the L1 share (0 for l2, 1 for l1). ``penalty="elasticnet"`` here is its
``l1_ratios=[l1_ratio]``, a grid of one ratio, and its ``l1_ratios``
grid (:mod:`logistic._cv_ratios`) scikit-learn's ``l1_ratios`` of as many:
the ``l1_ratios`` axis then has their length, in the order given.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SklearnLayout", "sklearn_layout"]


class SklearnLayout:
    """The attributes :func:`sklearn_layout` gives a fitted
    ``LogisticRegressionCV``, declared for type checkers (the fit sets them
    with ``setattr``, whose names mypy and pyright cannot see). ``scores_``,
    ``coefs_paths_``, ``C_`` and ``l1_ratio_`` change type with
    ``use_legacy_attributes`` (a dict or an array; an array of shape (1,) or
    a float), so they are ``Any``."""

    scores_: Any
    coefs_paths_: Any
    n_iter_: np.ndarray
    C_: Any
    l1_ratio_: Any
    l1_ratios_: np.ndarray


def sklearn_layout(
    positive: Any, scores: np.ndarray, paths: np.ndarray, n_iter: np.ndarray,
    C: float, ratios: np.ndarray | None, ratio: float, legacy: bool,
    refit: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """``scores_``, ``coefs_paths_``, ``n_iter_``, ``C_``, ``l1_ratio_`` and
    ``l1_ratios_`` from ``scores`` and ``n_iter`` of shape (n_folds,
    n_ratios, n_Cs), ``paths`` of shape (n_folds, n_ratios, n_Cs, n_dof), the
    chosen ``C``, the elastic net's grid of mixings ``ratios`` (None for l1
    and l2, whose one mixing is ``ratio``) and the chosen mixing ``ratio``
    (the L1 share; with ``refit=False`` the mean of the folds' mixings).
    Without a refit scikit-learn's legacy ``l1_ratio_`` of l1 and l2 is
    ``[0.0]`` (the mean over folds it takes for the elastic net only), not
    ``[None]``; its non-legacy ``l1_ratio_`` of l1 is then 0.0 against its
    own ``l1_ratios_ = [1.0]``, and here stays the L1 share ``ratio``."""
    elasticnet = ratios is not None
    if legacy:
        # axes (fold, C[, l1_ratio][, dof]): the l1_ratio axis for elasticnet only
        if elasticnet:
            l1_ratios = np.asarray(ratios, dtype=np.float64).copy()
            chosen = np.array([ratio])
            return {
                "scores_": {positive: scores.transpose(0, 2, 1).copy()},
                "coefs_paths_": {positive: paths.transpose(0, 2, 1, 3).copy()},
                "n_iter_": n_iter.transpose(0, 2, 1)[None].copy(),
                "C_": np.array([C]),
                "l1_ratio_": chosen,
                "l1_ratios_": l1_ratios,
            }
        l1_ratios = np.array([None], dtype=object)
        return {
            "scores_": {positive: scores[:, 0]},
            "coefs_paths_": {positive: paths[:, 0]},
            "n_iter_": n_iter[:, 0][None],
            "C_": np.array([C]),
            "l1_ratio_": l1_ratios.copy() if refit else np.array([0.0]),
            "l1_ratios_": l1_ratios,
        }
    # axes (fold, l1_ratio, C[, class, dof])
    return {
        "scores_": scores,
        "coefs_paths_": paths[:, :, :, None, :],
        "n_iter_": n_iter,
        "C_": float(C),
        "l1_ratio_": float(ratio),
        "l1_ratios_": np.array([ratio])
        if ratios is None
        else np.asarray(ratios, dtype=np.float64).copy(),
    }
