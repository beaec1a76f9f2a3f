"""Classification metrics for binary probabilities, in plain numpy.

Convention (owned here): ``y_true`` holds 0/1 (1 = the positive class,
``classes_[1]``); scores are probabilities of the positive class, or logits
where a function says so (log loss is exact from logits: no clipping);
where a probability is expected (log loss, Brier score, accuracy, confusion
matrix, calibration table) a value outside [0, 1], such as a logit, is
refused, as scikit-learn's ``calibration_curve`` refuses it. Optional
``sample_weight`` weights every sum. A row is predicted positive when
``proba > threshold`` (strictly, so threshold 0.5 agrees with
``LogisticRegression.predict``, which thresholds the logit at 0; a threshold
outside [0, 1] or NaN is refused, as ``logistic predict --threshold`` refuses
it, and so is a calibration table of fewer than 1 bin). Curves and
areas follow scikit-learn's definitions (ROC AUC by the trapezoidal rule over
distinct thresholds, PR AUC as average precision ``Σ (R_k − R_{k−1}) P_k``),
and the tests compare with scikit-learn.

Multi-class (K > 2) convention, also owned here: ``y_true`` holds class
indices ``0..K-1`` (the order of the model's ``classes_``); scores are an
``(n, K)`` matrix of probabilities, or of logits where a function says so.
A row is predicted as its most probable class (the first on ties, as
``numpy.argmax`` and ``LogisticRegression.predict``). Log loss is the mean
cross-entropy (exact from logits, :mod:`logistic._softmax`); ROC AUC is one
class against the rest on that class's probability, per class, and their
unweighted mean ("macro"), as scikit-learn's ``roc_auc_score(...,
multi_class="ovr")``; the confusion matrix is K x K, rows the true class,
columns the predicted one. Sample weights weight every sum as above.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "accuracy",
    "log_loss",
    "log_loss_from_logits",
    "brier_score",
    "roc_curve",
    "roc_auc",
    "precision_recall_curve",
    "average_precision",
    "confusion_matrix",
    "classification_rates",
    "calibration_table",
    "evaluate",
    "multiclass_accuracy",
    "multiclass_log_loss",
    "multiclass_log_loss_from_logits",
    "multiclass_roc_auc",
    "multiclass_confusion_matrix",
    "evaluate_multiclass",
]


#: What a two-class ``y_true`` must hold, and how text labels become it.
_BINARY_LABELS = "only 0 and 1 (1 the positive class)"
_ENCODE_BINARY = ": encode labels first, e.g. (y == positive_label).astype(int)"


def _numbers(values: Any, name: str, expected: str, remedy: str = "") -> np.ndarray:
    """``values`` as a float64 array, or a ValueError naming ``name``, the
    first value that is no number (text labels, ``None``), what ``name``
    must hold and the ``remedy`` (numpy's own error names neither the
    argument nor the row)."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        pass
    flat = np.asarray(values, dtype=object).ravel()
    for i, v in enumerate(flat):
        try:
            float(v)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must hold {expected}; row {i} (0-based) holds {v!r}"
                f"{remedy}"
            ) from None
    raise ValueError(f"{name} must hold {expected}{remedy}")  # no row to name


def _prep(y_true: Any, score: Any, sample_weight: Any) -> tuple[np.ndarray, ...]:
    y = _numbers(y_true, "y_true", _BINARY_LABELS, _ENCODE_BINARY).ravel()
    s = _numbers(score, "the scores", "numbers").ravel()
    if y.shape != s.shape:
        raise ValueError(f"y_true has {y.size} values but the scores have {s.size}")
    if y.size == 0:
        raise ValueError("metrics need at least one sample")
    other = np.flatnonzero(~np.isin(y, (0.0, 1.0)))
    if other.size:
        i = int(other[0])
        raise ValueError(
            f"y_true must hold {_BINARY_LABELS}; row {i} (0-based) holds "
            f"{y[i]:g}{_ENCODE_BINARY}"
        )
    _refuse_nan(s)
    return y, s, _weights(sample_weight, y.size)


def _refuse_nan(scores: np.ndarray) -> None:
    """Refuse NaN scores, as scikit-learn's metrics do ("Input contains
    NaN"): a NaN has no rank and no probability, so a curve sorted over it
    or a mean taken with it is no measure of the model."""
    nan = np.isnan(scores)
    if nan.any():
        rows = np.flatnonzero(nan.reshape(scores.shape[0], -1).any(axis=1))
        raise ValueError(
            f"the scores hold NaN (first at row {int(rows[0])}, 0-based; "
            f"{rows.size} row(s)): a NaN has no rank or probability; drop "
            "those rows or fix the scores"
        )


def _probabilities(
    p: np.ndarray, logits: str = "logits go to log_loss_from_logits"
) -> np.ndarray:
    """``p`` where every value is a probability, in [0, 1]; else the
    ValueError scikit-learn's ``log_loss``, ``brier_score_loss`` and
    ``calibration_curve`` also raise (a log of a negative number, a squared
    error against a value no model predicts, a logit binned or cut at a
    probability's threshold, is no measure of the model's). ``logits`` says
    where logits belong instead."""
    outside = np.flatnonzero(((p < 0) | (p > 1)).reshape(p.shape[0], -1).any(axis=1))
    if outside.size:
        i = int(outside[0])
        raise ValueError(
            f"the probabilities must lie in [0, 1]; row {i} (0-based) holds "
            f"{np.ravel(p[i]).tolist()[:5]} ({outside.size} row(s) outside): pass "
            f"predict_proba's values ({logits})"
        )
    return p


def _threshold(threshold: Any) -> float:
    """``threshold`` as a float in [0, 1] (a ValueError naming it otherwise, in
    the words of ``logistic predict --threshold``): a NaN compares false with
    every probability and so would call every row negative."""
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        t = math.nan
    if not 0.0 <= t <= 1.0:
        raise ValueError(
            f"threshold must be a probability in [0, 1], got {threshold!r}: a row "
            "is predicted positive when its probability exceeds it"
        )
    return t


def _n_bins(n_bins: Any) -> int:
    """``n_bins`` as an int >= 1 (scikit-learn's ``calibration_curve`` rule):
    with 0 bins, or fewer, the table had no row and said nothing."""
    whole = isinstance(n_bins, (int, np.integer)) and not isinstance(n_bins, bool)
    if not (whole and n_bins >= 1):
        raise ValueError(f"n_bins must be an int >= 1, got {n_bins!r}")
    return int(n_bins)


#: Where logits go instead of the probabilities of a thresholded or binned metric.
_FROM_LOGITS = "logits: 1 / (1 + exp(-z)), or evaluate(y_true, z)"


def _weights(sample_weight: Any, n: int) -> np.ndarray:
    """The row weights (ones when None): ``n`` finite values, none negative,
    of positive sum (a ValueError naming ``sample_weight`` otherwise)."""
    if sample_weight is None:
        return np.ones(n)
    w = _numbers(sample_weight, "sample_weight", "numbers").ravel()
    if w.size != n:
        raise ValueError(f"sample_weight has {w.size} values, expected {n}")
    if not np.isfinite(w).all():
        raise ValueError("sample_weight must be finite; got NaN or infinity")
    if (w < 0).any():
        raise ValueError(f"sample_weight must be >= 0; got {w.min():g}")
    total = w.sum()
    if not total > 0:
        raise ValueError(
            "sample_weight sums to 0: every row has weight 0, nothing to measure"
        )
    if not np.isfinite(total):
        raise ValueError(
            f"sample_weight sums beyond float64's range (largest {w.max():g}); "
            "rescale the weights (the metrics depend on their ratios only)"
        )
    return w


def _mean(values: np.ndarray, w: np.ndarray) -> float:
    """The ``w``-weighted mean of ``values`` over the rows of positive weight
    (a row of weight 0 counts for nothing, even where its value is infinite:
    ``np.average`` would make 0 · inf a NaN). Finite values whose sum
    overflows (log losses of 1e305 from logits of a value near 1e308) are
    averaged with each weight as its share of the total (the weights scaled
    by the largest first), which keeps every term at most its value."""
    kept = w > 0
    if not kept.all():
        values, w = values[kept], w[kept]
    with np.errstate(over="ignore"):
        mean = float(np.sum(values * w) / w.sum())
    if not math.isfinite(mean) and np.isfinite(values).all():
        share = w / w.max()  # every share ≤ 1: no term beyond its value
        with np.errstate(over="ignore"):
            mean = float(np.sum(values * (share / share.sum())))
    return mean


def accuracy(
    y_true: Any, proba: Any, threshold: float = 0.5, sample_weight: Any = None
) -> float:
    """Weighted share of rows with ``(proba > threshold) == y_true``."""
    y, p, w = _prep(y_true, proba, sample_weight)
    _probabilities(p, _FROM_LOGITS)
    return _mean(((p > _threshold(threshold)) == (y == 1)).astype(float), w)


def log_loss(y_true: Any, proba: Any, sample_weight: Any = None) -> float:
    """Mean ``−[y log p + (1−y) log(1−p)]``; infinite when a label has probability 0."""
    y, p, w = _prep(y_true, proba, sample_weight)
    _probabilities(p)
    with np.errstate(divide="ignore"):
        losses = -np.where(y == 1, np.log(p), np.log1p(-p))
    return _mean(losses, w)


def log_loss_from_logits(y_true: Any, z: Any, sample_weight: Any = None) -> float:
    """Mean log loss from logits ``z``: ``logaddexp(0, z) − y z`` (always finite)."""
    y, z, w = _prep(y_true, z, sample_weight)
    return _mean(np.logaddexp(0.0, np.where(y == 1, -z, z)), w)


def brier_score(y_true: Any, proba: Any, sample_weight: Any = None) -> float:
    """Mean squared error of the probability, ``mean (p − y)²``."""
    y, p, w = _prep(y_true, proba, sample_weight)
    return _mean((_probabilities(p) - y) ** 2, w)


def _binary_clf_curve(
    y: np.ndarray, s: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Cumulative (weighted) false and true positives at each distinct score,
    highest first. Rows of weight 0 are left out, as scikit-learn's
    ``_binary_clf_curve`` does: their scores would add thresholds that move
    no count, and one above every weighted row would add a precision-recall
    point of precision 0/0 (drawn as 0)."""
    kept = w > 0
    if not kept.all():
        y, s, w = y[kept], s[kept], w[kept]
    order = np.argsort(s, kind="mergesort")[::-1]
    y, s, w = y[order], s[order], w[order]
    distinct = np.flatnonzero(np.diff(s))
    ends = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y * w)[ends]
    fps = np.cumsum((1 - y) * w)[ends]
    return fps, tps, s[ends]


def roc_curve(
    y_true: Any, score: Any, sample_weight: Any = None
) -> tuple[np.ndarray, ...]:
    """``(fpr, tpr, thresholds)``, starting at (0, 0) with threshold +inf."""
    y, s, w = _prep(y_true, score, sample_weight)
    fps, tps, thr = _binary_clf_curve(y, s, w)
    fps, tps, thr = np.r_[0.0, fps], np.r_[0.0, tps], np.r_[np.inf, thr]
    if tps[-1] <= 0 or fps[-1] <= 0:
        raise ValueError("ROC needs both classes in y_true")
    return fps / fps[-1], tps / tps[-1], thr


def roc_auc(y_true: Any, score: Any, sample_weight: Any = None) -> float:
    """Area under the ROC curve (ties count one half).

    The trapezoids are summed on the (weighted) counts and divided by the
    two class totals once: summing them on the rates adds a rounding error
    per threshold, so that a perfect ranking scored 1 − 2⁻⁵³, not 1."""
    y, s, w = _prep(y_true, score, sample_weight)
    fps, tps, _ = _binary_clf_curve(y, s, w)
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    if tps[-1] <= 0 or fps[-1] <= 0:
        raise ValueError("ROC needs both classes in y_true")
    area = np.sum(np.diff(fps) * (tps[1:] + tps[:-1]))
    return float(area / (2.0 * fps[-1]) / tps[-1])


def precision_recall_curve(
    y_true: Any, score: Any, sample_weight: Any = None
) -> tuple[np.ndarray, ...]:
    """``(precision, recall, thresholds)``, recall decreasing, ending at (P=1, R=0)."""
    y, s, w = _prep(y_true, score, sample_weight)
    fps, tps, thr = _binary_clf_curve(y, s, w)
    if tps[-1] <= 0:
        raise ValueError("precision-recall needs positive samples in y_true")
    precision = tps / np.maximum(tps + fps, np.finfo(float).tiny)
    recall = tps / tps[-1]
    sl = slice(None, None, -1)
    return np.r_[precision[sl], 1.0], np.r_[recall[sl], 0.0], thr[sl]


def average_precision(y_true: Any, score: Any, sample_weight: Any = None) -> float:
    """Area under the precision-recall curve as ``Σ (R_k − R_{k−1}) P_k``."""
    precision, recall, _ = precision_recall_curve(y_true, score, sample_weight)
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def confusion_matrix(
    y_true: Any, proba: Any, threshold: float = 0.5, sample_weight: Any = None
) -> np.ndarray:
    """``[[tn, fp], [fn, tp]]`` (rows: true class 0, 1; columns: predicted)."""
    y, p, w = _prep(y_true, proba, sample_weight)
    pred = _probabilities(p, _FROM_LOGITS) > _threshold(threshold)
    pos = y == 1
    return np.array(
        [
            [w[~pos & ~pred].sum(), w[~pos & pred].sum()],
            [w[pos & ~pred].sum(), w[pos & pred].sum()],
        ]
    )


def classification_rates(
    y_true: Any, proba: Any, threshold: float = 0.5, sample_weight: Any = None
) -> dict[str, float | None]:
    """Sensitivity, specificity and the predictive values at ``threshold``
    (Stata's ``estat classification``), from :func:`confusion_matrix`:
    ``sensitivity = tp / (tp + fn)`` (recall, the true positive rate),
    ``specificity = tn / (tn + fp)``, ``ppv = tp / (tp + fp)`` (precision),
    ``npv = tn / (tn + fn)``. A rate whose denominator has no weight (no
    positive row, or no row predicted positive, ...) is None, where
    scikit-learn's ``recall_score`` and ``precision_score`` warn and give 0."""
    return _rates(confusion_matrix(y_true, proba, threshold, sample_weight))


def _rates(cm: np.ndarray) -> dict[str, float | None]:
    """:func:`classification_rates` of a :func:`confusion_matrix`."""
    (tn, fp), (fn, tp) = cm.tolist()

    def rate(part: float, rest: float) -> float | None:
        return part / (part + rest) if part + rest > 0 else None

    return {
        "sensitivity": rate(tp, fn),
        "specificity": rate(tn, fp),
        "ppv": rate(tp, fp),
        "npv": rate(tn, fn),
    }


def calibration_table(
    y_true: Any, proba: Any, n_bins: int = 10, sample_weight: Any = None
) -> list[dict[str, float]]:
    """Equal-width bins of the probability: count (rows), weight (their sum of
    weights: the count when unweighted), mean predicted, observed rate (the
    last two weighted).

    Bin ``k`` holds ``k/n_bins <= p < (k+1)/n_bins`` (the last bin includes 1);
    empty bins are left out, as in scikit-learn's ``calibration_curve``, and
    so are bins whose rows all have weight 0 (no rate to show); a bin's
    ``count`` is its rows, those of weight 0 included.
    """
    y, p, w = _prep(y_true, proba, sample_weight)
    _probabilities(p, _FROM_LOGITS)
    n_bins = _n_bins(n_bins)
    # k/n_bins as division rounds it, so that p = 0.3 = 3/10 opens bin 3
    # (numpy.linspace's edge there is 0.30000000000000004)
    edges = np.arange(n_bins + 1) / n_bins
    idx = np.clip(np.searchsorted(edges[1:-1], p, side="right"), 0, n_bins - 1)
    rows = []
    for k in range(n_bins):
        m = idx == k
        if not (w[m] > 0).any():
            continue
        rows.append(
            {
                "bin_low": float(edges[k]),
                "bin_high": float(edges[k + 1]),
                "count": int(m.sum()),
                "weight": float(np.sum(w[m])),
                "mean_predicted": _mean(p[m], w[m]),
                "observed_rate": _mean(y[m], w[m]),
            }
        )
    return rows


def evaluate(
    y_true: Any,
    z: Any,
    threshold: float = 0.5,
    sample_weight: Any = None,
    n_bins: int = 10,
) -> dict[str, Any]:
    """Every metric above from logits ``z``, as a JSON-ready dict."""
    from ._math import sigmoid

    y, z, w = _prep(y_true, z, sample_weight)
    threshold, n_bins = _threshold(threshold), _n_bins(n_bins)
    p = sigmoid(z)
    positive = float(np.sum(w * y))
    # both classes carry weight (a class present only at weight 0 is absent)
    both = positive > 0 and np.sum(w * (1 - y)) > 0
    cm = confusion_matrix(y, p, threshold, w)
    count = int if sample_weight is None else float  # unweighted: integer counts
    return {
        "n_samples": int(y.size),
        "n_positive": int(y.sum()),
        "positive_weight": positive,
        "threshold": float(threshold),
        "accuracy": accuracy(y, p, threshold, w),
        "log_loss": log_loss_from_logits(y, z, w),
        "roc_auc": roc_auc(y, z, w) if both else None,
        "pr_auc": average_precision(y, z, w) if both else None,
        "brier": brier_score(y, p, w),
        **_rates(cm),  # the rates of the matrix below, not a second count
        "confusion_matrix": {
            "tn": count(cm[0, 0]),
            "fp": count(cm[0, 1]),
            "fn": count(cm[1, 0]),
            "tp": count(cm[1, 1]),
        },
        "calibration": calibration_table(y, p, n_bins, w),
    }


def _prep_multiclass(
    y_true: Any, scores: Any, sample_weight: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(y, S, w)``: class indices, the (n, K) scores and the row weights."""
    S = _numbers(scores, "the scores", "numbers")
    if S.ndim != 2 or S.shape[1] < 2:
        raise ValueError(f"scores must be an (n, K) matrix, K >= 2; got {S.shape}")
    raw = np.asarray(y_true).ravel()
    if raw.shape[0] != S.shape[0]:
        raise ValueError(
            f"y_true has {raw.size} values but the scores have {S.shape[0]} rows"
        )
    if raw.size == 0:
        raise ValueError("metrics need at least one sample")
    K = S.shape[1]
    expected = f"class indices 0..{K - 1} (the order of the model's classes_)"
    remedy = ": encode labels first, e.g. np.searchsorted(model.classes_, y)"
    values = _numbers(raw, "y_true", expected, remedy)
    y = np.where(np.isfinite(values), values, -1).astype(np.intp)
    other = np.flatnonzero((y != values) | (y < 0) | (y >= K))
    if other.size:
        i = int(other[0])
        raise ValueError(
            f"y_true must hold {expected}; row {i} (0-based) holds "
            f"{values[i]:g}{remedy}"
        )
    _refuse_nan(S)
    return y, S, _weights(sample_weight, y.size)


def multiclass_accuracy(y_true: Any, proba: Any, sample_weight: Any = None) -> float:
    """Weighted share of rows whose most probable class is the true one."""
    y, P, w = _prep_multiclass(y_true, proba, sample_weight)
    return _mean((np.argmax(P, axis=1) == y).astype(float), w)


def multiclass_log_loss(y_true: Any, proba: Any, sample_weight: Any = None) -> float:
    """Mean ``−log p_{y}``; infinite when a true class has probability 0."""
    y, P, w = _prep_multiclass(y_true, proba, sample_weight)
    _probabilities(P)
    with np.errstate(divide="ignore"):
        losses = -np.log(P[np.arange(y.size), y])
    return _mean(losses, w)


def multiclass_log_loss_from_logits(
    y_true: Any, Z: Any, sample_weight: Any = None
) -> float:
    """Mean cross-entropy ``lse(z) − z_y`` from logits (finite for finite Z)."""
    from ._softmax import cross_entropy

    y, Z, w = _prep_multiclass(y_true, Z, sample_weight)
    return _mean(cross_entropy(y, Z), w)


def multiclass_roc_auc(
    y_true: Any, proba: Any, sample_weight: Any = None
) -> list[float | None]:
    """One-vs-rest ROC AUC of each class on its probability column; None for
    a class that has no rows, or every row, in ``y_true`` (undefined)."""
    y, P, w = _prep_multiclass(y_true, proba, sample_weight)
    out: list[float | None] = []
    for k in range(P.shape[1]):
        hit = y == k
        both = w[hit].sum() > 0 and w[~hit].sum() > 0
        out.append(roc_auc(hit.astype(float), P[:, k], w) if both else None)
    return out


def multiclass_confusion_matrix(
    y_true: Any, proba: Any, sample_weight: Any = None
) -> np.ndarray:
    """K x K (weighted) counts: rows the true class, columns the predicted one."""
    y, P, w = _prep_multiclass(y_true, proba, sample_weight)
    K = P.shape[1]
    cm = np.zeros((K, K))
    np.add.at(cm, (y, np.argmax(P, axis=1)), w)
    return cm


def evaluate_multiclass(
    y_true: Any, Z: Any, sample_weight: Any = None, classes: Any = None
) -> dict[str, Any]:
    """The multi-class metrics from logits ``Z`` (n, K), as a JSON-ready dict.

    ``classes`` names the K columns (default ``0..K-1``); they label the
    per-class rows and the confusion matrix. ``roc_auc_macro`` is the mean of
    the per-class AUCs, None when one of them is undefined.
    """
    from ._softmax import softmax

    y, Z, w = _prep_multiclass(y_true, Z, sample_weight)
    K = Z.shape[1]
    names = list(range(K)) if classes is None else [_plain(c) for c in classes]
    if len(names) != K:
        raise ValueError(f"classes has {len(names)} names for {K} columns")
    P = softmax(Z)
    aucs = multiclass_roc_auc(y, P, w)
    cm = multiclass_confusion_matrix(y, P, w)
    count = int if sample_weight is None else float  # unweighted: integer counts
    per_class = [
        {
            "class": names[k],
            "n_samples": int(np.sum(y == k)),
            "weight": float(w[y == k].sum()),
            "roc_auc": aucs[k],
        }
        for k in range(K)
    ]
    defined = [a for a in aucs if a is not None]
    return {
        "n_samples": int(y.size),
        "n_classes": K,
        "classes": names,
        "accuracy": multiclass_accuracy(y, P, w),
        "log_loss": multiclass_log_loss_from_logits(y, Z, w),
        "roc_auc_macro": float(np.mean(defined)) if len(defined) == K else None,
        "per_class": per_class,
        "confusion_matrix": {
            "classes": names,
            "matrix": [[count(v) for v in row] for row in cm],
        },
    }


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (JSON-ready)."""
    return value.item() if isinstance(value, np.generic) else value
