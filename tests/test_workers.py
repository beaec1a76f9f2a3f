"""The in-memory backend's worker pool (``logistic.backends._workers``):
results in order, a worker's call finished before ``map`` returns, the first
error in the arguments' order, and nothing of a call kept once ``map``
returns. A worker is steered deterministically with events (the caller's
first call waits until the worker has started the second)."""

from __future__ import annotations

import threading
import time
import weakref
from queue import SimpleQueue

import pytest

from logistic.backends._workers import Workers, _Task

WAIT = 10.0  # seconds an event may take on a loaded machine


class Box:
    """A result that a weak reference can watch."""

    def __init__(self, value: int) -> None:
        self.value = value


@pytest.fixture
def pool():
    workers = Workers(1)
    yield workers
    workers.close()


def test_a_workers_call_is_finished_when_map_returns(pool):
    started, finished = threading.Event(), []

    def f(a: int) -> int:
        if a == 0:  # the caller's: wait until the worker runs call 1
            assert started.wait(WAIT), "the worker never took call 1"
        else:
            started.set()
            time.sleep(0.05)
            finished.append(a)
        return a * 10

    assert pool.map(f, [0, 1]) == [0, 10]
    assert finished == [1]  # the worker's call was done before map returned


def test_the_first_error_in_the_arguments_order_is_raised(pool):
    started = threading.Event()

    def f(a: int) -> int:
        if a == 0:
            assert started.wait(WAIT), "the worker never took call 1"
            return 0
        if a == 1:  # on the worker, finishing after the caller's call 2 failed
            started.set()
            time.sleep(0.05)
            raise ValueError("call 1")
        raise KeyError("call 2")  # on the caller, the worker being busy

    with pytest.raises(ValueError, match="call 1"):
        pool.map(f, [0, 1, 2])


def test_results_and_arguments_are_let_go_when_map_returns(pool):
    hold, holding = threading.Event(), threading.Event()

    def block(_: object) -> None:
        holding.set()
        hold.wait(WAIT)

    pool._tasks.put(_Task(block, None, SimpleQueue()))  # the worker busy
    assert holding.wait(WAIT)
    args = [Box(i) for i in range(3)]
    arg_refs = [weakref.ref(a) for a in args]
    out = pool.map(lambda a: Box(a.value * 2), args)
    assert [b.value for b in out] == [0, 2, 4]
    result_refs = [weakref.ref(b) for b in out]
    del out, args
    try:
        # the caller ran every call; the two queued for the worker are still
        # in its queue, and hold neither their argument nor their result
        assert all(r() is None for r in result_refs)
        assert all(r() is None for r in arg_refs)
    finally:
        hold.set()


def test_a_call_of_an_interrupted_map_is_not_run_by_a_worker(pool):
    """A map whose caller was interrupted sets its stop flag before cancelling
    its calls; a call a worker claims after that (a second interrupt having
    stopped the cancelling) is skipped, and still signalled done."""
    ran: list[int] = []
    done: SimpleQueue[None] = SimpleQueue()
    pool._tasks.put(_Task(ran.append, 1, done, stop=[True]))
    done.get(timeout=WAIT)  # signalled although not run
    assert ran == []


def test_a_call_found_while_a_worker_moves_off_the_callers_cpu_is_the_callers(
    monkeypatch,
):
    """A worker moves off the caller's CPU before it claims a call: while the
    move keeps it waiting (a busy CPU's run queue), the caller, done with its
    own call, runs the others itself instead of waiting for the worker."""
    from logistic.backends import _workers

    moving, release = threading.Event(), threading.Event()

    def slow_move(cpu: int) -> bool:
        moving.set()
        release.wait(WAIT)  # the move lasts until the caller is done
        return True

    monkeypatch.setattr(_workers, "leave_cpu", slow_move)
    workers = Workers(1)
    caller = threading.get_ident()
    ran: list[tuple[int, int]] = []

    def f(a: int) -> int:
        if a == 0:  # the caller's: wait until the worker is moving
            assert moving.wait(WAIT), "the worker never looked at call 1"
        ran.append((a, threading.get_ident()))
        return a * a

    try:
        started = time.monotonic()
        assert workers.map(f, [0, 1, 2]) == [0, 1, 4]
        assert time.monotonic() - started < WAIT / 2  # no wait for the move
        assert sorted(ran) == [(0, caller), (1, caller), (2, caller)]
    finally:
        release.set()
        workers.close()
