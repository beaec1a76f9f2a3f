"""How many threads a fit's passes over the data may use.

Convention (owned here): the in-memory backend's block threads and the
out-of-core backend's readers take :func:`fit_threads` threads, which is

* inside :func:`thread_budget` (``LogisticRegression(n_jobs=k)`` enters one
  for ``fit`` and ``partial_fit``): that budget;
* otherwise the CPUs this process may run on (its affinity mask), at most
  ``OMP_NUM_THREADS`` where that holds a positive integer (its first entry:
  OpenMP allows a list, ``"4,2"``). That variable is how joblib's process
  workers (``cpu_count() // n_jobs`` each) and Dask's nanny (1) keep the
  threads of a library in each of several processes from oversubscribing
  the machine, and scikit-learn's and glum's OpenMP loops read it too.
  A value that is not a positive integer is ignored. It is read once, when
  ``import logistic`` runs (as OpenMP runtimes and OpenBLAS read it when they
  load): a ``distributed.LocalCluster`` started in a process sets it to 1 in
  that process's ``os.environ`` for its workers, which must not make the
  process's own fits single-threaded.

``n_jobs`` follows joblib's convention (:func:`threads_for`): k > 0 is k
threads, -1 every CPU the process may run on, -k that less k - 1 (at least
one); None the default above; 0 is an error. With one thread, BLAS is held to
one thread too for the call (:func:`logistic._blas_threads.one_blas_thread`),
so the fit runs on one core; with more, BLAS keeps its own count (set it
with threadpoolctl or ``OPENBLAS_NUM_THREADS``).

The thread count never changes a result: the block grid follows the data
and the machine (:func:`logistic.backends.in_memory.machine_cpus`), and
partial sums are added in block order whatever thread computed them.

The budget is a :class:`contextvars.ContextVar`: it holds for the thread
that entered it, not for fits that other threads run at the same time.

A leaf: the standard library and :mod:`logistic._blas_threads` only.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import numbers
import os
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


def env_threads() -> int | None:
    """``OMP_NUM_THREADS``'s thread count (its first entry), or None when it
    is unset or not a positive integer."""
    text = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if not text.isdigit() or int(text) < 1:  # isdigit: no sign, no spaces
        return None
    return int(text)


#: :func:`env_threads` when this module was imported (module docstring).
ENV_CAP = env_threads()


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
    k = int(n_jobs)
    return k if k > 0 else max(1, available_cpus() + 1 + k)


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
