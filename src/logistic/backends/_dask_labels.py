"""Persisted partitions' labels encoded on their workers once the scan is done.

Convention (owned here): a pass encodes each partition's labels to
``{0, 1}`` once and keeps them on the worker holding them
(:func:`logistic.backends._dask_tasks._encoded`, from
``KEEP_LABELS_MIN_FEATURES`` features). Left to the first pass, that
encoding (dense1m, 20 partitions of 50 000 labels: 40-70 ms of worker CPU)
is part of the fit. Once the scan has found the classes,
:func:`encode_held_labels` asks every worker, through the scheduler
(``client.run``), to encode the persisted label arrays it holds in memory,
so the passes find them encoded. The step only saves work: a label array
spilled to disk, a worker that does not answer within the backend's
``cluster_timeout`` or labels that fail to encode are left to the passes,
which encode them and report any problem naming the partition, as without
this step.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import CancelledError
from typing import Any

import numpy as np

from ._dask_tasks import KEEP_LABELS_MIN_FEATURES, _encoded, _labels

__all__ = ["encode_held_labels", "encode_on_worker"]


def encode_on_worker(
    keys: Sequence[Any], classes: Any, dtype: Any, dask_worker: Any = None
) -> int:
    """Encodes (and keeps) the labels of each of ``keys`` this worker holds
    in memory; how many. Runs on the worker's event loop (``client.run``)."""
    data = dask_worker.data
    memory = getattr(data, "fast", data)  # a spilled array stays on disk
    done = 0
    for key in keys:
        try:
            y = memory[key]
        except KeyError:  # held by another worker, or spilled
            continue
        try:
            _encoded(y, _labels(y), classes, dtype)
        except Exception:  # noqa: BLE001 - the pass encodes it and names it
            continue
        done += 1
    return done


def encode_held_labels(
    client: Any,
    futures: Sequence[Sequence[Any]] | None,
    classes: Any,
    dtype: Any,
    *,
    target: str | None,
    n_features: int,
    timeout: float | None,
) -> int:
    """Has every worker encode the persisted labels it holds (module
    docstring); how many partitions' labels were encoded (0 where the
    passes would not keep them: a target column inside X, fewer than
    ``KEEP_LABELS_MIN_FEATURES`` features, partitions not persisted)."""
    if futures is None or target is not None or n_features < KEEP_LABELS_MIN_FEATURES:
        return 0
    keys = [row[1].key for row in futures if row[1] is not None]
    run = getattr(client, "_run", None)
    if not keys or run is None:  # pragma: no cover - other distributed versions
        return 0
    try:
        done = client.sync(
            run,
            encode_on_worker,
            keys,
            classes,
            np.dtype(dtype),
            on_error="return",
            callback_timeout=timeout,
        )
    except (TimeoutError, OSError, CancelledError):
        return 0
    return sum(v for v in done.values() if isinstance(v, int))
