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
from ._exceptions import InvalidParameterError

__all__ = [
    "check_splits", "cs_alphas", "grid_alphas", "is_alphas", "is_cs", "is_cv",
    "is_grid", "require_sklearn", "scoring_ok",
]


def is_cv(v: Any) -> bool:
    """an int ≥ 2, a scikit-learn splitter or an iterable of (train, test) splits"""
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v) >= 2
    if isinstance(v, str | bytes) or (hasattr(v, "ndim") and np.ndim(v) == 0):
        return False  # a text, or a 0-d array: nothing to split by (its iter raises)
    return v is None or hasattr(v, "split") or hasattr(v, "__iter__")


def check_splits(cv: Any, n_samples: int, owner: str) -> Any:
    """``cv`` for scikit-learn's ``check_cv``: an int, None or a splitter as
    given; an iterable of splits read once into a list of ``(train, test)``
    pairs, each side a non-empty 1-D array of row indices from 0 to
    ``n_samples - 1`` or a boolean mask of ``n_samples`` rows (what
    scikit-learn's splitters yield), refused otherwise naming the split:
    scikit-learn unpacks each one as it fits and fails on the first that is
    not a pair, or indexes the rows with it, with numpy's words."""
    if cv is None or isinstance(cv, numbers.Integral) or hasattr(cv, "split"):
        return cv
    splits = list(cv)
    expected = (
        f"The 'cv' parameter of {owner} must be an int ≥ 2, a scikit-learn "
        "splitter or an iterable of (train, test) pairs of row indices"
    )
    if not splits:
        raise InvalidParameterError(f"{expected}. Got {cv!r:.80}, which holds none.")
    for i, split in enumerate(splits):
        where = f"split {i + 1} of {len(splits)}"
        if isinstance(split, str | bytes) or not hasattr(split, "__len__"):
            raise InvalidParameterError(
                f"{expected}; {where} is {split!r:.80}, not a (train, test) pair."
            )
        if len(split) != 2:
            raise InvalidParameterError(
                f"{expected}; {where} holds {len(split)} items, not a (train, "
                "test) pair."
            )
        for side, rows in zip(("train", "test"), split, strict=True):
            problem = _index_problem(rows, n_samples)
            if problem:
                raise InvalidParameterError(
                    f"{expected}; the {side} rows of {where} {problem}."
                )
    return splits


def _index_problem(given: Any, n_samples: int) -> str | None:
    """What is wrong with ``given`` as one side of a split, or None."""
    try:
        rows = np.asarray(given)
    except (TypeError, ValueError):  # a ragged nesting
        return f"are {given!r:.80}, not a 1-D array of row indices"
    if rows.ndim != 1 or rows.size == 0:
        return f"are {rows.tolist()!r:.80}, not a non-empty 1-D array"
    if rows.dtype == np.bool_:
        if rows.size != n_samples:
            return f"are a mask of {rows.size} rows, and the data have {n_samples}"
        return None if rows.any() else "are a mask that selects no row"
    if not np.issubdtype(rows.dtype, np.integer):
        return f"are of dtype {rows.dtype}, not integer row indices"
    low, high = int(rows.min()), int(rows.max())
    if low < 0 or high >= n_samples:
        bad = low if low < 0 else high
        return f"hold the index {bad}, outside 0 to {n_samples - 1} (the data's rows)"
    return None


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


def is_alphas(v: Any) -> bool:
    """None or a non-empty sequence of finite numbers ≥ 0"""
    # not is_grid: an int is no count of alphas here (n_alphas is), and a
    # strength of 0 (no penalty) is allowed
    if v is None:
        return True
    if isinstance(v, numbers.Number | str | bytes):
        return False
    try:
        a = as_float64(v)  # an integer beyond float64 (10**400): inf, refused
    except (TypeError, ValueError):
        return False
    return a.ndim == 1 and a.size > 0 and bool(np.all(np.isfinite(a) & (a >= 0)))


def is_cs(v: Any) -> bool:
    """None, an int ≥ 1 or a sequence of positive numbers (inf: no penalty)"""
    # C = inf is LogisticRegression's C=np.inf and alpha = 0 of an alphas
    # grid, which scikit-learn's Cs take too; an integer beyond float64
    # (10**400) is still refused, not read as inf (numpy's OverflowError)
    if is_grid(v):
        return True
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return False
    return a.ndim == 1 and a.size > 0 and bool(np.all(np.isfinite(a) | (a == np.inf)))


def grid_alphas(kind: str, grid: np.ndarray, weight_sum: float) -> np.ndarray:
    """The strengths of a grid: ``alpha`` as given (``kind`` ``"alpha"``), or
    those of a grid of ``Cs`` (``kind`` ``"C"``, :func:`cs_alphas`)."""
    return cs_alphas(grid, weight_sum) if kind == "C" else grid


def cs_alphas(Cs: np.ndarray, weight_sum: float) -> np.ndarray:
    """The strengths ``alpha = 1/(C·Σs)`` of a grid of ``Cs`` (Σs: the rows
    fitted, a fold's training rows or all), a ``C`` so small that its alpha
    overflows refused naming ``Cs`` (as ``LogisticRegression`` refuses such a
    ``C``), not passed on to :func:`logistic.path` as an infinite alpha."""
    with np.errstate(over="ignore", divide="ignore"):
        alphas = 1.0 / (Cs * weight_sum)
    if np.all(np.isfinite(alphas)):
        return alphas
    C = float(Cs[np.flatnonzero(~np.isfinite(alphas))[0]])
    raise InvalidParameterError(
        f"The 'Cs' parameter of LogisticRegressionCV holds C={C!r}, too small: "
        f"alpha = 1/(C·Σs) = 1/({C!r}·{weight_sum:g}) overflows (Σs: the total "
        "weight of the rows fitted). Use a larger C (or alphas directly)."
    )


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
