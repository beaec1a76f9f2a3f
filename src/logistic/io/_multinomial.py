"""The coefficients of a K-class (multinomial) model in a model file, validated.

Convention (owned here). A model with K > 2 classes
(docs/multinomial.md) is written in format :data:`MULTICLASS_VERSION` (1.2);
its ``model`` section differs from a binary one in three fields:

* ``coef``: K lists of ``n_features`` numbers, row k for ``classes[k]``
  (a binary file's ``coef`` is one flat list), or, for a wide model with few
  non-zero coefficients, K sparse objects (format 1.5: :mod:`._compact`);
* ``intercept``: a list of K numbers (a binary file's is one number);
* ``parametrization``: ``"reference"`` (unpenalized fits: row 0 of ``coef``
  and ``intercept[0]`` are exactly 0, the other rows log-odds against
  ``classes[0]``) or ``"symmetric"`` (scikit-learn's, penalized fits);
* ``separation`` (optional): the fit's ``separation_`` (null,
  ``"complete"``, ``"quasi-complete"`` or ``"unchecked"``), so the summary
  of a loaded model still says when the MLE does not exist.

``classes`` then holds K distinct labels (the binary layout's rule for two).
Which layout a file uses is read from ``coef`` (a list of lists or of
objects: K classes),
so binary files keep the format-1.1 layout byte for byte, and readers older
than 1.2 refuse a K-class file with a ``ModelFormatError`` (its ``coef`` is
not one list of numbers); a K-class model in a file that claims a version
before 1.2 is refused too. The covariance of a reference fit, when stored, has
``(K-1)(n_features + intercept)`` rows in the objective's order (equation by
equation, intercept last in each), named ``"{class}:{term}"``.
Every number is checked finite and exactly representable in ``coef_dtype``;
each failure is a :class:`~logistic.ModelFormatError` naming the file and
the field.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._fitted_params import fitted_param
from .._labels import MAX_CLASSES
from .._separation_kinds import SEPARATION_FOUND
from ._compact import coef_field, rows_from_dict
from ._fields import _bad, _finite_list

__all__ = [
    "MULTICLASS_VERSION",
    "coef_from_dict",
    "coef_to_dict",
    "covariance_size",
    "check_binary_only",
    "is_multiclass_section",
    "separation_from_dict",
]

#: The format version of K-class files (binary files stay at 1.1).
MULTICLASS_VERSION = (1, 2)
PARAMETRIZATIONS = ("reference", "symmetric")
SEPARATIONS = (None, *SEPARATION_FOUND, "unchecked")


def parametrization(model: Any) -> str:
    """``"reference"`` for an unpenalized fit whose first row is exactly 0,
    else ``"symmetric"``. Unpenalized: fitted strengths ``penalty_l1_`` and
    ``penalty_l2_`` both 0 (``penalty=None``, or a norm penalty with
    ``C=inf``), or ``penalty=None`` where they are not known."""
    first = np.append(np.asarray(model.coef_)[0], np.asarray(model.intercept_)[0])
    l1, l2 = getattr(model, "penalty_l1_", None), getattr(model, "penalty_l2_", None)
    if l1 is None or l2 is None:
        unpenalized = fitted_param(model, "penalty") is None
    else:
        unpenalized = l1 == 0 and l2 == 0
    return "reference" if unpenalized and not np.any(first) else "symmetric"


def check_binary_only(model: Any, path: str) -> None:
    """Refuse a K-class model whose ``penalty`` is Firth's, which fits two
    classes only (and so its FLIC and FLAC corrections): such a file holds no
    fit of its settings, and would be summarized under Firth's name."""
    if fitted_param(model, "penalty") == "firth":
        raise _bad(
            path,
            f"field 'model.params.penalty' is 'firth', which fits two classes "
            f"only, but the model has {len(model.classes_)} classes",
        )


def coef_to_dict(model: Any) -> dict[str, Any]:
    """``coef`` (K lists, or K sparse objects: :func:`._compact.coef_field`),
    ``intercept`` and ``parametrization`` of a K-class model."""
    coef = np.asarray(model.coef_)
    intercept = np.asarray(model.intercept_).ravel()
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
        raise ValueError("cannot save a model with non-finite coefficients")
    return {
        "coef": coef_field(coef),
        "intercept": [float(b) for b in intercept],
        "parametrization": parametrization(model),
        "separation": getattr(model, "separation_", None),
    }


def is_multiclass_section(d: Any) -> bool:
    """Whether a ``model`` section has the K-class layout (``coef`` of lists,
    or of sparse objects: :mod:`._compact`; a mix is refused by
    :func:`._compact.rows_from_dict`)."""
    coef = d.get("coef") if isinstance(d, dict) else None
    return (
        isinstance(coef, list)
        and len(coef) > 0
        and all(isinstance(row, (list, dict)) for row in coef)
    )


def _exact(values: np.ndarray, dtype: np.dtype, path: str, where: str) -> np.ndarray:
    out = values.astype(dtype, copy=False)  # float64: no copy of K x p
    if out is not values and not np.array_equal(out.astype(np.float64), values):
        raise _bad(
            path, f"field '{where}' holds values that are not exact {dtype.str!r}"
        )
    return out


def separation_from_dict(d: dict[str, Any], path: str) -> str | None:
    """The optional ``separation`` field of a K-class section, checked."""
    value = d.get("separation")
    if value not in SEPARATIONS:
        raise _bad(
            path,
            f"field 'model.separation' is {value!r:.40}; expected null or one of "
            f"{SEPARATIONS[1:]}",
        )
    return value  # type: ignore[no-any-return]


def coef_from_dict(
    d: dict[str, Any], n: int, dtype: np.dtype, path: str
) -> tuple[np.ndarray, np.ndarray, str]:
    """``(coef (K, n), intercept (K,), parametrization)`` of a K-class section,
    every field checked (K from ``coef``; ``classes`` checked by the caller)."""
    rows = d["coef"]
    K = len(rows)
    if not 3 <= K <= MAX_CLASSES:
        raise _bad(
            path,
            f"field 'model.coef' holds {K} rows; a K-class model has 3 to "
            f"{MAX_CLASSES} (a binary model's coef is one flat list)",
        )
    if any(isinstance(r, dict) for r in rows):  # compact (._compact)
        coef = rows_from_dict(rows, n, path)
    else:
        coef = np.vstack(
            [_finite_list(r, n, path, f"model.coef[{k}]") for k, r in enumerate(rows)]
        ).reshape(K, n)
    intercept = d.get("intercept")
    if not isinstance(intercept, list) or len(intercept) != K:
        got = (
            len(intercept) if isinstance(intercept, list) else type(intercept).__name__
        )
        raise _bad(
            path,
            f"field 'model.intercept' must be a list of {K} numbers (one per row "
            f"of 'model.coef'), got {got}",
        )
    b = _finite_list(intercept, K, path, "model.intercept")
    coef = _exact(coef, dtype, path, "model.coef")
    b = _exact(b, dtype, path, "model.intercept")
    kind = d.get("parametrization")
    if kind not in PARAMETRIZATIONS:
        raise _bad(
            path,
            f"field 'model.parametrization' is {kind!r:.40}; expected one of "
            f"{PARAMETRIZATIONS}",
        )
    if kind == "reference" and (np.any(coef[0]) or b[0] != 0):
        raise _bad(
            path,
            "field 'model.coef' row 0 and 'model.intercept[0]' must be 0 in the "
            "reference parametrization",
        )
    return coef, b, kind


def covariance_size(model: Any) -> int:
    """Rows of a K-class model's stored covariance: ``(K-1) q`` for the
    reference parametrization, ``K q`` for the symmetric one."""
    K, p = np.asarray(model.coef_).shape
    q = p + int(bool(fitted_param(model, "fit_intercept")))
    return (K - 1) * q if parametrization(model) == "reference" else K * q
