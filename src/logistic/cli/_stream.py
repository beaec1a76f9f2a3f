"""``logistic fit --stream`` / ``--workers`` / ``--scheduler``: fits that never
hold the data in memory, on the out-of-core and Dask backends.

Conventions (owned here):

* **When.** ``--stream`` forces an out-of-core fit (the Chunked backend);
  ``--workers N`` or ``--scheduler ADDRESS`` a Dask fit on a new
  ``LocalCluster`` of N worker processes or on a running scheduler. Without
  them a file larger than :data:`STREAM_FRACTION` of the machine's physical
  memory (:func:`logistic.backends.should_stream`) is streamed automatically
  when it can be (else it is read into memory, with a note); ``--no-stream``
  turns that off.
* **Encoding.** The same rules as in memory (:mod:`logistic.tabular`): the
  target, ``--weights`` and ``--offset`` are never features; ``--features`` /
  ``--drop`` choose columns; labels are mapped by
  :func:`logistic.tabular._labels.fit_labels` (0/1, -1/+1, false/true, no/yes
  or ``--positive``). Numeric feature columns only: one-hot encoding needs
  every level before the first pass, so a text column is an error naming it
  (drop it, or fit in memory). ``--formula``, LibSVM input, ``--missing
  drop`` and ``--class-weight`` are refused the same way. The model file
  holds the same ``"columns"`` encoding as an in-memory fit, so predict,
  evaluate and report treat both alike.
* **Positive class.** The backends call the larger of the two sorted labels
  positive; when the label mapping says otherwise the fitted coefficients
  are negated (the objective is symmetric: ``L(y, z) = L(1 - y, -z)``), which
  gives the same model as an in-memory fit.
* **Files.** CSV (plain, gzip, bz2; the delimiter sniffed as in memory or
  ``--sep``) and Parquet: a file, or with ``--stream``/Dask a directory of
  Parquet files read in name order.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._files import NotARegularFileError, open_regular
from ..columns import ColumnPlan
from ._common import (
    EX_IOERR,
    EX_USAGE,
    CLIError,
    IterationSink,
    err_console,
    note,
    show_progress,
)
from ._stream_stats import streamed_inference

__all__ = ["STREAM_FRACTION", "StreamPlan", "auto_stream", "plan_stream", "fit_stream"]

#: Files larger than this fraction of physical memory are streamed by default.
STREAM_FRACTION = 0.25


class NotStreamable(CLIError):
    """The data or options need an in-memory fit (exit 2 when streaming was asked)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EX_USAGE)


@dataclass
class StreamPlan:
    """What to stream and how it is encoded (decided before any pass)."""

    path: str
    format: str
    delimiter: str | None
    columns: ColumnPlan

    @property
    def target(self) -> str:
        assert self.columns.target is not None
        return self.columns.target

    @property
    def features(self) -> list[str]:
        return list(self.columns.features)

    @property
    def weights(self) -> str | None:
        return self.columns.weights

    @property
    def offset(self) -> str | None:
        return self.columns.offset


def auto_stream(data: Path) -> bool:
    """Whether ``data`` is large enough to stream without being asked."""
    from ..backends import should_stream

    return data.exists() and should_stream(data, fraction=STREAM_FRACTION)


def _schema(path: str, fmt: str | None, sep: str | None) -> tuple[str, Any, Any]:
    """``(format, arrow schema, delimiter)`` from the file's head only."""
    import pyarrow as pa

    from ..formats import sniff_format

    kind, compression = sniff_format(path)
    if not Path(path).is_dir():
        kind = fmt or kind
    try:
        schema, delimiter = _read_schema(path, kind, compression, sep)
    except (pa.ArrowException, OSError) as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, NotARegularFileError)):
            raise
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the file itself could not be read (I/O error, exit 74)
        from ..tabular._read import parquet_message

        name = "Parquet" if kind == "parquet" else "CSV"
        raise CLIError(f"{path}: cannot read {name}: {parquet_message(exc)}") from None
    return kind, schema, delimiter


def _read_schema(
    path: str, kind: str, compression: str | None, sep: str | None
) -> tuple[Any, str | None]:
    import pyarrow.parquet as pq

    from ..backends._sources import open_data
    from ..formats import parquet_files

    if Path(path).is_dir():
        files = parquet_files(path)
        if not files:
            raise CLIError(f"no Parquet files (*.parquet) under {path}")
        for f in files[1:]:  # every file is a regular file, before any pass
            open_data(f).close()
        with open_data(files[0]) as fh:
            return pq.read_schema(fh), None
    if kind == "libsvm":
        raise NotStreamable(
            f"{path} is LibSVM data; streaming reads CSV and Parquet only "
            "(fit LibSVM files in memory: leave out --stream/--workers)"
        )
    if kind == "parquet":
        with open_data(path) as fh:
            return pq.read_schema(fh), None
    return _csv_schema(path, compression, sep)


def _csv_schema(
    path: str, compression: str | None, sep: str | None
) -> tuple[Any, str | None]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ..backends._sources import open_data
    from ..formats import decompress_error, read_head
    from ..tabular._read import _refuse_binary, _refuse_utf16, _sniff_delimiter

    head = read_head(path, compression)
    if not head.strip():
        raise CLIError(f"{path} is empty (no header, no data rows)")
    _refuse_utf16(head, path)
    _refuse_binary(head, path)
    delimiter = sep or _sniff_delimiter(head, path)
    options = pacsv.ParseOptions(delimiter=delimiter)
    with open_data(path) as fh:
        try:
            with pa.input_stream(fh, compression=compression) as stream:
                reader = pacsv.open_csv(stream, parse_options=options)
                try:
                    return reader.schema, delimiter
                finally:
                    reader.close()
        except (OSError, EOFError) as exc:
            raise decompress_error(path, compression, exc) from None


def _check_options(formula: str | None, missing: str, options: dict) -> None:
    if formula is not None:
        raise NotStreamable(
            "--formula cannot be streamed (formula transforms and categorical "
            "levels need the whole data); name the columns with --target and "
            "--features/--drop, or fit in memory"
        )
    if missing != "error":
        raise NotStreamable(
            "--missing drop is not available when streaming; remove rows with "
            "missing values first, or fit in memory"
        )
    if options.get("class_weight") is not None:
        raise NotStreamable("--class-weight is not available when streaming")


def plan_stream(
    data: Path,
    *,
    target: str | None,
    formula: str | None,
    features: list[str] | None,
    drop: list[str] | None,
    missing: str,
    weights: str | None,
    offset: str | None,
    sep: str | None,
    fmt: str | None,
    options: dict[str, Any],
) -> StreamPlan:
    """Check the header and options; the columns to stream (no data pass)."""
    from ..columns import plan_columns
    from ..tabular._columns import ROLE_OPTIONS

    _check_options(formula, missing, options)
    path = str(data)
    kind, schema, delimiter = _schema(path, fmt, sep)
    if target is None:
        raise CLIError("no target column: pass --target COLUMN", EX_USAGE)
    columns = plan_columns(
        schema,
        target=target,
        features=features,
        drop=drop,
        weights=weights,
        offset=offset,
        source=path,
        delimiter=delimiter,
        role_names=ROLE_OPTIONS,
    )
    _refuse_text_columns(columns)
    return StreamPlan(path, kind, delimiter, columns)


def _refuse_text_columns(columns: ColumnPlan) -> None:
    """Numeric (or all-null) feature columns only: one-hot encoding needs
    every level before the first pass."""
    text = [c for c in columns.features if columns.kind(c) not in ("numeric", "null")]
    if text:
        raise NotStreamable(
            f"streaming needs numeric feature columns, but {columns.source} has text "
            f"column(s) {text[:10]!r} (one-hot encoding needs every level before "
            f"the first pass); leave them out with --drop {','.join(text[:10])}, "
            "encode them as numbers, or fit in memory (without --stream)"
        )


# -- progress ------------------------------------------------------------------------
class PassProgress:
    """Passes over the data and rows/s: a live line on a terminal, a summary after.

    Receives the backends' per-pass dicts (``pass``, ``rows``, ``seconds``,
    ``rows_per_s``) and the solvers' iteration lines (:class:`IterationSink`).
    """

    def __init__(self) -> None:
        self.passes = 0
        self.rows = 0
        self.seconds = 0.0
        self.iteration = ""
        self._status: Any = None

    def __call__(self, info: dict[str, float]) -> None:
        self.passes += 1
        self.rows += int(info.get("rows", 0))
        self.seconds += float(info.get("seconds", 0.0))
        self._show()

    def on_iteration(self, text: str) -> None:
        self.iteration = text.split(": ", 1)[-1]
        self._show()

    def _show(self) -> None:
        if self._status is None:
            return
        rate = self.rows / self.seconds if self.seconds > 0 else 0.0
        text = f"pass {self.passes}: {self.rows:,} rows, {rate:,.0f} rows/s"
        self._status.update(f"{text} | {self.iteration}" if self.iteration else text)

    def summary(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else float("nan")
        return (
            f"{self.passes} passes over the data, {self.rows:,} rows read in "
            f"{self.seconds:.1f}s ({rate:,.0f} rows/s)"
        )

    @contextmanager
    def live(self, model: Any, message: str) -> Iterator[None]:
        """A rich status line on an interactive stderr while the fit runs."""
        if not show_progress():
            yield
            return
        previous = model.verbose
        model.verbose = max(1, int(previous or 0))
        try:
            with err_console.status(message) as st:
                self._status = st
                with redirect_stdout(IterationSink(self.on_iteration)):
                    yield
        finally:
            self._status = None
            model.verbose = previous


# -- backends ------------------------------------------------------------------------
def _chunked(plan: StreamPlan, chunk_rows: int | None, progress: Any) -> Any:
    from ..backends import Chunked

    columns = {
        "target": plan.target,
        "features": plan.features,
        "weight": plan.weights,
        "offset": plan.offset,
    }
    opts = {"chunk_rows": chunk_rows, "progress": progress}
    if plan.format == "parquet":
        return Chunked.from_parquet(plan.path, **columns, **opts)
    csv_options = {"delimiter": plan.delimiter}
    return Chunked.from_csv(plan.path, **columns, csv_options=csv_options, **opts)


def _dask(plan: StreamPlan, chunk_rows: int | None, progress: Any, client: Any) -> Any:
    from ..backends.dask import Dask

    opts = {"client": client, "chunk_rows": chunk_rows, "progress": progress}
    if plan.format == "parquet":
        return Dask.from_parquet(
            plan.path,
            target=plan.target,
            features=plan.features,
            weight=plan.weights,
            offset=plan.offset,
            **opts,
        )
    import dask.dataframe as dd

    compressed = plan.path.lower().endswith((".gz", ".bz2"))
    columns = [*plan.features, plan.target]
    extra = [c for c in (plan.weights, plan.offset) if c is not None]
    frame = dd.read_csv(
        plan.path,
        sep=plan.delimiter,
        usecols=columns + extra,
        blocksize=None if compressed else "64MB",
        compression="infer",
        dtype={c: "float64" for c in plan.features + extra},
    )
    return Dask(
        frame[columns],
        None,
        None if plan.weights is None else frame[plan.weights],
        None if plan.offset is None else frame[plan.offset],
        target=plan.target,
        feature_names=plan.features,
        **opts,
    )


_NO_DASK = (
    "--workers/--scheduler need the 'dask' extra: pip install 'logistic[dask]' "
    "(from a clone: pip install '.[dask]') ({exc})"
)


@contextmanager
def dask_client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A ``distributed.Client`` for ``--scheduler``/``--workers``, closed after."""
    try:
        from ..backends.dask import connect
    except ImportError as exc:
        raise CLIError(_NO_DASK.format(exc=exc), EX_USAGE) from None
    if workers is not None and workers < 1:
        raise CLIError(f"--workers must be at least 1, got {workers}", EX_USAGE)
    try:
        client = connect(scheduler=scheduler, workers=workers)
    except ImportError as exc:
        raise CLIError(_NO_DASK.format(exc=exc), EX_USAGE) from None
    except OSError as exc:
        raise CLIError(
            f"cannot reach the Dask scheduler {scheduler}: {exc}", EX_IOERR
        ) from None
    except (ValueError, TypeError) as exc:  # the address cannot be parsed
        if scheduler is None:
            raise
        raise CLIError(
            f"--scheduler must be a Dask scheduler address such as "
            f"tcp://host:8786, got {scheduler!r} ({exc})",
            EX_USAGE,
        ) from None
    try:
        yield client
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and scheduler is None:
            cluster.close()


# -- the fit -------------------------------------------------------------------------
@dataclass
class StreamResult:
    """What ``fit`` needs to save and report a streamed fit."""

    model: Any
    design: Any
    source: Any
    facts: dict[str, Any]
    covariance: Any = None
    covariance_names: list[str] | None = None
    statistics: dict[str, float] = field(default_factory=dict)


def _label_mapping(backend: Any, plan: StreamPlan, positive: str | None) -> tuple:
    """``(mapping, flip)``: the in-memory label rules on the two classes found."""
    from ..tabular._labels import fit_labels

    classes = np.asarray(backend.classes_)
    y01, mapping = fit_labels(classes, plan.target, plan.path, positive)
    return mapping, bool(y01[1] == 0.0)  # the backend's positive is classes_[1]


class _FlipLabels:
    """``fn`` applied to a block with ``y → 1 - y`` (module level: picklable)."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def __call__(self, block: Any) -> Any:
        from .._typing import Block

        flipped = Block(block.X, 1 - block.y, block.sample_weight, block.offset)
        return self.fn(flipped)


class _Flipped:
    """A backend whose positive class is its ``classes_[0]`` (labels flipped).

    The backends call the larger label positive; flipping the 0/1 labels in
    every block (rather than negating the fitted coefficients, which is wrong
    with an offset) gives exactly the in-memory problem.
    """

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.fingerprint = f"{getattr(inner, 'fingerprint', 'unknown')}:flipped"

    def __getattr__(self, name: str) -> Any:
        if name == "map_reduce_indexed":
            raise AttributeError(name)
        return getattr(self._inner, name)

    def map_reduce(self, fn: Any) -> Any:
        return self._inner.map_reduce(_FlipLabels(fn))

    def blocks(self) -> Iterator[Any]:
        from .._typing import Block

        for b in self._inner.blocks():
            yield Block(b.X, 1 - b.y, b.sample_weight, b.offset)


def _encoding(plan: StreamPlan, mapping: dict[str, Any]) -> dict[str, Any]:
    """The ``"columns"`` encoding an in-memory fit of numeric columns stores."""
    return {
        "target": plan.target,
        "label": mapping,
        "weights": plan.weights,
        "offset": plan.offset,
        "kind": "columns",
        "columns": [{"name": c, "kind": "numeric"} for c in plan.features],
        "feature_names": list(plan.features),
    }


def fit_stream(
    plan: StreamPlan,
    model: Any,
    *,
    positive: str | None,
    chunk_rows: int | None,
    checkpoint: Path | None,
    client: Any = None,
) -> StreamResult:
    """Fit ``model`` out of core (Chunked) or on Dask (``client``)."""
    from ..tabular import Design

    if chunk_rows is not None and chunk_rows < 1:
        raise CLIError(f"--chunk-rows must be at least 1, got {chunk_rows}", EX_USAGE)
    if checkpoint is not None and checkpoint.exists():
        note(f"resuming from checkpoint {checkpoint}")
    progress = PassProgress()
    kind = "chunked" if client is None else "dask"
    t0 = time.perf_counter()
    with progress.live(model, f"scanning {plan.path} ..."):
        if client is None:
            backend = _chunked(plan, chunk_rows, progress)
        else:
            backend = _dask(plan, chunk_rows, progress, client)
        mapping, flip = _label_mapping(backend, plan, positive)
        data = _Flipped(backend) if flip else backend
        model.fit(
            data, None, checkpoint=None if checkpoint is None else str(checkpoint)
        )
    model.classes_ = np.array([0.0, 1.0])  # labels 0/1, as an in-memory CLI fit
    cov, cov_names, stats = streamed_inference(model, data, plan.offset is not None)
    notes = [f"streamed ({kind}): {progress.summary()}"]
    features, n = list(plan.features), int(backend.n_samples)
    no_rows = np.ones(0, dtype=bool)  # nothing held in memory
    encoding = _encoding(plan, mapping)
    design = Design(None, None, None, None, features, encoding, n, 0, no_rows, notes)
    facts = {
        "backend": kind,
        "chunk_rows": int(getattr(backend, "chunk_rows", 0) or 0),
        "passes": progress.passes,
        "seconds": round(time.perf_counter() - t0, 3),
        "checkpoint": None if checkpoint is None else str(checkpoint),
    }
    if client is not None:
        facts["workers"] = len(client.scheduler_info().get("workers", {}))
    source = _Source(plan.format, plan.delimiter)
    return StreamResult(model, design, source, facts, cov, cov_names, stats)


@dataclass
class _Source:
    """The ``raw`` facts that ``fit`` records for a file it never loaded."""

    format: str
    delimiter: str | None


def data_sha256(path: Path) -> str:
    """sha256 of a file, or of a directory's Parquet files in name order."""
    import hashlib

    files = (
        sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
    )
    h = hashlib.sha256()
    for f in files:
        if path.is_dir():
            h.update(os.fsencode(f.relative_to(path)) + b"\0")
        with open_regular(f, what="input file") as fh:
            for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()
