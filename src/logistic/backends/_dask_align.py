"""Which rows of X, y, sample_weight and offset the Dask backend pairs up.

Convention (owned here): the backend pairs the ``i``-th partition of X with
the ``i``-th partition of y, sample_weight and offset, by position, as an
in-memory fit pairs rows. Each collection is therefore split into exactly
the partitions its ``npartitions`` (a DataFrame or Series) or row chunks (an
array) announce, never into the fewer, merged ones Dask's graph optimizer
may make of one collection on its own (``to_delayed()`` of a projection of a
few columns of ``dd.read_parquet`` reads several files in one task).

* DataFrames and Series backed by expressions (``dask.dataframe`` since
  2025.1) are optimized **together**, with Dask's partition tuning off
  (``optimization.tune.active = False``, the setting Dask documents for
  keeping the partition count): the optimizer still reads only the columns
  used, and the columns X, y and the weights take from one ``read_parquet``
  are read by one task per file, the union of their columns at once.
* Anything else (arrays, a mix of arrays and frames, older Dask) is
  optimized one collection at a time with the same tuning off.
* Should a collection still come out with another number of partitions (a
  Dask without that setting), its unoptimized graph is used.

Cost: optimizing together reads each file once a pass for all of X, y and
the weights, so a fit of ``dd.read_parquet`` columns runs as fast as
``Dask.from_parquet`` of the same files (within the noise of a few runs);
optimized one by one, the files were read once per collection (1.3 to 1.5
times the fit time); unoptimized, every column of the files was read (3 to
4 times the fit time on files of 27 columns, 5 of them used).

Collections whose partition counts differ cannot be paired: the error names
the counts and a remedy that exists for the kinds given (``rechunk`` for
arrays; the same DataFrame, ``Dask(df, target=...)`` or ``repartition`` for
DataFrames and Series). Partitions that pair up by count but not by rows are
found by the scan's tasks (:func:`~logistic.backends._dask_tasks.partition_arrays`),
whose message gives the same remedies (:func:`misaligned_remedy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._sparse import issparse
from .._typing import is_dask_collection

__all__ = ["misaligned_remedy", "row_partitions"]

#: Names of the collections after X, in the order the backend takes them.
NAMES = ("y", "sample_weight", "offset")

#: The Dask setting that keeps the optimizer from changing partition counts.
_NO_TUNING = {"optimization.tune.active": False}


def _refuse_sparse_chunks(X: Any) -> None:
    """A Dask array whose chunks are sparse matrices (``da.from_array(csr,
    asarray=False)``, pydata ``sparse``) is refused before any task runs: the
    backend's blocks are dense arrays, and its tasks would fail on every
    partition with numpy's "setting an array element with a sequence"."""
    meta = getattr(X, "_meta", None)
    if meta is None or hasattr(X, "columns") or isinstance(meta, np.ndarray):
        return
    if issparse(meta) or type(meta).__module__.split(".")[0] == "sparse":
        raise DataValidationError(
            f"the Dask array's chunks are sparse matrices ({type(meta).__name__}); "
            "the Dask backend reads dense chunks: fit the matrix in memory "
            "(X.compute() gives a scipy sparse matrix, which fits as it is), or "
            "give dense chunks (X.map_blocks(lambda b: b.toarray()))"
        )


def row_partitions(X: Any, *others: Any) -> list[tuple[Any, ...]]:
    """``(X, y, sample_weight, offset)`` delayed objects of each row partition
    (None where a collection is None), in partition order.

    ``others`` are y, sample_weight and offset (each a Dask collection or
    None). Raises DataValidationError when one is not a Dask collection or
    has another number of partitions than X."""
    _refuse_sparse_chunks(X)
    given = [X, *others]
    for name, v in zip(("X", *NAMES), given, strict=False):
        if v is not None and not is_dask_collection(v):
            what, column = f"a {type(v).__name__}", ""
            if isinstance(v, str):
                what += f" ({v!r:.80})"
                column = f" (a column of X's DataFrame: {name}=df[{v!r:.80}])"
            elif hasattr(v, "shape"):
                what += f" of shape {v.shape}"
            raise DataValidationError(
                f"{name} is {what} with a Dask X: pass y, sample_weight and "
                "offset as Dask collections partitioned like X" + column
            )
    whole = [_whole_rows(v) for v in given if v is not None]
    lists = iter(_partition_lists(whole))
    parts = [None if v is None else next(lists) for v in given]
    x_parts = parts[0]
    assert x_parts is not None  # X is required
    for name, v, p in zip(NAMES, others, parts[1:], strict=False):
        if p is not None and len(p) != len(x_parts):
            raise DataValidationError(
                f"X has {len(x_parts)} partitions but {name} has {len(p)}; "
                f"{name} must hold the same rows as X, partition by partition: "
                + misaligned_remedy(name, _kind(X), _kind(v), _divisions(X, v))
            )
    return [
        tuple(None if p is None else p[i] for p in parts) for i in range(len(x_parts))
    ]


def misaligned_remedy(
    name: str, x_kind: str, kind: str, same_divisions_possible: bool = False
) -> str:
    """How to give ``name`` the rows of X in each partition, for an X of
    ``x_kind`` and a ``name`` of ``kind`` (``"frame"``: a DataFrame or
    Series; ``"array"``). ``same_divisions_possible``: both frames have
    known divisions, so ``repartition(divisions=...)`` applies."""
    unknown = " (X.compute_chunk_sizes() first where X's chunk sizes are unknown)"
    if x_kind == "array" and kind == "array":
        return f"rechunk it like X, {name}.rechunk(X.chunks[0])" + unknown
    if x_kind == "array":
        return (
            f"make it an array chunked like X, "
            f"{name}.to_dask_array(lengths=True).rechunk(X.chunks[0])" + unknown
        )
    if kind == "array":
        return (
            f"take {name} as a column of the Dask DataFrame X comes from, or pass "
            f"arrays: X.to_dask_array(lengths=True) and {name} rechunked like it"
        )
    if name == "y":
        remedy = (
            "take y from the Dask DataFrame X comes from (X = "
            'df.drop(columns="label"), y = df["label"]), or fit that DataFrame '
            'with its label column named, fit(Dask(df, target="label"), None) '
            "(Dask from logistic.backends)"
        )
    else:
        remedy = (
            f"take {name} from the Dask DataFrame X comes from (e.g. "
            f'{name}=df["{name}"] with X = df.drop(columns=["label", "{name}"]))'
        )
    if same_divisions_possible:
        remedy += (
            f", or, when they share an index, {name}.repartition(divisions=X.divisions)"
        )
    return remedy


def _kind(v: Any) -> str:
    """``"frame"`` for a Dask DataFrame or Series, else ``"array"``."""
    return "frame" if hasattr(v, "divisions") else "array"


def _divisions(X: Any, v: Any) -> bool:
    """Both are frames with known divisions."""
    return bool(
        getattr(X, "known_divisions", False) and getattr(v, "known_divisions", False)
    )


def _whole_rows(v: Any) -> Any:
    """A 2-D array with its column chunks merged (whole rows in each block)."""
    if getattr(v, "ndim", 1) == 2 and hasattr(v, "rechunk"):
        return v.rechunk({1: -1})
    return v


def _n_parts(v: Any) -> int:
    """The partitions a collection announces (an array's row chunks)."""
    if hasattr(v, "divisions"):
        return int(v.npartitions)
    return int(np.prod(v.numblocks))  # whole rows: one block per row chunk


def _partition_lists(colls: Sequence[Any]) -> list[list[Any]]:
    """Each collection's partitions as delayed objects, as many as it
    announces (:func:`_n_parts`)."""
    import dask

    joint = _optimized_together(colls)
    out = []
    for i, v in enumerate(colls):
        if joint is not None:
            parts = joint[i]
        else:
            with dask.config.set(_NO_TUNING):
                parts = _flat(v.to_delayed())
        if len(parts) != _n_parts(v):  # merged anyway: keep the graph as written
            parts = _flat(v.to_delayed(optimize_graph=False))
        out.append(parts)
    return out


def _optimized_together(colls: Sequence[Any]) -> list[list[Any]] | None:
    """The partitions of several expression-backed DataFrames and Series
    optimized as one graph without partition tuning, or None (fewer than two,
    another kind among them, a Dask without expressions, or a count changed)."""
    if len(colls) < 2 or not all(_expression_frame(v) for v in colls):
        return None
    import dask

    try:
        from dask.base import collections_to_expr
        from dask.delayed import Delayed
    except ImportError:  # a Dask without collections_to_expr
        return None
    with dask.config.set(_NO_TUNING):
        joint = collections_to_expr(list(colls)).optimize(fuse=True)
    exprs = list(getattr(joint, "operands", ()))
    if len(exprs) != len(colls) or any(
        e.npartitions != v.npartitions for e, v in zip(exprs, colls, strict=True)
    ):
        return None
    from dask.highlevelgraph import HighLevelGraph

    layer = f"delayed-{joint._name}"  # one layer, shared: merged once
    graph = HighLevelGraph.from_collections(layer, joint.__dask_graph__(), ())
    return [[Delayed(k, graph, layer=layer) for k in e.__dask_keys__()] for e in exprs]


def _expression_frame(v: Any) -> bool:
    """A Dask DataFrame or Series backed by an expression (``v.expr``)."""
    return hasattr(v, "divisions") and hasattr(getattr(v, "expr", None), "optimize")


def _flat(delayed: Any) -> list[Any]:
    return list(np.asarray(delayed, dtype=object).ravel())
