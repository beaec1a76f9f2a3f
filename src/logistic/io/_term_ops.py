"""The operations of the formula grammar (:mod:`logistic.io._terms`): the
unary functions, binary operators and comparisons a stored expression tree
may hold, their numpy implementations, and the columns a tree reads.

Convention (owned here): a comparison (``I(age > 30)``, ``I(rank == 1)``)
is an indicator, 1.0 where it holds and 0.0 where not (formulaic's column
of it), NaN where either side is NaN.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = [
    "AST_BINARY",
    "AST_COMPARE",
    "BINARY",
    "COMPARE",
    "FUNCTIONS",
    "UNARY",
    "compared_columns",
    "expression_columns",
]

#: Unary functions of the grammar and their numpy implementations.
UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "log": np.log,
    "log2": np.log2,
    "log10": np.log10,
    "log1p": np.log1p,
    "exp": np.exp,
    "exp2": np.exp2,
    "expm1": np.expm1,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "square": np.square,
}
#: How a formula may spell each unary function (formulaic resolves these names).
FUNCTIONS: dict[str, str] = {
    **{f"np.{name}": name for name in UNARY},
    **{name: name for name in ("log", "log2", "log10", "exp", "exp2")},
}
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "pow": np.power,
}
AST_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div"}
AST_BINARY[ast.Pow] = "pow"


def _indicator(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A comparison as formulaic's column of it: 1.0 where it holds, else
    0.0; NaN where either side is NaN (a value the callers' finiteness
    checks name, not a silent 0)."""

    def values(left: Any, right: Any) -> Any:
        out = np.asarray(compare(left, right), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            nan = np.isnan(left) | np.isnan(right)
        return np.where(nan, np.nan, out) if np.any(nan) else out

    return values


#: Comparisons of the grammar: indicators (module docstring).
COMPARE = {
    "gt": np.greater, "ge": np.greater_equal, "lt": np.less,
    "le": np.less_equal, "eq": np.equal, "ne": np.not_equal,
}  # fmt: skip
AST_COMPARE = {ast.Gt: "gt", ast.GtE: "ge", ast.Lt: "lt", ast.LtE: "le"}
AST_COMPARE |= {ast.Eq: "eq", ast.NotEq: "ne"}
BINARY |= {op: _indicator(compare) for op, compare in COMPARE.items()}


def expression_columns(node: Mapping[str, Any]) -> set[str]:
    """Column names an expression tree reads."""
    if node["op"] == "column":
        return {node["name"]}
    out: set[str] = set()
    for key in ("arg", "left", "right"):
        if key in node:
            out |= expression_columns(node[key])
    return out


def compared_columns(node: Mapping[str, Any]) -> set[str]:
    """Column names an expression tree reads inside a comparison (a step in
    them: ``I(gre > 600)`` has no derivative in ``gre`` where it jumps)."""
    if node["op"] in COMPARE:
        return expression_columns(node)
    out: set[str] = set()
    for key in ("arg", "left", "right"):
        if key in node:
            out |= compared_columns(node[key])
    return out
