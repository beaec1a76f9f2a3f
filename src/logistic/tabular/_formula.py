"""Formulas (formulaic) whose state is stored as JSON and re-applied at predict.

Convention (owned here): ``"y ~ a + C(b)"`` — the left side must be one column
(the target); the right side is materialised by formulaic with
``ensure_full_rank=True`` (treatment contrasts, first level the reference)
and ``na_action="raise"`` (missing values are handled before). The model
spec's state is stored as plain JSON: ``encoder_state`` (factor kind and
categories) and ``transform_state`` (e.g. the mean used by ``center``). At
fit time the stored state is re-applied to the training rows and must give
the same matrix, so a formula whose state cannot be stored is refused rather
than silently changed. Categories not seen at fit time are an error.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np

from .._exceptions import DataValidationError

__all__ = ["parse_formula", "formula_columns", "fit_formula", "apply_formula"]


def parse_formula(formula: str) -> tuple[str, str, set[str]]:
    """``(target, rhs, variables)`` of ``"target ~ rhs"``."""
    from formulaic import Formula

    if "~" not in formula:
        raise DataValidationError(
            f"--formula {formula!r} has no '~'; write it as 'target ~ x1 + x2'"
        )
    try:
        f = Formula(formula)
        target = str(f.lhs).strip()
        rhs = str(f.rhs)
        variables = set(f.required_variables)
    except Exception as exc:  # formulaic raises many parser errors
        raise DataValidationError(
            f"--formula {formula!r} cannot be parsed: {_one_line(exc)}"
        ) from None
    if "+" in target or "(" in target or target == "":
        raise DataValidationError(
            f"--formula {formula!r}: the left side must be one column (the "
            "target), got "
            f"{target!r}"
        )
    return target, rhs, variables - {target}


def _one_line(exc: BaseException) -> str:
    """formulaic's message without terminal colours and the ASCII-art pointer."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _unknown_name(text: str, path: str, columns: list[str] | None) -> str | None:
    """A clear message for a formula naming a column the file lacks, or None."""
    match = re.search(r"name '([^']+)' is not defined", text)
    if match is None or columns is None:
        return None
    import difflib

    name = match.group(1)
    close = difflib.get_close_matches(name, columns, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(repr(c) for c in columns[:20])
    more = f", ... ({len(columns) - 20} more)" if len(columns) > 20 else ""
    return (
        f"--formula uses {name!r}, which is not a column of {path}{hint}; "
        f"available: {shown}{more}"
    )


def formula_columns(columns: list[str], rhs: str, variables: set[str]) -> list[str]:
    """Data columns a right-hand side uses (also inside transforms like center(x))."""
    used = []
    for c in columns:
        pattern = r"(?<![\w.])" + re.escape(c) + r"(?![\w.])"
        if c in variables or re.search(pattern, rhs):
            used.append(c)
    return used


def _jsonable(value: Any) -> Any:
    from ..io import _jsonable as to_json

    return to_json(value)


def _state_to_json(spec: Any) -> dict[str, Any]:
    encoders = {}
    for name, (kind, state) in spec.encoder_state.items():
        entry: dict[str, Any] = {"kind": kind.value}
        if "categories" in state:
            entry["categories"] = _jsonable(list(state["categories"]))
        encoders[name] = entry
    return {
        "encoder_state": encoders,
        "transform_state": _jsonable(spec.transform_state),
    }


def _spec_from_json(rhs: str, state: dict[str, Any]) -> Any:
    from formulaic import Formula, ModelSpec
    from formulaic.parser.types.factor import Factor

    encoders = {
        name: (
            Factor.Kind(e["kind"]),
            {"categories": e["categories"]} if "categories" in e else {},
        )
        for name, e in state["encoder_state"].items()
    }
    return ModelSpec(
        formula=Formula(rhs),
        ensure_full_rank=True,
        na_action="raise",
        encoder_state=encoders,
        transform_state=state["transform_state"],
    )


def _materialise(
    spec_or_rhs: Any, frame: Any, path: str, columns: list[str] | None = None
) -> Any:
    from formulaic import model_matrix

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if isinstance(spec_or_rhs, str):
                mm = model_matrix(
                    spec_or_rhs, frame, na_action="raise", ensure_full_rank=True
                )
            else:
                mm = spec_or_rhs.get_model_matrix(frame)
        except Exception as exc:
            text = _one_line(exc)
            message = _unknown_name(text, path, columns)
            raise DataValidationError(message or f"formula on {path}: {text}") from None
    for w in caught:
        if "categor" in str(w.message):
            text = str(w.message).split(":", 1)[-1].split(". They")[0].strip()
            text = re.sub(r"np\.\w+\(([^()]*)\)", r"\1", text)  # np.int64(9) → 9
            raise DataValidationError(
                f"{path} has categories not seen at fit time: {text}; the model only "
                "knows the levels stored in the model file"
            )
    return mm


def fit_formula(
    frame: Any, rhs: str, path: str, columns: list[str] | None = None
) -> tuple[np.ndarray, list[str], bool, dict]:
    """``(X, feature_names, has_intercept, state)`` for the training frame.

    ``columns`` (every column of the file) makes an unknown name an error
    that lists them.
    """
    mm = _materialise(rhs, frame, path, columns)
    state = _state_to_json(mm.model_spec)
    names = [str(c) for c in mm.columns]
    X = np.asarray(mm.values, dtype=np.float64)
    check = min(len(frame), 2000)
    again = _materialise(_spec_from_json(rhs, state), frame.iloc[:check], path)
    if list(again.columns) != names or not np.allclose(
        np.asarray(again.values, dtype=np.float64), X[:check], rtol=1e-12, atol=0
    ):
        raise DataValidationError(
            f"--formula {rhs!r}: a transform's state cannot be stored in a model file; "
            "precompute that column in the data instead"
        )
    has_intercept = "Intercept" in names
    if has_intercept:
        keep = [i for i, n in enumerate(names) if n != "Intercept"]
        X, names = X[:, keep], [names[i] for i in keep]
    return X, names, has_intercept, state


def apply_formula(
    frame: Any, rhs: str, state: dict[str, Any], names: list[str], path: str
) -> np.ndarray:
    """Design matrix of new data with the stored formula state."""
    mm = _materialise(_spec_from_json(rhs, state), frame, path)
    cols = [str(c) for c in mm.columns]
    idx = {c: i for i, c in enumerate(cols)}
    absent = [n for n in names if n not in idx]
    if absent:
        raise DataValidationError(
            f"formula on {path} did not produce column(s) {absent}"
        )
    values = np.asarray(mm.values, dtype=np.float64)
    return values[:, [idx[n] for n in names]]
