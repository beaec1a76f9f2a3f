"""Opening input files safely: regular files only, size checked before reading.

Convention (owned here): every file ``logistic`` reads on a user's behalf
(model files, data files, checkpoints) is opened through :func:`open_regular`.
A FIFO, socket or device would block ``open()`` forever or stream without end
(``/dev/zero``), so the file is opened with ``O_NONBLOCK`` (which never blocks,
even on a FIFO with no writer), then ``fstat`` on the open descriptor decides:
anything but a regular file is refused before a byte is read. Checking the
descriptor rather than the path leaves no window in which the path can be
swapped for something else. Symbolic links are followed: the target is what
is checked; a loop of links (``ELOOP``) is a :class:`NotARegularFileError`
that names the path and says so (its ``errno`` kept), never the bare
``OSError`` that ``open`` raises. An error while reading the opened file (an
I/O error of the disk or network file system) names the path too
(:class:`_NamedFileIO`): Python's own read errors carry no file name.

Standard input (``"-"``), pipes and FIFOs can be read once only, in order:
data readers copy them, once, into a temporary file (:func:`spooled`) and read
that. A FIFO with no writer yet is waited on with ``poll`` (never a blocking
``open``), and the caller is told after :data:`WAIT_NOTE_SECONDS`; a device or
socket is still refused before a byte is read, and standard input that is a
terminal is refused rather than waited on. Model files, checkpoints and
streamed data (read several times) stay regular files only.

A file read whole into memory (a model file, a checkpoint, a LibSVM file,
compressed or not) is read by :func:`read_bounded`, in blocks of
:data:`READ_BLOCK` bytes up to a bound, never with one ``read(bound + 1)``:
CPython allocates the buffer of ``read(n)`` (``FileIO``, ``BufferedReader``,
``GzipFile``, ``BZ2File``) before reading, so a 5 KB file read against a
bound of 3 GB took 3 GB (a ``MemoryError`` under an address-space limit).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, NamedTuple

__all__ = [
    "STDIN",
    "NotARegularFileError",
    "Spooled",
    "check_input",
    "describe_mode",
    "file_path",
    "is_pipe",
    "open_regular",
    "read_bounded",
    "spooled",
]

#: The path that means standard input.
STDIN = "-"
#: How messages name standard input.
STDIN_NAME = "standard input"
#: Seconds to wait for a FIFO's writer before telling the caller.
WAIT_NOTE_SECONDS = 1.0
_COPY_BYTES = 1 << 20
#: The block :func:`read_bounded` asks for at a time.
READ_BLOCK = 1 << 22


class NotARegularFileError(OSError):
    """A path names a FIFO, socket, device or other non-regular file, or
    loops through symbolic links to none.

    ``kind`` is what the one look at it found (:func:`describe_mode` of its
    mode, or ``"a symbolic link loop"``), so that a caller that words its own
    message need not ``stat`` the path again: it may be gone by then."""

    kind = "not a regular file"


class _NamedFileIO(io.FileIO):
    """A file descriptor read by :func:`open_regular` whose read errors name
    ``path`` (the buffered reader above it reads through these methods)."""

    def __init__(self, fd: int, path: str) -> None:
        super().__init__(fd, "rb")
        self.path = path

    def _named(self, exc: OSError) -> OSError:
        if exc.filename is not None or exc.errno is None:
            return exc
        return OSError(exc.errno, exc.strerror, self.path)

    def readinto(self, buffer: Any) -> int | None:
        try:
            return super().readinto(buffer)
        except OSError as exc:
            raise self._named(exc) from None

    def readall(self) -> bytes:
        try:
            return super().readall()
        except OSError as exc:
            raise self._named(exc) from None

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except OSError as exc:
            raise self._named(exc) from None


def describe_mode(mode: int) -> str:
    """A reader's word for the kind of file ``mode`` describes."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def file_path(path: Any, what: str = "file") -> str:
    """``path`` as text (``os.fspath``; bytes decoded as the file system
    does). A value that is no path (None, a number, an array) is a
    ``TypeError`` naming ``what`` and the value received, where ``open``'s
    "expected str, bytes or os.PathLike object, not NoneType" names neither."""
    try:
        return os.fsdecode(os.fspath(path))
    except TypeError:
        raise TypeError(
            f"{what} path must be a str or an os.PathLike (a file name), got "
            f"{path!r:.80} ({type(path).__name__})"
        ) from None


def open_regular(
    path: str | os.PathLike[str], *, what: str = "file", max_bytes: int | None = None
) -> BinaryIO:
    """Open ``path`` for binary reading, refusing anything but a regular file.

    Parameters
    ----------
    path : str or path-like
        The file to open; symbolic links are followed.
    what : str
        How messages name the file, e.g. ``"model file"`` or ``"input file"``.
    max_bytes : int or None
        Refuse a file larger than this many bytes, before reading it.

    Returns
    -------
    file object
        Open in binary mode, positioned at the start, blocking reads.

    Raises
    ------
    FileNotFoundError, PermissionError, IsADirectoryError
        As ``open`` would, with a message naming the path.
    NotARegularFileError
        The path is a FIFO, socket or device, or a symbolic link loop.
    ValueError
        The file is larger than ``max_bytes`` (message names size and limit).
    """
    p = file_path(path, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} {p} does not exist") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{what} {p} is a directory") from None
    except PermissionError:
        raise PermissionError(
            f"{what} {p} is not readable (permission denied)"
        ) from None
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        loop = NotARegularFileError(
            f"{what} {p} is a symbolic link loop (it, or a folder on its path, "
            "links back to itself): point it at a file"
        )
        loop.errno, loop.kind = errno.ELOOP, "a symbolic link loop"
        raise loop from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(f"{what} {p} is a directory")
        if not stat.S_ISREG(st.st_mode):
            saved = "the model" if what.startswith("model") else "the data"
            refused = NotARegularFileError(
                f"{what} {p} is {describe_mode(st.st_mode)}, not a regular file; "
                f"save {saved} to a file first"
            )
            refused.kind = describe_mode(st.st_mode)
            raise refused
        if max_bytes is not None and st.st_size > max_bytes:
            raise ValueError(
                f"{what} {p} is {st.st_size} bytes, more than the limit of "
                f"{max_bytes} bytes"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return io.BufferedReader(_NamedFileIO(fd, p))
    except BaseException:
        os.close(fd)
        raise


def read_bounded(stream: Any, limit: int | None, head: bytes = b"") -> bytes:
    """``head`` and the rest of the open ``stream``, read in blocks of
    :data:`READ_BLOCK` bytes until its end or past ``limit`` bytes in all
    (then ``limit + 1`` bytes are returned, for the caller to refuse; None:
    no limit). Memory follows what the stream holds, not ``limit``: each
    ``read`` asks for at most a block (see the module docstring)."""
    parts, total = [head], len(head)
    while limit is None or total <= limit:
        ask = READ_BLOCK if limit is None else min(READ_BLOCK, limit + 1 - total)
        block = stream.read(ask)
        if not block:
            break
        parts.append(block)
        total += len(block)
    return b"".join(parts)


def _mode(path: str) -> int | None:
    """``st_mode`` of ``path`` (links followed), None when it cannot be stat'ed."""
    try:
        return os.stat(path).st_mode
    except OSError:
        return None


def _endless_device(fd: int) -> bool:
    """Whether descriptor ``fd`` is a character or block device other than
    the null device (``< /dev/zero``, ``< /dev/urandom``, ``< /dev/sda``):
    read to its end, it would fill the temporary folder. ``< /dev/null``
    reads as an empty input."""
    try:
        held = os.fstat(fd)
    except OSError:
        return False
    if stat.S_ISBLK(held.st_mode):
        return True
    if not stat.S_ISCHR(held.st_mode):
        return False
    try:
        null = os.stat(os.devnull)
    except OSError:
        return True
    return held.st_rdev != null.st_rdev


def is_pipe(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is standard input (``"-"``) or names a pipe or FIFO
    (``/dev/stdin`` fed by a pipe included): data read once, in order."""
    p = os.fspath(path)
    if p == STDIN:
        return True
    mode = _mode(p)
    return mode is not None and stat.S_ISFIFO(mode)


def check_input(path: str | os.PathLike[str], *, what: str = "input file") -> None:
    """Refuse an input that cannot be read as data, without reading a byte.

    Standard input is refused when it is a terminal; a FIFO is accepted
    without being opened (opening and closing it would lose what a writer
    has already put in it); anything else must open as a regular file
    (:func:`open_regular`).
    """
    p = os.fspath(path)
    if p == STDIN:
        if sys.stdin is None:  # the process was started with it closed (<&-)
            raise NotARegularFileError(
                f"{STDIN_NAME} is closed; pipe the data in "
                "(e.g. cat data.csv | logistic ...) or name a file"
            )
        if sys.stdin.isatty():
            raise NotARegularFileError(
                f"{STDIN_NAME} is a terminal, not data; pipe the data in "
                "(e.g. cat data.csv | logistic ...) or name a file"
            )
        if _endless_device(sys.stdin.fileno()):
            mode = os.fstat(sys.stdin.fileno()).st_mode
            raise NotARegularFileError(
                f"{STDIN_NAME} is {describe_mode(mode)}, not data (a device such as "
                "/dev/zero is read without end); pipe the data in or name a file"
            )
        return
    if is_pipe(p):
        return
    open_regular(p, what=what).close()


class Spooled(NamedTuple):
    """A data input as a regular file.

    Attributes
    ----------
    path : str
        The file to read (a temporary copy for a pipe).
    name : str
        How messages name the input: the path given, or ``standard input``.
    sha256 : str or None
        Hex digest of the bytes read from a pipe (None for a regular file).

    A named tuple rather than a dataclass: every command imports this module,
    and defining a frozen dataclass costs ≈ 0.8 ms (its methods are compiled
    from source), a named tuple ≈ 0.2 ms.
    """

    path: str
    name: str
    sha256: str | None = None


def _wait_for_writer(fd: int, name: str, on_wait: Callable[[str], None] | None) -> None:
    """Block (interruptibly) until a FIFO has data or its writer closed it."""
    import select

    if not hasattr(select, "poll"):  # pragma: no cover - not on Windows
        os.set_blocking(fd, True)
        return
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(int(WAIT_NOTE_SECONDS * 1000)):
        if on_wait is not None:
            on_wait(f"waiting for data on {name} (a FIFO that no program writes yet)")
        while not poller.poll(1000):
            pass
    os.set_blocking(fd, True)


def _open_pipe(p: str, what: str) -> int:
    """A read descriptor on a FIFO path (non-blocking open: never hangs)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} {p} does not exist") from None
    except PermissionError:
        raise PermissionError(
            f"{what} {p} is not readable (permission denied)"
        ) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISFIFO(mode):  # swapped since it was checked
        os.close(fd)
        raise NotARegularFileError(
            f"{what} {p} is {describe_mode(mode)}, not a regular file or a pipe"
        )
    return fd


@contextmanager
def spooled(
    path: str | os.PathLike[str],
    *,
    file_name: str,
    what: str = "input file",
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Spooled]:
    """A data input as a regular file, for as long as the context lasts.

    A regular file is used as it is. Standard input (``"-"``) and a pipe or
    FIFO are read once, to their end, into a new temporary directory (under
    ``TMPDIR``) as ``file_name`` (so readers that go by the name see the
    suffix the caller chose); the directory is removed on exit. The copy is
    bounded by the temporary directory's free space: a full disk is an
    ``OSError`` naming the input.

    Parameters
    ----------
    path : str or path-like
        A file, ``"-"`` or a FIFO.
    file_name : str
        Name of the temporary copy.
    what : str
        How messages name the input.
    on_wait : callable, optional
        Called once with a sentence when a FIFO has no data after
        :data:`WAIT_NOTE_SECONDS` (the wait goes on; Ctrl-C ends it).
    """
    p = os.fspath(path)
    if not is_pipe(p):
        open_regular(p, what=what).close()
        yield Spooled(p, p)
        return
    check_input(p, what=what)
    name = STDIN_NAME if p == STDIN else p
    if p == STDIN:
        fd = os.dup(sys.stdin.fileno())
    else:
        fd = _open_pipe(p, what)
        try:
            _wait_for_writer(fd, name, on_wait)
        except BaseException:
            os.close(fd)
            raise
    directory = tempfile.mkdtemp(prefix="logistic-input-")
    try:
        target = os.path.join(directory, os.path.basename(file_name))
        digest = _copy(fd, target, name)
        yield Spooled(target, name, digest)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _copy(fd: int, target: str, name: str) -> str:
    """Copy everything readable from ``fd`` into ``target``; its sha256.

    A write that fails (a full disk), the last buffered one included, which
    fails only when the copy is closed, is an ``OSError`` whose file name is
    ``name`` (the input) and whose message names the temporary folder; a
    read that fails is raised as it is (no room in TMPDIR is not its cause)."""
    h = hashlib.sha256()
    unread: OSError | None = None
    with os.fdopen(fd, "rb", buffering=0) as src:
        try:
            with open(target, "wb") as out:
                while True:
                    try:
                        chunk = src.read(_COPY_BYTES)
                    except OSError as exc:
                        unread = exc
                        break
                    if not chunk:
                        break
                    h.update(chunk)
                    out.write(chunk)
        except OSError as exc:
            folder = os.path.dirname(os.path.dirname(target))
            raise OSError(
                exc.errno,
                f"cannot keep {name} in a temporary file in {folder} "
                f"({exc.strerror}); save the data to a file first, or set "
                "TMPDIR to a folder with more room",
                name,
            ) from None
    if unread is not None:
        raise unread
    return h.hexdigest()
