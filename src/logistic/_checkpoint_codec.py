"""Exact encoding of a checkpoint's values (:mod:`logistic._checkpoint`).

Convention (owned here): a float is written as ``{"float": float.hex(v)}``
and an array as ``{"array": [hex, ...], "shape": [...]}`` so that a resumed
fit reads back the very bits it wrote; booleans, integers, strings and None
are written as they are. Decoding accepts exactly what encoding writes and
raises :class:`~logistic._exceptions.IntegrityError` naming the field for
anything else; :func:`shown` writes a received value into such messages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._exceptions import IntegrityError

__all__ = ["decode", "encode", "shown", "text"]


def encode(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return {"array": [float(x).hex() for x in v.ravel()], "shape": list(v.shape)}
    if isinstance(v, (float, np.floating)):
        return {"float": float(v).hex()}
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    if isinstance(v, (np.integer, np.bool_)):
        return v.item()
    raise TypeError(f"cannot checkpoint a value of type {type(v).__name__}")


def decode(v: Any, key: str) -> Any:
    """The value ``encode`` wrote as ``v``; ``key`` names it in the
    :class:`IntegrityError` raised for anything ``encode`` does not write
    (bad hex, an array whose length is not its shape's, a nested list)."""
    if isinstance(v, dict):
        if set(v) == {"float"} and isinstance(v["float"], str):
            return _hex_float(v["float"], key)
        shape = v.get("shape")
        if (
            set(v) == {"array", "shape"}
            and isinstance(v["array"], list)
            and isinstance(shape, list)
            and all(type(d) is int and d >= 0 for d in shape)
            and len(v["array"]) == int(np.prod(shape, dtype=np.int64))
            and all(isinstance(x, str) for x in v["array"])
        ):
            values = [_hex_float(x, key) for x in v["array"]]
            return np.array(values, dtype=np.float64).reshape(shape)
        raise IntegrityError(
            f"{key}: received {shown(v)}, expected {{'float': hex}} or "
            f"{{'array': [hex, ...], 'shape': [int, ...]}} with as many values as "
            f"the shape holds"
        )
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    raise IntegrityError(f"{key}: received {shown(v)}, expected a number or a string")


def _hex_float(text: str, key: str) -> float:
    try:
        return float.fromhex(text)
    except ValueError:
        raise IntegrityError(
            f"{key}: received {shown(text)}, expected a float written by float.hex"
        ) from None


def text(v: Any) -> str:
    """``v``'s ``repr`` (control characters escaped; an encoded float
    ``{'float': hex}`` as its number, 0.005), at most 60 characters."""
    if isinstance(v, dict) and set(v) == {"float"} and isinstance(v["float"], str):
        try:
            v = float.fromhex(v["float"])
        except ValueError:  # not hex: shown as it is
            pass
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def shown(v: Any) -> str:
    """``v`` in a message: its type and :func:`text`."""
    return f"{type(v).__name__} {text(v)}"
