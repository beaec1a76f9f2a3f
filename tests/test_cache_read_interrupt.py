"""Ctrl-C at any point of a threaded pass over row-cache blocks that are read
into the pool's buffers (``backends._cache_read.BlockReads``) leaves nothing
held: the consumer (the main thread) reads blocks too, so the pool takes and
gives buffers without a lock, and a later pass neither waits for one nor
holds more buffers than blocks read at once.

The interrupt is raised by a trace function at every opcode boundary of the
main thread inside ``logistic.backends``, one run per boundary, in a
subprocess (:func:`conftest.run_interrupt_sweep`); a pass after each must
give the right result, and the process must then exit by itself.
"""

from __future__ import annotations

import pytest

from conftest import run_interrupt_sweep

pytest.importorskip("pyarrow")

SWEEP = """
import sys, tempfile, pathlib
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
from logistic.backends import _cache
from logistic.backends.chunked import Chunked

_cache.MAP_MIN_BYTES = 0  # every block through the pool's buffers


class Everywhere(set):
    def __contains__(self, item):  # every block is read, not mapped
        return True


folder = pathlib.Path(tempfile.mkdtemp())
rng = np.random.default_rng(1)
X, y = rng.standard_normal((1200, 6)), rng.integers(0, 2, 1200)
cols = {f"x{j}": X[:, j] for j in range(6)}
pq.write_table(pa.table({**cols, "label": y}), folder / "d.parquet")
backend = Chunked.from_parquet(
    folder / "d.parquet", target="label", chunk_rows=int(sys.argv[1]),
    cache_dir=folder / "c", n_threads=2,
)
reads = backend._cached._reads
reads.small = Everywhere()

def fn(block, i):
    return float(block.y.sum()), block.X.sum(0)

want = backend.map_reduce_indexed(fn)
inner = trace

def trace(frame, event, arg):  # the library's frames only
    if "/logistic/backends/" not in frame.f_code.co_filename:
        return None
    return inner(frame, event, arg)

points = 0
while True:
    count[0], target[0] = 0, points + 1
    sys.settrace(trace)  # this (the main) thread only
    try:
        got = backend.map_reduce_indexed(fn)
    except KeyboardInterrupt:
        sys.settrace(None)
        points += 1
        again = backend.map_reduce_indexed(fn)  # waits for no lock
        assert again[0] == want[0] and np.array_equal(again[1], want[1])
        continue
    sys.settrace(None)
    assert got[0] == want[0] and np.array_equal(got[1], want[1])
    break
most = max(len(free) for free in reads._free.values())
print(points, most)
"""


def test_an_interrupt_anywhere_in_a_read_pass_leaves_the_buffer_pool_usable():
    out = run_interrupt_sweep(
        SWEEP, "400", timeout=240, hung="a pass after an interrupt hung"
    )
    points, most = map(int, out.split())
    assert points > 100  # every opcode boundary of a pass was a point
    assert most <= 3  # a file's buffers: at most the 3 blocks read at once
