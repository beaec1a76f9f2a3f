"""Which rows a fit with aliased columns can predict (estimability).

Convention (owned here): with aliased parameters A (:mod:`._aliased`: the
columns that are combinations of the kept ones K on the training rows), the
null space of the information is spanned by one vector per aliased
parameter, a row of :func:`null_basis`,

    n_a = e_a - Σ_{k ∈ K} c_ak e_k,    c_a = I_KK⁻¹ I_Ka

(the aliased column as that combination), kept in standardized
coordinates: columns centred on their training mean μ and divided by their
standard deviation σ (1 for a constant column) where the fit has an
intercept, else divided by their root mean square; the centring keeps a
column with a large mean from spoiling ``c_a``. With each null vector goes
its spread ``ρ_a``, the root mean square of ``n_a · x̃'`` over the training
rows (weighted as the information weighs them): 0 for an exact dependency,
the rounding of a column written with few decimals, or the departure of a
column the aliasing rule calls dependent on the intercept (a mean a million
times its spread), and at least the rounding of the information it is read
from (the information is the raw columns', so a column whose mean is 1e4
times its spread leaves about a standard deviation undetermined). A design
row ``x̃`` (the intercept last, objective order), written ``x̃'`` in those
coordinates, is estimable when for every a

    |n_a · x̃'| ≤ max(SPREAD_FACTOR √m ρ_a, ESTIMABLE_TOL Σ_j |n_aj| max(|x̃'_j|, 1))

(``m`` the training rows: no training row departs by more than ``√m ρ_a``;
the second term, 1e-5 of the dependency's terms, each at least a standard
deviation, absorbs rounding in ``n_a``); otherwise its prediction depends on
the aliased coefficients that the data left undetermined (an empty cell of
an interaction: ``C(A)*C(B)`` with no row at A = c, B = y); a row 1e-4
standard deviations off an exact dependency of columns of modest means is
caught (0.01 at means 100 times the spread, 1 at 1e4 times). A direction
(a design derivative, for a slope) is tested against the null vectors of
columns of zeros only (an empty cell: Stata's "not estimable"), with the
scale ``‖n_a‖₁ ‖d'‖∞``: a slope along a column dropped as collinear is the
reduced model's, as R and Stata report it. As R's
``predict.glm`` (R ≥ 4.3 marks them ``non-estim``), such rows keep the
reduced model's prediction and standard error (the aliased coefficients
read as 0) and are marked (``PredictionResults.estimable``); as Stata's
``margins`` ("not estimable"), a marginal effect that averages over any of
them is NaN. Either comes with a :class:`~logistic.NonEstimableWarning`.

The basis is computed from the information of the fit (in memory), or read
from a model file (``training.fit_statistics.null_basis`` and
``null_spread``, written beside
``reduced_theta``: the file's rebuilt information has zeros in the aliased
rows and so no longer knows ``c_a``). Separated fits, whose information is
mostly roundoff along the separating direction, get no basis: no check.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._exceptions import NonEstimableWarning, warn
from .._typing import FloatArray

__all__ = [
    "ESTIMABLE_TOL",
    "ROWS_READ_ALIASED_AS_ZERO",
    "Estimability",
    "check_null_basis",
    "check_null_spread",
    "estimability",
    "non_estimable",
    "null_basis",
    "standardizer",
    "warn_non_estimable",
]

#: Size of ``n_a · x̃'`` relative to the dependency's terms above which a row
#: is not estimable (module docstring).
ESTIMABLE_TOL = 1e-5
#: Entries of a null vector below this (relative to its largest, 1) are
#: rounding of a 0 and are set to 0.
NULL_ENTRY_TOL = 1e-10
#: What the predictions of rows that are not estimable are (the consequence
#: :func:`warn_non_estimable` names for new rows, library and command line).
ROWS_READ_ALIASED_AS_ZERO = (
    "their predictions read the aliased coefficients as 0 (R's predict.glm, "
    "which marks such rows 'non-estim'): a value the data do not determine"
)


class Estimability(NamedTuple):
    """What tells a fit's estimable rows: the null vectors (standardized
    coordinates, objective order) and their spreads, the centre and the
    reciprocal scale of the feature columns, the bound ``SPREAD_FACTOR √m``,
    and the aliased terms' names (for the warning)."""

    basis: FloatArray
    spread: FloatArray
    centre: FloatArray
    inv_scale: FloatArray
    bound: float
    names: list[str]


#: A training row's departure along a null vector is at most √m times the
#: spread (m rows); this factor more is allowed for the weights' unevenness.
SPREAD_FACTOR = 10.0


def _coordinates(mean: Any, std: Any, centred: bool) -> tuple[FloatArray, FloatArray]:
    """``(centre, 1/scale)`` of the feature columns (module docstring)."""
    mean, std = (np.asarray(v, dtype=np.float64) for v in (mean, std))
    scale = std if centred else np.hypot(mean, std)
    inv = 1.0 / np.where(scale > 0, scale, 1.0)
    return (mean if centred else np.zeros_like(mean)), inv


def standardizer(mean: Any, std: Any, fit_intercept: bool, k: int) -> FloatArray:
    """``A`` (k × k) with ``θ = A θ'``: standardized coordinates (the feature
    columns centred and divided by their standard deviation with an
    intercept, else divided by their root mean square; the intercept last)
    to the original ones. An information ``I`` is ``Aᵀ I A`` there."""
    p = int(np.size(mean))
    centre, inv = _coordinates(mean, std, fit_intercept)
    A = np.zeros((k, k))
    A[np.arange(p), np.arange(p)] = inv
    if fit_intercept:  # b = b' - Σ μ_j w'_j / σ_j
        A[p, :p] = -centre * inv
        A[p, p] = 1.0
    return A


def null_basis(
    information: FloatArray, aliased: Any, mean: Any, std: Any, fit_intercept: bool
) -> tuple[FloatArray, FloatArray] | None:
    """``(basis, spread)``: the null vectors in standardized coordinates (one
    row per aliased parameter, objective order, each scaled to a largest
    entry of 1, rounding of 0 set to 0) and each one's spread over the
    training rows; None when nothing is aliased or the kept information does
    not factor."""
    mask = np.asarray(aliased, dtype=bool)
    if not mask.any():
        return None
    k = mask.size
    A = standardizer(mean, std, fit_intercept, k)
    raw = np.asarray(information, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        info = A.T @ raw @ A
        # the rounding of that product (columns with large means cancel in it)
        noise = 4 * np.finfo(np.float64).eps * (np.abs(A).T @ np.abs(raw) @ np.abs(A))
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
    # Σ w (n·x̃')² / Σ w with the information's weights (its intercept entry is
    # Σ w; without an intercept its largest diagonal entry bounds the spread),
    # at least what the information's rounding leaves undetermined of it
    total = info[-1, -1] if fit_intercept else float(np.max(np.diag(info)))
    square = np.abs(np.einsum("ij,jk,ik->i", basis, info, basis))
    square += np.einsum("ij,jk,ik->i", np.abs(basis), noise, np.abs(basis))
    spread = np.sqrt(square / total) if total > 0 else np.zeros(len(gone))
    if not np.all(np.isfinite(spread)):
        return None
    return basis + 0.0, spread  # no -0.0


def estimability(
    stored: tuple[FloatArray, FloatArray] | None,
    mean: Any,
    std: Any,
    fit_intercept: bool,
    rows: float,
    names: list[str],
) -> Estimability | None:
    """The :class:`Estimability` of a fit (None without a basis); ``rows``
    the training rows of positive weight."""
    if stored is None:
        return None
    centre, inv = _coordinates(mean, std, fit_intercept)
    basis, spread = (np.asarray(v, dtype=np.float64) for v in stored)
    bound = SPREAD_FACTOR * float(np.sqrt(max(rows, 1.0)))
    return Estimability(basis, spread, centre, inv, bound, list(names))


#: Rows scaled at a time by :func:`non_estimable` (a dense block of this many
#: rows of X, for sparse X too).
ESTIMABLE_BLOCK_ROWS = 4096


def non_estimable(X: Any, est: Estimability | None, direction: bool = False) -> Any:
    """Boolean mask of the rows of ``X`` (n × p, dense or sparse) that are not
    estimable under ``est`` (None: every row is). ``direction``: the rows
    are directions (a design derivative), tested against the null vectors
    of columns of zeros only, without centring and intercept."""
    n = X.shape[0]
    if est is None or n == 0:
        return np.zeros(n, dtype=bool)
    p = X.shape[1]
    N, spread = est.basis, est.spread
    if direction:  # a column of zeros has the null vector e_a itself
        zero = np.count_nonzero(N, axis=1) == 1
        N, spread = N[zero], spread[zero]
        if N.shape[0] == 0:
            return np.zeros(n, dtype=bool)
    out = np.zeros(n, dtype=bool)
    for start in range(0, n, ESTIMABLE_BLOCK_ROWS):
        rows = X[start : start + ESTIMABLE_BLOCK_ROWS]
        rows = rows.toarray() if hasattr(rows, "toarray") else np.asarray(rows)
        Z = np.asarray(rows, dtype=np.float64)
        Z = (Z if direction else Z - est.centre) * est.inv_scale
        dot = Z @ N[:, :p].T
        if direction:
            top = np.max(np.abs(Z), axis=1, keepdims=True)
            limit = ESTIMABLE_TOL * top * np.sum(np.abs(N), axis=1)
        else:
            scale = np.maximum(np.abs(Z), 1.0) @ np.abs(N[:, :p]).T
            if N.shape[1] > p:  # the intercept's column, 1 on every row
                dot = dot + N[:, p]
                scale = scale + np.abs(N[:, p])
            limit = np.maximum(ESTIMABLE_TOL * scale, est.bound * spread)
        out[start : start + rows.shape[0]] = np.any(np.abs(dot) > limit, axis=1)
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


def check_null_spread(spread: FloatArray, m: int) -> str | None:
    """What is wrong with null spreads read from a file for ``m`` null
    vectors, or None: ``m`` finite numbers, none negative."""
    if spread.shape != (m,):
        return f"must be {m} numbers (one per aliased parameter)"
    if not np.all(spread >= 0):
        return "must hold numbers of at least 0"
    return None


def warn_non_estimable(subject: str, aliased: list[str], consequence: str) -> None:
    """The one warning that ``subject`` (e.g. "3 of 10 rows (...)", "the
    effects 'x', 'z'") are not estimable, naming the aliased terms and
    ``consequence``."""
    terms = ", ".join(repr(a) for a in aliased[:5])
    terms += ", ..." if len(aliased) > 5 else ""
    warn(
        f"{subject} are not estimable: they need the aliased term(s) {terms}, "
        "which the training rows left undetermined (e.g. an empty cell of an "
        f"interaction); {consequence}",
        NonEstimableWarning,
    )
