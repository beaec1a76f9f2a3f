"""A streamed fit: out of core (Chunked) or on Dask, never holding the data.

Conventions (owned here):

* **Plan.** :mod:`._stream_plan` decides, from the file's head, that the fit
  streams and which columns it reads; :mod:`._stream_backends` builds the
  backend.
* **Labels.** The backend is given the command line's positive-class rule
  (:func:`logistic.tabular._labels.positive_rule`) as its ``positive=``
  argument: it encodes the labels exactly as an in-memory fit does (0/1,
  -1/+1, false/true, no/yes or ``--positive``).
* **Row cache.** ``--no-cache`` / ``--cache-dir`` become the Chunked
  backend's ``cache=`` / ``cache_dir=`` (:mod:`logistic.backends._cache`); the
  cache folder used is recorded as ``training.streaming.cache``.
* **Model file.** The same ``"columns"`` encoding as an in-memory fit of
  numeric columns, so predict, evaluate and report treat both alike; the
  covariance and fit statistics come from
  :func:`logistic.inference.fit_inference` on the backend (three passes).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._files import open_regular
from ._codes import EX_USAGE, CLIError
from ._common import note
from ._progress import FitProgress
from ._render import inference_of
from ._stream_plan import StreamPlan

__all__ = ["StreamResult", "data_sha256", "fit_stream"]


@dataclass
class StreamResult:
    """What ``fit`` needs to save and report a streamed fit."""

    model: Any
    design: Any
    source: Any
    facts: dict[str, Any]
    inference: Any = None


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
    quiet: bool = False,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> StreamResult:
    """Fit ``model`` out of core (Chunked) or on Dask (``client``); ``cache`` and
    ``cache_dir`` choose the Chunked backend's row cache."""
    from ..tabular import Design
    from ..tabular._labels import label_mapping, positive_rule
    from ._stream_backends import chunked_backend, dask_backend

    if chunk_rows is not None and chunk_rows < 1:
        raise CLIError(f"--chunk-rows must be at least 1, got {chunk_rows}", EX_USAGE)
    if checkpoint is not None and checkpoint.exists():
        note(f"resuming from checkpoint {checkpoint}")
    progress = FitProgress(quiet)
    kind = "chunked" if client is None else "dask"
    rule = positive_rule(plan.target, plan.path, positive)
    t0 = time.perf_counter()
    with progress.live(f"scanning {plan.path} ...") as callback:
        if client is None:
            backend = chunked_backend(
                plan, chunk_rows, progress, rule, cache=cache, cache_dir=cache_dir
            )
        else:
            backend = dask_backend(plan, chunk_rows, progress, rule, client)
        model.fit(
            backend,
            None,
            checkpoint=None if checkpoint is None else str(checkpoint),
            callback=callback,
        )
    mapping = label_mapping(backend.classes_, plan.target)
    model.classes_ = np.array([0.0, 1.0])  # labels 0/1, as an in-memory CLI fit
    inference = inference_of(model, backend)
    notes = [f"streamed ({kind}): {progress.summary()}"]
    features, n = list(plan.features), int(backend.n_samples)
    no_rows = np.ones(0, dtype=bool)  # nothing held in memory
    encoding = _encoding(plan, mapping)
    design = Design(None, None, None, None, features, encoding, n, 0, no_rows, notes)
    facts = {
        "backend": kind,
        "chunk_rows": int(backend.chunk_rows),
        "passes": progress.passes,
        "seconds": round(time.perf_counter() - t0, 3),
        "checkpoint": None if checkpoint is None else str(checkpoint),
    }
    if client is None:  # the row cache that later passes read (None: not cached)
        cached = backend.cache_path
        facts["cache"] = None if cached is None else str(cached)
    if client is not None:
        facts["workers"] = len(client.scheduler_info().get("workers", {}))
    source = _Source(plan.format, plan.delimiter)
    return StreamResult(model, design, source, facts, inference)


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
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()
