"""Which rows a fit with aliased columns can predict (estimability).

Convention (owned here): with aliased parameters A (:mod:`._aliased`: the
columns that are combinations of the kept ones K on the training rows), the
null space of the information is spanned by one vector per aliased
parameter, a row of :func:`null_basis`,

    n_a = e_a - Σ_{k ∈ K} c_ak e_k,    c_a = I_KK⁻¹ I_Ka

(the aliased column as that combination), kept in the scaled coordinates
where the aliasing itself is decided (:mod:`logistic._aliasing`: a pivot of
the information scaled by its diagonal, the columns not centred): each
column divided by its root mean square ``r_j = √(μ_j² + σ_j²)`` over the
training rows (1 for the intercept and for a column of zeros). A design row
``x̃`` (the intercept last, objective order), written there as
``x̃'_j = x̃_j / r_j``, lies in the row space of the training design, and its
logit is estimable, when for every a

    |n_a · x̃'| ≤ ESTIMABLE_TOL · Σ_j |n_aj| max(|x̃'_j|, 1)

(the size of the terms the dependency adds, each at least its column's
root mean square, so that rounding in ``n_a`` or in the data and columns
outside the dependency do not count); otherwise its prediction depends on
the aliased coefficients that the data left undetermined (an empty cell of
an interaction: ``C(A)*C(B)`` with no row at A = c, B = y). The tolerance,
1e-5, is ten times the residual at which a column is called aliased (a
pivot of 1e-12: a residual of about 1e-6 of the column's root mean square),
so the training rows themselves pass (a column written to a file with six
decimals and aliased by that rule, or one with a mean a million times its
spread, aliased with the intercept), and far below a row off the
dependency. A direction (a design derivative, for a slope) is tested alike
with the scale ``‖n_a‖₁ ‖d'‖∞`` and no intercept. As R's
``predict.glm`` (R ≥ 4.3 marks them ``non-estim``), such rows keep the
reduced model's prediction and standard error (the aliased coefficients
read as 0) and are marked (``PredictionResults.estimable``); as Stata's
``margins`` ("not estimable"), a marginal effect that averages over any of
them is NaN. Either comes with a :class:`~logistic.NonEstimableWarning`.

The basis is computed from the information of the fit (in memory), or read
from a model file (``training.fit_statistics.null_basis``, written beside
``reduced_theta``: the file's rebuilt information has zeros in the aliased
rows and so no longer knows ``c_a``). Separated fits, whose information is
mostly roundoff along the separating direction, get no basis: no check.
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from .._exceptions import NonEstimableWarning, user_stacklevel
from .._typing import FloatArray

__all__ = [
    "ESTIMABLE_TOL",
    "Estimability",
    "check_null_basis",
    "estimability",
    "non_estimable",
    "null_basis",
    "warn_non_estimable",
]

#: Size of ``n_a · x̃'`` relative to the dependency's terms above which a row
#: is not estimable (module docstring).
ESTIMABLE_TOL = 1e-5
#: Entries of a null vector below this (relative to its largest, 1) are
#: rounding of a 0 and are set to 0.
NULL_ENTRY_TOL = 1e-10


class Estimability(NamedTuple):
    """What tells a fit's estimable rows: the null vectors (scaled
    coordinates, objective order), the reciprocals of the feature columns'
    root mean squares (1 for a column of zeros), and the aliased terms'
    names (for the warning)."""

    basis: FloatArray
    inv_rms: FloatArray
    names: list[str]


def _inverse_rms(mean: Any, std: Any) -> FloatArray:
    mean, std = (np.asarray(v, dtype=np.float64) for v in (mean, std))
    rms = np.hypot(mean, std)
    return 1.0 / np.where(rms > 0, rms, 1.0)


def null_basis(
    information: FloatArray, aliased: Any, mean: Any, std: Any
) -> FloatArray | None:
    """The null vectors ``n_a`` in scaled coordinates (module docstring; one
    row per aliased parameter, objective order, each scaled to a largest
    entry of 1, rounding of 0 set to 0), or None when nothing is aliased or
    the kept information does not factor."""
    mask = np.asarray(aliased, dtype=bool)
    if not mask.any():
        return None
    k = mask.size
    scale = np.ones(k)  # θ_j = θ'_j / r_j: the information is scaled by 1/r
    scale[: np.size(mean)] = _inverse_rms(mean, std)
    with np.errstate(over="ignore", invalid="ignore"):
        info = np.asarray(information, dtype=np.float64) * np.outer(scale, scale)
    kept, gone = np.flatnonzero(~mask), np.flatnonzero(mask)
    basis = np.zeros((gone.size, k))
    basis[np.arange(gone.size), gone] = 1.0
    if kept.size:
        try:
            c = np.linalg.solve(info[np.ix_(kept, kept)], info[np.ix_(kept, gone)])
        except np.linalg.LinAlgError:
            return None
        basis[:, kept] = -c.T
    top = np.max(np.abs(basis), axis=1, keepdims=True)
    if not (np.all(np.isfinite(basis)) and np.all(top > 0)):
        return None
    basis = basis / top
    basis[np.abs(basis) < NULL_ENTRY_TOL] = 0.0
    return basis + 0.0  # no -0.0


def estimability(
    basis: FloatArray | None, mean: Any, std: Any, names: list[str]
) -> Estimability | None:
    """The :class:`Estimability` of a fit (None without a basis)."""
    if basis is None:
        return None
    return Estimability(
        np.asarray(basis, dtype=np.float64), _inverse_rms(mean, std), list(names)
    )


#: Rows scaled at a time by :func:`non_estimable` (a dense block of this many
#: rows of X, for sparse X too).
ESTIMABLE_BLOCK_ROWS = 4096


def non_estimable(X: Any, est: Estimability | None, direction: bool = False) -> Any:
    """Boolean mask of the rows of ``X`` (n × p, dense or sparse) that are not
    estimable under ``est`` (None: every row is). ``direction``: the rows
    are directions (a design derivative), not points: the intercept's
    entry 0."""
    n = X.shape[0]
    if est is None or n == 0:
        return np.zeros(n, dtype=bool)
    p = X.shape[1]
    N = est.basis
    out = np.zeros(n, dtype=bool)
    for start in range(0, n, ESTIMABLE_BLOCK_ROWS):
        rows = X[start : start + ESTIMABLE_BLOCK_ROWS]
        rows = rows.toarray() if hasattr(rows, "toarray") else np.asarray(rows)
        Z = np.asarray(rows, dtype=np.float64) * est.inv_rms
        dot = Z @ N[:, :p].T
        if direction:
            top = np.max(np.abs(Z), axis=1, keepdims=True)
            scale = top * np.sum(np.abs(N), axis=1)
        else:
            scale = np.maximum(np.abs(Z), 1.0) @ np.abs(N[:, :p]).T
            if N.shape[1] > p:  # the intercept's column, 1 on every row
                dot = dot + N[:, p]
                scale = scale + np.abs(N[:, p])
        out[start : start + rows.shape[0]] = np.any(
            np.abs(dot) > ESTIMABLE_TOL * scale, axis=1
        )
    return out


def check_null_basis(basis: FloatArray, aliased: Any) -> str | None:
    """What is wrong with a null basis read from a file for the ``aliased``
    parameters (objective order), or None: each row's largest entry is 1 in
    size, its own aliased parameter's entry nonzero, the other aliased
    parameters' entries 0."""
    gone = np.flatnonzero(np.asarray(aliased, dtype=bool))
    if basis.shape != (gone.size, np.size(aliased)):
        return f"must be {gone.size} rows of {np.size(aliased)} numbers"
    for i, a in enumerate(gone):
        row = basis[i]
        if not abs(float(np.max(np.abs(row))) - 1.0) <= 1e-12:
            return f"row {i} must have a largest entry of size 1"
        others = np.delete(row[gone], i)
        if row[a] == 0 or np.any(others != 0):
            return (
                f"row {i} must be nonzero at its aliased parameter ({int(a)}) and 0 "
                "at the other aliased ones"
            )
    return None


def warn_non_estimable(subject: str, aliased: list[str], consequence: str) -> None:
    """The one warning that ``subject`` (e.g. "3 of 10 rows (...)", "the
    effects 'x', 'z'") are not estimable, naming the aliased terms and
    ``consequence``."""
    terms = ", ".join(repr(a) for a in aliased[:5])
    terms += ", ..." if len(aliased) > 5 else ""
    warnings.warn(
        f"{subject} are not estimable: they need the aliased term(s) {terms}, "
        "which the training rows left undetermined (e.g. an empty cell of an "
        f"interaction); {consequence}",
        NonEstimableWarning,
        stacklevel=user_stacklevel(),
    )
