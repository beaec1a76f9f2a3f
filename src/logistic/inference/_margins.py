"""Marginal effects of a logistic regression with delta-method standard errors.

Conventions (owned here; formulas in :mod:`._margins_sums`, a guide in
docs/marginal-effects.md):

* ``method``: ``"dydx"`` (``∂p/∂x``), ``"eyex"`` (elasticity
  ``∂ log p / ∂ log x``), ``"dyex"`` (``∂p / ∂ log x``), ``"eydx"``
  (``∂ log p / ∂x``), as statsmodels' ``get_margeff``.
* ``at``: ``"overall"`` averages the per-row effects over the training rows
  (average marginal effects, Stata ``margins, dydx(*)``) with frequency
  weights ``Σ s e_i / Σ s``; ``"mean"`` evaluates them at the weighted column
  means (and mean offset), ``"median"`` at the weighted medians (rows in
  memory), ``"zero"`` at ``x = 0`` (offset 0). ``atexog={column: value}``
  (a feature name or a 0-based feature index; statsmodels' integer keys also
  count its constant column) first sets those columns to the value on every
  row. A categorical term is set by its level, as Stata's ``at(rank=2)``:
  ``{"C(rank)": "2"}`` (the term as its one-hot columns ``C(rank)[T.2]``
  name it; ``{"rank": 2}`` also finds ``C(rank)``) sets that level's column
  to 1 and the term's other level columns to 0; ``{"C(rank)[T.2]": 1}``
  does the same, and a level column may otherwise only be set to 0. The
  reference level (no column) is every level column set to 0.
* ``dummy=True`` turns the effect of every 0/1 column (values 0 and 1 only,
  both present; one pass to find them) into the discrete change
  ``F(x_j = 1) - F(x_j = 0)``, ``F`` the probability (``dydx``) or its
  logarithm (``eydx``); ``"dyex"``/``"eyex"`` and ``at="median"/"zero"``
  are then refused, as in statsmodels. ``dummy`` may instead list the
  columns to treat so. Columns named ``name[T.level]`` (one-hot terms,
  :mod:`logistic._onehot`) are, with ``categorical="levels"`` (default),
  each level against the reference level with the term's other columns set
  to 0 (Stata's ``margins, dydx(i.term)``); with ``categorical="columns"``
  each column is a 0/1 dummy on its own, the other levels' columns kept
  (statsmodels' ``get_margeff(dummy=True)``).
* Standard errors: ``V_me = J V Jᵀ`` with ``V`` the results' covariance of
  its ``cov_type`` and ``J`` the analytic Jacobian of the (averaged) effects
  in every parameter, the intercept included.
* Data: ``"overall"`` sums over the training data given to
  ``inference(...)`` (one ``map_reduce`` pass: arrays, out-of-core files,
  Dask), ``dummy=True`` one more pass; ``"mean"`` needs no data (the column
  means kept at fit), except for the mean offset of a fit with an offset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._onehot import split_dummy_name
from .._typing import Block, FloatArray
from ._margins_sums import (
    Contrasts,
    MarginSums,
    binary_columns,
    margin_sums,
    offset_mean,
    weighted_median,
)
from ._order import display_order
from ._wald import WaldTable, wald_frame, wald_table

__all__ = ["METHODS", "MarginalEffects", "marginal_effects"]

F64 = np.float64
METHODS = ("dydx", "eyex", "dyex", "eydx")
ATS = ("overall", "mean", "median", "zero")
CATEGORICAL = ("levels", "columns")
#: Column header of each kind (statsmodels' ``summary_frame`` names).
LABELS = {
    "dydx": "dy/dx",
    "eyex": "d(lny)/d(lnx)",
    "dyex": "dy/d(lnx)",
    "eydx": "d(lny)/dx",
}
#: statsmodels' ``summary_frame`` names of the bounds (its spelling kept).
FRAME_BOUNDS = ("Conf. Int. Low", "Cont. Int. Hi.")


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = value.lower() if isinstance(value, str) else value
    if text not in allowed:
        raise InvalidParameterError(
            f"The {name!r} parameter must be one of {list(allowed)}. "
            f"Got {value!r} instead."
        )
    return str(text)


def _column(key: Any, names: list[str], what: str) -> int:
    """The feature index of ``key`` (a name, or a 0-based index)."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if 0 <= int(key) < len(names):
            return int(key)
        raise InvalidParameterError(
            f"{what} names column {int(key)}, but the model has {len(names)} "
            f"features (indices 0 to {len(names) - 1})"
        )
    if isinstance(key, str) and key in names:
        return names.index(key)
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    raise InvalidParameterError(
        f"{what} names {key!r}, which is not a feature of the model ({shown})"
    )


def _term_of(key: Any, terms: dict[str, list[int]]) -> str | None:
    """The one-hot term a key names: ``"C(rank)"`` itself, or ``"rank"`` for
    the term ``C(rank)`` (the formula's wrapper left out)."""
    if not isinstance(key, str) or not terms:
        return None
    if key in terms:
        return key
    wrapped = [t for t in terms if t.startswith("C(") and _bare(t) == key]
    return wrapped[0] if len(wrapped) == 1 else None


def _bare(term: str) -> str:
    """``rank`` for ``C(rank)`` or ``C(rank, Treatment(1))``."""
    inner = term[2:-1] if term.endswith(")") else term[2:]
    return inner.split(",", 1)[0].strip()


def _level_column(term: str, value: Any, cols: list[int], names: list[str]) -> int:
    """The column of ``term``'s level ``value`` (compared as text, or as
    numbers when both are numbers)."""
    levels = [split_dummy_name(names[j])[1] for j in cols]  # type: ignore[index]
    text = str(value)
    for j, level in zip(cols, levels, strict=True):
        if level == text:
            return j
    try:
        number = float(value)
        for j, level in zip(cols, levels, strict=True):
            if float(level) == number:
                return j
    except (TypeError, ValueError):
        pass
    raise InvalidParameterError(
        f"atexog[{term!r}] = {value!r} is not one of the term's levels with a "
        f"column ({', '.join(levels)}); for its reference level set each of "
        f"{term}'s level columns to 0"
    )


def _atexog(atexog: Any, names: list[str]) -> tuple[tuple[int, float], ...]:
    if atexog is None:
        return ()
    if not isinstance(atexog, Mapping):
        raise InvalidParameterError(
            "atexog must be a mapping {column name or index: value}; "
            f"got {type(atexog).__name__}"
        )
    terms = _terms(names)
    term_of_column = {j: t for t, cols in terms.items() for j in cols}
    out: dict[int, float] = {}

    def put(j: int, v: float, key: Any) -> None:
        if j in out and out[j] != v:
            raise InvalidParameterError(
                f"atexog sets {names[j]} to both {out[j]:g} and {v:g} (through {key!r})"
            )
        out[j] = v

    for key, value in atexog.items():
        term = None if key in names else _term_of(key, terms)
        if term is not None:
            chosen = _level_column(term, value, terms[term], names)
            for j in terms[term]:
                put(j, 1.0 if j == chosen else 0.0, key)
            continue
        j = _column(key, names, "atexog")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"atexog[{key!r}] must be a number; got {value!r}"
            ) from None
        if not np.isfinite(v):
            raise InvalidParameterError(
                f"atexog[{key!r}] must be finite; got {value!r}"
            )
        if j in term_of_column:
            if v not in (0.0, 1.0):
                raise InvalidParameterError(
                    f"atexog[{key!r}] sets a level column of {term_of_column[j]} "
                    f"to 0 or 1; got {value!r}"
                )
            if v == 1.0:  # this level on every row: the term's other columns 0
                for other in terms[term_of_column[j]]:
                    put(other, 1.0 if other == j else 0.0, key)
                continue
        put(j, v, key)
    return tuple(sorted(out.items()))


def _terms(names: list[str]) -> dict[str, list[int]]:
    """One-hot terms recognised from the names: term -> its column indices."""
    terms: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        parts = split_dummy_name(name)
        if parts is not None:
            terms.setdefault(parts[0], []).append(j)
    return terms


def _discrete(results: Any, dummy: Any, names: list[str]) -> list[int]:
    """The columns whose effect is a discrete change."""
    if dummy is True:
        data = None if results._objective is None else results._objective.data
        if data is None and results.grouped:
            raise InvalidParameterError(
                "dummy=True finds the 0/1 columns in the training rows, which the "
                "inference of a grouped binomial fit (trials=) does not take: list "
                "the 0/1 columns, dummy=[...]"
            )
        if data is None:
            raise InvalidParameterError(
                "dummy=True finds the 0/1 columns in the training data: call "
                "model.inference(X, y, ...) with the data given to fit(), or list "
                "the 0/1 columns, dummy=[...]"
            )
        return [int(j) for j in binary_columns(data)]
    if dummy is False or dummy is None:
        return []
    if isinstance(dummy, (str, bytes)) or not isinstance(dummy, Sequence):
        raise InvalidParameterError(
            "dummy must be True, False or a list of 0/1 columns (names or "
            f"indices); got {dummy!r}"
        )
    columns = sorted({_column(key, names, "dummy") for key in dummy})
    _check_binary(
        results, [j for j in columns if split_dummy_name(names[j]) is None], names
    )
    return columns


def _check_binary(results: Any, columns: list[int], names: list[str]) -> None:
    """Refuse listed dummy columns that are not 0/1: checked on the training
    data when given (one pass), else on the column moments kept at fit (a
    0/1 column has mean ``m`` in [0, 1] and variance ``m (1 - m)``)."""
    if not columns:
        return
    data = None if results._objective is None else results._objective.data
    if data is not None:
        binary = set(binary_columns(data).tolist())
        bad = [j for j in columns if j not in binary]
        how = "its values are not all 0 or 1 (both present)"
    else:
        m = np.asarray(results._stats.mean, dtype=F64)[columns]
        var = np.asarray(results._stats.std, dtype=F64)[columns] ** 2
        wrong = (m < 0) | (m > 1) | ~np.isclose(var, m * (1 - m), rtol=1e-6, atol=1e-12)
        bad = [j for j, w in zip(columns, wrong, strict=True) if w]
        how = "its mean and variance at fit are not those of a 0/1 column"
    if bad:
        raise InvalidParameterError(
            f"dummy lists {names[bad[0]]!r}, which is not a 0/1 column ({how}); "
            "a discrete change from 0 to 1 needs one: drop it from dummy="
        )


def _contrasts(
    columns: list[int], names: list[str], categorical: str, dummy: Any
) -> Contrasts:
    """Each discrete column's contrast (see :mod:`._margins_sums`)."""
    pairs = [([j], j) for j in columns]
    if categorical == "levels":
        terms = list(_terms(names).values())
        in_term = {j for cols in terms for j in cols}
        listed = set(columns)
        wanted = [cols for cols in terms if dummy is True or listed.intersection(cols)]
        pairs = [([j], j) for j in columns if j not in in_term]
        pairs += [(cols, j) for cols in wanted for j in cols]
    zeroed = np.zeros((len(names), len(pairs)), dtype=bool)
    for c, (cols, _) in enumerate(pairs):
        zeroed[cols, c] = True
    targets = [t for _, t in pairs]
    return Contrasts(zeroed, np.asarray(targets, dtype=np.intp))


def _point(results: Any, at: str) -> Block:
    """The row at which ``at`` evaluates the effects (weight 1)."""
    stats = results._stats
    data = None if results._objective is None else results._objective.data
    offset: float | None = None
    if at == "zero":
        x = np.zeros(stats.n_features)
    elif at == "mean":
        x = np.asarray(stats.mean, dtype=F64)
        if stats.labels.has_offset:
            if data is None:
                raise InvalidParameterError(
                    "at='mean' of a fit with an offset needs the training data for "
                    "the mean offset: call model.inference(X, y, sample_weight, "
                    "offset) with the data given to fit()"
                )
            offset = offset_mean(data)
    else:
        rows = results._rows
        if rows is None:
            raise InvalidParameterError(
                "at='median' needs the training rows in memory (a median is not a "
                "sum over blocks): call model.inference(X, y, ...) with arrays, or "
                "use at='mean'"
            )
        X = rows.X.toarray() if hasattr(rows.X, "toarray") else np.asarray(rows.X)
        n = X.shape[0]
        s = np.ones(n) if rows.sample_weight is None else np.asarray(rows.sample_weight)
        cols = [np.asarray(X, dtype=F64)]
        if rows.offset is not None:
            cols.append(np.asarray(rows.offset, dtype=F64)[:, None])
        med = weighted_median(np.hstack(cols), np.asarray(s, dtype=F64))
        x = med[: X.shape[1]]
        offset = float(med[-1]) if rows.offset is not None else None
    return Block(
        x[None, :], np.zeros(1), None, None if offset is None else np.array([offset])
    )


def _assemble(
    sums: MarginSums, w: FloatArray, k: int, method: str, contrasts: Contrasts
) -> tuple[FloatArray, FloatArray]:
    """Averaged effects ``(p,)`` and their Jacobian ``(p, k)`` (objective order)."""
    W = sums.weight
    if not W > 0:
        raise InvalidParameterError("marginal effects need rows of positive weight")
    p = w.shape[0]
    idx = np.arange(p)
    if method.endswith("ex"):
        effects = np.asarray(w * sums.g0 / W, dtype=F64)
        jac = w[:, None] * sums.g1 / W
        jac[idx, idx] += sums.g0 / W
    else:
        effects = np.asarray(w * sums.g0[0] / W, dtype=F64)
        jac = np.asarray(np.outer(w, sums.g1) / W, dtype=F64)
        jac[idx, idx] += sums.g0[0] / W
    for c, t in enumerate(contrasts.target):
        row = sums.change_jac[c].copy()
        row[np.flatnonzero(contrasts.zeroed[:, c])] = 0.0
        row[t] = sums.g1_level[c]
        effects[t] = sums.change[c] / W
        jac[t] = row / W
    return effects, jac


def check_discrete(method: str, at: str) -> None:
    """Refuse what discrete changes (``dummy``) do not allow, as statsmodels."""
    if method in ("dyex", "eyex"):
        raise InvalidParameterError(
            f"method={method!r} is not defined for discrete changes (dummy); "
            "use 'dydx' or 'eydx', or dummy=False"
        )
    if at in ("median", "zero"):
        raise InvalidParameterError(
            f"at={at!r} is not allowed with discrete changes (dummy), as in "
            "statsmodels; use at='overall' or 'mean'"
        )


def marginal_effects(
    results: Any,
    at: str = "overall",
    method: str = "dydx",
    atexog: Mapping[Any, float] | None = None,
    dummy: bool | Sequence[Any] = False,
    categorical: str = "levels",
) -> MarginalEffects:
    """Marginal effects of ``results`` (an ``InferenceResults``); see
    :meth:`InferenceResults.get_margeff` and the module docstring."""
    at = _choice("at", at, ATS)
    method = _choice("method", method, METHODS)
    categorical = _choice("categorical", categorical, CATEGORICAL)
    names = list(results.feature_names)
    values = _atexog(atexog, names)
    listed = (
        isinstance(dummy, Sequence)
        and not isinstance(dummy, (str, bytes))
        and len(dummy) > 0
    )
    if dummy is True or listed:
        check_discrete(method, at)
    if at == "overall":
        if results._objective is None and results.grouped:
            raise InvalidParameterError(
                "at='overall' averages over the training rows, which the inference "
                "of a grouped binomial fit (trials=) does not take: use at='mean' "
                "(no data needed), or fit on the 0/1 rows for average effects"
            )
        if results._objective is None:
            raise InvalidParameterError(
                "at='overall' averages over the training rows: call "
                "model.inference(X, y, sample_weight, offset) with the data given "
                "to fit() (arrays or the backend), or use at='mean'"
            )
        source: Any = results._objective.data
    else:
        source = _point(results, at)
    contrasts = _contrasts(_discrete(results, dummy, names), names, categorical, dummy)
    theta = np.asarray(results._theta, dtype=F64)
    fit_intercept = bool(results.fit_intercept)
    sums = margin_sums(source, theta, fit_intercept, method, values, contrasts)
    w = theta[: len(names)]
    effects, jac = _assemble(sums, w, theta.shape[0], method, contrasts)
    cov = jac @ results._cov @ jac.T
    return MarginalEffects(
        effects,
        0.5 * (cov + cov.T),
        jac,
        names=names,
        discrete=np.asarray(contrasts.target),
        levels=bool((contrasts.zeroed.sum(axis=0) > 1).any()),
        options={
            "method": method,
            "at": at,
            "atexog": {names[j]: v for j, v in values},
            "dummy": dummy,
            "categorical": categorical,
        },
        cov_type=results.cov_type,
        nobs=_count(results.nobs),
        fit_intercept=fit_intercept,
        pandas=results._pd,
    )


def _count(nobs: Any) -> int | float:
    """``nobs`` as an int when it is a whole number (unweighted, or integer
    frequency weights)."""
    value = float(nobs)
    return int(value) if value.is_integer() else value


class MarginalEffects:
    """Marginal effects with delta-method standard errors (statsmodels' names).

    Built by :meth:`InferenceResults.get_margeff`. Arrays are per feature in
    the model's order (no intercept); pandas Series/DataFrames indexed by
    feature name when the results are named.

    Attributes
    ----------
    margeff, margeff_se, zvalues (alias tvalues), pvalues : ndarray or Series
        Of shape (p,).
    margeff_cov : ndarray or DataFrame of shape (p, p)
        ``J V Jᵀ``.
    jacobian : ndarray of shape (p, k)
        ``∂ margeff / ∂ params`` in ``params`` order (intercept first).
    margeff_options : dict
        ``method``, ``at``, ``atexog`` (the value set of each column, by
        name; a term set by its level appears as its level columns),
        ``dummy``, ``categorical``.
    dummy_idx : ndarray of int or None
        Feature indices whose effect is a discrete change (None if none).
    names : list of str
    cov_type : str
    nobs : int or float
        An int when it is a whole number.
    """

    def __init__(
        self,
        effects: FloatArray,
        cov: FloatArray,
        jacobian: FloatArray,
        *,
        names: list[str],
        discrete: np.ndarray,
        levels: bool = False,
        options: dict[str, Any],
        cov_type: str,
        nobs: int | float,
        fit_intercept: bool,
        pandas: Any = None,
    ) -> None:
        self._effects = effects
        self._cov = cov
        perm = display_order(len(names), fit_intercept)
        self.jacobian = jacobian[:, perm]
        self.names = list(names)
        self.dummy_idx = np.sort(discrete) if discrete.size else None
        self._levels = levels
        self.margeff_options = options
        self.method = str(options["method"])
        self.at = str(options["at"])
        self.cov_type = cov_type
        self.nobs = nobs
        self._pd = pandas
        self._table = wald_table(effects, cov)

    def _series(self, values: FloatArray) -> Any:
        if self._pd is None:
            return values.copy()
        return self._pd.Series(values, index=list(self.names))

    @property
    def margeff(self) -> Any:
        """The effects, one per feature."""
        return self._series(self._effects)

    @property
    def margeff_cov(self) -> Any:
        """Delta-method covariance ``J V Jᵀ`` of the effects."""
        if self._pd is None:
            return self._cov.copy()
        return self._pd.DataFrame(self._cov, index=self.names, columns=self.names)

    @property
    def margeff_se(self) -> Any:
        """Standard errors ``sqrt(diag(J V Jᵀ))``."""
        return self._series(self._table.bse)

    @property
    def zvalues(self) -> Any:
        """``margeff / margeff_se``."""
        return self._series(self._table.zvalues)

    tvalues = zvalues

    @property
    def pvalues(self) -> Any:
        """Two-sided normal p-values ``2 Φ(-|z|)``."""
        return self._series(self._table.pvalues)

    def wald_table(self, alpha: float = 0.05) -> WaldTable:
        """The effects' :class:`~logistic.inference.WaldTable` (plain arrays)."""
        return wald_table(self._effects, self._cov, alpha)

    def conf_int(self, alpha: float = 0.05) -> Any:
        """``margeff ± z_{1-α/2} margeff_se``, shape (p, 2) (a DataFrame with
        columns 0, 1 when named)."""
        ci = self.wald_table(alpha).conf_int
        if self._pd is None:
            return ci
        return self._pd.DataFrame(ci, index=self.names, columns=[0, 1])

    def summary_frame(self, alpha: float = 0.05) -> Any:
        """A pandas DataFrame with statsmodels' columns: the kind's label
        (``dy/dx``, ...), ``Std. Err.``, ``z``, ``Pr(>|z|)``,
        ``Conf. Int. Low`` and ``Cont. Int. Hi.`` (statsmodels' spelling)."""
        label = LABELS[self.method]
        return wald_frame(
            self.wald_table(alpha),
            self.names,
            columns=(label, "Std. Err.", "z", "Pr(>|z|)", *FRAME_BOUNDS),
            caller="summary_frame()",
        )

    def summary(self, alpha: float = 0.05) -> str:
        """The table as text: effect, std err, z, P>|z| and the interval;
        discrete changes marked ``(d)``."""
        label, width, head = self._layout(alpha)
        lines = self._heading("Logistic regression marginal effects")
        values = self.margeff_options.get("atexog") or {}
        if values:
            lines.append(
                "Set on every row: "
                + ", ".join(f"{name}={v:g}" for name, v in values.items())
            )
        lines += ["=" * len(head), head, "-" * len(head)]
        lines += self._row_lines(self.wald_table(alpha), label, width)
        lines.append("=" * len(head))
        if self.dummy_idx is not None:
            lines.append(self._discrete_note())
        return "\n".join(lines)

    def _layout(self, alpha: float) -> tuple[list[str], int, str]:
        """The text table's row labels (discrete changes marked ``(d)``), their
        width and the header line."""
        marks = set() if self.dummy_idx is None else set(self.dummy_idx.tolist())
        label = [f"{n} (d)" if j in marks else n for j, n in enumerate(self.names)]
        width = max([len(s) for s in label] + [12])
        lo, hi = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        head = (
            f"{'':<{width}} {LABELS[self.method]:>13} {'std err':>10} {'z':>8} "
            f"{'P>|z|':>8} {lo:>10} {hi:>10}"
        )
        return label, width, head

    def _heading(self, title: str) -> list[str]:
        nobs = self.nobs if isinstance(self.nobs, int) else f"{self.nobs:.10g}"
        return [
            title,
            f"Method: {self.method}    At: {self.at}    Covariance: {self.cov_type}"
            f"    No. observations: {nobs}",
        ]

    @staticmethod
    def _row_lines(
        t: WaldTable, label: list[str], width: int, start: int = 0
    ) -> list[str]:
        """One line per label for entries ``start, start + 1, …`` of ``t``."""
        return [
            f"{name:<{width}} {t.params[i]:>13.6g} {t.bse[i]:>10.4g} "
            f"{t.zvalues[i]:>8.3f} {t.pvalues[i]:>8.3f} "
            f"{t.conf_int[i, 0]:>10.4g} {t.conf_int[i, 1]:>10.4g}"
            for i, name in enumerate(label, start)
        ]

    def _discrete_note(self) -> str:
        if self._levels:
            return (
                "(d) discrete change from 0 to 1; a level name[T.level] against the "
                "reference level, the term's other columns 0"
            )
        return "(d) discrete change of the column from 0 to 1"

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<MarginalEffects method={self.method!r}, at={self.at!r}, "
            f"cov_type={self.cov_type!r}, p={len(self.names)}>"
        )
