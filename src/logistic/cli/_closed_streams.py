"""Standard streams a command was started without (``>&-``, ``2>&-``).

Python sets ``sys.stdout`` or ``sys.stderr`` to None when the descriptor is
closed at start. ``print(..., file=sys.stderr)`` then writes to stdout (a
``--json`` document gains an ``error:`` line) and every ``sys.stdout.flush()``
is an ``AttributeError``. :func:`opened` puts stand-ins in their place while a
command runs: a closed stderr becomes the null device (messages have nowhere
to go), and a closed stdout a stream whose every write is an ``OSError``
(EBADF) naming it, which the command line reports as any output error (one
line on stderr, exit 74), so nothing is lost silently: a command that writes
nothing to stdout (``predict -o FILE -q``) succeeds.

Standard library only: :mod:`logistic.cli.app` imports it before anything
else.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["ClosedOutput", "opened"]


def _closed() -> OSError:
    return OSError(
        errno.EBADF, "standard output is closed (the command was started with >&-)"
    )


class _ClosedBinary(io.RawIOBase):
    """The binary side of :class:`ClosedOutput` (``predict -o -`` writes
    bytes): writing raises alike."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise _closed()


class ClosedOutput(io.TextIOBase):
    """``sys.stdout`` of a process started with it closed: writing raises."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:  # type: ignore[override]
        raise _closed()

    @property
    def buffer(self) -> Any:
        return _ClosedBinary()


@contextmanager
def opened() -> Iterator[None]:
    """Stand-ins for a closed stdout or stderr while the block runs."""
    saved = sys.stdout, sys.stderr
    devnull = None
    if sys.stderr is None:
        devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        sys.stderr = devnull
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        if devnull is not None:
            devnull.close()
