"""Whether two fits' inference results are of the same observations, for a
likelihood-ratio test between them.

Convention (owned here): a likelihood-ratio test is refused when the stored
statistics of the two fits show other data (other ``nobs``, label sums or
class totals, an offset in one only, other offsets (another null
log-likelihood), other counts of rows of positive weight, another weighted
mean of a column both name). Equal statistics
cannot prove the same data, but a difference proves other data (R's
``anova`` drops such a model, Stata's ``lrtest`` refuses).
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from .._exceptions import InvalidParameterError

__all__ = [
    "check_same_class_data",
    "check_same_data",
    "check_same_observations",
    "check_shared_means",
    "refuse_other_data",
]


def check_same_observations(nobs_a: float, nobs_b: float) -> None:
    """Refuse a likelihood-ratio test of fits of another ``nobs``."""
    if not np.isclose(nobs_a, nobs_b, rtol=1e-12, atol=0):
        refuse_other_data(f"nobs {nobs_a:g} vs {nobs_b:g}")


def refuse_other_data(differ: str) -> NoReturn:
    raise InvalidParameterError(
        f"the models were fitted on different data ({differ}); a likelihood-ratio "
        "test needs the same observations"
    )


def check_same_data(a: Any, b: Any) -> None:
    """Refuse a likelihood-ratio test of two binary fits' inference results
    whose stored statistics show other observations: other ``nobs``; other
    label sums ``Σ s y`` (other labels or weights); an offset in one fit
    only; other counts of rows of positive weight; or, where both fits named
    their columns, another weighted mean of a column both have (other rows
    or weights). Equal statistics cannot prove the same data, but a
    difference proves other data (R's ``anova`` drops such a model, Stata's
    ``lrtest`` refuses)."""
    check_same_observations(a.nobs, b.nobs)
    la, lb = a._stats.labels, b._stats.labels
    if not np.isclose(la.positive, lb.positive, rtol=1e-9, atol=0):
        refuse_other_data(
            "other labels or weights: Σ weight·y "
            f"{la.positive:.6g} vs {lb.positive:.6g}"
        )
    if la.has_offset != lb.has_offset:
        refuse_other_data("an offset in one only")
    if la.has_offset:
        _check_same_offsets(a, b)
    if np.isfinite(la.rows) and np.isfinite(lb.rows) and la.rows != lb.rows:
        refuse_other_data(f"rows of positive weight {la.rows:g} vs {lb.rows:g}")
    if a._labelled and b._labelled:  # columns named by position are not comparable
        check_shared_means(
            (a.feature_names, a._stats.mean), (b.feature_names, b._stats.mean)
        )


def _check_same_offsets(a: Any, b: Any) -> None:
    """Refuse two binary fits with offsets whose null models (the intercept
    and the offset, or the offset alone) have other log-likelihoods: on the
    same rows, weights and offsets the null model is the same fit, so a
    difference proves other offsets (``log(exposure)`` in one fit, another
    exposure or none scaled in the other), which the label sums and column
    means do not show. Skipped where the null models differ in kind (one
    with an intercept) or one needs rows its results do not hold."""
    kind_a = bool(a.fit_intercept or a.null_has_intercept)
    if kind_a != bool(b.fit_intercept or b.null_has_intercept):
        return
    try:
        null_a, null_b = float(a._llnull_kernel), float(b._llnull_kernel)
    except InvalidParameterError:  # a streamed fit's results without its rows
        return
    if not np.isclose(null_a, null_b, rtol=1e-8, atol=1e-8):
        null = "intercept and offset" if kind_a else "the offset alone"
        refuse_other_data(
            f"other offsets: the null model ({null}) has log-likelihood "
            f"{null_a:.10g} vs {null_b:.10g}"
        )


def check_same_class_data(a: Any, b: Any) -> None:
    """:func:`check_same_data` of two K-class fits' inference results: other
    ``nobs``, other class totals ``Σ s [y = k]`` (other labels or weights),
    other mean offsets (:func:`_check_class_offsets`), or, where both fits
    named their columns, another weighted mean of a column both have."""
    check_same_observations(a.nobs, b.nobs)
    ta, tb = a._stats.class_totals, b._stats.class_totals
    if not np.allclose(ta, tb, rtol=1e-9, atol=0):
        refuse_other_data(
            f"other labels or weights: class totals {ta.tolist()} vs {tb.tolist()}"
        )
    _check_class_offsets(a._stats.offset_mean, b._stats.offset_mean)
    if a._named and b._named:  # the features' names, the intercept aside
        check_shared_means((a._features, a._stats.mean), (b._features, b._stats.mean))


def _check_class_offsets(mean_a: Any, mean_b: Any) -> None:
    """Refuse two K-class fits whose weighted mean offsets (one a class,
    zeros without an offset) differ as contrasts to the first class: an
    offset in one fit only, or other offsets. Adding one number to every
    class's offset of a row changes no probability, and no contrast."""
    if mean_a is None or mean_b is None:  # a file written before they were kept
        return
    ca = np.asarray(mean_a, dtype=np.float64)
    cb = np.asarray(mean_b, dtype=np.float64)
    if ca.shape != cb.shape:
        return
    ca, cb = ca - ca[0], cb - cb[0]
    if not np.allclose(ca, cb, rtol=1e-9, atol=1e-12):
        refuse_other_data(
            "other offsets, or an offset in one only: mean offsets against the "
            f"first class {np.round(ca, 6).tolist()} vs {np.round(cb, 6).tolist()}"
        )


def check_shared_means(a: tuple[Any, Any], b: tuple[Any, Any]) -> None:
    """Refuse two fits' ``(names, weighted column means)`` whose means of a
    column both name differ (other rows, values or weights): the shared part
    of :func:`check_same_data` and the K-class check."""
    if a[1] is None or b[1] is None:
        return
    mean_b = dict(zip(b[0], b[1], strict=True))
    for name, ma in zip(a[0], a[1], strict=True):
        mb = mean_b.get(name)
        if mb is not None and not np.isclose(ma, mb, rtol=1e-9, atol=1e-12):
            refuse_other_data(
                f"column {name!r} has weighted mean {ma:.6g} vs {mb:.6g}: other "
                "rows, values or weights"
            )
