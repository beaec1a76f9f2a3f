"""The imports of the command line's local Dask cluster: in the command
line's process while the cluster starts, and in each worker (those a nanny
restarts included) as it joins, its heap frozen after them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.dask

pytest.importorskip("distributed")

import gc  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from logistic.backends._dask_connect import (  # noqa: E402
    started_without_terminal_signals,
)
from logistic.cli._dask_client import dask_client  # noqa: E402

#: a module no worker imports of itself (the standard library's), and one
#: that does not exist: its failure is left to a task that would need it
WARMED = "colorsys"
MISSING = "logistic_no_such_module_for_the_warm_test"


def test_meanwhile_runs_in_the_calling_thread_while_the_start_runs():
    """The start waits for what ``meanwhile`` sets: called after the start,
    ``meanwhile`` would leave the start waiting (its 10 s), not return at once."""
    started, warmed = threading.Event(), threading.Event()
    callers: list[int] = []

    def start() -> str:
        started.set()
        return "made" if warmed.wait(10) else "timed out"

    def meanwhile() -> None:
        callers.append(threading.get_ident())
        assert started.wait(10)
        warmed.set()

    t0 = time.monotonic()
    assert started_without_terminal_signals(start, meanwhile) == "made"
    assert time.monotonic() - t0 < 5
    assert callers == [threading.get_ident()]


def test_an_interrupt_of_meanwhile_closes_what_the_start_makes():
    """Ctrl-C during the imports: raised to the caller, and the client the
    start makes after is closed by the start's thread."""
    closed = threading.Event()

    class Client:
        def close(self) -> None:
            closed.set()

    def start() -> Client:
        time.sleep(0.2)  # still starting when the interrupt comes
        return Client()

    def meanwhile() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        started_without_terminal_signals(start, meanwhile)
    assert closed.wait(10)


def _warm_state() -> tuple[bool, bool, bool]:
    """On a worker: (the module imported, the missing one absent, the heap frozen)."""
    return WARMED in sys.modules, MISSING not in sys.modules, gc.get_freeze_count() > 0


def test_each_worker_imports_the_modules_and_freezes_its_heap():
    """Before it takes a task, each worker (and one a nanny restarts) has the
    modules imported and its heap frozen; one that fails to import leaves
    the worker running. The command line's process imported them too."""
    sys.modules.pop(WARMED, None)
    with dask_client(None, 1, (WARMED, MISSING)) as client:
        assert WARMED in sys.modules
        assert list(client.run(_warm_state).values()) == [(True, True, True)]
        client.restart()
        assert list(client.run(_warm_state).values()) == [(True, True, True)]
