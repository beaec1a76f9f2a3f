"""Atomic file writes: a same-directory temporary file, fsync, rename, directory fsync.

Convention: the target is either untouched or holds the complete new content;
with ``overwrite=False`` an existing target is never clobbered (``os.link``
fails instead of replacing). A new file gets the mode ``open()`` would give;
a replaced one keeps its mode, set once the content is written, so that a
read-only target (0444) is replaced as ``mv -f`` replaces it: the rename
needs only the folder's permission.
An existing target that is not a regular file (a device such as /dev/null, a
FIFO, a socket, a directory) is refused: renaming over it would replace the
device node itself.

The temporary file lies in a private folder of its own beside the target,
``.<target>.<host>-<pid>.<random>.tmp/`` (made with mode 0700 and refused
unless this user's: no other user can replace an entry in it), under a
second random name that no other user can list; it is renamed from there
onto the target (the same file system). The caller, the fsync and the
mode's change open it again by name: in a folder shared with other users
(writable, no sticky bit) a temporary file beside the target could be
swapped for a symbolic link between two of those opens, and the content
written into, or the mode changed of, a file of the writer that the link
names. The write's own steps reach the file through a handle on the
private folder, without following a link. Another user can still rename
the private folder itself and put a link in its place (a rename within a
writable folder needs no permission on the folder renamed), but cannot know
the file's name in it: the caller's open then makes a new file elsewhere
and writes into no existing one, and the folder's name, checked before the
file is published, no longer leads to the folder made: refused
(``PermissionError``), the target untouched. An exception, Ctrl-C or
SIGTERM removes the file and its folder; a process killed outright
(SIGKILL, the out-of-memory killer, a power loss) cannot, so the next write
of the same target removes the temporary folders (and plain files, as
earlier versions made them) of that target left by processes of this host
that no longer run (POSIX; a process of another host sharing the folder,
or one still running, keeps its own).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ._files import NotARegularFileError, describe_mode, file_path

__all__ = [
    "atomic_output",
    "atomic_write_bytes",
    "check_name_length",
    "check_replaceable",
    "folder_problem",
    "link_target",
    "name_too_long",
]

#: Symbolic links :func:`link_target` follows before giving up (Linux's limit).
_MAX_LINKS = 40


def link_target(path: str | os.PathLike[str]) -> Path:
    """Where a write through ``path`` lands: ``path`` itself, or the end of its
    chain of symbolic links (a dangling link's missing file), a relative link
    read from the link's folder. A file kept in place by its writer, such as a
    checkpoint, is written there, so that the link stays a link.

    Raises
    ------
    OSError
        ``ELOOP``: the links go round in a loop (or past 40 of them)."""
    target = Path(path)
    for _ in range(_MAX_LINKS):
        try:
            link = os.readlink(target)
        except OSError:  # not a link (or missing, or its folder unreadable)
            return target
        target = target.parent / link  # an absolute link replaces the folder
    raise OSError(errno.ELOOP, f"{path}: too many levels of symbolic links", str(path))


def check_replaceable(target: str | os.PathLike[str]) -> None:
    """Raise :class:`NotARegularFileError` if ``target`` exists and is not a
    regular file (a symbolic link is judged by what it points to)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return  # missing (or unreadable: the write itself will say)
    if not stat.S_ISREG(mode):
        kind = describe_mode(mode)
        what = kind if kind.startswith("not ") else f"{kind}, not a regular file"
        raise NotARegularFileError(
            errno.EEXIST, f"refusing to write {target}: it is {what}", str(target)
        )


def check_name_length(target: Path, directory: Path) -> None:
    """Refuse a file name longer than the folder's file system takes
    (``ENAMETOOLONG`` naming ``target``), before a temporary name derived
    from it is made: that name, longer still, would be the one the error
    named."""
    problem = _name_past_limit(target.name, directory)
    if problem is not None:
        raise OSError(errno.ENAMETOOLONG, problem, str(target))


def _name_past_limit(name: str, directory: Path, what: str = "file name") -> str | None:
    """Why ``name`` cannot be made in ``directory`` (longer than its file
    system's ``NAME_MAX``), or None where it fits or the limit is unknown."""
    try:
        limit = os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no folder, or no such query
        return None
    size = len(os.fsencode(name))
    if limit > 0 and size > limit:
        return (
            f"the {what} is {size} bytes long; the file system of {directory} "
            f"takes at most {limit}"
        )
    return None


def name_too_long(path: object) -> str | None:
    """Why ``path`` names no file that can exist (``ENAMETOOLONG``): its file
    name, or a folder name in it, longer than the file system holding its
    folder takes, or the whole path longer than ``PATH_MAX``; None where no
    such limit is found. The words of an ``ENAMETOOLONG`` error, which the
    system gives without saying which name or which limit."""
    if not isinstance(path, (str, os.PathLike)):  # an error's filename: maybe bytes
        return None
    try:
        problem = _path_past_limit(Path(path))
    except (OSError, ValueError):  # an unreadable folder, a NUL byte
        return None
    return None if problem is None else f"{problem} (no file can have this name)"


def _path_past_limit(path: Path) -> str | None:
    parts = path.parts
    directory = Path(".")  # the deepest folder found: a missing one would be made there
    for i, part in enumerate(parts):
        what = "file name" if i == len(parts) - 1 else "name of a folder in it"
        problem = _name_past_limit(part, directory, what)
        if problem is not None:
            return problem
        if os.path.isdir(directory / part):
            directory = directory / part
    size = len(os.fsencode(os.fspath(path)))
    try:
        limit = os.pathconf(".", "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        return None
    if limit > 0 and size >= limit:
        return f"the path is {size} bytes long; the system takes less than {limit}"
    return None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails with EEXIST instead of clobbering
    except FileExistsError:
        raise FileExistsError(
            errno.EEXIST,
            f"{target} already exists (refusing to overwrite)",
            str(target),
        ) from None
    except OSError:  # pragma: no cover - filesystems without hard links
        if target.exists():
            raise FileExistsError(
                errno.EEXIST,
                f"{target} already exists (refusing to overwrite)",
                str(target),
            ) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _host() -> str:
    """This host's name as a temporary file's name may hold it."""
    # os.uname: no import of socket (~10 ms) on the command line's path
    if hasattr(os, "uname"):
        name = os.uname().nodename
    else:
        name = os.environ.get("COMPUTERNAME", "")
    return re.sub(r"[^A-Za-z0-9]", "", name)[:32] or "host"


def _running(pid: int) -> bool:
    """Whether process ``pid`` of this host runs (or may: no permission)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as another user
        return True
    return True


def _mark(target: str, host: str) -> str:
    """The start of a temporary file's name for ``target`` (a long name
    shortened to 150 bytes as the file system stores it, at a character:
    the whole name must stay within 255 bytes, and a character of CJK text
    is 3 bytes of UTF-8)."""
    short = target[:150]
    while len(os.fsencode(short)) > 150:
        short = short[:-1]
    return f".{short}.{host}-"


def _remove_left_behind(directory: Path, target: str, host: str) -> None:
    """Remove ``.<target>.<host>-<pid>.*.tmp`` files (temporary copies, and
    :func:`link_replace`'s links, whose target is ``PATH.prev``) of processes
    of this host that no longer run (POSIX only: ``os.kill(pid, 0)`` is a probe
    there, and elsewhere it is not)."""
    if os.name != "posix":
        return
    mark = _mark(target, host)
    try:
        entries = [e.name for e in os.scandir(directory)]
    except OSError:
        return
    for name in entries:
        if not (name.startswith(mark) and name.endswith(".tmp")):
            continue
        pid_text = name[len(mark) :].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        if not _running(int(pid_text)):
            with contextlib.suppress(OSError):
                if os.path.isdir(directory / name) and not os.path.islink(
                    directory / name
                ):
                    _remove_left_folder(directory / name)
                else:
                    os.unlink(directory / name)


#: A temporary file's creation: new and ours alone (as ``tempfile.mkstemp``).
_CREATE_FLAGS = (
    os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
)  # fmt: skip


def _new_file_mode(target: Path) -> int:
    """The mode a plain ``open(target, "w")`` would give (created 0600 here)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


#: Held while the umask is set to be read (:func:`_umask`'s fallback).
_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask, read without changing it where Linux reports it
    (``/proc/self/status``, Linux 4.7 on). ``os.umask`` can only read it by
    setting it: the umask is the process's, so another thread's file made
    between the set and the restore took the value set, and two writes
    setting it at once could leave the temporary value as the process's (a
    restrictive umask 077 gave 12 of 800 files saved by four threads the
    mode 0644). Elsewhere it is set, to 077 (a file made meanwhile gets no
    more permission than the owner's), and restored under a lock."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


#: Why a temporary file cannot be made in a folder, by errno (``{}``: the folder).
_FOLDER_ERRORS = {
    errno.ENOENT: "directory {} does not exist",
    errno.ENOTDIR: "{} is not a directory",
    errno.EACCES: "directory {} is not writable",
    errno.EPERM: "directory {} is not writable",
    errno.EROFS: "directory {} is on a read-only file system",
}


def folder_problem(directory: str | os.PathLike[str], code: int) -> str | None:
    """Why no file can be made in ``directory`` after an error of number
    ``code`` (it does not exist, is no folder, is not writable, is read-only),
    or None for another error."""
    why = _FOLDER_ERRORS.get(code)
    return None if why is None else why.format(directory)


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, overwrite: bool = True
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; publish it atomically on success.

    The caller writes the complete file to the yielded path (any library that
    takes a filename works: pyarrow, matplotlib). On normal exit the file is
    fsynced and renamed onto ``path``; on an exception it is deleted and
    ``path`` is left as it was.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        The directory of ``path`` does not exist.
    NotARegularFileError
        ``path`` exists and is a device, FIFO, socket or directory.
    """
    target = Path(file_path(path, "output file"))
    directory = target.parent if str(target.parent) else Path(".")
    check_name_length(target, directory)
    check_replaceable(target)
    if not overwrite and target.exists():
        raise FileExistsError(
            errno.EEXIST,
            f"{target} already exists (refusing to overwrite)",
            str(target),
        )
    host = _host()
    _remove_left_behind(directory, target.name, host)
    # the names are chosen before anything exists (the process id and 48
    # random bits: no other file has it), so that an interrupt (Ctrl-C,
    # SIGTERM) raised at any point after the folder's creation, even before
    # the call that created it returns, finds the name to remove
    token = f"{os.getpid()}.{secrets.token_hex(6)}"
    private = directory / f"{_mark(target.name, host)}{token}.tmp"
    inner = f"{secrets.token_hex(8)}.tmp"  # unknown to anyone who cannot list it
    made = True
    folder: int | None = None
    try:
        try:
            os.mkdir(private, 0o700)
        except FileExistsError:
            made = False  # another file of that name: not ours to remove
            raise
        except OSError as exc:  # named by the folder and the target, not the temp
            why = folder_problem(directory, exc.errno or 0)
            if why is None:
                raise
            raise type(exc)(exc.errno, why, str(target)) from None
        folder = _open_private(private)
        os.close(_open_in(folder, private, inner, _CREATE_FLAGS))
        yield private / inner
        _check_private(private, folder, target)
        fd = _open_in(folder, private, inner, os.O_RDWR | _NOFOLLOW)
        try:
            os.fsync(fd)
            # the mode last: a read-only target's 0444 would refuse the writer
            # (and the fsync's write handle); the rename needs only the folder
            if folder is None:  # pragma: no cover - Windows: no fchmod
                os.chmod(private / inner, _new_file_mode(target))
            else:
                os.fchmod(fd, _new_file_mode(target))
        finally:
            os.close(fd)
        _publish(private / inner, target, overwrite)
        _fsync_dir(directory)
    finally:
        if made:
            with contextlib.suppress(OSError):
                _remove_private(private, folder)
        if folder is not None:
            os.close(folder)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

#: Whether a file can be opened relative to a folder's handle (POSIX).
_AT = os.open in os.supports_dir_fd and os.unlink in os.supports_dir_fd


def _open_private(private: Path) -> int | None:
    """A handle on the private folder just made (none where the system opens
    no folders), refused unless this user owns it (another user's folder
    renamed into its place would let that user swap the file in it); a file
    system that maps every owner to one (FAT, SMB, NFS's squashed root)
    gives it the owner of the folder it lies in, which is accepted too. Its
    mode is not checked: such file systems show a fixed one."""
    if not _AT:  # pragma: no cover - Windows
        return None
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW
    folder = os.open(private, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        owner = os.fstat(folder).st_uid
        if owner != os.geteuid() and owner != os.stat(private.parent).st_uid:
            raise PermissionError(
                errno.EPERM,
                f"the temporary folder {private} is not this user's (owner "
                f"{owner}): another user put a folder in its place",
                str(private),
            )
    except BaseException:
        os.close(folder)
        raise
    return folder


def _open_in(folder: int | None, private: Path, name: str, flags: int) -> int:
    """Open ``name`` in the private folder, through its handle where there is
    one (no link on the way is followed), with mode 0600 if it is created."""
    if folder is None:  # pragma: no cover - Windows
        return os.open(private / name, flags, 0o600)
    return os.open(name, flags, 0o600, dir_fd=folder)


def _check_private(private: Path, folder: int | None, target: Path) -> None:
    """Refuse to publish where ``private``'s name no longer leads to the
    folder made (another user renamed it and put something in its place
    while the caller wrote: the content went elsewhere)."""
    if folder is None:  # pragma: no cover - Windows
        return
    try:
        same = os.path.samestat(os.lstat(private), os.fstat(folder))
    except OSError:
        same = False
    if not same:
        raise PermissionError(
            errno.EPERM,
            f"refusing to write {target}: its temporary folder {private} was "
            "replaced while the file was written (by another user of the folder?)",
            str(target),
        )


def _remove_private(private: Path, folder: int | None) -> None:
    """Remove a private temporary folder and the files in it, through its
    handle ``folder`` (no link followed), and the folder itself only where
    its name still leads to it. Without a handle nothing was made in it (on
    POSIX): it is removed by name, as an empty folder."""
    if folder is None:
        if not _AT:  # pragma: no cover - Windows
            for entry in os.scandir(private):
                os.unlink(entry.path)
        os.rmdir(private)
        return
    for name in os.listdir(folder):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=folder)
    if os.path.samestat(os.lstat(private), os.fstat(folder)):
        os.rmdir(private)


def _remove_left_folder(private: Path) -> None:
    """Remove a private temporary folder of a process no longer running
    (:func:`_remove_private`, through a handle opened here)."""
    folder = _open_private(private)
    try:
        _remove_private(private, folder)
    finally:
        if folder is not None:
            os.close(folder)


def link_replace(source: Path, target: Path) -> bool:
    """Make ``target`` a second name of ``source``'s file, atomically, leaving
    ``source`` in place: a hard link under a temporary name beside
    ``target`` (:func:`_remove_left_behind`'s pattern), renamed onto it.
    False, with nothing changed, where the file system refuses hard links
    (the caller then renames ``source``)."""
    directory = target.parent if str(target.parent) else Path(".")
    host = _host()
    _remove_left_behind(directory, target.name, host)  # killed processes' links
    with contextlib.suppress(OSError):
        if os.path.samefile(source, target):  # a write killed after the link
            return True  # (rename onto a second name of one file does nothing)
    tmp = directory / f"{_mark(target.name, host)}{os.getpid()}.link.tmp"
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.link(source, tmp)
    except OSError:
        return False
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes | Callable[[BinaryIO], None],
    *,
    overwrite: bool = True,
) -> Path:
    """Write ``data`` (bytes, or a callable writing to a binary file) atomically.

    An :class:`OSError` of the write itself (a full disk: ENOSPC) names
    ``path``, as one of opening it does."""
    try:
        with atomic_output(path, overwrite=overwrite) as tmp, open(tmp, "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
            fh.flush()
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    return Path(path)
