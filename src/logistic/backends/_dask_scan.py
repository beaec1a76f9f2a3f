"""What the Dask backend's scan learns from its partitions' summaries.

Convention (owned here): the scan's tasks (``_dask_tasks.partition_scan``)
each return their partition's row count, column count, labels, content
digest and first bad value (a row of its own partition), or, for a missing
label or (Parquet) value, the partition's index and the error naming it (a
row of its own partition). :func:`raise_first_problem`
turns the first partition's problem into an error naming the row in the
whole collection (the row counts of the partitions before it added) and in
the partition, its file when known, and the feature's name;
:func:`scan_facts` gives the collection's shape, the partitions' row counts,
the classes and the content fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import DataValidationError
from .._labels import PositiveRule, label_text, resolve_classes
from .._value_refusals import (
    STREAMED_REMEDY,
    MissingValues,
    infinite_value,
    missing_column,
    missing_values,
    negative_weight,
)
from ._dask_faults import ClusterRun, PartitionError
from ._dask_tasks import MissingLabelError, PartitionRowError, PartitionShapeError

__all__ = ["ScanFacts", "raise_first_problem", "scan_facts"]


@dataclass(frozen=True)
class ScanFacts:
    """The collection as the scan found it."""

    n_samples: int
    n_features: int
    partition_rows: list[int]
    classes: np.ndarray
    fingerprint: str


def raise_first_problem(
    outcomes: Sequence[Any],
    run: ClusterRun,
    part_names: Sequence[str] | None,
    feature_names: Sequence[Any] | None,
    file_columns: Mapping[str, str | None] | None = None,
) -> None:
    """Raise the error of the first partition whose scan failed, found a bad
    value or found pieces without the same rows (``outcomes``: the scan
    tasks' results or exceptions, in partition order); return when there is
    none. ``file_columns``: where each partition is a whole data file
    (``part_names``), the columns of ``y``, ``sample_weight`` and ``offset``
    by those names; a bad value is then named in its file, as every reader
    of a file names it (:func:`_in_its_file`)."""
    # an error the scan's task returned counts as one it raised
    outcomes = [
        o["error"] if isinstance(o, dict) and "error" in o else o for o in outcomes
    ]
    row0 = 0
    for i, s in enumerate(outcomes):
        if isinstance(s, PartitionRowError):
            where = _RowError(run, part_names, feature_names, i, row0)
            error = where.error(s.description, s.row, s.remedy)
            if s.column is not None:  # a missing value (PartitionError.bad_value)
                error.bad_value = {"what": "X", "column": s.column, "value": "nan",
                                   "kind": "missing", "row": row0 + s.row}  # fmt: skip
            elif isinstance(s, MissingLabelError):
                error.bad_value = {"what": "y", "column": None, "value": s.value,
                                   "kind": "missing", "row": row0 + s.row}  # fmt: skip
            if error.bad_value is not None and file_columns is not None:
                error = _in_its_file(error, s.row, file_columns)
            raise error from s
        if isinstance(s, PartitionShapeError):
            path = part_names[i] if part_names else None
            raise PartitionError(f"{run.where(i)}: {s}", partition=i, path=path) from s
        if isinstance(s, DataValidationError) and not isinstance(s, PartitionError):
            # its file's own problem (unreadable, a column missing), in the
            # streamed reader's words, which name the file
            path = part_names[i] if part_names else None
            named = f"partition {i}" if path and path in str(s) else run.where(i)
            raise PartitionError(f"{named}: {s}", partition=i, path=path) from s
        if isinstance(s, BaseException):
            failed = {
                j: o
                for j, o in enumerate(outcomes)
                if isinstance(o, BaseException) and not isinstance(o, PartitionRowError)
            }
            raise run.partition_error(failed) from s
        if s["problem"] is not None:
            error = _RowError(run, part_names, feature_names, i, row0).of(s["problem"])
            if file_columns is not None:
                error = _in_its_file(error, s["problem"]["row"], file_columns)
            raise error
        row0 += s["n"]


def scan_facts(
    stats: Sequence[dict[str, Any]],
    classes: Any,
    positive: PositiveRule,
    multiclass: bool,
    source: str | None = None,
) -> ScanFacts:
    """The collection's facts from the partitions' scan summaries (in
    partition order, every one without a problem); ``source`` names the
    files the partitions read, in a refusal (None: the collection)."""
    check_row_labels(stats)
    p = {s["p"] for s in stats if s["n"] > 0} or {s["p"] for s in stats}
    if len(p) != 1:
        raise DataValidationError(f"partitions have different column counts {p}")
    labels = {v for s in stats for v in s["labels"]}
    n_samples = sum(s["n"] for s in stats)
    if n_samples == 0:
        raise DataValidationError(
            "the Dask collection has no rows"
            if source is None
            else f"{source}: the dataset has no rows"
        )
    n_features = p.pop()
    resolved = resolve_classes(
        labels,
        classes,
        positive,
        where="the Dask collection's y" if source is None else f"{source}: y",
        multiclass=multiclass,
    )
    digest = "".join(s["digest"] for s in stats) + f"{n_samples}x{n_features}"
    if len(resolved) > 2 and not np.array_equal(np.sort(resolved), resolved):
        # K classes in another order (a reference level first): each order
        # its own fit, whose checkpoint another order must not resume
        digest += ":order=" + ",".join(label_text(v) for v in resolved)
    elif not np.array_equal(np.sort(resolved), resolved):
        digest += f":positive={label_text(resolved[1])}"
    return ScanFacts(
        n_samples,
        n_features,
        [s["n"] for s in stats],
        resolved,
        hashlib.blake2b(digest.encode(), digest_size=16).hexdigest(),
    )


def check_row_labels(stats: Sequence[dict[str, Any]]) -> None:
    """Refuse y, sample_weight or offset whose pandas partitions hold X's row
    labels in another order, as an in-memory fit refuses them
    (:mod:`logistic._row_alignment`): the partitions whose indexes differ
    (:func:`~._dask_tasks.row_label_sums`) hold, all together, the same
    labels as X's. Other labels are paired by position, as in memory."""
    for name in ("y", "sample_weight", "offset"):
        differing = [
            (i, s["row_labels"][name])
            for i, s in enumerate(stats)
            if name in (s.get("row_labels") or {})
        ]
        if not differing:
            continue
        mask = 2**64 - 1
        ours = sum(x for _, (x, _o) in differing) & mask
        theirs = sum(o for _, (_x, o) in differing) & mask
        if ours == theirs:
            raise DataValidationError(
                f"{name}'s index holds X's row labels in another order (partition "
                f"{differing[0][0]} is the first whose labels differ), and the Dask "
                "backend pairs rows by position, partition by partition, not by "
                f"label: align {name} to X before making the collections (with "
                f"pandas, {name}.loc[X.index]), or reset both indexes if the order by "
                "position is right"
            )


@dataclass(frozen=True)
class _RowError:
    """Errors at a row of partition ``i``, whose first row is ``row0``."""

    run: ClusterRun
    part_names: Sequence[str] | None
    feature_names: Sequence[Any] | None
    i: int
    row0: int

    def error(
        self, what: str, row: int, remedy: str, column: str = ""
    ) -> PartitionError:
        i = self.i
        return PartitionError(
            f"{self.run.where(i)}: {what} at row {self.row0 + row} (0-based, "
            f"global; row {row} of partition {i}){column}; {remedy}",
            partition=i,
            path=self.part_names[i] if self.part_names else None,
        )

    def of(self, problem: dict[str, Any]) -> PartitionError:
        value, row = problem["value"], problem["row"]
        j = problem["column"]
        names = self.feature_names
        name = names[j] if names and j is not None and j < len(names) else j
        if problem["kind"] == "negative":
            what = f"sample_weight has a negative value ({value})"
            error = self.error(what, row, "weights must be >= 0")
        else:
            column = "" if j is None else f", column {name!r}"
            what = f"{problem['what']} has a non-finite value ({value})"
            error = self.error(what, row, "drop or impute it first", column)
        error.bad_value = {
            "what": problem["what"],
            "column": None if j is None else str(name),
            "value": value,
            "kind": problem["kind"],
            "row": self.row0 + row,
        }
        return error


class MissingInPartition(PartitionError, MissingValues):
    """Missing values of a partition that is a whole file, refused in
    :func:`logistic._value_refusals.missing_values`' words."""


def _in_its_file(
    error: PartitionError, row: int, columns: Mapping[str, str | None]
) -> PartitionError:
    """``error`` (its ``bad_value``) restated in the words of every reader of
    a data file (:mod:`logistic._value_refusals`, as ``Chunked.from_parquet``
    and the command line say it): the file (the partition's), the column and
    the 1-based ``row`` of the partition, which is that file's row. The
    partition, its file and ``bad_value`` stay on the error."""
    bad, path = error.bad_value or {}, error.path
    what = bad.get("what", "")
    name = bad.get("column") if what == "X" else columns.get(what)
    if path is None or name is None:
        return error
    at, kind = f"row {row + 1}", bad.get("kind")
    restated: PartitionError
    if kind == "negative":
        restated = PartitionError(
            negative_weight(path, name, float(bad["value"]), at),
            partition=error.partition,
            path=path,
        )
    elif kind == "missing" or bad.get("value") == "nan":
        restated = MissingInPartition(
            str(missing_values(path, [missing_column(name, at)], STREAMED_REMEDY)),
            partition=error.partition,
            path=path,
        )
    else:
        restated = PartitionError(
            infinite_value(name, path, at, bad["value"]),
            partition=error.partition,
            path=path,
        )
    restated.bad_value = error.bad_value
    return restated
