"""A pool worker moved off its caller's CPU when the scheduler put it there.

Convention: the caller of a reduction notes its CPU (:func:`current_cpu`)
before waking the workers; a worker that finds itself on that CPU when it
finds a call to take (:func:`leave_cpu`, before it claims the call)
restricts its own affinity to the other CPUs it may use, which moves it at
once, and restores the affinity it had, so the scheduler stays free to
place it afterwards, unless its affinity was changed from outside while it
moved (then that change stands). The move releases the GIL
(:func:`logistic._libc.set_thread_affinity`): the kernel may keep the
thread waiting for the other CPU, and the caller goes on meanwhile, taking
the call itself if it gets there first. Nothing else about a
thread's or the process's affinity is changed; with one usable CPU, or where
the CPU cannot be read (non-Linux), nothing is done.

Why: a woken thread is often placed on its waker's CPU (a guest kernel that
packs tasks onto few vCPUs does so on purpose), where caller and worker then
share one CPU for several ms while another is idle. On a 2-vCPU VM that
happened to about half a dense1m pass's worker calls: 10.8 ms a pass waited
on run queues, 27.4 ms a pass; moved: 1.8 ms, 24.6 ms (``X @ w``: 21.2 ms).
"""

from __future__ import annotations

import os

from .._libc import function, set_thread_affinity

__all__ = ["current_cpu", "leave_cpu"]


def current_cpu() -> int:
    """The CPU this thread runs on now (-1 when unknown)."""
    fn = function("sched_getcpu", "c_int", ())
    return -1 if fn is None else int(fn())


def leave_cpu(cpu: int) -> bool:
    """Move this thread off ``cpu`` if it runs there and may run elsewhere;
    its affinity is then what it was. Whether it moved."""
    if cpu < 0 or current_cpu() != cpu:
        return False
    try:
        allowed = os.sched_getaffinity(0)
        others = allowed - {cpu}
        if not others:
            return False
        if not set_thread_affinity(others):
            return False
        if os.sched_getaffinity(0) != others:
            # Someone else (``taskset -a -p``, a cpuset) set this thread's
            # affinity while it moved: theirs stands, ours is not restored.
            return True
        if not set_thread_affinity(allowed):
            _restore(allowed)
    except OSError:  # e.g. a cpuset changed meanwhile: stay where it is
        return False
    return True


def _restore(allowed: set[int]) -> None:
    """Give this thread back ``allowed``, or where the kernel refuses it (a
    cpuset changed meanwhile) every CPU of the machine, which the kernel
    narrows to the cpuset: a worker is never left pinned off a CPU."""
    try:
        os.sched_setaffinity(0, allowed)
    except OSError:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
