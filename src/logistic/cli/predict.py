"""``logistic predict``: probabilities and labels for new data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .._messages import printable
from . import _options as opt
from . import _stream_options as sopt
from ._apply import (
    apply_model,
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
from ._predict_table import (
    output_table,
    refuse_unwritable_csv,
)
from ._progress import QuietReading
from ._row_options import (
    MissingRows,
    UnknownLevels,
    check_row_options,
)
from ._typed import given_once


def check_interval(level: float | None) -> None:
    """``--interval`` is a confidence level strictly between 0 and 1 (exit 2)."""
    if level is not None and not 0.0 < level < 1.0:
        raise CLIError(
            f"--interval must be a confidence level between 0 and 1 (e.g. 0.95); "
            f"got {level:g}",
            EX_USAGE,
        )


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
            "(spreadsheets would run them as formulas); a plain number (-3) "
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
    quiet: QuietReading = False,
    stream: sopt.ReadStream = None,
    chunk_rows: sopt.ChunkRows = None,
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

    from ._apply_stream import (
        check_chunk_rows,
        chunked_note,
        note_unused_chunk_rows,
        stream_wanted,
    )

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
        chunked_note(exc)
        return streamed()
    note_unused_chunk_rows(chunk_rows, data)
    if interval is None:
        warn_non_estimable_scores(applied, model)
        extra = None
    else:
        extra = interval_columns(applied, model, interval)
    table = output_table(applied, threshold, kept, excel, missing, extra)
    if out is None or out.suffix.lower() == ".csv":
        refuse_unwritable_csv(table, kept, excel)
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
