"""Whether a fitted model's fit had an offset, and the warning when its
predictions are asked without one.

Convention (owned here): a model fitted with an offset (``fit(X, y,
offset=...)``, ``partial_fit`` chunks with one, a backend holding one, or a
command-line fit with ``--offset COLUMN``) predicts at offset 0 when its
prediction methods get no ``offset`` (``decision_function``,
``predict_proba``, ``predict_log_proba``, ``predict``, ``score``,
``predict_interval``; ``LogisticRegressionCV``'s, ``score`` with any
``scoring`` included), as statsmodels' GLM ``predict`` does; these
predictions differ from those of the fit's rows by each row's offset, so they
come with one
:class:`~logistic.MissingOffsetWarning` naming the offset and how to pass it.
``offset=0`` asks for predictions at offset 0 on purpose and warns nothing.

Where the mark comes from: ``fit``, ``partial_fit`` and
``LogisticRegressionCV.fit`` set :data:`OFFSET_ATTR`
(:func:`mark_fit_offset`), which a model file keeps as ``model.fitted.offset``
(:mod:`logistic.io._schema`); a file written before that field has it from
the command line's ``encoding``, which names the offset column (named in the
warning), or from the fit statistics of an unpenalized fit (``has_offset``).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

from ._exceptions import MissingOffsetWarning, user_stacklevel
from ._file_marks import FILE_RECORD_ATTR

__all__ = ["OFFSET_ATTR", "backend_has_offset", "mark_fit_offset", "prediction_offset"]

#: True where the model's fit had an offset, False where it had none; absent
#: where nothing records it (:func:`fit_offset`). Private, and a
#: fitted attribute by scikit-learn's rule (its name ends with ``_``).
OFFSET_ATTR = "_fit_offset_"


def mark_fit_offset(model: Any, had_offset: bool) -> None:
    """Record on ``model`` whether its fit had an offset."""
    setattr(model, OFFSET_ATTR, bool(had_offset))


def backend_has_offset(backend: Any) -> bool:
    """Whether a backend's rows carry offsets (in memory and array-API
    backends hold ``offset``; streamed ones say ``has_offset``)."""
    flag = getattr(backend, "has_offset", None)
    if isinstance(flag, bool):
        return flag
    return getattr(backend, "offset", None) is not None


def fit_offset(model: Any) -> tuple[bool, str | None]:
    """Whether ``model``'s fit had an offset (False where nothing records
    it), and its column's name where a command-line file names it."""
    record = vars(model).get(FILE_RECORD_ATTR)
    encoding = record[0] if record is not None else None
    column = None
    if isinstance(encoding, dict) and isinstance(encoding.get("offset"), str):
        column = encoding["offset"]
    had = vars(model).get(OFFSET_ATTR)
    if had is None:  # a file written before it recorded the mark
        stats = getattr(model, "fit_statistics_", None)
        labels = getattr(stats, "labels", None)
        had = column is not None or getattr(labels, "has_offset", False) is True
    return bool(had), column if had else None


def _is_zero(offset: Any) -> bool:
    return (
        isinstance(offset, numbers.Real)
        and not isinstance(offset, bool)
        and float(offset) == 0.0
    )


def prediction_offset(model: Any, offset: Any) -> Any:
    """The offset a prediction of ``model`` adds: ``offset`` as given, None
    for ``offset=0`` (predictions at offset 0, asked for); None with a
    :class:`~logistic.MissingOffsetWarning` where ``offset`` is None and the
    model's fit had one. A device array (torch, CuPy, array-API) comes back as
    a host copy (detached, from any device), which numpy reads and the device
    predictions put back on X's device, as fit's offsets."""
    from .backends.array_api import host_array

    offset = host_array(offset)
    if _is_zero(offset):
        return None
    if offset is None:
        had, column = fit_offset(model)
        if had:
            named = "an offset" if column is None else f"offset column {column!r}"
            how = (
                "one a row, as fit took them"
                if column is None
                else f"offset=df[{column!r}] for a DataFrame holding the column"
            )
            warnings.warn(
                f"{type(model).__name__} was fitted with {named}, but these "
                "predictions were given no offset: they are made at offset 0, "
                "not at the rows' offsets (each row's offset is added to its "
                f"logit, as in fit). Pass the rows' offsets as offset= ({how}), or "
                "offset=0 to predict at offset 0 and silence this warning.",
                MissingOffsetWarning,
                stacklevel=user_stacklevel(),
            )
    return offset
