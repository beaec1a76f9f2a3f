"""How far pyarrow's streaming CSV reader reads ahead of the batches taken.

Convention (owned here): pyarrow's ``open_csv`` reads its input in a
background thread, in blocks of ``ReadOptions.block_size`` bytes, up to 32
blocks ahead of the batches its consumer has taken (Arrow's background
generator's default queue; pyarrow offers no option for it, ARROW-12090).
A streamed CSV pass that decodes more slowly than the disk reads (always:
decoding is its cost) therefore held up to 32 blocks of the file's text,
256 MiB at the default 8 MiB chunk and the whole file of a few hundred MB
at 32 MiB, instead of the one block the memory rule of docs/scaling.md
counts: the 595 MB CSV of 1.5 million rows peaked at 408 MB resident in its
scan against 143 MB with 1 MiB blocks.

So a streamed CSV source gives the reader a :class:`BoundedInput`: its
``read`` waits while :data:`AHEAD` blocks more than the batches taken have
been read (``BoundedReader`` counts them as it hands them out). The reader
makes one batch of each block (the block's partial last row finished by the
next), so a batch never waits for a read the bound holds back. The
consumer's clean-up stops the bound before it closes the reader, so that a
read waiting for a batch that will never be taken returns (end of input).
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["AHEAD", "BoundedInput", "BoundedReader", "bounded_csv"]

#: Blocks the background thread may read beyond the batches taken: the block
#: being decoded, the next one (its first row ends the block's last) and one
#: more, so that reading the disk still overlaps decoding.
AHEAD = 3

#: Inputs not yet stopped: a pass's generator left suspended until the
#: interpreter exits is closed by its finalization, when the reader's thread,
#: woken in a read, can no longer take the GIL (the process aborted, or hung
#: with the read left waiting); :func:`_stop_open` stops them before that.
_OPEN: weakref.WeakSet[BoundedInput] = weakref.WeakSet()


@atexit.register
def _stop_open() -> None:
    """At exit, before finalization: stop every open input and give its
    reader's thread up to a second to leave its read."""
    inputs = list(_OPEN)
    for source in inputs:
        source.stop()
    deadline = time.monotonic() + 1.0
    while any(s.inside for s in inputs) and time.monotonic() < deadline:
        time.sleep(0.005)


class BoundedInput:
    """A readable file for pyarrow (``read(n)``) over ``raw`` (a Python file
    or a pyarrow stream, such as a decompressing one), reading at most
    ``AHEAD`` blocks of ``block_bytes`` beyond the batches taken."""

    def __init__(self, raw: Any, block_bytes: int) -> None:
        self._raw = raw
        self._block = max(1, int(block_bytes))
        self._cond = threading.Condition()
        self._read = 0  # bytes handed to the reader
        self._taken = 0  # batches the consumer has taken
        self._stopped = False
        self.inside = 0  # reads under way (the reader's thread in this code)
        self.closed = False
        _OPEN.add(self)

    def read(self, n: int = -1) -> Any:
        with self._cond:
            self.inside += 1
        try:
            with self._cond:
                while (
                    not self._stopped
                    and self._read >= (self._taken + AHEAD) * self._block
                ):
                    self._cond.wait()
                if self._stopped:
                    return b""  # the consumer is gone: end of input
            read_buffer = getattr(self._raw, "read_buffer", None)
            # a pyarrow stream's buffer is handed on without a copy
            data = self._raw.read(n) if read_buffer is None else read_buffer(n)
            with self._cond:
                self._read += len(data)
            return data
        finally:
            with self._cond:
                self.inside -= 1

    def took_batch(self) -> None:
        """One more batch taken: one more block may be read."""
        with self._cond:
            self._taken += 1
            self._cond.notify_all()

    def stop(self) -> None:
        """Let every read waiting, and every later one, return at once."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def close(self) -> None:
        self.stop()
        self.closed = True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


class BoundedReader:
    """pyarrow's CSV reader whose batches, as they are taken, let its
    :class:`BoundedInput` read on."""

    def __init__(self, reader: Any, source: BoundedInput) -> None:
        self._reader = reader
        self._source = source

    @property
    def schema(self) -> Any:
        return self._reader.schema

    def __iter__(self) -> Iterator[Any]:
        for batch in self._reader:
            self._source.took_batch()
            yield batch


@contextmanager
def bounded_csv(stream: Any, **options: Any) -> Iterator[BoundedReader]:
    """``pyarrow.csv.open_csv(stream, **options)`` reading at most
    :data:`AHEAD` blocks ahead of the batches taken; closed on exit."""
    from pyarrow import csv

    block = (options.get("read_options") or csv.ReadOptions()).block_size
    source = BoundedInput(stream, block)
    try:
        reader = csv.open_csv(source, **options)
        try:
            yield BoundedReader(reader, source)
        finally:
            source.stop()  # first: a read waiting for a batch returns
            reader.close()
    finally:
        source.stop()
