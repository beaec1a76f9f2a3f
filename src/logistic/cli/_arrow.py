"""Arrow arrays of ``logistic predict``'s output, built without pandas.

``pa.array`` imports pandas (≈ 0.2 s, more under load) on its first call,
whatever it is given: it checks whether its argument is a pandas object. The
output columns are float arrays with a mask of empty rows, boolean row
filters and the label column, so they are built here from their buffers
(``pa.Array.from_buffers``), with the same types and values ``pa.array``
gives: float64/float32 keep their dtype, labels that are all ``str`` become
``string``, all ``bool`` ``bool``, all ``int`` ``int64``, all ``float``
``double``; ``None`` is null. Anything else (no label at all, mixed or other
types, values out of range) goes through ``pa.array`` as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["bool_array", "float_array", "label_array"]

_FLOATS = {"float64": "float64", "float32": "float32"}


def _validity(valid: np.ndarray) -> Any:
    """The validity bitmap of ``valid`` (None when every value is valid)."""
    import numpy as np
    import pyarrow as pa

    if valid.all():
        return None
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def float_array(values: np.ndarray, mask: np.ndarray | None = None) -> Any:
    """``pa.array(values, mask=mask)`` of a 1-d float array (null where
    ``mask`` is True)."""
    import numpy as np
    import pyarrow as pa

    kind = _FLOATS.get(np.asarray(values).dtype.name)
    if kind is None or np.ndim(values) != 1:
        return pa.array(values, mask=mask)
    data = np.ascontiguousarray(values)
    valid = np.ones(data.size, bool) if mask is None else ~np.asarray(mask, bool)
    buffers = [_validity(valid), pa.py_buffer(data)]
    nulls = int(data.size - np.count_nonzero(valid))
    return pa.Array.from_buffers(getattr(pa, kind)(), data.size, buffers, nulls)


def bool_array(values: np.ndarray) -> Any:
    """``pa.array(values)`` of a 1-d boolean numpy array (no nulls)."""
    import numpy as np
    import pyarrow as pa

    bits = np.packbits(np.asarray(values, bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])


def label_array(labels: list[Any]) -> Any:
    """``pa.array(labels)`` of the predicted labels (``None``: no label)."""
    import pyarrow as pa

    present = {type(v) for v in labels if v is not None}
    try:
        if present == {str}:
            return _strings(labels)
        if present == {bool}:
            return _numbers(labels, "bool")
        if present == {int}:
            return _numbers(labels, "int64")
        if present == {float}:
            return _numbers(labels, "float64")
    except (OverflowError, UnicodeEncodeError):
        pass  # pa.array raises the error users have seen so far
    return pa.array(labels)


def _numbers(labels: list[Any], kind: str) -> Any:
    import numpy as np
    import pyarrow as pa

    valid = np.fromiter((v is not None for v in labels), bool, len(labels))
    data = np.array([0 if v is None else v for v in labels], dtype=kind)
    if kind == "bool":
        buffer = pa.py_buffer(np.packbits(data, bitorder="little"))
        arrow = pa.bool_()
    else:
        buffer, arrow = pa.py_buffer(data), getattr(pa, kind)()
    nulls = int(len(labels) - np.count_nonzero(valid))
    return pa.Array.from_buffers(arrow, len(labels), [_validity(valid), buffer], nulls)


def _strings(labels: list[Any]) -> Any:
    import numpy as np
    import pyarrow as pa

    encoded = [b"" if v is None else v.encode("utf-8") for v in labels]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    if lengths.sum() >= 2**31:  # pa.array splits such a column into chunks
        raise OverflowError
    offsets = np.zeros(len(encoded) + 1, np.int32)
    np.cumsum(lengths, out=offsets[1:])
    valid = np.fromiter((v is not None for v in labels), bool, len(labels))
    buffers = [_validity(valid), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    nulls = int(len(labels) - np.count_nonzero(valid))
    return pa.Array.from_buffers(pa.string(), len(labels), buffers, nulls)
