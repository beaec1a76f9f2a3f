"""Clearing the worker restrictions of persisted partitions' loading tasks
(``_dask_locality.release_placement``): the keys the scheduler knows are
cleared in one request; a key forgotten between the two requests makes it
ask again once; a scheduler that keeps failing leaves them as they are.
A stub scheduler records the requests (the end-to-end case, every worker
restarted, is in tests/test_dask_faults.py)."""

from __future__ import annotations

import asyncio
import types

import pytest

from logistic.backends._dask_locality import release_placement


class _Scheduler:
    def __init__(self, known, forget_after_status=0):
        self.known = set(known)
        self.forget = forget_after_status
        self.requests = []

    async def get_task_status(self, keys):
        self.requests.append(("status", sorted(keys)))
        out = {k: ("memory" if k in self.known else None) for k in keys}
        if self.forget:
            self.forget -= 1
            self.known.discard(min(self.known))
        return out

    async def set_restrictions(self, worker):
        self.requests.append(("clear", sorted(worker)))
        for k in worker:
            if k not in self.known:
                raise KeyError(k)


class _Client:
    def __init__(self, scheduler):
        self.scheduler = scheduler

    def sync(self, fn, callback_timeout=None):
        return asyncio.run(fn())


def _parts(keys):
    graph = dict.fromkeys(keys)
    return [(types.SimpleNamespace(dask=graph), None)]


def test_known_keys_cleared_in_one_request():
    scheduler = _Scheduler(known=["a", "b"])
    release_placement(_Client(scheduler), _parts(["a", "b", "fused-away"]))
    assert scheduler.requests == [
        ("status", ["a", "b", "fused-away"]),
        ("clear", ["a", "b"]),
    ]


def test_a_key_forgotten_in_between_asks_again_once():
    scheduler = _Scheduler(known=["a", "b"], forget_after_status=1)
    release_placement(_Client(scheduler), _parts(["a", "b"]))
    assert [r[0] for r in scheduler.requests] == ["status", "clear", "status", "clear"]
    assert scheduler.requests[-1] == ("clear", ["b"])


@pytest.mark.parametrize("forget", [2, 5])
def test_a_scheduler_that_keeps_forgetting_is_left_as_it_is(forget):
    scheduler = _Scheduler(known=["a", "b", "c"], forget_after_status=forget)
    release_placement(_Client(scheduler), _parts(["a", "b", "c"]))  # no error
    assert [r[0] for r in scheduler.requests] == ["status", "clear"] * 2
