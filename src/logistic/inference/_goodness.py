"""Goodness of fit: the Hosmer–Lemeshow test and the deviance and Pearson tests.

Conventions (owned here):

* **Hosmer–Lemeshow** (Hosmer & Lemeshow 1980): the rows are put into ``g``
  groups (default 10) by quantiles of the fitted probability ``p̂``; with
  ``n_k`` the (weighted) number of rows of group ``k``, ``O_k`` its observed
  events and ``E_k = Σ s p̂`` its expected events,

      HL = Σ_k (O_k - E_k)² / (E_k (1 - E_k / n_k))

  which equals the Pearson χ² of the g × 2 table of observed and expected
  events and non-events; ``df = g - 2`` and ``p = P(χ²(df) > HL)``
  (:func:`~logistic.inference._hypothesis.chi2_sf`). ``E_k`` and the
  expected non-events ``n_k - E_k`` are sums of ``s p̂`` and ``s (1 - p̂)``
  over the rows (no cancellation in ``n_k - E_k`` when ``p̂`` is near 1).
* **Groups of fitted probability exactly 0 or 1.** When every ``p̂`` of a
  group is exactly 0 (``E_k = 0``) or exactly 1 (``E_k = n_k``), the
  group's variance ``E_k (1 - E_k / n_k)`` is 0 and its term is ``0/0`` as
  written (R's ``ResourceSelection::hoslem.test``, which sums ``(O - E)² /
  E`` over the cells, returns NaN there). Such a group is decided by its
  limit as its probabilities approach 0 (or 1): when ``O_k = E_k`` (no event
  in a group of ``p̂ = 0``, no non-event in one of ``p̂ = 1``) the term is
  ``(O - E)² / var`` with ``O - E = -E`` (or ``n - E``), which tends to 0,
  so it contributes 0 (DescTools' ``HosmerLemeshowTest`` drops the 0/0
  cells, the same value); when ``O_k ≠ E_k`` the model gives observed rows
  probability 0, the term tends to infinity, and the statistic is ``inf``
  with ``p = 0`` (the data are impossible under the fitted probabilities).
  ``df`` still counts the group (as DescTools does), so probabilities that
  reach 0 or 1 give the test of probabilities that come close to them.
  Probabilities of exactly 0 or 1 come from (quasi-)separated fits (a logit
  above about 37 rounds ``σ`` to 1, below about -745 to 0; R's glm warns
  "fitted probabilities numerically 0 or 1 occurred"), whose estimates are
  not maximum-likelihood ones, and such groups carry no variance: the
  ``χ²(g - 2)`` reference, derived for fitted probabilities away from 0 and
  1 (expected counts not small), is then doubtful. The result's ``note``
  says so, naming the groups, and a :class:`PerfectSeparationWarning` is
  issued. A NaN is never returned.
* **Grouping rule.** Group ``k`` holds the rows with ``c_{k-1} < p̂ ≤ c_k``
  for cut points ``c_k`` (so tied ``p̂`` always share a group); empty groups
  are dropped. The cut points are quantiles of ``p̂``:

  - ``method="stata"`` (default), Stata's ``estat gof, group(g)`` (groups of
    ``xtile``): ``c_k`` is the ``k/g`` quantile by ``_pctile``'s definition:
    with ``W_i`` the cumulative weight of the sorted rows and ``P = W k/g``,
    ``c_k = p̂_(i)`` for the first ``i`` with ``W_i ≥ P``, averaged with
    ``p̂_(i+1)`` when ``W_i = P`` exactly. ``df = g' - 2`` with ``g'`` the
    groups that are not empty.
  - ``method="r"``, R's ``ResourceSelection::hoslem.test(y, fitted, g)``:
    the breaks are ``unique(quantile(p̂, seq(0, 1, 1/g)))`` (R's default
    type-7 quantiles, linear interpolation) and ``cut(..., include.lowest =
    TRUE)``; as ``hoslem.test`` does, ``df = g - 2`` with the ``g`` asked
    for, even when tied breaks leave fewer groups.

  Sample weights are frequency weights in both rules: a row of weight 2
  counts as two rows, in the quantiles and in the counts (Stata's
  ``fweight``; type-7 quantiles of the rows repeated).
* **On any backend.** The test needs every row's ``(y, p̂, s)``: one pass
  over the data (:func:`fitted_pairs`, a ``map_reduce`` whose block results
  are added by concatenation) collects them, 24 bytes a row, never the
  features. It therefore runs on arrays, files streamed out of core and Dask
  partitions alike, as long as the three columns fit in memory.
* **Deviance and Pearson tests** (:func:`goodness_of_fit`) are meaningful
  only for grouped binomial data (``fit(X, successes, trials=n)``) with
  enough trials per group: then ``D`` and ``X²`` are each approximately
  ``χ²(df_resid)`` under the model. For 0/1 responses they are not: the
  number of cells grows with the data, and the deviance of a 0/1 logistic
  fit depends on the responses only through the fitted probabilities
  (``D = -2 Σ s [p̂ logit p̂ + log(1 - p̂)]``), so it carries no information
  about fit; the result then holds no p-value, only a note saying so.
* **Printed p-values** (``str`` of either result) follow the coefficient
  table's rule (:func:`logistic.inference._cell_text.pvalue_text`: 4 decimals, 3
  significant digits below 0.001, ``< 2e-16`` below that, so a p-value that
  underflows to 0 is never printed as ``p = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from .. import _kernels_xp, _math
from .._exceptions import InvalidParameterError, PerfectSeparationWarning, warn
from .._objective import block_logits
from .._typing import Block, FloatArray
from ._cell_text import pvalue_text
from ._hl_groups import TooManyGroups, check_groups, r_cuts, stata_cuts
from ._hypothesis import chi2_sf

__all__ = [
    "GoodnessOfFit",
    "HosmerLemeshowResult",
    "fitted_pairs",
    "goodness_of_fit",
    "hosmer_lemeshow",
]

F64 = np.float64
HL_METHODS = ("stata", "r")

GROUPED_HL = (
    "the inference of a grouped binomial fit (trials=) keeps no rows for the "
    "Hosmer-Lemeshow test: logistic.inference.hosmer_lemeshow(successes / trials, "
    "model.predict_proba(X)[:, 1], trials) gives it on the trials (as logistic "
    "evaluate), goodness_of_fit() the deviance and Pearson tests"
)
BINARY_NOTE = (
    "the deviance and Pearson goodness-of-fit tests need grouped binomial data "
    "(fit with trials=): with 0/1 responses their chi2(df_resid) reference does "
    "not hold (the deviance depends on the responses only through the fitted "
    "probabilities); use hosmer_lemeshow()"
)


# -- the (y, p, s) columns of every row, by blocks ------------------------------------
class _Pairs:
    """Labels, fitted probabilities and weights of some blocks; ``+`` appends.

    A block function's result for ``backend.map_reduce``: adding two keeps
    the pieces in block order (list concatenation, no copy of the arrays),
    so the left fold of a pass costs nothing per row; :meth:`arrays` joins
    them once.
    """

    def __init__(self, pieces: list[tuple[FloatArray, FloatArray, FloatArray]]):
        self.pieces = pieces

    def __add__(self, other: _Pairs) -> _Pairs:
        return _Pairs(self.pieces + other.pieces)

    @property
    def nbytes(self) -> int:
        """Bytes held (what the Dask backend reports as sent to the client)."""
        return sum(a.nbytes + b.nbytes + c.nbytes for a, b, c in self.pieces)

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        if not self.pieces:
            empty = np.empty(0)
            return empty, empty, empty
        y, p, s = (np.concatenate(cols) for cols in zip(*self.pieces, strict=True))
        return y, p, s


def _block_pairs(block: Block, w: FloatArray, b: float) -> _Pairs:
    z = block_logits(block, w, b)
    if _kernels_xp.is_device_array(z):  # array-API rows: n-vectors to the host
        block, z = _kernels_xp.host_vectors(block), _kernels_xp.to_numpy(z)
    z = np.asarray(z, dtype=F64)
    y = np.asarray(block.y, dtype=F64)
    s = (
        np.ones(block.n_rows)
        if block.sample_weight is None
        else np.asarray(block.sample_weight, dtype=F64)
    )
    return _Pairs([(y, _math.sigmoid(z).astype(F64, copy=False), s)])


def fitted_pairs(
    backend: Any, w: FloatArray, b: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(y, p̂, s)`` of every row of ``backend`` at ``(w, b)`` (one pass).

    Works on any backend (a block function and ``map_reduce``); holds three
    float64 columns of length ``n_samples``, no feature.
    """
    return backend.map_reduce(partial(_block_pairs, w=w, b=b)).arrays()  # type: ignore[no-any-return]


# -- Hosmer–Lemeshow ----------------------------------------------------------------
@dataclass(frozen=True)
class HosmerLemeshowResult:
    """The Hosmer–Lemeshow test and its table of groups.

    Attributes
    ----------
    statistic : float
        ``Σ (O - E)² / (E (1 - E/n))`` over the groups.
    df : int
        Degrees of freedom (see :mod:`logistic.inference._goodness` for
        each ``method``).
    pvalue : float
        ``P(χ²(df) > statistic)``.
    groups : int
        Groups in the table (non-empty ones).
    method : {"stata", "r"}
        The grouping rule.
    cut_points : ndarray of shape (groups,)
        Largest fitted probability of each group (Stata's ``Prob`` column).
    count, observed_1, expected_1, observed_0, expected_0 : ndarray of shape (groups,)
        Weighted rows, observed and expected events (1) and non-events (0).
    note : str or None
        Set when some group's fitted probabilities are all exactly 0 or 1:
        which groups, what they contribute (0, or an infinite statistic) and
        why the χ² reference is then doubtful (see the module docstring).
    requested : int or None
        The groups asked for (``groups=``); tied fitted probabilities can
        leave fewer non-empty ones (``groups``).
    """

    statistic: float
    df: int
    pvalue: float
    groups: int
    method: str
    cut_points: FloatArray = field(repr=False)
    count: FloatArray = field(repr=False)
    observed_1: FloatArray = field(repr=False)
    expected_1: FloatArray = field(repr=False)
    observed_0: FloatArray = field(repr=False)
    expected_0: FloatArray = field(repr=False)
    note: str | None = None
    requested: int | None = None

    def table(self) -> list[dict[str, float]]:
        """One dict a group: ``group``, ``prob`` (the cut point), ``obs_1``,
        ``exp_1``, ``obs_0``, ``exp_0``, ``total`` (Stata's ``table`` columns).
        ``group`` is an int, and so are the observed counts and totals when
        they are all whole numbers (unweighted or integer weights)."""
        counts = (self.observed_1, self.observed_0, self.count)
        whole = all(np.array_equal(c, np.round(c)) for c in counts)
        as_count = int if whole else float
        return [
            {
                "group": k + 1,
                "prob": float(self.cut_points[k]),
                "obs_1": as_count(self.observed_1[k]),
                "exp_1": float(self.expected_1[k]),
                "obs_0": as_count(self.observed_0[k]),
                "exp_0": float(self.expected_0[k]),
                "total": as_count(self.count[k]),
            }
            for k in range(self.groups)
        ]

    def to_dataframe(self) -> Any:
        """The table as a pandas DataFrame indexed by group (pandas optional)."""
        import pandas as pd

        return pd.DataFrame(self.table()).set_index("group")

    def __str__(self) -> str:
        text = (
            f"Hosmer-Lemeshow chi2({self.df}) = {self.statistic:.4f}, "
            f"{'p = 0' if np.isinf(self.statistic) else p_text(self.pvalue)} "
            f"({self.groups} groups, method={self.method!r})"
        )
        return text if self.note is None else f"{text}\nNote: {self.note}"


def _first_bad(values: FloatArray, ok: Any) -> str:
    """``"v at position i"`` for the first value that fails ``ok``."""
    i = int(np.flatnonzero(~ok)[0])
    return f"{float(values[i]):.6g} at position {i}"


def _check_unit(name: str, values: Any, what: str) -> FloatArray:
    """``values`` as a float64 vector of finite numbers in [0, 1]."""
    try:
        out = np.asarray(values, dtype=F64).ravel()
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"{name} must be numeric {what} in [0, 1]"
        ) from None
    ok = np.isfinite(out) & (out >= 0) & (out <= 1)
    if not np.all(ok):
        raise InvalidParameterError(
            f"{name} must be {what} in [0, 1]; got {_first_bad(out, ok)}"
        )
    return out


def _group_sums(group: Any, values: FloatArray, n_bins: int) -> FloatArray:
    return np.asarray(np.bincount(group, weights=values, minlength=n_bins), F64)


def hosmer_lemeshow(
    y: Any,
    proba: Any,
    sample_weight: Any = None,
    *,
    groups: int = 10,
    method: str = "stata",
) -> HosmerLemeshowResult:
    """The Hosmer–Lemeshow goodness-of-fit test of fitted probabilities.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Observed 0/1 labels (or proportions in [0, 1], with ``sample_weight``
        the trials).
    proba : array-like of shape (n_samples,)
        Fitted probabilities of label 1.
    sample_weight : array-like of shape (n_samples,), optional
        Frequency weights.
    groups : int, default=10
        Number of quantile groups ``g``: at least 3, and at most the number
        of observations (rows of positive weight, or their total weight where
        larger) or 10, whichever is larger (fewer rows leave groups empty).
    method : {"stata", "r"}, default="stata"
        The grouping rule: Stata's ``estat gof, group(g)`` or R's
        ``ResourceSelection::hoslem.test`` (see the module docstring).

    Returns
    -------
    HosmerLemeshowResult
        Its ``note`` is set when a group's fitted probabilities are all
        exactly 0 or 1: such a group adds 0 when its observed counts equal
        the expected ones, and makes the statistic infinite (p = 0)
        otherwise (see the module docstring).

    Warns
    -----
    PerfectSeparationWarning
        With that note: fitted probabilities of exactly 0 or 1 come from
        separated data, where the test's chi-square reference is doubtful.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 500)
    >>> y = (rng.uniform(size=500) < p).astype(float)
    >>> res = hosmer_lemeshow(y, p, groups=10)
    >>> res.df, res.groups
    (8, 10)
    """
    g = check_groups(groups)
    if method not in HL_METHODS:
        raise InvalidParameterError(
            f"method must be one of {list(HL_METHODS)}; got {method!r}"
        )
    y = _check_unit("y", y, "observed 0/1 labels or proportions")
    p = _check_unit("proba", proba, "probabilities")
    if p.size != y.size:
        raise InvalidParameterError(
            f"proba has {p.size} values and y has {y.size}; expected one a row"
        )
    if sample_weight is None:
        s = np.ones_like(p)
    else:
        s = np.asarray(sample_weight, dtype=F64).ravel()
        if s.size != y.size:
            raise InvalidParameterError(
                f"sample_weight has {s.size} values and y has {y.size}; "
                "expected one a row"
            )
        if not (np.all(np.isfinite(s)) and np.all(s >= 0)):
            raise InvalidParameterError(
                "sample_weight must be finite and >= 0; got "
                f"{_first_bad(s, np.isfinite(s) & (s >= 0))}"
            )
    keep = s > 0
    y, p, s = y[keep], p[keep], s[keep]
    if p.size == 0:
        raise InvalidParameterError(
            "the Hosmer-Lemeshow test needs rows of positive weight"
        )
    order = np.argsort(p, kind="stable")
    y, p, s = y[order], p[order], s[order]
    cum = np.cumsum(s)
    observations = max(p.size, float(cum[-1]))
    if g > max(observations, 10):  # groups that could not hold one each
        raise TooManyGroups(g, observations)
    cuts = stata_cuts(p, cum, g) if method == "stata" else r_cuts(p, cum, g)
    group = np.searchsorted(cuts, p, side="left")  # c_{k-1} < p <= c_k
    n_bins = cuts.size + 1
    count = _group_sums(group, s, n_bins)
    obs1 = _group_sums(group, s * y, n_bins)
    exp1 = _group_sums(group, s * p, n_bins)
    last = np.searchsorted(group, np.arange(n_bins), side="right") - 1
    used = count > 0
    top = p[last[used]]
    exp0 = _group_sums(group, s * (1.0 - p), n_bins)
    count, obs1, exp1, exp0 = count[used], obs1[used], exp1[used], exp0[used]
    n_groups = int(used.sum())
    if n_groups < 3:
        raise InvalidParameterError(
            f"the Hosmer-Lemeshow test needs at least 3 groups of distinct fitted "
            f"probabilities (df >= 1); proba has {np.unique(p).size} distinct "
            f"value(s), which make {n_groups} group(s)"
        )
    terms, note = _hl_terms(count, obs1, exp1, exp0)
    statistic = float(np.sum(terms))
    df = (n_groups if method == "stata" else g) - 2
    pvalue = float(chi2_sf(statistic, df))  # df >= 1: 3 groups or more
    if note is not None:
        warn(
            f"Hosmer-Lemeshow test: {note}",
            PerfectSeparationWarning,
        )
    return HosmerLemeshowResult(
        statistic,
        df,
        pvalue,
        n_groups,
        method,
        top,
        count,
        obs1,
        exp1,
        count - obs1,
        exp0,
        note,
        g,
    )


def _hl_terms(
    count: FloatArray, obs1: FloatArray, exp1: FloatArray, exp0: FloatArray
) -> tuple[FloatArray, str | None]:
    """Each group's ``(O - E)² / (E (1 - E/n))``, and the note on groups whose
    fitted probabilities are all exactly 0 or 1 (``E = 0`` or ``E = n``):
    their term is its limit, 0 when the observed counts equal the expected
    ones and infinite otherwise (see the module docstring)."""
    diff = obs1 - exp1
    zero, one = exp1 == 0, exp0 == 0
    events = zero & (obs1 != 0)  # events where every p̂ is 0
    non_events = one & (count - obs1 != 0)  # non-events where every p̂ is 1
    impossible = events | non_events
    with np.errstate(divide="ignore", invalid="ignore"):
        # (d/E1)(d/E0) n: no underflow of E1 E0 or d² for tiny expected counts
        terms = (diff / exp1) * (diff / exp0) * count
    terms = np.where(zero | one, np.where(impossible, np.inf, 0.0), terms)
    if not (zero | one).any():
        return terms, None
    present = [(mask, v) for mask, v in ((zero, 0), (one, 1)) if mask.any()]
    flat = [
        f"{_groups_named(np.flatnonzero(mask) + 1)} "
        + ("are " if k == 0 else "")
        + f"all exactly {v}"
        for k, (mask, v) in enumerate(present)
    ]
    note = (
        f"the fitted probabilities of {' and those of '.join(flat)} (the mark of "
        "a fit to separated or quasi-separated data, whose estimates are not "
        "maximum-likelihood ones). "
    )
    if impossible.any():
        held = [
            f"{_groups_named(np.flatnonzero(mask) + 1)} "
            f"hold{'' if mask.sum() > 1 else 's'} {what}"
            for mask, what in (
                (events, "events at probability 0"),
                (non_events, "non-events at probability 1"),
            )
            if mask.any()
        ]
        note += (
            f"{' and '.join(held).capitalize()}: outcomes the fitted "
            "probabilities make impossible, so the statistic is infinite and "
            "p = 0. "
        )
    else:
        several = int((zero | one).sum()) > 1
        note += (
            "Their observed counts equal the expected ones, so they add 0 "
            "(the limit of their terms). "
            if several
            else "Its observed counts equal the expected ones, so it adds 0 "
            "(the limit of its term). "
        )
    return terms, note + (
        "Such groups have no variance, and the test's chi-square reference "
        "assumes fitted probabilities away from 0 and 1: its p-value is doubtful"
    )


def _groups_named(numbers: Any) -> str:
    """``group 3`` or ``groups 1, 2``."""
    listed = ", ".join(str(int(k)) for k in numbers)
    return f"group{'s' if len(numbers) > 1 else ''} {listed}"


# -- deviance and Pearson tests -------------------------------------------------------
@dataclass(frozen=True)
class GoodnessOfFit:
    """Deviance and Pearson χ² goodness-of-fit tests of a fit.

    For grouped binomial fits every field is a number; for 0/1 responses the
    statistics and p-values are None and ``note`` says why (see the module
    docstring).

    Attributes
    ----------
    deviance, pearson_chi2 : float or None
    df_resid : float
    deviance_pvalue, pearson_pvalue : float or None
        ``P(χ²(df_resid) > statistic)``.
    grouped : bool
    note : str or None
    """

    deviance: float | None
    deviance_pvalue: float | None
    pearson_chi2: float | None
    pearson_pvalue: float | None
    df_resid: float
    grouped: bool
    note: str | None = None

    def __str__(self) -> str:
        if not self.grouped:
            return f"Goodness of fit: {self.note}"
        df = f"{self.df_resid:g}"
        if self.deviance_pvalue is None or self.pearson_pvalue is None:
            return (
                f"Deviance {self.deviance:.4f}, Pearson chi2 "
                f"{self.pearson_chi2:.4f}: {self.note}"
            )
        return (
            f"Deviance {self.deviance:.4f} on {df} df, "
            f"{p_text(self.deviance_pvalue)}; Pearson chi2 {self.pearson_chi2:.4f} "
            f"on {df} df, {p_text(self.pearson_pvalue)}"
        )


def p_text(p: float) -> str:
    """``p = 0.0123``, ``p = 4.56e-09`` or ``p < 2e-16``: a p-value as the
    coefficient table prints it (:func:`._cell_text.pvalue_text`), after ``p``."""
    shown = pvalue_text(p)
    return f"p < {shown[1:]}" if shown.startswith("<") else f"p = {shown}"


def goodness_of_fit(
    deviance: float, pearson_chi2: float, df_resid: float, grouped: bool
) -> GoodnessOfFit:
    """The deviance and Pearson tests on ``df_resid`` degrees of freedom
    (grouped data), or a result with only the note (0/1 data)."""
    if not grouped:
        return GoodnessOfFit(
            None, None, None, None, float(df_resid), False, BINARY_NOTE
        )
    note = None
    if df_resid <= 0:
        note = f"df_resid = {df_resid:g}: no residual degrees of freedom to test"
    return GoodnessOfFit(
        float(deviance),
        float(chi2_sf(deviance, df_resid)) if df_resid > 0 else None,
        float(pearson_chi2),
        float(chi2_sf(pearson_chi2, df_resid)) if df_resid > 0 else None,
        float(df_resid),
        True,
        note,
    )
