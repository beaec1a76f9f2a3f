"""The logits ``z = X w + b (+ offset)`` of a block of rows.

Convention (owned here): :func:`logits` is the fitting kernels' product, in
X's floating dtype (float32 X is not copied or widened); :func:`decision_logits`
is the predictions' product, float64 and finite for every row whose logit is
within the float64 range, whatever the magnitudes of X and ``w`` (rows whose
product over- or underflows are recomputed with exact power-of-two scaling).
Every prediction path (in memory, Dask blocks, K-class models) calls
:func:`decision_logits`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _sparse
from ._exceptions import NumericalError
from ._typing import FloatArray

__all__ = ["coef_for", "decision_logits", "logits"]

F64 = np.float64


def coef_for(X: Any, w: FloatArray) -> FloatArray:
    """``w`` (float64) for a product with X: cast to float32 for a float32 X,
    so that ``X @ w`` never upcasts (copies) X, except where a value is beyond
    float32's range (``|w| > 3.4e38``, as along a column of subnormal values,
    ~1e-40), the product then taken in float64 rather than with an infinite
    ``w``; as it is for any other X (an integer, boolean or float16 block,
    which no check converts, would round ``w`` to its dtype: numpy widens
    such a block to float64 instead)."""
    dtype: Any = getattr(X, "dtype", None)  # a numpy dtype, or another's
    if getattr(dtype, "kind", None) != "f" or dtype.itemsize != 4:
        return w
    with np.errstate(over="ignore"):  # detected just below
        wx = w.astype(dtype, copy=False)  # float32 of either byte order
    return wx if wx is w or np.all(np.isfinite(wx)) else w


def logits(X: Any, w: FloatArray, b: float, offset: FloatArray | None) -> FloatArray:
    """``z = X w + b + offset`` in X's floating dtype (a new array).

    Coefficients beyond the range of X's dtype (float32 X with ``|w| > 3.4e38``,
    as on a column of subnormal values) would become infinite when cast; the
    product is then taken in float64 and ``z`` is float64.
    """
    wx = coef_for(X, w)
    if wx.dtype != X.dtype:  # beyond float32's range: the product in float64
        z = np.asarray(X @ np.asarray(w, dtype=F64), dtype=F64).reshape(-1)
    else:
        # finite X and w give a NaN only where products overflow and cancel
        # (inf - inf); an "invalid" flag with a finite result is none (the test
        # suite saw one twice, on a float32 block whose values and w were
        # finite): the product is taken again, with numpy's warning, only
        # where z holds a NaN
        with np.errstate(invalid="ignore"):
            z = np.asarray(X @ wx)
        if np.isnan(z).any():
            z = np.asarray(X @ wx)
        if z.dtype != X.dtype:  # sparse matrices of float32 return float32 too
            z = z.astype(X.dtype)
    if b != 0.0:
        z += z.dtype.type(b)
    if offset is not None:
        z += offset.astype(z.dtype, copy=False)
    return z


def _binary_exponent(a: FloatArray) -> np.ndarray:
    """``e`` with ``2^(e-1) ≤ a < 2^e`` (0 where ``a`` is 0)."""
    return np.where(a > 0, np.frexp(a)[1], 0)


def _rescaled_logits(X: Any, w: FloatArray, b: float) -> FloatArray:
    """``X w + b`` for a few rows, exact in range whatever the magnitudes.

    Each row and ``w`` are divided by powers of two (exact) so the products
    and partial sums stay in range; the result is scaled back with ``ldexp``,
    which overflows only when the logit itself is beyond the float64 range.
    """
    A = np.asarray(X.toarray() if _sparse.issparse(X) else X, dtype=F64)
    w = np.asarray(w, dtype=F64)
    e_row = _binary_exponent(np.max(np.abs(A), axis=1, initial=0.0))
    e_w = int(_binary_exponent(np.max(np.abs(w), initial=0.0)))
    u = np.ldexp(A, -e_row[:, None]) @ np.ldexp(w, -e_w)  # |u| ≤ n_features
    with np.errstate(over="ignore", invalid="ignore"):
        return np.ldexp(u, e_row + e_w) + b


def decision_logits(
    X: Any, w: FloatArray, b: float, offset: FloatArray | None = None
) -> FloatArray:
    """``z = X w + b (+ offset)`` as float64, finite for every finite X whose logit is.

    ``X @ w`` runs in X's dtype for float32 X (not copied), in float64
    otherwise (never with ``w`` rounded to an integer X's dtype); rows where that
    product over- or underflows to a non-finite value (``inf - inf`` in the
    sum, or a float32 overflow) are recomputed in float64 with exact power-of-
    two scaling (:func:`_rescaled_logits`). ``offset`` (float64, one value a
    row) is added last.

    Raises
    ------
    NumericalError
        A row whose logit is beyond the float64 range (``|z| > 1.8e308``),
        naming the row: no probability can be computed from it.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.asarray(X @ coef_for(X, w)).reshape(-1).astype(F64)
        z += b
    bad = np.flatnonzero(~np.isfinite(z))
    if bad.size:
        z[bad] = _rescaled_logits(X[bad], w, b)
    if offset is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            z += offset
    still = np.flatnonzero(~np.isfinite(z)) if bad.size or offset is not None else bad
    if still.size:
        i = int(still[0])
        terms = "X w + b" if offset is None else "X w + b + offset"
        raise NumericalError(
            f"the logit z = {terms} of row {i} of X (0-based; {still.size} row(s) "
            f"in all) is beyond the float64 range (|z| > 1.8e308), so it has no "
            f"probability; that row's values are far outside any range the "
            f"model can score. Check X for unit errors or corrupt values.",
            row=i,
        )
    return z
