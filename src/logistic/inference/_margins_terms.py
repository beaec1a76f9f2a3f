"""Marginal effects of the variables a formula reads, through every term.

Convention (owned here; a guide in docs/marginal-effects.md): a model whose
design columns are functions of input variables (interactions ``age:smoke``,
transforms ``np.log(lwt)``, ``I(age ** 2)``, full-rank factor coding) gets
one effect per **variable**, as Stata's ``margins, dydx(*)`` on factor-variable
notation, never one per design column:

* a continuous variable ``v``: the derivative of the predicted probability
  with respect to the raw ``v``, every term that reads ``v`` following. The
  design's derivative ``D = ∂X/∂v`` is a central difference of the re-encoded
  design, ``(X(v + h) - X(v - h)) / (2h)`` with ``h = ε^{1/3} max(|v|, S)``
  per row, ``S`` the variable's typical size (the mean of ``|v|`` over the
  rows, 1 when that is 0), the step actually taken in floating point as the
  divisor. The step follows the variable's scale, so the result does not
  depend on its units: exact up to rounding for the polynomial and product
  terms; for a smooth transform ``g`` the truncation error is
  ``(h²/6) g'''/g'``, about ``ε^{2/3} (max(|v|, S)/|v|)²/3`` relative for
  ``np.log`` (a few 1e-11 for rows of the variable's usual size, checked
  against the exact chain rule at scales 1e-6 to 1e6). Where a term is not
  defined on both sides of ``v ± h`` (``np.log``, ``np.sqrt`` on a row far
  below ``S``), those rows whose step would cross 0 take ``h = ε^{1/3}
  |v|``; a term with no finite derivative at a row (``np.sqrt`` at 0) is
  refused, naming the variable. Everything after ``D`` is analytic: with ``a = D w``,
  ``f = σ(z)σ(-z)``, ``f' = f (σ(-z) - σ(z))`` the per-row effect is ``f a``
  (``dydx``), ``σ(-z) a`` (``eydx``), times ``v`` for ``dyex``/``eyex``; its
  derivative in ``θ = [w, b]`` is ``f' a x̃ + f D̃`` (``dydx``) or
  ``-f a x̃ + σ(-z) D̃`` (``eydx``) with ``x̃ = [x, 1]``, ``D̃ = [D, 0]``.
* a categorical variable: each level ``k`` but the reference (the first
  stored level) as the discrete change ``F(X_k) - F(X_ref)`` with the variable
  set to ``k`` and to the reference on every row, every other variable at its
  observed value; ``F = σ`` (``dydx``) or ``log σ`` (``eydx``); derivative
  ``G(z_k) x̃_k - G(z_ref) x̃_ref`` with ``G = f`` or ``σ(-z)``.
* ``dummy``: a numeric variable whose training values are 0 and 1 (both
  present) becomes the discrete change from 0 to 1 the same way.
* ``atexog={variable: value}`` sets the raw variable on every row first (all
  its terms follow); a categorical variable takes one of its levels.
* Averages over the training rows with frequency weights, ``Σ s e_i / Σ s``
  (``at="overall"``, Stata's default); the delta method ``J V Jᵀ`` with the
  exact ``J`` above. ``at="mean"/"median"/"zero"`` are refused (the means of
  a categorical variable are not a row).

The encoding of a frame is the caller's (``design(frame) -> X``), so this
module knows no formula grammar; :mod:`logistic.tabular._formula_margins`
supplies it. The effects on every class probability of a multinomial fit
share the rows and options (:func:`prepare`): :mod:`._multinomial_terms`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit, log_expit

from .._exceptions import DataValidationError, InvalidParameterError
from .._number_text import numeric
from .._typing import FloatArray
from ._coef_table import covariance_label
from ._estimable import Estimability, non_estimable, warn_non_estimable
from ._margins_results import MarginalEffects
from ._prediction_interval import sandwich
from ._separation_notes import margins_separation

__all__ = ["Prepared", "Variable", "design_slope", "prepare", "variable_effects"]

F64 = np.float64
#: Rows encoded at a time (bounds the re-encoded designs' memory).
BLOCK_ROWS = 65536
STEP = float(np.finfo(F64).eps) ** (1.0 / 3.0)


@dataclass(frozen=True)
class Variable:
    """An input variable of the formula: its data ``column``, the ``label``
    its rows are shown under (``age``, ``C(race)``) and, for a categorical
    variable, its ``levels`` (the first is the reference)."""

    column: str
    label: str
    levels: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class _Effect:
    """One row of the table: ``variable`` set to ``values[1]`` against
    ``values[0]`` (a discrete change), or differentiated (``values`` None)."""

    name: str
    variable: Variable
    values: tuple[Any, Any] | None


def _level(variable: Variable, value: Any, what: str) -> Any:
    """The stored level of ``variable`` that ``value`` names (as text, or as
    numbers when both are numbers)."""
    assert variable.levels is not None
    for level in variable.levels:
        if level == value and type(level) is type(value) or str(level) == str(value):
            return level
    number = numeric(value)
    if number is not None:
        for level in variable.levels:
            if not isinstance(level, (str, bool)) and numeric(level) == number:
                return level
    shown = ", ".join(str(v) for v in variable.levels)
    raise InvalidParameterError(
        f"{what}[{variable.column!r}] = {value!r} is not one of its levels ({shown})"
    )


def _set_values(
    atexog: Mapping[str, Any] | None, variables: list[Variable]
) -> dict[str, Any]:
    """``atexog`` checked: variable column -> the value put on every row."""
    if not atexog:
        return {}
    if not isinstance(atexog, Mapping):
        raise InvalidParameterError(
            f"atexog must be a mapping {{variable: value}}; got {type(atexog).__name__}"
        )
    by_name = {v.column: v for v in variables}
    by_name.update({v.label: v for v in variables if v.label not in by_name})
    out: dict[str, Any] = {}
    named: dict[str, Any] = {}  # the key that set each variable
    for key, value in atexog.items():
        variable = by_name.get(key)
        if variable is None:
            shown = ", ".join(v.column for v in variables)
            raise InvalidParameterError(
                f"atexog names {key!r}, which is not a variable of the formula "
                f"({shown}); a formula model's values are set on its variables, "
                "and every term that reads one follows"
            )
        if variable.levels is not None:
            chosen: Any = _level(variable, value, "atexog")
        else:
            chosen = numeric(value)
            if chosen is None or not np.isfinite(chosen):
                raise InvalidParameterError(
                    f"atexog[{key!r}] must be a finite number; got {value!r}"
                )
        if variable.column in out and out[variable.column] != chosen:
            first = named[variable.column]
            raise InvalidParameterError(
                f"atexog sets the variable {variable.column!r} twice: "
                f"{first!r}={out[variable.column]!r} and {key!r}={value!r}; give "
                "it one value"
            )
        out[variable.column] = chosen
        named[variable.column] = key
    return out


def _binary(values: Any) -> bool:
    try:
        x = np.asarray(values, dtype=F64)
    except (TypeError, ValueError):
        return False
    return bool(np.all((x == 0) | (x == 1)) and (x == 0).any() and (x == 1).any())


def _effects_of(variables: list[Variable], frame: Any, dummy: Any) -> list[_Effect]:
    """The table's rows: levels against the reference, 0/1 changes, slopes."""
    columns = [v.column for v in variables]
    if dummy is True:
        listed = {c for c, v in zip(columns, variables, strict=True)
                  if v.levels is None and _binary(frame[c])}  # fmt: skip
    elif dummy is False or dummy is None:
        listed = set()
    elif isinstance(dummy, (str, bytes)) or not isinstance(dummy, Sequence):
        raise InvalidParameterError(
            f"dummy must be True, False or a list of 0/1 variables; got {dummy!r}"
        )
    else:
        listed = set(dummy)
        for name in listed:
            if name not in columns:
                raise InvalidParameterError(
                    f"dummy lists {name!r}, which is not a variable of the formula "
                    f"({', '.join(columns)})"
                )
            if not _binary(frame[name]):
                raise InvalidParameterError(
                    f"dummy lists {name!r}, which is not a 0/1 variable (its values "
                    "are not all 0 or 1, both present): drop it from dummy="
                )
    out: list[_Effect] = []
    for v in variables:
        if v.levels is not None:
            ref = v.levels[0]
            out += [_Effect(f"{v.label}[T.{k}]", v, (ref, k)) for k in v.levels[1:]]
        elif v.column in listed:
            out.append(_Effect(v.label, v, (0.0, 1.0)))
        else:
            out.append(_Effect(v.label, v, None))
    return out


def _with(frame: Any, column: str, value: Any) -> Any:
    copy = frame.copy()
    if isinstance(value, np.ndarray):
        copy[column] = value
    else:
        copy[column] = [value] * len(copy)
    return copy


def encode(design: Callable[[Any], FloatArray], frame: Any, p: int) -> FloatArray:
    """``design(frame)`` as floats, refused unless it has ``frame``'s rows
    and the model's ``p`` columns (a formula that does not make the model's
    design)."""
    X = np.asarray(design(frame), dtype=F64)
    if X.shape != (len(frame), p):
        raise InvalidParameterError(
            f"the formula makes {X.shape[1]} columns, the model has {p}"
        )
    return X


def encode_at(
    design: Callable[[Any], FloatArray], frame: Any, values: Mapping[str, Any], p: int
) -> FloatArray:
    """:func:`encode` of ``frame`` with each raw variable in ``values`` (a
    point's settings, :func:`_set_values`) set on every row."""
    for column, value in values.items():
        frame = _with(frame, column, value)
    return encode(design, frame, p)


def typical_size(values: Any) -> float:
    """``S`` of the module docstring: the mean of ``|v|`` over the rows, 1
    when that is 0 or not finite (a variable that is 0 on every row)."""
    with np.errstate(all="ignore"):
        size = float(np.mean(np.abs(np.asarray(values, dtype=F64))))
    return size if np.isfinite(size) and size > 0 else 1.0


def _central(
    encode: Callable[[Any], FloatArray],
    frame: Any,
    column: str,
    v: FloatArray,
    h: FloatArray,
) -> FloatArray:
    """The central difference of the design in ``column`` with steps ``h``."""
    up, down = v + h, v - h
    change = encode(_with(frame, column, up)) - encode(_with(frame, column, down))
    return change / (up - down)[:, None]


def design_slope(
    encode: Callable[[Any], FloatArray], frame: Any, column: str, size: float
) -> tuple[FloatArray, FloatArray]:
    """``(v, D)``: the variable's values on the rows of ``frame`` and the
    design's derivative ``∂X/∂v`` by the central step of the module docstring
    (``size`` its ``S``)."""
    v = np.asarray(frame[column], dtype=F64)
    h = STEP * np.maximum(np.abs(v), size)
    try:
        return v, _central(encode, frame, column, v, h)
    except DataValidationError:
        pass  # a term undefined beyond 0 (np.log, np.sqrt) met a step crossing 0
    crossing = (np.abs(v) <= h) & (v != 0)
    h = np.where(crossing, STEP * np.abs(v), h)
    try:
        return v, _central(encode, frame, column, v, h)
    except DataValidationError:
        smallest = float(np.min(np.abs(v)))
        raise InvalidParameterError(
            f"the effect of {column!r} is a derivative on every row, and a term "
            f"that reads {column!r} is not finite on one side of some of its "
            f"values (the smallest |{column}| is {smallest:.6g}; e.g. np.sqrt at "
            "0, whose derivative is infinite there): refit without that term, or "
            "set the variable to another value on every row with atexog"
        ) from None


class _Block:
    """One block of rows: its design, logits and weights."""

    def __init__(
        self,
        frame: Any,
        design: Callable[[Any], FloatArray],
        theta: FloatArray,
        p: int,
        s: FloatArray,
        off: FloatArray | None,
        est: Estimability | None = None,
        unset: set[str] | None = None,
    ) -> None:
        self.frame, self.design, self.theta, self.p = frame, design, theta, p
        self.s, self.off = s, 0.0 if off is None else off
        self.est, self.unset = est, unset if unset is not None else set()
        self.X = self.encode(frame)
        self.z = self.logit(self.X)

    def estimable(self, effect: _Effect, *designs: FloatArray, way: bool = False) -> bool:  # noqa: E501
        """Whether every row of positive weight of ``designs`` is estimable
        (:mod:`._estimable`; ``way``: the rows are directions, a design
        derivative); if not, ``effect`` is noted in ``unset``."""
        used = self.s > 0
        for X in designs:
            if np.any(non_estimable(X, self.est, way) & used):
                self.unset.add(effect.name)
                return False
        return True

    def encode(self, frame: Any) -> FloatArray:
        return encode(self.design, frame, self.p)

    def logit(self, X: FloatArray) -> FloatArray:
        z = X @ self.theta[: self.p] + self.off
        return z + self.theta[self.p] if self.theta.shape[0] > self.p else z

    def tilde(self, X: FloatArray, one: float) -> FloatArray:
        if self.theta.shape[0] == self.p:
            return X
        return np.hstack([X, np.full((X.shape[0], 1), one)])

    def change(self, effect: _Effect, log: bool) -> tuple[float, FloatArray]:
        """Σ s (F(z₁) - F(z₀)) and its gradient in θ."""
        assert effect.values is not None
        col = effect.variable.column
        X0 = self.encode(_with(self.frame, col, effect.values[0]))
        X1 = self.encode(_with(self.frame, col, effect.values[1]))
        if not self.estimable(effect, X0, X1):
            return math.nan, np.full(self.theta.shape[0], math.nan)
        z0, z1 = self.logit(X0), self.logit(X1)
        if log:
            F0, F1 = log_expit(z0), log_expit(z1)
            G0, G1 = expit(-z0), expit(-z1)
        else:
            F0, F1 = expit(z0), expit(z1)
            G0, G1 = expit(z0) * expit(-z0), expit(z1) * expit(-z1)
        value = float(self.s @ (F1 - F0))
        grad = (self.s * G1) @ self.tilde(X1, 1.0) - (self.s * G0) @ self.tilde(X0, 1.0)
        return value, grad

    def slope(
        self, effect: _Effect, method: str, size: float
    ) -> tuple[float, FloatArray]:
        """Σ s e_i of a continuous variable's effect and its gradient in θ
        (``size`` the variable's ``S``)."""
        col = effect.variable.column
        v, D = design_slope(self.encode, self.frame, col, size)
        # the rows, and the direction the variable moves them in: an aliased
        # column that the variable changes (x:C(A)[T.c] where x is 0 on every
        # training row at A = c) leaves the slope undetermined there
        if not (self.estimable(effect, self.X) and self.estimable(effect, D, way=True)):
            return math.nan, np.full(self.theta.shape[0], math.nan)
        a = D @ self.theta[: self.p]
        s1, s0 = expit(self.z), expit(-self.z)
        f = s1 * s0
        if method.startswith("dy"):
            g0, g1 = f, f * (s0 - s1)
        else:
            g0, g1 = s0, -f
        c = v if method.endswith("ex") else np.ones_like(v)
        value = float(self.s @ (g0 * a * c))
        grad = (self.s * c * g1 * a) @ self.tilde(self.X, 1.0) + (
            self.s * c * g0
        ) @ self.tilde(D, 0.0)
        return value, grad


def _check_options(at: str, method: str, effects: list[_Effect]) -> None:
    """Refuse ``at`` other than overall (offering ``atexog``) and the
    elasticities of discrete changes."""
    if at != "overall":
        raise InvalidParameterError(
            f"at={at!r}: the effects of a formula's variables (through every term "
            "that reads them) are averaged over the training rows, at='overall'; "
            "set a variable's value on every row with atexog"
        )
    if method in ("dyex", "eyex") and any(e.values is not None for e in effects):
        raise InvalidParameterError(
            f"method={method!r} is not defined for discrete changes (a categorical "
            "variable's levels, dummy); use 'dydx' or 'eydx'"
        )


@dataclass
class Prepared:
    """What both the binary and the multinomial effects start from."""

    effects: list[_Effect]
    base: Any  # the frame with the atexog values set
    s: FloatArray
    off: FloatArray | None
    weight: float
    options: dict[str, Any]
    method: str
    sizes: dict[str, float]  # each continuous variable's S (module docstring)

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.effects]

    @property
    def discrete(self) -> np.ndarray:
        return np.asarray(
            [i for i, e in enumerate(self.effects) if e.values is not None], np.intp
        )

    def accumulate(self, make: Callable[..., Any]) -> tuple[list[Any], list[Any]]:
        """Σ s e and its gradient per effect, a block of rows at a time;
        ``make(frame, s, off)`` builds a block with ``slope`` and ``change``."""
        totals: list[Any] = [0.0] * len(self.effects)
        grads: list[Any] = [0.0] * len(self.effects)
        for start in range(0, len(self.base), BLOCK_ROWS):
            rows = slice(start, start + BLOCK_ROWS)
            off = None if self.off is None else self.off[rows]
            block = make(self.base.iloc[rows], self.s[rows], off)
            for i, effect in enumerate(self.effects):
                if effect.values is None:
                    value, grad = block.slope(
                        effect, self.method, self.sizes[effect.variable.column]
                    )
                else:
                    value, grad = block.change(effect, self.method == "eydx")
                totals[i] = totals[i] + value
                grads[i] = grads[i] + grad
        return totals, grads


def prepare(
    frame: Any,
    variables: list[Variable],
    *,
    sample_weight: Any = None,
    offset: Any = None,
    at: str = "overall",
    method: str = "dydx",
    atexog: Mapping[str, Any] | None = None,
    dummy: Any = False,
) -> Prepared:
    """The options checked, the rows of the table and the evaluation frame
    (binary and K-class effects alike)."""
    from ._margins import ATS, METHODS, _choice

    at = _choice("at", at, ATS)
    method = _choice("method", method, METHODS)
    effects = _effects_of(variables, frame, dummy)
    _check_options(at, method, effects)
    values = _set_values(atexog, variables)
    base = frame.reset_index(drop=True)
    for column, value in values.items():
        base = _with(base, column, value)
    n = len(base)
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=F64)
    W = float(s.sum())
    if not W > 0:
        raise InvalidParameterError("marginal effects need rows of positive weight")
    options = {
        "method": method,
        "at": at,
        "atexog": dict(values),
        "dummy": dummy,
        "categorical": "levels",
        "variables": True,
    }
    off = None if offset is None else np.asarray(offset, dtype=F64)
    sizes = {
        v.column: typical_size(frame[v.column]) for v in variables if v.levels is None
    }
    return Prepared(effects, base, s, off, W, options, method, sizes)


def variable_effects(
    results: Any,
    frame: Any,
    variables: list[Variable],
    design: Callable[[Any], FloatArray],
    **options: Any,
) -> MarginalEffects:
    """Average marginal effects of ``variables`` (module docstring).

    ``results`` an ``InferenceResults`` fitted on the rows of ``frame`` (a
    pandas DataFrame of the variables' raw values, those rows only);
    ``design(frame)`` re-encodes a frame into the model's columns;
    ``options``: ``sample_weight``, ``offset``, ``at``, ``method``,
    ``atexog``, ``dummy``.
    """
    from ._margins import _count

    prep = prepare(frame, variables, **options)
    theta = np.asarray(results._theta, dtype=F64)
    p = len(results.feature_names)
    est, unset = results._estimability, set[str]()
    totals, grads = prep.accumulate(
        lambda rows, s, off: _Block(rows, design, theta, p, s, off, est, unset)
    )
    if unset:
        named = [n for n in prep.names if n in unset]
        listed = ", ".join(repr(n) for n in named)
        warn_non_estimable(
            f"the effect(s) {listed}",
            list(results.aliased),
            "they are NaN (Stata's margins: 'not estimable')",
        )
    total, jac = np.asarray(totals) / prep.weight, np.vstack(grads) / prep.weight
    cov = sandwich(results, jac)  # centred where a Firth fit is far from 0
    return MarginalEffects(
        total,
        cov,
        jac,
        names=prep.names,
        discrete=prep.discrete,
        levels=False,
        options=prep.options,
        cov_type=results.cov_type,
        nobs=_count(results.nobs),
        fit_intercept=bool(results.fit_intercept),
        pandas=results._pd,
        covariance=covariance_label(results),
        separation=margins_separation(results),
    )
