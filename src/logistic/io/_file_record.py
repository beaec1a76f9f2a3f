"""What a model read by :func:`logistic.load` keeps of its file's ``encoding``,
``training`` and covariance, so that saving it again writes them back.

Convention (owned here): :func:`apply_encoding` sets on the model what ``load``
derives from a command-line file's ``encoding`` (``target_name_``; for text
columns the frame encoding ``encoding_`` that predict on a raw DataFrame
applies) and :func:`keep_record` stores the file's checked ``encoding``,
``training`` and covariance with what was derived, under
:data:`logistic._file_marks.FILE_RECORD_ATTR` (forgotten by any new fit).
``save`` of such a model, given no ``encoding`` or no ``training``, writes the
file's (:func:`recorded_sections`): the label mapping, the weights and offset
columns, the data's fingerprint, the options and warnings of the fit survive a
``save(load(path), other)``, whose ``encoding`` the command line reads (an
offset column left out would be left out of ``predict``'s logits, silently).
The fields ``load`` derived are not written into ``model`` a second time, the
``encoding`` written is the file's as it holds it (:func:`as_written`: the
formula as typed, no field filled in that it lacks) and the covariance the
file's own (:func:`file_covariance`), so that such a save writes the file's
bytes again but for ``created`` and the checksum.
"""

from __future__ import annotations

from typing import Any

from .._file_marks import FILE_RECORD_ATTR
from ._statistics import KEY as STATISTICS_KEY

__all__ = [
    "apply_encoding",
    "as_written",
    "file_covariance",
    "keep_record",
    "recorded_sections",
]


def apply_encoding(model: Any, encoding: dict[str, Any] | None) -> dict[str, Any]:
    """Set what a command-line file's ``encoding`` tells of the model: the
    target column's name as ``target_name_``, and for text columns the frame
    encoding predict applies to a raw DataFrame (when the file's ``model``
    has none). Returns the ``model`` fields so derived, by their file names."""
    enc = encoding or {}
    derived: dict[str, Any] = {}
    if isinstance(enc.get("target"), str):
        model.target_name_ = enc["target"]  # the fit's target column
        derived["target_name"] = enc["target"]
    if enc.get("kind") == "columns" and getattr(model, "encoding_", None) is None:
        # a CLI model with text columns: predict on a raw DataFrame encodes its
        # columns with the file's levels (logistic._frame_encoding)
        if any(spec["kind"] == "categorical" for spec in enc["columns"]):
            model.encoding_ = {
                "kind": "columns",
                "input_columns": [spec["name"] for spec in enc["columns"]],
                "columns": list(enc["columns"]),
                "feature_names": list(enc["feature_names"]),
            }
            derived["frame_encoding"] = model.encoding_
    return derived


def keep_record(model: Any, mf: Any, derived: dict[str, Any]) -> None:
    """Store the checked ``encoding``, ``training`` and covariance of the file
    ``mf`` (a :class:`~logistic.io.ModelFile`) on its loaded ``model``, with
    the ``model`` fields :func:`apply_encoding` derived."""
    covariance = None
    if mf.covariance is not None:
        covariance = (mf.covariance, mf.covariance_names)
    encoding = as_written(mf.encoding, mf.file_encoding)
    setattr(model, FILE_RECORD_ATTR, (encoding, mf.training, covariance, derived))


def as_written(checked: Any, written: Any) -> Any:
    """The checked ``encoding`` of a file (what the readers get) as the file
    ``written`` holds it, for a save to write back: the formula as typed, not
    the text its terms render to (what ``load`` shows), and no field the
    reader filled in as null where the file has none (a LibSVM file's
    ``weights`` and ``offset``)."""
    if not isinstance(checked, dict) or not isinstance(written, dict):
        return checked
    out = {k: v for k, v in checked.items() if k in written or v is not None}
    if checked.get("kind") == "formula" and isinstance(written.get("formula"), str):
        out["formula"] = written["formula"]
    return out


def file_covariance(model: Any) -> tuple[Any, list[str] | None] | None:
    """The ``(covariance, names)`` of the file ``model`` was loaded from (not
    fitted since), as read: ``save`` writes them back bit for bit, where
    the covariance recomputed from the fit statistics load rebuilt from them
    would differ by two inversions' rounding. None without one."""
    record = getattr(model, FILE_RECORD_ATTR, None)
    return None if record is None else record[2]


def recorded_sections(
    model: Any,
    model_section: dict[str, Any],
    encoding: Any,
    training: Any,
    covariance_given: bool,
) -> tuple[Any, Any]:
    """The ``encoding`` and ``training`` ``save`` writes: each as given, or,
    when None, the one of the file ``model`` was loaded from (if it was, and
    has not been fitted since). Where the file's ``encoding`` is written, the
    ``model`` fields load derived from it and still hold are taken out of
    ``model_section``. A covariance given to ``save`` is not the file's, so
    the file's fit statistics (which belong with its covariance) are not
    written with it."""
    record = getattr(model, FILE_RECORD_ATTR, None)
    if record is None:
        return encoding, training
    file_encoding, file_training, _, derived = record
    if encoding is None and file_encoding is not None:
        encoding = file_encoding
        for key, value in derived.items():
            if model_section.get(key) == value:
                del model_section[key]
    if training is None:
        training = dict(file_training)
        if covariance_given:
            training.pop(STATISTICS_KEY, None)
    return encoding, training
