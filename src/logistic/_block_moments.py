"""The column statistics of one block of rows, as a pass over the data reads
them (:func:`block_column_stats`): the statistics of its rows of positive
weight (:func:`logistic._moments.block_stats_of_rows`), with the rows of
each class where the rows carry weights (:attr:`ColumnStats.class_rows`: a
class whose rows all have weight 0 has none, which a fit refuses,
:meth:`logistic._objective.LogisticObjective.check_weights`), the range of
the positive weights (:attr:`ColumnStats.weight_range`, which a fit warns of
where float64 cannot resolve it, :func:`warn_weight_range`), and the
verdict on the block's values that :func:`finite_witness` collects.

Finiteness. Every value of a block whose rows all have positive weight
enters its sums, and NaN or ±inf makes them non-finite, so finite statistics
of such a block prove its values finite. While :func:`finite_witness` is
active in a thread, each :func:`block_column_stats` call there records that
verdict; the in-memory backend uses it to skip a separate scan of X
(``logistic.backends.in_memory``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np

from ._moments import ColumnStats, block_stats_of_rows
from ._typing import Block

__all__ = [
    "block_column_stats",
    "class_rows",
    "finite_witness",
    "refuse_weightless_class",
    "warn_weight_range",
    "warn_weight_span",
]

#: Weights spanning more than this ratio (float64's epsilon) hold rows whose
#: terms fall below the rounding of the sums they enter (:func:`warn_weight_range`).
RESOLVED_WEIGHT_RATIO = float(np.finfo(np.float64).eps)

_WITNESS = threading.local()


@contextmanager
def finite_witness() -> Iterator[list[bool | None]]:
    """Within the block, each :func:`block_column_stats` call of this thread
    appends to the list yielded whether its block's values are finite, as its
    sums show: True (every value entered finite sums), False (some statistic
    is not finite: a NaN or ±inf, or finite values whose weighted sums
    overflowed), None (rows of weight 0 were left out, so not every value
    was read). Those calls silence floating-point warnings of non-finite
    values (the verdict reports them)."""
    seen: list[bool | None] = []
    outer = getattr(_WITNESS, "seen", None)
    _WITNESS.seen = seen
    try:
        yield seen
    finally:
        _WITNESS.seen = outer


def block_column_stats(block: Block) -> ColumnStats:
    """:class:`ColumnStats` of one block (rows of weight 0 left out)."""
    seen = getattr(_WITNESS, "seen", None)
    if seen is None:
        return _block_stats(block)[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        stats, every_row = _block_stats(block)
        seen.append(stats.all_finite() if every_row else None)
    return stats


def _block_stats(block: Block) -> tuple[ColumnStats, bool]:
    """:class:`ColumnStats` of a block, and whether every row entered them
    (with :attr:`ColumnStats.class_rows` and :attr:`ColumnStats.weight_range`
    where the rows carry weights)."""
    stats, every_row = block_stats_of_rows(block)
    if block.sample_weight is None:
        return stats, every_row
    s = np.asarray(block.sample_weight, dtype=np.float64)
    kept = None if every_row else s > 0
    stats = replace(stats, weight_range=_span(s if kept is None else s[kept]))
    if block.y is None:
        return stats, every_row
    y = np.asarray(block.y)
    if kept is not None:
        y = y[kept]
    return replace(stats, class_rows=class_rows(y)), every_row


def _span(positive: np.ndarray) -> tuple[float, float] | None:
    """The smallest and the largest of positive weights (None: none)."""
    if not positive.size:
        return None
    return (float(positive.min()), float(positive.max()))


def class_rows(y: np.ndarray) -> tuple[int, ...]:
    """The rows of each class code ``0 … K-1`` in ``y`` (at least two
    counts); for proportions (grouped binomial rows) the rows with ``y < 1``
    and those with ``y > 0``, a class's rows each."""
    if y.size == 0:
        return (0, 0)
    if np.all(y == np.rint(y)):  # class codes
        return tuple(np.bincount(y.astype(np.intp), minlength=2).tolist())
    return (int(np.count_nonzero(y < 1)), int(np.count_nonzero(y > 0)))


def warn_weight_range(stats: ColumnStats | None) -> None:
    """:func:`warn_weight_span` of a statistics pass's weights (not checked
    where the pass saw no weights)."""
    _warn_span(None if stats is None else stats.weight_range)


def warn_weight_span(sample_weight: Any) -> None:
    """Warn where the positive weights span more than float64 resolves: the
    smallest below :data:`RESOLVED_WEIGHT_RATIO` (2.2e-16) times the
    largest. Such a row's terms fall below the rounding of the sums a pass
    adds them to, so the fit barely sees it and can stop far from the
    optimum (one row weighted 1e30 among weights of 1 makes the information
    matrix of rank one within rounding). None: no weights."""
    if sample_weight is None:
        return
    s = np.asarray(sample_weight, dtype=np.float64)
    _warn_span(_span(s[s > 0]))


def _warn_span(span: tuple[float, float] | None) -> None:
    if span is None or not span[0] < RESOLVED_WEIGHT_RATIO * span[1]:
        return
    import warnings

    from ._exceptions import NumericalStabilityWarning, user_stacklevel

    low, high = span
    with np.errstate(over="ignore"):
        ratio = high / low
    times = f"{ratio:.3g} times" if np.isfinite(ratio) else "more than 1e+308 times"
    resolved = f"{1 / RESOLVED_WEIGHT_RATIO:.2g}"
    warnings.warn(
        f"sample_weight: the largest weight ({high:.3g}) is {times} the smallest "
        f"positive one ({low:.3g}), beyond the {resolved} that float64 resolves: "
        f"rows of weight below 1/{resolved} of the largest add less than the "
        "rounding of the fit's sums, so the fit barely sees them and may stop "
        "far from the optimum; cap or rescale the weights",
        NumericalStabilityWarning,
        stacklevel=user_stacklevel(),
    )


def refuse_weightless_class(stats: ColumnStats | None, classes: Any) -> None:
    """Refuse data one of whose classes has no row of positive weight, as the
    in-memory validation does (:func:`logistic._validation.
    check_sample_weight`) before any pass: out-of-core and Dask data reach
    the fit unchecked (such a class gave a "converged" fit of the others:
    an intercept of -23, standard errors of 2 800), for two classes or K.
    ``stats`` are a statistics pass's (None: not run), ``classes`` the
    backend's labels, ``[negative, positive]`` or the K levels in code
    order. Not checked where the pass made no counts (no weights)."""
    if stats is None or stats.class_rows is None:
        return
    counts = stats.class_rows
    k = len(classes) if classes is not None else len(counts)
    for code in range(k):
        if code < len(counts) and counts[code]:
            continue
        from ._exceptions import DataValidationError
        from ._labels import label_shown

        label = label_shown(classes[code]) if classes is not None else code
        raise DataValidationError(
            f"sample_weight is zero for every sample of class {label}: the "
            "data then lack that class; give samples of every class a "
            "positive weight"
        )

