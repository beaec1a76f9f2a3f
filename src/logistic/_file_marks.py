"""What a model read from a model file carries beside its fitted attributes,
for inference without the training data and for saving it again; a new fit
forgets it.

Convention (owned here): :data:`STORED_COVARIANCE_ATTR` holds the file's
``(covariance, names)`` (read by :mod:`logistic.inference._model_interval`
and :mod:`logistic.inference._fit`), :data:`TRAINING_TOTALS_ATTR` the fit's
``(weight_sum, rows)`` (read by
:func:`logistic.inference._checks.check_same_totals`), :data:`FILE_RECORD_ATTR`
the file's ``encoding``, ``training`` and covariance (written back by ``save``:
:mod:`logistic.io._file_record`), and :data:`CROSS_VALIDATION_ATTR` the
record of how ``logistic fit --cv`` chose the strength (:mod:`logistic.io._cv`;
attached after the fit it describes); ``fit`` and
``partial_fit`` call :func:`forget_file_marks`, as they clear the grouped
mark of :mod:`logistic._grouped`, so a refitted model is never judged by the
file it was loaded from.

A model loaded from a file that ``logistic fit --formula`` wrote has the
formula's design columns (``C(rank)[T.2]``, ``gre:gpa``) as its features:
:func:`refuse_formula_inputs` says so, naming the formula and how to build
them, when it is given a DataFrame of the raw columns (the formula is applied
by the command line and :func:`logistic.tabular.apply_design`, not by
``predict`` or ``inference``).
"""

from __future__ import annotations

from typing import Any

from ._exceptions import DataValidationError

__all__ = [
    "CROSS_VALIDATION_ATTR",
    "FILE_RECORD_ATTR",
    "STORED_COVARIANCE_ATTR",
    "TRAINING_TOTALS_ATTR",
    "forget_file_marks",
    "refuse_formula_inputs",
]

#: The file's ``(covariance, names)`` on a model returned by :func:`logistic.load`.
STORED_COVARIANCE_ATTR = "_stored_covariance"
#: ``(weight_sum, rows)`` of the fit's rows as the file records them (``rows``
#: None where it does not).
TRAINING_TOTALS_ATTR = "_training_totals"
#: The CV record of ``logistic fit --cv`` (how ``alpha`` and the mixing were
#: chosen): a public attribute, written to the model file by ``save``.
CROSS_VALIDATION_ATTR = "cross_validation_"
#: ``(encoding, training, (covariance, names) or None, derived)``: the file's
#: checked sections and the ``model`` fields load derived from its encoding
#: (:mod:`logistic.io._file_record`).
FILE_RECORD_ATTR = "_file_record"


def forget_file_marks(model: Any) -> None:
    """Remove the marks from ``model`` (a fit replaces what the file said)."""
    marks = (STORED_COVARIANCE_ATTR, TRAINING_TOTALS_ATTR, FILE_RECORD_ATTR)
    for name in (*marks, CROSS_VALIDATION_ATTR):
        model.__dict__.pop(name, None)


def refuse_formula_inputs(model: Any, X: Any) -> None:
    """Refuse a pandas DataFrame ``X`` that lacks the design columns of a
    ``model`` loaded from a formula file, naming the formula and the ways to
    build them; nothing for any other model or X."""
    record = getattr(model, FILE_RECORD_ATTR, None)
    encoding = record[0] if record is not None else None
    if not isinstance(encoding, dict) or encoding.get("kind") != "formula":
        return
    columns = getattr(X, "columns", None)
    if not type(X).__module__.startswith("pandas") or columns is None:
        return
    names = [str(n) for n in encoding.get("feature_names", [])]
    absent = [n for n in names if n not in set(map(str, columns))]
    if not absent:
        return
    shown = ", ".join(repr(n) for n in absent[:5])
    more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
    formula = str(encoding.get("formula"))[:200]
    raise DataValidationError(
        f"this model was fitted by logistic fit --formula \"{formula}\": its "
        f"features are the formula's design columns, and X lacks {shown}{more}. "
        "Build them from the data file: d = logistic.tabular.apply_design("
        "logistic.tabular.read_data(DATA), "
        "logistic.io.read_model_file(MODEL).encoding), then "
        "pandas.DataFrame(d.X, columns=d.feature_names); or score the file with "
        "'logistic predict MODEL DATA'"
    )
