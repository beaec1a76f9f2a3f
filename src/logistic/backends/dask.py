"""Dask backend: the objective reduced across the partitions of a Dask collection.

Dask is imported lazily (only when this module is imported); ``import
logistic`` never imports it.

Conventions (owned here)
------------------------
* **One explicit compute per evaluation.** ``map_reduce(fn)`` builds one task
  per partition, ``(index, n_rows, fn-partial-sum)``, submits them together
  (``client.compute`` with a distributed client, else ``dask.compute``) and
  waits. Only the partial sums (a few floats, ``n_features`` of them for a
  gradient, ``n_features²`` for a Hessian) travel back; the solver state
  (``n_features`` floats) stays on the client and travels to the workers inside
  the task (the ``fn`` partial).
* **Summation order.** Inside a partition, rows are cut into blocks of
  ``chunk_rows`` (the chunk-size rule of :mod:`logistic.backends.chunked`) and
  folded left to right; on the client the partition sums are folded left to
  right in **partition index** order. The result is therefore bitwise
  reproducible for a fixed partitioning, whatever the number of workers, the
  scheduling or a worker's death; another partitioning changes it only by
  rounding.
* **Nothing lost or counted twice.** The client checks that every partition id
  comes back exactly once and that the row counts add up to the ``n_samples``
  found by the scan; a lost worker's partitions are recomputed by Dask from
  their lineage (data must be *loaded by tasks*, e.g. ``dd.read_parquet`` or
  :meth:`Dask.from_parquet`, never ``client.scatter``-ed). A partition whose
  task fails (corrupt file, a worker killed repeatedly) fails the fit with an
  error naming the partition (and its file when known); nothing hangs when a
  ``timeout`` is set; empty partitions contribute zero.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .._exceptions import DataValidationError, IntegrityError
from .._typing import Block
from ._reduce import tree_sum
from ._sources import (
    _READ_ERRORS,
    PARQUET_SUFFIXES,
    _batch_to_chunk,
    _check_finite,
    _ColumnSpec,
    _label_bytes,
    chunk_rows_for,
    natural_key,
)
from .in_memory import DEFAULT_BLOCK_BYTES

__all__ = [
    "Dask",
    "connect",
    "decision_function",
    "is_dask_collection",
    "predict_proba",
]

T = TypeVar("T")


def is_dask_collection(x: Any) -> bool:
    """Whether ``x`` is a Dask array/DataFrame/Series (without importing dask)."""
    return type(x).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        x, "__dask_graph__"
    )


# -- functions run on the workers (module level: picklable) ---------------------
def _as_numpy(v: Any, dtype: Any) -> np.ndarray | None:
    """A C-contiguous, *aligned* array (copied only when needed).

    Arrays deserialized from the network may start at any byte address; numpy
    then skips BLAS (and changes its summation blocking), which would make a
    partition's partial sums depend on where its bytes landed. Aligning keeps
    them bitwise reproducible.
    """
    if v is None:
        return None
    if hasattr(v, "to_numpy"):
        v = v.to_numpy()
    return np.require(v, dtype=dtype, requirements=["C", "A"])


def _partition_arrays(
    index: int, dtype: Any, X: Any, y: Any, w: Any, o: Any, target: str | None
) -> tuple[Any, ...]:
    if target is not None:  # one DataFrame holding features and target
        y, X = X[target], X.drop(columns=[target])
    X = _as_numpy(X, dtype)
    y = np.require(y.to_numpy() if hasattr(y, "to_numpy") else y, requirements=["A"])
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise DataValidationError(
            f"partition {index}: X has shape {X.shape} but y has shape {y.shape}; "
            f"X and y must be partitioned alike (same row chunks / divisions)"
        )
    w, o = _as_numpy(w, dtype), _as_numpy(o, dtype)
    for name, v in (("sample_weight", w), ("offset", o)):
        if v is not None and v.shape != y.shape:
            raise DataValidationError(
                f"partition {index}: {name} has {v.shape[0]} rows, y has {y.shape[0]}"
            )
    return X, y, w, o


def _partition_scan(
    index: int,
    dtype: Any,
    target: str | None,
    X: Any,
    y: Any,
    w: Any = None,
    o: Any = None,
) -> dict[str, Any]:
    """Rows, labels, weight total, finiteness and a content digest of one partition."""
    X, y, w, o = _partition_arrays(index, dtype, X, y, w, o, target)
    where = f"partition {index}"
    _check_finite(X, where, 0, "X", None)
    for name, v in (("sample_weight", w), ("offset", o)):
        if v is not None:
            _check_finite(v[:, None], where, 0, name, None)
    if w is not None and np.any(w < 0):
        raise DataValidationError(f"{where}: negative sample_weight")
    h = hashlib.blake2b(digest_size=16)
    for v in (X, y, w, o):
        h.update(
            b"-"
            if v is None
            else _label_bytes(v)
            if v is y
            else np.ascontiguousarray(v).tobytes()
        )
    return {
        "index": index,
        "n": int(X.shape[0]),
        "p": int(X.shape[1]),
        "labels": np.unique(y).tolist(),
        "weight": float(X.shape[0])
        if w is None
        else float(np.sum(w, dtype=np.float64)),
        "digest": h.hexdigest(),
    }


def _partition_reduce(
    fn: Callable[[Block], T],
    index: int,
    dtype: Any,
    target: str | None,
    positive: Any,
    chunk_rows: int,
    X: Any,
    y: Any,
    w: Any = None,
    o: Any = None,
) -> tuple[int, int, T]:
    """``(index, n_rows, Σ fn(block))`` over the partition's row blocks, in order."""
    X, y, w, o = _partition_arrays(index, dtype, X, y, w, o, target)
    y01 = (y == positive).astype(X.dtype)
    n = X.shape[0]
    parts = []
    for s in range(0, max(n, 1), chunk_rows):
        sl = slice(s, min(s + chunk_rows, n))
        parts.append(
            fn(
                Block(
                    X[sl],
                    y01[sl],
                    None if w is None else w[sl],
                    None if o is None else o[sl],
                )
            )
        )
    return index, n, tree_sum(parts)


def _read_parquet_part(path: str, spec: Any, dtype: Any) -> tuple[Any, ...]:
    """``(X, y, sample_weight, offset)`` numpy arrays of one Parquet file."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, columns=spec.columns, use_threads=False)
    except _READ_ERRORS as exc:
        raise DataValidationError(
            f"cannot read {path}: {type(exc).__name__}: {exc}. The file is corrupt, "
            f"truncated or not in the expected format; fix or remove it and refit."
        ) from None
    spec.check(table.column_names, path)
    return _batch_to_chunk(table, spec, path, 0, dtype)[1:]


def _proba_block(z: np.ndarray) -> np.ndarray:
    from .._math import sigmoid

    return np.column_stack([sigmoid(-z), sigmoid(z)])


def _nbytes(x: Any) -> int:
    if isinstance(x, tuple):
        return sum(_nbytes(v) for v in x)
    return int(getattr(x, "nbytes", 8))


# -- the backend -------------------------------------------------------------------
class Dask:
    """Rows in the partitions of a Dask collection; implements the Backend Protocol.

    Parameters
    ----------
    X : dask.array of shape (n_samples, n_features) or dask.dataframe.DataFrame
        Row-partitioned features (a DataFrame may also hold the target: pass
        its name as ``target``).
    y, sample_weight, offset : dask collections partitioned like X, or None
    target : str or None
        Column of a DataFrame ``X`` holding the labels (instead of ``y``).
    client : distributed.Client or None
        Cluster to compute on; None uses the default client if one exists,
        else Dask's default scheduler.
    dtype : {float64, float32}
    chunk_rows : int or None
        Rows per block inside a partition (None: the chunk-size rule).
    classes : two labels or None
        None finds them in the scan.
    persist : bool
        Load the partitions once and keep them in cluster memory (lost
        partitions are recomputed from lineage). False re-reads them each pass.
    timeout : float or None
        Seconds one evaluation may take before a ``TimeoutError``.
    retries : int
        Times a failed partition task is retried (transient storage errors)
        before the fit fails naming it; a lost worker's tasks are rescheduled
        anyway.
    progress : callable or None
        Called after every pass with ``pass``, ``rows``, ``seconds``,
        ``rows_per_s``, ``bytes_to_client``.
    """

    def __init__(
        self,
        X: Any,
        y: Any = None,
        sample_weight: Any = None,
        offset: Any = None,
        *,
        target: str | None = None,
        client: Any = None,
        dtype: Any = np.float64,
        chunk_rows: int | None = None,
        classes: Any = None,
        persist: bool = False,
        timeout: float | None = None,
        retries: int = 0,
        part_names: Sequence[str] | None = None,
        progress: Callable[[dict[str, float]], None] | None = None,
        feature_names: Sequence[str] | None = None,
    ) -> None:
        if feature_names is None and hasattr(X, "columns"):
            feature_names = [str(c) for c in X.columns if c != target]
        parts = [self._delayed_parts(v) for v in (X, y, sample_weight, offset)]
        if target is None and parts[1] is None:
            raise DataValidationError("y is required (or name the target column)")
        assert parts[0] is not None  # X is required
        n_parts = len(parts[0])
        for name, p in zip(("y", "sample_weight", "offset"), parts[1:], strict=True):
            if p is not None and len(p) != n_parts:
                raise DataValidationError(
                    f"X has {n_parts} partitions but {name} has {len(p)}; "
                    f"partition them alike (e.g. y.rechunk(X.chunks[0]))"
                )
        self._setup(
            [
                tuple(p[i] if p is not None else None for p in parts)
                for i in range(n_parts)
            ],
            part_names,
            feature_names,
            target=target,
            client=client,
            dtype=dtype,
            chunk_rows=chunk_rows,
            classes=classes,
            persist=persist,
            timeout=timeout,
            retries=retries,
            progress=progress,
        )

    def _setup(
        self,
        parts: list[tuple[Any, ...]],
        part_names: Sequence[str] | None,
        feature_names: Sequence[str] | None,
        *,
        target: str | None = None,
        client: Any = None,
        dtype: Any = np.float64,
        chunk_rows: int | None = None,
        classes: Any = None,
        persist: bool = False,
        timeout: float | None = None,
        retries: int = 0,
        progress: Any = None,
    ) -> None:
        self.client, self.timeout, self.progress = client, timeout, progress
        self.retries = int(retries)
        self.dtype, self.target = np.dtype(dtype), target
        if self.dtype not in (np.float32, np.float64):
            raise DataValidationError(f"dtype must be float32 or float64, got {dtype}")
        self.feature_names = None if feature_names is None else list(feature_names)
        self.part_names = list(part_names) if part_names else None
        self.parts = parts
        if persist:  # keep loaded partitions in cluster memory (lineage kept)
            import dask

            todo = [v for t in parts for v in t if v is not None]
            client = self._client()
            flat = iter(
                client.persist(todo) if client is not None else dask.persist(*todo)
            )
            self.parts = [
                tuple(None if v is None else next(flat) for v in t) for t in parts
            ]
        self._chunk_rows = chunk_rows
        self.n_passes, self.rows_read, self.bytes_to_client = 0, 0, 0
        self._scan(classes)

    @staticmethod
    def _delayed_parts(v: Any) -> list[Any] | None:
        if v is None:
            return None
        if not is_dask_collection(v):
            raise DataValidationError(
                f"{type(v).__name__} given with a Dask X: pass y, sample_weight and "
                f"offset as Dask collections partitioned like X"
            )
        if getattr(v, "ndim", 1) == 2 and hasattr(v, "rechunk"):
            v = v.rechunk({1: -1})  # whole rows in each block
        return list(np.asarray(v.to_delayed(), dtype=object).ravel())

    @classmethod
    def from_parquet(
        cls,
        path: str | os.PathLike[str],
        *,
        target: str,
        features: Sequence[str] | None = None,
        weight: str | None = None,
        offset: str | None = None,
        **opts: Any,
    ) -> Dask:
        """One partition per Parquet file (name order), each loaded by its task."""
        import dask
        import pyarrow.parquet as pq

        root = Path(path)
        files = (
            sorted(
                (
                    p
                    for p in root.rglob("*")
                    if p.suffix in PARQUET_SUFFIXES
                    and not p.name.startswith(("_", "."))
                ),
                key=natural_key,
            )
            if root.is_dir()
            else [root]
        )
        if not files:
            raise DataValidationError(f"no Parquet files (*.parquet) under {root}")
        spec = _ColumnSpec(
            pq.read_schema(files[0]).names,
            target,
            features,
            weight,
            offset,
            str(files[0]),
        )
        dtype = np.dtype(opts.get("dtype", np.float64))
        parts = []
        for f in files:
            X, y, w, o = dask.delayed(_read_parquet_part, nout=4)(str(f), spec, dtype)
            parts.append(
                (X, y, None if weight is None else w, None if offset is None else o)
            )
        feats = list(spec.features)
        backend = cls.__new__(cls)
        backend._setup(parts, [str(f) for f in files], feats, **opts)
        return backend

    # -- computing -------------------------------------------------------------
    def _client(self) -> Any:
        if self.client is not None:
            return self.client
        try:
            from distributed import default_client

            return default_client()
        except (ImportError, ValueError):
            return None

    def _compute(self, tasks: list[Any]) -> list[Any]:
        """One explicit compute of all partition tasks; errors name the partition."""
        client = self._client()
        if client is None:
            import dask

            return list(dask.compute(*tasks, scheduler="threads"))
        from distributed import wait

        futures = client.compute(tasks, retries=self.retries)
        try:
            wait(futures, timeout=self.timeout)
        except TimeoutError:
            pending = [i for i, f in enumerate(futures) if not f.done()]
            client.cancel(futures)
            raise TimeoutError(
                f"Dask evaluation {self.n_passes + 1}: partitions {pending[:10]} did "
                f"not finish within timeout={self.timeout}s (workers lost or paused?)"
            ) from None
        for i, f in enumerate(futures):
            if f.status == "error":
                exc = f.exception()
                client.cancel(futures)
                raise DataValidationError(
                    f"partition {i}{self._name(i)} failed: "
                    f"{type(exc).__name__}: {exc}. The fit stops rather than "
                    f"continue without these rows."
                ) from exc
        return client.gather(futures)

    def _name(self, i: int) -> str:
        return f" ({self.part_names[i]})" if self.part_names else ""

    def _scan(self, classes: Any) -> None:
        import dask

        stats = self._compute(
            [
                dask.delayed(_partition_scan)(i, self.dtype, self.target, *t)
                for i, t in enumerate(self.parts)
            ]
        )
        self._check_ids([s["index"] for s in stats])
        p = {s["p"] for s in stats if s["n"] > 0} or {s["p"] for s in stats}
        if len(p) != 1:
            raise DataValidationError(f"partitions have different column counts {p}")
        labels = {v for s in stats for v in s["labels"]}
        self.n_samples = sum(s["n"] for s in stats)
        if self.n_samples == 0:
            raise DataValidationError("the Dask collection has no rows")
        self.n_features = p.pop()
        self.partition_rows = [s["n"] for s in stats]
        self.weight_sum = float(sum(s["weight"] for s in stats))
        cls = np.sort(np.asarray(list(classes if classes is not None else labels)))
        if len(cls) != 2 or not labels <= set(cls.tolist()):
            raise DataValidationError(
                f"y must hold two classes; found {sorted(map(str, labels))[:10]}"
            )
        self.classes_ = cls
        digest = (
            "".join(s["digest"] for s in stats) + f"{self.n_samples}x{self.n_features}"
        )
        self.fingerprint = hashlib.blake2b(digest.encode(), digest_size=16).hexdigest()

    def _check_ids(self, ids: list[int]) -> None:
        if sorted(ids) != list(range(len(self.parts))):
            raise IntegrityError(
                f"partition results {sorted(ids)[:20]} do not cover partitions "
                f"0..{len(self.parts) - 1} exactly once"
            )

    @property
    def n_partitions(self) -> int:
        return len(self.parts)

    @property
    def chunk_rows(self) -> int:
        if self._chunk_rows is not None:
            return max(1, int(self._chunk_rows))
        return chunk_rows_for(self.n_features, self.dtype, DEFAULT_BLOCK_BYTES)

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        import dask

        t0 = time.perf_counter()
        positive = self.classes_[1]
        results = self._compute(
            [
                dask.delayed(_partition_reduce, pure=False)(
                    fn, i, self.dtype, self.target, positive, self.chunk_rows, *t
                )
                for i, t in enumerate(self.parts)
            ]
        )
        self._check_ids([r[0] for r in results])
        rows = sum(r[1] for r in results)
        if rows != self.n_samples:
            raise IntegrityError(
                f"an evaluation reduced {rows} rows, the scan found {self.n_samples}"
            )
        results.sort(key=lambda r: r[0])
        out = tree_sum(r[2] for r in results)
        self.last_bytes_to_client = sum(_nbytes(r[2]) + 16 for r in results)
        self.n_passes += 1
        self.rows_read += rows
        self.bytes_to_client += self.last_bytes_to_client
        if self.progress is not None:
            dt = time.perf_counter() - t0
            self.progress(
                {
                    "pass": self.n_passes,
                    "rows": rows,
                    "seconds": dt,
                    "rows_per_s": rows / dt if dt > 0 else float("inf"),
                    "bytes_to_client": self.last_bytes_to_client,
                }
            )
        return out

    def __repr__(self) -> str:
        return (
            f"Dask(n_partitions={self.n_partitions}, n_samples={self.n_samples}, "
            f"n_features={self.n_features})"
        )


# -- prediction on Dask input ----------------------------------------------------------
def decision_function(X: Any, coef: np.ndarray, intercept: float) -> Any:
    """Lazy logits ``X w + b`` of a Dask array or DataFrame (a 1-D Dask array)."""
    if hasattr(X, "to_dask_array"):
        X = X.to_dask_array(lengths=False)
    if X.ndim != 2 or (not np.isnan(X.shape[1]) and X.shape[1] != coef.shape[0]):
        raise DataValidationError(
            f"X has shape {X.shape}; expected (n_samples, {coef.shape[0]})"
        )
    X = X.rechunk({1: -1})
    w = coef.astype(X.dtype, copy=False)
    return X.map_blocks(lambda b: b @ w + intercept, drop_axis=1, dtype=X.dtype)


def predict_proba(X: Any, coef: np.ndarray, intercept: float) -> Any:
    """Lazy ``[P(classes_[0]), P(classes_[1])]`` of shape (n_samples, 2)."""
    z = decision_function(X, coef, intercept)
    return z.map_blocks(
        _proba_block, new_axis=1, chunks=(z.chunks[0], (2,)), dtype=z.dtype
    )


# -- clusters for the CLI --------------------------------------------------------------
def connect(
    scheduler: str | None = None,
    workers: int | None = None,
    threads_per_worker: int = 1,
) -> Any:
    """A ``distributed.Client``: to ``scheduler`` (an address) or a new LocalCluster.

    The CLI's ``--scheduler ADDRESS`` / ``--workers N``. With neither, the
    default client if one exists, else a LocalCluster with one worker process
    per core. Close the returned client (and its cluster) when done:
    ``client.close(); client.cluster and client.cluster.close()``.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler)
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=threads_per_worker,
        processes=True,
        dashboard_address=None,
    )
    return Client(cluster)
