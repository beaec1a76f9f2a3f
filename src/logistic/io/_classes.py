"""``model.classes`` of a model file: the labels and the type they are read back as.

Convention (owned here): labels of a numeric, boolean or text dtype are
stored with that dtype (``dtype``, ``values``); an object array (a pandas
object or text column) of text, of integers, of numbers or of booleans as
``object`` with those values, read back as an object array of the same
Python types, so that a loaded model's ``classes_`` equal the fitted
one's. Labels a file would read back as other values (dates, bytes, mixed
kinds) are refused at save. At load every value is checked against its
dtype: exactly representable, distinct, as many as the model has classes;
a dtype of either byte order gives labels of this machine's
(:func:`._fields.native_dtype`).
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import numpy as np

from ._fields import _bad, _field, _jsonable, native_dtype

__all__ = ["classes_from_dict", "classes_to_dict"]

#: A dtype of labels, any byte order (read as this machine's:
#: :func:`._fields.native_dtype`); matched whole: ``$`` of ``re.match``
#: let a trailing line break through to ``np.dtype``, a bare TypeError from
#: ``model_from_dict`` (a file's text check refuses the character first).
_DTYPE_RE = re.compile(r"[<>|=]?(?:[iu][1248]|f[48]|b1|U[0-9]{1,4})")

#: The kinds of labels an object array of classes may hold (one kind for all:
#: text, integers, numbers, booleans), read back as the same Python types.
_OBJECT_KINDS = ((str,), (int, np.integer), (float, np.floating), (bool, np.bool_))


def classes_to_dict(classes: np.ndarray) -> dict[str, Any]:
    """``model.classes``: labels of a numeric, boolean or text dtype as that dtype;
    an object array (a pandas object or text column) of text, of integers,
    of numbers or of booleans as ``object`` with those values, so that the
    loaded model's labels equal the fitted one's. Other labels (bytes,
    dates, mixed types) are refused: a file would read them back as other
    values."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "biufU":
        return {"dtype": classes.dtype.str, "values": classes.tolist()}
    if classes.dtype.kind != "O":
        _refuse_classes(f"of dtype {classes.dtype}")
    values = classes.tolist()
    for types in _OBJECT_KINDS:
        boolean = types[0] is bool
        same = all(
            isinstance(v, types) and isinstance(v, (bool, np.bool_)) == boolean
            for v in values
        )
        if same and all(not isinstance(v, float) or np.isfinite(v) for v in values):
            return {"dtype": "object", "values": [_jsonable(v) for v in values]}
    _refuse_classes(f"{', '.join(sorted({type(v).__name__ for v in values}))} values")


def _refuse_classes(what: str) -> NoReturn:
    raise TypeError(
        f"cannot save a model whose classes_ are {what}: a model file holds "
        "labels that are text, integers, numbers or booleans, one kind for all; "
        "fit with such labels (e.g. y.astype(str))"
    )


_DTYPE_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "b": (bool,),
    "i": (int,),
    "u": (int,),
    "f": (int, float),
    "U": (str,),
}


def classes_from_dict(d: Any, path: str, k: int = 2) -> np.ndarray:
    """The ``k`` distinct labels of ``model.classes`` (2, or one per row of a
    K-class ``model.coef``), each exactly representable in its dtype."""
    dtype = _field(d, "dtype", str, path, "model.classes.")
    values = _field(d, "values", list, path, "model.classes.")
    if len(values) != k or not all(
        isinstance(v, (str, int, float, bool)) for v in values
    ):
        raise _bad(path, f"field 'model.classes.values' must hold {k} distinct labels")
    if dtype == "object":  # labels of one kind (classes_to_dict)
        kinds = {(type(v), isinstance(v, bool)) for v in values}
        if len(kinds) != 1 or len(set(values)) != k:
            raise _bad(
                path,
                f"field 'model.classes.values' must hold {k} distinct labels of "
                "one kind (text, integers, numbers or booleans)",
            )
        out = np.empty(k, dtype=object)
        out[:] = values
        return out
    if not _DTYPE_RE.fullmatch(dtype):
        raise _bad(
            path, f"field 'model.classes.dtype' {dtype!r} is not an allowed dtype"
        )
    kind = np.dtype(dtype).kind
    wanted = _DTYPE_VALUE_TYPES[kind]
    if not all(
        isinstance(v, wanted) and (kind == "b") == isinstance(v, bool) for v in values
    ):
        raise _bad(
            path,
            f"field 'model.classes.values' {values!r:.80} do not match dtype {dtype!r}",
        )
    try:
        classes = np.array(values, dtype=native_dtype(dtype))
    except (TypeError, ValueError, OverflowError):
        classes = None
    if classes is None or classes.tolist() != values:
        raise _bad(
            path,
            f"field 'model.classes.values' {values!r:.80} do not fit dtype {dtype!r} "
            "exactly",
        )
    if len(np.unique(classes)) != k:
        raise _bad(path, f"field 'model.classes.values' must hold {k} distinct labels")
    return classes
