"""The content fingerprint of the rows a fit sees: one formula for every reading.

Convention (owned here): a fingerprint is ``blake2b`` (16 bytes) of a tag,
the digest of X's rows (C order, the fit's dtype), one digest per class in
the order of ``classes_`` (``[negative, positive]``; K sorted labels) of the
rows of that class (their 0-based row numbers as little-endian int64), the
digests of the weights and of the offsets (of nothing when a column is
absent), and ``{n}x{p}``. Each digest is a ``blake2b`` of 16 bytes over the
rows in order, so independent of chunking; the labels enter only through
which rows are of which class, as the fit sees them (the CLI encodes a text
target before an in-memory fit; a streamed one reads the text). A streamed
reading (:class:`.chunked.Chunked`) hashes its chunks as they come
(:class:`RowHashes`: the rows of each label, the class order applied once
the scan has resolved the classes; its row cache keeps the label digests);
the in-memory backend hashes its dense X block by block and its class codes
(:func:`dense_fingerprint`), so a checkpoint written by either resumes with
the other when the rows are the same.

Earlier versions hashed otherwise, and their checkpoints hold those
fingerprints: a streamed one the raw labels (:func:`earlier_streamed`), an
in-memory one X, y, weights and offsets as one run (:func:`earlier_fingerprint`);
both backends offer theirs as ``earlier_fingerprints()`` (checked only when a
checkpoint's fingerprint is not the current one). A sparse X, or labels that
are not class codes (grouped data), keep the earlier in-memory formula.

The Dask backend hashes each partition as one run (``_dask_tasks``), the
earlier streamed way: its fingerprint depends on the partitions, and its
checkpoints resume on Dask only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._labels import label_text
from .._sparse import issparse

__all__ = [
    "RowHashes",
    "dense_fingerprint",
    "earlier_fingerprint",
    "earlier_streamed",
    "label_bytes",
    "rows_fingerprint",
    "streamed_fingerprint",
]

#: What a fingerprint of this formula starts with.
_TAG = b"rows/classes-v2:"
#: Bytes of X hashed at a time (a C-order copy of an F-order X's rows).
_HASH_BYTES = 8 << 20


def label_bytes(y: np.ndarray) -> bytes:
    """Labels as hashed: numbers and booleans as their bytes, anything else as
    text, each label followed by a NUL (so runs of rows concatenate)."""
    if y.dtype.kind in "biuf":
        return np.ascontiguousarray(y).tobytes()
    return "\x00".join(map(str, y.tolist())).encode() + b"\x00"


def _digest() -> Any:
    return hashlib.blake2b(digest_size=16)


def _positions(mask: np.ndarray, row0: int) -> bytes:
    return (np.flatnonzero(mask).astype("<i8") + row0).tobytes()


def rows_fingerprint(
    x: bytes, classes: Iterable[bytes], w: bytes, o: bytes, n: int, p: int
) -> str:
    """The fingerprint from the digests of X, of each class's rows (in the
    order of ``classes_``), of the weights and of the offsets, and the shape."""
    content = _TAG + x + b"".join(classes) + w + o + f"{n}x{p}".encode()
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def earlier_streamed(digest: bytes, n: int, p: int, classes: np.ndarray) -> str:
    """The streamed fingerprint of earlier versions, from the digests of X,
    the raw labels (:func:`label_bytes`), weights and offsets (``digest``)."""
    content = digest + f"{n}x{p}".encode()
    if not np.array_equal(np.sort(classes), classes):
        content += f":positive={label_text(classes[1])}".encode()
    return hashlib.blake2b(content, digest_size=16).hexdigest()


class RowHashes:
    """The digests of a stream of rows, updated chunk by chunk (a scan)."""

    def __init__(self) -> None:
        self.columns = [_digest() for _ in range(4)]  # X, raw labels, w, o
        self.rows_of: dict[Any, Any] = {}  # label -> digest of its rows
        self.n = 0

    def update(self, X: Any, y: Any, w: Any, o: Any, labels: list[Any]) -> None:
        """Hash a chunk (``labels``: the distinct labels of its ``y``)."""
        for h, v in zip(self.columns, (X, y, w, o), strict=True):
            if v is not None:
                h.update(label_bytes(v) if v is y else np.ascontiguousarray(v).data)
        for label in labels:
            h = self.rows_of.setdefault(label, _digest())
            h.update(_positions(y == label, self.n))
        self.n += X.shape[0]

    def digest(self) -> bytes:
        """The four column digests (the earlier streamed formula's)."""
        return b"".join(h.digest() for h in self.columns)

    def label_digests(self) -> list[list[Any]]:
        """``[label, hex digest of its rows]`` pairs (JSON, for the row cache)."""
        return [[label, h.hexdigest()] for label, h in self.rows_of.items()]


def streamed_fingerprint(
    digest: bytes, label_digests: list[list[Any]], n: int, p: int, classes: Any
) -> str:
    """A streamed fingerprint from :class:`RowHashes`' digests once the
    classes are known (a class without rows: the digest of nothing)."""
    rows_of = {label: bytes.fromhex(h) for label, h in label_digests}
    empty = _digest().digest()
    return rows_fingerprint(
        digest[:16],
        [rows_of.get(c, empty) for c in np.asarray(classes).tolist()],
        digest[32:48],
        digest[48:64],
        n,
        p,
    )


def _class_codes(y: np.ndarray, k: int) -> np.ndarray | None:
    """``y`` as indices into ``k`` classes, or None when it holds other values."""
    codes = y.astype(np.intp)
    if codes.size and (codes.min() < 0 or codes.max() >= k):
        return None
    return codes if np.array_equal(codes, y) else None


def dense_fingerprint(
    X: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    offset: np.ndarray | None,
    classes: np.ndarray,
) -> str | None:
    """The fingerprint of in-memory rows as a streamed reading of them hashes
    them (module docstring); ``y`` holds class codes (indices into
    ``classes``). None when ``y`` holds other values."""
    codes = _class_codes(np.asarray(y), len(classes))
    if codes is None:
        return None
    n, p = X.shape
    rows = max(1, _HASH_BYTES // max(1, p * X.dtype.itemsize))
    x, per_class, w, o = _digest(), [_digest() for _ in classes], _digest(), _digest()
    for i in range(0, n, rows):
        x.update(np.ascontiguousarray(X[i : i + rows]).tobytes())
        block = codes[i : i + rows]
        for k, h in enumerate(per_class):
            h.update(_positions(block == k, i))
    for h, v in ((w, sample_weight), (o, offset)):
        if v is not None:
            h.update(np.ascontiguousarray(v).tobytes())
    digests = [h.digest() for h in per_class]
    return rows_fingerprint(x.digest(), digests, w.digest(), o.digest(), n, p)


def earlier_fingerprint(
    X: Any, y: np.ndarray, sample_weight: np.ndarray | None, offset: np.ndarray | None
) -> str:
    """The in-memory fingerprint of earlier versions: one ``blake2b`` of X
    (a sparse X's data, indices and indptr), y (the class codes), the weights
    and the offsets (``-`` for one absent)."""
    h = hashlib.blake2b(digest_size=16)
    parts = [X.data, X.indices, X.indptr] if issparse(X) else [X]
    for v in (*parts, y, sample_weight, offset):
        h.update(b"-" if v is None else np.ascontiguousarray(v).tobytes())
    return h.hexdigest()
