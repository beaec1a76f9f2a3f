"""Aliased (exactly collinear) columns of an unpenalized fit, as R's ``glm``.

Conventions (owned here):

* A column is **aliased** when it is a linear combination of the columns
  before it in display order (intercept first, then the features), on the
  rows that carry information. R's ``glm`` finds these with the pivoted QR of
  the weighted design ``√W X`` (LINPACK ``dqrdc2``; ``glm.fit``'s tolerance
  is ``min(1e-7, epsilon/1000)``, ``1e-11``): column j is moved to the end
  and reported ``NA`` when the norm of its residual on the kept columns
  before it is below ``tol ×`` its own norm. With the information
  ``I = Xᵀ W X`` and its correlation-scaled form ``C = D^{-1/2} I D^{-1/2}``
  (``D = diag I``), that squared ratio is exactly the pivot ``s_j`` of the
  Cholesky factorization of ``C`` taken in column order over the kept
  columns (the Schur complement of column j on them). The pivots here come
  from the p × p information the inference already holds (no pass over the
  rows), whose rounding is ``~ε·max(√rows, p)``
  (:func:`logistic._aliasing.pivot_noise`, ``rows`` the rows of positive
  weight); a column is aliased below the larger of ten times that (at most
  ``1e-12``) and that times its cancellation ``1 + ‖r_j‖²`` (``r_j`` its
  regression on the kept columns before it)
  (:func:`logistic._aliasing.alias_limits`), and the covariance refuses the
  kept information as singular only below what kept pivots allow
  (:func:`singular_limit`), so a kept column is never called dependent.
  Exact dependencies (duplicated columns, sums of columns, every level of a
  factor beside the intercept) give ``s_j`` at the rounding's level and are
  dropped as R drops them; a near dependency above the limit is kept, as R
  keeps it. Between the limit and R's ``1e-22`` (in ``s_j``) R keeps a column
  dropped here; the fit warns where the rows show it carries signal
  (:func:`logistic._fit_aliased.aliased_at_zero`) and records its decision in
  the statistics (``reduced_theta``), which every reader then uses.
* **Separated fits**: where the information without the columns it shows
  aliased is still singular (rows of a separated fit weigh ~1e-9, and the
  information's small entries are then mostly roundoff),
  :func:`structural_aliasing` takes one pass for the Gram matrix of the rows
  with positive weight and uses its aliased columns; the reduced estimate is
  kept in the statistics (``reduced_theta``), so every later reader agrees.
  Where even that leaves the kept information singular (columns whose rows
  all have fitted probabilities of 0 or 1 in float64), the estimate is not
  reduced (the fit's own, same logits) and the covariance is refused with a
  :class:`~logistic.inference._covariance.CollinearityError` naming the
  columns, so a save writes no covariance rather than failing.
* The estimates are those of the model without the aliased columns. The
  fitted logits of a maximum-likelihood fit are unique even when its
  coefficients are not, and an aliased column ``x_a = X_k c_a`` (on the rows
  with positive weight) moves its coefficient onto the kept ones:
  ``θ_k + C θ_a`` with ``C = I_kk⁻¹ I_ka`` gives the same logits with the
  aliased coefficients at 0. One Newton step of the reduced objective from
  there (``- H_kk⁻¹ g_k``, from the stored gradient and Hessian, whose kept
  rows are those of the reduced objective at the same logits) makes it the
  reduced model's estimate to second order, with no pass over the data.
* The covariance of the kept coefficients is the reduced model's (``I_kk⁻¹``
  and sandwiches with it); internally the aliased rows and columns are 0 and
  their coefficients 0, so predictions and every pass over the rows see the
  reduced model; displayed, they are NaN (R's ``NA``).
* A model file keeps that displayed covariance (``null`` at the aliased rows
  and columns) and the reduced estimate (:mod:`logistic.io._statistics`);
  the statistics :func:`logistic.load` rebuilds carry the estimate as
  ``reduced_theta`` (NaN at the aliased parameters), which names them and is
  used as it is: the Hessian rebuilt from the reduced covariance has no
  aliased rows to find them or move their coefficients with.
* Firth fits are not reduced: the penalty ``½ log det I`` is ``-∞`` for
  every coefficient vector of a rank-deficient design, so Firth's estimate of
  the full design is not defined and that of the reduced design needs a new
  fit (``logistf`` refuses such designs too); their collinearity stays a
  :class:`~logistic.inference._covariance.CollinearityError`. Penalized
  (L1/L2) fits have no inference at all.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .._aliasing import aliased_columns, pivot_noise, positive_rows_gram
from .._exceptions import InvalidParameterError
from .._numerics import FAR_FROM_CENTRE, mean_over_spread
from .._separation_kinds import SEPARATED_OR_SUSPECTED
from .._typing import FloatArray
from ._covariance import SINGULAR_RCOND, CollinearityError, invert_information
from ._estimable import Estimability, estimability, null_basis
from ._order import display_order

__all__ = [
    "AliasedParameters",
    "recorded_aliasing",
    "reduce_theta",
    "reduced_estimate",
    "singularity_note",
    "structural_aliasing",
]


def zero_columns(stats: Any) -> Any:
    """Boolean mask (objective order) of the parameters whose design column
    is zero on every row of positive weight (weighted mean and standard
    deviation both exactly 0; never the intercept)."""
    zero = (np.asarray(stats.mean) == 0) & (np.asarray(stats.std) == 0)
    return np.append(zero, False) if stats.fit_intercept else zero


def reduce_theta(
    theta: FloatArray,
    info: FloatArray,
    gradient: FloatArray,
    hessian: FloatArray,
    aliased: Any,
) -> FloatArray:
    """The reduced model's coefficients (objective order), 0 at ``aliased``:
    the aliased coefficients moved onto the kept columns (same logits), then
    one Newton step of the reduced objective (see the module docstring)."""
    kept = ~aliased
    out = np.zeros_like(theta, dtype=np.float64)
    I_kk = info[np.ix_(kept, kept)]
    moved = np.linalg.solve(I_kk, info[np.ix_(kept, aliased)] @ theta[aliased])
    step = np.linalg.solve(hessian[np.ix_(kept, kept)], gradient[kept])
    out[kept] = theta[kept] + moved - step
    return out


def statistics_aliased(stats: Any) -> Any:
    """The aliased parameters (objective order) of a fit's statistics: those
    its ``reduced_theta`` records (NaN), else the rank rule
    (:func:`logistic._aliasing.aliased_columns`) on its information, in
    display order, with its columns of zeros."""
    if stats.reduced_theta is not None:
        return np.isnan(np.asarray(stats.reduced_theta, dtype=np.float64))
    info = stats.weight_sum * stats.hessian
    order = display_order(stats.n_features, stats.fit_intercept)
    return aliased_columns(info, order, zero_columns(stats), summed_rows(stats))


def recorded_aliasing(stats: Any, kept: Any, theta: FloatArray) -> Any:
    """``stats`` (taken again over the training rows at the fit's ``theta``)
    with the aliased parameters and the reduced estimate the fit recorded in
    its statistics ``kept`` (``reduced_theta``, with the null vectors beside
    it), so that inference over the rows reads the fit's decision rather than
    the rank rule again: for a dependency at the rule's limit the two could
    differ. ``stats`` unchanged where the fit recorded none."""
    reduced = getattr(kept, "reduced_theta", None)
    if reduced is None or stats.reduced_theta is not None:
        return stats
    reduced = np.asarray(reduced, dtype=np.float64)
    if reduced.shape != np.shape(theta):
        return stats
    return stats._replace(
        reduced_theta=reduced.copy(),
        null_basis=getattr(kept, "null_basis", None),
        null_spread=getattr(kept, "null_spread", None),
    )


def summed_rows(stats: Any) -> float:
    """The rows of positive weight a fit's information sums (NaN where a
    model file does not say): its rounding decides the rank rule
    (:func:`logistic._aliasing.alias_tolerance`) and the singular limit of
    the covariance (:func:`singular_limit`)."""
    labels = getattr(stats, "labels", None)
    return float("nan") if labels is None else float(labels.rows)


def singular_limit(stats: Any) -> float:
    """The reciprocal condition at or below which the kept information of
    ``stats`` is singular: ``SINGULAR_RCOND`` where the rows are unknown (a
    model file without them), else the pivots' rounding
    (:func:`logistic._aliasing.pivot_noise`) over ``k²`` (``k`` parameters),
    so that a column the rank rule keeps is never called dependent: kept
    pivots above ``noise·(1 + ‖r_j‖²)`` bound the trace of the
    correlation-scaled inverse by ``k/noise`` (``trace C⁻¹ = Σ_j (1 +
    ‖r_j‖²)/s_j``) and its condition by ``k²/noise``."""
    rows = summed_rows(stats)
    if not math.isfinite(rows):
        return SINGULAR_RCOND
    k = max(int(stats.n_params), 1)
    return min(SINGULAR_RCOND, pivot_noise(rows, k) / (k * k))


def reduced_estimate(stats: Any) -> FloatArray | None:
    """The reduced model's estimate of a maximum-likelihood fit's statistics
    (objective order, NaN at the aliased parameters), as inference computes
    it, or None without aliased columns (what a model file keeps:
    :mod:`logistic.io._statistics`)."""
    if stats.reduced_theta is not None:
        return np.asarray(stats.reduced_theta, dtype=np.float64)
    if getattr(stats, "centred", None) is not None:
        # a Firth fit's (its solver refuses aliased designs), whose information
        # summed about 0 can look singular beside a column far from 0
        return None
    mask = statistics_aliased(stats)
    if not mask.any():
        return None
    info = stats.weight_sum * stats.hessian
    theta = reduce_theta(stats.theta, info, stats.gradient, stats.hessian, mask)
    theta[mask] = np.nan
    return theta


def _reduced_singular(info: FloatArray, mask: Any, limit: float) -> bool:
    """Whether ``info`` without the ``mask`` parameters is still singular by
    :func:`._covariance.invert_information`'s rule (its equilibrated
    reciprocal condition at most ``limit``, :func:`singular_limit`)."""
    kept = ~mask
    A = info[np.ix_(kept, kept)]
    diag = np.diag(A)
    if not np.all(diag > 0):
        return False  # no information, not a column of zeros: named by the covariance
    root = np.sqrt(diag)
    evals = np.linalg.eigvalsh(0.5 * (A + A.T) / np.outer(root, root))
    return bool(evals[0] <= limit * evals[-1])


def structural_aliasing(stats: Any, backend: Any, separation: Any) -> Any:
    """``stats`` of a separated fit (``separation`` one of
    :data:`~logistic._separation_kinds.SEPARATED_OR_SUSPECTED`: under those the
    information's small entries may be mostly roundoff)
    with the reduced estimate of the columns aliased in the design itself,
    where the information alone leaves its reduced model singular; else
    ``stats`` unchanged (other fits: no work at all).

    The information's entries for parameters whose rows have next to no
    weight (a separated fit's diverging columns: weights near ``1e-9``
    beside entries in the thousands) carry roundoff far above their size
    after the map back from standardized coordinates, so a dependency
    through those columns can show a pivot above ``ALIAS_TOL`` and stay
    undetected (a9a: 15 of its 16 aliased columns found), and the reduced
    information is then singular, with no standard errors at all. On rows
    of positive weight ``√W X`` and ``X`` have the same column dependencies
    (R's QR finds them in ``√W X``), so one pass for the Gram matrix ``Ãᵀ Ã``
    of those rows, whose entries are exact for 0/1 columns, decides: its
    aliased columns are used when they include the information's and more.
    Fits with no aliased column take no pass; grouped binomial fits are left
    alone. Fits that are not separated are never changed: there a pivot between
    ``ALIAS_TOL`` and the singular limit is a near dependency, which R
    keeps too.
    """
    if (
        separation not in SEPARATED_OR_SUSPECTED
        or stats is None
        or stats.grouped is not None
        or stats.reduced_theta is not None
    ):
        return stats
    with np.errstate(all="ignore"):  # information beyond float64: left alone
        info = stats.weight_sum * stats.hessian
        if not np.all(np.isfinite(info)):
            return stats
        order = display_order(stats.n_features, stats.fit_intercept)
        try:
            rows = summed_rows(stats)
            mask = aliased_columns(info, order, zero_columns(stats), rows)
            if not mask.any() or not _reduced_singular(
                info, mask, singular_limit(stats)
            ):
                return stats
        except np.linalg.LinAlgError:
            return stats
    from functools import partial

    gram = backend.map_reduce(
        partial(positive_rows_gram, fit_intercept=stats.fit_intercept)
    )
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(gram)):
            return stats
        try:
            found = aliased_columns(gram, order, np.diag(gram) == 0, rows)
            if (mask & ~found).any() or not (found & ~mask).any():
                return stats
            theta = reduce_theta(
                stats.theta, info, stats.gradient, stats.hessian, found
            )
        except np.linalg.LinAlgError:
            return stats
    if not np.all(np.isfinite(theta)):
        return stats
    theta[found] = np.nan
    return stats._replace(reduced_theta=theta)


#: Aliased terms a summary's note names (the rest counted; the table's NA
#: rows show them all).
NOTE_NAMES = 20


#: The most characters of names a message lists (a one-hot design's names
#: can be long).
NOTE_CHARS = 600


def aliased_list(names: list[str]) -> str:
    """``names`` for a message: the first :data:`NOTE_NAMES`, within
    :data:`NOTE_CHARS` characters, and how many more (a wide design may alias
    hundreds of columns)."""
    shown: list[str] = []
    for name in names[:NOTE_NAMES]:
        if shown and len(", ".join([*shown, name])) > NOTE_CHARS:
            break
        shown.append(name)
    text = ", ".join(shown)
    if len(text) > NOTE_CHARS:  # one name longer than the whole allowance
        text = text[: NOTE_CHARS - 1] + "…"
    if len(names) > len(shown):
        text += f", … and {len(names) - len(shown):,} more"
    return text


def singularity_note(names: list[str]) -> str:
    """R's header line for ``names`` aliased, with at most :data:`NOTE_NAMES`
    of them (:func:`aliased_list`)."""
    shown = aliased_list(names)
    return (
        f"Coefficients: ({len(names)} not defined because of singularities: "
        f"{shown}); NA rows are aliased (combinations of earlier "
        "columns, or columns of zeros) and "
        "dropped, as R's glm: the other estimates are those of the model without them."
    )


class AliasedParameters:
    """The parts of :class:`~logistic.inference.InferenceResults` that see the
    aliased columns: the reduced estimate, the rank, the covariance padded
    with zeros (internal) or NaN (displayed). A base of the results."""

    _stats: Any
    _theta: FloatArray
    _perm: Any
    term_names: list[str]
    feature_names: list[str]
    fit_intercept: bool
    k_params: int
    rcond: float
    separation: str | None
    #: ``V'`` of a Firth fit's ``V = T V' Tᵀ`` (:meth:`_centred_cov`), or None
    _nonrobust_centred: FloatArray | None = None
    #: the kept information was singular, so the estimate was not reduced
    #: (:meth:`_find_aliased`); the covariance is then refused
    _unreduced: bool = False

    if TYPE_CHECKING:

        @property
        def _information(self) -> FloatArray: ...

        @property
        def _constant_columns(self) -> list[str]: ...

        @property
        def _capacity(self) -> FloatArray: ...

        def _obj_names(self) -> list[str]: ...

    def _find_aliased(self, firth: bool) -> None:
        """Set ``aliased`` (display order names), ``_aliased`` (objective
        mask), the reduced ``_theta`` and ``k_params`` (the rank)."""
        stats = self._stats
        k = stats.n_params
        mask = np.zeros(k, dtype=bool)
        reduced = getattr(stats, "reduced_theta", None)
        if reduced is not None:  # read from a model file (io._statistics)
            mask = np.isnan(reduced)
        elif not firth:
            mask = aliased_columns(
                self._information,
                np.asarray(self._perm),
                zero_columns(stats),
                summed_rows(stats),
            )
        self._aliased = mask
        self.aliased = [self.term_names[i] for i, j in enumerate(self._perm) if mask[j]]
        if reduced is not None:
            self._theta = np.where(mask, 0.0, reduced)
        elif mask.any():
            try:
                self._theta = reduce_theta(
                    self._theta, self._information, stats.gradient, stats.hessian, mask
                )
            except np.linalg.LinAlgError:
                # the kept information is singular too (a separated fit's
                # columns with no information left): the fit's own estimate
                # stays (its logits are the fit's), and the covariance's rank
                # checks refuse it, naming the columns (_cov_nonrobust)
                self._unreduced = True
        self.k_params = k - int(mask.sum())

    @cached_property
    def _estimability(self) -> Estimability | None:
        """What tells the rows this fit can predict (:mod:`._estimable`): the
        null vectors from a model file where it kept them, else from the
        fit's information; None without aliased parameters, under separation
        (an information of roundoff) or for a file without them."""
        if not self._aliased.any() or self.separation in SEPARATED_OR_SUSPECTED:
            return None
        stats = self._stats
        stored: Any = None
        if getattr(stats, "null_basis", None) is not None:
            stored = (stats.null_basis, stats.null_spread)
        elif getattr(stats, "reduced_theta", None) is None:  # else a file's zeros
            stored = null_basis(
                self._information, self._aliased, stats.mean, stats.std,
                self.fit_intercept,
            )  # fmt: skip
        rows = float(stats.labels.rows)
        rows = rows if math.isfinite(rows) else float(stats.weight_sum)
        return estimability(
            stored, stats.mean, stats.std, self.fit_intercept, rows, self.aliased
        )

    def _column_rms(self) -> FloatArray:
        """Each parameter's column's root mean square (1 for the intercept)."""
        stats = self._stats
        rms = np.hypot(np.asarray(stats.std), np.asarray(stats.mean))
        return np.append(rms, 1.0) if self.fit_intercept else rms

    def _far_from_zero(self, names: list[str]) -> dict[str, float]:
        """Feature columns beside an intercept whose mean is over
        :data:`~logistic._numerics.FAR_FROM_CENTRE` times their spread, name →
        that ratio."""
        if not self.fit_intercept:
            return {}
        ratio = mean_over_spread(self._stats.mean, self._stats.std)
        far = np.flatnonzero(ratio > FAR_FROM_CENTRE)
        return {names[j]: float(ratio[j]) for j in far}

    def _centred_cov(self) -> FloatArray | None:
        """A Firth fit's ``I(θ̂)⁻¹`` from its information in centred
        coordinates (``FitStatistics.centred``: ``T I'⁻¹ Tᵀ``, with the rank
        checks on ``I'``), or None where the fit kept none."""
        centred = getattr(self._stats, "centred", None)
        if centred is None or self._aliased.any():
            return None
        names = self._obj_names()
        info = self._stats.weight_sum * centred.hessian
        # the centred columns' root mean squares are their spreads over their
        # scales, ~1; each parameter's capacity is then Σs/4
        capacity = np.full(len(names), self._stats.weight_sum / 4.0)
        cov_c, self.rcond = invert_information(
            info,
            names,
            constant_columns=list(self._constant_columns),
            capacity=capacity,
            singular=singular_limit(self._stats),
        )
        self._nonrobust_centred = cov_c  # V' of V = T V' Tᵀ, for x̃ᵀ V x̃
        cov: FloatArray = centred.covariance(cov_c)
        return cov

    @cached_property
    def _cov_nonrobust(self) -> FloatArray:
        centred = self._centred_cov()
        if centred is not None:
            return centred
        kept = ~self._aliased
        names = self._obj_names()
        dropped = {names[j] for j in np.flatnonzero(self._aliased)}
        constant = [c for c in self._constant_columns if c not in dropped]
        separation = getattr(self, "separation", None)
        try:
            cov_kk, self.rcond = invert_information(
                self._information[np.ix_(kept, kept)],
                [n for n, keep in zip(names, kept, strict=True) if keep],
                constant_columns=constant,
                capacity=self._capacity[kept],
                singular=singular_limit(self._stats),
                scale=self._column_rms()[kept],
                far_from_zero=self._far_from_zero(names),
                separated=separation if separation in SEPARATED_OR_SUSPECTED else None,
            )
            if self._unreduced:  # exactly singular, yet above the rank checks
                raise CollinearityError(
                    "the information matrix without the aliased columns is "
                    "singular",
                    [n for n, keep in zip(names, kept, strict=True) if keep],
                )
        except CollinearityError as exc:
            if separation is None or exc.reason != "dependent":
                raise
            state = (
                "looks separated (fitted logits beyond ±30)"
                if separation == "suspected"
                else f"is separated ({separation})"
            )
            raise CollinearityError(
                f"{exc} The fit {state}: the rows it fits "
                "with probabilities near 0 or 1 carry next to no information, "
                "too little to tell every exact dependency (R's aliased "
                "columns) from the rest; once they are dropped, penalty='firth' "
                "gives finite estimates and standard errors under separation.",
                exc.columns,
                exc.reason,
            ) from None
        cov = np.zeros(self._information.shape)
        cov[np.ix_(kept, kept)] = cov_kk
        return cov

    def _displayed(self, values: FloatArray) -> FloatArray:
        """``values`` (objective order, vector or matrix) in display order,
        NaN at the aliased parameters."""
        perm = self._perm
        nan = self._aliased[perm]
        if values.ndim == 1:
            out = values[perm].astype(np.float64, copy=True)
            out[nan] = np.nan
            return out
        out = values[np.ix_(perm, perm)].astype(np.float64, copy=True)
        out[nan, :] = np.nan
        out[:, nan] = np.nan
        return out

    def _refuse_aliased(self, what: str) -> None:
        if self.aliased:
            raise InvalidParameterError(
                f"{what} is not available with aliased columns "
                f"({aliased_list(self.aliased)}: not defined because of "
                "singularities); "
                "refit without them for profile likelihoods"
            )
