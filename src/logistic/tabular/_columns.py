"""Column-level helpers on pyarrow tables: kinds, numbers, missing values.

Convention (owned here): a column is *numeric* when its arrow type is an
integer, float, decimal or boolean (booleans become 0/1); *categorical* when
it holds text (:func:`logistic.columns.arrow_kind`). A text column in which
most values (at least half) are numbers is treated as a numeric column
holding garbage, an error naming the first non-numeric value and its
position, never as a category. A text column of a CSV file in which most
values are numbers and some are written with a decimal comma (``13,2``,
``1.234,5``: dots as thousands separators) is refused, suggesting
``--decimal ,`` (:func:`check_decimal_commas`), never one-hot encoded; with a
``,`` delimiter such values are quoted (``"13,2"``, as Google Sheets and
LibreOffice export them in a European locale), and the message says to
remove the commas instead if they separate thousands (``"1,234"``). A text
column of numbers with a decimal point read with ``--decimal ,`` is refused
too, naming the option. Missing means null, or NaN in a float column;
infinities are errors. What a number is and "at least half" are the rule of
:mod:`logistic._number_text`, which the DataFrame encoder applies too. A
streamed fit words such a value the same way (:func:`garbage_error`), the
rule applied to the whole column by reading it again: for a column its head
holds as numbers with words in it
(:func:`._streamed_numbers.check_streamed_head`), or for a value its reader
finds after the head (:func:`._streamed_numbers.streamed_garbage`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .._arrow_numpy import EXACT_INT, booleans, floats, objects
from .._exceptions import DataValidationError
from .._messages import name_list
from .._number_text import (
    COMMA_NUMBER,
    FORMATTED_PATTERNS,
    NUMBER,
    comma_reading,
    decimal_comma_column,
    formatted_numbers,
    mostly_numbers,
)
from .._screen_rules import pandas_index_columns
from .._value_refusals import infinite_value
from ..backends._column_words import beyond_float_message
from ..columns import arrow_kind
from ..columns import require_columns as _require
from ._read import RawData, position

__all__ = [
    "check_decimal_commas",
    "check_formula_numbers",
    "column_kind",
    "garbage_error",
    "decimal_comma",
    "is_text",
    "text_values",
    "numeric_column",
    "refuse_infinite",
    "string_column",
    "text_levels",
    "unusable_type_error",
    "nonnegative_column",
    "require_columns",
    "ROLE_OPTIONS",
]


def column_kind(raw: RawData, name: str) -> str:
    """``"numeric"`` or ``"categorical"``; other arrow types are an error.

    The Arrow type's kind comes from :func:`logistic.columns.arrow_kind`:
    numeric and boolean columns are numeric; text and all-null columns are
    categorical unless most values are numbers (then an error).
    """
    kind = arrow_kind(raw.table.schema.field(name).type)
    if kind in ("numeric", "boolean"):
        return "numeric"
    if kind in ("text", "null"):
        if _mostly_numbers(raw, name):
            _raise_garbage(raw, name)
        check_decimal_commas(raw, [name])
        return "categorical"
    raise unusable_type_error(name, raw.path, raw.table.schema.field(name).type)


def unusable_type_error(
    name: str, path: str, arrow_type: Any, formula: bool = False
) -> DataValidationError:
    """The refusal of feature column ``name`` of ``path`` whose Arrow type is
    neither a number, a boolean nor text (a timestamp, a list, binary): the
    same in memory and when streaming. ``formula``: the column is one a
    ``--formula`` names (as a number or inside ``C()``), where ``--drop``
    does not apply, so the remedy is to take it out of the formula."""
    leave_out = "remove it from --formula" if formula else "drop it with --drop"
    return DataValidationError(
        f"column {name!r} in {path} has type {arrow_type}, which cannot be a "
        f"feature; {leave_out} or convert it to a number or a string"
    )


def _column(raw: RawData, name: str) -> Any:
    import pyarrow as pa

    col = raw.table.column(name)
    if pa.types.is_dictionary(col.type):
        import pyarrow.compute as pc

        col = pc.cast(col, col.type.value_type)
    if arrow_kind(col.type) == "text" and not (
        pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    ):
        import pyarrow.compute as pc

        col = pc.cast(col, pa.string())  # string_view: compute kernels need string
    return col


def is_text(raw: RawData, name: str) -> bool:
    """Whether column ``name`` holds text (string types or a dictionary of them)."""
    return arrow_kind(raw.table.schema.field(name).type) == "text"


def text_values(raw: RawData, name: str) -> Any:
    """A text column as a pyarrow string array (dictionaries and views decoded)."""
    return _column(raw, name)


def decimal_comma(raw: RawData, name: str) -> tuple[str, str] | None:
    """``(value, position)`` of the first value of a text column that is a
    number written with a decimal comma (with ``.`` thousands separators where
    one is), when most of the column's values are numbers (with a comma or
    not); else None. Only for CSV files (with a ``,`` delimiter such values
    were quoted)."""
    if raw.format != "csv" or not is_text(raw, name):
        return None
    import pyarrow.compute as pc

    col = _column(raw, name)
    comma = booleans(pc.match_substring_regex(col, COMMA_NUMBER))
    n_comma = int(comma.sum())
    if n_comma == 0:
        return None
    plain = booleans(pc.match_substring_regex(col, NUMBER))
    n_valid = len(col) - col.null_count
    if not decimal_comma_column(n_comma, int(plain.sum()), n_valid):
        return None
    # a value with '.' thousands separators is the example where there is one:
    # the reader leaves it as text with --decimal , too (the remedy differs)
    grouped = comma & booleans(pc.match_substring_regex(col, DOT_GROUPED))
    first = int(np.flatnonzero(grouped if grouped.any() else comma)[0])
    return str(col[first].as_py()), position(raw, first)


#: The start of a decimal-comma number with ``.`` thousands separators
#: (``1.234,5``): text to the reader whatever its decimal mark.
DOT_GROUPED = r"^\s*[+-]?\d{1,3}(\.\d{3})+,"


def _decimal_point(raw: RawData, name: str) -> str | None:
    """The first value of a text column of a CSV file whose values are all
    numbers and some have a decimal point; else None. The reader parses such
    a column as numbers unless it was told ``--decimal ,``: then it is the
    decimal mark that is wrong, not the data."""
    if raw.format != "csv" or not is_text(raw, name):
        return None
    valid, numbers = _number_flags(raw, name)
    if not valid.any() or (valid & ~numbers).any():
        return None
    import pyarrow.compute as pc

    point = booleans(pc.match_substring(_column(raw, name), "."))
    if not point.any():
        return None
    first = int(np.flatnonzero(point)[0])
    return f"{_column(raw, name)[first].as_py()!r} at {position(raw, first)}"


#: How to write the numbers of a column refused by :func:`formatted_number`.
FORMATTED_REMEDY = {
    "thousands": "with thousands separators (e.g. {example}): remove the "
    "separators",
    "percent": "as percentages (e.g. {example}): remove the % signs (the column "
    "then holds percentage points) or write them as fractions (C(column) in "
    "--formula makes them categories)",
    "currency": "with a currency sign (e.g. {example}): remove the currency "
    "signs (and any thousands separators; C(column) in --formula makes them "
    "categories)",
    "either": "with commas in groups of three (e.g. {example}): if the commas "
    "separate thousands, remove them; if they are decimal commas, pass --decimal ,",
}


def formatted_number(raw: RawData, name: str) -> tuple[str, str] | None:
    """``(form, first value and where)`` when text column ``name`` holds
    numbers written with thousands separators, currency signs or as percentages
    (:func:`logistic._number_text.formatted_numbers`), else None."""
    if not is_text(raw, name):
        return None
    import pyarrow.compute as pc

    col = _column(raw, name)

    def flags(pattern: str) -> np.ndarray:
        return booleans(pc.match_substring_regex(col, pattern))

    patterns = FORMATTED_PATTERNS
    n_valid = len(col) - col.null_count
    got = formatted_numbers(
        tuple(flags(p) for p in patterns), int(flags(NUMBER).sum()), n_valid
    )
    if got is None:
        return None
    form, first = got
    return form, f"{col[first].as_py()!r} at {position(raw, first)}"


def check_decimal_commas(raw: RawData, names: list[str]) -> None:
    """Refuse, naming them all, columns of numbers with thousands separators,
    currency or percent signs (:func:`formatted_number`), columns of numbers with a
    decimal comma, and columns of numbers with a decimal point left as text
    by ``--decimal ,``."""
    formatted = [(n, got) for n in names if (got := formatted_number(raw, n))]
    if formatted:
        each = "; ".join(
            f"column {n!r} holds numbers written "
            + FORMATTED_REMEDY[form].format(example=example)
            for n, (form, example) in formatted
        )
        raise DataValidationError(
            f"{raw.path}: {each}. Read as text, such a column would be one-hot "
            "encoded"
        )
    commas = [(n, c) for n in names if (c := decimal_comma(raw, n)) is not None]
    if commas:
        _refuse_decimal_commas(raw, commas)
    found = [(n, e) for n in names if (e := _decimal_point(raw, n)) is not None]
    if found:
        listed = name_list([n for n, _ in found])
        hold = "holds" if len(found) == 1 else "hold"
        raise DataValidationError(
            f"{raw.path}: {listed} {hold} numbers written with a decimal point (e.g. "
            f"{found[0][1]}), which --decimal , does not read as numbers; leave out "
            "--decimal , for this file"
        )


def _refuse_decimal_commas(
    raw: RawData, found: list[tuple[str, tuple[str, str]]]
) -> None:
    """The error for columns of numbers with a decimal comma (``found``:
    name, (first value, its position)). A column whose values also have
    ``.`` thousands separators (``1.234,5``) is named apart: the reader
    leaves it as text with ``--decimal ,`` too, so its remedy is to remove
    the separators."""
    grouped = [(n, e) for n, e in found if re.match(DOT_GROUPED, e[0])]
    plain = [(n, e) for n, e in found if not re.match(DOT_GROUPED, e[0])]

    def listed(cols: list[tuple[str, tuple[str, str]]]) -> tuple[str, str]:
        hold = "holds" if len(cols) == 1 else "hold"
        value, where = cols[0][1]
        return f"{name_list([n for n, _ in cols])} {hold}", f"{value!r} at {where}"

    parts = []
    if plain:
        names, example = listed(plain)
        thousands = (
            " (if the commas separate thousands, remove them instead)"
            if raw.delimiter == ","
            else ""
        )
        parts.append(
            f"{names} numbers written with a decimal comma (e.g. {example}), which "
            "would be encoded as categories; pass --decimal , to read them as "
            f"numbers{thousands}"
        )
    if grouped:
        names, example = listed(grouped)
        parts.append(
            f"{names} numbers written with '.' thousands separators and a decimal "
            f"comma (e.g. {example}), which are read as text (and would be encoded "
            "as categories) even with --decimal ,: remove the '.' separators, and "
            "pass --decimal , for the decimal commas"
        )
    raise DataValidationError(f"{raw.path}: {'; '.join(parts)}")


def _number_flags(raw: RawData, name: str) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow.compute as pc

    col = _column(raw, name)
    valid = booleans(col.is_valid())
    if arrow_kind(col.type) == "null":  # all missing, or no rows (a header-only file)
        return valid, np.zeros(len(col), dtype=bool)
    return valid, booleans(pc.match_substring_regex(col, NUMBER))


def _mostly_numbers(raw: RawData, name: str) -> bool:
    valid, numbers = _number_flags(raw, name)
    return mostly_numbers(int(numbers.sum()), int(valid.sum()))


def _raise_garbage(raw: RawData, name: str) -> None:
    valid, numbers = _number_flags(raw, name)
    bad = np.flatnonzero(valid & ~numbers)
    if bad.size == 0:
        return
    first = int(bad[0])
    value = _column(raw, name)[first].as_py()
    raise garbage_error(name, raw.path, value, position(raw, first), bad.size)


def garbage_error(
    name: str, path: str, value: Any, where: str, count: int
) -> DataValidationError:
    """The error of a numeric column holding ``count`` values that are not
    numbers, the first ``value`` at ``where`` (:func:`position`'s words)."""
    remedy = {
        "thousands": "remove the thousands separators",
        "either": "if the commas separate thousands, remove them; if they are "
        "decimal commas, pass --decimal ,",
        "decimal": "pass --decimal , if the file writes numbers with a decimal comma",
    }.get(
        str(comma_reading(value)),
        "fix the data or mark missing values with an empty field or NA",
    )
    return DataValidationError(
        f"column {name!r} in {path} is numeric but has non-numeric value "
        f"{value!r} at {where} ({count} such value(s)); {remedy}"
    )


@contextmanager
def _csv_reader(
    path: str,
    delimiter: str | None,
    names: list[str],
    types: Any = None,
    block: int | None = None,
) -> Iterator[tuple[Any, str | None]]:
    """pyarrow's block reader of the columns ``names`` of a CSV file (plain or
    compressed, quoted line breaks allowed, missing-value tokens null;
    ``types`` fixes columns' types) and the file's compression, closed on
    exit: the reads of a streamed fit's head and of a column read again.
    ``block``: a block size other than pyarrow's 1 MiB, converted on one
    thread (pyarrow's reader still reads up to 32 blocks ahead: a caller
    closes it after the block it needs)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ..formats import sniff_format
    from ._raw import open_data

    _, compression = sniff_format(path)
    with (
        open_data(path) as fh,
        pa.input_stream(fh, compression=compression) as stream,
    ):
        read = pacsv.ReadOptions(block_size=block, use_threads=False) if block else None
        reader = pacsv.open_csv(
            stream,
            read_options=read,
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter or ",", newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=True,
                include_columns=names,
                column_types=types or {},
            ),
        )
        try:
            yield reader, compression
        finally:
            reader.close()


def head_block(path: str, delimiter: str | None, names: list[str]) -> RawData | None:
    """The columns ``names`` of a CSV file's first block (pyarrow's reader's
    first batch, ~1 MB), as a streamed fit can see them before its first
    pass; None where the head cannot be read (the caller's later pass
    reports why)."""
    import pyarrow as pa

    from ._encoding import UTF8
    from ._lines import LineMap

    try:
        with _csv_reader(path, delimiter, names) as (reader, compression):
            head = pa.Table.from_batches([reader.read_next_batch()])
    except (pa.ArrowException, OSError, EOFError, StopIteration):
        return None
    raw = RawData(path=path, format="csv", table=head, delimiter=delimiter)
    # the lines messages name, as in memory (blank lines, quoted line breaks)
    source = (path, compression, delimiter or ",", UTF8)
    raw.lines = LineMap(head, source, whole=False)
    return raw


#: The roles whose integers beyond ±2**53 are read as their nearest float64.
ROUNDED_ROLES = ("--weights", "--offset", "weights")


def numeric_column(
    raw: RawData, name: str, role: str | None = None, leave_out: str | None = None
) -> np.ndarray:
    """float64 values of a numeric column (NaN where missing); ``role`` (the
    option naming the column, ``--weights``) words the error for a text column,
    ``leave_out`` the remedy of a feature's integer beyond ±2**53 (see
    :func:`logistic.backends._column_words.beyond_float_message`)."""
    import pyarrow as pa

    col = _column(raw, name)
    if arrow_kind(col.type) == "other":  # a timestamp, a duration, a list, binary
        said = f"{role} column" if role is not None else "column"
        temporal = pa.types.is_temporal(col.type)
        unit = " (e.g. days since a reference date)" if temporal else ""
        raise DataValidationError(
            f"{said} {name!r} in {raw.path} has type {col.type}, not numbers; "
            f"convert it to numbers first{unit}"
        )
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        import pyarrow.compute as pc

        if role is not None and not _mostly_numbers(raw, name):
            _raise_text(raw, name, role)
        _raise_garbage(raw, name)
        col = pc.cast(pc.utf8_trim_whitespace(col), pa.float64())
    try:
        values = floats(col)  # casts what it cannot read from the buffers
    except pa.ArrowInvalid:  # an integer float64 cannot hold exactly
        if role not in ROUNDED_ROLES or not pa.types.is_integer(col.type):
            _raise_beyond_float(raw, name, col, role, leave_out)
            raise
        # a weight or an offset beyond ±2**53: its nearest float64 (a relative
        # error of 1e-16) is the value; identifiers are a feature's concern,
        # and counts (--trials) stay exact
        import pyarrow.compute as pc

        values = floats(pc.cast(col, pa.float64(), safe=False))
    refuse_infinite(raw, name, values)
    return values


#: The roles of grouped counts, which must be exact integers.
COUNT_ROLES = ("successes", "failures", "--trials")


def _raise_beyond_float(
    raw: RawData,
    name: str,
    col: Any,
    role: str | None = None,
    leave_out: str | None = None,
) -> None:
    """Refuse an integer column holding a value beyond ±2**53, naming the
    first such value and its line (Arrow's cast would round it, so it refuses
    with a message that names no column); returns where there is none. A
    feature's words suggest an identifier; a count's (``role`` in
    :data:`COUNT_ROLES`) say counts must be exact."""
    import pyarrow as pa

    if not pa.types.is_integer(col.type):
        return
    values = np.asarray(col.fill_null(0).to_numpy())
    beyond = np.flatnonzero((values > EXACT_INT) | (values < -EXACT_INT))
    if beyond.size == 0:
        return
    first, value = int(beyond[0]), int(values[int(beyond[0])])
    at = position(raw, first)
    if role in COUNT_ROLES:
        raise DataValidationError(
            f"{role} column {name!r} in {raw.path} holds {value} at {at} "
            f"({int(beyond.size)} value(s) beyond 2**53): counts must be exact "
            "integers of at most 2**53 = 9,007,199,254,740,992, the largest "
            "float64 holds exactly"
        )
    message = beyond_float_message(
        name, raw.path, value, at, int(beyond.size), leave_out
    )
    raise DataValidationError(message)


def check_formula_numbers(raw: RawData, name: str, leave_out: str) -> None:
    """Refuse what a column a formula reads as numbers (not only inside
    ``C()``) cannot hold: numeric garbage (:func:`column_kind`), an infinite
    value or an integer beyond ±2**53 (:func:`numeric_column`), in the words
    used without a formula; ``leave_out`` is the remedy for the integers
    (how to leave the column out at fit, ``""`` for a model's input)."""
    if column_kind(raw, name) == "numeric":
        numeric_column(raw, name, leave_out=leave_out)


def refuse_infinite(raw: RawData, name: str, values: np.ndarray) -> None:
    """Refuse an infinite value in column ``name`` (``values``, as read), naming
    its line: no column the tools read (features, target, weights, offset,
    clusters) has a meaning for one."""
    if values.dtype.kind != "f" or not np.isinf(values).any():
        return
    i = int(np.flatnonzero(np.isinf(values))[0])
    at = position(raw, i)
    raise DataValidationError(infinite_value(name, raw.path, at, values[i]))


def _raise_text(raw: RawData, name: str, role: str) -> None:
    """The column an option names for numbers holds text."""
    valid, _ = _number_flags(raw, name)
    example = ""
    if valid.any():
        first = int(np.flatnonzero(valid)[0])
        value = _column(raw, name)[first].as_py()
        example = f" ({value!r} at {position(raw, first)})"
    raise DataValidationError(
        f"{role} needs a numeric column, but column {name!r} in {raw.path} holds "
        f"text{example}"
    )


def string_column(raw: RawData, name: str) -> np.ndarray:
    """Values of a column as an object array of str (None where missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = _column(raw, name)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = pc.cast(col, pa.string())
    return objects(col)


def text_levels(raw: RawData, name: str) -> list[str]:
    """The levels of text column ``name``, the reference first: the values
    sorted; for an Arrow dictionary (a pandas ``Categorical`` or an R factor
    written to Parquet, whose dictionary is its categories in order) the
    values present in the dictionary's order, as the DataFrame encoding
    (:mod:`logistic._frame_encoding`) takes a ``category`` column's."""
    import pyarrow as pa

    from .._onehot import sorted_levels

    values = sorted_levels(v for v in string_column(raw, name) if v is not None)
    col = raw.table.column(name)
    if not pa.types.is_dictionary(col.type) or col.num_chunks == 0:
        return values
    order = col.unify_dictionaries().chunk(0).dictionary.to_pylist()
    present = set(values)
    return list(dict.fromkeys(str(v) for v in order if str(v) in present))


def nonnegative_column(
    raw: RawData, name: str, role: str, noun: str = "value", plural: str = "values"
) -> np.ndarray:
    """A numeric column with no negative value; the error names the role, the
    column, the first line and the count (``--weights column 'w' in f.csv has
    a negative value (-1) at line 3 (1 such value(s)); weights must be >= 0``)."""
    values = numeric_column(raw, name, role)
    negative = np.flatnonzero(values < 0)
    if negative.size:
        i = int(negative[0])
        raise DataValidationError(
            f"{role} column {name!r} in {raw.path} has a negative {noun} "
            f"({values[i]:g}) at {position(raw, i)} ({negative.size} such value(s)); "
            f"{plural} must be >= 0"
        )
    return values


#: How the command line names the roles of columns in messages.
ROLE_OPTIONS = {
    "weights": "--weights",
    "offset": "--offset",
    "drop": "--drop",
    "delimiter": "--sep",
}


def require_columns(raw: RawData, names: list[str], role: str) -> None:
    """Raise a helpful error when columns are absent (see
    :func:`logistic.columns.require_columns`)."""
    _require(
        raw.table.column_names,
        names,
        role,
        source=raw.path,
        delimiter=raw.delimiter,
        delimiter_option=ROLE_OPTIONS["delimiter"],
        row_labels=pandas_index_columns(raw.table.schema),
    )
