"""A dense block's Hessian pass in parts of its rows, shared between the
calling thread and the compiled kernel's helper thread.

Convention (owned here): a block that the fused row loop reads with its
Hessian (:func:`logistic._compiled.fused_hessian_applies`) and whose pass
costs at least ``PARTS_MIN_WORK`` multiply-adds (``n·q²``, ``q`` the
Hessian's padded order) is reduced in :func:`parts_of` runs of its rows
(``_fused_parts.h``), one per ``PART_MIN_WORK`` of work, 2 to 8: the rule is
the block's shape alone, and the parts' sums are added in one order whatever
ran them, so a result never depends on the thread count. The helper thread
takes parts when the caller allows two threads (:func:`helper_threads`,
which the in-memory backend enters around the reductions it runs in the
calling thread: data too small for its pool of Python threads, whose
hand-offs take the GIL; with the count :func:`part_threads` gives, 1 on a busy
machine) and the helper is free; otherwise, and for the parts
the helper does not take in time, the caller runs them.

Waking a sleeping thread takes 100-200 µs on this project's virtual
machines, half of a higgs-sized Hessian pass (7 000 × 28: 300 µs on one
core, 150 µs shared with the helper awake). So the helper spins for 1 ms
after each block before it sleeps, it is started, asleep, when the compiled
kernel loads (``logistic._compiled.compiled_kernel``), and the in-memory
backend wakes it when it is created (:func:`logistic._kernels.wake_helper`),
while the fit validates and sets up, where its data are one block whose
Hessian passes run in parts and two threads are allowed.

A leaf: numpy and the standard library (the caller passes the compiled
module).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = [
    "PARTS_MIN_WORK",
    "PART_MIN_WORK",
    "helper_threads",
    "hessian_rows",
    "own_load",
    "part_threads",
    "parts_of",
]

#: Fewest ``n·q²`` multiply-adds of a Hessian pass run in parts (a pass of
#: about 70 µs on one core; a hand-off and the parts' sum cost a few µs).
PARTS_MIN_WORK = 2**20
#: ... and at least this many a part (higgs, 7 000 × 28, q = 32: 6 parts
#: of ~50 µs, so a helper descheduled in a part holds the caller up that long
#: at most, once it has finished its own).
PART_MIN_WORK = 2**20
#: Most parts (``_fused_parts.h``'s ``LG_MAX_PARTS``).
MAX_PARTS = 8

#: Threads a Hessian pass in parts may use in this context (1 or 2).
_THREADS: contextvars.ContextVar[int] = contextvars.ContextVar(
    "logistic_helper_threads", default=1
)


def parts_of(n_rows: int, q: int) -> int:
    """Parts of a Hessian pass over ``n_rows`` rows of padded order ``q``:
    1 (one run) below ``PARTS_MIN_WORK``, else one per ``PART_MIN_WORK``,
    2 to ``MAX_PARTS``, each of at least 8 rows (the block's shape alone)."""
    work = n_rows * q * q
    if work < PARTS_MIN_WORK or n_rows < 16:
        return 1
    return max(2, min(MAX_PARTS, work // PART_MIN_WORK, n_rows // 8))


def part_threads(n_threads: int) -> int:
    """Threads a fit allowed ``n_threads`` gives its passes in parts: 2 where
    that is two or more and the machine is not busy, else 1. Busy: the
    1-minute load average, less the helper's share of this process's own CPU
    use (:func:`own_load` beyond one thread, at most one thread: there is one
    helper), is at least the CPUs less one half. On a busy machine the
    helper's spin takes CPU from other work and its parts wait for its time
    slices: beside two busy loops on this project's 2-vCPU hosts, first fits
    of credit-default spread over 19-43 ms whatever the variant, with 13 %
    more CPU time a fit with the helper (docs/benchmarks.md). The helper's
    own load is left out because a loop of small fits with the helper
    spinning between passes raises the load average to about two by itself,
    which would otherwise turn the helper off after a minute on a 2-CPU
    machine (and on again a minute later); the process's other threads
    (concurrent fits, pools) count as other work."""
    if n_threads < 2:
        return 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this platform
        return 2
    others = load - min(1.0, max(0.0, own_load() - 1.0))
    return 2 if others < (os.cpu_count() or 1) - 0.5 else 1


#: Time constant of the kernel's 1-minute load average, seconds.
LOAD_TIME_CONSTANT = 60.0
#: (monotonic time, process CPU time, CPU use) at the last :func:`own_load`.
_OWN: tuple[float, float, float] = (time.monotonic(), time.process_time(), 0.0)
_OWN_LOCK = threading.Lock()


def own_load() -> float:
    """This process's CPU use (CPU seconds a second, all of its threads:
    the fitting threads and the helper's spin), averaged as the kernel
    averages its 1-minute load: exponentially, time constant
    ``LOAD_TIME_CONSTANT``. The CPU time between two calls is counted as
    spent at the first (``(use + ΔCPU/τ)·exp(-Δt/τ)``): for calls close
    together, as in a loop of fits, this is the kernel's average; after a
    long gap it is at most that average, so work done long ago is never
    taken for the helper's spin now. The first call measures from this
    module's import, a forked child's from the fork."""
    global _OWN
    with _OWN_LOCK:
        now, cpu = time.monotonic(), time.process_time()
        then, cpu_then, use = _OWN
        if now > then:
            use = (use + (cpu - cpu_then) / LOAD_TIME_CONSTANT) * math.exp(
                -(now - then) / LOAD_TIME_CONSTANT
            )
            _OWN = (now, cpu, use)
        return use


def _own_load_in_child() -> None:
    """A forked child's CPU time starts again: measure its own use from here."""
    global _OWN, _OWN_LOCK
    _OWN_LOCK = threading.Lock()  # the parent's may have been held at the fork
    _OWN = (time.monotonic(), time.process_time(), 0.0)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_own_load_in_child)


@contextlib.contextmanager
def helper_threads(n_threads: int) -> Iterator[None]:
    """Let the Hessian passes in parts that this thread runs use
    ``min(n_threads, 2)`` threads (the caller and the helper)."""
    token = _THREADS.set(2 if n_threads > 1 else 1)
    try:
        yield
    finally:
        _THREADS.reset(token)


def hessian_rows(
    mod: Any,
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    b: float,
    offset: np.ndarray | None,
    sample_weight: np.ndarray | None,
    g: np.ndarray,
    H: np.ndarray,
) -> tuple[float, float]:
    """``(Σ s L, Σ s r)`` of one block by the compiled row loop, its gradient
    into ``g`` and its augmented Hessian sums into ``H`` (q × q), in the
    parts :func:`parts_of` gives."""
    n, p = X.shape
    q = H.shape[0]
    f64 = X.dtype == np.float64
    parts = parts_of(n, q)
    if parts == 1:
        rows = mod.dense_rows_f64 if f64 else mod.dense_rows_f32
        loss, rsum = rows(X, y, w, b, offset, sample_weight, g, None, True, H)
        return loss, rsum
    run = mod.dense_parts_f64 if f64 else mod.dense_parts_f32
    scratch = np.empty((parts - 1) * (p + q * q))
    threads = _THREADS.get()
    args = (X, y, w, b, offset, sample_weight, g, None, True, H)
    loss, rsum, _ = run(*args, parts, scratch, threads)
    return loss, rsum
