"""Dask backend: the objective reduced across the partitions of a Dask collection.

Dask is imported lazily (only when this module is imported); ``import
logistic`` never imports it.

Conventions (owned here)
------------------------
* **One explicit compute per evaluation.** ``map_reduce(fn)`` builds one task
  per partition, ``(index, n_rows, fn-partial-sum)``, submits them together
  (``client.compute`` with a distributed client, else ``dask.compute``) and
  waits. Partitions persisted on a distributed cluster (``persist=True``) are
  instead reduced by one task per worker thread, placed on the worker that
  holds them, which returns each partition's ``(index, n_rows, sum)``
  separately (:mod:`logistic.backends._dask_locality`; ``group_by_worker``):
  the per-pass cost then follows the number of workers, not of partitions.
  Where the client reaches the workers, each is called directly, without
  tasks (:mod:`._dask_direct`; ``direct_calls``), else the group tasks are
  submitted together (:mod:`._dask_faults`). Only the partial sums (a few
  floats, ``n_features`` of them for a gradient, ``n_features²`` for a
  Hessian) travel back; the solver state (``n_features`` floats) stays on
  the client and travels to the workers inside each task (the ``fn``
  partial).
* **Summation order.** Inside a partition, rows are cut into blocks of
  ``chunk_rows`` (by default sized for the kernel that reads them:
  :mod:`logistic.backends._dask_blocks`) and
  folded left to right; on the client the partition sums are folded left to
  right in **partition index** order. The result is therefore bitwise
  reproducible for a fixed partitioning, whatever the number of workers, the
  grouping of partitions into tasks, the scheduling or a worker's death;
  another partitioning changes it only by rounding.
* **Nothing lost or counted twice.** The client checks that every partition id
  comes back exactly once and that the row counts add up to the ``n_samples``
  found by the scan; a lost worker's partitions are recomputed by Dask from
  their lineage (data must be *loaded by tasks*, e.g. ``dd.read_parquet`` or
  :meth:`Dask.from_parquet`, never ``client.scatter``-ed). A partition whose
  task fails (corrupt file, a worker killed repeatedly) fails the fit with an
  error naming the partition (and its file when known); when a task reducing
  a group of partitions fails, the evaluation is recomputed one task per
  partition to find and name it. Empty partitions contribute zero.
* **Faults end in errors, never in a wait without end.** A lost scheduler, a
  cluster without a worker able to run tasks, an evaluation past ``timeout``
  and a partition that keeps killing its worker each raise a named error
  (:mod:`logistic.backends._dask_faults`).
* **Rows are global.** A worker reports a bad value at a row of its own
  partition; the scan adds the row counts of the partitions before it, so
  messages give the row in the whole collection (and within the partition).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .._exceptions import DataValidationError
from .._labels import PositiveRule
from .._messages import import_extra
from .._typing import BackendCapabilities, Block, is_dask_collection
from ..formats import no_parquet_files
from ._column_words import PARQUET_NAMES, refuse_complex, refuse_text_frame_columns
from ._dask_align import row_partitions
from ._dask_blocks import partition_chunk_rows
from ._dask_connect import connect
from ._dask_faults import (
    ClusterRun,
    DaskClusterError,
    EvaluationTimeoutError,
    PartitionError,
    SchedulerLostError,
    WorkerMemoryError,
)
from ._dask_fetch import direct_gather
from ._dask_gather import check_partitions, check_rows, gather_blocks
from ._dask_groups_pass import reduce_groups
from ._dask_labels import encode_held_labels
from ._dask_locality import (
    persist_spread,
    persisted_futures,
    release_placement,
)
from ._dask_predict import decision_function, predict_proba
from ._dask_scan import raise_first_problem, scan_facts
from ._dask_tasks import (
    partition_reduce,
    partition_scan,
    read_parquet_part,
    travelled_bytes,
)
from ._parquet_schemas import check_file_kinds
from ._reduce import pass_progress, tree_sum
from ._sources import (
    _READ_ERRORS,
    _ColumnSpec,
    _reader_error,
    open_data,
    parquet_files,
)
from ._unchanged import UnchangedFiles

__all__ = [
    "Dask",
    "DaskClusterError",
    "EvaluationTimeoutError",
    "PartitionError",
    "SchedulerLostError",
    "WorkerMemoryError",
    "connect",
    "decision_function",
    "is_dask_collection",
    "predict_proba",
]

T = TypeVar("T")


# -- the backend -------------------------------------------------------------------
class Dask:
    """Rows in the partitions of a Dask collection; implements the Backend Protocol.

    Parameters
    ----------
    X : dask.array of shape (n_samples, n_features) or dask.dataframe.DataFrame
        Row-partitioned features (a DataFrame may also hold the target: pass
        its name as ``target``).
    y, sample_weight, offset : dask collections partitioned like X, or None
        Paired with X by position, partition by partition: the same
        ``npartitions`` (DataFrame, Series) or row chunks (array)
        (:mod:`logistic.backends._dask_align`).
    target : str or None
        Column of a DataFrame ``X`` holding the labels (instead of ``y``).
    client : distributed.Client or None
        Cluster to compute on; None uses the default client if one exists,
        else Dask's default scheduler.
    dtype : {float64, float32}
    chunk_rows : int or None
        Rows per block inside a partition (None: sized for the kernel that
        reads them, :mod:`logistic.backends._dask_blocks`).
    classes : labels or None
        None finds them in the scan.
    multiclass : bool
        Accept more than two labels (``classes_`` sorted, blocks carry class indices).
    positive : label, callable or None
        The positive class: None for the larger label, a label (matched
        exactly or as text), or a callable receiving the two sorted labels
        and returning the positive one (:func:`logistic._labels.class_order`).
    persist : bool
        Load the partitions once and keep them in cluster memory (lost ones
        recomputed from lineage); False re-reads them each pass.
    timeout : float or None
        Seconds one evaluation may take before an ``EvaluationTimeoutError``
        (a ``TimeoutError``); None: no limit.
    cluster_timeout : float or None
        Seconds the scheduler may go unanswered, or the cluster may have no
        worker able to run tasks (none connected, all paused at their memory
        limit), while an evaluation waits, before the fit fails with
        ``SchedulerLostError`` / ``WorkerMemoryError`` / ``DaskClusterError``.
        A closed connection to the scheduler fails the fit at once. None: no
        limit (raise it for clusters that take long to start workers).
    retries : int
        Retries of a failed partition task (transient storage errors) before the
        fit fails naming it; a lost worker's tasks are rescheduled anyway.
    part_names : sequence of str or None
        Where each partition comes from (e.g. its file), named in messages.
    progress : callable or None
        Called after every pass with ``pass``, ``rows``, ``seconds``,
        ``rows_per_s``, ``bytes_to_client``.
    feature_names : sequence of str or None
        Column names (default: a DataFrame's columns), named in messages.
    files : sequence of paths or None
        Local files the partitions read (``from_parquet`` gives them; a
        frame from ``dask.dataframe.read_csv`` may): their status is taken
        before the scan and must stay the same at the start and the end of
        every pass (:mod:`._unchanged`), unless ``persist`` keeps the loaded
        partitions. A file replaced or rewritten during a fit would
        otherwise be read by its later passes: a fit of two data sets.

    Raises
    ------
    PartitionError
        A partition's task failed, or its data hold a bad value (the message
        names the partition, its file and the global row).
    SchedulerLostError, EvaluationTimeoutError, WorkerMemoryError, DaskClusterError
        The cluster could not finish an evaluation (see
        :mod:`logistic.backends._dask_faults`).
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
        positive: PositiveRule = None,
        persist: bool = False,
        timeout: float | None = None,
        cluster_timeout: float | None = 60.0,
        retries: int = 0,
        part_names: Sequence[str] | None = None,
        progress: Callable[[dict[str, float]], None] | None = None,
        feature_names: Sequence[str] | None = None,
        multiclass: bool = False,
        files: Sequence[str | os.PathLike[str]] | None = None,
    ) -> None:
        self.multiclass = bool(multiclass)
        self._watch(files, persist)
        if hasattr(X, "columns"):  # text dtypes refused before a task runs
            columns = [str(c) for c in X.columns if c != target]
            refuse_text_frame_columns(X, columns)
            feature_names = columns if feature_names is None else feature_names
        if target is None and y is None:
            raise DataValidationError("y is required (or name the target column)")
        refuse_complex(X=X, sample_weight=sample_weight, offset=offset)
        parts = row_partitions(X, y, sample_weight, offset)
        self._setup(
            parts,
            part_names,
            feature_names,
            target=target,
            client=client,
            dtype=dtype,
            chunk_rows=chunk_rows,
            classes=classes,
            positive=positive,
            persist=persist,
            timeout=timeout,
            cluster_timeout=cluster_timeout,
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
        positive: PositiveRule = None,
        persist: bool = False,
        timeout: float | None = None,
        cluster_timeout: float | None = 60.0,
        retries: int = 0,
        progress: Any = None,
    ) -> None:
        self.client, self.timeout, self.progress = client, timeout, progress
        self.retries, self.cluster_timeout = int(retries), cluster_timeout
        self.dtype, self.target = np.dtype(dtype), target
        if self.dtype not in (np.float32, np.float64):
            raise DataValidationError(f"dtype must be float32 or float64, got {dtype}")
        self.feature_names = None if feature_names is None else list(feature_names)
        self.part_names = list(part_names) if part_names else None
        self.parts = parts
        scans: list[Any] = []  # persisted with their partitions on a cluster
        if persist:  # keep loaded partitions in cluster memory (lineage kept)
            import dask

            todo = [v for t in parts for v in t if v is not None]
            client = self._client()
            if client is not None:  # each partition's scan right after its load
                scans = self._scan_tasks(parts)
                spread = [(*t, s) for t, s in zip(parts, scans, strict=True)]
            flat = iter(
                persist_spread(client, spread, cluster_timeout)
                if client is not None
                else dask.persist(*todo)
            )
            self.parts = []
            for i, t in enumerate(parts):
                self.parts.append(tuple(None if v is None else next(flat) for v in t))
                if scans:
                    scans[i] = next(flat)
        self._futures = persisted_futures(self.parts) if persist else None
        self._held: list[Any] = []  # the last grouped evaluation's futures
        self._chunk_rows = chunk_rows
        self.n_passes, self.rows_read, self.bytes_to_client = 0, 0, 0
        self._scan(classes, positive, scans)
        if persist and client is not None:  # loaded: placement no longer needed
            release_placement(client, parts, cluster_timeout)
            self._direct_calls(client)  # the workers' handler installed now
            self.labels_encoded = encode_held_labels(
                client, self._futures, self.classes_, self.dtype, target=target,
                n_features=self.n_features, timeout=cluster_timeout)  # fmt: skip

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
        dask = import_extra("dask", "Dask.from_parquet")
        import_extra("pyarrow", "Dask.from_parquet")
        import pyarrow.parquet as pq

        root = Path(path)
        files = parquet_files(root) if root.is_dir() else [root]
        if not files:
            raise DataValidationError(no_parquet_files(root))
        with open_data(files[0]) as fh:
            try:
                first_schema = pq.read_schema(fh)
            except _READ_ERRORS as exc:
                raise _reader_error(files[0], exc) from None
        names = first_schema.names
        spec = _ColumnSpec(
            names, target, features, weight, offset, str(files[0]), part=PARQUET_NAMES
        )
        spec.check_kinds(first_schema, str(files[0]))
        check_file_kinds(files, spec)
        dtype = np.dtype(opts.get("dtype", np.float64))
        parts = []
        for f in files:
            # the path as this process resolves it: a worker's working
            # directory is its own, and a relative path would read its files
            where = os.path.abspath(f)
            X, y, w, o = dask.delayed(read_parquet_part, nout=4)(
                where, spec, dtype, str(f)
            )
            parts.append(
                (X, y, None if weight is None else w, None if offset is None else o)
            )
        feats = list(spec.features)
        backend = cls.__new__(cls)
        backend.multiclass = bool(opts.pop("multiclass", False))  # as __init__
        backend._watch(files, bool(opts.get("persist", False)))
        backend._file_columns = {"y": target, "sample_weight": weight, "offset": offset}
        backend._setup(parts, [str(f) for f in files], feats, **opts)
        backend._decodes_files = True
        return backend

    #: the files whose status every pass checks (:meth:`_watch`), or None
    _unchanged: UnchangedFiles | None = None
    #: the files the partitions read, as the caller named them (messages)
    _file_names: Sequence[str] = ()

    def _watch(
        self, files: Sequence[str | os.PathLike[str]] | None, persist: bool
    ) -> None:
        """Take the status of the local ``files`` the partitions read, to be
        checked at every pass (not where ``persist`` keeps the partitions
        loaded once)."""
        if files and not persist:  # as this process resolves them now
            self._unchanged = UnchangedFiles([Path(os.path.abspath(f)) for f in files])
            self._unchanged.check()
        self._file_names = [str(f) for f in files or []]  # as given, for messages

    # -- computing -------------------------------------------------------------
    def _client(self) -> Any:
        if self.client is not None:
            return self.client
        try:
            from distributed import default_client

            return default_client()
        except (ImportError, ValueError):
            return None

    def _compute(
        self,
        tasks: list[Any],
        collect_errors: bool = False,
        run: ClusterRun | None = None,
    ) -> list[Any]:
        """One explicit compute of all partition tasks, results in partition order.

        A failed task raises an error naming its partition (see
        :mod:`logistic.backends._dask_faults`); with ``collect_errors`` its
        exception is returned in its place instead. ``run``: the evaluation's
        run, whose grouped tasks failed: these tasks get what remains of its
        ``timeout``.
        """
        resume = run is not None
        client = self._client() if run is None else run.client
        label = f"Dask evaluation {self.n_passes + 1}" if self._scanned else "Dask scan"
        run = run or self._new_run(client)
        if client is not None:
            return run.compute(tasks, label, collect_errors, resume=resume)
        import dask

        try:
            return list(dask.compute(*tasks, scheduler="threads"))
        except Exception:  # noqa: BLE001 - recomputed one by one to name it
            outcomes = []
            for t in tasks:
                try:
                    outcomes.append(dask.compute(t, scheduler="threads")[0])
                except Exception as exc:  # noqa: BLE001 - returned or re-raised
                    outcomes.append(exc)
        failed = [i for i, v in enumerate(outcomes) if isinstance(v, Exception)]
        if failed and not collect_errors:
            raise run.partition_error({i: outcomes[i] for i in failed})
        return outcomes

    def _new_run(self, client: Any) -> ClusterRun:
        self._run = ClusterRun(
            client,
            retries=self.retries,
            timeout=self.timeout,
            cluster_timeout=self.cluster_timeout,
            part_names=self.part_names,
        )
        return self._run

    def _scan_tasks(self, parts: list[tuple[Any, ...]]) -> list[Any]:
        import dask

        return [
            dask.delayed(partition_scan)(i, self.dtype, self.target, *t)
            for i, t in enumerate(parts)
        ]

    def _scan(self, classes: Any, positive: PositiveRule, scans: list[Any]) -> None:
        """The scan's facts from ``scans`` (persisted with the partitions)
        or, if empty, from a task per partition."""
        self._scanned = False
        tasks = scans or self._scan_tasks(self.parts)
        stats = self._compute(tasks, collect_errors=True)
        del tasks, scans[:]  # persisted scan results: released once read
        raise_first_problem(
            stats, self._run, self.part_names, self.feature_names, self._file_columns
        )
        self._scanned = True
        check_partitions([s["index"] for s in stats], len(self.parts))
        multiclass = getattr(self, "multiclass", False)
        named = self._file_names
        source = None
        if named:
            more = f" and {len(named) - 1} more" if len(named) > 1 else ""
            source = f"{named[0]}{more}"
        facts = scan_facts(stats, classes, positive, multiclass, source)
        self.n_samples, self.n_features = facts.n_samples, facts.n_features
        self.partition_rows, self.classes_ = facts.partition_rows, facts.classes
        self.fingerprint = facts.fingerprint

    #: ``block_grid``: block ``i`` of :meth:`map_reduce_indexed` holds the
    #: same rows on every pass (``chunk_rows`` blocks within each partition),
    #: so Newton's Hessian estimate takes every k-th block whole.
    capabilities = BackendCapabilities(block_grid=True)
    nnz: int | None = None  # partitions are dense
    #: Persisted partitions on a distributed cluster are reduced one task per
    #: worker thread (False: one task per partition, as without persist).
    group_by_worker: bool = True
    #: Grouped evaluations call the workers directly where the client reaches
    #: them (:mod:`._dask_direct`), instead of submitting group tasks (False).
    direct_calls: bool = True
    #: Whether the workers' direct-call handler is installed (None: not asked).
    _direct_ready: bool | None = None
    #: Tasks the last evaluation submitted.
    tasks_per_pass: int = 0
    #: Partial sums of a grouped evaluation (bytes sent to the client) up to
    #: which the workers keep them until the next submit (``hold_results``:
    #: the release then does not delay it); larger ones go once gathered.
    hold_bytes: int = 16 * 2**20
    #: Partitions are files decoded by their tasks (:meth:`from_parquet`).
    _decodes_files: bool = False
    #: The columns of y, sample_weight and offset where partitions are whole
    #: files (:meth:`from_parquet`): a refusal names file and 1-based row.
    _file_columns: dict[str, str | None] | None = None
    #: Partitions whose labels the workers encoded at setup (:mod:`._dask_labels`).
    labels_encoded: int = 0

    def rows(self) -> Block:
        raise NotImplementedError("Dask rows stay on the workers")

    def blocks(self) -> Any:
        raise NotImplementedError("Dask blocks stay on the workers: only reductions")

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T:
        """:meth:`map_reduce` of ``fn(block, global block index)``: the blocks
        of ``chunk_rows`` rows are numbered across partitions in partition
        order (an empty partition is one empty block), the same on every pass
        (the ``block_grid`` capability)."""
        return self._map(fn, self.first_blocks())

    def first_blocks(self) -> list[int]:
        """The global index of each partition's first block."""
        starts, k = [], 0
        for n in self.partition_rows:
            starts.append(k)
            k += max(1, -(-n // self.chunk_rows))
        return starts

    def grid_rows(self) -> list[int]:
        """Rows of each grid block (an empty partition: one empty block)."""
        c = self.chunk_rows
        rows = self.partition_rows
        return [min(c, n - s) for n in rows for s in range(0, max(n, 1), c)]

    def grid_blocks(self, indices: Sequence[int], step: int = 1) -> list[Block] | None:
        """Copies of every ``step``-th row of the grid blocks ``indices``
        (:mod:`._dask_gather`; not a pass: not counted); None for files not
        persisted (each gather task would decode its whole file: a pass)."""
        if self._futures is None and self._decodes_files:
            return None
        return gather_blocks(self, indices, step)

    @property
    def n_partitions(self) -> int:
        return len(self.parts)

    @property
    def chunk_rows(self) -> int:
        if self._chunk_rows is not None:
            return max(1, int(self._chunk_rows))
        return partition_chunk_rows(self.n_features, self.dtype)

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        return self._map(fn, None)

    def _map(self, fn: Callable[..., T], first: list[int] | None) -> T:
        """One evaluation; ``first``: each partition's first global block
        index, passed on to ``fn`` (None: ``fn(block)``)."""
        import dask

        t0 = time.perf_counter()
        if self._unchanged is not None:
            self._unchanged.check()
        run = self._new_run(self._client())  # one ``timeout`` for the evaluation
        self._packed: list[Any] | None = None  # set by a grouped evaluation
        results = self._reduce_groups(fn, first, run)
        if results is None:
            self.tasks_per_pass = len(self.parts)
            results = self._compute(
                [
                    dask.delayed(partition_reduce, pure=False)(
                        fn,
                        i,
                        self.dtype,
                        self.target,
                        self.classes_,
                        self.chunk_rows,
                        *t,
                        first_block=None if first is None else first[i],
                    )
                    for i, t in enumerate(self.parts)
                ],
                run=run,
            )
        if self._unchanged is not None:  # the files as the pass began
            self._unchanged.check()
        check_partitions([r[0] for r in results], len(self.parts))
        rows = sum(r[1] for r in results)
        check_rows(rows, self.n_samples)
        results.sort(key=lambda r: r[0])
        out = tree_sum(r[2] for r in results)
        self.last_bytes_to_client = travelled_bytes(results, self._packed)
        if self.last_bytes_to_client > self.hold_bytes:
            self._held.clear()  # large partial sums: released once gathered
        self._packed = None
        self.n_passes += 1
        self.rows_read += rows
        self.bytes_to_client += self.last_bytes_to_client
        if self.progress is not None:
            extra = {"bytes_to_client": self.last_bytes_to_client}
            self.progress(pass_progress(self.n_passes, rows, t0, **extra))
        return out

    def _reduce_groups(
        self, fn: Callable[..., T], first: list[int] | None, run: ClusterRun
    ) -> list[Any] | None:
        """The partitions' ``(index, n_rows, sum)`` from one direct call or
        task per worker thread, or None (:func:`._dask_groups_pass.reduce_groups`)."""
        return reduce_groups(self, fn, first, run)

    def _direct_calls(self, client: Any) -> Any:
        """:mod:`._dask_direct` when this evaluation may call the workers
        directly (``direct_calls``, a cluster whose workers the client
        reaches, the handler installed once, by the persisting setup), else None."""
        if not self.direct_calls or not direct_gather(client):
            return None
        from . import _dask_direct

        if self._direct_ready is None:
            self._direct_ready = _dask_direct.install(client, self.cluster_timeout)
        return _dask_direct if self._direct_ready else None

    def __repr__(self) -> str:
        return (
            f"Dask(n_partitions={self.n_partitions}, n_samples={self.n_samples}, "
            f"n_features={self.n_features})"
        )
