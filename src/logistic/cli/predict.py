"""``logistic predict``: probabilities and labels for new data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .._messages import printable
from . import _options as opt
from ._apply import (
    MissingRows,
    UnknownLevels,
    apply_model,
    check_row_options,
    label_values,
    output_rows,
    tell_unscored,
)
from ._codes import EX_USAGE, CLIError
from ._common import (
    check_output,
    note,
    parse_list,
    refuse_existing,
    require_inputs,
    writing,
)
from ._predict_estimable import (
    check_covariance,
    interval_columns,
    warn_non_estimable_scores,
)
from ._progress import Quiet
from ._typed import given_once


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


def _all_numbers(text: Any) -> bool:
    """Whether every value of a text column is a plain number: a column of
    numbers kept as text (``--keep`` reads CSV columns as text), where
    missing-value tokens (``NA``, ``null``, ``""``: pyarrow's) do not count."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    tokens = pa.array(pacsv.ConvertOptions().null_values, type=text.type)
    valid = text.drop_null()
    valid = valid.filter(pc.invert(pc.is_in(valid, value_set=tokens)))
    return len(valid) > 0 and bool(
        pc.all(pc.match_substring_regex(valid, _PLAIN_NUMBER)).as_py()
    )


def _prefix_risky(column: Any) -> Any:
    """``'`` before text values starting with = + - @ TAB CR, in the column's
    type; a column holding only plain numbers (``-3``, ``+4``) is unchanged."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    work = pa.large_string() if pa.types.is_large_string(kind) else pa.string()
    text = column if kind == work else pc.cast(column, work)
    if _all_numbers(text):
        return column
    risky = pc.match_substring_regex(text, _RISKY_START)
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


def _refuse_unwritable_csv(table: Any, keep: list[str] | None, safe: bool) -> None:
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
    columns, numbers included, and text columns holding only plain numbers
    (a numeric column kept as text) are returned unchanged.
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


def check_interval(level: float | None) -> None:
    """``--interval`` is a confidence level strictly between 0 and 1 (exit 2)."""
    if level is not None and not 0.0 < level < 1.0:
        raise CLIError(
            f"--interval must be a confidence level between 0 and 1 (e.g. 0.95); "
            f"got {level:g}",
            EX_USAGE,
        )


def _table(
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
    columns["label"] = excel_safe(label_column) if safe else label_column
    if not multiclass:
        columns["logit"] = float_array(np.asarray(z, dtype=np.float64), mask=empty)
    for name, values in (interval or {}).items():
        full = np.full(scored.size, np.nan)
        full[scored] = values
        columns[name] = float_array(full, mask=empty)
    return pa.table(columns)


def predict(
    model: opt.ModelArg,
    data: opt.DataArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            readable=False,
            help="Write predictions to a .csv or .parquet file; '-' (the default) "
            "writes CSV to standard output, with every message on stderr.",
        ),
    ] = None,
    threshold: opt.Threshold = 0.5,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep",
            metavar="COLUMNS",
            help="Input columns to copy into the output (e.g. an ID).",
        ),
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel-safe",
            metavar="",
            help="Prefix ' to text values (and names) of the --keep columns and "
            "to labels that start with = + - @, a tab or a carriage return "
            "(spreadsheets would run them as formulas); a column of plain numbers "
            "is unchanged.",
        ),
    ] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            "--interval",
            metavar="LEVEL",
            help="Add proba_se, proba_lower and proba_upper: the standard error of "
            "P(positive) and its LEVEL confidence interval (e.g. 0.95; computed on "
            "the logit scale, so within [0, 1]) from the covariance stored in the "
            "model file (unpenalized and Firth fits).",
        ),
    ] = None,
    missing: MissingRows = "error",
    unknown: UnknownLevels = "error",
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    force: opt.Force = False,
    quiet: Quiet = False,
    stream: opt.ReadStream = None,
    chunk_rows: opt.ChunkRows = None,
) -> None:
    """Predict class probabilities and the label for every row of DATA.

    Two classes: P(positive), the label and the logit. A model of more than
    two classes writes proba_<level> (one column per class) and the most
    probable level as label.

    The model file's encoding (formula, categorical levels) is re-applied;
    columns are matched by name; missing columns are errors. A missing value
    or a category not seen at fit time is an error, unless --missing drop
    (rows left out) or --missing na / --unknown-levels na (rows kept, with
    empty predictions); stderr counts them in one line. Output rows are in
    input order.

    A CSV or Parquet file larger than 1/16 of memory (or any, with
    --stream) is read, scored and written in chunks of rows (--chunk-rows):
    the same output, in bounded memory, written to a temporary file renamed
    onto FILE at the end.

    Example: logistic predict model.json new.csv -o predictions.csv
    (--interval 0.95 adds the 95% confidence interval of P(positive))
    """
    import pyarrow.csv as pacsv

    from ._apply_stream import check_chunk_rows, stream_wanted

    check_row_options(missing, unknown)
    check_interval(interval)
    check_chunk_rows(chunk_rows)
    kept = parse_list(keep, "--keep")
    require_inputs(data=data, model=model)
    # "-o FILE -o -" too: check_output, which refuses a repeated output,
    # is not called for standard output
    given_once("-o", "--output")
    if output is not None and str(output) == "-":
        output = None
    # an existing output is refused once the model and data are checked
    # (refuse_existing in ``checked``): their mistakes are named first
    out = (
        None
        if output is None
        else check_output(output, force=True, inputs=(data, model), stdout=True)
    )
    if out is not None and out.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise CLIError(
            f"--output must end in .csv or .parquet, got {out.name!r}", EX_USAGE
        )

    def checked(model_file: Any) -> None:
        """The options against the model, then the output: before scoring."""
        from .._multiclass import is_multiclass

        if is_multiclass(model_file.model):
            from ._multiclass import check_threshold

            check_threshold(threshold)
            if interval is not None:
                raise CLIError(
                    f"--interval applies to two-class models (the interval of "
                    f"P(positive)); {model} has more than two classes",
                    EX_USAGE,
                )
        if interval is not None:
            check_covariance(model_file, model)
        if out is not None:
            refuse_existing(out, force=force)

    reading: dict[str, Any] = {"sep": sep, "fmt": fmt, "decimal": decimal}
    reading["encoding"] = encoding

    def streamed() -> None:
        from ._predict_stream import predict_streamed

        options: dict[str, Any] = {"threshold": threshold, "kept": kept}
        options["excel"] = excel
        options.update(interval=interval, missing=missing, unknown=unknown)
        options.update(force=force, quiet=quiet, chunk_rows=chunk_rows)
        predict_streamed(model, data, out, reading=reading, checked=checked, **options)

    if stream_wanted(data, fmt, stream):
        return streamed()
    from ..tabular._raw import DecompressedTooLarge

    try:
        applied = apply_model(
            model,
            data,
            with_target=False,
            missing=missing,
            unknown=unknown,
            quiet=quiet,
            keep=kept,
            checked=checked,
            **reading,
        )
    except DecompressedTooLarge as exc:  # its text is too large to hold
        if stream is False:
            raise
        note(f"{exc.path} decompresses to more than {exc.limit} bytes: read in chunks")
        return streamed()
    if interval is None:
        warn_non_estimable_scores(applied, model)
        extra = None
    else:
        extra = interval_columns(applied, model, interval)
    table = _table(applied, threshold, kept, excel, missing, extra)
    if out is None or out.suffix.lower() == ".csv":
        _refuse_unwritable_csv(table, kept, excel)
    tell_unscored(applied, data, missing, unknown)
    if out is None:
        sink = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        if sink is None:  # pragma: no cover - text-only stdout
            import io

            buf = io.BytesIO()
            pacsv.write_csv(table, buf)
            sys.stdout.write(buf.getvalue().decode())
        else:
            pacsv.write_csv(table, sink)
            sink.flush()
        return
    import os

    import pyarrow as pa

    # the name as bytes: pyarrow encodes a str path as UTF-8, which a name
    # holding a byte that is not UTF-8 (b'p\xe9.csv') cannot be
    with writing(out, force=force) as tmp, pa.OSFile(os.fsencode(tmp), "wb") as sink:
        if out.suffix.lower() == ".csv":
            pacsv.write_csv(table, sink)
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, sink)
    scored = int(applied.z.shape[0])
    if scored < table.num_rows:  # --missing na / --unknown-levels na rows
        note(
            f"{table.num_rows} rows written to {printable(str(out))}: {scored} with "
            "predictions, "
            f"{table.num_rows - scored} left empty"
        )
    else:
        note(f"{table.num_rows} predictions written to {printable(str(out))}")
