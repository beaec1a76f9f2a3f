"""Treatment contrasts of formula factors: ``C(x, Treatment(ref))``.

Convention (owned here, used by :mod:`._formula`): a categorical factor is
stored as its levels (:mod:`logistic.io._terms`), which give both the columns
of a full coding (every level, in that order) and, for a reduced coding
(treatment contrasts beside the intercept or a lower-order term), the
reference: the first level. ``C(x, Treatment(ref))`` therefore stores ``ref``
first when the formula reduces it; when it never does (``0 +
C(x, Treatment(ref))``) every level is a column, the reference has no effect
on the fit, and the levels stay in formulaic's sorted order (formulaic and
patsy; R's ``0 + relevel(x, ref)`` gives the same columns with ``ref``
first), with ``ref`` stored beside them as the factor's ``reference`` for
the level contrasts of marginal effects (:func:`treatment_spec`). The text
is read by :func:`logistic.io._terms.parse_treatment` (re-exported here as
``treatment``), which runs nothing.
"""

from __future__ import annotations

from typing import Any

from .._exceptions import DataValidationError
from ..io._terms import parse_treatment as treatment

__all__ = [
    "check_references",
    "reference_first",
    "treatment",
    "treatment_levels",
    "treatment_spec",
]


def check_references(factors: dict[str, dict[str, Any]], frame: Any) -> None:
    """Refuse a ``C(x, Treatment(ref))`` whose ``ref`` is not a level of ``x``
    in the training frame, naming the term and the column's levels
    (:func:`reference_first`; formulaic's own error names its
    ``TreatmentContrasts.base``)."""
    for name, spec in factors.items():
        if spec.get("reference") is None:
            continue
        levels = frame[spec["column"]].dropna().unique().tolist()
        try:
            levels.sort()
        except TypeError:  # levels of mixed types
            levels.sort(key=str)
        reference_first(name, levels, spec["reference"])


def reference_first(name: str, levels: list[Any], reference: Any) -> list[Any]:
    """``levels`` with ``reference`` first (the stored levels' convention:
    the first level is the reference, :mod:`logistic.io._terms`): the level
    equal to it and of its type, else the number equal to it (``Treatment(3.0)``
    of levels ``[1, 2, 3]``, ``Treatment(1)`` of ``[1.0, 2.5]``: formulaic
    and patsy take them). A level that only prints the same (``Treatment('2')``
    of the numbers ``[1, 2]``, ``Treatment(2)`` of the text ``['1', '2',
    'x']``) is no match, as in formulaic: refused, naming the spelling that is."""
    at = [
        i for i, v in enumerate(levels) if v == reference and type(v) is type(reference)
    ] or [
        i for i, v in enumerate(levels) if _is_number(v) and _is_number(reference)
        and v == reference
    ]
    if len(at) != 1:
        same = [v for v in levels if str(v) == str(reference)]
        hint = ""
        if same:
            kind = "text" if isinstance(same[0], str) else "a number"
            hint = (
                f"; the level {same[0]!r} is {kind}: write "
                f"Treatment({same[0]!r}) (or Treatment(reference={same[0]!r}))"
            )
        raise DataValidationError(
            f"formula term {name!r}: reference level {reference!r} is not one of "
            f"the column's levels {levels[:20]!r}{hint}"
        )
    return [levels[at[0]], *levels[: at[0]], *levels[at[0] + 1 :]]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def treatment_levels(
    name: str,
    levels: list[Any],
    parsed: dict[str, Any],
    coding: tuple[set[bool], str],
    formula: str,
) -> list[Any]:
    """The stored levels of ``C(x, Treatment(ref))`` (``levels`` in formulaic's
    sorted order; ``coding``: how the terms code it, True against the
    reference and False with every level, and a term of the latter).

    Stored levels give both the columns of a full coding (every level, in
    order) and, for a reduced coding, the reference (the first level).
    Reduced (beside the intercept or a lower-order term): ``ref`` first. Never
    reduced (``0 + C(x, Treatment(ref))``, or only in interactions that take
    every level): every level is a column and the reference has no effect on
    the columns (:func:`treatment_spec` stores it beside them), as
    in formulaic and patsy (and R's ``0 + relevel(x, ref)``, which orders the
    columns with ``ref`` first): the sorted order, formulaic's. Both codings
    under one name need two orders unless ``ref`` is already the first level:
    refused, naming the spelling that works."""
    reduced, full_term = coding
    first = reference_first(name, levels, parsed["reference"])  # checks ref
    if True not in reduced:
        return levels
    if False in reduced and first != levels:
        column = parsed["column"]
        plain = full_term.replace(name, f"C({column})")
        raise DataValidationError(
            f"--formula {formula!r}: {name} is coded against its reference level "
            f"(beside the intercept or a lower-order term) and with every level (in "
            f"{full_term}); one model file entry cannot hold both orders of its "
            f"levels. Write C({column}) where every level is taken ({plain} instead "
            f"of {full_term}): the same columns, the reference kept where it counts"
        )
    return first


def treatment_spec(
    name: str,
    column: str,
    levels: list[Any],
    parsed: dict[str, Any],
    coding: tuple[set[bool], str],
    formula: str,
) -> dict[str, Any]:
    """The stored categorical factor of ``C(column, Treatment(ref))``: its
    levels (:func:`treatment_levels`) and, where no term reduces it (every
    level a column, in sorted order), ``"reference"``: ``ref`` as stored,
    which the columns do not show but the level contrasts of marginal effects
    are taken against (:func:`logistic.tabular._formula_margins.formula_variables`)."""
    stored = treatment_levels(name, levels, parsed, coding, formula)
    spec: dict[str, Any] = {"kind": "categorical", "column": column, "levels": stored}
    if True not in coding[0]:
        spec["reference"] = reference_first(name, stored, parsed["reference"])[0]
    return spec
