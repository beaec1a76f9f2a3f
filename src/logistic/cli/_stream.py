"""A streamed fit: out of core (Chunked) or on Dask, never holding the data.

Conventions (owned here):

* **Plan.** :mod:`._stream_plan` decides, from the file's head, that the fit
  streams and which columns it reads; :mod:`._stream_backends` builds the
  backend.
* **Labels.** The backend is built with ``multiclass=True``: with more than
  two labels it fits the multinomial model, the levels in sorted order (the
  first is the reference level), or with ``--reference`` that level first
  (:func:`logistic.tabular._labels.reference_rule`, given to the backend as
  its ``positive=`` argument: the scan encodes the labels in that order, so
  the fit is the in-memory one without another pass), stored as an
  in-memory fit stores them. With two, the command line's positive-class
  rule (:func:`logistic.tabular._labels.positive_rule`: 0/1, -1/+1,
  false/true, no/yes or ``--positive``) orders them; ``--positive`` is given
  to the backend as its ``positive=`` argument, and without it the scan
  takes the larger label as positive and is redone, with the rule, only
  when the rule picks the other one. The labels are encoded exactly as an
  in-memory fit encodes them. A scan finds the labels, not their counts:
  when the rule cannot tell which label is positive, one more pass counts
  each label's rows for the message (as in memory); a ``--positive`` or
  ``--reference`` that the labels do not take, refused during the scan, and
  a missing value the scan refuses are restated as in memory, each label
  with its rows (:func:`._target_refusals.target_refusal`).
* **Row cache.** ``--no-cache`` / ``--cache-dir`` become the Chunked
  backend's ``cache=`` / ``cache_dir=`` (:mod:`logistic.backends._cache`); the
  cache folder used is recorded as ``training.streaming.cache``.
* **Model file.** The same ``"columns"`` encoding as an in-memory fit of
  numeric columns, so predict, evaluate and report treat both alike; the
  covariance and fit statistics come from
  :func:`logistic.inference.fit_inference` on the backend (three passes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._feature_names import check_intercept_column
from ..io._fields import escaped
from ._codes import EX_USAGE, CLIError
from ._common import note
from ._progress import FitProgress
from ._render import inference_of
from ._stream_plan import StreamPlan

__all__ = ["StreamResult", "fit_stream"]


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
    reference: str | None = None,
) -> StreamResult:
    """Fit ``model`` out of core (Chunked) or on Dask (``client``); ``cache`` and
    ``cache_dir`` choose the Chunked backend's row cache; ``reference`` the
    reference level of more than two classes."""
    import numpy as np

    from ..tabular import Design
    from ..tabular._labels import (
        class_mapping,
        label_mapping,
        positive_rule,
        reference_rule,
    )
    from ..tabular._stored_text import check_printable
    from ._stream_backends import chunked_backend, dask_backend

    if chunk_rows is not None and chunk_rows < 1:
        raise CLIError(f"--chunk-rows must be at least 1, got {chunk_rows}", EX_USAGE)
    for text in plan.columns.notes:  # columns left out of the features
        note(text)
    check_intercept_column(plan.path, plan.features, model.fit_intercept)
    progress = FitProgress(quiet)
    kind = "chunked" if client is None else "dask"
    rule = positive_rule(plan.target, plan.path, positive)
    if reference is not None:  # K > 2 classes: the reference level first
        rule = reference_rule(plan.target, plan.path, reference, positive)
    t0 = time.perf_counter()
    with progress.live(f"scanning {plan.path} ...") as callback:

        def build(order: Any) -> Any:
            if client is None:
                return chunked_backend(
                    plan, chunk_rows, progress, order, cache=cache, cache_dir=cache_dir
                )
            return dask_backend(plan, chunk_rows, progress, order, client)

        backend = _labelled_backend(build, rule, positive, plan, reference)
        label = "label {} of target column " + repr(plan.target)
        check_printable(backend.classes_, label, plan.path)  # as save would
        levels = None
        if len(backend.classes_) > 2:
            from ._multiclass import check_offset

            check_offset(plan.offset)
            levels = _levels(backend.classes_)
        from ._weight_errors import weight_errors

        with weight_errors(plan.weights, plan.path):
            model.fit(
                backend,
                None,
                checkpoint=None if checkpoint is None else str(checkpoint),
                callback=callback,
            )
    if levels is None:
        mapping = label_mapping(backend.classes_, plan.target)
        model.classes_ = np.array([0.0, 1.0])  # labels 0/1, as an in-memory CLI fit
        inference = inference_of(model, backend)
    else:
        from ._multiclass import inference_of as multiclass_inference

        mapping = class_mapping(levels, plan.target)
        model.classes_ = np.arange(len(levels), dtype=np.float64)  # class codes
        inference = multiclass_inference(model, levels)
    # the passes' rows and time leave out the scan before them (decoding the
    # file and writing the row cache, or reading a cached scan's facts)
    took = time.perf_counter() - t0
    notes = [
        f"streamed ({kind}): {progress.summary()}; {took:.1f}s in all, the scan "
        "before the passes included"
    ]
    features, n = list(plan.features), int(backend.n_samples)
    no_rows = np.ones(0, dtype=bool)  # nothing held in memory
    encoding = _encoding(plan, mapping)
    design = Design(None, None, None, None, features, encoding, n, 0, no_rows, notes)
    facts = {
        "backend": kind,
        "chunk_rows": int(backend.chunk_rows),
        "passes": progress.passes,
        "seconds": round(time.perf_counter() - t0, 3),
        # names as the model file holds text: a byte that is not UTF-8 escaped
        "checkpoint": None if checkpoint is None else escaped(str(checkpoint)),
    }
    if client is None:  # the row cache that later passes read (None: not cached)
        cached = backend.cache_path
        facts["cache"] = None if cached is None else escaped(str(cached))
    if client is not None:
        facts["workers"] = len(client.scheduler_info().get("workers", {}))
    source = _Source(plan.format, plan.delimiter)
    return StreamResult(model, design, source, facts, inference)


def _labelled_backend(
    build: Any,
    rule: Any,
    positive: str | None,
    plan: StreamPlan,
    reference: str | None = None,
) -> Any:
    """The backend of the fit, its labels ordered as the module docstring says
    (``build(positive)`` makes one; a second only when the rule disagrees
    with the first scan's order of two labels)."""
    import numpy as np

    from .._label_refusals import LabelRefusal, NoPositiveClass, positive_among_many
    from .._value_refusals import MissingValues
    from ..tabular._labels import describe_values
    from ._target_refusals import target_refusal

    given = positive is not None or reference is not None
    try:
        backend = build(rule if given else None)
    except (LabelRefusal, NoPositiveClass) as exc:
        # the in-memory reader's words, each label with its rows (the
        # target read again: a scan gathers the labels, not their rows)
        restated = target_refusal(plan, positive, reference)
        if restated is not None:
            raise restated from None
        if not isinstance(exc, NoPositiveClass) or positive is None or not exc.labels:
            raise
        where = f"target column {plan.target!r} in {plan.path}"
        shown = describe_values(np.asarray(exc.labels), None)
        raise positive_among_many(where, len(exc.labels), shown) from None
    except MissingValues as exc:  # and the target's own refusal, as in memory
        also = target_refusal(plan, positive, reference)
        if also is None:
            raise
        raise MissingValues(f"{exc}; also: {also}") from None
    if not given and len(backend.classes_) == 2:
        from ..tabular._labels import positive_rule

        def counts(labels: Any) -> Any:  # only for the message of no rule
            return _label_counts(backend, labels)

        counted = positive_rule(plan.target, plan.path, None, counts)
        if counted(np.sort(backend.classes_)) != backend.classes_[1]:
            backend = build(rule)  # the other label is positive: scan again
    return backend


def _label_counts(backend: Any, labels: Any) -> Any:
    """Rows of each of the two ``labels`` (the backend's ``classes_`` in some
    order; class 1 is ``classes_[1]``): one pass, made only for the message
    that asks which label is positive."""
    import numpy as np

    rows, positives = backend.map_reduce(_rows_and_positives)
    by_label = {backend.classes_[0]: rows - positives, backend.classes_[1]: positives}
    return np.array([by_label[v] for v in labels])


def _rows_and_positives(block: Any) -> Any:
    """A block's rows and rows of class 1 (floats, summed over blocks)."""
    import numpy as np

    return np.array([float(block.n_rows), float(np.sum(block.y))])


def _levels(classes: Any) -> list[Any]:
    """The levels of a streamed target in code order (sorted, or the
    ``--reference`` level first: :func:`logistic.tabular._labels.reference_rule`),
    as Python values."""
    import numpy as np

    return [v.item() if isinstance(v, np.generic) else v for v in classes]


@dataclass
class _Source:
    """The ``raw`` facts that ``fit`` records for a file it never loaded."""

    format: str
    delimiter: str | None
