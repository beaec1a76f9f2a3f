"""A pool worker moved off its caller's CPU (``logistic.backends._placement``).

Placement itself is the scheduler's; these tests check what the module
promises whatever the scheduler does: the CPU read is one this thread may
use, a thread's affinity is the same after a move as before, and nothing
moves with one usable CPU or an unknown CPU.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from logistic.backends import _placement, in_memory

linux = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or _placement.current_cpu() < 0,
    reason="needs sched_getcpu and sched_setaffinity (Linux)",
)


def _in_thread(fn: Any) -> Any:
    """``fn()`` in a new thread (affinity is per thread: pytest's stays)."""
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


@linux
def test_current_cpu_is_one_this_thread_may_use():
    assert _placement.current_cpu() in os.sched_getaffinity(0)


def test_unknown_cpu_moves_nothing():
    assert _placement.leave_cpu(-1) is False


@linux
def test_a_thread_on_another_cpu_stays():
    def run() -> tuple[bool, set[int]]:
        before = os.sched_getaffinity(0)
        elsewhere = max(before | {-1}) + 1  # a CPU this thread is not on
        return _placement.leave_cpu(elsewhere), before - os.sched_getaffinity(0)

    moved, lost = _in_thread(run)
    assert moved is False and not lost


@linux
def test_one_usable_cpu_moves_nothing():
    def run() -> tuple[bool, set[int]]:
        cpu = _placement.current_cpu()
        os.sched_setaffinity(0, {cpu})
        return _placement.leave_cpu(cpu), os.sched_getaffinity(0)

    moved, after = _in_thread(run)
    assert moved is False and len(after) == 1


@linux
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_a_move_keeps_the_threads_affinity():
    def run() -> tuple[bool, set[int], set[int]]:
        before = os.sched_getaffinity(0)
        moved = _placement.leave_cpu(_placement.current_cpu())
        return moved, before, os.sched_getaffinity(0)

    moved, before, after = _in_thread(run)
    assert moved is True and after == before


@linux
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_an_affinity_set_from_outside_during_the_move_stands(monkeypatch):
    """Another party (``taskset -a -p``) pinning the worker while it moves:
    the move does not put back the affinity it read before."""
    real = _placement.set_thread_affinity
    calls: list[set[int]] = []

    def moved_then_pinned(cpus: set[int]) -> bool:
        calls.append(set(cpus))
        prior = os.sched_getaffinity(0)
        ok = real(cpus)
        if len(calls) == 1:  # the outsider pins it to the CPU it left
            os.sched_setaffinity(0, prior - set(cpus))
        return ok

    monkeypatch.setattr(_placement, "set_thread_affinity", moved_then_pinned)

    def run() -> tuple[bool, set[int], set[int]]:
        before = os.sched_getaffinity(0)
        moved = _placement.leave_cpu(_placement.current_cpu())
        after = os.sched_getaffinity(0)
        os.sched_setaffinity(0, before)
        return moved, before, after

    moved, before, after = _in_thread(run)
    assert moved is True
    assert len(calls) == 1  # no restore after the outside change
    assert len(after) == 1 and after != before


def test_the_pool_still_runs_every_call_in_order():
    pool = in_memory._pool(2)
    for _ in range(20):
        assert pool.map(lambda a: a * a, list(range(7))) == [a * a for a in range(7)]
    assert pool._caller_cpu >= -1


@linux
def test_set_thread_affinity_sets_this_threads_cpus_only():
    from logistic._libc import set_thread_affinity

    def run() -> tuple[bool, set[int], set[int]]:
        before = os.sched_getaffinity(0)
        one = {min(before)}
        ok = set_thread_affinity(one)
        during = os.sched_getaffinity(0)
        os.sched_setaffinity(0, before)
        return ok, one, during

    process_before = os.sched_getaffinity(0)
    ok, one, during = _in_thread(run)
    assert ok is True and during == one
    assert os.sched_getaffinity(0) == process_before  # pytest's thread untouched


def test_set_thread_affinity_refuses_empty_or_negative_sets():
    from logistic._libc import set_thread_affinity

    assert set_thread_affinity(set()) is False
    assert set_thread_affinity({-1}) is False


def test_cpu_mask_is_glibcs_cpu_set_layout():
    """glibc's CPU_SET: CPU c is bit c % bits of unsigned long word c // bits."""
    import ctypes

    from logistic._libc import cpu_mask

    bits = 8 * ctypes.sizeof(ctypes.c_ulong)
    mask = cpu_mask(frozenset({0, 63, 64, 130}))
    words = [int(w) for w in mask]
    want = [0] * (130 // bits + 1)
    for cpu in (0, 63, 64, 130):
        want[cpu // bits] |= 1 << (cpu % bits)
    assert words == want
    if bits == 64:
        assert words == [1 | 1 << 63, 1, 1 << 2]


@linux
def test_a_refused_restore_gives_every_cpu_back(monkeypatch: pytest.MonkeyPatch):
    """Where the kernel refuses the saved set, the worker gets every CPU the
    cpuset allows rather than staying pinned off one."""

    def run() -> set[int]:
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(before)})
        real = os.sched_setaffinity
        calls: list[Any] = []

        def refuse_first(pid: int, cpus: Any) -> None:
            calls.append(cpus)
            if len(calls) == 1:
                raise OSError(22, "Invalid argument")
            real(pid, cpus)

        monkeypatch.setattr(os, "sched_setaffinity", refuse_first)
        _placement._restore(before)
        monkeypatch.setattr(os, "sched_setaffinity", real)
        return os.sched_getaffinity(0)

    assert _in_thread(run) == os.sched_getaffinity(0)
