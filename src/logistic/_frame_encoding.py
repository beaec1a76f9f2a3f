"""Text and categorical columns of a pandas DataFrame, encoded as the CLI does.

Convention (owned here): when ``fit`` receives a pandas DataFrame with a
column of dtype ``object``, ``string`` or ``category``, the frame is encoded
with the command line's one-hot conventions (:mod:`logistic._onehot`, the
same code the CLI's file encoder uses): numeric columns as they are, text and
categorical columns one-hot with the first sorted level (as text) as the
dropped reference, named ``col[T.level]``. An ``object`` column holding
only numbers (Python or numpy numbers, and missing values) is numeric. A
column of text is categorical even when every text is a number (``"1"``,
``"2"``: R's factor of a character column; ``X["rank"].astype(str)`` is how
docs/marginal-effects.md asks for one-hot levels); ``pd.to_numeric`` makes
such a column numeric. One in which at least
half of the present values are numbers, numbers or text (``"3.08"``), but
some are not (a typo, ``"3.O8"``), is a numeric column holding garbage, by
the CLI's rule (:mod:`logistic._number_text`): an error naming the column,
the first such value, its row and index label, never a categorical column;
a text column of numbers written with a decimal comma (``"13,2"``) is
refused the same way, naming ``pd.read_csv(..., decimal=",")``. Any other
mix of numbers and text is an error naming the column. A ``category``
column is categorical whatever its categories, and its levels are the
categories present, in the category order, the first the reference (as
``pd.get_dummies(drop_first=True)``, statsmodels' and R's formulas: ordering
the categories is how pandas chooses a reference level, and categories of
numbers, ``[2, 10, 30]``, keep their numeric order, as the CLI's ``C(g)``);
other text columns' levels are sorted as text (as the CLI sorts a file's
text columns). The estimator then

* keeps the encoding in ``encoding_`` (the ``"columns"`` encoding of the CLI's
  model file: each column's name, kind and levels, plus ``input_columns`` and
  ``feature_names``), and ``feature_names_in_`` holds the **expanded** names,
  one per coefficient (``["age", "color[T.red]", ...]``), as the CLI's model
  files do;
* re-applies the same levels at ``predict``/``decision_function`` time (and
  in ``inference(X, y)``) to a DataFrame holding the input columns, in any
  order: a level not seen in ``fit`` is an error naming the column and the
  level; missing values in a text column are an error naming the column and
  the row (in ``fit`` too);
* refuses text columns whose dense one-hot design would not fit the memory
  (:func:`logistic._onehot.dense_size_problem`): at fit naming the sparse
  design of the same columns (scikit-learn's ``OneHotEncoder``) that it fits
  instead, at predict naming blocks of fewer rows.

Columns that look like identifiers or free text (a name such as
``PassengerId`` with a distinct value on every row; a text column with many
distinct values: names, tickets) are left out, by the rules the CLI applies
to a file (:mod:`logistic._screen_rules`), with a
:class:`~logistic.DataConversionWarning` naming them and the estimator
parameter that keeps them: ``LogisticRegression(include=[...])``. The
screen runs only for frames that need this encoding (a text column);
``input_columns`` then lists the columns kept.

Frames of other libraries (polars, pyarrow) with text columns are refused by
:mod:`logistic._validation` with a message pointing here.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np

from ._exceptions import DataConversionWarning, DataValidationError, user_stacklevel
from ._feature_names import check_fit_names
from ._frame_array import frame_kind, refuse_dates
from ._messages import name_list
from ._number_text import (
    COMMA_NUMBER,
    FORMATTED_PATTERNS,
    NUMBER,
    comma_reading,
    decimal_comma_column,
    formatted_numbers,
    mostly_numbers,
)
from ._onehot import (
    dense_size_problem,
    design_width,
    dummy_names,
    encoded_name_clash,
    one_hot,
    sorted_levels,
)
from ._screen_rules import identifier_name, left_out_reason
from ._validation import feature_names_of

__all__ = ["apply_encoding", "encode_for_fit", "fit_encoding", "needs_encoding"]

#: pandas dtypes whose columns may hold text.
_TEXT_DTYPES = ("object", "string", "str", "category")
#: pandas' pyarrow-backed text (``dtype_backend="pyarrow"``, ``pd.ArrowDtype``).
_ARROW_TEXT = ("string[pyarrow]", "large_string[pyarrow]", "string_view[pyarrow]")


def _is_text(dtype: Any) -> bool:
    """Whether a pandas column of ``dtype`` may hold text (encoded, or read
    as numbers when every value is one): pyarrow-backed dictionaries of text
    too (a categorical column of a Parquet file read with
    ``dtype_backend="pyarrow"``)."""
    name = str(dtype)
    return name in _TEXT_DTYPES or name in _ARROW_TEXT or _arrow_text_dictionary(dtype)


def _arrow_text_dictionary(dtype: Any) -> bool:
    """Whether ``dtype`` is ``pd.ArrowDtype`` of a dictionary of strings."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is None:
        return False
    import pyarrow as pa

    if not pa.types.is_dictionary(arrow):
        return False
    kinds = ("is_string", "is_large_string", "is_string_view")  # view: pyarrow 16+
    return any(getattr(pa.types, k, lambda _: False)(arrow.value_type) for k in kinds)


def _is_pandas_frame(X: Any) -> bool:
    """A pandas DataFrame (a Series, one row or column, has no columns)."""
    return type(X).__module__.startswith("pandas") and hasattr(X, "columns")


def needs_encoding(X: Any) -> bool:
    """Whether X is a pandas DataFrame with a column that may hold text."""
    if not _is_pandas_frame(X):
        return False
    return any(_is_text(dt) for dt in X.dtypes)


def _numbers(col: Any) -> np.ndarray | None:
    """The column as float64 when every present value is a number, else None."""
    import pandas as pd

    try:
        return np.asarray(pd.to_numeric(col, errors="raise"), dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _kind(name: Any, col: Any) -> str:
    """``"numeric"`` or ``"categorical"`` for one pandas column."""
    refuse_dates(col.dtype, name)
    dtype = str(col.dtype)
    if dtype == "category":
        return "categorical"
    if not _is_text(col.dtype):
        return "numeric"  # numbers, booleans; other dtypes fail in check_X
    present = col[~col.isna()]
    numbers = _number_flags(present, NUMBER)
    text = all(isinstance(v, str) for v in present)
    if text:  # 3,400 beside 800: the form named, not a non-number among numbers
        _check_formatted(name, col, present, numbers)
    if mostly_numbers(int(numbers.sum()), len(present)) and not numbers.all():
        _raise_garbage(name, col, present, numbers)
    if text:
        _check_decimal_comma(name, col, present, numbers)
        return "categorical" if len(present) else "numeric"
    if _numbers(col) is not None:
        return "numeric"
    kinds = sorted({type(v).__name__ for v in present})
    raise DataValidationError(
        f"X column {name!r} mixes value types ({', '.join(kinds)}): make it all "
        "numbers or all text"
    )


def _number_flags(present: Any, pattern: str) -> np.ndarray:
    """Where a present value is a number: text matching ``pattern``, or (for
    :data:`NUMBER`) a number that is not a bool."""
    flags = np.zeros(len(present), dtype=bool)
    for i, v in enumerate(present):
        if isinstance(v, str):
            flags[i] = re.match(pattern, v) is not None
        elif pattern == NUMBER:
            flags[i] = isinstance(v, (int, float, np.number)) and not isinstance(
                v, (bool, np.bool_)
            )
    return flags


def _where(col: Any, i: int) -> str:
    """``row 7 (0-based; index label 'a')`` of the i-th present value."""
    row = int(np.flatnonzero(np.asarray(col.notna()))[i])
    label = col.index[row]
    if isinstance(label, np.generic):  # 0, not np.int64(0)
        label = label.item()
    return f"row {row} (0-based; index label {label!r})"


def _raise_garbage(name: str, col: Any, present: Any, numbers: np.ndarray) -> None:
    bad = np.flatnonzero(~numbers)
    first = int(bad[0])
    value = present.iloc[first]
    remedy = {
        "thousands": "read the data with pd.read_csv(..., thousands=',')",
        "either": "read the data with pd.read_csv(..., thousands=',') if the "
        "commas separate thousands, or decimal=',' if they are decimal commas",
        "decimal": "read the data with pd.read_csv(..., decimal=',') if it writes "
        "numbers with a decimal comma",
    }.get(
        str(comma_reading(value)),
        "fix the data, or mark missing values as NaN (pd.read_csv(..., "
        "na_values=[...]))",
    )
    raise DataValidationError(
        f"X column {name!r} is numeric but has non-numeric value {value!r} at "
        f"{_where(col, first)} ({bad.size} such value(s)); {remedy}"
    )


#: How to read the numbers of a column refused by :func:`_check_formatted`.
_FORMATTED_REMEDY = {
    "thousands": "thousands separators (e.g. {example}): read the data with "
    "pd.read_csv(..., thousands=',') (or the separator written) or convert the "
    "column to numbers",
    "percent": "percent signs (e.g. {example}): convert the column to numbers, "
    "e.g. col.str.rstrip('%').astype(float) (percentage points), or give it the "
    "'category' dtype to encode it as categories",
    "currency": "currency signs (e.g. {example}): convert the column to "
    "numbers, without the signs and any thousands separators, or give it the "
    "'category' dtype to encode it as categories",
    "either": "commas in groups of three (e.g. {example}): read the data with "
    "pd.read_csv(..., thousands=',') if the commas separate thousands, or "
    "decimal=',' if they are decimal commas",
}


def _check_formatted(
    name: str, col: Any, present: Any, numbers: np.ndarray
) -> None:
    """Refuse a text column of numbers written with thousands separators,
    currency signs or as percentages
    (:func:`logistic._number_text.formatted_numbers`)."""
    patterns = FORMATTED_PATTERNS
    flags = tuple(_number_flags(present, p) for p in patterns)
    got = formatted_numbers(flags, int(numbers.sum()), len(present))
    if got is None:
        return
    form, first = got
    example = f"{present.iloc[first]!r} at {_where(col, first)}"
    raise DataValidationError(
        f"X column {name!r} holds numbers written with "
        + _FORMATTED_REMEDY[form].format(example=example)
        + "; as text they would be encoded as categories"
    )


def _check_decimal_comma(
    name: str, col: Any, present: Any, numbers: np.ndarray
) -> None:
    """Refuse a text column of numbers written with a decimal comma."""
    comma = _number_flags(present, COMMA_NUMBER)
    if not decimal_comma_column(int(comma.sum()), int(numbers.sum()), len(present)):
        return
    first = int(np.flatnonzero(comma)[0])
    raise DataValidationError(
        f"X column {name!r} holds numbers written with a decimal comma (e.g. "
        f"{present.iloc[first]!r} at {_where(col, first)}), which would "
        "be encoded as categories; read the data with pd.read_csv(..., "
        "decimal=',') or convert the column to numbers"
    )


def _check_text_missing(X: Any, name: str) -> None:
    missing = np.flatnonzero(np.asarray(X[name].isna()))
    if missing.size:
        raise DataValidationError(
            f"X column {name!r} has {missing.size} missing value(s) (first at row "
            f"{int(missing[0])}, 0-based); drop those rows or fill them with a level "
            "of their own"
        )


def _column_names(X: Any) -> list[str]:
    names = list(X.columns)
    bad = [c for c in names if not isinstance(c, str)]
    if bad:
        raise DataValidationError(
            f"X has text columns to encode, so every column needs a str name; got "
            f"{bad[:5]}"
        )
    check_fit_names(names, fit_intercept=False)  # a name twice: refused by name
    return names


def _block(X: Any, spec: dict[str, Any]) -> np.ndarray:
    """One column's block of the design (numeric: as float64, possibly NaN)."""
    name = spec["name"]
    if spec["kind"] == "numeric":
        refuse_dates(X[name].dtype, name)  # to_numeric reads them as integers
        values = _numbers(X[name])
        if values is None:
            col = X[name]
            present = col[~col.isna()]
            bad = np.flatnonzero(~_number_flags(present, NUMBER))
            where = (
                f" ({present.iloc[int(bad[0])]!r} at {_where(col, int(bad[0]))})"
                if bad.size
                else ""
            )
            raise DataValidationError(
                f"X column {name!r} was numeric in fit but now holds text{where}"
            )
        return values[:, None]
    _check_text_missing(X, name)
    levels = list(spec["levels"])
    out, unseen = one_hot(X[name].tolist(), levels)
    if unseen.size:
        values = X[name].tolist()
        found = sorted_levels(values[j] for j in unseen)
        shown = ", ".join(repr(v) for v in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        raise DataValidationError(
            f"X column {name!r} has level {shown}{more} not seen in fit (first at "
            f"row {int(unseen[0])}, 0-based; {unseen.size} row(s)); the model knows "
            f"{len(levels)} level(s): {levels[:10]!r}. A rare level missing from "
            "some training folds of a cross-validation or search: encode the text "
            "columns in the pipeline instead, with OneHotEncoder("
            "handle_unknown='ignore') in a ColumnTransformer"
        )
    return out


def _design(X: Any, specs: list[dict[str, Any]], names: list[str]) -> Any:
    import pandas as pd

    blocks = [_block(X, spec) for spec in specs]
    data = np.column_stack(blocks) if blocks else np.empty((len(X), 0))
    return pd.DataFrame(data, columns=names, index=X.index)


def _left_out(X: Any, kinds: dict[str, str], include: Any) -> dict[str, str]:
    """Identifiers and free text (:mod:`logistic._screen_rules`, the rules the
    CLI applies to a file), except the columns in ``include``."""
    keep = set(include or ())
    _check_include(keep, list(kinds))
    reasons: dict[str, str] = {}
    numeric_text: list[str] = []  # left out, every value a number as text
    for name, kind in kinds.items():
        text = kind == "categorical"
        if name in keep or not (text or identifier_name(name)):
            continue
        col = X[name]
        values = _numbers(col) if not text else None
        whole = values is not None and bool(np.all(values == np.floor(values)))
        why = left_out_reason(
            name,
            text=text,
            levels=int(col.nunique(dropna=True)),
            valid=int(col.notna().sum()),
            n_rows=len(col),
            whole_numbers=whole,
        )
        if why is not None and text and _numbers(col) is not None:
            why += ", all numbers written as text"
            numeric_text.append(name)
        if why is not None:
            reasons[name] = why
    if reasons and len(reasons) == len(kinds):
        raise DataValidationError(
            f"every X column looks like an identifier or free text "
            f"({'; '.join(list(reasons.values())[:3])}); keep some with "
            f"LogisticRegression(include=[...])"
        )
    if reasons:
        left = list(reasons)
        shown = ", ".join(list(reasons.values())[:3])
        more = f", … and {len(left) - 3:,} more" if len(left) > 3 else ""
        what, them = (
            ("looks like an identifier", "it as a feature")
            if len(left) == 1
            else ("look like identifiers", "them as features")
        )
        remedy = f"keep {them} with LogisticRegression(include={left[:5]!r})"
        if numeric_text:
            first = numeric_text[0]
            remedy = (
                f"convert numbers written as text to numbers to fit each as one "
                f"column (X[{first!r}] = pandas.to_numeric(X[{first!r}])), or " + remedy
                + " (each value then a level of its own)"
            )
        warnings.warn(
            f"left out {name_list(left)} that {what} or free text ({shown}{more}); "
            + remedy,
            DataConversionWarning,
            stacklevel=user_stacklevel(),
        )
    return reasons


def encode_for_fit(
    X: Any, include: Any = None
) -> tuple[Any, dict[str, Any] | None]:
    """``(X to fit, encoding or None)``: :func:`fit_encoding` of a frame that
    needs it; any other X as it is, its ``include`` names checked against its
    columns (none to check against is refused too: ``include`` keeps a
    column by name)."""
    if needs_encoding(X):
        return fit_encoding(X, include)
    if include:
        cols = getattr(X, "column_names", None)  # a pyarrow Table's names
        cols = getattr(X, "columns", None) if cols is None else cols
        _check_include(include, [] if cols is None else list(cols))
    return X, None


def _check_include(include: Any, columns: list[Any]) -> None:
    """Refuse ``include`` names that are not among X's ``columns``."""
    unknown = sorted(str(c) for c in include if c not in columns)
    if unknown:
        has = f"X has {name_list(columns)}" if columns else "X has no column names"
        raise DataValidationError(
            f"include names {name_list(unknown)} not in X; {has}"
        )


def _levels(col: Any) -> list[str]:
    """A categorical column's levels as text, the reference first: a
    ``category`` column's categories present, in the category order; any
    other column's values, sorted."""
    if str(col.dtype) != "category":
        return sorted_levels(col.tolist())
    present = {str(v) for v in col.tolist()}
    levels = [str(c) for c in col.cat.categories if str(c) in present]
    return list(dict.fromkeys(levels))  # categories that read alike, once


def fit_encoding(X: Any, include: Any = None) -> tuple[Any, dict[str, Any]]:
    """``(encoded frame, encoding)``: X with its text columns one-hot encoded
    (a pandas DataFrame with the expanded names and X's index) and the
    encoding to keep in ``encoding_``. Identifiers and free text are left out
    with a warning, except the columns named in ``include``."""
    columns = _column_names(X)
    kinds = {name: _kind(name, X[name]) for name in columns}
    left_out = _left_out(X, kinds, include)
    columns = [c for c in columns if c not in left_out]
    specs: list[dict[str, Any]] = []
    names: list[str] = []
    for name in columns:
        if kinds[name] == "numeric":
            specs.append({"name": name, "kind": "numeric"})
            names.append(name)
            continue
        _check_text_missing(X, name)
        levels = _levels(X[name])
        specs.append(
            {
                "name": name,
                "kind": "categorical",
                "levels": levels,
                "reference": levels[0],
            }
        )
        names.extend(dummy_names(name, levels))
    clash = encoded_name_clash(specs)
    if clash is not None:
        raise DataValidationError(
            f"X {clash}; rename that column, or drop one of the two"
        )
    _check_dense_size(len(X), specs)
    encoding = {
        "kind": "columns",
        "input_columns": columns,
        "columns": specs,
        "feature_names": names,
    }
    return _design(X, specs, names), encoding


def _check_dense_size(
    rows: int, specs: list[dict[str, Any]], predicting: bool = False
) -> None:
    """Refuse text columns whose dense one-hot design would not fit the
    memory (:func:`logistic._onehot.dense_size_problem`): a sparse design
    of the same columns (scikit-learn's ``OneHotEncoder``) is fitted as it
    is, without densifying; a fitted model predicts fewer rows at a time."""
    widths = [(s["name"], design_width(s)) for s in specs]
    problem = dense_size_problem(rows, widths)
    if problem is None:
        return
    remedy = (
        "predict fewer rows at a time (X.iloc[i:i + k] for blocks of k rows)"
        if predicting
        else "pass X with them encoded as a scipy sparse matrix instead "
        "(OneHotEncoder(drop='first') of sklearn.preprocessing, in a "
        "ColumnTransformer, gives one; LogisticRegression fits sparse X without "
        "densifying it), or merge rare levels into fewer"
    )
    raise DataValidationError(f"X's text columns: {problem}; {remedy}")


def apply_encoding(encoding: dict[str, Any], X: Any) -> Any:
    """X encoded as at fit time, when X is a pandas DataFrame holding the input
    columns; any other X is returned unchanged (already encoded arrays, or a
    frame with the expanded names)."""
    inputs = list(encoding["input_columns"])
    if type(X).__module__.startswith("pandas") and getattr(X, "ndim", 2) == 1:
        raise DataValidationError(
            "Expected a 2D DataFrame, got a pandas Series (one row or one column "
            f"of {len(X)} values): this model encodes the text columns of a "
            "DataFrame; pass df.iloc[[i]] for one row (a frame), or "
            "series.to_frame().T"
        )
    if not _is_pandas_frame(X):
        _refuse_other_frame(encoding, inputs, X)
        return X
    names = list(encoding["feature_names"])
    columns = list(X.columns)
    if set(inputs) <= set(columns):
        check_fit_names([c for c in columns if c in inputs], fit_intercept=False)
        _check_dense_size(len(X), list(encoding["columns"]), predicting=True)
        return _design(X, list(encoding["columns"]), names)
    if set(columns) & (set(names) - set(inputs)):
        return X  # the encoded names (cat[T.b]): check_feature_names checks them
    raise _missing_inputs(encoding, inputs, columns)


def _refuse_other_frame(encoding: dict[str, Any], inputs: list[str], X: Any) -> None:
    """Refuse a frame of another library (polars, pyarrow) holding the input
    columns: only a pandas DataFrame's text columns are encoded here, and its
    text would otherwise be reported as feature names unseen at fit time."""
    text = [s["name"] for s in encoding["columns"] if s["kind"] == "categorical"]
    names = feature_names_of(X)
    if not text or names is None or not set(inputs) <= set(names):
        return  # nothing to encode, or not the input columns
    raise DataValidationError(
        f"X is a {frame_kind(X)}, but this model one-hot encodes text "
        f"({name_list(text)}), as fit did, from a pandas DataFrame only; pass "
        "X.to_pandas()"
    )


def _missing_inputs(
    encoding: dict[str, Any], inputs: list[str], columns: list[Any]
) -> DataValidationError:
    """X, a DataFrame of the input columns, lacks some of them (the feature
    names check would name the encoded columns, ``cat[T.b]``, not X's)."""
    missing = [c for c in inputs if c not in set(columns)]
    text = [s["name"] for s in encoding["columns"] if s["kind"] == "categorical"]
    return DataValidationError(
        f"X is missing the column(s) {missing[:10]!r:.300} the model was fitted "
        f"on: fit saw the columns {inputs[:20]!r:.300} (text column(s) "
        f"{text[:10]!r:.200} one-hot encoded); X has {columns[:20]!r:.300}"
    )
