"""A worker plugin that keeps a failed task's log line off the workers' stderr.

A worker logs every task that raises ("distributed.worker - ERROR - Compute
Failed", the task's repr and its traceback's text) on its standard error,
which the worker processes of the command line's ``LocalCluster``
(``--workers N``) share with the command line: a data error in a file
(pandas' "could not convert string to float" in a CSV block) printed that
block before the command line's own one-line error, which names the file,
column and line. :class:`QuietFailedTasks`, registered with that cluster
(:func:`logistic.cli._dask_client.dask_client`), drops those records in
each worker, those a nanny restarts included (a registered plugin is set up
on every worker that joins); the failure itself still reaches the client.
Clusters the command line does not own (``--scheduler``) keep their logs.

Imports ``distributed`` (a plugin must subclass its ``WorkerPlugin``): only
the code that registers it imports this module.
"""

from __future__ import annotations

import logging
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["QuietFailedTasks"]

#: The name the plugin is registered under (one per cluster).
NAME = "logistic-quiet-failed-tasks"


class _DropFailedTasks(logging.Filter):
    """Drops the worker's "Compute Failed" record of a task that raised."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.msg
        return not (isinstance(text, str) and text.startswith("Compute Failed"))


class QuietFailedTasks(WorkerPlugin):
    """Installs :class:`_DropFailedTasks` on ``distributed.worker`` of each
    worker (once per worker process)."""

    name = NAME

    def setup(self, worker: Any) -> None:
        logger = logging.getLogger("distributed.worker")
        if not any(isinstance(f, _DropFailedTasks) for f in logger.filters):
            logger.addFilter(_DropFailedTasks())
