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
* Design columns that a formula made of its variables (an interaction
  ``a:b``, a transform ``I(...)``, ``np.log(...)``, ``center(...)``,
  ``scale(...)``, a full-rank level ``C(g)[2]``) get effects per column here
  (statsmodels' ``get_margeff``), with a ``UserWarning`` saying so: Stata's
  ``margins`` takes them per variable, through every term, which needs the
  formula (``logistic margins``; :mod:`logistic.tabular._formula_margins`).
* Data: ``"overall"`` sums over the training data given to
  ``inference(...)`` (one ``map_reduce`` pass: arrays, out-of-core files,
  Dask), ``dummy=True`` one more pass; ``"mean"`` needs no data (the column
  means kept at fit), except for the mean offset of a fit with an offset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError, warn
from .._number_text import numeric
from .._onehot import split_dummy_name
from .._typing import Block, FloatArray
from ._coef_table import covariance_label
from ._margins_results import MarginalEffects
from ._margins_sums import (
    Contrasts,
    MarginSums,
    binary_columns,
    margin_sums,
    offset_mean,
    weighted_median,
)
from ._prediction_interval import sandwich
from ._separation_notes import margins_separation

__all__ = [
    "METHODS",
    "MarginalEffects",
    "margin_source",
    "marginal_effects",
    "model_references",
    "with_references",
    "without_estimate",
]

F64 = np.float64
METHODS = ("dydx", "eyex", "dyex", "eydx")
ATS = ("overall", "mean", "median", "zero")
CATEGORICAL = ("levels", "columns")


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


def level_terms(names: list[str]) -> dict[str, str]:
    """The one-hot terms of features ``names`` that ``atexog`` sets by a level,
    each with an example key and level: ``{"C(rank)": "rank=2"}``."""
    terms, out = _terms(names), {}
    for term, cols in terms.items():
        key = _bare(term) if _term_of(_bare(term), terms) == term else term
        out[term] = f"{key}={split_dummy_name(names[cols[0]])[1]}"  # type: ignore[index]
    return out


def sets_a_level(key: Any, names: list[str]) -> bool:
    """Whether ``atexog`` key ``key`` names a one-hot term of ``names`` (set
    by its level: ``"C(rank)"`` or ``"rank"``), not a feature."""
    return key not in names and _term_of(key, _terms(names)) is not None


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
    number = numeric(value)
    if number is not None:
        for j, level in zip(cols, levels, strict=True):
            if numeric(level) == number:
                return j
    raise InvalidParameterError(
        f"atexog sets {term} to {value!r}, which is not one of the term's levels "
        f"with a column ({', '.join(levels)}); for its reference level set each "
        f"of {term}'s level columns to 0"
    )


def model_references(model: Any) -> dict[str, str]:
    """The reference level of each one-hot term of a model fitted on a
    DataFrame with text columns (its ``encoding_``, kind ``"columns"``), by
    the term's name (the column's)."""
    encoding = getattr(model, "encoding_", None)
    if not isinstance(encoding, Mapping) or encoding.get("kind") != "columns":
        return {}
    return {
        str(spec["name"]): str(spec["reference"])
        for spec in encoding.get("columns", [])
        if spec.get("kind") == "categorical" and "reference" in spec
    }


def _is_level(value: Any, level: str) -> bool:
    """Whether ``value`` names the level ``level`` (as text, or as numbers
    when both are numbers)."""
    if str(value) == level:
        return True
    number = numeric(value)
    return number is not None and numeric(level) == number


def with_references(
    point: Any, names: list[str], references: Mapping[str, str]
) -> Any:
    """``point`` (an ``atexog`` mapping) with a one-hot term set to its
    reference level (which has no column) written as each of the term's level
    columns at 0; a value that is none of the term's levels is refused,
    listing them (the reference first)."""
    if not isinstance(point, Mapping):
        return point  # refused by _atexog, which names what it expects
    terms = _terms(names)
    out: dict[Any, Any] = {}
    reasons: dict[Any, str] = {}
    for key, value in point.items():
        term = None if key in names else _term_of(key, terms)
        ref = None if term is None else references.get(term, references.get(key))
        if term is not None and ref is not None:
            levels = [split_dummy_name(names[j])[1] for j in terms[term]]  # type: ignore[index]
            if any(_is_level(ref, level) for level in levels):
                # setting it would zero every column: another level's margin
                raise InvalidParameterError(
                    f"references names {ref!r} as the reference level of {term}, "
                    f"which has a column ({term}[T.{ref}]); the reference is the "
                    f"level without one (not {', '.join(levels)})"
                )
            if _is_level(value, ref):
                why = f"{key}={value!r}, {term}'s reference level, sets it to 0"
                for j in terms[term]:  # every level column 0
                    _put(out, reasons, names[j], 0.0, why)
                continue
            if not any(_is_level(value, level) for level in levels):
                shown = ", ".join([f"{ref} (the reference)", *levels])
                raise InvalidParameterError(
                    f"atexog sets {key} to {value!r}, which is not one of its "
                    f"levels ({shown})"
                )
        _put(out, reasons, key, value, f"{key!r} sets it to {value!r}")
    return out


def _put(
    out: dict[Any, Any], reasons: dict[Any, str], column: Any, value: Any, why: str
) -> None:
    """``out[column] = value``, refusing a column set twice to different
    values (``rank="1"``, the reference, with ``rank[T.3]=1``); ``reasons``
    says what set each column."""
    if column in out and not _is_level(value, str(out[column])):
        raise InvalidParameterError(
            f"atexog sets {column} twice: {reasons[column]}, and {why}"
        )
    out[column] = value
    reasons[column] = why


def _atexog(atexog: Any, names: list[str]) -> tuple[tuple[int, float], ...]:
    if atexog is None:
        return ()
    if not isinstance(atexog, Mapping):
        raise InvalidParameterError(
            "atexog must be a mapping {column name or index: value, or a list "
            "of values for a grid}, a list of such mappings, or None; "
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
        v = numeric(value)
        if v is None:
            raise InvalidParameterError(
                f"atexog[{key!r}] must be a number; got {value!r}"
            )
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


def _or_at_mean(results: Any) -> str:
    """The remedy ``at='mean'`` where it works without the training rows: not
    for a fit with an offset, whose mean offset needs them (:func:`_point`)."""
    if results._objective is None and results._stats.labels.has_offset:
        return ""
    return ", or use at='mean'"


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
                    f"the mean offset: {results._remedy}"
                )
            offset = offset_mean(data)
    else:
        rows = results._rows
        if rows is None:
            how = "" if results.grouped else ", as arrays"
            raise InvalidParameterError(
                "at='median' needs the training rows in memory (a median is not a "
                f"sum over blocks): {results._remedy}{how}" + _or_at_mean(results)
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


def without_estimate(values: FloatArray, cov: FloatArray, rows: Any) -> FloatArray:
    """``values`` with the entries ``rows`` marks as NaN, and those rows and
    columns of ``cov`` (in place) NaN: estimates that do not exist."""
    cov[rows, :] = np.nan
    cov[:, rows] = np.nan
    return np.asarray(np.where(rows, np.nan, values), dtype=np.float64)


def margin_source(results: Any, at: str, what: str) -> Any:
    """The rows that margins average over: the training data's backend
    (``at="overall"``), or the one row of ``at`` (a :class:`Block`,
    :func:`_point`); ``what`` names the averages in the refusals (``"effects"``,
    ``"predictions"``)."""
    if at != "overall":
        return _point(results, at)
    if results._objective is None and results.grouped:
        raise InvalidParameterError(
            "at='overall' averages over the training rows, which the inference of "
            "a grouped binomial fit (trials=) does not take: use at='mean' (no data "
            f"needed), or fit on the 0/1 rows for average {what}"
        )
    if results._objective is None:
        raise InvalidParameterError(
            "at='overall' averages over the training rows: call "
            "model.inference(X, y, sample_weight, offset) with the data given to "
            f"fit() (arrays or the backend){_or_at_mean(results)}"
        )
    return results._objective.data


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


#: Names formulaic gives columns made from variables (module docstring).
_MADE = re.compile(r"^(I|np\.\w+|center|scale)\(|\):|:\w|\w:|^C\(.*\)\[(?!T\.)")


def _made_by_formula(name: str) -> bool:
    """Whether a column's name is one :data:`_MADE` matches; of a one-hot
    column ``name[T.level]`` the name only (a level may hold ``:`` or ``(``,
    ``C(tok)[T.a:b]``, and is no interaction)."""
    parts = split_dummy_name(name)
    return bool(_MADE.search(name if parts is None else parts[0]))


def _warn_formula_columns(names: list[str]) -> None:
    made = [n for n in names if _made_by_formula(n)]
    if made:
        shown = ", ".join(made[:4]) + (", ..." if len(made) > 4 else "")
        warn(
            f"{shown} look like columns a formula made of its variables "
            "(interactions, transforms, full-rank levels): these effects are per "
            "design column, as statsmodels' get_margeff, not per variable through "
            "every term as Stata's margins; for a formula model file use "
            "'logistic margins', which takes them per variable",
            UserWarning,
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
    _warn_formula_columns(names)
    references = model_references(getattr(results, "model", None))
    values = _atexog(with_references(atexog, names, references), names)
    listed = (
        isinstance(dummy, Sequence)
        and not isinstance(dummy, (str, bytes))
        and len(dummy) > 0
    )
    if dummy is True or listed:
        check_discrete(method, at)
    source = margin_source(results, at, "effects")
    contrasts = _contrasts(_discrete(results, dummy, names), names, categorical, dummy)
    theta = np.asarray(results._theta, dtype=F64)
    fit_intercept = bool(results.fit_intercept)
    sums = margin_sums(source, theta, fit_intercept, method, values, contrasts)
    w = theta[: len(names)]
    effects, jac = _assemble(sums, w, theta.shape[0], method, contrasts)
    cov = sandwich(results, jac)  # centred where a Firth fit is far from 0
    aliased = np.asarray(getattr(results, "_aliased", np.zeros(0, bool)))[: len(names)]
    if aliased.any():  # no coefficient, no effect (R's NA; see _aliased)
        effects = without_estimate(effects, cov, aliased)
    return MarginalEffects(
        effects,
        cov,
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
        covariance=covariance_label(results),
        separation=margins_separation(results),
    )


def _count(nobs: Any) -> int | float:
    """``nobs`` as an int when it is a whole number (unweighted, or integer
    frequency weights)."""
    value = float(nobs)
    return int(value) if value.is_integer() else value
