"""Grouped binomial data: successes out of trials, one row per group.

Convention (owned here): ``LogisticRegression().fit(X, y, trials=n)`` reads
``y`` as the number of successes of row i out of ``n_i > 0`` trials
(``0 ≤ y_i ≤ n_i``; counts need not be integers, as in statsmodels). The
fit sees the proportion ``y_i / n_i`` with the weight ``n_i · s_i``
(``s`` = ``sample_weight``, which multiplies: a row with ``s_i = 2`` stands
for two identical groups). The logistic loss is defined for labels in
[0, 1], and

    Σ n_i s_i L(k_i/n_i, z_i) = -Σ s_i [k_i log p_i + (n_i - k_i) log(1 - p_i)]

is the binomial log-likelihood of the groups without the constant
``Σ s_i log C(n_i, k_i)``, so the coefficients are those of the same data
expanded to one row per trial. What differs is the scale of inference
(:class:`GroupedSummary`, used by :mod:`logistic.inference`): ``nobs`` is the
number of groups ``Σ s_i``, ``df_resid = nobs - k``, the log-likelihood
includes the binomial constant (as statsmodels' GLM Binomial with
``endog = [successes, failures]``), and Pearson's χ²/df measures
overdispersion.

Proportions: ``y`` in [0, 1] with ``sample_weight = n`` fits the same
coefficients but is read as individual 0/1-like observations; the library
refuses non-integer labels without ``trials`` and says how to pass them:
``fit(X, p * n, trials=n)``. ``classes_`` of a grouped fit is ``[0, 1]``
(failure, success). Grouped fits need in-memory arrays; ``class_weight`` does
not apply (weight the groups with ``sample_weight``).

A fitted model knows it was fitted on counts (:func:`fitted_on_counts`):
from its ``fit_statistics_`` in the session, or from the mark
:func:`mark_fitted_on_counts` sets when a model file says so (the library's
optional ``model.grouped`` field, or a CLI file's ``encoding.binomial``).
``score()`` (0/1 accuracy) refuses such a model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ._exceptions import DataValidationError, InvalidParameterError, user_stacklevel
from ._typing import is_dask_collection
from ._validation import check_vector, check_X, feature_names_of
from .backends.in_memory import InMemory

__all__ = [
    "GroupedData",
    "GroupedSummary",
    "file_on_counts",
    "fitted_on_counts",
    "grouped_data",
    "mark_fitted_on_counts",
    "trial_rows",
]

F64 = np.float64
#: The attribute a loaded model carries when its file says it was fitted on
#: counts (a loaded model has no ``fit_statistics_``); ``fit`` removes it.
_MARK = "_fitted_on_counts"


class GroupedSummary(NamedTuple):
    """The grouped scale of a fit with ``trials`` (kept in ``fit_statistics_``).

    Attributes
    ----------
    n_groups : float
        ``Σ s_i`` (the number of rows without sample weights).
    log_binom : float
        ``Σ s_i log C(n_i, k_i)``, the constant of the binomial log-likelihood.
    n_trials : float
        ``Σ s_i n_i``.
    """

    n_groups: float
    log_binom: float
    n_trials: float


@dataclass
class GroupedData:
    """A grouped fit's backend and the raw counts (for the separation check)."""

    backend: InMemory
    summary: GroupedSummary
    successes: np.ndarray
    trials: np.ndarray
    sample_weight: np.ndarray | None

    def separation_rows(self) -> tuple[Any, np.ndarray, np.ndarray, Any]:
        """``(X, y01, weights, offset)``: each group as a row of successes (label
        1, weight ``k s``) and a row of failures (label 0, weight ``(n - k) s``),
        rows of zero weight left out: the data the separation check needs."""
        data = self.backend
        idx, y01, w = trial_rows(self.successes, self.trials, self.sample_weight)
        off = None if data.offset is None else data.offset[idx]
        return data.X[idx], y01, w, off


def trial_rows(
    successes: np.ndarray, trials: np.ndarray, sample_weight: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups as 0/1 rows: ``(idx, y01, weights)``, each group ``idx`` a row of
    its successes (label 1, weight ``k s``) then, after all those, a row of
    its failures (label 0, weight ``(n - k) s``); rows of zero weight left
    out. Their log-likelihood is the grouped one less ``Σ s log C(n, k)``."""
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    s = np.ones_like(n) if sample_weight is None else sample_weight
    ones, zeros = np.flatnonzero(k * s > 0), np.flatnonzero((n - k) * s > 0)
    idx = np.concatenate([ones, zeros])
    y01 = np.concatenate([np.ones(ones.size), np.zeros(zeros.size)])
    return idx, y01, np.concatenate([(k * s)[ones], ((n - k) * s)[zeros]])


def fitted_on_counts(model: Any) -> bool:
    """Whether ``model`` was fitted on grouped counts (``trials=``, or a model
    file that records it)."""
    stats = getattr(model, "fit_statistics_", None)
    grouped = stats is not None and getattr(stats, "grouped", None) is not None
    return grouped or bool(getattr(model, _MARK, False))


def file_on_counts(mf: Any) -> bool:
    """Whether the model file ``mf`` (a :class:`~logistic.io.ModelFile`) holds
    a fit on grouped counts: its model's mark (``model.grouped``) or a
    command-line file's ``encoding.binomial`` (``--trials``, ``cbind``)."""
    return fitted_on_counts(mf.model) or bool((mf.encoding or {}).get("binomial"))


def mark_fitted_on_counts(model: Any, counts: bool = True) -> None:
    """Mark a model loaded from a file as fitted on grouped counts (or, with
    ``counts=False``, remove the mark: a new fit decides afresh)."""
    if counts:
        setattr(model, _MARK, True)
    else:
        model.__dict__.pop(_MARK, None)


def _refuse_out_of_core(X: Any) -> None:
    import os

    if (
        isinstance(X, (str, os.PathLike))
        or callable(X)
        or is_dask_collection(X)
        or hasattr(X, "map_reduce")
    ):
        raise InvalidParameterError(
            "trials= needs in-memory arrays (X, successes and trials of the same "
            f"length); got X of type {type(X).__name__}"
        )


#: A count further than this from a whole number is non-integer (R's binomial
#: family's test: proportions times trials that round off, 0.57 × 100 =
#: 56.99999999999999, are whole).
WHOLE_TOLERANCE = 1e-3


def _counts(y: Any, trials: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(successes, trials)`` checked: finite, ``trials > 0``, ``0 ≤ y ≤ trials``."""
    k = check_vector(y, n, "y (successes, with trials=)", nonnegative=True)
    t = check_vector(trials, n, "trials")
    bad = np.flatnonzero(~(t > 0))
    if bad.size:
        i = int(bad[0])
        raise DataValidationError(
            f"trials must be > 0 on every row; row {i} (an index from 0) has {t[i]:g} "
            f"({bad.size} such row(s)); drop groups without trials"
        )
    over = np.flatnonzero(k > t)
    if over.size:
        i = int(over[0])
        raise DataValidationError(
            f"y (successes) exceeds trials at row {i} (an index from 0): {k[i]:g} > "
            f"{t[i]:g} "
            f"({over.size} such row(s)); y counts successes out of trials"
        )
    fractional = np.flatnonzero(
        (np.abs(k - np.round(k)) > WHOLE_TOLERANCE)
        | (np.abs(t - np.round(t)) > WHOLE_TOLERANCE)
    )
    if fractional.size:
        i = int(fractional[0])
        # y <= 1 on every row beside more trials: proportions given as counts
        # (R's glm(p ~ x, weights = n) spelling), a different, wrong model
        shares = bool((k <= 1).all() and (t > 1).any())
        hint = (
            "; y is at most 1 on every row: if it holds proportions, pass the "
            "successes y = p * trials (R's glm(p ~ x, weights = n) spelling)"
            if shares
            else ""
        )
        warnings.warn(
            f"{fractional.size:,} group(s) have a non-integer count of successes or "
            f"trials (row {i}, an index from 0: {float(k[i])!r} of "
            f"{float(t[i]):g}): the binomial likelihood is used as written, as "
            "R's glm fits them with its warning 'non-integer #successes in a "
            f"binomial glm!'; counts of events are whole numbers{hint}",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return k, t


def grouped_data(
    X: Any,
    y: Any,
    trials: Any,
    sample_weight: Any = None,
    offset: Any = None,
    *,
    class_weight: Any = None,
    estimator: str = "LogisticRegression",
) -> GroupedData:
    """Grouped binomial data (see the module docstring) as an in-memory backend.

    Raises
    ------
    InvalidParameterError
        Out-of-core X, or ``class_weight`` set.
    DataValidationError
        Bad counts, or no success (or no failure) with positive weight.
    """
    _refuse_out_of_core(X)
    if class_weight is not None:
        raise InvalidParameterError(
            f"class_weight={class_weight!r} does not apply with trials= (each row "
            "holds both outcomes); weight the groups with sample_weight"
        )
    names = feature_names_of(X)
    X = check_X(X, estimator=estimator)
    n = X.shape[0]
    k, t = _counts(y, trials, n)
    sw = None
    if sample_weight is not None:
        sw = check_vector(sample_weight, n, "sample_weight", nonnegative=True)
    s = np.ones(n) if sw is None else sw
    for what, count in (("success", k), ("failure", t - k)):
        if not float(s @ count) > 0:
            raise DataValidationError(
                f"the groups hold no {what} (with positive weight): both outcomes "
                "are needed to fit a logistic model"
            )
    off = None if offset is None else check_vector(offset, n, "offset")
    from scipy.special import gammaln  # scipy.special loads only for grouped fits

    log_binom = gammaln(t + 1.0) - gammaln(k + 1.0) - gammaln(t - k + 1.0)
    summary = GroupedSummary(
        n_groups=float(s.sum()),
        log_binom=float(s @ log_binom),
        n_trials=float(s @ t),
    )
    backend = InMemory(
        X,
        (k / t).astype(X.dtype),
        t * s,
        off,
        classes=np.array([0, 1]),
        feature_names=names,
    )
    return GroupedData(backend, summary, k, t, sw)
