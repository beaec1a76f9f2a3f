"""The ``covariance`` field of a model file: the covariance of the estimates
<-> plain JSON, validated.

Convention (owned here): written exactly symmetric and only when a load would
accept it (at most :data:`~._schema.MAX_COVARIANCE_PARAMS` parameters, no
clearly negative variance); the reduced model's covariance of a fit with
aliased (exactly collinear) columns is written with null rows and columns at
the aliased parameters, and read back as NaN there; every other entry must be
a finite number, and the kept block symmetric to
:data:`COVARIANCE_LEGACY_RTOL` (older writers stored the inverse unsymmetrized;
it is read as the mean of ``V`` and ``V^T``) and positive semidefinite to
:data:`COVARIANCE_PSD_TOL` (a covariance that is not is not written either:
the save warns). A bad field raises
:class:`~logistic.ModelFormatError` naming it.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._exceptions import (
    LogisticError,
    NumericalStabilityWarning,
    held_back,
    user_stacklevel,
)
from .._multiclass import is_multiclass
from ._fields import _bad, _finite_list
from ._file_record import file_covariance
from ._schema import MAX_COVARIANCE_PARAMS, _jsonable

__all__ = [
    "COVARIANCE_PSD_TOL",
    "COVARIANCE_LEGACY_RTOL",
    "COVARIANCE_SYMMETRY_RTOL",
    "_covariance_from_dict",
    "_covariance_to_dict",
    "own_covariance",
]


def _covariance_to_dict(
    covariance: Any, names: list[str] | None
) -> dict[str, Any] | None:
    if covariance is None:
        return None
    try:
        cov = np.asarray(covariance, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            "covariance must be a square matrix of numbers, got "
            f"{type(covariance).__name__} {covariance!r:.60}"
        ) from None
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"covariance must be a square matrix, got shape {cov.shape}")
    aliased = _aliased_marks(cov)
    if cov.shape[0] > MAX_COVARIANCE_PARAMS or aliased is None:
        return None
    kept = np.flatnonzero(~aliased)
    # written exactly symmetric, and only when a load would accept it
    # (_check_covariance). A variance negative by rounding alone (within
    # 1e3 ulp of the largest) is 0, as inference clips it; a variance
    # clearly negative is no covariance to keep, and the save says so.
    cov = cov[np.ix_(kept, kept)]
    cov = 0.5 * (cov + cov.T)
    diag = np.diag(cov).copy()
    rounding = 1e3 * np.finfo(np.float64).eps * float(np.max(np.abs(diag), initial=0.0))
    small = (diag < 0) & (diag >= -rounding)
    cov[np.flatnonzero(small), np.flatnonzero(small)] = 0.0
    if np.any(np.diag(cov) < 0):
        k = int(np.argmin(np.diag(cov)))
        warnings.warn(
            f"covariance not stored: its variance [{kept[k]}] is "
            f"{float(cov[k, k])!r} < 0",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return None
    if not _semidefinite(cov):
        warnings.warn(
            "covariance not stored: it is not positive semidefinite (smallest "
            f"eigenvalue of its correlation matrix below -{COVARIANCE_PSD_TOL:g})",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return None
    if not aliased.any():
        return {"names": names, "matrix": cov.tolist()}
    full = np.full(aliased.shape * 2, None, dtype=object)
    full[np.ix_(kept, kept)] = cov  # aliased rows and columns: null
    return {"names": names, "matrix": _jsonable(full.tolist())}


def _aliased_marks(cov: np.ndarray) -> np.ndarray | None:
    """The parameters whose row and column of ``cov`` are all NaN (aliased:
    the reduced model's covariance, :mod:`logistic.inference._aliased`), or
    None when ``cov`` holds another non-finite entry or marks every one."""
    nan = np.isnan(cov)
    marked = nan.all(axis=1)
    if not np.array_equal(marked, nan.all(axis=0)) or marked.all():
        return None
    kept = ~marked
    if not np.all(np.isfinite(cov[np.ix_(kept, kept)])):
        return None
    return marked


def _covariance_from_dict(d: Any, n_params: int, path: str) -> tuple[Any, Any]:
    if d is None:
        return None, None
    if not isinstance(d, dict):
        raise _bad(path, "field 'covariance' must be null or an object")
    matrix = d.get("matrix")
    if not isinstance(matrix, list) or len(matrix) != n_params:
        raise _bad(path, f"field 'covariance.matrix' must be {n_params} x {n_params}")
    cov = _marked_matrix(matrix, n_params, path)
    kept = ~np.isnan(np.diag(cov))
    _check_covariance(cov[np.ix_(kept, kept)], path)
    # Read as the library writes it: files written before the writer stored
    # 0.5 * (V + V^T) hold the inverse as computed, symmetric only to its
    # conditioning (COVARIANCE_LEGACY_RTOL); the mean of the two is that fit's
    # covariance as a file written now holds it (NaN rows and columns stay).
    cov = np.where(cov == cov.T, cov, cov / 2 + cov.T / 2)
    names = d.get("names")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != n_params
        or not all(isinstance(s, str) for s in names)
    ):
        raise _bad(path, f"field 'covariance.names' must list {n_params} names")
    return cov, names


def _marked_matrix(matrix: list[Any], n_params: int, path: str) -> np.ndarray:
    """``covariance.matrix`` as an array: finite numbers, except that the row
    and the column of an aliased parameter (a fit with exactly collinear
    columns: :mod:`logistic.inference._aliased`) are null throughout (NaN in
    the array); at least one parameter is not aliased."""
    where = "covariance.matrix"
    marked = [
        i
        for i, r in enumerate(matrix)
        if isinstance(r, list) and len(r) == n_params and all(v is None for v in r)
    ]
    if not marked:
        rows = [_finite_list(r, n_params, path, where) for r in matrix]
        return np.array(rows).reshape(n_params, n_params)
    if len(marked) == n_params:
        raise _bad(path, f"field '{where}' is null throughout; expected numbers")
    dead = set(marked)
    kept = [j for j in range(n_params) if j not in dead]
    cov = np.full((n_params, n_params), np.nan)
    for i in kept:
        r = matrix[i]
        if not isinstance(r, list) or len(r) != n_params:
            got = len(r) if isinstance(r, list) else type(r).__name__
            raise _bad(
                path, f"field '{where}' must be a list of {n_params} numbers, got {got}"
            )
        if any(r[j] is not None for j in marked):
            raise _bad(
                path,
                f"field '{where}' row {i} has numbers in the columns of the aliased "
                f"parameters {marked[:10]} (null rows); expected null there, as in "
                "their rows",
            )
        cov[i, kept] = _finite_list([r[j] for j in kept], len(kept), path, where)
    return cov


#: Largest asymmetry ``|V[i][j] - V[j][i]|`` a stored covariance may have, as a
#: share of ``sqrt(V[i][i] V[j][j])`` (the library writes it exactly symmetric).
COVARIANCE_SYMMETRY_RTOL = 1e-8

#: The asymmetry a file written before the library stored ``0.5 * (V + V^T)``
#: (commit cbe3e9a5) may hold, as a share of ``sqrt(V[i][i] V[j][j])``: such
#: files stored the inverse information as computed, and a nearly separated
#: fit's inverse (a 3-class iris fit: 1.03e-4) is symmetric only to its
#: conditioning. Within it the matrix loads as the mean of ``V`` and ``V^T``
#: (what a file written now holds); beyond it, it is refused as edited.
COVARIANCE_LEGACY_RTOL = 1e-3


#: How far below 0 the smallest eigenvalue of a stored covariance's correlation
#: matrix may be (rounding): see :func:`_semidefinite`.
COVARIANCE_PSD_TOL = 1e-8


def _semidefinite(cov: np.ndarray) -> bool:
    """Whether the symmetric ``cov`` (finite, variances >= 0) is positive
    semidefinite to rounding: its correlation matrix ``R = D^-1/2 V D^-1/2``
    (``D`` its diagonal, 1 where a variance is 0; unit diagonal, so the test
    does not depend on the parameters' scales) plus
    :data:`COVARIANCE_PSD_TOL` times the identity has a Cholesky factor,
    that is ``λ_min(R) > -COVARIANCE_PSD_TOL``. This also bounds every
    correlation by 1 (to the tolerance). One Cholesky factorization: a few
    milliseconds at ``MAX_COVARIANCE_PARAMS`` parameters."""
    if cov.size == 0:
        return True
    diag = np.diag(cov).copy()
    root = np.sqrt(np.where(diag > 0, diag, 1.0))
    corr = cov / np.outer(root, root)
    corr = 0.5 * (corr + corr.T) + COVARIANCE_PSD_TOL * np.eye(len(diag))
    try:
        np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        return False
    return True


def _check_covariance(cov: np.ndarray, path: str) -> None:
    """Refuse a ``covariance.matrix`` that is no covariance: a negative
    variance on the diagonal, ``V[i][j] != V[j][i]`` beyond
    :data:`COVARIANCE_LEGACY_RTOL` (an older writer's rounding; the reader
    then takes the mean of the two), or a matrix that is not positive
    semidefinite to rounding (:func:`_semidefinite`; an indefinite one gives
    negative variances of combinations, e.g. of predictions: standard errors,
    intervals and tests read it as symmetric positive semidefinite). Entries
    are finite already."""
    diag = np.diag(cov)
    if np.any(diag < 0):
        k = int(np.flatnonzero(diag < 0)[0])
        raise _bad(
            path,
            f"field 'covariance.matrix' has the diagonal entry [{k}][{k}] = "
            f"{float(diag[k])!r}; expected variances >= 0 (the file was edited or "
            "damaged: save the model again from its fit)",
        )
    scale = np.sqrt(np.outer(diag, diag))
    gap = np.abs(cov - cov.T)
    bad = gap > COVARIANCE_LEGACY_RTOL * scale
    if np.any(bad):
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise _bad(
            path,
            f"field 'covariance.matrix' is not symmetric: entry [{i}][{j}] = "
            f"{float(cov[i, j])!r} but [{j}][{i}] = {float(cov[j, i])!r}; "
            "expected a symmetric matrix (relative tolerance "
            f"{COVARIANCE_LEGACY_RTOL:g}; the file was edited or damaged: "
            "save the model again from its fit)",
        )
    if not _semidefinite(cov):
        raise _bad(
            path,
            "field 'covariance.matrix' is not positive semidefinite: its "
            "correlation matrix has an eigenvalue below "
            f"-{COVARIANCE_PSD_TOL:g} (some combination of the estimates would "
            "have a negative variance); expected a covariance matrix (the file "
            "was edited or damaged: save the model again from its fit)",
        )


def own_covariance(model: Any) -> tuple[Any, list[str] | None]:
    """The covariance a fitted model carries (see :func:`logistic.io.save`):
    the one of the file it was loaded from, as read (no fit since:
    :func:`~._file_record.file_covariance`), or its fit's model-based one; or
    (None, None)."""
    kept = file_covariance(model)
    if kept is not None:
        return kept
    if is_multiclass(model):
        return _multinomial_covariance(model)
    if getattr(model, "fit_statistics_", None) is not None:
        from ..inference import fit_inference
        from ..inference._covariance import CollinearityError

        try:
            with _said_by_inference():
                res = fit_inference(model)
        except (CollinearityError, LogisticError, FloatingPointError):
            return None, None  # penalized, singular information
        return res.covariance(), list(res.term_names)
    return None, None


def _multinomial_covariance(model: Any) -> tuple[Any, list[str] | None]:
    """A K-class reference fit's covariance (objective order; io._multinomial)."""
    if getattr(model, "fit_statistics_", None) is None:
        return None, None
    from ..inference._multinomial import multinomial_inference

    try:
        with _said_by_inference():
            res = multinomial_inference(model)
    except (LogisticError, FloatingPointError):
        return None, None  # penalized, singular information
    return res.covariance(), list(res.param_names)


@contextlib.contextmanager
def _said_by_inference() -> Iterator[None]:
    """Hold back, in this thread only (:func:`~logistic._exceptions.held_back`),
    the caveats inference gives of the covariance a save computes (class
    weights, non-integer weights, numerical stability): they are inference's
    to give, not a save's."""
    from ..inference._checks import CLASS_WEIGHT_WARNING

    with (
        held_back(Warning, "[0-9,]+ rows have non-integer"),
        held_back(Warning, CLASS_WEIGHT_WARNING),
        held_back(NumericalStabilityWarning),
    ):
        yield
