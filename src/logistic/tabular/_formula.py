"""Formulas: parsed and checked at fit time, stored as data, rebuilt without evaluation.

Convention (owned here): ``"y ~ a + C(b)"``: the left side must be one column
(the target). At fit time formulaic parses the formula (term expansion,
``*``, ``:``, ``- 1``) and materialises it once with ``ensure_full_rank=True``
(treatment contrasts, first level the reference; ``C(b, Treatment(ref))``
or ``Treatment(reference=ref)`` makes ``ref`` the reference, stored as the
first level; a factor no term reduces, as in ``0 + C(b, Treatment(ref))``,
has every level as a column: :mod:`._formula_contrasts`) to decide each
categorical factor's coding; R's ``factor(b)`` and Stata's ``i.b`` are
refused, suggesting ``C(b)`` (:mod:`._formula_spellings`); before anything
is materialised every factor must belong to the closed grammar of
:mod:`logistic.io._terms` (columns, numbers, ``+ - * / **``, ``I()``,
``C(column)``, ``center``, ``scale``, a fixed list of numpy functions).
``{...}`` blocks and any other call are refused.

The stored encoding holds the factors and terms as data (their learnt state
included: levels, means, standard deviations). The design matrix, at fit and
at predict alike, is computed from that data by
:mod:`._formula_design` with plain numpy, dense or as a CSR matrix
(``sparse``: asked for, or chosen by :func:`._formula_size.design_form`
where only it fits in memory; stored as ``encoding.sparse`` so that predict
builds it the same way); formulaic's matrix (dense, or its own sparse one)
only confirms it at fit time (same names, same values), so a formula this
module would rebuild differently is refused instead of silently changed.
Categories not seen at fit time are an error.

Grouped binomial data take R's left side ``cbind(successes, failures)``:
:func:`grouped_response` reads the two column names from the text with a
regular expression (nothing is evaluated) and hands formulaic the formula
``successes ~ ...``; the model file stores the column names
(:mod:`._grouped`), never the ``cbind`` text as something to run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .._exceptions import DataValidationError, InvalidParameterError, ModelFormatError
from .._messages import import_extra
from ..io._encoding import MAX_TEXT as MAX_FORMULA
from ..io._encoding import check_flag
from ..io._terms import TermError, evaluate, parse_factor
from ._factor_values import columns_read, factor_values, read_as_levels
from ._formula_confirm import (
    comparison_arithmetic_hint,
    confirm_design,
    integer_power_hint,
    refuse_text_in_numbers,
)
from ._formula_contrasts import check_references, treatment_spec
from ._formula_contrasts import treatment as treatment_factor
from ._formula_design import build_design, build_sparse_design, numeric_column
from ._formula_frame import formula_values
from ._formula_names import folded_hint, shadowed_hint
from ._formula_size import design_form
from ._formula_spellings import (
    comparison_hint,
    refuse_r_factor,
    stata_interaction_hint,
    stata_prefix_hint,
)
from ._read import position

#: A frame row's place in its file ("line 7"), for messages.
Where = Callable[[int], str]

__all__ = [
    "formula_line",
    "grouped_response",
    "parse_formula",
    "categorical_columns",
    "formula_columns",
    "fit_formula",
    "apply_formula",
    "build_design",
    "unseen_levels",
]


_NAME = r"(`[^`]+`|[A-Za-z_]\w*)"
_CBIND = re.compile(rf"^\s*cbind\s*\(\s*{_NAME}\s*,\s*{_NAME}\s*\)\s*$")


_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")
_DOT = re.compile(r"(?<![\w.])\.(?![\w.])")


def refuse_dot(formula: str) -> None:
    """R's ``y ~ .`` (every other column) is not part of the formula grammar:
    refused in one line quoting the formula as the user wrote it."""
    if _DOT.search(_QUOTED.sub("", formula)):
        raise InvalidParameterError(
            f"--formula {formula!r}: '.' (every other column) is not supported; "
            "name the columns ('... ~ x1 + x2'), or leave out --formula and give "
            "--target (with --trials for counts) to use every other column"
        )


def is_cbind(formula: str | None) -> bool:
    """Whether ``formula``'s left side is R's ``cbind(successes, failures)``."""
    if formula is None or "~" not in formula:
        return False
    return formula.split("~", 1)[0].strip().startswith("cbind")


def grouped_response(
    formula: str | None, target: str | None, trials: str | None
) -> tuple[str | None, dict[str, str] | None]:
    """``(formula, binomial)``: a ``cbind(s, f) ~ rhs`` formula as ``s ~ rhs``
    with ``{"successes": s, "failures": f}``; with ``--trials`` the successes
    are the target (``--target`` or the formula's left side). Otherwise
    ``(formula, None)``. A formula with R's ``.`` is refused here, in the
    user's own words, before it is rewritten (:func:`refuse_dot`).
    """
    if formula is not None:
        refuse_dot(formula)
    if is_cbind(formula):
        assert formula is not None
        lhs = formula.split("~", 1)[0]
        match = _CBIND.match(lhs)
        if match is None:
            raise InvalidParameterError(
                f"--formula {formula!r}: cbind() takes two column names, "
                "cbind(successes, failures); for successes out of trials give "
                "'successes ~ ...' and --trials TRIALS_COLUMN"
            )
        if trials is not None:
            raise InvalidParameterError(
                f"--trials {trials} and cbind() in --formula both give the trials; "
                "use one of them"
            )
        s, f = (name.strip("`") for name in match.groups())
        assert formula is not None
        return f"{match.group(1)} ~{formula.split('~', 1)[1]}", {
            "successes": s,
            "failures": f,
        }
    if trials is None:
        return formula, None
    successes = target if formula is None else parse_formula(formula)[0]
    if successes is None:
        raise InvalidParameterError(
            f"--trials {trials} needs the column of successes: pass --target COLUMN "
            "(or --formula 'successes ~ ...')"
        )
    return formula, {"successes": successes, "trials": trials}


@contextmanager
def as_written(formula: str | None, rewritten: str | None) -> Iterator[None]:
    """Messages raised inside quote ``formula`` as the user wrote it where
    they quote ``rewritten`` (:func:`grouped_response`'s ``s ~ rhs`` for
    ``cbind(s, f) ~ rhs``)."""
    try:
        yield
    except (DataValidationError, InvalidParameterError) as exc:
        if formula is not None and rewritten is not None and formula != rewritten:
            said, meant = f"--formula {rewritten!r}", f"--formula {formula!r}"
            exc.args = (str(exc).replace(said, meant), *exc.args[1:])
        raise


def formula_line(formula: str) -> str:
    """``formula`` as a model file stores it (``encoding.formula``): on one
    line, each run of white space one space (a formula written over several
    lines, or with tabs). The stored terms, not this text, rebuild the design."""
    return " ".join(formula.split())


def _one_line(exc: BaseException) -> str:
    """formulaic's message without terminal colours and the ASCII-art pointer
    (and with its "insuffient" spelled right), control characters escaped."""
    from ..io._fields import escaped

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    text = text.replace("insuffient", "insufficient")
    # the first line, a control character of the formula escaped (a terminal
    # would act on it), as the formula itself is quoted
    return escaped(text.splitlines()[0].strip()) if text else type(exc).__name__


#: ``C(`any name`)``: a categorical column whose name is not a Python name.
_QUOTED_C = re.compile(r"^C\(\s*`([^`]+)`\s*\)$")
_BACKQUOTED = re.compile(r"`([^`]+)`")


def _refuse_quoted_keywords(formula: str) -> None:
    """A Python keyword in backquotes inside a call (``C(`for`)``), which
    formulaic cannot read: one line naming the column and the remedy."""
    import keyword

    for match in _BACKQUOTED.finditer(formula):
        name = match.group(1)
        inside = formula[: match.start()].count("(") > formula[: match.start()].count(
            ")"
        )
        if inside and keyword.iskeyword(name):
            raise InvalidParameterError(
                f"--formula {formula!r}: column {name!r} is a Python keyword, which "
                "the formula parser cannot read inside a call such as C(); rename "
                "the column, or write it alone as `" + name + "` (a text column is "
                "categorical)"
            )


def _parse(formula: str) -> tuple[str, Any, dict[str, dict[str, Any]]]:
    """``(target, rhs, factors)``: formulaic's parse, every factor checked."""
    import_extra("formulaic", "a formula")
    from formulaic import Formula
    from formulaic.formula import SimpleFormula

    if len(formula) > MAX_FORMULA:  # before any data is read or fitted
        raise InvalidParameterError(
            f"--formula {formula[:60]!r}... is {len(formula)} characters long; a "
            f"model file stores a formula of at most {MAX_FORMULA}"
        )
    if "~" not in formula:
        raise InvalidParameterError(
            f"--formula {formula!r} has no '~'; write it as 'target ~ x1 + x2'"
        )
    if "{" in formula or "}" in formula:
        raise InvalidParameterError(
            f"--formula {formula!r}: {{...}} blocks run Python code and are not "
            "allowed; write arithmetic inside I(...), e.g. I(x ** 2)"
        )
    _refuse_quoted_keywords(formula)
    refuse_r_factor(formula)
    if not formula.split("~", 1)[0].strip():
        raise InvalidParameterError(
            f"--formula {formula!r} has no target on the left of '~'; write it as "
            "'target ~ x1 + x2'"
        )
    try:
        f = Formula(formula)
        target, rhs = str(f.lhs).strip(), f.rhs
    except Exception as exc:  # formulaic raises many parser errors
        reason = _one_line(exc)
        if isinstance(exc, SyntaxError) and exc.text and exc.text.strip():
            reason = f"{exc.text.strip()!r} is not a term ({exc.msg})"
        hint = stata_interaction_hint(formula) or comparison_hint(formula, reason)
        reason = reason if hint is None else f"{reason.rstrip('.')}; {hint}"
        raise InvalidParameterError(
            f"--formula {formula!r} cannot be parsed: {reason}"
        ) from None
    if "+" in target or "(" in target or target == "":
        raise InvalidParameterError(
            f"--formula {formula!r}: the left side must be one column (the "
            f"target), got {target!r}"
        )
    if not isinstance(rhs, SimpleFormula):
        raise InvalidParameterError(
            f"--formula {formula!r}: only one right-hand side is supported"
        )
    factors: dict[str, dict[str, Any]] = {}
    for term in rhs:
        for factor in term.factors:
            expr, method = str(factor.expr), factor.eval_method.value
            if method == "literal" and expr == "1" or expr in factors:
                continue
            quoted = _QUOTED_C.match(expr) if method == "python" else None
            if quoted is not None:  # C(`my col`): any column name, as formulaic
                factors[expr] = {
                    "kind": "categorical",
                    "column": quoted.group(1),
                    "levels": None,
                }
                continue
            treatment = treatment_factor(expr) if method == "python" else None
            if treatment is not None:  # C(rank, Treatment(4)): the reference
                factors[expr] = treatment
                continue
            try:
                if method not in ("lookup", "python"):
                    raise TermError(f"{expr!r}: a number can only be the intercept 1")
                factors[expr] = parse_factor(expr, lookup=method == "lookup")
            except TermError as exc:
                raise InvalidParameterError(f"--formula {formula!r}: {exc}") from None
    if target in _columns_of(factors):
        raise InvalidParameterError(
            f"--formula {formula!r}: the target {target!r} cannot also be a feature"
        )
    return target, rhs, factors


def _columns_of(factors: dict[str, dict[str, Any]]) -> set[str]:
    levels, numeric = columns_read(factors)
    return levels | numeric


def parse_formula(formula: str) -> tuple[str, str, set[str]]:
    """``(target, rhs, variables)`` of ``"target ~ rhs"``, every term checked.

    ``rhs`` is formulaic's normalised right-hand side (for messages);
    ``variables`` the data columns the terms read.
    """
    target, rhs, factors = _parse(formula)
    return target, str(rhs), _columns_of(factors) - {target}


def categorical_columns(formula: str) -> set[str]:
    """Columns the formula reads only inside ``C()``: read them as text
    (a column of codes ``1``, ``2``, ``x`` is categorical, not numbers with
    garbage). A column also used in a numeric term is not among them."""
    target, _, factors = _parse(formula)
    return read_as_levels(factors) - {target}


def formula_columns(columns: list[str], variables: set[str]) -> list[str]:
    """The formula's columns, in the file's order."""
    return [c for c in columns if c in variables]


def _unknown_columns(names: set[str], path: str, columns: list[str]) -> str:
    from .._column_hints import absent_column_hint

    # Stata's i.rank first: its "did you mean 'rank'" would make rank a number
    stata = [n for n in sorted(names) if stata_prefix_hint(n) is not None]
    name = (stata or sorted(names))[0]
    hint = absent_column_hint([name], columns, None)  # case, spaces, Unicode form
    hint = f": {stata_prefix_hint(name)}" if stata else hint
    hint = folded_hint(name, columns) or hint
    shown = ", ".join(repr(c) for c in columns[:20])
    more = f", ... ({len(columns) - 20} more)" if len(columns) > 20 else ""
    return (
        f"--formula uses {name!r}, which is not a column of {path}{hint}; "
        f"available: {shown}{more}"
    )


def _materialise(rhs: Any, frame: Any, formula: str, sparse: bool = False) -> Any:
    import warnings

    from formulaic import model_matrix

    # the frame's columns have no missing value (checked before); a NaN here
    # is a term's value (log of a negative number): na_action="ignore" lets
    # build_design name the term and its first row instead of formulaic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return model_matrix(
                rhs,
                frame,
                na_action="ignore",
                ensure_full_rank=True,
                output="sparse" if sparse else "pandas",
            )
        except Exception as exc:
            hint = shadowed_hint(formula, frame.columns)
            hint += integer_power_hint(str(exc)) + comparison_arithmetic_hint(str(exc))
            raise DataValidationError(
                f"--formula {formula!r}: {_one_line(exc)}{hint}"
            ) from None


def _stored_factors(
    spec: Any, factors: dict[str, dict[str, Any]], frame: Any, formula: str
) -> tuple[dict[str, Any], list[list[dict[str, Any]]], bool]:
    """Factors with their learnt state, the column blocks and the intercept."""
    uses: dict[str, set[bool]] = {}  # each factor's codings: reduced or not
    full: dict[str, str] = {}  # a term coding the factor with every level
    terms, intercept = [], False
    for structure in spec.structure:
        for scoped in structure.scoped_terms:
            if scoped.scale != 1:
                raise DataValidationError(
                    f"--formula {formula!r}: scaled terms are not supported"
                )
            if not scoped.factors:
                intercept = True
                continue
            block = []
            names = [str(sf.factor.expr) for sf in scoped.factors]
            for name, sf in zip(names, scoped.factors, strict=True):
                block.append({"factor": name, "reduced": bool(sf.reduced)})
                uses.setdefault(name, set()).add(bool(sf.reduced))
                if not sf.reduced:
                    full.setdefault(name, ":".join(names))
            terms.append(block)
    out: dict[str, Any] = {}
    for name, reduced in uses.items():
        kind, state = spec.encoder_state[name]
        parsed = factors[name]
        coding = (reduced, full.get(name, ""))
        out[name] = _learn(name, parsed, kind.value, state, frame, coding, formula)
    return out, terms, intercept


def _learn(
    name: str,
    parsed: dict[str, Any],
    kind: str,
    state: dict,
    frame: Any,
    coding: tuple[set[bool], str],
    formula: str,
) -> dict[str, Any]:
    """A factor's stored form with its learnt state; ``coding`` holds how
    the terms code it (True: against its reference, False: every level) and
    a term that takes every level (see :func:`._formula_contrasts.treatment_spec`)."""
    if kind == "categorical":
        if parsed["kind"] == "numeric" and parsed["expr"]["op"] != "column":
            raise DataValidationError(
                f"formula term {name!r} is categorical; only a column (or C(column)) "
                "can be"
            )
        from ..io import _jsonable

        column = parsed.get("column") or parsed["expr"]["name"]
        if parsed["kind"] == "numeric" and name != column:  # I(g) of a text column
            raise DataValidationError(
                f"formula term {name!r} is categorical (column {column!r} holds "
                f"levels, not numbers); write {column} or C({column}) for its levels"
            )
        levels = _jsonable(list(state["categories"]))
        if parsed.get("reference") is not None:
            return treatment_spec(name, column, levels, parsed, coding, formula)
        return {"kind": "categorical", "column": column, "levels": levels}
    if kind != "numerical" or parsed["kind"] != "numeric":
        raise DataValidationError(f"formula term {name!r} is not numeric ({kind})")
    with np.errstate(all="ignore"):
        _, expr = evaluate(
            parsed["expr"],
            lambda c: numeric_column(frame, c, name, "training data"),
            True,
        )
    return {"kind": "numeric", "expr": expr}


def fit_formula(
    frame: Any,
    formula: str,
    path: str,
    columns: list[str] | None = None,
    where: Where | None = None,
    sparse: bool | None = None,
) -> tuple[Any, list[str], bool, dict[str, Any], list[str]]:
    """``(X, feature_names, has_intercept, stored, notes)`` for the training frame.

    ``stored`` holds ``factors`` and ``terms`` (see :mod:`logistic.io._terms`),
    and ``sparse: True`` where X is a CSR matrix (``sparse``: True, False,
    or None to let the size decide, :func:`._formula_size.design_form`,
    which says so in ``notes``). ``columns`` (every column of the file)
    makes an unknown name an error that lists them; ``where`` names a frame
    row's place in the file.
    """
    target, rhs, factors = _parse(formula)
    absent = _columns_of(factors) - set(frame.columns)
    if absent:
        raise DataValidationError(
            _unknown_columns(absent, path, columns or list(frame.columns))
        )
    check_references(factors, frame)
    refuse_text_in_numbers(factors, frame)
    sparse, notes = design_form(rhs, factors, frame, formula, sparse)
    mm = _materialise(rhs, frame, formula, sparse)
    stored, terms, intercept = _stored_factors(mm.model_spec, factors, frame, formula)
    build = build_sparse_design if sparse else build_design
    X, names = build(frame, stored, terms, path, where)
    confirm_design(formula, X, names, mm, frame.columns, stored)
    encoding = {"factors": stored, "terms": terms, "sparse": True}
    if not sparse:  # a dense design: the field is left out, as before it existed
        del encoding["sparse"]
    return X, names, intercept, encoding, [] if notes is None else [notes]


def apply_formula(
    frame: Any,
    encoding: dict[str, Any],
    names: list[str],
    path: str,
    where: Where | None = None,
) -> Any:
    """Design matrix of new data from the stored factors and terms (``where``
    names a frame row's place in the file): a CSR matrix where the encoding
    says ``sparse``, as at fit, else dense."""
    from ..io._terms import check_factors, check_terms

    factors: Any = encoding.get("factors")
    terms: Any = encoding.get("terms")
    check_factors(factors, "<encoding>")
    check_terms(terms, factors, "<encoding>")
    # a bool, as a model file's is checked (io._encoding): "no" or 1 would
    # otherwise pick the sparse builder by its truth value
    sparse = check_flag(encoding.get("sparse", False), "<encoding>", "sparse")
    build = build_sparse_design if sparse else build_design
    X, made = build(frame, factors, terms, path, where)
    if made != list(names):
        raise ModelFormatError(
            f"the stored formula terms make columns {made[:5]}..., not the model's "
            f"features {list(names)[:5]}..."
        )
    return X


def unseen_levels(raw: Any, factors: dict[str, Any]) -> list[tuple[str, str]]:
    """``(column, description)`` of each ``C(column)`` of ``factors`` with
    values of ``raw`` (a :class:`._read.RawData`) not among its stored levels:
    ``"[5] (first at line 3); known: [1, 2, 3, 4]"``, as a text column's."""
    found: list[tuple[str, str]] = []
    for spec in factors.values():
        column = spec.get("column")
        if spec["kind"] != "categorical" or column in {n for n, _ in found}:
            continue
        levels = list(spec["levels"])
        known = set(levels)
        values = factor_values(formula_values(raw.table, column), levels)
        bad = [i for i, v in enumerate(values) if v not in known]
        if not bad:
            continue
        unseen = list({values[i] for i in bad})
        try:
            unseen.sort()
        except TypeError:
            unseen.sort(key=str)
        where = position(raw, bad[0])
        found.append(
            (column, f"{unseen[:10]!r} (first at {where}); known: {levels[:20]!r}")
        )
    return found
