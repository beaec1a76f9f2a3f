"""Separation by single columns: the check of designs too large for the LP.

Convention (owned here): a column ``j`` separates the classes on its own
when every row with positive weight where it is positive has one class and
every row where it is negative has the other: the direction ``±e_j`` then has
``t_i x_ij β_j ≥ 0`` on every row (``t = 2y - 1``), and ``> 0`` on the rows
where the column is not zero, which is (quasi-)complete separation by Albert
and Anderson's definition (:mod:`logistic._separation`). The commonest case
is a one-hot level seen with one class only (a zip code of 9 rows, all 0):
its maximum-likelihood coefficient is -∞. The sum of such directions
separates too; it is reported, max-norm 1. Columns are counted in one read of
X (blocks of rows for dense X): it finds no separation that needs several
columns at once, which only the linear program of :mod:`._separation_lp`
decides, so it is asked only where that program does not run (which reads
single columns of its own constraints first, reporting the widest one alone:
:func:`logistic._separation_lp._single_column`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._separation_lp import SeparationReport
from ._sparse import issparse

__all__ = ["column_report"]

#: Dense rows counted at once (about 8 MiB of float64 a block).
_BLOCK_VALUES = 1 << 20


def _sign_counts(X: Any, y01: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per column, the rows where it is positive with class 1 and with class
    0, and where it is negative with class 1 and with class 0 (float64
    counts)."""
    t1 = (y01 > 0).astype(np.float64)
    t0 = 1.0 - t1
    if issparse(X):
        X = X.tocsr()
        pos, neg = X.copy(), X.copy()
        pos.data = (X.data > 0).astype(np.float64)
        neg.data = (X.data < 0).astype(np.float64)
        return tuple(
            np.asarray(m.T @ t).ravel() for m in (pos, neg) for t in (t1, t0)
        )
    # per block, sign(x) and |sign(x)| against both classes' indicators:
    # P - N and P + N per class, two products a block
    p = X.shape[1]
    T = np.stack([t1, t0], axis=1)
    signed, both = np.zeros((p, 2)), np.zeros((p, 2))
    step = max(1, _BLOCK_VALUES // max(1, p))
    for lo in range(0, X.shape[0], step):
        S = np.sign(np.asarray(X[lo : lo + step], dtype=np.float64))
        signed += S.T @ T[lo : lo + step]
        both += np.abs(S, out=S).T @ T[lo : lo + step]
    pos, neg = (both + signed) / 2, (both - signed) / 2
    return pos[:, 0], pos[:, 1], neg[:, 0], neg[:, 1]


def column_report(X: Any, y01: np.ndarray, keep: np.ndarray) -> SeparationReport | None:
    """The separation single columns of ``X`` show on the rows ``keep``
    (module docstring), or None where no column separates on its own."""
    if not keep.all():
        X, y01 = X[keep], y01[keep]
    p1, p0, n1, n0 = _sign_counts(X, np.asarray(y01))
    up = (p0 == 0) & (n1 == 0) & (p1 + n0 > 0)  # +e_j: positive rows of class 1
    down = (p1 == 0) & (n0 == 0) & (p0 + n1 > 0)  # -e_j
    if not (up.any() or down.any()):
        return None
    coef = up.astype(np.float64) - down.astype(np.float64)
    z = np.asarray(X @ coef, dtype=np.float64).ravel()
    separated = int(np.count_nonzero(z * (2.0 * np.asarray(y01) - 1.0) > 0))
    boundary = int(X.shape[0]) - separated
    kind = "complete" if boundary == 0 else "quasi-complete"
    return SeparationReport(kind, coef, 0.0, separated, boundary)
