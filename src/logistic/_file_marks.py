"""What a model read from a model file carries beside its fitted attributes,
for inference without the training data and for saving it again; a new fit
forgets it.

Convention (owned here): :data:`STORED_COVARIANCE_ATTR` holds the file's
``(covariance, names)`` (read by :mod:`logistic.inference._model_interval`
and :mod:`logistic.inference._fit`), :data:`TRAINING_TOTALS_ATTR` the fit's
``(weight_sum, rows)`` (read by
:func:`logistic.inference._checks.check_same_totals`), :data:`FILE_RECORD_ATTR`
the file's ``encoding``, ``training`` and covariance (written back by ``save``:
:mod:`logistic.io._file_record`); ``fit`` and
``partial_fit`` call :func:`forget_file_marks`, as they clear the grouped
mark of :mod:`logistic._grouped`, so a refitted model is never judged by the
file it was loaded from.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "FILE_RECORD_ATTR",
    "STORED_COVARIANCE_ATTR",
    "TRAINING_TOTALS_ATTR",
    "forget_file_marks",
]

#: The file's ``(covariance, names)`` on a model returned by :func:`logistic.load`.
STORED_COVARIANCE_ATTR = "_stored_covariance"
#: ``(weight_sum, rows)`` of the fit's rows as the file records them (``rows``
#: None where it does not).
TRAINING_TOTALS_ATTR = "_training_totals"
#: ``(encoding, training, (covariance, names) or None, derived)``: the file's
#: checked sections and the ``model`` fields load derived from its encoding
#: (:mod:`logistic.io._file_record`).
FILE_RECORD_ATTR = "_file_record"


def forget_file_marks(model: Any) -> None:
    """Remove the marks from ``model`` (a fit replaces what the file said)."""
    for name in (STORED_COVARIANCE_ATTR, TRAINING_TOTALS_ATTR, FILE_RECORD_ATTR):
        model.__dict__.pop(name, None)
