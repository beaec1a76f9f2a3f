"""``logistic predict`` of a file read in chunks (:mod:`._apply_stream`).

Convention (owned here): each chunk's output rows are built by the
in-memory path's own :func:`._predict_table.output_table` and written as they come: CSV
through one ``pyarrow.csv.CSVWriter`` (its header once; the bytes of the
file written whole), Parquet through one ``ParquetWriter`` (a row group a
chunk; the same table, whose column types do not depend on the rows a
chunk holds: ``output_table`` types a label column of no label as the
model's labels). A file output is written to a temporary file in
its folder and renamed onto it at the end (:func:`._common.writing`): an
error or an interrupt mid-way (Ctrl-C) leaves neither a partial file nor
the temporary one, and an existing output as it was. Standard output is
written as the rows come: an error mid-way leaves the rows before it there,
and the exit code says it failed. The counts of rows not scored and the
warning of rows whose prediction is not estimable are said once, at the
end, for the whole file.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

__all__ = ["predict_streamed"]


class _Writer:
    """One output file's writer, made from the first chunk's table."""

    def __init__(self, sink: Any, csv: bool) -> None:
        self.sink, self.csv = sink, csv
        self.writer: Any = None
        self.schema: Any = None
        self.rows = 0

    def write(self, table: Any) -> None:
        if self.writer is None:  # every chunk's table has these types
            self.schema = table.schema
            if self.csv:
                import pyarrow.csv as pacsv

                self.writer = pacsv.CSVWriter(self.sink, self.schema)
            else:
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.sink, self.schema)
        self.writer.write_table(table.cast(self.schema))
        self.rows += table.num_rows

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def predict_streamed(
    model: Path,
    data: Path,
    out: Path | None,
    *,
    threshold: float,
    kept: list[str] | None,
    excel: bool,
    interval: float | None,
    missing: str,
    unknown: str,
    reading: dict[str, Any],
    force: bool,
    quiet: bool,
    chunk_rows: int | None,
    checked: Any,
) -> None:
    """Score DATA chunk by chunk and write each chunk's rows (module
    docstring); ``reading``: ``sep``, ``fmt``, ``encoding``, ``decimal``."""
    import os

    from .._messages import printable
    from ._apply import tell_unscored
    from ._apply_stream import apply_chunks
    from ._common import note, writing
    from ._predict_estimable import (
        NonEstimable,
        interval_columns,
        warn_non_estimable_scores,
    )
    from ._predict_table import output_table, refuse_unwritable_csv

    streamed = apply_chunks(
        model,
        data,
        with_target=False,
        missing=missing,
        unknown=unknown,
        quiet=quiet,
        keep=kept,
        checked=checked,
        chunk_rows=chunk_rows,
        **reading,
    )
    unset = NonEstimable()
    csv = out is None or out.suffix.lower() == ".csv"
    with ExitStack() as stack:
        if out is None:
            sink: Any = sys.stdout.buffer
        else:
            import pyarrow as pa

            tmp = stack.enter_context(writing(out, force=force))
            # the name as bytes, as predict writes a file read whole
            sink = stack.enter_context(pa.OSFile(os.fsencode(tmp), "wb"))
        writer = _Writer(sink, csv)
        try:
            for applied in streamed.chunks:
                if interval is None:
                    warn_non_estimable_scores(applied, model, unset)
                    extra = None
                else:
                    extra = interval_columns(applied, model, interval, unset)
                table = output_table(applied, threshold, kept, excel, missing, extra)
                if csv and writer.writer is None:
                    refuse_unwritable_csv(table, kept, excel)
                writer.write(table)
        finally:
            streamed.chunks.close()  # the reader's files, now
        writer.close()
        if out is None:
            sink.flush()
    unset.warn()
    tally = streamed.tally
    tell_unscored(_Counted(tally), data, missing, unknown)  # type: ignore[arg-type]
    if out is None:
        return
    if tally.scored < writer.rows:  # --missing na / --unknown-levels na rows
        note(
            f"{writer.rows} rows written to {printable(str(out))}: {tally.scored} "
            f"with predictions, {writer.rows - tally.scored} left empty"
        )
    else:
        note(f"{writer.rows} predictions written to {printable(str(out))}")


class _Counted:
    """What :func:`._apply.tell_unscored` reads of an ``Applied``, for the
    whole file: its ``design``'s counts (:class:`._apply_stream.Tally`) and
    the number of rows scored (``z.size``)."""

    def __init__(self, tally: Any) -> None:
        from types import SimpleNamespace

        self.design = tally
        self.z = SimpleNamespace(size=tally.scored)
