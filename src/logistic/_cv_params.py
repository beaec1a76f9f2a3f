"""The parameter checks of :class:`~logistic.model_selection.LogisticRegressionCV`
that are its own (``cv``, the grids ``Cs``/``alphas``, ``scoring``; the path's
are :mod:`logistic._path`'s), and its need of scikit-learn, whose splitters,
scorers and joblib loop the folds use: imported when ``fit`` or a named
``scoring`` runs, with an ImportError that says how to install it."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._constraints import as_float64

__all__ = ["is_cv", "is_grid", "require_sklearn", "scoring_ok"]


def is_cv(v: Any) -> bool:
    """an int ≥ 2, a scikit-learn splitter or an iterable of (train, test) splits"""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v) >= 2
    return v is None or hasattr(v, "split") or hasattr(v, "__iter__")


def is_grid(v: Any) -> bool:
    """None, an int ≥ 1 or a sequence of positive numbers"""
    if v is None:
        return True
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v) >= 1
    try:
        a = as_float64(v)  # an integer beyond float64 (10**400): inf, refused
    except (TypeError, ValueError):
        return False
    return a.ndim == 1 and a.size > 0 and bool(np.all(np.isfinite(a)))


def scoring_ok(v: Any) -> bool:
    """None, a scorer name (sklearn.metrics.get_scorer_names()) or a callable"""
    # (the docstring is the refusal's words; a name is one of
    # sklearn.metrics.get_scorer_names(), checked with the other parameters
    # rather than by check_scoring, whose refusal names itself and lists them
    # all; without scikit-learn, require_sklearn's error comes first)
    if isinstance(v, str):
        try:
            from sklearn.metrics import get_scorer_names
        except ImportError:
            return True
        return v in get_scorer_names()
    return v is None or callable(v)


def require_sklearn() -> None:
    """Import scikit-learn (and joblib, which it installs), or, when either
    is not installed, raise an ImportError that says how to install it: the
    folds' splitters, the scorers and the parallel loop are scikit-learn's.
    Another import error (a broken installation) is raised as it is."""
    try:
        import joblib  # noqa: F401
        import sklearn  # noqa: F401
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("sklearn", "joblib"):
            raise
        raise ImportError(
            "LogisticRegressionCV needs scikit-learn (its splitters, scorers and "
            "joblib's parallel loop), which is not installed: pip install "
            f"'logistic[sklearn]' or pip install scikit-learn ({exc})"
        ) from None
