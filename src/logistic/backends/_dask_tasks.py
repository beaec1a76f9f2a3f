"""Functions the Dask backend runs on the workers, one call per partition
(or, for partitions persisted on one worker, one call for several of them).

Module-level functions so that they pickle by reference. Each receives the
partition's index and its pieces (X, y, sample_weight, offset: numpy arrays,
pandas objects or whatever the collection's blocks are).

Convention (owned here): a worker knows only its own partition, so a problem
at a row is reported with the row *within the partition* (a
:class:`PartitionRowError`, or a ``"problem"`` entry in the scan's result);
the client, which knows the row counts of the partitions before it, turns it
into the global row (see ``logistic.backends.dask``).
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .._exceptions import DataValidationError
from .._files import open_regular
from .._labels import encode
from .._missing_values import missing_mask
from .._screen_rules import pandas_index_columns
from .._typing import Block
from ._dask_align import misaligned_remedy
from ._fingerprint import label_bytes
from ._reduce import tree_sum
from ._sources import _READ_ERRORS, _batch_to_chunk, _reader_error

T = TypeVar("T")


class PartitionRowError(DataValidationError):
    """A data problem at a row of one partition (row counted within it).

    ``args`` are ``(description, row, remedy, column)`` so that the error
    pickles from a worker to the client, which rewrites it with the global
    row; ``column`` names the column of a missing value (None otherwise).
    """

    def __init__(
        self, description: str, row: int, remedy: str, column: str | None = None
    ) -> None:
        super().__init__(description, row, remedy, column)

    @property
    def description(self) -> str:
        return str(self.args[0])

    @property
    def row(self) -> int:
        return int(self.args[1])

    @property
    def remedy(self) -> str:
        return str(self.args[2])

    @property
    def column(self) -> str | None:
        return None if self.args[3] is None else str(self.args[3])

    def __str__(self) -> str:
        return (
            f"{self.description} at row {self.row} of its partition (0-based); "
            f"{self.remedy}"
        )


class MissingLabelError(PartitionRowError):
    """A missing label at a row of one partition; ``value``: its ``repr``
    (an attribute, which pickles with the error)."""

    value: str = ""


@dataclass(frozen=True)
class RowProblem:
    """What :func:`read_parquet_part` gives for X (y, weights and offset
    None) when its file cannot be used: the error naming the problem (a
    missing value, a :class:`PartitionRowError`; a file that cannot be read
    or lacks a column, a :class:`DataValidationError`), which
    :func:`partition_scan` returns and :func:`partition_arrays` raises."""

    error: DataValidationError


class PartitionShapeError(DataValidationError):
    """A partition's X, y, sample_weight and offset do not hold the same
    rows (the message does not name the partition: the client does)."""


def as_numpy(v: Any, dtype: Any) -> np.ndarray | None:
    """A C-contiguous, *aligned* float array (copied only when needed).

    Arrays deserialized from the network may start at any byte address; numpy
    then skips BLAS (and changes its summation blocking), which would make a
    partition's partial sums depend on where its bytes landed. Aligning keeps
    them bitwise reproducible. Pandas missing values (``pd.NA``) become NaN,
    which the scan reports with its row.
    """
    if v is None:
        return None
    if hasattr(v, "to_numpy"):
        v = v.to_numpy(dtype=dtype, na_value=np.nan)
    return np.require(v, dtype=dtype, requirements=["C", "A"])


def _labels(y: Any) -> np.ndarray:
    """Labels as a numpy array; a missing label raises naming its row."""
    missing = missing_mask(y)
    y = y.to_numpy() if hasattr(y, "to_numpy") else np.asarray(y)
    if missing.any():
        row = int(np.argmax(missing))
        value = y[row]  # a numpy scalar as the Python value: nan, not np.float64(nan)
        shown = repr(value.item() if isinstance(value, np.generic) else value)
        error = MissingLabelError(
            f"y has a missing label ({shown})",
            row,
            "drop the rows without a label first",
        )
        error.value = shown
        raise error
    return np.require(y, requirements=["A"])


def partition_arrays(
    index: int, dtype: Any, X: Any, y: Any, w: Any, o: Any, target: str | None
) -> tuple[Any, ...]:
    """``(X, y, sample_weight, offset)`` numpy arrays of one partition; a
    :class:`PartitionShapeError` when they do not hold the same rows."""
    if isinstance(X, RowProblem):
        raise X.error
    if target is not None:  # one DataFrame holding features and target
        y, X = X[target], X.drop(columns=[target])
    kinds = ["frame" if hasattr(v, "iloc") else "array" for v in (X, y, w, o)]
    X = as_numpy(X, dtype)
    y = _labels(y)
    if X.ndim != 2 or y.ndim != 1:
        raise PartitionShapeError(
            f"X has shape {X.shape} and y has shape {y.shape}; X must be 2-D and y 1-D"
        )
    w, o = as_numpy(w, dtype), as_numpy(o, dtype)
    named = zip(("y", "sample_weight", "offset"), (y, w, o), kinds[1:], strict=True)
    for name, v, kind in named:
        if v is not None and v.shape != (X.shape[0],):
            rows = f"{v.shape[0]}" if v.ndim == 1 else f"shape {v.shape}"
            raise PartitionShapeError(
                f"X has {X.shape[0]} rows but {name} has {rows}; {name} must "
                f"hold the same rows as X, partition by partition: "
                + misaligned_remedy(name, kinds[0], kind)
            )
    return X, y, w, o


def _first_problem(
    X: np.ndarray, w: np.ndarray | None, o: np.ndarray | None, y: Any = None
) -> dict[str, Any] | None:
    """The first non-finite value (X, then a numeric label, then weight, then
    offset) or negative weight. An infinite label is no class: named by its
    row here, as the streamed scan names it (a missing one is refused
    before, :class:`MissingLabelError`)."""
    labels = y if isinstance(y, np.ndarray) and y.dtype.kind == "f" else None
    for what, v in (("X", X), ("y", labels), ("sample_weight", w), ("offset", o)):
        if v is None:
            continue
        v2 = v if v.ndim == 2 else v[:, None]
        bad = ~np.isfinite(v2)
        if bad.any():
            i, j = (int(a[0]) for a in np.nonzero(bad))
            return {
                "what": what,
                "row": i,
                "column": j if what == "X" else None,
                "value": repr(float(v2[i, j])),
                "kind": "non-finite",
            }
    if w is not None and np.any(w < 0):
        i = int(np.flatnonzero(w < 0)[0])
        return {
            "what": "sample_weight",
            "row": i,
            "column": None,
            "value": repr(float(w[i])),
            "kind": "negative",
        }
    return None


def partition_scan(
    index: int,
    dtype: Any,
    target: str | None,
    X: Any,
    y: Any,
    w: Any = None,
    o: Any = None,
) -> dict[str, Any]:
    """Rows, labels, the first bad value and a digest of one partition; for a
    partition with a missing label or (Parquet) value, its index and the
    :class:`PartitionRowError` naming it (``"error"``) alone.

    That error is returned, not raised: a task that raises is logged by its
    worker (``distributed.worker``'s "Compute Failed", with the text of the
    traceback) on the worker's standard error, which a ``LocalCluster``
    shares with the CLI's own.
    """
    if isinstance(X, RowProblem):  # a Parquet file's missing value
        return {"index": index, "error": X.error}
    labels = None if target is not None else row_label_sums(X, y, w, o)
    try:
        X, y, w, o = partition_arrays(index, dtype, X, y, w, o, target)
    except PartitionRowError as exc:  # a missing label
        return {"index": index, "error": exc}
    problem = _first_problem(X, w, o, y)
    h = hashlib.blake2b(digest_size=16)
    for v in (X, y, w, o):
        h.update(
            b"-"
            if v is None
            else label_bytes(v)
            if v is y
            else np.ascontiguousarray(v).tobytes()
        )
    return {
        "index": index,
        "n": int(X.shape[0]),
        "p": int(X.shape[1]),
        "labels": np.unique(y).tolist(),
        "digest": h.hexdigest(),
        "problem": problem,
        "row_labels": labels,
    }


def row_label_sums(X: Any, y: Any, w: Any, o: Any) -> dict[str, tuple[int, int]]:
    """For each of y, sample_weight and offset that is a pandas object whose
    index is not X's (both pandas), the sums modulo 2**64 of the 64-bit
    hashes of X's index labels and of its own: equal sums over every such
    partition mean the same labels (repeats counted) in another order
    (:func:`logistic.backends._dask_scan.check_row_labels`). Empty where the
    indexes are equal (the usual case: nothing is hashed)."""
    index = getattr(X, "index", None) if hasattr(X, "iloc") else None
    if index is None:
        return {}
    from pandas.util import hash_pandas_object

    def total(labels: Any) -> int:
        hashes = hash_pandas_object(labels, index=False).to_numpy()
        return int(np.sum(hashes, dtype=np.uint64))

    out = {}
    for name, v in (("y", y), ("sample_weight", w), ("offset", o)):
        other = getattr(v, "index", None) if hasattr(v, "iloc") else None
        if other is not None and len(other) == len(index) and not other.equals(index):
            out[name] = (total(index), total(other))
    return out


def partition_reduce(
    fn: Callable[..., T],
    index: int,
    dtype: Any,
    target: str | None,
    classes: Any,
    chunk_rows: int,
    X: Any,
    y: Any,
    w: Any = None,
    o: Any = None,
    *,
    first_block: int | None = None,
) -> tuple[int, int, T]:
    """``(index, n_rows, Σ fn(block))`` over the partition's row blocks, in order.

    With ``first_block`` (the global index of the partition's first block)
    ``fn`` is called as ``fn(block, global block index)`` instead. An empty
    partition is one empty block.
    """
    labels = y
    X, y, w, o = partition_arrays(index, dtype, X, y, w, o, target)
    keep = target is None and X.shape[1] >= KEEP_LABELS_MIN_FEATURES
    y01 = _encoded(labels if keep else None, y, classes, X.dtype)
    n = X.shape[0]
    parts = []
    for k, s in enumerate(range(0, max(n, 1), chunk_rows)):
        sl = slice(s, min(s + chunk_rows, n))
        block = Block(
            X[sl],
            y01[sl],
            None if w is None else w[sl],
            None if o is None else o[sl],
        )
        if first_block is None:
            parts.append(fn(block))
        else:
            parts.append(fn(block, first_block + k))
    return index, n, tree_sum(parts)


#: Partitions of at least this many features keep their encoded labels
#: (:func:`_encoded`: then at most an eighth more memory than their X).
KEEP_LABELS_MIN_FEATURES = 8

#: Encoded labels of the label arrays this worker process holds, by the id
#: of the array the task received: ``(weak reference to it, classes and
#: dtype, labels in {0, 1})`` (:func:`_encoded`).
_ENCODED: dict[int, tuple[Any, tuple[Any, ...], np.ndarray]] = {}


def _encoded(owner: Any, y: np.ndarray, classes: Any, dtype: Any) -> np.ndarray:
    """``encode(y, classes, dtype=dtype, checked=True)``, computed once per
    label array ``owner`` (the partition's labels as the task received them:
    persisted, the same object on every pass) and kept, read-only, while the
    worker holds it (one ``dtype`` value a row: ``1/p`` of the partition's X,
    memory Dask does not count; kept from ``KEEP_LABELS_MIN_FEATURES``).

    Encoding is a fresh array each pass otherwise: under the allocator
    settings a Dask nanny gives its workers (``MALLOC_TRIM_THRESHOLD_``),
    each of dense1m's 50 000-row partitions then faulted in its 400 kB anew
    (10 partitions: 3.1 against 0.17 ms a pass, in one process with that
    setting). ``owner`` None (a DataFrame's target column, a new Series
    each time) or an object without weak references: encoded each time."""
    if owner is None:
        return encode(y, classes, dtype=dtype, checked=True)
    key = id(owner)
    token = (np.dtype(dtype).str, *np.asarray(classes).tolist())
    kept = _ENCODED.get(key)
    if kept is not None and kept[0]() is owner and kept[1] == token:
        return kept[2]
    y01 = encode(y, classes, dtype=dtype, checked=True)

    def forget(_: Any) -> None:
        _ENCODED.pop(key, None)

    try:
        ref = weakref.ref(owner, forget)
    except TypeError:  # not weakly referenceable: not kept
        return y01
    y01.flags.writeable = False
    _ENCODED[key] = (ref, token, y01)
    return y01


def partitions_reduce(
    fn: Callable[..., T],
    indices: list[int],
    dtype: Any,
    target: str | None,
    classes: Any,
    chunk_rows: int,
    *pieces: Any,
    first_blocks: Sequence[int] | None = None,
) -> PackedSums:
    """:func:`partition_reduce` of several partitions in one task, packed
    (:func:`pack_sums`; :func:`unpack_sums` gives the list of
    ``(index, n_rows, sum)``).

    ``pieces`` holds ``(X, y, sample_weight, offset)`` of each partition of
    ``indices`` in turn (None where absent); ``first_blocks``: the global
    index of the first block of every partition (all of them, not only
    ``indices``), for ``fn(block, block_index)``. Each partition's sum is computed
    exactly as its own task would compute it, and returned separately, so
    the client still folds them in partition index order (bitwise the
    per-partition result).
    """
    if len(pieces) != 4 * len(indices):
        raise ValueError(
            f"partitions_reduce: {len(pieces)} pieces for {len(indices)} partitions "
            f"(expected 4 each: X, y, sample_weight, offset)"
        )
    return pack_sums(
        [
            partition_reduce(
                fn,
                i,
                dtype,
                target,
                classes,
                chunk_rows,
                *pieces[4 * k : 4 * k + 4],
                first_block=None if first_blocks is None else first_blocks[i],
            )
            for k, i in enumerate(indices)
        ]
    )


class PackedSums:
    """``(layout, values)``: several partitions' ``(index, n_rows, sum)``
    with every float64 array and float of the sums in one float64 array
    (:func:`pack_sums`); unpacks as a pair.

    Not a tuple, so that a worker sizes it at once (``__sizeof__``: the
    values' bytes) where Dask's ``sizeof`` walks a tuple's nested layout
    entry by entry (150 µs a group task of 10 dense1m partitions, twice a
    pass on each worker: stored, then sent).
    """

    __slots__ = ("layout", "values", "other_bytes")

    def __init__(
        self,
        layout: list[tuple[int, int, Any]],
        values: np.ndarray,
        other_bytes: int = 0,
    ) -> None:
        self.layout, self.values = layout, values
        #: Dask's size of the leaves kept as they are (other dtypes, column
        #: statistics), measured once when packed.
        self.other_bytes = other_bytes

    def __iter__(self) -> Iterator[Any]:
        return iter((self.layout, self.values))

    def __reduce__(self) -> tuple[Any, ...]:
        return PackedSums, (self.layout, self.values, self.other_bytes)

    def __sizeof__(self) -> int:
        return int(self.values.nbytes) + self.other_bytes + 64 * (len(self.layout) + 1)


#: float64 arrays of at least this many values whose bits are all zero
#: (``+0.0`` everywhere) travel as their shape alone (:func:`pack_sums`).
ZERO_ARRAY_MIN_VALUES = 1024


def _all_plus_zero(v: np.ndarray) -> bool:
    """Whether every value of ``v`` is ``+0.0`` (all bits zero: ``-0.0`` and
    NaN payloads are not)."""
    flat = v.ravel(order="K")  # a view of any contiguous array
    return not flat.view(np.uint64).any()


def pack_sums(results: Sequence[tuple[int, int, Any]]) -> PackedSums:
    """Partitions' ``(index, n_rows, sum)`` with the float64 arrays and the
    floats of every ``sum`` (tuples of those, nested) copied into one float64
    array, each partition's values kept apart in it.

    One contiguous array travels to the client as one buffer instead of
    three or more per partition (dense1m, 10 partitions of Newton's sums:
    a no-op task's round trip 25.0 -> 22.1 ms on 2 loaded cores). Values
    are copied, not added: :func:`unpack_sums` gives back the same numbers
    bitwise; other leaves (ints, other dtypes) stay in the layout as they
    are. A float64 array of at least ``ZERO_ARRAY_MIN_VALUES`` values that
    are all ``+0.0`` is neither copied nor sent: the layout keeps its shape
    and :func:`unpack_sums` gives ``np.zeros`` of it (the same bits). Newton's
    block-sampled passes return such a p × p Hessian sum for every partition
    without a sampled block (16 of dense1m's 20: 1.6 MB -> 0.3 MB a pass).
    """
    from dask.sizeof import sizeof

    chunks: list[np.ndarray] = []
    size = other = 0

    def leaf(v: Any) -> Any:
        nonlocal size, other
        if isinstance(v, tuple):
            return ("t", tuple(leaf(x) for x in v))
        if type(v) is float:
            chunks.append(np.array([v]))
            size += 1
            return ("f", size - 1)
        if isinstance(v, np.ndarray) and v.dtype == np.float64:
            if v.size >= ZERO_ARRAY_MIN_VALUES and _all_plus_zero(v):
                return ("z", v.shape)
            chunks.append(v.ravel())
            size += v.size
            return ("a", size - v.size, v.shape)
        other += int(sizeof(v))
        return ("o", v)

    layout = [(i, n, leaf(v)) for i, n, v in results]
    values = np.concatenate(chunks) if chunks else np.empty(0)
    return PackedSums(layout, values, other)


def unpack_sums(packed: PackedSums) -> list[tuple[int, int, Any]]:
    """The ``(index, n_rows, sum)`` of each partition :func:`pack_sums`
    packed, its arrays views of one writable copy of the values (an
    all-zero array sent as its shape: a new ``np.zeros``)."""
    layout, values = packed
    if not values.flags.writeable:
        values = values.copy()

    def build(entry: Any) -> Any:
        kind = entry[0]
        if kind == "t":
            return tuple(build(x) for x in entry[1])
        if kind == "f":
            return float(values[entry[1]])
        if kind == "z":
            return np.zeros(entry[1])
        if kind == "a":
            start, shape = entry[1], entry[2]
            return values[start : start + int(np.prod(shape))].reshape(shape)
        return entry[1]

    return [(i, n, build(entry)) for i, n, entry in layout]


def _nbytes(x: Any) -> int:
    if isinstance(x, tuple):
        return sum(_nbytes(v) for v in x)
    return int(getattr(x, "nbytes", 8))


def travelled_bytes(
    results: Sequence[tuple[int, int, Any]], packed: Sequence[PackedSums] | None
) -> int:
    """Bytes of partial sums that travelled to the client for ``results``
    (each partition's ``(index, n_rows, sum)``): the values of the group
    tasks' ``packed`` sums (an all-zero array sent as its shape counts 0),
    else every array's and float's bytes; 16 more a partition (index, rows)."""
    if packed is not None:
        return sum(int(values.nbytes) for _, values in packed) + 16 * len(results)
    return sum(_nbytes(r[2]) + 16 for r in results)


def read_parquet_part(
    path: str, spec: Any, dtype: Any, shown: str | None = None
) -> tuple[Any, ...]:
    """``(X, y, sample_weight, offset)`` numpy arrays of the Parquet file at
    ``path`` (absolute: a worker's working directory is its own), named
    ``shown`` (as the caller gave it) in messages; for a file that cannot be
    read, lacks a column or has a missing value, a :class:`RowProblem` and
    three None (returned, not raised: see :func:`partition_scan`)."""
    import pyarrow.parquet as pq

    shown = path if shown is None else shown
    try:
        fh = open_regular(path, what="input file")  # never a FIFO or device
    except OSError as exc:  # gone, a FIFO, a directory, no permission
        text = str(exc).replace(path, shown)
        if shown != path:  # the worker's file system may differ from the caller's
            text += f" (opened as {path} by a Dask worker)"
        return RowProblem(DataValidationError(text)), None, None, None
    try:
        with fh:
            parquet = pq.ParquetFile(fh)
            schema = parquet.schema_arrow  # every column named
            spec.check(schema.names, shown, pandas_index_columns(schema))
            table = parquet.read(columns=spec.columns, use_threads=False)
    except DataValidationError as exc:  # a column of the first file is missing
        return RowProblem(exc), None, None, None
    except _READ_ERRORS as exc:  # unreadable, corrupt, gone
        return RowProblem(_reader_error(Path(shown), exc)), None, None, None
    for name in spec.columns:
        column = table.column(name)
        if column.null_count:
            nulls = column.is_null().to_numpy(zero_copy_only=False)
            error = PartitionRowError(
                f"column {name!r} has a missing value",
                int(np.flatnonzero(nulls)[0]),
                "drop or impute missing values first",
                name,
            )
            return RowProblem(error), None, None, None
    return _batch_to_chunk(table, spec, shown, 0, dtype)[1:]


def proba_block(z: np.ndarray) -> np.ndarray:
    """``[P(class 0), P(class 1)]`` columns of one block of logits."""
    from .._math import sigmoid

    return np.column_stack([sigmoid(-z), sigmoid(z)])
