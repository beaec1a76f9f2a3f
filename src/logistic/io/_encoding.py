"""The ``encoding`` and ``training`` sections of a model file, checked field by field.

Convention (owned here): :func:`encoding_from_dict` returns a new dict with
every field the readers use (``logistic.tabular.apply_design``, the CLI)
present and of the documented type, or raises :class:`ModelFormatError`
naming the field, what it holds and what is expected. Unknown fields are
dropped (an error with ``strict=True``). The encoding kinds are:

* ``"columns"``: ``columns`` lists ``{"name", "kind": "numeric"}`` and
  ``{"name", "kind": "categorical", "levels", "reference"}`` specs;
* ``"formula"``: ``formula`` (the text given at fit time, checked as one
  line but never parsed or run: the dict returned holds instead the text the
  checked terms render to, :func:`._terms.formula_text`, so what ``summary``
  and ``report`` show is what predicts), ``variables``, ``intercept``, the
  terms as data (:mod:`._terms`), optionally ``sparse`` (true: the design
  is a CSR matrix, at fit and at predict; absent or false: dense).
  Format 1.0 files stored the right-hand side as text (``rhs``) with
  formulaic's ``state``; that text is migrated by a restricted parser that
  accepts only the grammar of :mod:`._terms` and never evaluates anything;
  whatever it cannot read exactly is refused (refit with this version);
* ``"libsvm"``: ``n_features`` and ``zero_based``.

Each kind also holds ``target``, ``label`` (``{"column", "negative",
"positive"}``, or for a K-class target ``{"column", "levels"}``: 3 to
``MAX_CLASSES`` distinct values of one type in code order, the reference
first; or null), ``weights``, ``offset`` and ``feature_names`` (which
must be the names the encoding produces, one per model feature); grouped
binomial fits also hold ``binomial``: ``{"successes", "trials"}`` or
``{"successes", "failures"}``, column names only (``successes`` is the
target; see ``logistic.tabular._grouped``).
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

from .._exceptions import ModelFormatError
from .._feature_names import are_positional
from .._labels import MAX_CLASSES
from .._onehot import dummy_names
from ._compact import names_from_dict
from ._consistency import check_factor_names, check_unique
from ._terms import (
    TermError,
    check_factors,
    check_levels,
    check_terms,
    expression_columns,
    feature_names,
    formula_text,
    parse_factor,
)

__all__ = [
    "check_flag",
    "encoding_from_dict",
    "frame_encoding_from_dict",
]

_KINDS = ("columns", "formula", "libsvm")
_COMMON = (
    "kind",
    "target",
    "label",
    "weights",
    "offset",
    "feature_names",
    "binomial",
)
_FIELDS = {
    "columns": (*_COMMON, "columns"),
    "formula": (*_COMMON, "formula", "variables", "intercept", "factors", "terms")
    + ("sparse",),
    "libsvm": (*_COMMON, "n_features", "zero_based"),
}
_LEGACY_FORMULA = ("rhs", "state")
MAX_TEXT = 10_000


def _bad(path: str, field: str, what: str) -> ModelFormatError:
    return ModelFormatError(f"model file {path}: field '{field}' {what}")


#: The range of an integer label value: int64 (a label of a uint64 column
#: beyond it cannot be stored).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _scalar(value: Any) -> bool:
    """A label value: a string, a boolean, an integer within int64 or a
    finite float."""
    if isinstance(value, (str, bool)):
        return True
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, float):
        return math.isfinite(value)
    return False


def _name(value: Any, path: str, field: str, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if isinstance(value, str) and len(value) > MAX_TEXT:
        n = len(value)
        raise _bad(path, field, f"is a name of {n} characters; at most {MAX_TEXT}")
    if not isinstance(value, str) or not value:
        expected = "a column name or null" if optional else "a column name"
        raise _bad(path, field, f"must be {expected}, got {value!r:.60}")
    return value


def _names(value: Any, path: str, field: str, n: int | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _bad(path, field, "must be a list of non-empty strings")
    if n is not None and len(value) != n:
        raise _bad(path, field, f"must list {n} names, got {len(value)}")
    return list(value)


def _label(value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(path, "encoding.label", "must be null or an object")
    out = {
        "column": _name(
            value.get("column"), path, "encoding.label.column", optional=True
        )
    }
    if "levels" in value:  # a K-class target
        out["levels"] = _levels(value["levels"], path)
        return out
    for key in ("negative", "positive"):
        if key not in value:
            raise _bad(path, f"encoding.label.{key}", "is missing")
        if not _scalar(value[key]):
            raise _bad(
                path,
                f"encoding.label.{key}",
                "must be a string, boolean, finite number or integer within "
                f"64 bits, got {value[key]!r:.60}",
            )
        out[key] = value[key]
    kinds = {_kind(out["negative"]), _kind(out["positive"])}
    if len(kinds) != 1:
        raise _bad(
            path,
            "encoding.label",
            "must hold two values of one type (both strings, numbers or booleans)",
        )
    if _label_text(out["negative"]) == _label_text(out["positive"]):
        raise _bad(path, "encoding.label", "has the same negative and positive value")
    return out


def _levels(value: Any, path: str) -> list[Any]:
    """A K-class target's levels: distinct scalars of one type, 3 to MAX_CLASSES."""
    field = "encoding.label.levels"
    if not isinstance(value, list) or not 3 <= len(value) <= MAX_CLASSES:
        raise _bad(
            path,
            field,
            f"must be a list of 3 to {MAX_CLASSES} values, got {value!r:.60}",
        )
    for v in value:
        if not _scalar(v):
            raise _bad(
                path,
                field,
                "must hold strings, booleans, finite numbers or integers within "
                f"64 bits, got {v!r:.60}",
            )
    if len({_kind(v) for v in value}) != 1:
        raise _bad(path, field, "must hold values of one type (strings or numbers)")
    if len({_label_text(v) for v in value}) != len(value):
        raise _bad(path, field, f"holds the same level twice: {value!r:.80}")
    return list(value)


def _binomial(value: Any, target: Any, path: str) -> dict[str, str] | None:
    """Grouped data's count columns: successes (the target) and trials or failures."""
    if value is None:
        return None
    keys = sorted(value) if isinstance(value, dict) else None
    if keys not in (["successes", "trials"], ["failures", "successes"]):
        raise _bad(
            path,
            "encoding.binomial",
            'must be null, {"successes", "trials"} or {"successes", "failures"}',
        )
    out = {k: _name(value[k], path, f"encoding.binomial.{k}") for k in value}
    if out["successes"] != target:
        raise _bad(path, "encoding.binomial.successes", "must be the target column")
    return out


def _kind(v: Any) -> str:
    return "bool" if isinstance(v, bool) else "str" if isinstance(v, str) else "num"


def _label_text(v: Any) -> str:
    """A label as ``tabular._labels`` compares it (``1.0`` and ``1`` are one value)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _columns(
    value: Any, path: str, field: str = "encoding.columns"
) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(value, list):
        raise _bad(path, field, "must be a list of column specs")
    specs: list[dict[str, Any]] = []
    names: list[str] = []
    seen: set[str] = set()  # the specs' column names so far
    for i, spec in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(spec, dict):
            raise _bad(path, where, "must be an object")
        name = _name(spec.get("name"), path, f"{where}.name")
        if name in seen:
            raise _bad(
                path,
                f"{where}.name",
                f"is {name!r:.60}, which an earlier spec names too; expected one "
                "spec per input column (fit refuses a column named twice)",
            )
        seen.add(name)
        kind = spec.get("kind")
        if kind == "numeric":
            specs.append({"name": name, "kind": "numeric"})
            names.append(name)
        elif kind == "categorical":
            levels: Any = spec.get("levels")
            check_levels(levels, path, f"{where}.levels")
            if not all(isinstance(v, str) for v in levels):
                raise _bad(path, f"{where}.levels", "must hold strings")
            if spec.get("reference") != levels[0]:
                raise _bad(path, f"{where}.reference", "must be the first level")
            specs.append(
                {"name": name, "kind": kind, "levels": levels, "reference": levels[0]}
            )
            names.extend(dummy_names(name, levels))
        else:
            raise _bad(
                path,
                f"{where}.kind",
                f"is {kind!r:.40}; expected numeric or categorical",
            )
    return specs, names


def check_flag(value: Any, path: str, key: str) -> bool:
    """``encoding.<key>``, a boolean."""
    if not isinstance(value, bool):
        raise _bad(path, f"encoding.{key}", f"must be true or false, got {value!r:.40}")
    return value


def _formula(enc: dict[str, Any], out: dict[str, Any], path: str, n: int) -> None:
    text = enc.get("formula")
    if not isinstance(text, str) or re.search(r"[\x00-\x1f\x7f{}]", text):
        raise _bad(
            path,
            "encoding.formula",
            "must be the formula's text on one line, without {...} blocks",
        )
    if len(text) > MAX_TEXT:
        raise _bad(
            path,
            "encoding.formula",
            f"is {len(text)} characters long; a model file holds at most {MAX_TEXT}",
        )
    out["variables"] = _names(enc.get("variables"), path, "encoding.variables")
    check_unique(out["variables"], path, "encoding.variables")  # columns selected
    out["intercept"] = intercept = check_flag(enc.get("intercept"), path, "intercept")
    if "sparse" in enc:  # optional: the design as a CSR matrix (fit --sparse)
        out["sparse"] = check_flag(enc["sparse"], path, "sparse")
    factors: Any
    terms: Any
    if "terms" in enc or "factors" in enc:
        factors, terms = enc.get("factors"), enc.get("terms")
    elif all(k in enc for k in _LEGACY_FORMULA):
        factors, terms = _migrate(enc, out["feature_names"], path)
    else:
        raise _bad(path, "encoding.terms", "is missing (the formula's terms)")
    check_factors(factors, path)
    check_terms(terms, factors, path)
    used: set[str] = set()
    for spec in factors.values():
        used |= (
            {spec["column"]}
            if spec["kind"] == "categorical"
            else expression_columns(spec["expr"])
        )
    absent = sorted(used - set(out["variables"]))
    if absent:
        raise _bad(path, "encoding.variables", f"lacks column(s) {absent[:5]}")
    check_factor_names(factors, path)
    try:
        made = feature_names(factors, terms, n)
    except TermError as exc:
        raise _bad(path, "encoding.terms", str(exc)) from None
    check_unique(made, path, "encoding.terms")  # e.g. levels 2 and "2"
    if made != out["feature_names"]:
        raise _bad(path, "encoding.terms", "do not produce the stored feature_names")
    out["factors"], out["terms"] = factors, terms
    out["formula"] = formula_text(
        out["target"], out.get("binomial"), intercept, factors, terms
    )


def frame_encoding_from_dict(value: Any, n: int, path: str) -> dict[str, Any]:
    """The optional ``model.frame_encoding`` of a model fitted on a DataFrame with
    text columns (``encoding_``, :mod:`logistic._frame_encoding`), checked: the
    same column specs as ``encoding.columns``, one input column per spec, and
    ``n`` expanded feature names."""
    field = "model.frame_encoding"
    keys = {"kind", "input_columns", "columns", "feature_names"}
    if not isinstance(value, dict) or set(value) != keys or value["kind"] != "columns":
        raise _bad(path, field, f"must be an object with the keys {sorted(keys)}")
    specs, names = _columns(value["columns"], path, f"{field}.columns")
    inputs = _names(value["input_columns"], path, f"{field}.input_columns")
    if inputs != [spec["name"] for spec in specs]:
        raise _bad(path, f"{field}.input_columns", "must name each column spec")
    if value["feature_names"] != names or len(names) != n:
        raise _bad(
            path, f"{field}.feature_names", f"must be the {n} names the specs give"
        )
    return {
        "kind": "columns",
        "input_columns": inputs,
        "columns": specs,
        "feature_names": names,
    }


def encoding_from_dict(
    enc: Any,
    n_features: int,
    path: str,
    *,
    strict: bool = False,
    expanded: dict[int, list[str]] | None = None,
    positional: set[int] | None = None,
) -> dict[str, Any] | None:
    """The checked ``encoding`` section for a model with ``n_features``
    features (``expanded``: names made from rules by this load, reused:
    :func:`._compact.names_from_dict`; ``positional``: where given, the
    ``id`` of a ``feature_names`` list found to be ``x1 … xp`` is added, so
    that a save which writes that list as a rule does not test it again)."""
    if enc is None:
        return None
    if not isinstance(enc, dict):
        raise _bad(
            path, "encoding", f"must be null or an object, got {type(enc).__name__}"
        )
    kind = enc.get("kind")
    if kind not in _KINDS:
        raise _bad(path, "encoding.kind", f"is {kind!r:.40}; expected one of {_KINDS}")
    known = set(_FIELDS[kind]) | (set(_LEGACY_FORMULA) if kind == "formula" else set())
    extra = sorted(set(enc) - known)
    if extra and strict:
        raise _bad(path, f"encoding.{extra[0]}", "is not a known field")
    out: dict[str, Any] = {"kind": kind}
    optional = kind == "libsvm"
    out["target"] = _name(enc.get("target"), path, "encoding.target", optional=optional)
    out["label"] = _label(enc.get("label"), path)
    binomial = _binomial(enc.get("binomial"), out["target"], path)
    if binomial is not None:
        out["binomial"] = binomial
    for key in ("weights", "offset"):
        out[key] = _name(enc.get(key), path, f"encoding.{key}", optional=True)
    stored = enc.get("feature_names")
    out["feature_names"] = names_from_dict(  # a rule (1.5: ._compact) expanded
        stored, n_features, path, "encoding.feature_names", expanded
    )
    # a list: checked, unless it is x1 … xp (distinct non-empty strings),
    # which a wide LibSVM fit writes and which is tested without making a name
    # (a million names checked one by one took most of a compact save's time)
    if out["feature_names"] is stored:
        if are_positional(stored) and len(stored) == n_features:
            if positional is not None:
                positional.add(id(stored))
        else:
            _names(stored, path, "encoding.feature_names", n_features)
            check_unique(stored, path, "encoding.feature_names")
    if kind == "columns":
        out["columns"], names = _columns(enc.get("columns"), path)
        if names != out["feature_names"]:
            raise _bad(
                path, "encoding.columns", "do not produce the stored feature_names"
            )
    elif kind == "libsvm":
        if enc.get("n_features") != n_features or isinstance(
            enc.get("n_features"), bool
        ):
            raise _bad(path, "encoding.n_features", f"must be {n_features}")
        if not isinstance(enc.get("zero_based"), bool):
            raise _bad(path, "encoding.zero_based", "must be true or false")
        out["n_features"], out["zero_based"] = n_features, enc["zero_based"]
    else:
        _formula(enc, out, path, n_features)
    # the file's key order: a loaded model saved again writes the same bytes
    order = [k for k in enc if k in out] + [k for k in out if k not in enc]
    return {k: out[k] for k in order}


# -- format 1.0 formulas: text migrated by a restricted parser -----------------------
def _split(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise TermError(f"unbalanced brackets in {text!r:.80}")
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if depth:
        raise TermError(f"unbalanced brackets in {text!r:.80}")
    parts.append(text[start:].strip())
    return parts


def _fill_state(node: dict[str, Any], states: dict[str, Any]) -> dict[str, Any]:
    """The tree with formulaic's stored ``center``/``scale`` state in place."""
    out: dict[str, Any] = {
        k: (_fill_state(v, states) if isinstance(v, dict) else v)
        for k, v in node.items()
    }
    if "source" in out:
        state = states.get(out.pop("source"))
        if not isinstance(state, dict):
            raise TermError(f"no stored state for {node['source']!r}")
        out["center"] = state.get("center")
        if out["op"] == "scale":
            out["scale"] = state.get("scale")
        elif state.get("scale") is not None:
            raise TermError(f"unexpected scale in the state of {node['source']!r}")
    return out


def _legacy_factor(text: str, state: dict[str, Any]) -> dict[str, Any]:
    lookup = re.fullmatch(r"[A-Za-z_]\w*", text) is not None
    spec = parse_factor(text, lookup=lookup)
    encoder = state["encoder_state"].get(text)
    kind = encoder.get("kind") if isinstance(encoder, dict) else None
    if kind == "categorical":
        if spec["kind"] == "numeric" and spec["expr"]["op"] != "column":
            raise TermError(f"{text!r} is categorical but not a column")
        column = spec["column"] if spec["kind"] == "categorical" else text
        return {
            "kind": "categorical",
            "column": column,
            "levels": encoder.get("categories"),
        }
    if kind != "numerical" or spec["kind"] != "numeric":
        raise TermError(f"{text!r} has no usable stored state")
    return {
        "kind": "numeric",
        "expr": _fill_state(spec["expr"], state["transform_state"]),
    }


def _migrate(enc: dict[str, Any], names: list[str], path: str) -> tuple[dict, list]:
    rhs, state = enc["rhs"], enc["state"]
    try:
        if not isinstance(rhs, str):
            raise TermError("it must be text")
        if len(rhs) > MAX_TEXT:
            raise TermError(f"it is {len(rhs)} characters long; at most {MAX_TEXT}")
        if any(ch in rhs for ch in "{}`'\"\\;\n"):
            raise TermError(f"{rhs!r:.120} holds characters formulas may not use")
        if not (
            isinstance(state, dict)
            and isinstance(state.get("encoder_state"), dict)
            and isinstance(state.get("transform_state"), dict)
        ):
            raise TermError("field 'encoding.state' is not formulaic's stored state")
        factors: dict[str, Any] = {}
        blocks = []
        for term in _split(rhs, "+"):
            if term in ("1", "0"):
                continue
            block = _split(term, ":")
            for text in block:
                if text not in factors:
                    factors[text] = _legacy_factor(text, state)
            blocks.append(block)
        check_factors(factors, path)
        return factors, _match_coding(blocks, factors, names)
    except TermError as exc:
        raise _bad(
            path,
            "encoding.rhs",
            f"(a format 1.0 formula) cannot be migrated safely: {exc}; refit the "
            "model with this version of logistic",
        ) from None


def _match_coding(
    blocks: list[list[str]], factors: dict[str, Any], names: list[str]
) -> list[list[dict[str, Any]]]:
    """Each block's reduced/full coding: the one that gives the stored names."""
    terms, k = [], 0
    for block in blocks:
        categorical = [f for f in block if factors[f]["kind"] == "categorical"]
        for flags in itertools.product((True, False), repeat=len(categorical)):
            reduced = dict(zip(categorical, flags, strict=True))
            term = [{"factor": f, "reduced": reduced.get(f, False)} for f in block]
            try:
                made = feature_names(factors, [term], len(names) - k)
            except TermError:
                continue
            if names[k : k + len(made)] == made:
                terms.append(term)
                k += len(made)
                break
        else:
            raise TermError(
                f"the coding of {':'.join(block)!r} does not match the names"
            )
    if k != len(names):
        raise TermError("the terms do not produce the stored feature_names")
    return terms
