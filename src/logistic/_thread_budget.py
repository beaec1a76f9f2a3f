"""How many threads a fit's passes over the data may use.

Convention (owned here): the in-memory backend's block threads and the
out-of-core backend's readers take :func:`fit_threads` threads (and a
one-block Hessian pass shares its rows with the compiled kernel's helper
thread only where that is more than one, :mod:`logistic._row_parts`), which is

* inside :func:`thread_budget` (``LogisticRegression(n_jobs=k)`` enters one
  for ``fit``, ``partial_fit`` and ``inference``, :func:`with_n_jobs`): that
  budget;
* otherwise the CPUs this process may run on (its affinity mask), at most
  ``OMP_NUM_THREADS`` where that holds a positive integer (its first entry:
  OpenMP allows a list, ``"4,2"``). That variable is how joblib's process
  workers (``cpu_count() // n_jobs`` each) and Dask's nanny (1) keep the
  threads of a library in each of several processes from oversubscribing
  the machine, and scikit-learn's and glum's OpenMP loops read it too.
  A value that is not a positive integer is ignored. It is read once, when
  ``import logistic`` runs (as OpenMP runtimes and OpenBLAS read it when they
  load), from ``os.environ``, so a script may set it before the import. A
  ``distributed.LocalCluster`` started in a process sets it to 1 in that
  process's ``os.environ`` for its workers, which must not make the process's
  own fits single-threaded: when Dask's nanny is already imported and the value
  differs from the one the process started with (Linux:
  ``/proc/self/environ``, which ``os.environ`` changes do not touch), the
  start value is taken.

``n_jobs`` follows joblib's convention (:func:`threads_for`): k > 0 is k
threads (at most the CPUs the process may run on: more threads than CPUs
never speed a pass up, and the out-of-core pass keeps a pool of that many
threads and that many blocks in flight), -1 every CPU the process may run
on, -k that less k - 1 (at least one); None the default above (unlike
scikit-learn, where None means 1); 0 is an error. With one thread, BLAS is
held to one thread too for the call
(:func:`logistic._blas_threads.one_blas_thread`), so the passes run on one
core; that BLAS limit is process-wide while the call runs (BLAS has one
thread count: fits in other threads then run BLAS on one thread too, see
docs/reliability.md). With more threads, BLAS keeps its own count (set it
with threadpoolctl or ``OPENBLAS_NUM_THREADS``).

The thread count never changes a result: the block grid follows the data
and the machine (:func:`logistic.backends.in_memory.machine_cpus`), and
partial sums are added in block order whatever thread computed them.

The budget is a :class:`contextvars.ContextVar`: its thread count holds for
the thread that entered it, not for fits that other threads run at the same
time (the BLAS limit of one thread above excepted).

A leaf: the standard library and :mod:`logistic._blas_threads` only.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import numbers
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

__all__ = [
    "available_cpus",
    "env_threads",
    "fit_threads",
    "is_n_jobs",
    "thread_budget",
    "threads_for",
    "with_n_jobs",
]

_BUDGET: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "logistic_thread_budget", default=None
)

F = TypeVar("F", bound=Callable[..., Any])


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


#: A thread count beyond any machine's CPUs (an ``OMP_NUM_THREADS`` of more
#: than 18 digits).
_MANY = 2**63 - 1


def env_threads(text: str | None) -> int | None:
    """The thread count of an ``OMP_NUM_THREADS`` value (its first entry),
    or None when it is unset (None) or not a positive integer of ASCII
    digits."""
    first = (text or "").split(",")[0].strip()
    if not (first.isascii() and first.isdecimal()):
        return None
    digits = first.lstrip("0")
    if not digits:
        return None
    # more threads than any machine has CPUs: no cap below them (and no int()
    # of 4300 digits or more, which Python refuses)
    return int(digits) if len(digits) <= 18 else _MANY


def _start_value(name: str) -> str | None:
    """``name`` in the environment the process started with (Linux's
    ``/proc/self/environ``); ``os.environ``'s where that cannot be read."""
    try:
        with open("/proc/self/environ", "rb") as fh:
            entries = fh.read().split(b"\0")
    except OSError:
        return os.environ.get(name)
    key = name.encode() + b"="
    for entry in entries:
        if entry.startswith(key):
            return entry[len(key) :].decode("ascii", "replace")
    return None


def _cap_at_import() -> int | None:
    """:func:`env_threads` as ``import logistic`` reads it (module
    docstring): the start value when Dask's nanny, loaded in this process,
    may have set ``os.environ``'s for its workers."""
    text = os.environ.get("OMP_NUM_THREADS")
    if "distributed.nanny" in sys.modules:
        text = _start_value("OMP_NUM_THREADS")
    return env_threads(text)


#: ``OMP_NUM_THREADS``'s cap when this module was imported (module docstring).
ENV_CAP = _cap_at_import()


def fit_threads() -> int:
    """Threads a pass may use here and now (module docstring)."""
    budget = _BUDGET.get()
    if budget is not None:
        return budget
    cpus = available_cpus()
    cap = ENV_CAP
    return max(1, cpus if cap is None else min(cpus, cap))


def is_n_jobs(v: Any) -> bool:
    """a non-zero int (-1: every CPU) or None"""
    if v is None:
        return True
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and int(v) != 0


def threads_for(n_jobs: int | None) -> int | None:
    """The budget for ``n_jobs`` (None: no budget, :func:`fit_threads`'s
    default); ``n_jobs`` is checked by :func:`is_n_jobs` first."""
    if n_jobs is None:
        return None
    k, cpus = int(n_jobs), available_cpus()
    return min(k, cpus) if k > 0 else max(1, cpus + 1 + k)


@contextlib.contextmanager
def thread_budget(n_threads: int | None) -> Iterator[None]:
    """Passes started in this block use ``n_threads`` threads (None: the
    default); one thread also holds BLAS to one thread."""
    if n_threads is None:
        yield
        return
    token = _BUDGET.set(max(1, int(n_threads)))
    try:
        if n_threads <= 1:
            from ._blas_threads import one_blas_thread

            with one_blas_thread():
                yield
        else:
            yield
    finally:
        _BUDGET.reset(token)


def with_n_jobs(method: F) -> F:
    """Run an estimator method within the budget of its ``n_jobs``."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        n_jobs = getattr(self, "n_jobs", None)
        if not is_n_jobs(n_jobs):
            return method(self, *args, **kwargs)  # the method's check names it
        with thread_budget(threads_for(n_jobs)):
            return method(self, *args, **kwargs)

    return run  # type: ignore[return-value]
