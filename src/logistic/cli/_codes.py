"""Exit codes of the ``logistic`` command and the exception each stands for.

Convention (owned here; sysexits style, stable): 0 ok · 1 internal bug ·
2 usage (bad option, missing optional extra) · 65 data error (bad data or
model file) · 66 input missing or unreadable (also a FIFO, socket or device
given as an input file, and a name too long for the file system, which no
file can have) · 73 cannot create output (exists without
``--force``, missing directory, same file as an input, a checkpoint another
running fit holds) · 74 I/O or service
error: reading or writing failed, out of memory, a Dask scheduler that
cannot be reached, and a Dask cluster that fails during the fit (scheduler
lost, evaluation timed out, workers out of memory: the data are not at
fault, a rerun may succeed) · 130 interrupted · 141 standard output closed
by its reader (``| head``), quietly · 143 terminated (SIGTERM: ``kill``,
``timeout``, a batch scheduler), and 129 hung up (SIGHUP: the terminal or
the SSH session closed), each cleaned up as after Ctrl-C.

Only the standard library is imported at module level: the entry point
reads these codes before anything heavy is loaded.
"""

from __future__ import annotations

import errno
import sys

__all__ = [
    "EX_CANTCREAT",
    "EX_DATAERR",
    "EX_HANGUP",
    "EX_INTERRUPTED",
    "EX_IOERR",
    "EX_NOINPUT",
    "EX_OK",
    "EX_PIPE",
    "EX_SOFTWARE",
    "EX_TERMINATED",
    "EX_USAGE",
    "CLIError",
    "Terminated",
    "exit_code_for",
    "is_cluster_fault",
    "missing_extra",
]

EX_OK = 0
EX_SOFTWARE = 1
EX_USAGE = 2
EX_DATAERR = 65
EX_NOINPUT = 66
EX_CANTCREAT = 73
EX_IOERR = 74
EX_INTERRUPTED = 130  # 128 + SIGINT
EX_PIPE = 141  # 128 + SIGPIPE: standard output closed by its reader
EX_TERMINATED = 143  # 128 + SIGTERM
EX_HANGUP = 129  # 128 + SIGHUP
#: SIGHUP's number (POSIX; the signal module is not imported here)
SIGHUP = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, or SIGHUP (``signum`` 1), raised where the command runs (the
    console script's handler, :func:`logistic.cli.app.main`): a
    KeyboardInterrupt, so that every clean-up made for Ctrl-C runs (temporary
    outputs removed, checkpoints kept, a Dask cluster closed quietly)."""

    def __init__(self, signum: int = 15) -> None:
        super().__init__()
        self.signum = signum

    @property
    def words(self) -> str:
        """How the error line says it: ``terminated (SIGTERM)``."""
        return "hung up (SIGHUP)" if self.signum == SIGHUP else "terminated (SIGTERM)"


class CLIError(Exception):
    """An error to report as one line on stderr with a given exit code."""

    def __init__(self, message: str, code: int = EX_DATAERR) -> None:
        super().__init__(message)
        self.code = code


def is_cluster_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is a fault of the Dask cluster (not of the data)."""
    if "logistic.backends._dask_faults" not in sys.modules:
        return False  # no Dask fit ran in this process
    from ..backends._dask_errors import DaskClusterError

    return isinstance(exc, DaskClusterError)


def missing_extra(exc: BaseException) -> CLIError | None:
    """A usage error (exit 2) naming the extra to install, for ``exc`` an
    import of a module of an optional extra that is not installed (the
    command line itself without the ``cli`` extra, a Parquet file without
    pyarrow, ``--formula`` without formulaic); None for any other error."""
    from .._messages import extra_needed

    if not isinstance(exc, ImportError):
        return None
    if "pip install 'logistic[" in str(exc):  # the library named it already
        return CLIError(str(exc), EX_USAGE)
    text = extra_needed("this command", exc)  # None unless not installed
    return None if text is None else CLIError(text, EX_USAGE)


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an exception raised by a command."""
    from .._exceptions import CheckpointInUseError, InvalidParameterError, LogisticError
    from .._files import NotARegularFileError

    if isinstance(exc, CLIError):
        return exc.code
    if isinstance(exc, CheckpointInUseError):
        return EX_CANTCREAT
    if isinstance(exc, Terminated):
        return EX_HANGUP if exc.signum == SIGHUP else EX_TERMINATED
    if isinstance(exc, KeyboardInterrupt):
        return EX_INTERRUPTED
    if isinstance(exc, MemoryError) or is_cluster_fault(exc):
        return EX_IOERR
    if isinstance(exc, InvalidParameterError):
        return EX_USAGE
    if isinstance(exc, (LogisticError, ValueError)):
        return EX_DATAERR
    if isinstance(
        exc,
        (FileNotFoundError, IsADirectoryError, PermissionError, NotARegularFileError),
    ):
        return EX_NOINPUT
    if isinstance(exc, OSError):
        # a name no file can have: an input that cannot exist (every output
        # is checked for it up front, exit 73), not a passing I/O fault
        return EX_NOINPUT if exc.errno == errno.ENAMETOOLONG else EX_IOERR
    return EX_SOFTWARE
