"""Which rows a fit with aliased columns can predict (estimability).

Convention (owned here): with aliased parameters A (:mod:`._aliased`: the
columns that are combinations of the kept ones K on the training rows), the
null space of the information is spanned by one vector per aliased
parameter, a row of :func:`null_basis`,

    n_a = e_a - Σ_{k ∈ K} c_ak e_k,    c_a = I_KK⁻¹ I_Ka

(the aliased column as that combination). A design row ``x̃ = (x, 1)`` (the
intercept last, objective order) lies in the row space of the training
design, and its logit is estimable, when ``|n_a · x̃| ≤ ESTIMABLE_TOL ·
Σ_j |n_aj x̃_j|`` for every a; otherwise its prediction depends on the
aliased coefficients that the data left undetermined (an empty cell of an
interaction: ``C(A)*C(B)`` with no row at A = c, B = y). As R's
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
from typing import Any

import numpy as np

from .._exceptions import NonEstimableWarning, user_stacklevel
from .._typing import FloatArray

__all__ = ["ESTIMABLE_TOL", "non_estimable", "null_basis", "warn_non_estimable"]

#: Relative size of ``n_a · x̃`` (to ``Σ |n_aj x̃_j|``) above which a row is
#: not estimable: far above the rounding of ``c_a`` (~1e-12 for a
#: well-conditioned kept design) and far below any real departure from the
#: training rows' dependency (R uses ~1.5e-8 on its QR's scale).
ESTIMABLE_TOL = 1e-7


def null_basis(information: FloatArray, aliased: Any) -> FloatArray | None:
    """The null vectors ``n_a`` (one row per aliased parameter, objective order,
    each scaled to a largest entry of 1), or None when nothing is aliased or
    the kept information does not factor."""
    mask = np.asarray(aliased, dtype=bool)
    if not mask.any():
        return None
    info = np.asarray(information, dtype=np.float64)
    kept, gone = np.flatnonzero(~mask), np.flatnonzero(mask)
    basis = np.zeros((gone.size, mask.size))
    basis[np.arange(gone.size), gone] = 1.0
    if kept.size:
        try:
            c = np.linalg.solve(info[np.ix_(kept, kept)], info[np.ix_(kept, gone)])
        except np.linalg.LinAlgError:
            return None
        basis[:, kept] = -c.T
    if not np.all(np.isfinite(basis)):
        return None
    return basis / np.max(np.abs(basis), axis=1, keepdims=True) + 0.0  # no -0.0


def non_estimable(X: Any, basis: FloatArray | None, fit_intercept: bool) -> Any:
    """Boolean mask of the rows of ``X`` (n × p, dense or sparse) that are not
    estimable under ``basis`` (:func:`null_basis`; None: every row is)."""
    n = X.shape[0]
    if basis is None or n == 0:
        return np.zeros(n, dtype=bool)
    p = X.shape[1]
    N = np.asarray(basis, dtype=np.float64)
    dot = np.asarray(X @ N[:, :p].T, dtype=np.float64)
    scale = np.asarray(abs(X) @ np.abs(N[:, :p]).T, dtype=np.float64)
    if fit_intercept:
        dot = dot + N[:, p]
        scale = scale + np.abs(N[:, p])
    return np.any(np.abs(dot) > ESTIMABLE_TOL * scale, axis=1)


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
