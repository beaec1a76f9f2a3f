"""Opening input files safely: regular files only, size checked before reading.

Convention (owned here): every file ``logistic`` reads on a user's behalf
(model files, data files, checkpoints) is opened through :func:`open_regular`.
A FIFO, socket or device would block ``open()`` forever or stream without end
(``/dev/zero``), so the file is opened with ``O_NONBLOCK`` (which never blocks,
even on a FIFO with no writer), then ``fstat`` on the open descriptor decides:
anything but a regular file is refused before a byte is read. Checking the
descriptor rather than the path leaves no window in which the path can be
swapped for something else. Symbolic links are followed: the target is what
is checked.

Standard input (``"-"``) and pipes are not files; commands that accept them
read them through their own streaming path, never through this function.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

__all__ = ["NotARegularFileError", "open_regular", "describe_mode"]


class NotARegularFileError(OSError):
    """A path names a FIFO, socket, device or other non-regular file."""


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
        The path is a FIFO, socket or device.
    ValueError
        The file is larger than ``max_bytes`` (message names size and limit).
    """
    p = os.fspath(path)
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
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(f"{what} {p} is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFileError(
                f"{what} {p} is {describe_mode(st.st_mode)}, not a regular file; "
                "save the data to a file first"
            )
        if max_bytes is not None and st.st_size > max_bytes:
            raise ValueError(
                f"{what} {p} is {st.st_size} bytes, more than the limit of "
                f"{max_bytes} bytes"
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
