"""Parquet files for the command line (:func:`read_parquet`), and the words of
a Parquet read's failure: pyarrow's first line (:func:`parquet_message`), or
what is wrong when the file is no Parquet at all (:func:`not_parquet_hint`).
The CSV reader and the dispatch by format are :mod:`._read`'s."""

from __future__ import annotations

import re

from .._exceptions import DataValidationError
from ._raw import RawData, open_data

__all__ = ["not_parquet_hint", "parquet_message", "read_parquet", "refuse_compressed"]

#: (a pattern string: ``re`` compiles it on the first error, not at import)
_PARQUET_SOURCE = r"^Could not open Parquet input source '[^']*': "


def parquet_message(exc: Exception) -> str:
    """pyarrow's first line, without the name of the (anonymous) file object."""
    from ..backends._sources import one_line

    return re.sub(_PARQUET_SOURCE, "", one_line(str(exc)))


def not_parquet_hint(path: str) -> str:
    """What is wrong, with the remedy (``--format csv``), when the file does
    not start with Parquet's magic bytes (a CSV file named ``*.parquet``);
    else ""."""
    try:
        with open_data(path) as fh:
            magic = fh.read(4)
    except OSError:
        return ""
    if magic == b"PAR1":
        return ""
    return (
        "the file does not start with Parquet's magic bytes (PAR1); if it holds "
        "CSV text, pass --format csv"
    )


def refuse_compressed(name: str, compression: str | None) -> None:
    """Refuse a Parquet file compressed as a whole (gzip, bz2), naming it."""
    if compression is not None:
        raise DataValidationError(
            f"{name}: a {compression}-compressed Parquet file; Parquet compresses "
            "internally, decompress the file first"
        )


def read_parquet(path: str, name: str, compression: str | None) -> RawData:
    """A Parquet file read whole (its columns' names are checked by the caller,
    as a CSV file's; a name given twice before the read, which pyarrow would
    refuse in its own words); a compressed one, or one pyarrow cannot read, is
    refused naming the file (with the ``--format csv`` remedy for CSV text)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..backends._column_words import PARQUET_NAMES, check_unique_names

    refuse_compressed(name, compression)
    with open_data(path) as fh:
        try:
            # named twice, a column is refused in words (pyarrow's read_table
            # says "Multiple matches for FieldRef.Name")
            check_unique_names(pq.read_schema(fh).names, name, PARQUET_NAMES)
            fh.seek(0)
            table = pq.read_table(fh)
        except (pa.ArrowException, OSError) as exc:
            if getattr(exc, "errno", None) is not None:
                raise  # a read error of the file itself (I/O, exit 74)
            raise DataValidationError(
                f"{name}: cannot read Parquet: "
                f"{not_parquet_hint(path) or parquet_message(exc)}"
            ) from None
    return RawData(path=name, format="parquet", table=table)
