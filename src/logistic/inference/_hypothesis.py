"""Wald and likelihood-ratio tests, and the parser for linear hypotheses.

Conventions (owned here):

* A linear hypothesis is ``R β = q`` with β in display order (intercept first,
  then the features, as ``params``): a matrix ``R`` (a 1-D array is one row)
  with optional ``q`` (default zeros), or text read by
  :func:`._hypothesis_text.parse_constraints` (its conventions there).
* Wald statistic ``W = (Rβ̂ - q)ᵀ (R V Rᵀ)⁺ (Rβ̂ - q)`` with ``V`` the
  covariance of the chosen ``cov_type`` (a Firth fit far from 0: ``R V Rᵀ``
  computed in its centred coordinates, ``form`` of
  :func:`._prediction_interval.sandwich`); ``W ~ χ²(r)``, r = rank of
  ``R V Rᵀ`` (statsmodels ``wald_test(..., use_f=False)``). The rank is
  counted on the correlation form ``D^-½ R V Rᵀ D^-½`` (D its diagonal), so
  the scale of the terms does not matter: eigenvalues below ``1e-10`` times
  the largest are zero. It is below the number of restrictions when ``V`` is
  rank deficient, e.g. a cluster covariance from G clusters has rank at most
  G - 1; then ``⁺`` is the Moore-Penrose inverse of ``R V Rᵀ`` truncated to
  that rank (statsmodels' ``pinv``), and a NumericalStabilityWarning names
  the rank.
* Likelihood-ratio statistic ``2 (ℓ_full - ℓ_restricted) ~ χ²(Δk)``, Δk the
  difference in the number of parameters (statsmodels
  ``compare_lr_test``). For Firth fits both log-likelihoods are the penalized
  ones ``ℓ + ½ log det I`` (logistf's penalized likelihood ratio).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np

from .._constraints import as_float64
from .._exceptions import InvalidParameterError, NumericalStabilityWarning, warn
from .._messages import name_list
from .._typing import FloatArray
from ._aliased import aliased_list
from ._distributions import chi2_sf
from ._hypothesis_text import _TERMS_SHOWN, parse_constraints
from ._same_data import check_same_observations

__all__ = [
    "LRTestResult",
    "TermTests",
    "WaldTestResult",
    "parse_constraints",
    "wald_test",
]


_RANK_RTOL = 1e-10
#: The start of :func:`wald_test`'s warning that ``R cov Rᵀ`` has less than
#: full rank (a caller that only reads a test's rows holds it back by it:
#: :func:`logistic._exceptions.held_back`).
RANK_WARNING = "covariance of constraints does not have full rank"

#: The class of the tests a :class:`TermTests` holds.
_Test = TypeVar("_Test")


class TermTests(dict[str, _Test], Generic[_Test]):
    """``{term: WaldTestResult}`` (``wald_test_terms``) or ``{term:
    LRTestResult}`` (``lr_test_terms``); an unknown term is a KeyError naming
    it and the known terms. Generic in the test's class, so that a type
    checker knows what ``items()`` gives."""

    def __missing__(self, key: Any) -> Any:
        known = name_list(list(self), "terms", shown=_TERMS_SHOWN)
        raise KeyError(f"no term {key!r} in these tests; they test {known}")


class WaldTestResult(NamedTuple):
    """Result of a Wald test of ``R β = q``.

    Attributes
    ----------
    statistic : float
        χ² statistic.
    pvalue : float
    df : int
        Rank of ``R V Rᵀ``: the number of restrictions (rows of R) unless the
        covariance is rank deficient.
    R : ndarray of shape (df, k)
    q : ndarray of shape (df,)
    """

    statistic: float
    pvalue: float
    df: int
    R: FloatArray
    q: FloatArray

    def __str__(self) -> str:
        return (
            f"<Wald test (chi2): statistic={self.statistic:.6g}, "
            f"p-value={self.pvalue:.6g}, df={self.df}>"
        )


class LRTestResult(NamedTuple):
    """Result of a likelihood-ratio test of nested models.

    Attributes
    ----------
    statistic : float
        ``2 (ℓ_full - ℓ_restricted)``.
    pvalue : float
    df : int
        Difference in the number of parameters.
    """

    statistic: float
    pvalue: float
    df: int

    def __str__(self) -> str:
        return (
            f"<Likelihood ratio test (chi2): statistic={self.statistic:.6g}, "
            f"p-value={self.pvalue:.6g}, df={self.df}>"
        )


def _numbers(value: Any, what: str) -> FloatArray:
    """``value`` as a float64 array, or the error saying ``what`` it must be
    (a ragged nesting, such as statsmodels' ``(R, q)`` tuple, or values that
    are no numbers)."""
    try:  # an integer beyond float64 (10**400): inf, refused naming where
        return as_float64(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"{what}; got a {type(value).__name__} that is no array of numbers "
            "(statsmodels' wald_test((R, q)) is wald_test(R, q) here)"
        ) from None


def _check_finite(R: FloatArray, q: FloatArray, names: list[str]) -> None:
    """Refuse a NaN or infinite entry of ``R`` or ``q``, naming where (it would
    give a NaN or infinite statistic, or a failed SVD in the rank check)."""
    for what, values in (("R", R), ("q", q)):
        bad = np.argwhere(~np.isfinite(values))
        if bad.size:
            at = tuple(int(v) for v in bad[0])
            column = f", column {names[at[1]]!r}" if what == "R" else ""
            raise InvalidParameterError(
                f"{what} must hold finite numbers; got {values[at]} in restriction "
                f"{at[0]} (0-based){column}"
            )


def restrictions(
    params: FloatArray, R: Any, q: Any, names: list[str]
) -> tuple[FloatArray, FloatArray]:
    """``(R, q)`` of a hypothesis given as text or as a matrix and optional
    ``q`` (see module docs), checked: one column per parameter, one ``q`` a
    row, finite numbers, and no restriction on an aliased coefficient (NaN
    in ``params``)."""
    k = params.shape[0]
    if isinstance(R, str) or (
        isinstance(R, (list, tuple)) and R and isinstance(R[0], str)
    ):
        if q is not None:
            raise InvalidParameterError(
                "give q inside the text hypothesis, not separately"
            )
        R, q = parse_constraints(R, names)
    what = "R must be text or a matrix of numbers, one column per parameter"
    R = np.atleast_2d(_numbers(R, what))
    if R.ndim != 2 or R.shape[1] != k:
        raise InvalidParameterError(
            f"R must have {k} columns (one per parameter, order {names}); "
            f"got shape {R.shape}"
        )
    q = (
        np.zeros(R.shape[0])
        if q is None
        else np.atleast_1d(_numbers(q, "q must be one number per restriction"))
    )
    if q.shape != (R.shape[0],):
        raise InvalidParameterError(
            f"q must have {R.shape[0]} entries; got shape {q.shape}"
        )
    _check_finite(R, q, names)
    aliased = np.any(R != 0, axis=0) & np.isnan(np.asarray(params, dtype=np.float64))
    if aliased.any():
        raise InvalidParameterError(
            f"the hypothesis involves "
            f"{aliased_list([names[j] for j in np.flatnonzero(aliased)])}, "
            "not estimable: aliased columns (not defined because of singularities, "
            "as R's NA) have no estimate to test"
        )
    return R, q


def wald_test(
    params: FloatArray,
    cov: FloatArray,
    R: Any,
    q: Any,
    names: list[str],
    form: Callable[[FloatArray], FloatArray] | None = None,
) -> WaldTestResult:
    """Wald χ² test of ``R β = q`` (``R`` a matrix or text; see module docs);
    warns when ``R cov Rᵀ`` has less than full rank (:func:`_pinv_rank`).
    ``form``: computes ``R cov Rᵀ`` of the full ``R`` in place of ``cov``
    (a Firth fit far from 0, in its centred coordinates:
    :func:`._prediction_interval.sandwich`)."""
    result = wald_test_quiet(params, cov, R, q, names, form)
    r = result.R.shape[0]
    if result.df < r:
        warn(
            f"{RANK_WARNING}: {r} constraints, "
            f"rank is {result.df} (e.g. a cluster covariance from G clusters has "
            f"rank at most G - 1); the test uses a pseudo-inverse and "
            f"df = {result.df}",
            NumericalStabilityWarning,
        )
    return result


def wald_test_quiet(
    params: FloatArray,
    cov: FloatArray,
    R: Any,
    q: Any,
    names: list[str],
    form: Callable[[FloatArray], FloatArray] | None = None,
) -> WaldTestResult:
    """:func:`wald_test` without its rank warning (``df`` below the rows of
    ``R`` says the rank fell short): for callers that decide themselves,
    such as a summary's note, and must not touch the process-wide warning
    filters (``warnings.catch_warnings`` is not thread-safe: a filter it
    sets holds for every thread meanwhile, and two overlapping uses can
    leave it installed for good)."""
    R, q = restrictions(params, R, q, names)
    if np.linalg.matrix_rank(R) < R.shape[0]:
        raise InvalidParameterError(
            "the restrictions (rows of R) are linearly dependent; "
            "drop the redundant ones"
        )
    params, cov = (
        np.asarray(params, dtype=np.float64),
        np.asarray(cov, dtype=np.float64),
    )
    used = np.any(R != 0, axis=0)
    Ru, params, cov = R[:, used], params[used], cov[np.ix_(used, used)]
    diff = Ru @ params - q
    inv, df = _pinv_rank(Ru @ cov @ Ru.T if form is None else form(R))
    stat = max(float(diff @ inv @ diff), 0.0)
    return WaldTestResult(stat, float(chi2_sf(stat, df)), df, R, q)


def _pinv_rank(V: FloatArray) -> tuple[FloatArray, int]:
    """``(V⁺, rank)`` of the symmetric ``V = R cov Rᵀ``: the rank counted on
    its correlation form, ``V⁺`` the Moore-Penrose inverse of ``V`` truncated
    to its ``rank`` largest eigenvalues (see module docs)."""
    V = 0.5 * (V + V.T)
    d = np.sqrt(np.clip(np.diag(V), 0.0, None))
    scale = np.where(d > 0, 1.0 / np.where(d > 0, d, 1.0), 0.0)
    corr = np.linalg.eigvalsh(V * np.outer(scale, scale))
    rank = int(np.sum(corr > _RANK_RTOL * max(float(corr.max()), 0.0)))
    w, U = np.linalg.eigh(V)
    keep = np.argsort(-np.abs(w))[:rank]
    inv = (U[:, keep] / w[keep]) @ U[:, keep].T
    return inv, rank


def warn_robust(what: str, cov_types: tuple[str, ...]) -> None:
    """Warn that ``what`` (a likelihood-ratio test or profile interval) reads
    the likelihood, whose variance a robust ``cov_types`` entry was chosen not
    to trust."""
    robust = sorted({c for c in cov_types if c != "nonrobust"})
    if robust:
        warn(
            f"{what} after cov_type={robust[0]!r}: the likelihood-ratio test "
            "assumes the model-based (nonrobust) variance and ignores the robust "
            "covariance (Stata's lrtest refuses here); use wald_test on the "
            "coefficients (or Wald intervals) for a robust test",
            UserWarning,
        )


def lr_test(
    llf_a: float,
    k_a: int,
    llf_b: float,
    k_b: int,
    nobs_a: float,
    nobs_b: float,
    cov_types: tuple[str, ...] = (),
    terms: tuple[list[str], list[str]] | None = None,
) -> LRTestResult:
    """LR test of two nested fits given their log-likelihoods and parameter counts.

    A robust or cluster ``cov_types`` entry warns: the likelihood-ratio
    statistic assumes the model's own variance (independent rows, correct
    likelihood), which a robust covariance was chosen not to trust; Stata's
    ``lrtest`` refuses after ``vce(robust)``. The robust test is
    ``wald_test`` of the extra coefficients. The fits' ``terms`` (names),
    when the smaller fit's are not a subset of the larger's, warn that
    nesting could not be confirmed from the names (the statistic's χ² law
    needs the smaller model to be a restriction of the larger). The check
    reads names only: it cannot see a nesting the names hide (a column
    renamed, or columns that are linear combinations of the larger fit's),
    so the warning says what was checked and claims nothing more.
    """

    check_same_observations(nobs_a, nobs_b)
    if k_a == k_b:
        raise InvalidParameterError(
            "both models have the same number of parameters; a likelihood-ratio test "
            "needs nested models with different numbers of parameters"
        )
    small, large = sorted(terms or ([], []), key=len)
    if terms is not None and not set(small) <= set(large):
        only = sorted(set(small) - set(large))[:5]
        warn(
            "lr_test could not confirm from the term names that the fits are "
            f"nested: {only} are terms of the smaller fit only. Its chi-squared "
            "p-value holds when the smaller model is a restriction of the larger "
            "(its columns combinations of the larger fit's, renamed or not), and "
            "not otherwise",
            UserWarning,
        )
    warn_robust("lr_test", cov_types)
    (ll_full, k_full), (ll_small, k_small) = sorted(
        [(llf_a, k_a), (llf_b, k_b)], key=lambda t: -t[1]
    )
    stat = 2.0 * (ll_full - ll_small)
    if stat < -1e-6 * max(1.0, abs(ll_full)):
        raise InvalidParameterError(
            f"the larger model has the smaller log-likelihood ({ll_full:.6g} < "
            f"{ll_small:.6g}): the models are not nested (or a fit did not converge)"
        )
    stat = max(stat, 0.0)
    df = k_full - k_small
    return LRTestResult(stat, float(chi2_sf(stat, df)), df)


def term_of(column: str) -> str:
    """The term a design column belongs to: ``x`` for a one-hot column
    ``x[T.level]`` or, coded with every level (``0 + C(x)``, ``C(x):a``),
    ``x[level]``; ``a:x`` for an interaction column ``a:x[T.level]`` (and
    ``x:z`` for ``x[T.u]:z[T.v]``), the column's own name otherwise. A part
    of an interaction runs to a ``:`` outside parentheses and levels; a level
    runs from the ``[`` after its factor's name to a ``]`` that ends the
    column or comes before a ``:``, so a level may hold any text (``:``,
    brackets: ``p[1]``, pandas' intervals ``(18, 25]``)."""
    return _term_parts(column)[0]


def _term_parts(column: str) -> tuple[str, bool]:
    """``(term, treatment)``: :func:`term_of`, and whether a part of the
    column is a treatment-coded level ``[T.…]`` (else only ``[level]`` parts,
    or none)."""
    heads, levels, i, n = [], [], 0, len(column)
    while True:
        depth, j = 0, i
        while j < n and not (depth == 0 and column[j] in "[:"):
            depth += (column[j] == "(") - (column[j] == ")")
            j += 1
        heads.append(column[i:j])
        if j < n and column[j] == "[":
            k = column.find("]", j + 1)
            while k != -1 and k + 1 < n and column[k + 1] != ":":
                k = column.find("]", k + 1)
            if k == -1 or j == i:  # no closing bracket, or no factor name
                return column, False
            levels.append(column[j + 1 : k])
            j = k + 1
        if j >= n:
            break
        i = j + 1  # column[j] is ':'
    if not levels:
        return column, False
    return ":".join(heads), any(level.startswith("T.") for level in levels)


def term_columns(names: list[str], estimable: Any = None) -> dict[str, list[int]]:
    """``{term: [column indices]}`` of :func:`term_of`, terms in the order of
    their first column, leaving out the columns ``estimable`` marks False.
    Columns whose only levels are ``[level]`` (every level coded: ``C(x)[a]``,
    ``C(x)[b]``) form a term where at least two share it; one alone keeps its
    name (a column named with units, ``weight[kg]``, is no factor)."""
    parts = [_term_parts(name) for name in names]
    full = Counter(term for (term, treatment), name in zip(parts, names, strict=True)
                   if term != name and not treatment)  # fmt: skip
    groups: dict[str, list[int]] = {}
    for j, (name, (term, treatment)) in enumerate(zip(names, parts, strict=True)):
        if term != name and not treatment and full[term] < 2:
            term = name
        if estimable is None or estimable[j]:
            groups.setdefault(term, []).append(j)
    return groups


def wald_test_terms(
    params: Any, cov: Any, names: list[str]
) -> TermTests[WaldTestResult]:
    """Per term, the joint Wald test that all its coefficients are 0 (R's
    ``car::Anova(type = 3, test = "Wald")``, Stata's ``testparm i.x``,
    statsmodels' ``wald_test_terms``): the columns of a term (:func:`term_of`:
    one-hot columns ``x[T.level]`` form the term ``x``, interaction columns
    with a one-hot part the interaction term, df = their number), every
    other column a term of its own (df 1); in the order of first appearance.
    Aliased (NA) columns are left out: a term is tested on the others."""
    estimable = ~np.isnan(np.asarray(params, dtype=np.float64))
    groups = term_columns(names, estimable)
    eye = np.eye(len(names))
    return TermTests(
        {
            term: wald_test(params, cov, eye[idx], None, names)
            for term, idx in groups.items()
        }
    )
