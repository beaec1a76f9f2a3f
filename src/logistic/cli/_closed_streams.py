"""Standard streams a command was started without (``>&-``, ``2>&-``), and
a standard output whose write errors name it.

Python sets ``sys.stdout`` or ``sys.stderr`` to None when the descriptor is
closed at start. ``print(..., file=sys.stderr)`` then writes to stdout (a
``--json`` document gains an ``error:`` line) and every ``sys.stdout.flush()``
is an ``AttributeError``. :func:`opened` puts stand-ins in their place while a
command runs: a closed stderr becomes the null device (messages have nowhere
to go), and a closed stdout a stream whose every write is an ``OSError``
(EBADF) naming it, which the command line reports as any output error (one
line on stderr, exit 74), so nothing is lost silently: a command that writes
nothing to stdout (``predict -o FILE -q``) succeeds.

An error writing to an open stdout (``> /dev/full``: ENOSPC; a disk or
quota full under a redirection) carries no file name, so the command line's
one line could not say which output failed. While a command runs, the
process's own stdout is read through :class:`_NamedStdout`, the same file
descriptor whose errors are raised again with the name ``standard output``
(a broken pipe stays a ``BrokenPipeError``: the quiet exit 141). A character
its encoding lacks is written escaped, as on stderr (:data:`_TEXT_ERRORS`).

A stderr that fails while a command runs (its reader left, ``2>&1 | head
-1``: EPIPE; a full disk, ``2>/dev/full``: ENOSPC) is read through
:class:`_DroppingStderr`: from its first failed write on, messages are
dropped, as for a stderr the command was started without, and the command
ends as it would have (a message lost is no reason to lose its output or its
exit code; rich's own reaction to a broken pipe, ``SystemExit(1)`` after
pointing stdout at the null device, lost both).

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
from typing import Any, cast

__all__ = ["ClosedOutput", "STDOUT_NAME", "opened"]

#: the name an error writing to standard output carries
STDOUT_NAME = "standard output"


def _closed() -> OSError:
    """EBADF named ``standard output``: the command line prints its words
    alone, as it prints ``standard output: No space left on device``, not
    Python's ``[Errno 9]`` before them."""
    return OSError(
        errno.EBADF,
        "standard output is closed (the command was started with >&-)",
        STDOUT_NAME,
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


class _NamedStdout(io.FileIO):
    """Standard output's file descriptor (not closed with this object):
    an error writing to it is raised again with the name ``standard
    output``, the same ``errno`` (so the same ``OSError`` subclass).
    ``discard`` drops what is still to be written (the stand-in's buffer
    once the command is over and its error reported).

    A write is whole or an error: a short write (the reader of a pipe gone
    after taking part of it, a disk filling up) is followed by another of the
    rest, which then fails. Under ``PYTHONUNBUFFERED=1`` (``python -u``, set
    in many container images) the text layer writes to this object directly
    and ignores a short count: ``summary --json | head -c 10`` of a document
    larger than the pipe ended with exit 0, the rest of it lost, not 141."""

    discard = False

    def write(self, data: Any) -> int:  # type: ignore[override]
        if self.discard:
            return memoryview(data).nbytes
        try:
            view = memoryview(data).cast("B")
            done = 0
            while done < len(view):
                n = super().write(view[done:])
                if n is None:  # a non-blocking descriptor that is full
                    return done
                done += n
            return done
        except OSError as exc:
            if exc.filename is not None:
                raise
            raise OSError(exc.errno, exc.strerror, STDOUT_NAME) from None


class _DroppingStderr(io.FileIO):
    """Standard error's file descriptor (not closed with this object): once
    a write fails (EPIPE, ENOSPC, EIO), it and every later write are dropped,
    reported as written."""

    dropped = False

    def write(self, data: Any) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        done = 0
        while not self.dropped and done < len(view):  # whole, as _NamedStdout
            try:
                n = super().write(view[done:])
            except OSError:
                self.dropped = True
                break
            if n is None:
                break
            done += n
        return len(view)


#: How a character that standard output's encoding lacks is written: as
#: Python writes it to stderr (``\xe9``, ``\u6570``), not an error. An
#: ASCII or cp1252 stdout (a C locale without UTF-8, ``PYTHONIOENCODING``, a
#: Windows redirection) would otherwise fail a command over a table's term
#: ``âge`` after its work is done (a fit's model written). ``--json`` text is
#: ASCII, and ``predict`` writes bytes: neither is changed.
_TEXT_ERRORS = {"strict": "backslashreplace", "surrogateescape": "backslashreplace"}


def _named(stream: Any) -> io.TextIOWrapper | None:
    """``stream`` (the process's own stdout, flushed first) read through
    :class:`_NamedStdout` with its encoding and buffering; None where it is
    not a file descriptor's text stream (a test's capture, an IDE's
    console), which is left as it is."""
    if stream is None or stream is not sys.__stdout__:
        return None
    stream = cast(Any, stream)  # the text stream of a file descriptor, or not
    try:
        fd = stream.fileno()
        stream.flush()
        raw = _NamedStdout(fd, "w", closefd=False)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    # unbuffered (python -u, PYTHONUNBUFFERED) as Python makes it: the text
    # layer over the descriptor itself, every write passed through
    unbuffered = isinstance(getattr(stream, "buffer", None), io.RawIOBase)
    return io.TextIOWrapper(
        raw if unbuffered else io.BufferedWriter(raw),  # type: ignore[arg-type]
        encoding=stream.encoding,
        errors=_TEXT_ERRORS.get(stream.errors, stream.errors),
        line_buffering=stream.line_buffering,
        write_through=getattr(stream, "write_through", False),
    )


def _dropping(stream: Any) -> io.TextIOWrapper | None:
    """``stream`` (the process's own stderr, flushed first) read through
    :class:`_DroppingStderr` with its encoding, errors and buffering; None
    where it is not a file descriptor's text stream (a test's capture),
    left as it is."""
    if stream is None or stream is not sys.__stderr__:
        return None
    stream = cast(Any, stream)
    try:
        fd = stream.fileno()
        stream.flush()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    raw = _DroppingStderr(fd, "w", closefd=False)
    unbuffered = isinstance(getattr(stream, "buffer", None), io.RawIOBase)
    return io.TextIOWrapper(
        raw if unbuffered else io.BufferedWriter(raw),  # type: ignore[arg-type]
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=stream.line_buffering,
        write_through=getattr(stream, "write_through", False),
    )


@contextmanager
def opened() -> Iterator[None]:
    """Stand-ins for a closed stdout or stderr, and the named stdout, while
    the block runs."""
    saved = sys.stdout, sys.stderr
    devnull = None
    messages = _dropping(sys.stderr)
    if sys.stderr is None:
        devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        sys.stderr = devnull
    elif messages is not None:
        sys.stderr = messages
    named = _named(sys.stdout)
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    elif named is not None:
        sys.stdout = named
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        if named is not None:
            # what the command left buffered; an error here was the
            # command's to report (it flushes before returning), so what
            # could not be written is dropped, not raised again
            try:
                named.flush()
            except (OSError, ValueError):
                layer: Any = named.buffer  # the descriptor itself where unbuffered
                getattr(layer, "raw", layer).discard = True
            named.detach()
        if messages is not None:
            # a failure drops, never raises; not detached: a logging handler
            # made during the command (distributed's) writes through it later
            messages.flush()
        if devnull is not None:
            devnull.close()
