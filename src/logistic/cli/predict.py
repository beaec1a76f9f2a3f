"""``logistic predict``: probabilities and labels for new data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from . import _options as opt
from ._apply import apply_model, label_values
from ._common import (
    EX_USAGE,
    CLIError,
    check_output,
    note,
    parse_list,
    require_inputs,
    writing,
)


def excel_safe(column: Any) -> Any:
    """Prefix ``'`` to strings starting with = + - @ TAB CR (CSV formula injection).

    Only string columns change; numbers are never touched.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = pc.match_substring_regex(column, r"^[=+\-@\t\r]")
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


def _table(
    applied: Any, threshold: float, keep: list[str] | None, safe: bool = False
) -> Any:
    import pyarrow as pa

    from .._math import sigmoid

    z = applied.z
    proba = sigmoid(z)
    labels = label_values(
        applied.model_file.encoding,
        proba > threshold,
        applied.model_file.model.classes_,
    )
    columns: dict[str, object] = {}
    if keep and applied.raw.table is None:
        raise CLIError(f"--keep does not apply to LibSVM data ({applied.raw.path})")
    if keep:
        from ..tabular._columns import require_columns

        require_columns(applied.raw, keep, "--keep")
    for name in keep or []:
        column = applied.raw.table.column(name)
        columns[name] = excel_safe(column) if safe else column
    columns["proba"] = pa.array(proba)
    columns["label"] = pa.array(labels.tolist())
    columns["logit"] = pa.array(np.asarray(z, dtype=np.float64))
    return pa.table(columns)


def predict(
    model: opt.ModelArg,
    data: opt.DataArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write predictions to a .csv or .parquet file "
            "(default: CSV on stdout).",
        ),
    ] = None,
    threshold: opt.Threshold = 0.5,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep", help="Input columns to copy into the output (e.g. an ID)."
        ),
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel-safe",
            help="Prefix ' to --keep text values starting with = + - @ (spreadsheets "
            "would run them as formulas).",
        ),
    ] = False,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    force: opt.Force = False,
) -> None:
    """Predict P(positive), the label and the logit for every row of DATA.

    The model file's encoding (formula, categorical levels) is re-applied;
    columns are matched by name; unseen categories, missing columns and
    missing values are errors. Output rows are in input order.

    Example: logistic predict model.json new.csv -o predictions.csv
    """
    import pyarrow.csv as pacsv

    require_inputs(data=data, model=model)
    out = check_output(output, force=force, inputs=(data, model))
    if out is not None and out.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise CLIError(
            f"--output must end in .csv or .parquet, got {out.name!r}", EX_USAGE
        )
    applied = apply_model(model, data, with_target=False, sep=sep, fmt=fmt)
    table = _table(applied, threshold, parse_list(keep), excel)
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
    with writing(out, force=force) as tmp:
        if out.suffix.lower() == ".csv":
            pacsv.write_csv(table, str(tmp))
        else:
            import pyarrow.parquet as pq

            pq.write_table(table, str(tmp))
    note(f"{table.num_rows} predictions written to {out}")
