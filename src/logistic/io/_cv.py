"""The optional ``model.cross_validation`` field: how the strength was chosen.

Written by ``logistic fit --cv K`` (:mod:`logistic.cli._cv`) as the fitted
estimator's ``cross_validation_`` attribute, and by ``save`` of a fitted
``LogisticRegressionCV`` (:mod:`logistic.io._cv_estimator`, ``path`` null);
absent from every other model file (files without it load as before).
Layout, all plain JSON::

    {"folds": K, "splitter": str, "scoring": str, "rule": "min" | "1se",
     "penalty": "l1" | "l2" | "elasticnet", "l1_ratio": number,
     "alphas": [n numbers > 0, decreasing], "Cs": [n numbers > 0],
     "mean": [n numbers], "std_err": [n numbers ≥ 0], "n_nonzero": [n numbers ≥ 0],
     "best_index": int, "index_1se": int, "chosen_index": int,
     "alpha": number, "C": number,
     "path": null | {"coefs": n lists of n_features numbers},
     "l1_ratio_grid": {"l1_ratios": [m numbers in [0, 1]], "chosen_index": int,
                       "mean": m lists of n numbers, "std_err": m lists of n
                       numbers ≥ 0, "n_nonzero": m lists of n numbers ≥ 0}}

``l1_ratio_grid`` (optional; written by ``--l1-ratios``) holds every mixing's
curve on the same ``alphas``; the fields above are then those of the chosen
mixing, ``l1_ratios[chosen_index] == l1_ratio`` and its curve the record's
``mean``, ``std_err`` and ``n_nonzero``. It belongs to ``penalty:
"elasticnet"`` only, and the model's ``params`` are that penalty with the
chosen ``l1_ratio``.

``path`` is the coefficient path on all rows along ``alphas`` (for the
report's figure), stored only when it is small (:data:`MAX_PATH_VALUES`).
Reading checks every field's type, length and finiteness and raises
:class:`ModelFormatError` naming the field.
"""

from __future__ import annotations

from typing import Any

from .._exceptions import ModelFormatError
from ._fields import is_finite_number as _number

__all__ = [
    "MAX_L1_RATIOS",
    "MAX_PATH_VALUES",
    "MAX_POINTS",
    "cross_validation_from_dict",
    "score_shown",
]

#: Longest strength sequence a model file may hold.
MAX_POINTS = 10_000
#: Most mixings an ``l1_ratio_grid`` may hold.
MAX_L1_RATIOS = 1_000
#: The coefficient path is stored only up to this many numbers.
MAX_PATH_VALUES = 200_000

_WHERE = "model.cross_validation"


def score_shown(scoring: str) -> tuple[str, float]:
    """How a record's ``scoring`` is shown: its label and the sign that turns
    the stored mean scores into the values shown. ``neg_log_loss`` (the
    default, and ``logistic fit --cv``'s) is shown as "log loss", a loss
    (sign -1); any other score by its scikit-learn name, as stored (the
    folds' scores, higher better: ``accuracy``, ``roc_auc``, ...)."""
    if scoring == "neg_log_loss":
        return "log loss", -1.0
    return scoring, 1.0


def _bad(path: str, key: str, what: str) -> ModelFormatError:
    return ModelFormatError(f"model file {path}: field '{_WHERE}.{key}' {what}")


def _get(d: dict[str, Any], key: str) -> Any:
    return d.get(key)


def _numbers(d: dict, key: str, n: int | None, path: str, low: float | None) -> list:
    v = _get(d, key)
    if not isinstance(v, list) or not 0 < len(v) <= MAX_POINTS:
        raise _bad(path, key, f"must be a list of 1 to {MAX_POINTS} numbers")
    if n is not None and len(v) != n:
        raise _bad(path, key, f"must hold {n} numbers (one per alpha), got {len(v)}")
    if not all(_number(x) and (low is None or x >= low) for x in v):
        bound = "" if low is None else f" ≥ {low:g}"
        raise _bad(path, key, f"must hold finite numbers{bound} only")
    return [float(x) for x in v]  # an integer read as the float it stands for


def _index(d: dict, key: str, n: int, path: str) -> int:
    v = _get(d, key)
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < n:
        raise _bad(path, key, f"must be an index in [0, {n}), got {v!r:.40}")
    return v


def _text(d: dict, key: str, path: str, allowed: tuple[str, ...] = ()) -> str:
    v = _get(d, key)
    if not isinstance(v, str) or len(v) > 200 or (allowed and v not in allowed):
        want = f"one of {list(allowed)}" if allowed else "a short string"
        raise _bad(path, key, f"must be {want}, got {v!r:.40}")
    return v


def cross_validation_from_dict(
    value: Any, n_features: int, path: str = "<memory>", model: Any = None
) -> dict[str, Any]:
    """The validated ``model.cross_validation`` section (see the module
    docstring) of ``model`` (its ``penalty`` and ``l1_ratio``, checked
    against an ``l1_ratio_grid``'s choice; None: not checked)."""
    if not isinstance(value, dict):
        raise ModelFormatError(f"model file {path}: field '{_WHERE}' must be an object")
    d: dict[str, Any] = value
    folds = _get(d, "folds")
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= 10**6:
        raise _bad(path, "folds", f"must be an integer ≥ 2, got {folds!r:.40}")
    out: dict[str, Any] = {"folds": folds}
    out["splitter"] = _text(d, "splitter", path)
    out["scoring"] = _text(d, "scoring", path)
    out["rule"] = _text(d, "rule", path, ("min", "1se"))
    out["penalty"] = _text(d, "penalty", path, ("l1", "l2", "elasticnet"))
    ratio = _get(d, "l1_ratio")
    if not (_number(ratio) and 0 <= ratio <= 1):
        raise _bad(path, "l1_ratio", f"must be a number in [0, 1], got {ratio!r:.40}")
    out["l1_ratio"] = float(ratio)
    alphas = _numbers(d, "alphas", None, path, 0.0)
    n = len(alphas)
    if any(b > a for a, b in zip(alphas, alphas[1:], strict=False)):
        raise _bad(path, "alphas", "must be decreasing")
    out["alphas"] = alphas
    for key, low in (("Cs", 0.0), ("mean", None), ("std_err", 0.0), ("n_nonzero", 0.0)):
        out[key] = _numbers(d, key, n, path, low)
    for key in ("best_index", "index_1se", "chosen_index"):
        out[key] = _index(d, key, n, path)
    for key in ("alpha", "C"):
        v = _get(d, key)
        if not (_number(v) and v >= 0):
            raise _bad(path, key, f"must be a finite number ≥ 0, got {v!r:.40}")
        out[key] = float(v)
    out["path"] = _path(_get(d, "path"), n, n_features, path)
    if _get(d, "l1_ratio_grid") is not None:
        out["l1_ratio_grid"] = _l1_ratio_grid(d["l1_ratio_grid"], out, path)
        if model is not None:
            _check_chosen_mixing(out, model, path)
    return out


def _check_chosen_mixing(out: dict[str, Any], model: Any, path: str) -> None:
    """The elastic-net mixing chosen by the grid is the model's own."""
    penalty, ratio = getattr(model, "penalty", None), getattr(model, "l1_ratio", None)
    if penalty != "elasticnet" or ratio != out["l1_ratio"]:
        raise _bad(
            path, "l1_ratio",
            f"is {out['l1_ratio']!r}, the mixing chosen by 'l1_ratio_grid', but "
            f"'model.params' have penalty={penalty!r:.20}, l1_ratio={ratio!r:.20}",
        )  # fmt: skip


def _l1_ratio_grid(value: Any, out: dict[str, Any], path: str) -> dict[str, Any]:
    """The validated ``l1_ratio_grid`` of a record whose other fields are
    ``out`` (see the module docstring)."""
    key = "l1_ratio_grid"
    if not isinstance(value, dict):
        raise _bad(path, key, "must be an object")
    if out["penalty"] != "elasticnet":
        raise _bad(
            path, key,
            f"is a grid of elastic-net mixings, but 'penalty' is {out['penalty']!r}",
        )  # fmt: skip
    ratios = value.get("l1_ratios")
    if (
        not isinstance(ratios, list)
        or not 0 < len(ratios) <= MAX_L1_RATIOS
        or not all(_number(r) and 0 <= r <= 1 for r in ratios)
    ):
        raise _bad(
            path, f"{key}.l1_ratios",
            f"must be a list of 1 to {MAX_L1_RATIOS} numbers in [0, 1]",
        )  # fmt: skip
    m, n = len(ratios), len(out["alphas"])
    grid: dict[str, Any] = {"l1_ratios": [float(r) for r in ratios]}
    grid["chosen_index"] = _index(value, "chosen_index", m, path)
    if grid["l1_ratios"][grid["chosen_index"]] != out["l1_ratio"]:
        raise _bad(
            path, f"{key}.chosen_index",
            f"must point at the chosen l1_ratio {out['l1_ratio']!r}, not at "
            f"{grid['l1_ratios'][grid['chosen_index']]!r}",
        )  # fmt: skip
    for name, low in (("mean", None), ("std_err", 0.0), ("n_nonzero", 0.0)):
        rows = value.get(name)
        if not isinstance(rows, list) or len(rows) != m:
            raise _bad(path, f"{key}.{name}", f"must be a list of {m} lists")
        where = [f"{key}.{name}[{i}]" for i in range(m)]
        grid[name] = [
            _numbers({w: row}, w, n, path, low)
            for w, row in zip(where, rows, strict=True)
        ]
        if grid[name][grid["chosen_index"]] != out[name]:  # the chosen curve
            raise _bad(
                path, where[grid["chosen_index"]],
                f"must be the chosen mixing's '{name}' (of the record's curve)",
            )  # fmt: skip
    return grid


def _path(value: Any, n: int, n_features: int, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    coefs = value.get("coefs") if isinstance(value, dict) else None
    if not isinstance(coefs, list) or len(coefs) != n:
        raise _bad(path, "path.coefs", f"must be a list of {n} coefficient lists")
    if n * n_features > MAX_PATH_VALUES:
        raise _bad(path, "path.coefs", f"holds more than {MAX_PATH_VALUES} values")
    for i, row in enumerate(coefs):
        if (
            not isinstance(row, list)
            or len(row) != n_features
            or not all(_number(x) for x in row)
        ):
            raise _bad(
                path, f"path.coefs[{i}]", f"must hold {n_features} finite numbers"
            )
    return {"coefs": [[float(x) for x in row] for row in coefs]}
