"""The meat of the sandwich covariances: sums over the rows of the score's
outer products (a step of :mod:`logistic.inference._covariance`, which owns the
formulas and their weight kinds).

* :func:`hc_meat`: ``Σ_i s_i r_i² x̃_i x̃_iᵀ`` (frequency weights) or
  ``Σ_i (s_i r_i)² x̃_i x̃_iᵀ`` (sampling weights), one pass over the blocks of
  any backend;
* :func:`cluster_meat` / :func:`group_meat`: ``Σ_g S_g S_gᵀ`` with
  ``S_g = Σ_{i∈g} s_i r_i x̃_i`` over the groups holding positive weight (the
  rows in memory, with their labels: :func:`encode_groups`), ``S`` the
  product of the group indicator, holding ``s_i r_i``, with X read in place
  (no copy of X; a sparse X's ``S`` sparse), ``Σ_g S_g S_gᵀ`` assembled from
  the equations' blocks without stacking them.

``x̃`` is the row with a trailing 1 when the model has an intercept and
``r_i = σ(z_i) - y_i``. A meat quadratic in the weights takes them divided by
:func:`weight_scale` (the caller scales the sandwich back), so that its sums
neither overflow nor underflow for weights far from 1.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from .. import _math
from .._exceptions import DataValidationError
from .._missing_values import missing_mask
from .._objective import block_logits
from .._sparse import issparse
from .._typing import Block, FloatArray

__all__ = [
    "cluster_meat",
    "encode_groups",
    "group_meat",
    "hc_meat",
    "row_residuals",
    "weight_scale",
]

F64 = np.float64


def row_residuals(block: Block, w: FloatArray, b: float) -> FloatArray:
    """``r_i = σ(z_i) - y_i`` for every row of ``block`` (float64)."""
    z = block_logits(block, w, b)
    return _math.residual(block.y, z).astype(F64, copy=False)


def _weighted_xtx(X: Any, d: FloatArray, fit_intercept: bool) -> FloatArray:
    """``X̃ᵀ diag(d) X̃`` for dense or sparse X (float64)."""
    p = X.shape[1]
    if issparse(X):
        import scipy.sparse as sp  # X is sparse: scipy.sparse is loaded

        xtdx = np.asarray((X.T @ sp.diags(d) @ X).toarray(), dtype=F64)
    else:
        xtdx = np.asarray(X.T @ (X * d[:, None]), dtype=F64)
    if not fit_intercept:
        return xtdx
    out = np.empty((p + 1, p + 1))
    out[:p, :p] = xtdx
    out[:p, p] = out[p, :p] = np.asarray(X.T @ d, dtype=F64).ravel()
    out[p, p] = float(d.sum())
    return out


# the most float64 values of X a cluster meat copies at once (a column block of
# a dense X that is not C-contiguous float64: 16 MiB), X itself never copied
_COPY_VALUES = 1 << 21


def _group_score_sums(
    X: Any, v: FloatArray, codes: np.ndarray, n_groups: int, fit_intercept: bool
) -> tuple[Any, FloatArray | None]:
    """``(S, c)``: row g of ``S`` (G × p) is ``Σ_{i∈g} v_i x_i`` (sparse for
    sparse X), ``c[g] = Σ_{i∈g} v_i`` the intercept's column (None without one).

    ``v`` is the indicator's values, so X is read in place: no ``v_i x_i``
    copy of X (n × p); a dense X that is not C-contiguous float64 (Fortran
    order, float32, a strided view) is converted a column block at a time.
    A sparse X's sums stay sparse (G × p dense would be as large as X
    whatever its density)."""
    import scipy.sparse as sp  # the group indicator (cluster covariances only)

    n, p = X.shape
    ind = sp.csr_matrix((v, (codes, np.arange(n))), shape=(n_groups, n))
    if issparse(X):
        S: Any = ind @ sp.csr_matrix(X, dtype=F64)
    elif X.dtype == F64 and X.flags.c_contiguous:
        S = np.asarray(ind @ X)
    else:
        S = np.empty((n_groups, p))
        step = max(1, _COPY_VALUES // max(n, 1))
        for j in range(0, p, step):
            cols = np.ascontiguousarray(X[:, j : j + step], dtype=F64)
            S[:, j : j + step] = ind @ cols
    c: FloatArray | None = None
    if fit_intercept:
        c = np.bincount(codes, weights=v, minlength=n_groups).astype(F64, copy=False)
    return S, c


def _dense(a: Any) -> FloatArray:
    return np.asarray(a.toarray() if issparse(a) else a, dtype=F64)


def _cross(
    left: tuple[Any, FloatArray | None], right: tuple[Any, FloatArray | None]
) -> FloatArray:
    """``[A, a]ᵀ [B, b]`` of two equations' ``(S, c)`` without stacking them."""
    (A, a), (B, b) = left, right
    top = _dense(A.T @ B)
    if a is None or b is None:
        return top
    out = np.empty((top.shape[0] + 1, top.shape[1] + 1))
    out[:-1, :-1] = top
    out[:-1, -1] = _dense(A.T @ b).ravel()
    out[-1, :-1] = _dense(B.T @ a).ravel()
    out[-1, -1] = float(a @ b)
    return out


def encode_groups(
    groups: Any, n: int, weight: FloatArray | None
) -> tuple[np.ndarray, int]:
    """Integer codes of ``groups`` and the number of groups holding positive weight."""
    g = np.asarray(groups)
    if g.ndim == 2 and g.shape[0] == n and g.shape[1] > 1:
        raise DataValidationError(
            f"groups has {g.shape[1]} columns: clustering on more than one "
            "variable (two-way, as statsmodels' groups of two columns) is not "
            "supported; give one label per row: one of the variables (usually "
            "the coarser), or their combination (each pair of labels a cluster)"
        )
    if g.ndim != 1 or g.shape[0] != n:
        raise DataValidationError(
            f"groups must be 1-D with one label per row (n_samples={n}); "
            f"got shape {g.shape}"
        )
    missing = np.flatnonzero(missing_mask(groups if hasattr(groups, "isna") else g))
    if missing.size:
        raise DataValidationError(
            f"groups contains {missing.size:,} missing label(s) (NaN, None or NA; "
            f"the first at position {int(missing[0])}, 0-based); give every row a "
            "cluster label"
        )
    try:
        _, codes = np.unique(g, return_inverse=True)
    except TypeError as exc:
        raise DataValidationError(
            f"groups labels must be mutually comparable: {exc}"
        ) from None
    codes = codes.ravel()
    used = codes if weight is None else codes[weight > 0]
    return codes, int(np.unique(used).size)


def _block_hc_meat(
    block: Block,
    w: FloatArray,
    b: float,
    fit_intercept: bool,
    sampling: bool = False,
    scale: float = 1.0,
) -> FloatArray:
    """``Σ_i s_i r_i² x̃_i x̃_iᵀ`` (``Σ_i (s_i r_i / scale)² x̃_i x̃_iᵀ`` when
    ``sampling``) over one block."""
    r = row_residuals(block, w, b)
    s = block.sample_weight
    if s is None and sampling and scale != 1.0:
        s = np.ones(block.n_rows)
    if s is None:
        d = r * r
    else:
        s = np.asarray(s, dtype=F64)
        d = (s / scale * r) ** 2 if sampling else s * r * r
    return _weighted_xtx(block.X, d, fit_intercept)


def hc_meat(
    backend: Any,
    w: FloatArray,
    b: float,
    fit_intercept: bool,
    sampling: bool = False,
    scale: float = 1.0,
) -> FloatArray:
    """``M = Σ_i s_i r_i² x̃_i x̃_iᵀ`` over every row of ``backend`` (one pass);
    ``Σ_i (s_i r_i)² x̃_i x̃_iᵀ / scale²`` for sampling weights (``sampling``;
    ``scale``: :func:`weight_scale`)."""
    fn = partial(_block_hc_meat, w=w, b=b, fit_intercept=fit_intercept)
    return np.asarray(
        backend.map_reduce(partial(fn, sampling=sampling, scale=scale)), dtype=F64
    )


def cluster_meat(
    rows: Block,
    w: FloatArray,
    b: float,
    fit_intercept: bool,
    groups: Any,
    scale: float = 1.0,
) -> tuple[FloatArray, int]:
    """``(Σ_g S_g S_gᵀ / scale², G)`` over the groups holding positive weight."""
    r = row_residuals(rows, w, b)
    return group_meat(rows, r, fit_intercept, groups, scale)


def weight_scale(mean_weight: float) -> float:
    """The power of two at or below ``mean_weight`` (1 where it is not a
    positive finite number; 1 for weights of 1): the divisor of the weights in
    a meat quadratic in them, so that weights of 1e160 (squares beyond
    float64's range) or 1e-200 (squares below it) sum as weights near 1, and
    the sandwich is scaled back by its square exactly."""
    if not (math.isfinite(mean_weight) and mean_weight > 0):
        return 1.0
    return math.ldexp(1.0, math.frexp(mean_weight)[1] - 1)


def group_meat(
    rows: Block,
    residuals: FloatArray,
    fit_intercept: bool,
    groups: Any,
    scale: float = 1.0,
) -> tuple[FloatArray, int]:
    """``(Σ_g S_g S_gᵀ, G)`` over the G groups holding positive weight, with
    ``S_g = Σ_{i∈g} (s_i / scale) r_i ⊗ x̃_i`` for ``residuals`` of shape (n,)
    or (n, m) (m equations: ``S_g`` equation by equation, one column at a time
    so that memory stays n × q)."""
    s = (
        None
        if rows.sample_weight is None
        else np.asarray(rows.sample_weight, dtype=F64)
    )
    codes, n_groups = encode_groups(groups, rows.n_rows, s)
    if n_groups < 2:
        raise DataValidationError(
            "cov_type='cluster' needs at least 2 groups with positive weight; "
            f"got {n_groups}"
        )
    R = np.asarray(residuals, dtype=F64).reshape(rows.n_rows, -1)
    if scale != 1.0:  # s / scale (1 / scale without weights)
        R = R / scale if s is None else R * (s / scale)[:, None]
    elif s is not None:
        R = R * s[:, None]
    G = int(codes.max()) + 1
    sums = [
        _group_score_sums(rows.X, R[:, e], codes, G, fit_intercept)
        for e in range(R.shape[1])
    ]
    grams = [
        [_cross(sums[e], sums[f]) for f in range(len(sums))] for e in range(len(sums))
    ]
    return np.block(grams) if len(sums) > 1 else grams[0][0], n_groups
