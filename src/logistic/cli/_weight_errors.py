"""A fit's errors that its ``--weights`` column explains, named by the column.

The library says what went wrong in its own terms (the weights of the rows
sum to 0; a non-finite objective at the start); the command line knows which
column of which file the weights came from, and says so, as the in-memory
reader does for a column that is zero on every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["weight_errors"]

#: The largest float64, for the message of weighted sums that pass it.
_LARGEST = "about 1.8e308"
#: The remedy of weights too large (the objective is a weighted mean).
_REMEDY = (
    "divide the column by a common factor (the coefficients depend only on the "
    "weights' ratios)"
)


@contextmanager
def weight_errors(
    weights: str | None, path: Any, design: Any = None, raw: Any = None
) -> Iterator[None]:
    """Run a fit, naming the ``--weights`` column (``weights``, of the file
    ``path``) in the errors it explains: weights that sum to 0, and weighted
    sums that overflow at the fit's start. ``design`` and ``raw``: the rows in
    memory and the file they were read from, whose weights are checked and
    whose line is named (None for a streamed fit, whose rows are not held:
    the column is named as the likely cause)."""
    from .._exceptions import DataValidationError, NoWeightError, NumericalError

    try:
        yield
    except NoWeightError:
        if weights is None:
            raise
        from ..tabular._encode import zero_weights_error

        raise zero_weights_error(weights, path) from None
    except NumericalError as exc:
        if weights is None or exc.iteration != 0:
            raise
        if design is None:
            raise DataValidationError(
                f"the fit's weighted sums pass the largest float ({_LARGEST}) at its "
                f"start: --weights column {weights!r} in {path} may hold weights too "
                "large (a weight times its row's values must stay below it), or the "
                "features or the offset values too large; if the weights: "
                f"{_REMEDY}; else scale the features down"
            ) from None
        row = _overflowing_row(design)
        if row is None:  # the weights do not explain it
            raise
        import numpy as np

        from ..tabular._read import position

        value = float(design.sample_weight[row])
        where = position(raw, int(np.flatnonzero(design.keep)[row]))
        raise DataValidationError(
            f"--weights column {weights!r} in {path} has a weight too large for the "
            f"fit: {value:g} at {where}, times its row's values, passes the largest "
            f"float ({_LARGEST}) in the fit's weighted sums; expected weights whose "
            f"products with the values stay below it: {_REMEDY}"
        ) from None


def _overflowing_row(design: Any) -> int | None:
    """The row (of the design) whose weight times its largest value, beside
    the others', passes the largest float, when the weights overflow the sum
    ``Σ s (1 + max |x|)``; None when that sum is finite, or the weights do
    not explain it (none above 1, or the values or offsets overflow alone)."""
    import numpy as np

    from .._sparse import issparse

    w, X = design.sample_weight, design.X
    if w is None or X is None or not float(np.max(w, initial=0.0)) > 1.0:
        return None  # weights of at most 1 make no sum larger
    if X.shape[1] == 0:
        largest = np.zeros(X.shape[0])
    elif issparse(X):
        largest = np.asarray(abs(X).max(axis=1).todense(), dtype=float).ravel()
    else:
        largest = np.max(np.abs(np.asarray(X, dtype=float)), axis=1)
    off = getattr(design, "offset", None)
    with np.errstate(over="ignore", invalid="ignore"):
        if not np.isfinite(np.sum(1.0 + largest)):
            return None  # the values overflow without the weights
        if off is not None and not np.isfinite(np.sum(np.abs(off))):
            return None  # so do the offsets
        terms = np.asarray(w, dtype=float) * (1.0 + largest)
        if np.isfinite(terms.sum()):
            return None
    return int(np.argmax(terms))
