"""The memory this process may use, and whether a size fits it.

Convention (owned here): the memory a process may use is the machine's
physical memory, or the memory limit of its own cgroup or of one above it
where lower (:func:`process_memory`, :func:`cgroup_limit`: a container
limited to 2 GiB on a larger host is killed beyond 2 GiB); a
dense allocation is checked against it (:func:`fits_memory`) only above
:data:`MEMORY_CHECK_MIN_BYTES`. Every check of memory (the solvers'
Hessian, inference's matrices, the readers' budgets, the command line's
switch to streaming) asks here. A leaf: the standard library only (and
:mod:`logistic._messages`, one too, for a worker count's text).
"""

from __future__ import annotations

import os
from decimal import Decimal

__all__ = [
    "CGROUP_LIMIT_FILES",
    "CGROUP_MOUNT",
    "MEMORY_CHECK_MIN_BYTES",
    "NO_CGROUP_LIMIT",
    "PROC_SELF_CGROUP",
    "LOCAL_WORKER_BYTES",
    "cgroup_limit",
    "fits_memory",
    "format_bytes",
    "local_workers_held",
    "local_workers_message",
    "process_memory",
]

#: The memory a local Dask worker process is budgeted (one with the library,
#: numpy and pyarrow imported holds ~90 MiB before its first chunk).
LOCAL_WORKER_BYTES = 2**27  # 128 MiB

#: Allocations at most this large are not checked against the memory.
MEMORY_CHECK_MIN_BYTES = 2**26  # 64 MiB

#: Where the process's cgroups are listed (``hierarchy:controllers:path``
#: lines: cgroup v2's ``0::/path``, cgroup v1's ``N:memory:/path``).
PROC_SELF_CGROUP = "/proc/self/cgroup"
#: Where the cgroup hierarchies are mounted.
CGROUP_MOUNT = "/sys/fs/cgroup"
#: Each cgroup version's memory limit file, under the mount (and, for v1, its
#: memory controller's folder) at a cgroup's path: v2's ``memory.max`` ("max":
#: no limit), v1's ``memory.limit_in_bytes`` (no limit reads as a number near
#: 2**63).
CGROUP_LIMIT_FILES = {
    "v2": ("", "memory.max"),
    "v1": ("memory", "memory.limit_in_bytes"),
}
#: cgroup v1 limits at or above this are "no limit" (its default is 2**63
#: rounded down to a page).
NO_CGROUP_LIMIT = 2**60


def _own_cgroups() -> dict[str, str]:
    """The process's cgroup path in the v2 hierarchy and in v1's memory
    controller, read from :data:`PROC_SELF_CGROUP` ("/", the mount's root,
    where it does not say or cannot be read)."""
    paths = {"v2": "/", "v1": "/"}
    try:
        with open(PROC_SELF_CGROUP) as f:
            text = f.read()
    except (OSError, ValueError):
        return paths
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, path = parts
        if hierarchy == "0" and not controllers:
            paths["v2"] = path
        elif "memory" in controllers.split(","):
            paths["v1"] = path
    return paths


def _ancestors(path: str) -> list[str]:
    """``path`` and the cgroups above it up to the root, relative to the
    mount: ``/a/b`` gives ``a/b``, ``a`` and ``""`` (names that would leave
    the mount, ``..``, are dropped)."""
    names = [n for n in path.split("/") if n and n not in (".", "..")]
    return ["/".join(names[:i]) for i in range(len(names), -1, -1)]


def _read_limit(path: str) -> int | None:
    """The numeric, finite limit in the file ``path``, else None."""
    try:
        with open(path) as f:
            limit = int(f.read().strip())
    except (OSError, ValueError):
        return None
    return limit if 0 < limit < NO_CGROUP_LIMIT else None


def cgroup_limit() -> int | None:
    """The smallest memory limit of the process's own cgroups and of their
    ancestors (a limit applies to every cgroup below it), in cgroup v2 and in
    v1's memory controller: a process in a sub-cgroup (a systemd unit, a
    container without its own cgroup namespace, a job of a batch scheduler)
    is killed beyond its own cgroup's limit, which the root's file does not
    show. None: unreadable, "max" or absurdly large everywhere."""
    limits = []
    for version, own in _own_cgroups().items():
        folder, name = CGROUP_LIMIT_FILES[version]
        base = os.path.join(CGROUP_MOUNT, folder)
        for cgroup in _ancestors(own):
            limit = _read_limit(os.path.join(base, cgroup, name))
            if limit is not None:
                limits.append(limit)
    return min(limits) if limits else None


def process_memory() -> int | None:
    """The memory this process may use, in bytes: the machine's, or its
    cgroup's limit where lower (a container limited to 2 GiB on a larger
    host is OOM-killed beyond 2 GiB). None where neither says."""
    try:
        machine: int | None = int(os.sysconf("SC_PAGE_SIZE")) * int(
            os.sysconf("SC_PHYS_PAGES")
        )
    except (AttributeError, ValueError, OSError):
        machine = None
    limit = cgroup_limit()
    known = [m for m in (machine, limit) if m]
    return min(known) if known else None


def fits_memory(size: int) -> bool:
    """Whether ``size`` bytes fit the memory this process may use
    (:func:`process_memory`, asked only above ``MEMORY_CHECK_MIN_BYTES``;
    True where the system does not say)."""
    if size <= MEMORY_CHECK_MIN_BYTES:
        return True
    memory = process_memory()
    return not memory or size <= memory


def local_workers_held(cpus: int) -> int:
    """The default number of local Dask worker processes: one a CPU
    (``cpus``), as many as the memory this process may use holds at
    :data:`LOCAL_WORKER_BYTES` each (at least one; ``cpus`` where the system
    does not say). A container limited to 2 GiB on a 64-CPU host would
    otherwise start 64 workers, beyond its memory."""
    memory = process_memory()
    if not memory:
        return cpus
    return max(1, min(cpus, memory // LOCAL_WORKER_BYTES))


def local_workers_message(
    workers: int, name: str, elsewhere: str = "a scheduler's address"
) -> str | None:
    """Why ``workers`` local worker processes (the parameter ``name``) do not
    fit the memory this process may use at :data:`LOCAL_WORKER_BYTES` each,
    or None where they do (or the system does not say); ``elsewhere``: how
    to name a running cluster instead."""
    memory = process_memory()
    if not memory or workers * LOCAL_WORKER_BYTES <= memory:
        return None
    from ._messages import integer_text  # 10**400 workers: not 401 digits

    most = max(1, memory // LOCAL_WORKER_BYTES)
    return (
        f"{name} {integer_text(int(workers))}: each local Dask worker is a "
        "process of about "
        f"{format_bytes(LOCAL_WORKER_BYTES)} or more, and this process may use "
        f"{format_bytes(memory)}, enough for {most}; give at most {most}, or "
        f"fit on a larger cluster ({elsewhere})"
    )


def format_bytes(size: float) -> str:
    """``size`` in the largest binary unit it reaches (B, KiB, ... TiB), one
    decimal below 10 of that unit, none above: "122 MiB", "1.5 GiB"; an
    integer beyond float64's range (a grid of ``10**400`` points) in TiB
    with three significant digits, "9.09e+387 TiB"."""
    try:
        value = float(size)
    except OverflowError:
        return f"{Decimal(size) / 1024**4:.2e} TiB"
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    unit = units[0]
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
