"""The errors a Dask fit raises for faults of the cluster or of a partition.

Owned here so that callers (the CLI's exit codes, the backend) import them
without the evaluation machinery of :mod:`logistic.backends._dask_faults`,
which re-exports them. The cluster errors derive from
:class:`logistic.LogisticError` and from the matching builtin
(``ConnectionError``, ``TimeoutError``, ``MemoryError``), not from
``ValueError``: they are faults of the cluster, not of the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._exceptions import DataValidationError, LogisticError

__all__ = [
    "RESUME",
    "blamed",
    "DaskClusterError",
    "EvaluationTimeoutError",
    "PartitionError",
    "SchedulerLostError",
    "WorkerMemoryError",
]

RESUME = (
    "a fit given checkpoint=PATH (CLI: --checkpoint PATH) resumes from its last "
    "checkpoint on a new cluster with the same result"
)


class DaskClusterError(LogisticError, RuntimeError):
    """The Dask cluster could not complete an evaluation (a fault, not bad data)."""


class SchedulerLostError(DaskClusterError, ConnectionError):
    """The Dask scheduler closed the connection or stopped answering."""


class EvaluationTimeoutError(DaskClusterError, TimeoutError):
    """An evaluation did not finish within the backend's ``timeout``."""


class WorkerMemoryError(DaskClusterError, MemoryError):
    """Workers ran out of memory: paused at their limit, or restarted for it.

    Attributes
    ----------
    partition : int or None
        The partition whose task was running, when known.
    partitions : tuple of int
        Every partition the error names: ``(partition,)``, those of a task
        that reduced several of them, or every partition whose task the
        scheduler gave up on for its workers' deaths (``KilledWorker``), one
        of them the cause (``partition`` is then None); or ``()``.
    paths : tuple of str
        The files of ``partitions``, in the same order, when known (one a
        partition); else ``()``.
    """

    def __init__(
        self,
        message: str,
        partition: int | None = None,
        partitions: Sequence[int] | None = None,
        paths: Sequence[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.partition = partition
        if partitions is None:
            partitions = () if partition is None else (partition,)
        self.partitions = tuple(partitions)
        self.paths = tuple(paths or ())


class PartitionError(DataValidationError):
    """A partition's task failed; the fit stops rather than drop its rows.

    Attributes
    ----------
    partition : int
        Index of the partition (0-based, in the collection's order).
    path : str or None
        The file the partition was read from, when known.
    partitions : tuple of int
        Every partition the error names: ``(partition,)``, the partitions of
        a task that reduced several of them, or every partition whose task
        the scheduler gave up on for its workers' deaths (``KilledWorker``),
        one of them the cause (``partition`` is then -1 and ``path`` None).
    paths : tuple of str
        The files of ``partitions``, in the same order, when known:
        ``(path,)``, or one a partition; else ``()``.
    bad_value : dict or None
        For a value the scan refuses (non-finite, a negative weight, a missing
        label): ``what`` (``"X"``, ``"y"``, ``"sample_weight"``, ``"offset"``),
        ``column`` (a feature's name, or None), ``value`` (its text), ``kind``
        (``"non-finite"``, ``"missing"``, ``"negative"``) and ``row`` (0-based
        over the whole collection), so that a caller who knows the file can
        name the line; else None.
    """

    bad_value: dict[str, Any] | None = None

    def __init__(
        self,
        message: str,
        partition: int = -1,
        path: str | None = None,
        partitions: Sequence[int] | None = None,
        paths: Sequence[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.partition = partition
        self.path = path
        if partitions is None:
            partitions = () if partition < 0 else (partition,)
        self.partitions = tuple(partitions)
        if paths is None:
            paths = () if path is None else (path,)
        self.paths = tuple(paths)


def blamed(
    groups: Sequence[Sequence[int]], files: Sequence[str] | None = None
) -> tuple[str, str]:
    """Whom an error for a ``KilledWorker`` blames, and why it names several
    (a sentence, or ""). ``groups``: the partitions of each task the
    scheduler gave up on (``files``: each partition's file, when known).
    One task of one partition: that partition's task; one task of several:
    the task reducing them; several tasks of one partition each: one of
    those partitions; several tasks of several: one of those tasks, each
    named by its partitions."""
    members = [i for g in groups for i in g]

    def where(i: int) -> str:
        return f"partition {i}" + (f" ({files[i]})" if files else "")

    def group(g: Sequence[int]) -> str:
        named = f" ({', '.join(files[i] for i in g)})" if files else ""
        return f"{list(g)}{named}"

    if len(members) == 1:
        return f"{where(members[0])}: its task", ""
    if len(groups) == 1:
        return f"the task reducing partitions {group(members)}", ""
    if all(len(g) == 1 for g in groups):
        names = " or ".join(where(i) for i in members[:10])
        names += " or ..." if len(members) > 10 else ""
        each = "the task of each"
    else:
        named = [group(g) for g in groups[:10]] + (["..."] if len(groups) > 10 else [])
        names = f"one of the tasks reducing partitions {', '.join(named[:-1])}"
        names += f" and {named[-1]}"
        each = f"each of those {len(groups)} tasks"
    return names, (
        f" The scheduler gave up on {each}: a dying worker's death counts against "
        f"every task it held, so one of them is the cause."
    )
