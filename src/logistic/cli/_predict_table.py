"""The rows ``logistic predict`` writes: one table per file, or per chunk of
a file read in chunks (:func:`_table`), and ``--excel-safe``'s prefixes.
"""

from __future__ import annotations

from typing import Any

from ._apply import label_values, output_rows
from ._codes import EX_USAGE, CLIError

__all__ = [
    "excel_safe",
    "excel_safe_name",
    "label_type",
    "output_table",
    "refuse_unwritable_csv",
]


def _is_text(t: Any) -> bool:
    """Whether arrow type ``t`` holds text: string, large_string or string_view."""
    import pyarrow as pa

    view = getattr(pa.types, "is_string_view", None)
    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (view is not None and view(t))
    )


#: A plain number (``-3``, ``+4.5e2``), which a spreadsheet reads as a number.
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
#: The start of a text a spreadsheet would run as a formula: = + - @ TAB CR.
_RISKY_START = r"^[=+\-@\t\r]"


def _harmless(text: Any) -> Any:
    """Per value of a text column: whether it is a plain number (``-3``,
    ``+4.5e2``, which a spreadsheet reads as a number, never as a formula) or
    a missing-value token (``NA``, ``-nan``: pyarrow's). Decided value by
    value, so that a column gets the same prefixes whichever rows are
    written together (a file read whole, or a chunk of it)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    tokens = pa.array(pacsv.ConvertOptions().null_values, type=text.type)
    number = pc.match_substring_regex(text, _PLAIN_NUMBER)
    return pc.or_(number, pc.is_in(text, value_set=tokens))


def _prefix_risky(column: Any) -> Any:
    """``'`` before text values starting with = + - @ TAB CR, in the column's
    type; a plain number (``-3``, ``+4``) or missing-value token is unchanged."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    work = pa.large_string() if pa.types.is_large_string(kind) else pa.string()
    text = column if kind == work else pc.cast(column, work)
    risky = pc.and_(
        pc.match_substring_regex(text, _RISKY_START), pc.invert(_harmless(text))
    )
    quote, empty = pa.scalar("'", type=work), pa.scalar("", type=work)
    safe = pc.if_else(risky, pc.binary_join_element_wise(quote, text, empty), text)
    return safe if kind == work else pc.cast(safe, kind)


def excel_safe_name(name: str) -> str:
    """A column name as a CSV header cell under ``--excel-safe``: ``'`` before
    a name starting with = + - @ TAB CR, as :func:`_prefix_risky` prefixes
    the values under it; a plain number (``-3``) is unchanged."""
    import re

    if not re.match(_RISKY_START, name) or re.fullmatch(_PLAIN_NUMBER, name):
        return name
    return "'" + name


def _writable(column: Any) -> Any:
    """string_view as string: arrow's CSV writer has no view types."""
    import pyarrow as pa

    view = getattr(pa.types, "is_string_view", None)
    if view is not None and view(column.type):
        return column.cast(pa.string())
    return column


def refuse_unwritable_csv(table: Any, keep: list[str] | None, safe: bool) -> None:
    """Refuse ``--keep`` columns a CSV file cannot hold (lists, structs, maps,
    intervals: pyarrow's CSV writer has no text for them), naming each and
    its type, before anything is written; a Parquet output keeps them. With
    ``safe`` (``--excel-safe``) a column is found under its written name."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad = []
    for name in keep or []:
        header = excel_safe_name(name) if safe else name
        try:
            pacsv.write_csv(table.select([header]).slice(0, 0), io.BytesIO())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            bad.append(f"{name!r} ({table.schema.field(header).type})")
    if bad:
        raise CLIError(
            f"--keep {', '.join(bad)}: a CSV file cannot hold such values; write "
            "the predictions as Parquet (-o FILE.parquet) or leave "
            f"{'it' if len(bad) == 1 else 'them'} out of --keep",
            EX_USAGE,
        )


def excel_safe(column: Any) -> Any:
    """Prefix ``'`` to text starting with = + - @ TAB CR (CSV formula injection).

    Every text type is covered: string, large_string, string_view and
    dictionary (categorical) columns of those, which keep their dictionary
    type where arrow can rebuild it (else they become plain text). Other
    columns, numbers included, are returned unchanged, and so is a text value
    that is a plain number (a numeric column kept as text: ``-3``) or a
    missing-value token.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        if not _is_text(kind.value_type):
            return column
        large = pa.types.is_large_string(kind.value_type)
        work = pa.large_string() if large else pa.string()
        decoded = pa.chunked_array(
            [
                pc.cast(c.dictionary, work).take(c.indices)
                for c in getattr(column, "chunks", [column])
            ],
            type=work,
        )
        safe = _prefix_risky(decoded)
        try:
            return pc.cast(pc.dictionary_encode(safe), kind)
        except pa.ArrowNotImplementedError:  # arrow cannot rebuild this dictionary
            return safe
    if not _is_text(kind):
        return column
    return _prefix_risky(column)


def label_type(model_file: Any) -> Any:
    """The arrow type of the ``label`` column: that of the model's labels, so
    that an output whose rows are all unscored (``--missing na``, a header
    without rows, a chunk of such rows) has the column type of one with
    predictions, not Arrow's null type: a Parquet output's schema does not
    depend on which rows could be scored, or on the chunks."""
    import numpy as np

    from .._multiclass import is_multiclass
    from ._arrow import label_array

    if is_multiclass(model_file.model):
        from ._multiclass import levels_of

        labels = list(levels_of(model_file))
    else:
        both = np.array([False, True])
        labels = list(
            label_values(model_file.encoding, both, model_file.model.classes_)
        )
    return label_array(labels).type


def output_table(
    applied: Any,
    threshold: float,
    keep: list[str] | None,
    safe: bool = False,
    missing: str = "error",
    interval: dict[str, Any] | None = None,
) -> Any:
    """One row per input row (``rows`` of the file): the scored rows' values,
    empty (null) values on the rows that could not be scored; ``interval``
    (:func:`interval_columns`) adds columns after ``logit``."""
    import numpy as np
    import pyarrow as pa

    from .._math import sigmoid
    from .._multiclass import is_multiclass
    from ._arrow import bool_array, float_array, label_array

    design = applied.design
    rows = output_rows(design, missing)
    scored = design.keep[rows]  # output rows that have a prediction
    multiclass = is_multiclass(applied.model_file.model)
    if multiclass:  # one probability column per class, no logit
        from ._multiclass import predict_columns

        probas, label_list = predict_columns(applied, scored)
    else:
        z = np.full(scored.size, np.nan)
        z[scored] = applied.z
        proba = sigmoid(z)
        labels = np.full(scored.size, None, dtype=object)
        labels[scored] = label_values(
            applied.model_file.encoding,
            proba[scored] > threshold,
            applied.model_file.model.classes_,
        )
        probas, label_list = {"proba": proba}, labels.tolist()
    columns: dict[str, object] = {}
    if keep:  # the columns are there (apply_model): do they clash with ours?
        logit = [] if multiclass else ["logit"]
        written = [*probas, "label", *logit, *(interval or {})]
        clash = [name for name in keep if name in written]
        if clash:  # the prediction's column would replace the kept one
            raise CLIError(
                f"--keep {clash[0]!r}: predict writes a column of that name (its "
                f"columns: {', '.join(written)}); rename that column of "
                f"{applied.raw.path} or leave it out of --keep",
                EX_USAGE,
            )
    for name in keep or []:  # as written (CSV: RawData.verbatim)
        column = applied.raw.verbatim.get(name)  # a chunk holds no other
        if column is None:
            column = applied.raw.table.column(name)
        column = _writable(column)
        if not rows.all():
            column = column.filter(bool_array(rows))
        header = excel_safe_name(name) if safe else name
        if header != name and header in (keep or []):
            raise CLIError(
                f"--keep {name!r} and {header!r}: with --excel-safe both are "
                f"written as {header!r}; leave one of them out of --keep",
                EX_USAGE,
            )
        columns[header] = excel_safe(column) if safe else column
    empty = ~scored
    for name, values in probas.items():
        columns[name] = float_array(values, mask=empty)
    label_column = label_array(label_list)  # labels are text from the model file
    if pa.types.is_null(label_column.type):  # no row scored: the model's type
        label_column = pa.nulls(len(label_list), label_type(applied.model_file))
    columns["label"] = excel_safe(label_column) if safe else label_column
    if not multiclass:
        columns["logit"] = float_array(np.asarray(z, dtype=np.float64), mask=empty)
    for name, values in (interval or {}).items():
        full = np.full(scored.size, np.nan)
        full[scored] = values
        columns[name] = float_array(full, mask=empty)
    return pa.table(columns)
