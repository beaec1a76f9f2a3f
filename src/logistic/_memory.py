"""The memory this process may use, and whether a size fits it.

Convention (owned here): the memory a process may use is the machine's
physical memory, or its cgroup's limit where lower (:func:`process_memory`:
a container limited to 2 GiB on a larger host is killed beyond 2 GiB); a
dense allocation is checked against it (:func:`fits_memory`) only above
:data:`MEMORY_CHECK_MIN_BYTES`. Every check of memory (the solvers'
Hessian, inference's matrices, the readers' budgets, the command line's
switch to streaming) asks here. A leaf: the standard library only.
"""

from __future__ import annotations

import os

__all__ = [
    "CGROUP_LIMIT_FILES",
    "MEMORY_CHECK_MIN_BYTES",
    "NO_CGROUP_LIMIT",
    "cgroup_limit",
    "fits_memory",
    "format_bytes",
    "process_memory",
]

#: Allocations at most this large are not checked against the memory.
MEMORY_CHECK_MIN_BYTES = 2**26  # 64 MiB

#: Memory limits of the process's cgroup, in the order read: cgroup v2's
#: ``memory.max`` ("max": no limit), then cgroup v1's ``limit_in_bytes``
#: (no limit reads as a number near 2**63).
CGROUP_LIMIT_FILES = (
    "/sys/fs/cgroup/memory.max",
    "/sys/fs/cgroup/memory/memory.limit_in_bytes",
)
#: cgroup v1 limits at or above this are "no limit" (its default is 2**63
#: rounded down to a page).
NO_CGROUP_LIMIT = 2**60


def cgroup_limit() -> int | None:
    """The first numeric, finite memory limit of :data:`CGROUP_LIMIT_FILES`
    (None: unreadable, "max" or absurdly large everywhere)."""
    for path in CGROUP_LIMIT_FILES:
        try:
            with open(path) as f:
                limit = int(f.read().strip())
        except (OSError, ValueError):
            continue
        if 0 < limit < NO_CGROUP_LIMIT:
            return limit
    return None


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


def format_bytes(size: float) -> str:
    """``size`` in the largest binary unit it reaches (B, KiB, ... TiB), one
    decimal below 10 of that unit, none above: "122 MiB", "1.5 GiB"."""
    value, units = float(size), ["B", "KiB", "MiB", "GiB", "TiB"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    unit = units[0]
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
