"""Arrow columns to numpy arrays, read from the Arrow buffers.

pyarrow's own ``to_numpy`` (and every conversion of a Python scalar, such as
``fill_null(False)``) imports pandas the first time it runs, about 0.4 s:
more than the rest of ``logistic fit`` on a small file. The conversions the
command line needs are simple enough to read straight from the buffers of
the Arrow columnar format (a validity bitmap and a values buffer per chunk),
so the CLI never imports pandas unless a formula or a data frame asks for it.

The other direction, :func:`bool_array` builds an Arrow boolean array (a row
filter) from its bitmap, for the same reason: ``pa.array`` imports pandas in
its check for array-likes.

Conventions: a missing value (null) becomes NaN in a float result and
``False`` in a boolean one; integers without nulls stay integers. Text
columns become object arrays of ``str`` with ``None`` where missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["bool_array", "booleans", "floats", "labels", "nulls", "objects", "values"]


def _chunks(column: Any) -> list[Any]:
    return list(column.chunks) if hasattr(column, "chunks") else [column]


def _bits(buffer: Any, offset: int, n: int) -> np.ndarray:
    """``n`` bits of an Arrow bitmap from bit ``offset`` as a bool array."""
    first, last = offset // 8, (offset + n + 7) // 8
    raw = np.frombuffer(buffer, dtype=np.uint8)[first:last]
    bits = np.unpackbits(raw, bitorder="little")
    start = offset - 8 * first
    return bits[start : start + n].astype(bool)


def _valid(chunk: Any) -> np.ndarray | None:
    """Validity of each slot of ``chunk`` (None when nothing is missing)."""
    if chunk.null_count == 0:
        return None
    return _bits(chunk.buffers()[0], chunk.offset, len(chunk))


def _primitive(chunk: Any, dtype: np.dtype) -> np.ndarray:
    """The values buffer of a fixed-width chunk (null slots hold anything)."""
    offset = chunk.offset * dtype.itemsize
    data = chunk.buffers()[1]
    return np.frombuffer(data, dtype=dtype, count=len(chunk), offset=offset)


#: Integers beyond this are not all exact in float64: Arrow's safe cast
#: refuses them, so they go through it (and its error).
EXACT_INT = 2**53


def _direct_dtype(kind: Any) -> np.dtype | None:
    """The numpy dtype of a column read from its buffers without a cast
    (float64, float32, integers and booleans), else None."""
    import pyarrow as pa

    if pa.types.is_boolean(kind):
        return np.dtype(bool)
    if (
        pa.types.is_float32(kind)
        or pa.types.is_float64(kind)
        or pa.types.is_integer(kind)
    ):
        return np.dtype(kind.to_pandas_dtype())
    return None


def floats(column: Any) -> np.ndarray:
    """A numeric or boolean column as float64, NaN where missing.

    float, integer and boolean columns are read from their buffers (no
    ``pyarrow.compute``, ≈ 0.04 s to import); other types are cast by Arrow.
    """
    import pyarrow as pa

    dtype = _direct_dtype(column.type)
    if dtype is not None and dtype.kind in "iu" and _beyond_exact(column, dtype):
        dtype = None
    if dtype is None:
        import pyarrow.compute as pc

        column = pc.cast(column, pa.float64())
        dtype = np.dtype(np.float64)
    out = np.empty(len(column), dtype=np.float64)
    pos = 0
    for chunk in _chunks(column):
        n = len(chunk)
        if n == 0:
            continue
        part = out[pos : pos + n]
        if dtype.kind == "b":
            part[:] = _bits(chunk.buffers()[1], chunk.offset, n)
        else:
            part[:] = _primitive(chunk, dtype)
        valid = _valid(chunk)
        if valid is not None:
            part[~valid] = np.nan
        pos += n
    return out


def _beyond_exact(column: Any, dtype: np.dtype) -> bool:
    """Whether an integer column holds a value beyond ``EXACT_INT`` (read in
    place, chunk by chunk; null slots may hold anything and count too)."""
    for chunk in _chunks(column):
        if len(chunk):
            part = _primitive(chunk, dtype)
            if max(abs(int(part.min())), abs(int(part.max()))) > EXACT_INT:
                return True
    return False


def _direct(column: Any, dtype: np.dtype) -> np.ndarray:
    """The values of a fixed-width column (null slots hold anything)."""
    parts = [_primitive(c, dtype) for c in _chunks(column) if len(c)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def nulls(column: Any) -> np.ndarray:
    """True where a value is null (from the validity bitmaps)."""
    out = np.zeros(len(column), dtype=bool)
    pos = 0
    for chunk in _chunks(column):
        n = len(chunk)
        if chunk.null_count == n:
            out[pos : pos + n] = n > 0
        else:
            valid = _valid(chunk)
            if valid is not None:
                out[pos : pos + n] = ~valid
        pos += n
    return out


def _by_chunk(column: Any, dtype: Any, part: Any) -> np.ndarray:
    """An array of ``dtype`` filled chunk by chunk with ``part(chunk)``."""
    out = np.empty(len(column), dtype=dtype)
    pos = 0
    for chunk in _chunks(column):
        n = len(chunk)
        if n:
            out[pos : pos + n] = part(chunk)
            pos += n
    return out


def booleans(column: Any) -> np.ndarray:
    """A boolean column as a bool array, False where missing."""

    def part(chunk: Any) -> np.ndarray:
        bits = _bits(chunk.buffers()[1], chunk.offset, len(chunk))
        valid = _valid(chunk)
        return bits if valid is None else bits & valid

    return _by_chunk(column, bool, part)


def objects(column: Any) -> np.ndarray:
    """Any column as an object array of Python values (None where missing)."""
    out = np.empty(len(column), dtype=object)
    out[:] = column.to_pylist()
    return out


def values(column: Any) -> np.ndarray:
    """A column's values with the type numpy would give them: integers stay
    integers, floats stay float64, booleans stay bool, as long as nothing is
    missing; a missing value makes an integer column float64 (NaN) and a
    boolean column an object array (None); a decimal column is numbers,
    float64 (as :func:`floats` casts it); text gives objects."""
    import pyarrow as pa

    kind = column.type
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return floats(column)
    if pa.types.is_integer(kind):
        if column.null_count:
            return floats(column)
        return _direct(column, np.dtype(kind.to_pandas_dtype()))
    if pa.types.is_boolean(kind) and not column.null_count:
        return booleans(column)
    return objects(column)


def labels(column: Any) -> np.ndarray:
    """A label column without missing values as :func:`values` gives it, text
    through its dictionary (``pyarrow.compute.dictionary_encode``): one ``str``
    object a distinct label, taken by code, 2.5x faster than :func:`objects`
    on a million rows of two labels (a streamed fit converts every chunk's
    labels on every pass that decodes the file)."""
    import pyarrow as pa

    kind = column.type
    text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if column.null_count or not text:
        return values(column)
    import pyarrow.compute as pc

    def part(chunk: Any) -> np.ndarray:
        encoded = pc.dictionary_encode(chunk)
        levels = np.empty(len(encoded.dictionary), dtype=object)
        levels[:] = encoded.dictionary.to_pylist()
        return levels[_primitive(encoded.indices, np.dtype(np.int32))]

    return _by_chunk(column, object, part)


def bool_array(mask: np.ndarray) -> Any:
    """A 1-D bool ndarray as an Arrow boolean array without nulls."""
    import pyarrow as pa

    mask = np.asarray(mask, dtype=bool).ravel()
    bits = np.packbits(mask, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), mask.size, [None, pa.py_buffer(bits)])
