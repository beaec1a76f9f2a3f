"""CSV values read on Dask as the other readers read them.

Booleans (owned here): a boolean feature is read as text and given its 0/1
by :func:`boolean_numbers` (pyarrow's words, which the in-memory and
streamed readers take): pandas' own bool type takes neither ``1``/``0`` nor
a missing value. A feature of 0/1 in the plan's first block that holds
``true`` later fails a partition as a non-number; the streamed reader, run
on that error path, reads it as the whole file does (booleans), and the fit
runs again reading it so (``cli._stream_backends.dask_backend``).

A target the plan's first block reads as booleans (0/1 and ``true``) is
read as text and given ``False``/``True`` by :func:`boolean_labels`, the
whole file's labels (pandas would read ``0``, ``1`` and ``true`` as three
words, or fail a partition with integers inferred from its first rows); one
of 0/1 there holding ``true`` later fails a partition as a mismatched dtype,
and the fit runs again reading it so once the whole file's type of the
target says booleans (:func:`target_dtype`). A target the whole file types
as text (a word among numbers, in the plan's first block or past it) is
read as text, its labels the in-memory reader's (``"0"``, ``"1"``,
``"yes"``), not refused naming the word.

Integers beyond ±2**53 (owned here): ``fit data.csv --workers N`` reads features with
``dask.dataframe.read_csv`` as float64, where ``9007199254740993`` is its
nearest float (2**53). The in-memory reader types a column from the whole
file (integers only: int64, and an int64 feature beyond ±2**53 is refused),
and ``--stream`` reads the column again as int64 once a block holds a value
of 2**53 or more (:class:`logistic._record_batches.ExactIntegers`). On Dask
each partition checks its float64 features for a finite value of at least
2**53 in magnitude (:func:`check_partition`, a comparison per value, nothing
read again) and fails naming the feature's place when it holds one. The
command line then reads that column alone again on the client, as int64, to
its end or its first value that is not an integer
(:meth:`logistic.backends._csv_source.CSVSource.refuse_inexact_integers`):
integers only, it is refused naming the column, value and line in the
streamed fit's words; otherwise (a ``2.5`` anywhere, as in memory: the file
is floats, the value its nearest float) the fit is run again without that
column's check. Only files holding such a value pay for the second read.
Weights and offsets are not checked: every reader rounds them.

A target Dask read as integers that holds a number which is not a whole
finite one (pandas' mismatched dtypes: ``0.5``, ``inf``) is read again as
float64, as the other readers read it: two values are then two labels,
whichever numbers; more, one of them not whole, are refused by the scan as a
continuous target, which :func:`._target_refusals.continuous_refusal` words
as in memory (the values counted by reading the target again, the first one
named by its line), as it does for ``--stream``'s scan; an infinite one is named by its
line (:func:`._stream_backends._bad_value_error`). :func:`non_whole_label`
words such a value where the target could not be read again so.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .._labels import label_text

__all__ = [
    "BEYOND_EXACT",
    "BOOLEAN_WORDS",
    "NOT_BOOLEAN_LABEL",
    "beyond_exact_column",
    "boolean_labels",
    "boolean_numbers",
    "check_partition",
    "non_whole_label",
    "refuse_column",
    "target_dtype",
]

#: The words of a partition's failure for feature number ``k`` (in the plan).
BEYOND_EXACT = "a value of 2**53 or more in feature #{k}"
_FOUND = re.compile(r"a value of 2\*\*53 or more in feature #(\d+)")


def check_partition(part: Any, checked: list[tuple[int, str]]) -> Any:
    """``part`` (a partition of float64 features) unchanged, or a
    ``ValueError`` in :data:`BEYOND_EXACT`'s words for the first feature of
    ``checked`` (its place in the plan's features, its name) holding a finite
    value of at least 2**53 in magnitude (an integer there may not be the
    one written)."""
    for k, name in checked:
        values = np.abs(part[name].to_numpy(dtype=np.float64, na_value=np.nan))
        with np.errstate(invalid="ignore"):
            if bool((np.isfinite(values) & (values >= 2.0**53)).any()):
                raise ValueError(BEYOND_EXACT.format(k=k))
    return part


def beyond_exact_column(features: list[str], exc: Exception) -> str | None:
    """The feature a Dask fit's error (``exc``) says :func:`check_partition`
    found a value of 2**53 or more in, or None for another error."""
    found = _FOUND.search(str(exc))
    if found is None or int(found.group(1)) >= len(features):
        return None
    return features[int(found.group(1))]


def refuse_column(plan: Any, name: str) -> None:
    """Refuse feature ``name`` of the plan's CSV file where the whole file
    holds it as integers, one beyond ±2**53 (the streamed fit's error);
    return where it holds floats."""
    source = plan.csv_source()
    source.refuse_inexact_integers(name)


def target_dtype(plan: Any) -> str:
    """The Dask dtype of the plan's CSV target as the whole file types it
    (:meth:`logistic.backends._csv_source.CSVSource.target_type`, as the
    in-memory reader types it): ``"bool"`` for booleans (read as text and
    given ``False``/``True`` by :func:`boolean_labels`), ``"object"`` for
    text (a word among numbers: ``0``, ``1`` and ``yes`` are three text
    labels, as in memory and with ``--stream``), else ``"float64"``. Asked
    once a partition's target holds a value that Dask's type from its first
    rows cannot hold."""
    import pyarrow as pa

    kind = plan.csv_source().target_type()
    if pa.types.is_boolean(kind):
        return "bool"
    return "object" if pa.types.is_string(kind) else "float64"


#: The words of a partition's failure on a target read as booleans that
#: holds another word (:func:`boolean_labels`).
NOT_BOOLEAN_LABEL = "a boolean target holds a label that is not a boolean"

#: A boolean CSV value's number: pyarrow's words for true and false (its
#: ``ConvertOptions`` defaults), which the in-memory and streamed readers take.
BOOLEAN_WORDS = {
    **dict.fromkeys(("1", "True", "TRUE", "true"), 1.0),
    **dict.fromkeys(("0", "False", "FALSE", "false"), 0.0),
}


def boolean_numbers(values: Any) -> Any:
    """A boolean CSV column of one Dask partition, read as text, as float64
    1.0/0.0: a missing value is NaN, which the Dask scan names by column and
    line as any missing value; another word raises pandas' words for a
    non-number ("could not convert string to float"), for which
    :func:`._stream_backends._csv_text_error` has the streamed reader name its
    column and line (or, for 0/1 the whole file holds as booleans, read again
    as booleans)."""
    numbers = values.map(BOOLEAN_WORDS)
    other = values.notna() & numbers.isna()
    if other.any():
        raise ValueError(
            f"could not convert string to float: {values[other].iloc[0]!r}"
        )
    return numbers.astype("float64")


def boolean_labels(values: Any) -> Any:
    """A boolean CSV target of one Dask partition, read as text, as the
    labels ``False``/``True`` the in-memory and streamed readers give it
    (pyarrow's words, :data:`BOOLEAN_WORDS`): numpy booleans, or objects
    with NaN where a label is missing (the scan names its row). Another word
    raises :data:`NOT_BOOLEAN_LABEL`: the whole file types the target as
    text, and the fit runs again reading it so (:func:`target_dtype`)."""
    numbers = values.map(BOOLEAN_WORDS)
    other = values.notna() & numbers.isna()
    if other.any():
        raise ValueError(f"{NOT_BOOLEAN_LABEL}: {values[other].iloc[0]!r}")
    if numbers.isna().any():
        return numbers.map(bool, na_action="ignore").astype(object)
    return numbers.astype(bool)


def non_whole_label(plan: Any, value: str, at: str) -> Exception:
    """The refusal of target ``value`` (as written, at ``at``: ``line 7``),
    not a whole finite number, in a target Dask read as integers: a
    continuous target where it is finite among more than two values (the
    in-memory reader's words, with the rows of each value, and its line);
    else that the labels are integers and this value names no class. (A
    finite one among two values is no refusal: the fit reads the target
    again as floats, two values being two labels, as in memory.)"""
    from .._exceptions import DataValidationError
    from .._label_refusals import continuous_target
    from ..tabular._labels import describe_values
    from ..tabular._streamed_numbers import number_counts

    counted = number_counts(plan.path, plan.delimiter, plan.target)
    if counted is not None and len(counted[0]) > 2 and np.isfinite(float(value)):
        values, counts, _ = counted
        where = f"target column {plan.target!r} in {plan.path}"
        shares = bool(np.all((values >= 0) & (values <= 1)))
        first = (label_text(float(value)), at)
        return continuous_target(where, describe_values(values, counts), shares, first)
    return DataValidationError(
        f"column {plan.target!r} in {plan.path} holds integer labels and "
        f"{value!r} at {at}, which is not a whole finite number: a label "
        "names a class (0/1, 1/2, yes/no); fix the value, or drop the row"
    )
