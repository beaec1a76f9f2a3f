"""Exact encoding of a checkpoint's values (:mod:`logistic._checkpoint`).

Convention (owned here): a float is written as ``{"float": float.hex(v)}``
and an array as ``{"array": [hex, ...], "shape": [...]}`` so that a resumed
fit reads back the very bits it wrote; booleans, integers, strings and None
are written as they are. Integers are those of the solvers' states and
histories (counts), within int64 (:data:`INT_MIN`, :data:`INT_MAX`), and an
array has at most :data:`MAX_NDIM` dimensions, each an integer from 0 to
:data:`INT_MAX`, whose product (in exact integers, so it cannot wrap) is its
number of values. Decoding accepts exactly what encoding writes and raises
:class:`~logistic._exceptions.IntegrityError` naming the field for anything
else (a forged ``10**400``, a hex float beyond float64 such as ``0x1p99999``
or a shape of ``[2**64]`` included: a fit that
resumes would fail converting them); :func:`shown` writes a received value
into such messages.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._exceptions import IntegrityError

__all__ = ["INT_MAX", "INT_MIN", "MAX_NDIM", "decode", "encode", "shown", "text"]

#: The integers a checkpoint holds: int64's.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: The most dimensions an array of a checkpoint has (numpy 1.x's limit; the
#: solvers write vectors and matrices).
MAX_NDIM = 32


def _is_int(v: Any) -> bool:
    return type(v) is int and INT_MIN <= v <= INT_MAX


def _is_shape(shape: Any, size: int) -> bool:
    """Whether ``shape`` is the shape of an array of ``size`` values."""
    return (
        isinstance(shape, list)
        and len(shape) <= MAX_NDIM
        and all(_is_int(d) and d >= 0 for d in shape)
        and math.prod(shape) == size
    )


def encode(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return {"array": [float(x).hex() for x in v.ravel()], "shape": list(v.shape)}
    if isinstance(v, (float, np.floating)):
        return {"float": float(v).hex()}
    if isinstance(v, (np.integer, np.bool_)):
        v = v.item()
    if isinstance(v, int) and not isinstance(v, bool) and not _is_int(v):
        raise ValueError(f"cannot checkpoint the integer {v}: beyond int64")
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    raise TypeError(f"cannot checkpoint a value of type {type(v).__name__}")


def decode(v: Any, key: str) -> Any:
    """The value ``encode`` wrote as ``v``; ``key`` names it in the
    :class:`IntegrityError` raised for anything ``encode`` does not write
    (bad hex, an array whose length is not its shape's, a nested list, an
    integer beyond int64)."""
    if isinstance(v, dict):
        if set(v) == {"float"} and isinstance(v["float"], str):
            return _hex_float(v["float"], key)
        if (
            set(v) == {"array", "shape"}
            and isinstance(v["array"], list)
            and _is_shape(v["shape"], len(v["array"]))
            and all(isinstance(x, str) for x in v["array"])
        ):
            values = [_hex_float(x, key) for x in v["array"]]
            try:
                return np.array(values, dtype=np.float64).reshape(v["shape"])
            except ValueError:  # an empty array of a shape numpy cannot hold
                pass
        raise IntegrityError(
            f"{key}: received {shown(v)}, expected {{'float': hex}} or "
            f"{{'array': [hex, ...], 'shape': [int, ...]}} with as many values as "
            f"the shape holds (at most {MAX_NDIM} dimensions, each from 0 to 2**63 - 1)"
        )
    if type(v) is int and not _is_int(v):
        raise IntegrityError(
            f"{key}: received {shown(v)}, expected an integer from -2**63 to "
            "2**63 - 1 (the counts a solver writes)"
        )
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    raise IntegrityError(f"{key}: received {shown(v)}, expected a number or a string")


def _hex_float(text: str, key: str) -> float:
    try:
        return float.fromhex(text)
    except (ValueError, OverflowError):  # '0x1p99999' overflows float64
        raise IntegrityError(
            f"{key}: received {shown(text)}, expected a float written by float.hex"
        ) from None


def text(v: Any) -> str:
    """``v``'s ``repr`` (control characters escaped; an encoded float
    ``{'float': hex}`` as its number, 0.005), at most 60 characters."""
    if isinstance(v, dict) and set(v) == {"float"} and isinstance(v["float"], str):
        try:
            v = float.fromhex(v["float"])
        except (ValueError, OverflowError):  # not hex, or beyond float64: as it is
            pass
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def shown(v: Any) -> str:
    """``v`` in a message: its type and :func:`text`."""
    return f"{type(v).__name__} {text(v)}"
