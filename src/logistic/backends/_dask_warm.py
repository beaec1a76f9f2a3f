"""The start-up and exit cost of the command line's local Dask cluster.

Convention (owned here): the modules a fit's tasks need (``dask.dataframe``,
which imports pandas and pyarrow, for a CSV file; ``pyarrow.parquet`` for
Parquet; the library's task functions) are imported by the command line's
process *while* its ``LocalCluster`` starts (the ``meanwhile`` of
:func:`logistic.backends._dask_connect.started_without_terminal_signals`),
where it waited for the worker processes to start, and by each worker as it
joins (:class:`WarmWorker`, registered by
:func:`logistic.cli._dask_client.dask_client` with the cluster it owns),
where each paid them inside the first task (the scan), after the command
line had paid its own (~1.5 s a process for ``dask.dataframe``).

A worker imports them in its event loop, before it takes a task: importing
them in a thread of its own while the loop unpickles a task that imports
the same package can fail (``KeyError: 'dask.dataframe'`` from Python's
import machinery, seen when a task arrived mid-import), and the worker with
it.

After its imports each worker freezes its heap (:func:`gc.freeze`): the
objects of those modules are never scanned again by the cyclic garbage
collector, neither during the passes nor at the worker's exit, where the
interpreter's collections over them took ~0.8 s of the cluster's close
(``dask.dataframe`` loaded; ~0.2 s frozen). A worker holds no file a
collection would flush: its results live in memory and go to the client.

A failed import is left to the task that needs the module, which reports it
as before; a worker a nanny restarts is warmed again (a registered plugin is
set up on every worker that joins). Clusters the command line does not own
(``--scheduler``) are left alone.

Imports ``distributed`` (a plugin must subclass its ``WorkerPlugin``): only
the code that registers it imports this module.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["WarmWorker", "import_all"]

#: The name the plugin is registered under (one per cluster).
NAME = "logistic-warm-worker"


def import_all(modules: Sequence[str]) -> None:
    """Import each of ``modules``, leaving one that fails to whoever needs it
    (its own import then raises the error, where it is reported)."""
    for name in modules:
        with suppress(Exception):
            importlib.import_module(name)


class WarmWorker(WorkerPlugin):
    """Imports ``modules`` on each worker, then freezes the worker's heap
    (module docstring); the registration returns when every worker has."""

    name = NAME

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = tuple(modules)

    def setup(self, worker: Any) -> None:
        import_all(self.modules)
        gc.freeze()
