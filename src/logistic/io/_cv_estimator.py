"""A fitted ``LogisticRegressionCV`` as the model a file holds.

``save(cv_model, path)`` writes what ``logistic fit --cv K`` writes: the
refit at the chosen strength as a ``LogisticRegression`` (``penalty``, the
chosen ``alpha``, and for the elastic net the chosen ``l1_ratio``; the
estimator's ``fit_intercept``, ``class_weight``, ``solver``, ``tol``,
``max_iter``, ``random_state`` and ``include``) with the refit's
coefficients, and the CV record of :mod:`logistic.io._cv` built from the
estimator's attributes: the curve of the chosen mixing (``cv_curve_``:
``alphas``, ``Cs``, mean score and its standard error, ``n_nonzero``, in
order of decreasing strength), the chosen point and, with ``l1_ratios``,
every mixing's curve. ``load`` gives back a ``LogisticRegression`` whose
predictions are those of the estimator (the same coefficients).

The record keeps what the file format holds: no fold-by-fold scores (their
mean and standard error), and no coefficient path (``path`` is null; the
CLI's is a second pass over all rows, which ``save`` has no data for).
A model fitted with ``refit=False`` is refused: its coefficients are an
average of the folds' fits, the solution of no strength, so no
``model.params`` would describe them.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

__all__ = ["cv_record", "is_cv_estimator", "refit_of_cv"]

#: Longest splitter / scoring text (:func:`logistic.io._cv._text`'s bound).
_MAX_TEXT = 200


def is_cv_estimator(model: Any) -> bool:
    """Whether ``model`` is a :class:`logistic.LogisticRegressionCV` (its
    module is imported only when the class name says it may be one)."""
    if type(model).__name__ != "LogisticRegressionCV":
        return False
    from ..model_selection import LogisticRegressionCV

    return isinstance(model, LogisticRegressionCV)


def refit_of_cv(cv: Any) -> Any:
    """The fitted ``LogisticRegression`` a file of ``cv`` holds (see the
    module docstring), its ``cross_validation_`` the CV record, checked as
    :func:`~logistic.io._cv.cross_validation_from_dict` checks a file's.

    Raises
    ------
    NotFittedError
        ``cv`` is not fitted.
    ValueError
        ``cv`` was fitted with ``refit=False``, or its grid holds ``C = inf``
        (no penalty), which the record cannot hold.
    """
    from .._estimator_protocol import _not_fitted_error_class
    from .._fitted_params import record_fitted_params
    from .._offset_use import OFFSET_ATTR
    from .._penalty import penalty_strengths
    from ..estimator import LogisticRegression
    from ._cv import cross_validation_from_dict

    if not hasattr(cv, "coef_"):
        raise _not_fitted_error_class()(
            "cannot save an unfitted model: call fit() first"
        )
    if cv.path_ is None:  # refit=False
        raise ValueError(
            "cannot save a LogisticRegressionCV fitted with refit=False: its coef_ "
            "is the average of the folds' coefficients, the fit of no single "
            "strength, which a model file cannot describe; fit it with refit=True "
            "(the default) to save the refit at the chosen strength"
        )
    record = cv_record(cv)
    ratio = record["l1_ratio"]
    model = LogisticRegression(
        penalty=cv.penalty,
        alpha=float(cv.alpha_),
        C=None,
        l1_ratio=ratio if cv.penalty == "elasticnet" else None,
        fit_intercept=bool(cv.fit_intercept),
        class_weight=cv.class_weight,
        solver=cv.solver,
        tol=cv.tol,
        max_iter=cv.max_iter,
        random_state=cv.random_state,
        include=cv.include,
    )
    model._validate_params()  # what load checks, named before anything is written
    record_fitted_params(model)
    chosen = record["chosen_index"]
    model.coef_ = np.asarray(cv.coef_, dtype=np.float64).copy()
    model.intercept_ = np.asarray(cv.intercept_, dtype=np.float64).copy()
    model.classes_ = cv.classes_
    model.n_features_in_ = int(cv.n_features_in_)
    if hasattr(cv, "feature_names_in_"):
        model.feature_names_in_ = cv.feature_names_in_
    model.encoding_ = getattr(cv, "encoding_", None)
    model.n_iter_ = np.array([int(cv.path_.n_iter[chosen])])
    model.converged_ = bool(cv.path_.converged[chosen])
    l1, l2 = penalty_strengths(cv.penalty, float(cv.alpha_), ratio, None, 1.0)
    model.penalty_l1_, model.penalty_l2_ = float(l1), float(l2)
    if hasattr(cv, OFFSET_ATTR):
        setattr(model, OFFSET_ATTR, getattr(cv, OFFSET_ATTR))
    model.history_ = []
    model.fit_statistics_ = None  # penalized: no model-based covariance
    record = cross_validation_from_dict(record, model.n_features_in_, "<memory>", model)
    setattr(model, "cross_validation_", record)  # noqa: B010 (not a declared attribute)
    return model


def cv_record(cv: Any) -> dict[str, Any]:
    """The ``model.cross_validation`` record of a fitted ``cv``
    (:mod:`logistic.io._cv`'s layout; ``logistic fit --cv`` writes it too,
    with its own splitter's words and the coefficient path it computes)."""
    curve = cv.cv_curve_  # the chosen mixing's
    if not np.all(np.isfinite(curve.Cs)):
        raise ValueError(
            "cannot save a LogisticRegressionCV whose Cs hold inf (no penalty): "
            "a model file's CV record holds finite C values only; give finite Cs "
            f"(got Cs_ = {np.asarray(cv.Cs_).tolist()!r:.120})"
        )
    chosen = curve.best_index if cv.rule == "min" else curve.index_1se
    scores = cv.scores_
    if isinstance(scores, dict):  # use_legacy_attributes=True: {class: array}
        scores = next(iter(scores.values()))
    record: dict[str, Any] = {
        "folds": int(np.shape(scores)[0]),
        "splitter": _splitter_text(cv.cv),
        "scoring": _scoring_text(cv.scoring),
        "rule": cv.rule,
        "penalty": cv.penalty,
        "l1_ratio": float(curve.l1_ratio),
        "alphas": np.asarray(curve.alphas, dtype=float).tolist(),
        "Cs": np.asarray(curve.Cs, dtype=float).tolist(),
        "mean": np.asarray(curve.mean, dtype=float).tolist(),
        "std_err": np.asarray(curve.std_err, dtype=float).tolist(),
        "n_nonzero": np.asarray(curve.n_nonzero, dtype=float).tolist(),
        "best_index": int(curve.best_index),
        "index_1se": int(curve.index_1se),
        "chosen_index": int(chosen),
        "alpha": float(cv.alpha_),
        "C": float(curve.Cs[chosen]),
        "path": None,  # the CLI's is a pass over all rows: no data here
    }
    curves = cv.cv_curves_
    if cv.l1_ratios is not None and cv.penalty == "elasticnet":
        record["l1_ratio_grid"] = {
            "l1_ratios": [float(c.l1_ratio) for c in curves],
            "chosen_index": next(i for i, c in enumerate(curves) if c is curve),
            **{
                key: [np.asarray(getattr(c, key), dtype=float).tolist() for c in curves]
                for key in ("mean", "std_err", "n_nonzero")
            },
        }
    return record


def _short(text: str) -> str:
    """One line (white space runs made one space) of at most _MAX_TEXT characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _splitter_text(cv: Any) -> str:
    """The folds' splitter as the record names it: an int k is
    ``StratifiedKFold(n_splits=k)`` (scikit-learn's ``check_cv`` for a
    classifier), a splitter its repr, an iterable of splits its type."""
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        return f"StratifiedKFold(n_splits={int(cv)})"
    if hasattr(cv, "split"):
        return _short(repr(cv))
    return _short(f"given splits ({type(cv).__name__})")


def _scoring_text(scoring: Any) -> str:
    """The score the folds were scored by: ``neg_log_loss`` (None), a
    scorer's name, or a callable's name."""
    if scoring is None:
        return "neg_log_loss"
    if isinstance(scoring, str):
        return _short(scoring)
    return _short(getattr(scoring, "__name__", None) or type(scoring).__name__)
