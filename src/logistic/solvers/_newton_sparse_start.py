"""Newton's subsample start on sparse X below the dense rule's size: how many
rows start a penalized fit (:func:`sparse_start_rows`) and how far that
subsample fit is solved (:data:`SPARSE_START_TOL_SCALE`); the start itself is
:meth:`logistic.solvers.newton.Newton._subsample_fit`'s.
"""

from __future__ import annotations

from .._numerics import START_ROWS_PER_PARAM
from .._objective import LogisticObjective

__all__ = [
    "SPARSE_START_DIVISOR",
    "SPARSE_START_MIN_ROWS",
    "SPARSE_START_TOL_SCALE",
    "sparse_start_rows",
]

#: A penalized fit on sparse X too small for the dense subsample-start rule
#: starts from a fit on every ``SPARSE_START_DIVISOR``-th row
#: (:func:`sparse_start_rows`), when that subsample has at least
#: ``SPARSE_START_MIN_ROWS`` and ``START_ROWS_PER_PARAM · n_params`` rows.
SPARSE_START_DIVISOR = 8
SPARSE_START_MIN_ROWS = 2_000
#: That subsample fit stops at a gradient max-norm of
#: ``SPARSE_START_TOL_SCALE / √rows`` (or a looser tol): its optimum is
#: off the full one by sampling error of about ``1/√rows`` in the gradient
#: (a9a, w8a: 0.8/√rows at the start), so solving it further moves the start
#: no nearer (a9a 6 → 4, w8a 8 → 6 subsample iterations, the same or fewer
#: full ones).
SPARSE_START_TOL_SCALE = 0.25


def sparse_start_rows(objective: LogisticObjective) -> int:
    """Rows of the subsample start of a penalized fit on sparse X below the
    dense rule's size: ``n // SPARSE_START_DIVISOR`` when that is at least
    ``SPARSE_START_MIN_ROWS`` and ``START_ROWS_PER_PARAM · n_params``, else 0.

    On sparse X a Newton iteration costs several passes (the sandwich
    ``X̃ᵀ D X̃``: 2.5–3.5 value+gradient passes on a9a and w8a), so a subsample
    fit on an eighth of the rows pays for itself at far fewer rows than on
    dense data (measured: w8a 10 → 5 full iterations, −15 % CPU; a9a 6 → 3,
    −10 to −17 %; on dense ijcnn1, whose 23 × 23 Hessian is cheap, the same
    start cost +25 %, so dense data keep the ``START_MIN_RATIO`` rule).
    Unpenalized fits keep it too (their inference reads the exact optimum
    either way; sparse one-hot subsamples are often separable).
    """
    data = objective.data
    if objective.l2 <= 0 or getattr(data, "nnz", None) is None:
        return 0
    rows = int(data.n_samples) // SPARSE_START_DIVISOR
    need = max(SPARSE_START_MIN_ROWS, START_ROWS_PER_PARAM * objective.n_params)
    return rows if rows >= need else 0
