"""Newton's heap headroom made by the compiled kernels (``_fused.reserve_heap``).

``free(malloc(n))`` of a chunk above glibc's mmap threshold raises that
threshold and the heap's trim threshold: a temporary of that size freed
later stays in the heap, and the next one takes its pages without faulting
them in again. Measured in a fresh process (the thresholds are per process)
by the minor page faults of a second 4 MiB temporary, against a process that
made no reserve.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from logistic._compiled import compiled_kernel
from logistic.solvers import _newton_linalg

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's malloc thresholds",
)

CODE = """
import resource, sys
import numpy as np
import logistic._fused as F
if sys.argv[1] == "reserve":
    assert F.reserve_heap(16 * 2**20) is True
faults = []
for _ in range(2):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    a = np.ones(2**19)  # 4 MiB
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    del a
print(faults[1])
"""


def _second_faults(arm: str) -> int:
    # glibc's defaults: a MALLOC_*_ variable (distributed's nanny leaves
    # MALLOC_TRIM_THRESHOLD_=65536 in its parent's environment, so a Dask test
    # run earlier in this process sets it) fixes the thresholds for good
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", CODE, arm],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return int(out.stdout)


@pytest.mark.skipif(compiled_kernel() is None, reason="the compiled kernels are off")
def test_compiled_reserve_keeps_freed_temporaries_in_the_heap():
    assert _second_faults("none") > 500  # mapped and faulted in again
    assert _second_faults("reserve") < 50  # the heap's own pages


def test_headroom_takes_the_compiled_call_where_it_is_loaded(monkeypatch):
    calls: list[tuple[str, int]] = []

    class Fused:
        @staticmethod
        def reserve_heap(n: int) -> bool:
            calls.append(("compiled", n))
            return True

    monkeypatch.setattr(_newton_linalg, "_HEAP_HEADROOM", [0])
    monkeypatch.setitem(sys.modules, "logistic._fused", Fused)
    monkeypatch.setattr(
        _newton_linalg, "reserve_heap", lambda n: calls.append(("ctypes", n))
    )
    _newton_linalg.heap_headroom(301)
    monkeypatch.delitem(sys.modules, "logistic._fused")
    _newton_linalg.heap_headroom(400)
    size = _newton_linalg.HEAP_HEADROOM_MATRICES * 8
    assert calls == [("compiled", size * 301**2), ("ctypes", size * 400**2)]
