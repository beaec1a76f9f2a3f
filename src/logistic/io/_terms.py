"""Formula terms as data: a closed grammar, a parser that never evaluates, a checker.

Convention (owned here): a formula's right-hand side is stored in a model file
as two plain-JSON fields, never as text to evaluate.

* ``factors`` maps each factor's display name (``"gre"``, ``"C(rank)"``,
  ``"center(gre)"``) to its definition:

  - ``{"kind": "categorical", "column": NAME, "levels": [...]}``: one
    indicator column per level (JSON scalars, first level the reference);
    optionally ``"reference": LEVEL`` (one of the levels, of its JSON type),
    the reference a factor that no term reduces was given (``0 + C(x,
    Treatment(r))``: every level a column in sorted order), for the level
    contrasts of marginal effects;
  - ``{"kind": "numeric", "expr": NODE}``: a numeric expression tree whose
    nodes are, closed list, ``{"op": "column", "name": NAME}``,
    ``{"op": "number", "value": x}``, ``{"op": "neg", "arg": NODE}``,
    ``{"op": "add" | "sub" | "mul" | "div" | "pow", "left": NODE,
    "right": NODE}``, the comparisons ``{"op": "gt" | "ge" | "lt" | "le" |
    "eq" | "ne", "left": NODE, "right": NODE}`` (1.0 where it holds, else
    0.0: ``I(age > 30)``), ``{"op": F, "arg": NODE}`` for F in :data:`UNARY`,
    ``{"op": "center", "arg": NODE, "center": mean}`` and
    ``{"op": "scale", "arg": NODE, "center": mean, "scale": sd}`` (the state
    of formulaic's stateful transforms, learnt at fit time).

* ``terms`` lists the design's column blocks in order; each is a list of
  ``{"factor": NAME, "reduced": bool}``. A block's columns are the row-wise
  product of its factors' columns, the first factor varying fastest, named
  ``"a:b"``; a categorical factor gives ``name[level]`` columns, or
  ``name[T.level]`` without the first level when ``reduced`` (treatment
  contrasts). The intercept is not a block.

Formula text reaches this module only as text to *parse*: :func:`parse_factor`
reads one factor with :func:`ast.parse` (which builds a syntax tree and runs
nothing) and accepts only the grammar above, spelled as formulaic spells it:
column names, numbers, ``+ - * / **``, one comparison (``< <= > >= ==
!=``), ``I(...)``, ``C(column)``,
``center(...)``, ``scale(...)`` and the functions of :data:`FUNCTIONS`.
Anything else (attribute access other than ``np.<function>``, keyword
arguments, strings, subscripts, lambdas, ``{...}`` blocks) is refused.
:func:`parse_treatment` reads, the same way, the one other spelling of a
factor: ``C(column, Treatment(ref))``.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .._exceptions import ModelFormatError
from ._fields import is_finite_number as _finite_number
from ._term_ops import (
    AST_BINARY,
    AST_COMPARE,
    BINARY,
    FUNCTIONS,
    UNARY,
    expression_columns,
)

__all__ = [
    "FUNCTIONS",
    "UNARY",
    "TermError",
    "parse_factor",
    "parse_quoted",
    "parse_treatment",
    "check_factors",
    "check_terms",
    "feature_names",
    "formula_text",
    "reads_own_column",
    "evaluate",
    "expression_columns",
]

_STATEFUL = ("center", "scale")
#: Limits on what one formula may hold.
MAX_TEXT = 1000
MAX_DEPTH = 24
MAX_FACTORS = 1000
MAX_LEVELS = 100_000


class TermError(ValueError):
    """A formula term outside the grammar (the message says what and where)."""


# -- parsing formula text (never evaluated) ----------------------------------------
def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _call_argument(node: ast.Call, name: str, text: str) -> ast.expr:
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        if name == "C":  # C(column, Treatment(...)) is parsed before this
            bare = re.fullmatch(r"C\(.+,\s*Treatment\s*(\(\s*\))?\s*\)", text.strip())
            why = (  # C(x, Treatment) is what C(x) is already
                "Treatment without a level is C(column), the first level the reference"
                if bare
                else "treatment coding is the only one supported (no Sum, Helmert "
                "or Poly contrast, and no options such as levels=)"
            )
            raise TermError(
                f"{text!r}: C() takes a column and, optionally, its reference "
                f"level: C(column, Treatment(reference=LEVEL)); {why}"
            )
        raise TermError(
            f"{text!r}: {name}() takes exactly one argument and no options here"
        )
    return node.args[0]


#: What a refused call was probably meant for, in the formula's own terms.
_CALL_HINTS = {
    "offset": "; an offset is not a term: give its column as --offset COLUMN",
    "Q": "; a column whose name is not a Python name is written in backquotes: "
    "`{column}`",
    "strata": "; conditional logistic regression (R's survival::clogit with "
    "strata()) is not offered: C({column}) as a term gives each stratum its own "
    "intercept, the unconditional model, whose estimates are biased when the "
    "strata are small (twice the log odds ratio for 1:1 matched pairs); for "
    "matched sets use statsmodels' ConditionalLogit or R's clogit",
}


def _convert(node: ast.expr, text: str, depth: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise TermError(f"{text!r} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ast.Name):
        return {"op": "column", "name": node.id}
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if not _finite_number(node.value):
            raise TermError(
                f"{text!r}: number {node.value!r:.40} is not a finite float"
            )
        return {"op": "number", "value": node.value}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        arg = _convert(node.operand, text, depth + 1)
        return {"op": "neg", "arg": arg} if isinstance(node.op, ast.USub) else arg
    if isinstance(node, ast.BinOp) and type(node.op) in AST_BINARY:
        return {
            "op": AST_BINARY[type(node.op)],
            "left": _convert(node.left, text, depth + 1),
            "right": _convert(node.right, text, depth + 1),
        }
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in AST_COMPARE:
            raise TermError(
                f"{text!r}: a comparison here is one of <, <=, >, >=, ==, != "
                "between two numeric expressions (a range is a product: "
                "I((x > 1) * (x < 5)))"
            )
        return {
            "op": AST_COMPARE[type(node.ops[0])],
            "left": _convert(node.left, text, depth + 1),
            "right": _convert(node.comparators[0], text, depth + 1),
        }
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        if name == "I":
            return _convert(_call_argument(node, name, text), text, depth + 1)
        if name in _STATEFUL:
            arg = _convert(_call_argument(node, name, text), text, depth + 1)
            if not expression_columns(arg):
                raise TermError(f"{text!r}: {name}() of a constant")
            return {"op": name, "arg": arg, "source": ast.unparse(node)}
        if name in FUNCTIONS:
            arg = _convert(_call_argument(node, name, text), text, depth + 1)
            return {"op": FUNCTIONS[name], "arg": arg}
        shown = name if name is not None else ast.unparse(node.func)
        quoted = node.args[0] if len(node.args) == 1 else None
        column = "my x" if name == "Q" else "stratum"  # Q('name'): that name
        if isinstance(quoted, ast.Constant) and isinstance(quoted.value, str):
            column = quoted.value
        elif isinstance(quoted, ast.Name) and not quoted.id.startswith("__logistic"):
            column = quoted.id  # strata(set): C(set)
        hint = _CALL_HINTS.get(name or "", "").format(column=column)
        raise TermError(
            f"{text!r} calls {shown}(), which formulas may not use; allowed: "
            "C(column), I(...), center(...), scale(...), "
            f"{', '.join(sorted(FUNCTIONS))}{hint}"
        )
    what = (
        f"operator {type(node.op).__name__} is"
        if isinstance(node, (ast.BinOp, ast.UnaryOp))
        else f"{type(node).__name__.lower()} expressions are"
    )
    power = isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor)
    raise TermError(
        f"{text!r}: {what} not allowed in formulas (only column names, numbers, "
        "+ - * / **, one comparison < <= > >= == != and the allowed functions)"
        + ("; a power is written ** (R's I(x^2) is I(x**2))" if power else "")
    )


#: A backquoted column name in a term (formulaic's quoting of names that are
#: not Python names: `inc$`, `âge`); parsed as a placeholder name.
_QUOTED = re.compile(r"`([^`]+)`")
_PLACEHOLDER = "__logistic_quoted_{}__"


def parse_quoted(text: str) -> tuple[ast.expr, dict[str, str]]:
    """The term's syntax tree, backquoted names replaced by placeholders, and
    ``{placeholder: column name}`` (:class:`TermError` for text that is not
    a Python expression so read). Nothing is evaluated."""
    if not isinstance(text, str) or not text.strip():
        raise TermError(f"empty formula term {text!r}")
    if len(text) > MAX_TEXT:
        raise TermError(f"formula term {text[:40]!r}... is over {MAX_TEXT} characters")
    quoted: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        key = _PLACEHOLDER.format(len(quoted))
        quoted[key] = match.group(1)
        return key

    try:
        tree = ast.parse(_QUOTED.sub(placeholder, text.strip()), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise TermError(f"formula term {text!r} is not valid syntax") from None
    return tree.body, quoted


def _unquote(tree: Any, quoted: dict[str, str]) -> Any:
    """``tree`` (a term's dict) with placeholder names as the column names
    they stand for, in column nodes and in stateful nodes' source text."""
    if not quoted:
        return tree
    if isinstance(tree, dict):
        out = {k: _unquote(v, quoted) for k, v in tree.items()}
        if out.get("op") == "column":
            out["name"] = quoted.get(out["name"], out["name"])
        if isinstance(out.get("source"), str):
            for key, name in quoted.items():
                out["source"] = out["source"].replace(key, f"`{name}`")
        return out
    return tree


def parse_factor(text: str, lookup: bool = False) -> dict[str, Any]:
    """A factor definition (without fitted state) from its formula text.

    ``lookup`` marks a bare column name (formulaic's ``lookup`` factors, which
    may contain any character); otherwise ``text`` must be an expression of
    the grammar. Stateful nodes carry ``"source"`` (their text) until
    :func:`evaluate` with ``fit=True`` replaces it by the learnt state.
    """
    if lookup:
        if not isinstance(text, str) or not text:
            raise TermError(f"empty column name in formula: {text!r}")
        return {"kind": "numeric", "expr": {"op": "column", "name": text}}
    node, quoted = parse_quoted(text)
    if isinstance(node, ast.Call) and _dotted(node.func) == "C":
        arg = _call_argument(node, "C", text)
        if not isinstance(arg, ast.Name):
            raise TermError(f"{text!r}: C() takes a column name")
        column = quoted.get(arg.id, arg.id)
        return {"kind": "categorical", "column": column, "levels": None}
    expr = _unquote(_convert(node, text, 0), quoted)
    if not expression_columns(expr):
        raise TermError(f"formula term {text!r} reads no column (a constant)")
    return {"kind": "numeric", "expr": expr}


def parse_treatment(text: str) -> dict[str, Any] | None:
    """``C(column, Treatment(ref))`` or ``C(column, Treatment(reference=ref))``
    (``ref`` a number, a string, or True or False for a boolean column): the
    categorical factor with its reference level; None for any other text.
    Read with :func:`ast.parse`, which runs nothing; a backquoted column name
    (`race group`) is that column."""
    try:
        node, quoted = parse_quoted(text)
    except TermError:
        return None
    if not (
        isinstance(node, ast.Call)
        and _dotted(node.func) == "C"
        and not node.keywords
        and len(node.args) == 2
        and isinstance(node.args[0], ast.Name)
        and isinstance(node.args[1], ast.Call)
    ):
        return None
    contrast = node.args[1]
    if not (isinstance(contrast.func, ast.Name) and contrast.func.id == "Treatment"):
        return None
    values = list(contrast.args) + [
        k.value for k in contrast.keywords if k.arg == "reference"
    ]
    if len(values) != 1 or len(contrast.args) + len(contrast.keywords) != 1:
        return None
    ref, sign = values[0], 1
    if isinstance(ref, ast.UnaryOp) and isinstance(ref.op, ast.USub):
        ref, sign = ref.operand, -1
    scalar = (int, float, str, bool)
    if not (isinstance(ref, ast.Constant) and type(ref.value) in scalar):
        return None
    value = ref.value  # True/False: a boolean column's level
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = sign * value
    elif sign < 0:
        return None
    return {
        "kind": "categorical",
        "column": quoted.get(node.args[0].id, node.args[0].id),
        "levels": None,
        "reference": value,
    }


# -- checking stored terms -----------------------------------------------------------
def _bad(path: str, field: str, what: str) -> ModelFormatError:
    return ModelFormatError(f"model file {path}: field '{field}' {what}")


def _node_keys(op: str) -> dict[str, str]:
    if op == "column":
        return {"name": "str"}
    if op == "number":
        return {"value": "number"}
    if op in BINARY:
        return {"left": "node", "right": "node"}
    if op == "center":
        return {"arg": "node", "center": "number"}
    if op == "scale":
        return {"arg": "node", "center": "number", "scale": "number"}
    return {"arg": "node"}  # neg and UNARY


def check_expression(node: Any, path: str, field: str, depth: int = 0) -> None:
    """Raise :class:`ModelFormatError` unless ``node`` is a tree of the grammar."""
    if depth > MAX_DEPTH:
        raise _bad(path, field, f"is nested more than {MAX_DEPTH} levels deep")
    if not isinstance(node, dict):
        raise _bad(path, field, f"must be an object, got {type(node).__name__}")
    op = node.get("op")
    allowed = ("column", "number", "neg", "center", "scale", *BINARY, *UNARY)
    if op not in allowed:
        raise _bad(
            path, f"{field}.op", f"is {op!r}; expected one of {', '.join(allowed)}"
        )
    keys = _node_keys(op)
    if set(node) != {"op", *keys}:
        raise _bad(path, field, f"({op}) must have exactly the keys {sorted(keys)}")
    for key, kind in keys.items():
        value, where = node[key], f"{field}.{key}"
        if kind == "node":
            check_expression(value, path, where, depth + 1)
        elif kind == "str" and not (isinstance(value, str) and value):
            raise _bad(path, where, f"must be a column name, got {value!r:.60}")
        elif kind == "number" and not _finite_number(value):
            raise _bad(path, where, f"must be a finite number, got {value!r:.60}")
    if op == "scale" and float(node["scale"]) == 0.0:
        raise _bad(path, f"{field}.scale", "must not be 0")
    if op in _STATEFUL and not expression_columns(node["arg"]):
        raise _bad(path, f"{field}.arg", f"of {op} reads no column")


def _level_key(value: Any) -> tuple[str, Any]:
    """A level's identity: its type class (text or number) and value (2 and 2.0
    one level, 2 and "2" two)."""
    return ("str", value) if isinstance(value, str) else ("number", value)


def check_levels(levels: Any, path: str, field: str) -> None:
    """Levels: a non-empty list of distinct JSON scalars (finite numbers)."""
    if not isinstance(levels, list) or not 1 <= len(levels) <= MAX_LEVELS:
        raise _bad(path, field, f"must be a list of 1 to {MAX_LEVELS} levels")
    for v in levels:
        if not (isinstance(v, (str, bool)) or _finite_number(v)):
            raise _bad(path, field, f"holds {v!r:.60}; levels are strings or numbers")
    if len({_level_key(v) for v in levels}) != len(levels):
        raise _bad(path, field, "holds the same level twice")


def check_factors(factors: Any, path: str, field: str = "encoding.factors") -> None:
    """Raise :class:`ModelFormatError` unless ``factors`` follows the grammar."""
    if not isinstance(factors, dict) or len(factors) > MAX_FACTORS:
        raise _bad(path, field, f"must be an object of at most {MAX_FACTORS} factors")
    for name, spec in factors.items():
        where = f"{field}.{name}"
        if not name or not isinstance(spec, dict):
            raise _bad(path, where, "must be an object under a non-empty name")
        kind = spec.get("kind")
        if kind == "numeric":
            if set(spec) != {"kind", "expr"}:
                raise _bad(path, where, "(numeric) must have the keys kind, expr")
            check_expression(spec["expr"], path, f"{where}.expr")
            if not expression_columns(spec["expr"]):
                raise _bad(path, f"{where}.expr", "reads no column")
        elif kind == "categorical":
            if set(spec) - {"reference"} != {"kind", "column", "levels"}:
                raise _bad(
                    path,
                    where,
                    "(categorical) must have the keys kind, column, levels (and "
                    "optionally reference)",
                )
            if not isinstance(spec["column"], str) or not spec["column"]:
                raise _bad(path, f"{where}.column", "must be a column name")
            check_levels(spec["levels"], path, f"{where}.levels")
            if "reference" in spec:
                ref = spec["reference"]
                if not (isinstance(ref, (str, bool)) or _finite_number(ref)) or not any(
                    v == ref and type(v) is type(ref) for v in spec["levels"]
                ):
                    raise _bad(
                        path, f"{where}.reference", f"is {ref!r:.60}; expected a level"
                    )
        else:
            raise _bad(
                path, f"{where}.kind", f"is {kind!r}; expected numeric or categorical"
            )


def check_terms(
    terms: Any, factors: dict[str, Any], path: str, field: str = "encoding.terms"
) -> None:
    """Raise :class:`ModelFormatError` unless every block names known factors
    (and a factor with a stored ``reference`` is never reduced)."""
    if not isinstance(terms, list):
        raise _bad(path, field, "must be a list of column blocks")
    for i, block in enumerate(terms):
        where = f"{field}[{i}]"
        if not isinstance(block, list) or not 1 <= len(block) <= 16:
            raise _bad(path, where, "must be a list of 1 to 16 factors")
        seen = set()
        for j, item in enumerate(block):
            at = f"{where}[{j}]"
            if not isinstance(item, dict) or set(item) != {"factor", "reduced"}:
                raise _bad(path, at, "must be an object with keys factor, reduced")
            name, reduced = item["factor"], item["reduced"]
            if not isinstance(name, str) or name not in factors:
                raise _bad(path, f"{at}.factor", f"{name!r:.60} is not a known factor")
            if not isinstance(reduced, bool):
                raise _bad(
                    path, f"{at}.reduced", f"must be true or false, got {reduced!r:.40}"
                )
            if reduced and factors[name]["kind"] != "categorical":
                raise _bad(path, f"{at}.reduced", "is true for a numeric factor")
            if reduced and "reference" in factors[name]:
                # a reduced factor's reference is its first level, its columns
                # T.level against it: a second reference would contradict them
                raise _bad(
                    path,
                    f"{at}.reduced",
                    f"is true for {name!r:.60}, whose stored reference is only for a "
                    "factor no term reduces (its first level is the reference)",
                )
            if name in seen:
                raise _bad(path, where, f"uses factor {name!r} twice")
            seen.add(name)


def _factor_names(name: str, spec: Mapping[str, Any], reduced: bool) -> list[str]:
    if spec["kind"] == "numeric":
        return [name]
    levels = spec["levels"]
    if reduced:
        return [f"{name}[T.{level}]" for level in levels[1:]]
    return [f"{name}[{level}]" for level in levels]


def _block_size(block: list[dict[str, Any]], factors: Mapping[str, Any]) -> int:
    size = 1
    for item in block:
        spec = factors[item["factor"]]
        if spec["kind"] == "categorical":
            size *= len(spec["levels"]) - (1 if item["reduced"] else 0)
    return size


def feature_names(
    factors: Mapping[str, Any], terms: list[list[dict[str, Any]]], limit: int
) -> list[str]:
    """Column names the terms produce (checked terms); more than ``limit`` raises."""
    total = 0
    for block in terms:
        total += _block_size(block, factors)
        if total > limit:
            raise TermError(f"the terms make more than {limit} columns")
    names: list[str] = []
    for block in terms:
        parts = [
            _factor_names(i["factor"], factors[i["factor"]], i["reduced"])
            for i in block
        ]
        names.extend(_product_names(parts))
    return names


def _product_names(parts: list[list[str]]) -> list[str]:
    out = [""]
    for part in parts:  # the first factor varies fastest
        out = [f"{prev}:{p}" if prev else p for p in part for prev in out]
    return out


def _column_text(name: str) -> str:
    """A column name as a formula writes it: backquoted unless a plain Python name."""
    plain = re.fullmatch(r"[A-Za-z_]\w*", name) and not keyword.iskeyword(name)
    return name if plain else f"`{name}`"


def reads_own_column(name: str, spec: Mapping[str, Any]) -> bool:
    """Whether the factor ``spec`` named ``name`` reads the column of that very
    name (a numeric column lookup, or a categorical factor of that column)."""
    if spec.get("kind") == "categorical":
        return bool(spec.get("column") == name)
    return bool(spec.get("expr") == {"op": "column", "name": name})


def formula_text(
    target: str,
    binomial: Mapping[str, str] | None,
    intercept: bool,
    factors: Mapping[str, Any],
    terms: list[list[dict[str, Any]]],
) -> str:
    """The formula that checked ``factors`` and ``terms`` fit, as text to show:
    ``target ~ a + C(b) + a:C(b)``, one term per block in stored order, ``- 1``
    without an intercept, R's ``cbind(successes, failures)`` on the left of
    grouped counts given by failures. A factor that reads one column by its
    name (``g re``) is written as that column (backquoted where needed)."""
    lhs = _column_text(target)
    if binomial is not None and "failures" in binomial:
        lhs = f"cbind({lhs}, {_column_text(binomial['failures'])})"

    def factor(name: str) -> str:
        return _column_text(name) if reads_own_column(name, factors[name]) else name

    blocks = (":".join(factor(i["factor"]) for i in block) for block in terms)
    rhs = " + ".join(blocks) or "1"
    return f"{lhs} ~ {rhs}" + ("" if intercept else " - 1")


# -- evaluating stored expressions ---------------------------------------------------
def evaluate(
    node: dict[str, Any], columns: Callable[[str], np.ndarray], fit: bool = False
) -> tuple[np.ndarray, dict[str, Any]]:
    """Values of a checked expression tree over numeric columns, in float64.

    ``columns(name)`` returns a column's float64 values. With ``fit=True``,
    stateful nodes learn their state from these values (formulaic's
    definitions: ``center`` subtracts the mean; ``scale`` also divides by the
    standard deviation with ``ddof=1``); the returned tree holds it.
    Floating-point errors are not raised here: callers check finiteness.
    """
    op = node["op"]
    if op == "column":
        return np.asarray(columns(node["name"]), dtype=np.float64), node
    if op == "number":
        return np.float64(node["value"]), node
    if op in BINARY:
        left, lnode = evaluate(node["left"], columns, fit)
        right, rnode = evaluate(node["right"], columns, fit)
        return BINARY[op](left, right), {"op": op, "left": lnode, "right": rnode}
    arg, anode = evaluate(node["arg"], columns, fit)
    if op == "neg":
        return np.negative(arg), {"op": op, "arg": anode}
    if op in UNARY:
        return UNARY[op](arg), {"op": op, "arg": anode}
    if fit:
        center = float(np.mean(arg))
        out = {"op": op, "arg": anode, "center": center}
        if op == "scale":
            dev = arg - center
            out["scale"] = float(np.sqrt(np.sum(dev**2) / (arg.shape[0] - 1)))
        node = out
    values = arg - node["center"]
    if op == "scale":
        values = values / node["scale"]
    return values, node
