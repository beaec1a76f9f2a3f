"""formulaic's matrix confirms the design the stored terms rebuild.

Convention (owned here): at fit time the design is built from the stored
factors and terms with plain numpy (:mod:`._formula_design`, in float64,
dense or CSR), and formulaic's model matrix of the same formula (dense, or
its own sparse one for a CSR design) must agree with it (same names, values
within 1e-10 of each column's scale), or the formula is refused rather than
stored as something that would predict otherwise (:func:`confirm_design`).
The refusal names the first column that differs.
formulaic computes arithmetic on integer columns in 64-bit integers: a
power or product beyond 2**63 wraps around there (``I(n**25)``: patsy and
statsmodels fit the wrapped numbers without a word), and a negative integer
power fails (``I(n**-1)``); both are named with the remedy, a float in the
term (``n**25.0``, ``n**-1.0``), which both compute alike
(:func:`integer_power_hint` for formulaic's error). A text column inside a
numeric function (``np.log(g)``, ``center(g)``), which formulaic cannot
compute either, is refused before it tries, naming the term and the
column's levels as ``I(g)`` is (:func:`refuse_text_in_numbers`).
formulaic computes a comparison as True/False, so two comparisons added are
their logical or (``I((x > 3) + (z < 0))``), one negated its not
(``I(-(x > 3))``), and one subtracted from another an error; the stored
terms compute numbers (a count, -1), so these are refused, naming the
remedy both compute alike: a comparison multiplied by 1 (``1*(x > 3)``)
(:func:`comparison_arithmetic_hint`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._feature_names import check_formula_names
from .._sparse import issparse
from ..io._term_ops import COMPARE

__all__ = [
    "comparison_arithmetic_hint",
    "confirm_design",
    "integer_power_hint",
    "refuse_text_in_numbers",
]

#: The remedy for integer arithmetic, worded once.
_FLOAT_REMEDY = (
    "write a number of the term as a float (x**25.0, x**-1.0, 1 / x) so that it "
    "is computed in floating point"
)


def integer_power_hint(message: str) -> str:
    """The remedy to add to formulaic's error ``message`` where it is numpy's
    refusal of a negative power of an integer column; ``""`` otherwise."""
    if "Integers to negative integer powers" in message:
        return f"; an integer column takes no negative integer power: {_FLOAT_REMEDY}"
    return ""


#: The remedy for arithmetic on comparisons, worded once.
_NUMBER_REMEDY = (
    "formulaic computes a comparison as True/False, which it adds as a logical "
    "or, negates as a not and does not subtract; multiply a comparison by 1 "
    "(1*(x > 3)) to compute with it as a number"
)


def _true_false(node: dict[str, Any]) -> bool:
    """Whether formulaic computes ``node`` as True/False: a comparison, or a
    sum, product or negation of such (numpy keeps bool for those)."""
    op = node["op"]
    if op in ("add", "mul"):
        return _true_false(node["left"]) and _true_false(node["right"])
    return (op == "neg" and _true_false(node["arg"])) or op in COMPARE


def _logic_on_comparisons(node: dict[str, Any]) -> bool:
    """Whether ``node`` adds two True/False values (a logical or in formulaic,
    a count here) or negates one (a not there, -1 here), anywhere in it."""
    op = node["op"]
    if op == "add" and _true_false(node["left"]) and _true_false(node["right"]):
        return True
    if op == "neg" and _true_false(node["arg"]):
        return True
    children = (node[k] for k in ("arg", "left", "right") if k in node)
    return any(_logic_on_comparisons(child) for child in children)


def comparison_arithmetic_hint(message: str) -> str:
    """The remedy to add to formulaic's error ``message`` where it is numpy's
    refusal to subtract or negate True/False values (its own remedy, ``^``,
    is no operator of formulas here); ``""`` otherwise."""
    if "numpy boolean subtract" in message or "numpy boolean negative" in message:
        return f"; {_NUMBER_REMEDY}"
    return ""


def confirm_design(
    formula: str, X: np.ndarray, names: list[str], matrix: Any, columns: Any,
    factors: dict[str, dict[str, Any]],
) -> None:  # fmt: skip
    """Refuse ``formula`` unless the design ``X`` with ``names`` is formulaic's
    ``matrix`` (its intercept column aside; a CSR ``X`` is compared with
    formulaic's sparse matrix); ``columns``: the frame's; ``factors``: the
    stored factors that built ``X``."""
    if issparse(X):
        every = [str(c) for c in matrix.model_spec.column_names]
        at = [j for j, c in enumerate(every) if c != "Intercept"]
        expected = [every[j] for j in at]
    else:
        kept = [c for c in matrix.columns if str(c) != "Intercept"]
        expected = [str(c) for c in kept]
    check_formula_names(formula, names, columns)
    if names == expected:
        if issparse(X):
            differ = _sparse_differ(X, matrix.tocsc()[:, at])
        else:
            reference = np.asarray(matrix[kept].values, dtype=np.float64)
            scale = np.max(np.abs(reference), axis=0, initial=0.0)
            scale = np.maximum(scale, 1e-300)
            differ = np.any(np.abs(X - reference) > 1e-10 * scale, axis=0)
        if not differ.any():
            return
        j = int(np.flatnonzero(differ)[0])
        why = (
            ", so it cannot be stored exactly in a model file; precompute the "
            "column in the data instead"
        )
        if any(
            spec["kind"] == "numeric" and name in names[j]
            and _logic_on_comparisons(spec["expr"])
            for name, spec in factors.items()
        ):  # fmt: skip
            why = f": {_NUMBER_REMEDY}"
        elif abs(X[:, [j]]).max() >= 2.0**63:
            why = (
                " (formulaic computes the arithmetic of integer columns in 64-bit "
                f"integers, which wrap around past 9.2e18): {_FLOAT_REMEDY}"
            )
        raise DataValidationError(
            f"--formula {formula!r}: column {names[j]!r} is not what formulaic "
            f"computes for it{why}"
        )
    raise DataValidationError(
        f"--formula {formula!r} cannot be stored exactly in a model file; "
        "precompute its transformed columns in the data instead"
    )


def _sparse_differ(X: Any, reference: Any) -> np.ndarray:
    """Per column, whether the CSR ``X`` differs from formulaic's sparse
    ``reference`` by more than 1e-10 of the column's largest |value|."""
    reference = reference.astype(np.float64).tocsr()
    scale = np.maximum(abs(reference).max(axis=0).toarray().ravel(), 1e-300)
    gap = abs(X - reference).max(axis=0).toarray().ravel()
    return np.asarray(gap > 1e-10 * scale)


def refuse_text_in_numbers(factors: dict[str, dict[str, Any]], frame: Any) -> None:
    """Refuse a numeric factor other than a bare column (``np.log(g)``,
    ``center(g)``) that reads a column of text in ``frame``, naming the term,
    the column and the spelling of its levels (formulaic's own error is a
    numpy ufunc's ``TypeError``)."""
    import pandas as pd

    from ..io._terms import expression_columns

    for name, spec in factors.items():
        if spec["kind"] != "numeric" or spec["expr"]["op"] == "column":
            continue
        for column in sorted(expression_columns(spec["expr"])):
            values = frame[column]
            if not (pd.api.types.is_numeric_dtype(values)
                    or pd.api.types.is_bool_dtype(values)):  # fmt: skip
                example = values.dropna().iloc[0] if values.notna().any() else None
                raise DataValidationError(
                    f"formula term {name!r} reads column {column!r} as numbers, "
                    f"but it holds text (e.g. {example!r}); write {column} or "
                    f"C({column}) for its levels"
                )
