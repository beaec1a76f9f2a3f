"""What a model read from a model file carries beside its fitted attributes,
for inference without the training data; a new fit forgets it.

Convention (owned here): :data:`STORED_COVARIANCE_ATTR` holds the file's
``(covariance, names)`` (read by :mod:`logistic.inference._model_interval`
and :mod:`logistic.inference._fit`), :data:`TRAINING_TOTALS_ATTR` the fit's
``(weight_sum, rows)`` (read by
:func:`logistic.inference._checks.check_same_totals`); ``fit`` and
``partial_fit`` call :func:`forget_file_marks`, as they clear the grouped
mark of :mod:`logistic._grouped`, so a refitted model is never judged by the
file it was loaded from.
"""

from __future__ import annotations

from typing import Any

__all__ = ["STORED_COVARIANCE_ATTR", "TRAINING_TOTALS_ATTR", "forget_file_marks"]

#: The file's ``(covariance, names)`` on a model returned by :func:`logistic.load`.
STORED_COVARIANCE_ATTR = "_stored_covariance"
#: ``(weight_sum, rows)`` of the fit's rows as the file records them (``rows``
#: None where it does not).
TRAINING_TOTALS_ATTR = "_training_totals"


def forget_file_marks(model: Any) -> None:
    """Remove both marks from ``model`` (a fit replaces what the file said)."""
    for name in (STORED_COVARIANCE_ATTR, TRAINING_TOTALS_ATTR):
        model.__dict__.pop(name, None)
