"""One running fit per checkpoint: the lock a fit holds on its checkpoint path.

Conventions (owned here)
------------------------
* **The lock.** A fit given a checkpoint path takes an exclusive ``flock`` on
  the lock file ``<checkpoint>.lock`` (beside the file the checkpoint writes
  to, :func:`logistic._checkpoint_paths.lock_path`) before it reads or writes
  anything of the checkpoint, and holds it until the fit ends: the resume
  (the read of the checkpoint or of its ``.prev``) and every write happen
  under it. The estimator's ``fit`` takes it once its parameters are checked,
  before the data are read; ``logistic fit --checkpoint`` before it reads the
  data file; :func:`logistic._checkpoint.run_with_checkpoint` takes it too,
  for callers of the solvers. Taking it again where it is already held (the
  same fit, in the same thread and context) is a no-op.
* **A second fit fails at once.** The lock is never waited for: a fit whose
  checkpoint's lock another fit holds raises :class:`CheckpointInUseError`
  naming the checkpoint, the lock file and the holder's process id (which
  the holder writes into the lock file; a fit of another thread of the same
  process is named as this process), and the remedy: wait, or give another
  checkpoint path.
* **Crashes never block.** The kernel releases an ``flock`` when the last
  descriptor of the open file goes, so a fit killed outright (SIGKILL, the
  out-of-memory killer) leaves its lock file unlocked: the next fit takes it
  and writes its own process id. The descriptor is not inherited by programs
  the fit starts (``O_CLOEXEC``), and a forked child closes its copy
  (``os.register_at_fork``), so a child outliving its parent holds nothing.
* **The lock file.** A fit that ends (normally, by an exception or by
  Ctrl-C) removes its lock file; one killed outright leaves it, harmless
  (unlocked, its content only a stale process id). A lock file that is a
  symbolic link, a directory, a FIFO or another non-regular file, or a
  regular file that holds anything but a process id, is refused and left as
  it is (never truncated or removed: it may be someone's file). A fit that
  takes the lock checks that the lock file it locked is still the one under
  the name (a fit that ended may have removed it meanwhile) and otherwise
  locks the new one.
* **Limitations.** Where Python has no ``fcntl`` (Windows) no lock is taken
  and two fits of one checkpoint are not detected there. On network file
  systems the lock is only as good as their ``flock`` (NFS emulates it with
  byte-range locks, seen by every client; some mounts refuse locks, which is
  then an ``OSError`` naming the lock file).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from ._checkpoint_paths import lock_path
from ._exceptions import CheckpointInUseError

try:
    import fcntl
except ImportError:  # not POSIX (Windows): no lock is taken
    fcntl = None  # type: ignore[assignment]

__all__ = ["CheckpointLock", "acquire", "held", "in_use_message"]

#: Times a fit locks the file under the lock's name anew when a fit that
#: ended removed it (or it was replaced) between the open and the lock.
_ATTEMPTS = 8
#: What a lock file may hold: the process id of the fit that holds it.
_PID = re.compile(rb"[0-9]{1,20}\n?")
#: Bytes of a lock file read (a process id is at most 20 digits).
_READ = 64

#: The lock files this process holds: (st_dev, st_ino) -> descriptor.
_HELD: dict[tuple[int, int], int] = {}
#: The lock files the fit of this context holds (taking one again is a no-op).
_MINE: contextvars.ContextVar[frozenset[tuple[int, int]]] = contextvars.ContextVar(
    "logistic_checkpoint_locks", default=frozenset()
)


class CheckpointLock:
    """A lock on a checkpoint path, to :meth:`release` when the fit ends (a
    no-op for one taken again where it was held, or where there is no
    ``flock``)."""

    def __init__(self, fd: int | None, path: Path, key: tuple[int, int]) -> None:
        self.fd, self.path, self.key = fd, path, key
        self.pid = os.getpid()

    def release(self) -> None:
        """Remove the lock file (when it is still the one locked) and drop the
        lock; in a forked child (which holds no lock: its copy of the
        descriptor was closed at the fork) nothing, so that the child never
        removes the parent's lock file nor closes a descriptor since reused."""
        fd, self.fd = self.fd, None
        if fd is None or self.pid != os.getpid():
            return
        _HELD.pop(self.key, None)
        _MINE.set(_MINE.get() - {self.key})
        try:
            if _key(os.lstat(self.path)) == self.key:
                os.unlink(self.path)
        except OSError:
            pass  # removed already, or its folder turned read-only: left unlocked
        os.close(fd)


def acquire(path: str | os.PathLike[str]) -> CheckpointLock:
    """Lock the checkpoint ``path`` for this fit, without waiting.

    Raises
    ------
    CheckpointInUseError
        Another fit holds it (of another process, or of another thread).
    OSError
        The lock file cannot be created or locked (a read-only or missing
        folder, a file system that refuses locks), or it is not a lock file
        (a symbolic link, a directory, a FIFO, a file holding something
        else); the message names it.
    """
    lock = lock_path(path)
    if fcntl is None:  # pragma: no cover - Windows: not detected (module docstring)
        return CheckpointLock(None, lock, (0, 0))
    with contextlib.suppress(OSError):
        key = _key(os.lstat(lock))
        if key in _MINE.get() and key in _HELD:
            return CheckpointLock(None, lock, key)  # this fit holds it already
    for _ in range(_ATTEMPTS):
        fd = _open(lock, path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            pid = _pid_in(fd)
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _in_use(path, lock, pid) from None
            raise OSError(
                exc.errno,
                f"cannot lock {lock}, the lock file of checkpoint {path} "
                f"({exc.strerror}): its file system refuses locks; give a "
                "checkpoint path on a local disk",
            ) from None
        key = _key(os.fstat(fd))
        try:
            current = _key(os.lstat(lock))
        except OSError:
            current = None
        if current != key:  # removed by the fit that held it: lock the new one
            os.close(fd)
            continue
        _claim(fd, lock, path)
        _HELD[key] = fd
        _MINE.set(_MINE.get() | {key})
        return CheckpointLock(fd, lock, key)
    raise _in_use(path, lock, None)  # other fits keep taking and leaving it


@contextlib.contextmanager
def held(path: str | os.PathLike[str] | None) -> Iterator[None]:
    """Hold the lock of the checkpoint ``path`` inside the block (nothing for
    None); see :func:`acquire`."""
    if path is None:
        yield
        return
    lock = acquire(path)
    try:
        yield
    finally:
        lock.release()


def in_use_message(
    path: str | os.PathLike[str],
    lock: str | os.PathLike[str],
    pid: int | None,
    named: str = "checkpoint",
) -> str:
    """The words of :class:`CheckpointInUseError`; ``named`` is how the
    checkpoint is named (the CLI: ``--checkpoint``)."""
    if pid is None:
        who = "another fit (its process id is not known)"
    elif pid == os.getpid():
        who = f"another fit of this process ({pid})"
    else:
        who = f"another fit, process {pid},"
    return (
        f"{named} {path} is in use: {who} holds its lock file {lock} while it "
        "writes that checkpoint, and two fits writing one checkpoint would "
        "overwrite each other's state. Wait until that fit ends, or give this "
        f"fit a {named} path of its own"
    )


def _in_use(
    path: str | os.PathLike[str], lock: Path, pid: int | None
) -> CheckpointInUseError:
    return CheckpointInUseError(
        in_use_message(path, lock, pid), path=str(path), lock_path=str(lock), pid=pid
    )


def _key(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _open(lock: Path, path: str | os.PathLike[str]) -> int:
    """A descriptor of the lock file, created when missing; OSError naming it
    when it cannot be created or opened, or is not a regular file."""
    from ._files import describe_mode

    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(lock, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(lock):
            kind = "a symbolic link"
        elif exc.errno == errno.EISDIR:
            kind = "a directory"
        elif exc.errno == errno.ENOENT:
            raise OSError(
                exc.errno,
                f"cannot create {lock}, the lock file of checkpoint {path}: its "
                f"folder {lock.parent} does not exist; create it, or give a "
                "checkpoint path in an existing folder",
            ) from None
        else:
            raise OSError(
                exc.errno,
                f"cannot create {lock}, the lock file of checkpoint {path} "
                f"({exc.strerror}): a fit holds it while it writes the checkpoint; "
                "give a checkpoint path in a writable folder",
            ) from None
        raise _not_a_lock(lock, path, kind) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _not_a_lock(lock, path, describe_mode(mode))
    return fd


def _not_a_lock(lock: Path, path: str | os.PathLike[str], kind: str) -> OSError:
    from ._files import NotARegularFileError

    return NotARegularFileError(
        errno.EEXIST,
        f"{lock}, the lock file of checkpoint {path}, is {kind}, not a lock "
        "file; it is left as it is: remove it, or give another checkpoint path",
    )


def _claim(fd: int, lock: Path, path: str | os.PathLike[str]) -> None:
    """Write this process's id into the locked ``fd``; a lock file that holds
    anything else is refused (unlocked and left as it is)."""
    data = os.pread(fd, _READ, 0)
    if data and not _PID.fullmatch(data):
        os.close(fd)
        raise _not_a_lock(lock, path, "a file that holds something else")
    with contextlib.suppress(OSError):  # the id only names the holder
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"%d\n" % os.getpid(), 0)


def _pid_in(fd: int) -> int | None:
    """The process id a lock file records, or None."""
    try:
        data = os.pread(fd, _READ, 0)
    except OSError:
        return None
    return int(data) if _PID.fullmatch(data) else None


def _forget_in_child() -> None:
    """In a forked child: close the copies of the parent's lock descriptors
    (the parent keeps its locks; the child holds none)."""
    for fd in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
