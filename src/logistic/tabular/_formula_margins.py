"""Which formula models get marginal effects per variable, and their encoding.

Convention (owned here): a formula model whose every term is one plain
variable (a numeric column, or a categorical column in treatment coding)
has one design column per variable (or per level): its effects are the
columns' (:mod:`logistic.inference._margins`), unchanged. Any other formula
(an interaction ``a:b``, a transform ``np.log(x)``, ``I(x ** 2)``, a variable
in two terms, full-rank factor coding ``C(g) - 1``) gets the effects of its
variables through every term (:mod:`logistic.inference._margins_terms`): the
stored factors and terms re-encode the training rows with a variable moved
(:func:`._formula.build_design`; nothing is evaluated from text).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from ..io._term_ops import compared_columns, expression_columns

__all__ = [
    "by_variable",
    "formula_margins",
    "formula_predictive_margins",
    "formula_variables",
    "one_hot_levels",
    "training_frame",
]


def _columns(spec: dict[str, Any]) -> list[str]:
    if spec["kind"] == "categorical":
        return [spec["column"]]
    return sorted(expression_columns(spec["expr"]))


def _levels(name: str, spec: dict[str, Any]) -> tuple[Any, ...]:
    """A categorical factor's levels, its reference first: the stored
    ``reference`` where the factor has one (every level a column; the load
    check makes it one of the levels, of the same type), else the first
    stored level (:mod:`logistic.io._terms`)."""
    if "reference" not in spec:
        return tuple(spec["levels"])
    from ._formula_contrasts import reference_first

    return tuple(reference_first(name, list(spec["levels"]), spec["reference"]))


def by_variable(encoding: dict[str, Any] | None) -> bool:
    """Whether a model's effects must be taken per variable (module docstring)."""
    if not encoding or encoding.get("kind") != "formula":
        return False
    factors, seen = encoding["factors"], set[str]()
    for block in encoding["terms"]:
        if len(block) != 1:
            return True
        spec = factors[block[0]["factor"]]
        if spec["kind"] == "categorical" and not block[0]["reduced"]:
            return True
        if spec["kind"] == "numeric" and spec["expr"]["op"] != "column":
            return True
        columns = set(_columns(spec))
        if columns & seen:
            return True
        seen |= columns
    return False


def one_hot_levels(encoding: dict[str, Any] | None) -> dict[str, list[str]]:
    """Each one-hot term of a model file's encoding (by the name its columns
    ``term[T.level]`` carry) with its levels as text, the reference (no
    column) first: a text column of a ``"columns"`` encoding, a categorical
    factor in treatment coding of a formula."""
    if not encoding:
        return {}
    if encoding.get("kind") == "columns":
        return {
            str(spec["name"]): [str(v) for v in spec["levels"]]
            for spec in encoding.get("columns", [])
            if spec.get("kind") == "categorical" and spec.get("levels")
        }
    if encoding.get("kind") != "formula":
        return {}
    factors, out = encoding["factors"], {}
    for block in encoding["terms"]:
        if len(block) != 1 or not block[0]["reduced"]:
            continue
        name = block[0]["factor"]
        if factors[name]["kind"] == "categorical":
            out[name] = [str(v) for v in _levels(name, factors[name])]
    return out


def formula_variables(encoding: dict[str, Any]) -> list[Any]:
    """The formula's variables (:class:`~logistic.inference._margins_terms.Variable`)
    in the order the terms first read them; a categorical one is labelled by
    its first factor (``C(race)``) and carries its stored levels, its
    reference first (:func:`_levels`)."""
    from ..inference._margins_terms import Variable

    factors = encoding["factors"]
    found: dict[str, Any] = {}
    numeric: set[str] = set()
    for block in encoding["terms"]:
        for item in block:
            spec = factors[item["factor"]]
            for column in _columns(spec):
                if spec["kind"] == "numeric":
                    numeric.add(column)
                if column in found:
                    continue
                levels = (
                    _levels(item["factor"], spec)
                    if spec["kind"] == "categorical"
                    else None
                )
                label = item["factor"] if levels is not None else column
                found[column] = Variable(column, label, levels)
    both = [c for c, v in found.items() if v.levels is not None and c in numeric]
    if both:
        raise InvalidParameterError(
            f"the formula reads {both[0]!r} both as a category and as a number: "
            "marginal effects need one kind per variable"
        )
    return list(found.values())


def _stepped(factors: dict[str, Any]) -> dict[str, str]:
    """Each variable a comparison reads (``I(gre > 600)``: a step in ``gre``)
    with the first term that does so."""
    found: dict[str, str] = {}
    for name, spec in factors.items():
        if spec["kind"] == "numeric":
            for column in sorted(compared_columns(spec["expr"])):
                found.setdefault(column, name)
    return found


def _without_steps(variables: list[Any], factors: dict[str, Any]) -> list[Any]:
    """``variables`` less those a comparison reads: an effect is a
    derivative, and a comparison is a step in its variable, with no
    derivative where it jumps (a central difference at a row on the step
    would be 1/(2h)). The others' effects are defined (the step does not
    move with them); those left out are named in one warning, or, when none
    is left, refused. The remedy named: predictive margins at values of
    the variable (``--method pr``, which K classes take too)."""
    stepped = _stepped(factors)
    kept = [v for v in variables if v.column not in stepped]
    if len(kept) == len(variables):
        return kept
    column, term = next(iter(stepped.items()))
    compare = (
        f"compare predictive margins at values of it (--method pr --at-value "
        f"{column}=A,B)"
    )
    why = (
        f"marginal effects are derivatives, and the term {term!r} is a step in "
        f"{column!r} (a comparison: no derivative where it jumps); {compare}"
    )
    if not kept:
        raise InvalidParameterError(why)
    import warnings

    names = ", ".join(repr(v.column) for v in variables if v.column in stepped)
    warnings.warn(
        f"the effects of {names} are left out: {why}", UserWarning, stacklevel=3
    )
    return kept


def training_frame(raw: Any, encoding: dict[str, Any], keep: np.ndarray) -> Any:
    """The formula variables' raw values on the rows ``keep`` (pandas), read as
    :func:`._encode.apply_design` reads them for the design."""
    from ._encode import _subset

    sub = _subset(raw, keep)
    return sub.table.select(list(encoding["variables"])).to_pandas()


def formula_margins(
    results: Any,
    encoding: dict[str, Any],
    frame: Any,
    *,
    sample_weight: Any = None,
    offset: Any = None,
    path: str = "<data>",
    **margeff: Any,
) -> Any:
    """``results``' marginal effects per variable of the stored formula
    (``margeff``: ``at``, ``method``, ``atexog``, ``dummy``, ``categorical``;
    ``atexog`` a mapping, or the command line's ``VAR=VALUE`` texts; a grid,
    lists of values or a list of mappings, gives the effects at each point,
    :mod:`logistic.inference._margins_grid`)."""
    from ..inference._margins_grid import is_grid, stack_effects
    from ..inference._margins_terms import variable_effects
    from ..inference._multinomial_terms import multinomial_variable_effects
    from ..inference._predictive_margins import grid_points
    from ._formula import build_design

    given = margeff.get("atexog")
    if isinstance(given, list) and all(isinstance(item, str) for item in given):
        margeff["atexog"] = _texts(given)  # the command line's VAR=VALUE texts
    if is_grid(margeff.get("atexog")):
        points = grid_points(margeff.pop("atexog"))

        def effects_at(g: int) -> Any:
            return formula_margins(results, encoding, frame, atexog=points[g],
                                   sample_weight=sample_weight, offset=offset,
                                   path=path, **margeff)  # fmt: skip

        if hasattr(results, "classes"):  # K classes: every class at each point
            from ..inference._multinomial_grid import stack_multinomial

            return stack_multinomial(results, points, effects_at)
        return stack_effects(results, points, effects_at)
    categorical = margeff.pop("categorical", "levels")
    if categorical != "levels":
        raise InvalidParameterError(
            f"categorical={categorical!r}: a formula whose variables enter several "
            "terms, a transform or a full-rank factor has no column of its own per "
            "level; its categorical variables are each level against the reference "
            "(categorical='levels')"
        )
    factors, terms = encoding["factors"], encoding["terms"]
    variables = _without_steps(formula_variables(encoding), factors)
    _check_set_values(margeff.get("atexog"), factors, frame)

    def design(rows: Any) -> np.ndarray:
        return build_design(rows, factors, terms, path)[0]

    effects = (
        multinomial_variable_effects
        if hasattr(results, "classes")  # MultinomialInference: every class
        else variable_effects
    )
    return effects(
        results,
        frame,
        variables,
        design,
        sample_weight=sample_weight,
        offset=offset,
        **margeff,
    )


def formula_predictive_margins(
    results: Any,
    encoding: dict[str, Any],
    frame: Any,
    *,
    atexog: Any = None,
    at: str = "overall",
    sample_weight: Any = None,
    offset: Any = None,
    path: str = "<data>",
) -> Any:
    """``results``' predictive margins with the stored formula's raw variables
    set to each point's values and every term re-encoded
    (:func:`logistic.inference._predictive_margins.variable_predictive_margins`)."""
    from ..inference._multinomial_predictive import (
        multinomial_variable_predictive_margins,
    )
    from ..inference._predictive_margins import (
        grid_points,
        variable_predictive_margins,
    )
    from ._formula import build_design

    factors, terms = encoding["factors"], encoding["terms"]
    for point in grid_points(atexog):
        _check_set_values(point, factors, frame)

    def design(rows: Any) -> np.ndarray:
        return build_design(rows, factors, terms, path)[0]

    margins = (
        multinomial_variable_predictive_margins
        if hasattr(results, "classes")  # MultinomialInference: every class
        else variable_predictive_margins
    )
    return margins(
        results, frame, formula_variables(encoding), design, atexog=atexog, at=at,
        sample_weight=sample_weight, offset=offset,
    )  # fmt: skip


def _texts(items: list[str]) -> dict[str, str]:
    """``["age=30", "race=2"]`` -> ``{"age": "30", "race": "2"}``; each value
    is checked against its variable's kind by the effects."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, text = item.rpartition("=")
        if not eq or not name:
            raise InvalidParameterError(f"atexog must be VAR=VALUE; got {item!r}")
        out[name] = text
    return out


def _check_set_values(atexog: Any, factors: dict[str, Any], frame: Any) -> None:
    """A number that ``atexog`` puts on a variable keeps every term reading it
    finite (``np.log(lwt)`` at ``lwt=0`` is refused naming the value, not a
    data row); other values are checked by the effects."""
    from ..io._terms import evaluate

    if not isinstance(atexog, dict):
        return
    for key, given in atexog.items():
        try:
            value = float(given)
        except (TypeError, ValueError):
            continue
        if key not in frame.columns or not np.isfinite(value):
            continue
        moved = frame.assign(**{key: value})
        for name, spec in factors.items():
            if spec["kind"] != "numeric" or key not in _columns(spec):
                continue
            with np.errstate(all="ignore"):
                values, _ = evaluate(spec["expr"], _reader(moved))
            bad = ~np.isfinite(np.broadcast_to(values, (len(moved),)))
            if bad.any():
                rows = "" if bad.all() else f" on {int(bad.sum())} of {len(bad)} rows"
                raise InvalidParameterError(
                    f"atexog {key}={given}: {name} is not finite at {given}{rows}"
                )


def _reader(frame: Any) -> Any:
    """``columns(name)`` for :func:`..io._terms.evaluate` over ``frame``."""

    def columns(name: str) -> np.ndarray:
        return np.asarray(frame[name], dtype=np.float64)

    return columns
