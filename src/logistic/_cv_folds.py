"""The folds of :class:`logistic.model_selection.LogisticRegressionCV`: a path
point as a fitted model (scored by scikit-learn scorers with the test fold's
offset), the data brought to memory once, the joblib backend the folds run
on, the negative log loss of every path point, the one-standard-error rule
and the warning when the best score sits at an edge of the grid, the refusal
of a fold whose training rows hold none of a class's weight, and the scorer
of a ``scoring`` (scikit-learn's positive-label rule)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ._exceptions import DataValidationError, InvalidParameterError
from ._labels import label_shown
from ._path import PathResult
from ._typing import Backend, is_dask_collection
from .estimator import LogisticRegression

__all__ = [
    "FoldPoint",
    "check_fold_classes",
    "check_fold_scores",
    "point_model",
    "in_memory",
    "refuse_streamed",
    "fold_backend",
    "fold_indices",
    "fold_jobs",
    "fold_scorer",
    "fold_seeds",
    "neg_log_losses",
    "standard_error_rule",
    "training_rows",
    "warn_at_edge",
]


class FoldPoint(LogisticRegression):
    """A path point scored on a test fold. A scikit-learn scorer calls
    ``predict_proba(X)`` (or ``predict``, ``decision_function``) without an
    offset, so the fold's offset rows are the default here: every prediction
    method goes through :meth:`decision_function`."""

    fold_offset: Any = None

    def decision_function(self, X: Any, offset: Any = None) -> Any:
        return super().decision_function(
            X, self.fold_offset if offset is None else offset
        )


def point_model(
    classes: np.ndarray, coef: np.ndarray, intercept: float, names: Any,
    offset: Any = None,
) -> LogisticRegression:  # fmt: skip
    """A fitted ``LogisticRegression`` holding one point of a path; with
    ``offset`` (a test fold's rows), one that adds it to every prediction."""
    m = LogisticRegression()
    if offset is not None:
        m = FoldPoint()
        m.fold_offset = offset
    m.classes_ = classes
    m.coef_ = np.asarray(coef, dtype=np.float64).reshape(1, -1).copy()
    m.intercept_ = np.array([float(intercept)])
    m.n_features_in_ = int(m.coef_.shape[1])
    if names is not None:
        m.feature_names_in_ = np.asarray(names, dtype=object)
    return m


def fold_scorer(scoring: Any, classes: np.ndarray) -> Any:
    """The scorer that scores every fold for ``scoring`` (None: the exact
    negative log loss, :func:`neg_log_losses`), as scikit-learn's
    ``LogisticRegressionCV`` makes it: a scorer whose metric takes ``labels``
    (``f1``, ``precision``, ``recall``, ``jaccard``, ...) is made again with
    ``labels=classes`` and, for two classes, a metric taking ``pos_label``
    (those and ``average_precision``, ``neg_brier_score``) with
    ``pos_label=classes[-1]`` (the greater label, the model's positive
    class), whatever the metric's own default. Passed as is, ``"f1"`` scored
    class ``1`` of labels ``{1, 2}`` (the negative class: the grid's best C
    was another one than scikit-learn's) and failed on text labels."""
    if scoring is None:
        return None
    import inspect

    from sklearn.metrics import check_scoring, make_scorer

    scorer = check_scoring(LogisticRegression(), scoring=scoring)
    func = getattr(scorer, "_score_func", None)
    params = () if func is None else inspect.signature(func).parameters
    extra: dict[str, Any] = {}
    if "labels" in params:
        extra["labels"] = classes
    if classes.size == 2 and "pos_label" in params:
        extra["pos_label"] = classes[-1]
    if not extra:
        return scorer
    # the scorer's own arguments win: "f1_macro" holds pos_label=None and
    # average="macro", make_scorer(f1_score, labels=[...]) its labels
    extra.update(getattr(scorer, "_kwargs", {}))
    return make_scorer(
        func,
        greater_is_better=scorer._sign == 1,
        response_method=scorer._response_method,
        **extra,
    )


def fold_seeds(random_state: Any, folds: list[Any]) -> list[Any]:
    """The ``random_state`` of each fold's path: an int or None as given (the
    same seed in every fold), a numpy Generator as one child each
    (``Generator.spawn``; a RandomState as a seed drawn from it for each):
    the folds run in threads, and one shared stream
    would be drawn from in whatever order they run (``n_jobs > 1`` not
    reproducible)."""
    if isinstance(random_state, np.random.Generator):
        return list(random_state.spawn(len(folds)))
    if isinstance(random_state, np.random.RandomState):  # no spawn: seeds drawn
        return [int(v) for v in random_state.randint(0, 2**31 - 1, len(folds))]
    return [random_state] * len(folds)


def refuse_streamed(X: Any, name: str) -> None:
    """A file path or a backend for X: refused naming what to do, since the
    folds index rows in memory (``LogisticRegression.fit`` streams them)."""
    if isinstance(X, (str, os.PathLike)):
        what = f"a file path ({str(X)!r:.200})"
    elif isinstance(X, Backend):
        what = f"a {type(X).__name__} backend"
    else:
        return
    raise InvalidParameterError(
        f"{name} cross-validates rows in memory (arrays, DataFrames, Dask), not "
        f"{what}: its folds index rows. Read the data first (pandas.read_csv, "
        "pyarrow.parquet.read_table), or cross-validate a file with the command "
        "line's 'logistic fit DATA --cv K'; LogisticRegression.fit streams a file"
    )


def in_memory(*values: Any) -> tuple[tuple[Any, ...], bool]:
    """``(values with Dask collections computed, whether any was Dask)``: one
    ``dask.compute`` for all, so that a shared graph is evaluated once. Device
    arrays (torch, CuPy, array-API) are copied to the host (detached from an
    autograd graph, from any device), as numpy reads a CPU tensor."""
    from .backends.array_api import host_array

    values = tuple(host_array(v) for v in values)
    if not any(is_dask_collection(v) for v in values):
        return values, False
    import dask

    return tuple(dask.compute(*values)), True


def fold_jobs(n_jobs: int | None, n_folds: int) -> int | None:
    """joblib's ``n_jobs`` for the folds: a positive ``n_jobs`` at most the
    number of folds (more threads would idle; joblib refuses ``10**30`` with
    "Expression ... is too long"), None and negative ones as given."""
    if n_jobs is None or n_jobs < 0:
        return n_jobs
    return min(int(n_jobs), n_folds)


def fold_backend(from_dask: bool) -> Any:
    """joblib's ``"dask"`` backend when the data were Dask collections and a
    ``distributed`` Client is active, else a no-op context (threads)."""
    from contextlib import nullcontext

    if from_dask:
        try:
            from distributed import default_client

            default_client()
        except (ImportError, ValueError):
            return nullcontext()
        from joblib import parallel_config

        return parallel_config(backend="dask")
    return nullcontext()


def neg_log_losses(
    res: PathResult, X_te: Any, y_te: np.ndarray, w_te: Any, off: Any,
    test: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Negative mean log loss of every point of ``res`` on the test rows: one
    product ``X_te @ coefs.T`` for all points, then the loss of
    :func:`logistic.metrics.log_loss_from_logits` (``logaddexp(0, ∓z)``) of
    every column at once, weighted by ``w_te``."""
    z = np.asarray(X_te @ res.coefs.T, dtype=np.float64) + res.intercepts
    if off is not None:
        z += off[test][:, None]
    losses = np.logaddexp(0.0, np.where(y_te[:, None] == 1, -z, z))
    if w_te is None:
        return -losses.mean(axis=0)
    w = np.asarray(w_te, dtype=np.float64)
    return -(w @ losses) / w.sum()


def check_fold_scores(
    scores: np.ndarray, scoring: Any, splits: Any = None, data: Any = None
) -> None:
    """Refuse fold scores (n_folds, n_points) whose mean is finite at no
    point of the grid: a scorer undefined on a fold's test rows (ROC AUC of a
    test fold holding one class: NaN, with scikit-learn's
    UndefinedMetricWarning) makes every mean of the CV curve NaN, and the
    strength chosen from them would be the grid's first whatever the data,
    as for a fold whose test rows hold no weight (:func:`check_fold_classes`).
    A grid with some finite means chooses among those. Given the folds'
    ``splits`` (train, test) and the fit's ``data``, the refusal names a
    failing fold's test rows that hold one class, and where a class has
    fewer rows than folds (a rare class: 4 rows, 5 folds), the most folds
    that give each test fold one."""
    with np.errstate(invalid="ignore"):
        if np.isfinite(scores.mean(axis=0)).any():
            return
    bad = np.flatnonzero(~np.isfinite(scores).all(axis=1)) + 1
    named = scoring if isinstance(scoring, str) else getattr(scoring, "__name__", None)
    many, k = bad.size > 1, scores.shape[0]
    folds = ", ".join(str(i) for i in bad[:10].tolist())
    if bad.size > 10:  # leave-one-out: one fold a row
        folds += f" and {bad.size - 10} more"
    where = (
        f"all {k} cross-validation folds"
        if bad.size == k > 1
        else f"cross-validation fold{'s' if many else ''} {folds} of {k}"
    )
    remedy = (
        "use a stratified, shuffled split (cv=5, StratifiedKFold(5, "
        "shuffle=True)), fewer folds, or another scoring"
    )
    if splits is not None and data is not None:
        remedy = _one_class_remedy(splits, data, int(bad[0]) - 1) or remedy
    raise DataValidationError(
        f"{where}: the scoring {named or scoring!r} gave {'them' if many else 'it'} "
        "no finite score (a metric undefined on the test rows, e.g. ROC AUC of "
        f"a test fold holding one class), so the mean score is NaN at every "
        f"strength and none can be chosen; {remedy}"
    )


def _one_class_remedy(folds: list[Any], data: Any, i: int) -> str | None:
    """What to do when fold ``i``'s test rows hold one class only (None
    otherwise): with a class of fewer rows than folds no split gives every
    test fold a row of it (``cv=5`` is then no remedy: it is the split that
    failed), so say how many folds can; else a stratified split can."""
    classes = np.asarray(data.classes).tolist()
    present = np.unique(data.y01[folds[i][1]]).astype(np.intp)
    if present.size != 1:
        return None
    only = label_shown(classes[present[0]])
    held = f"fold {i + 1}'s test rows hold only class {only}"
    counts = np.bincount(data.y01.astype(np.intp), minlength=len(classes))
    rare = int(np.argmin(counts))
    m = int(counts[rare])
    if np.asarray(data.y01[folds[i][1]]).size == 1 and m > 1:  # leave-one-out
        # cv=5 only where the rare class fills 5 stratified test folds
        return (
            f"{held}, in one row; use fewer, larger folds (cv={min(5, m)}) or a "
            "scoring defined on one class (the default, log loss)"
        )
    if m < len(folds):
        named = f"class {label_shown(classes[rare])}"
        if m == 1:
            return (
                f"{held}: {named} has 1 row, so no split gives every test fold a "
                "row of it; use a scoring defined on one class (the default, log "
                "loss)"
            )
        return (
            f"{held}: {named} has {m} rows, fewer than the {len(folds)} folds, so "
            f"some test fold holds none of it; use at most {m} stratified folds "
            f"(cv={m}), or a scoring defined on one class (the default, log loss)"
        )
    return (
        f"{held}; use a stratified, shuffled split (cv={len(folds)}, "
        f"StratifiedKFold({len(folds)}, shuffle=True)), or another scoring"
    )


def standard_error_rule(mean: np.ndarray, std_err: np.ndarray) -> tuple[int, int]:
    """``(best, one_se)``: the first index of the best mean score, and the
    first (largest strength) index whose mean is ≥ best − its standard error."""
    finite = np.where(np.isfinite(mean), mean, -np.inf)
    best = int(np.argmax(finite))
    limit = finite[best] - (std_err[best] if np.isfinite(std_err[best]) else 0.0)
    one_se = int(np.flatnonzero(finite >= limit)[0])
    return best, one_se


def warn_at_edge(
    alphas: np.ndarray, nnz: np.ndarray, best: int, kind: str, C: float,
    given: bool = False,
) -> None:  # fmt: skip
    """Warn when the best point is an edge of the grid beyond which the
    score could still improve (see the module docstring), naming the point
    as the grid was given: ``C`` for a grid of ``Cs``, alpha otherwise; a
    grid of ``alphas`` given (``given``) is widened by passing others (eps
    and n_alphas make the default sequence only)."""
    weakest = best == len(alphas) - 1 and alphas[best] > 0
    strongest = best == 0 and len(alphas) > 1 and nnz[0] > 0
    if not (weakest or strongest):
        return
    import warnings

    from ._exceptions import GridEdgeWarning, user_stacklevel

    side, way = ("weakest", "lower") if weakest else ("strongest", "higher")
    how = (
        f"pass Cs reaching {'higher' if weakest else 'lower'} C"
        if kind == "C"
        else f"pass alphas reaching {way}"
        if given
        else f"pass alphas reaching {way}"
        + (" or a smaller eps (alpha_min/alpha_max)" if weakest else "")
        if len(alphas) > 1
        # one strength: the default sequence of n_alphas=1 is alpha_max alone,
        # whatever eps
        else "pass alphas reaching lower, or n_alphas of 2 or more for the "
        "default sequence (n_alphas=1 is alpha_max alone, whatever eps)"
    )
    point = f"C = {C:.6g}" if kind == "C" else f"alpha = {alphas[best]:.6g}"
    warnings.warn(
        f"LogisticRegressionCV: the best score is at the {side} penalty strength "
        f"of the grid ({point}); the optimum may lie beyond "
        f"it: widen the grid ({how})",
        GridEdgeWarning,
        stacklevel=user_stacklevel(),
    )


def fold_indices(splits: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """A splitter's ``(train, test)`` pairs with each side as row indices: a
    boolean mask (which scikit-learn's CV iterables may hold) as the indices
    of its True rows, so that every count of a side's rows (the training
    rows' total weight, which scales C to the penalty) counts rows, not the
    mask's length."""

    def indices(rows: Any) -> np.ndarray:
        rows = np.asarray(rows)
        return np.flatnonzero(rows) if rows.dtype == np.bool_ else rows

    return [(indices(train), indices(test)) for train, test in splits]


#: Bytes of X's rows gathered at a time by :func:`training_rows` (a
#: C-ordered block of at most this size, at least one row, is the one
#: temporary, whatever X's width).
_GATHER_BYTES = 4 << 20


def training_rows(X: Any, rows: np.ndarray, by_columns: bool) -> Any:
    """``X[rows]``, a fold's training rows (``rows``: indices,
    :func:`fold_indices`). For the column solver of ``solver="auto"``, which
    reads X by column (a Fortran-ordered float64 copy,
    :class:`logistic.solvers._column_matrix.ColumnMatrix`), a dense float64
    X's rows are gathered straight into Fortran order, block by block, so
    that this copy is the one the path reads and the path makes no second
    one (a fold's rows held once, not twice). A block is bounded in
    bytes, not rows, so that a wide X (fewer rows than a block of a fixed
    count would hold) gets the same saving."""
    if not (
        by_columns
        and isinstance(X, np.ndarray)
        and X.ndim == 2
        and X.dtype == np.float64
    ):
        return X[rows]
    index = np.asarray(rows)
    out = np.empty((index.size, X.shape[1]), dtype=np.float64, order="F")
    block = max(1, _GATHER_BYTES // max(1, X.shape[1] * X.itemsize))
    for start in range(0, index.size, block):
        part = index[start : start + block]
        out[start : start + part.size] = X[part]
    return out


def check_fold_classes(folds: list[Any], data: Any, weights: Any) -> None:
    """Refuse a split whose training rows of a fold lack a class, or hold
    none of its weight, naming the fold (a fit on them would say the data
    lack the class, which the whole data do not), and one whose test rows
    hold no weight (their weighted score, a mean over that weight, is
    undefined: a NaN score would make every mean of the CV curve NaN and the
    choice of strength arbitrary)."""
    w = np.ones(len(data.y01)) if weights is None else weights
    for i, (train, _) in enumerate(folds):
        y_tr, w_tr = data.y01[train], w[train]  # indices or a boolean mask
        for k, label in enumerate(np.asarray(data.classes).tolist()):
            if w_tr[y_tr == k].sum() > 0:
                continue
            whole = weights is None or weights[data.y01 == k].sum() > 0
            held = "no rows" if weights is None else "no rows of positive weight"
            more = (
                ", or give more rows of that class a positive weight"
                if weights is not None
                else ""
            )
            raise DataValidationError(
                f"cross-validation fold {i + 1} of {len(folds)}: its training rows "
                f"hold {held} of class {label_shown(label)}"
                + (" (the whole data do)" if whole else "")
                + f"; use fewer folds (cv=) or a stratified, shuffled split{more}"
            )
    scored = data.sample_weight  # the test scores' weights (not class_weight's)
    for i, (_, test) in enumerate(folds):
        if scored is not None and not scored[test].sum() > 0:
            raise DataValidationError(
                f"cross-validation fold {i + 1} of {len(folds)}: its test rows "
                "hold no rows of positive weight, so their weighted score is "
                "undefined; use a shuffled split, or fewer folds (cv=)"
            )
