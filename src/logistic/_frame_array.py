"""DataFrames (pandas, polars, pyarrow) as the 2-D float arrays a fit reads.

Convention (owned here): a column that cannot be read as numbers is named
with its dtype and a remedy, never converted silently: text that is not
numbers (the estimator's DataFrame encoder handles pandas text columns
before), and dates, times and durations, whose unit (nanoseconds, days,
years) would change the coefficient by orders of magnitude and which a fit
will not choose. Extension columns (nullable, pyarrow) become float64 with
NaN for a missing value, which the finite check then names.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._exceptions import DataValidationError

__all__ = [
    "frame_kind",
    "frame_to_array",
    "pandas_columns_to_float",
    "refuse_dates",
    "refuse_lazy",
    "row_labels",
]

#: How messages name a column of dates, times or durations.
DATES = "dates, times or durations"
#: The remedy for such a column.
CONVERT = (
    "convert it to numbers in a unit you choose first (e.g. days since a "
    "reference date, or the year and month as columns)"
)
#: Dtype names (lower case) of such columns: numpy/pandas datetime64,
#: timedelta64, pandas periods, polars Date/Datetime/Duration/Time.
DATE_DTYPES = ("datetime", "timedelta", "period", "date", "duration", "time")


def refuse_dates(dtype: Any, column: Any = None) -> None:
    """Refuse a column (``column``'s name) or an array of ``dtype`` holding
    dates, times or durations, with the remedy; or complex numbers (float64
    would drop their imaginary parts, as scikit-learn refuses them)."""
    text = str(dtype)
    what = "X" if column is None else f"X column {column!r}"
    if text.lower().startswith(DATE_DTYPES):
        raise DataValidationError(f"{what} holds {DATES} (dtype {text}); {CONVERT}")
    if text.startswith("complex"):
        raise DataValidationError(
            f"Complex data not supported: {what} has a complex dtype ({text})"
        )


def frame_kind(X: Any) -> str:
    """A frame's library and class as messages name it (``polars LazyFrame``)."""
    return f"{type(X).__module__.split('.')[0]} {type(X).__name__}"


def refuse_lazy(X: Any, name: str = "X") -> None:
    """Refuse a lazy query (a polars ``LazyFrame``: ``collect`` and no
    ``to_numpy``), whose rows exist only once it is run: numpy would read it as
    one object and report "setting an array element with a sequence"."""
    if hasattr(X, "collect") and not hasattr(X, "to_numpy"):
        raise DataValidationError(
            f"{name} is a {frame_kind(X)} (a lazy query), whose rows exist only "
            "once it is run: pass "
            f"{name}.collect() (for data larger than memory, the Dask backend or the "
            "command line's --stream read files in parts)"
        )


#: Callers that take numbers only and have no fitted model (a text column's
#: message then names the estimators that encode it).
NUMBERS_ONLY = ("path", "PathResult")


def frame_to_array(X: Any, estimator: str = "LogisticRegression") -> Any:
    """DataFrames (pandas, polars, pyarrow) to a 2-D ndarray, naming bad columns
    (``estimator``: the caller, as messages name it)."""
    refuse_lazy(X)
    # a pyarrow Table read through pandas below is not the caller's pandas
    # frame: its message is the other frames' (convert it with to_pandas)
    given_pandas = type(X).__module__.startswith("pandas")
    if (
        hasattr(X, "__dataframe__")
        and not hasattr(X, "to_numpy")
        and hasattr(X, "to_pandas")
    ):
        X = X.to_pandas()  # pyarrow.Table
    to_numpy = getattr(X, "to_numpy", None)
    if to_numpy is None or not hasattr(X, "columns"):
        return X
    cols = list(X.columns)
    try:
        dtypes = list(X.dtypes)
    except TypeError:  # pragma: no cover - exotic frames
        dtypes = [None] * len(cols)
    is_pandas = type(X).__module__.startswith("pandas")
    for j, (col, dt) in enumerate(zip(cols, dtypes, strict=False)):
        refuse_dates(dt, col)
        text = str(dt)
        if text in (
            "object",
            "string",
            "str",
            "String",
            "Utf8",
            "category",
            "Categorical",
        ) or text.startswith("Enum("):  # polars' Enum([...]): categories in its name
            try:
                if is_pandas:  # missing values are NaN here, reported later
                    X.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan)
                else:
                    np.asarray(X[col], dtype=np.float64)
            except (TypeError, ValueError):
                hint = (
                    f"{estimator} takes numbers only (LogisticRegression.fit and "
                    "LogisticRegressionCV.fit encode a pandas DataFrame's text and "
                    "categorical columns themselves): encode it first (e.g. "
                    "one-hot) or drop it"
                    if estimator in NUMBERS_ONLY
                    else "fit encodes a pandas DataFrame's text and categorical "
                    "columns itself, but partial_fit (which sees one chunk's "
                    "levels at a time) and a model fitted on numbers take "
                    "numbers only: encode it with a fixed set of levels (e.g. "
                    "OneHotEncoder(categories=...)) or drop it"
                    if given_pandas
                    else "encode it first (e.g. one-hot) or drop it, or pass "
                    "X.to_pandas(), a pandas DataFrame, whose text and "
                    "categorical columns fit encodes itself"
                )
                raise DataValidationError(
                    f"X column {col!r} is not numeric (dtype {dt}); {hint}"
                ) from None
    plain = all(isinstance(d, np.dtype) and d.kind in "fiub" for d in dtypes)
    if is_pandas and not plain:
        return pandas_columns_to_float(X, cols)
    try:
        return to_numpy()
    except (TypeError, ValueError) as exc:
        raise DataValidationError(
            f"X could not be converted to numbers (missing values in a nullable "
            f"column?): {exc}"
        ) from None


def pandas_columns_to_float(X: Any, cols: list[Any]) -> np.ndarray:
    """A pandas frame with extension columns (nullable, pyarrow) as float64.

    Missing values (``pd.NA``, ``None``, pyarrow nulls) become NaN, which the
    finiteness check then reports with the column name and the row.
    """
    out = np.empty((X.shape[0], len(cols)), dtype=np.float64)
    for j, col in enumerate(cols):
        try:
            out[:, j] = X.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise DataValidationError(
                f"X column {col!r} could not be converted to numbers "
                f"(dtype {X.dtypes.iloc[j]}): {exc}"
            ) from None
    return out


def row_labels(X: Any) -> Any:
    """The row labels (index) of a pandas DataFrame ``X``, else None (a Dask
    DataFrame's index is lazy: its gathered rows are labelled as arrays)."""
    pd = sys.modules.get("pandas")  # not imported: X is no pandas frame
    return X.index if pd is not None and isinstance(X, pd.DataFrame) else None
