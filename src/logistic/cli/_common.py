"""Shared CLI pieces: exit codes, consoles, error mapping, output paths, progress.

Exit codes (sysexits style, stable): 0 ok · 1 internal bug · 2 usage (bad
option, missing optional extra) · 65 data error (bad data or model file) ·
66 input missing or unreadable (also a FIFO, socket or device given as an
input file) · 73 cannot create output (exists without
``--force``, missing directory, same file as an input) · 74 I/O error while
reading or writing · 130 interrupted · 141 standard output closed by its
reader (``| head``), quietly. Diagnostics go to stderr; results to
stdout. Output files are checked *before* any work and written atomically
(:func:`logistic.io.atomic_output`).
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from rich.console import Console

EX_OK = 0
EX_SOFTWARE = 1
EX_USAGE = 2
EX_DATAERR = 65
EX_NOINPUT = 66
EX_CANTCREAT = 73
EX_IOERR = 74
EX_INTERRUPTED = 130
EX_PIPE = 141  # 128 + SIGPIPE: standard output closed by its reader

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class CLIError(Exception):
    """An error to report as one line on stderr with a given exit code."""

    def __init__(self, message: str, code: int = EX_DATAERR) -> None:
        super().__init__(message)
        self.code = code


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an exception raised by a command."""
    from .._exceptions import InvalidParameterError, LogisticError
    from .._files import NotARegularFileError

    if isinstance(exc, CLIError):
        return exc.code
    if isinstance(exc, KeyboardInterrupt):
        return EX_INTERRUPTED
    if isinstance(exc, MemoryError):
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
        return EX_IOERR
    return EX_SOFTWARE


#: Estimator parameters that ``logistic fit`` exposes as options.
CLI_PARAMETERS = (
    "penalty",
    "alpha",
    "l1_ratio",
    "solver",
    "class_weight",
    "max_iter",
    "tol",
)
_PARAMETER_TEXT = re.compile(r"^The '(\w+)' parameter of \w+ must be")


def _as_option(message: str) -> str:
    """``The 'l1_ratio' parameter of LogisticRegression must be`` → ``--l1-ratio
    must be`` (the CLI user typed an option, not a Python parameter)."""
    match = _PARAMETER_TEXT.match(message)
    if match is None or match.group(1) not in CLI_PARAMETERS:
        return message
    option = "--" + match.group(1).replace("_", "-")
    rest = message[match.end() :]
    if option == "--penalty":
        rest = rest.replace("None or a str among", "'none' or one of")
    return f"{option} must be" + rest


def error_message(exc: BaseException) -> str:
    """One line for stderr, naming options as the CLI spells them."""
    from ._spelling import cli_spelling

    return cli_spelling(_error_text(exc))


def _error_text(exc: BaseException) -> str:
    from .._exceptions import InvalidParameterError

    if isinstance(exc, InvalidParameterError):
        return _as_option(" ".join(str(exc).split()))
    if "force_resume=True" in str(exc):  # a Python-only remedy: no CLI option
        return str(exc).replace(", or pass force_resume=True to resume anyway", "")
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, MemoryError):
        return (
            "out of memory: the data do not fit in memory; fit with --stream "
            "(numeric feature columns, read in chunks) or on Dask with --workers N"
        )
    if isinstance(exc, OSError) and not isinstance(exc, CLIError):
        text = exc.strerror if exc.filename and exc.strerror else str(exc)
        if exc.filename and str(exc.filename) not in text:
            text = f"{exc.filename}: {text}"
        return text
    if exit_code_for(exc) == EX_SOFTWARE:
        return (
            f"internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for details)"
        )
    return str(exc)


def check_output(
    path: str | os.PathLike[str] | None,
    *,
    force: bool,
    inputs: tuple[str | os.PathLike[str], ...] = (),
) -> Path | None:
    """Refuse an output path up front (exit 73): missing directory, existing file
    without ``--force``, a directory, or the same file as an input."""
    if path is None:
        return None
    out = Path(path)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise CLIError(
            f"cannot create {out}: directory {parent} does not exist", EX_CANTCREAT
        )
    if not os.access(parent, os.W_OK):
        raise CLIError(
            f"cannot create {out}: directory {parent} is not writable", EX_CANTCREAT
        )
    if out.is_dir():
        raise CLIError(f"cannot create {out}: it is a directory", EX_CANTCREAT)
    for item in inputs:
        if out.exists() and Path(item).exists() and os.path.samefile(out, item):
            raise CLIError(
                f"refusing to write {out}: it is the input file {item}", EX_CANTCREAT
            )
    if out.is_symlink():
        raise CLIError(f"refusing to write {out}: it is a symbolic link", EX_CANTCREAT)
    if out.exists() and not force:
        raise CLIError(
            f"{out} already exists; pass --force to overwrite it", EX_CANTCREAT
        )
    return out


@contextmanager
def writing(path: Path, *, force: bool) -> Iterator[Path]:
    """Atomic output with exit code 73/74 on failure (see :func:`atomic_output`)."""
    from ..io import atomic_output

    try:
        with atomic_output(path, overwrite=force) as tmp:
            yield tmp
    except FileExistsError:
        raise CLIError(
            f"{path} already exists; pass --force to overwrite it", EX_CANTCREAT
        ) from None
    except FileNotFoundError as exc:
        raise CLIError(
            f"cannot create {path}: {exc.strerror or exc}", EX_CANTCREAT
        ) from None
    except PermissionError as exc:
        raise CLIError(
            f"cannot create {path}: {exc.strerror or exc}", EX_CANTCREAT
        ) from None
    except OSError as exc:
        raise CLIError(
            f"error writing {path}: {exc.strerror or exc}", EX_IOERR
        ) from None


def show_progress() -> bool:
    """Progress displays only for an interactive stderr."""
    return err_console.is_terminal and not os.environ.get("LOGISTIC_NO_PROGRESS")


@contextmanager
def status(message: str) -> Iterator[Any]:
    """A rich spinner on stderr while a step runs (nothing when not a terminal)."""
    if not show_progress():
        yield None
        return
    with err_console.status(message) as st:
        yield st


class IterationSink(io.TextIOBase):
    """A stdout stand-in that turns the solvers' verbose lines into a status text.

    Solvers print ``[name] iter=3 objective=0.57 grad_max_norm=1e-05 ...`` per
    iteration when ``verbose > 0``; ``update`` receives a short summary.
    """

    def __init__(self, update: Any) -> None:
        self.update = update
        self._buffer = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            if "iter" in fields:
                solver = line.split("]", 1)[0].lstrip("[")
                self.update(
                    f"fitting ({solver}): iteration {fields['iter']}, objective "
                    f"{fields.get('objective', '?')}, max|grad| "
                    f"{fields.get('grad_max_norm', '?')}"
                )
        return len(text)


@contextmanager
def fitting_progress(model: Any, message: str) -> Iterator[None]:
    """Spinner with the solver's current iteration on an interactive stderr."""
    if not show_progress():
        yield
        return
    previous = model.verbose
    model.verbose = max(1, int(previous or 0))
    try:
        with err_console.status(message) as st:
            sink = IterationSink(lambda text: st.update(text))
            with redirect_stdout(sink):
                yield
    finally:
        model.verbose = previous


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Record warnings raised inside (to print them once and store them), with
    parameters spelt as CLI options (:func:`._spelling.cli_spelling`)."""
    from ._spelling import cli_spelling

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        messages: list[str] = []
        yield messages
    seen = set()
    for w in caught:
        if issubclass(w.category, DeprecationWarning):
            continue
        text = cli_spelling(f"{w.category.__name__}: {w.message}")
        if text not in seen:
            seen.add(text)
            messages.append(text)


def warn(message: str) -> None:
    """A warning line on stderr."""
    err_console.print(
        f"warning: {message}", markup=False, highlight=False, soft_wrap=True
    )


def note(message: str) -> None:
    """An informational line on stderr."""
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)


def parse_list(values: list[str] | None) -> list[str] | None:
    """``["a,b", "c"]`` → ``["a", "b", "c"]``; None stays None."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def require_inputs(
    *,
    data: str | os.PathLike[str] | None = None,
    model: str | os.PathLike[str] | None = None,
) -> None:
    """Missing inputs are reported (exit 66) before anything about outputs."""
    if model is not None:
        p = Path(model)
        if not p.exists():
            raise CLIError(f"model file {model} does not exist", EX_NOINPUT)
        if p.is_dir():
            raise CLIError(f"model file {model} is a directory", EX_NOINPUT)
    if data is not None:
        from ..tabular._read import check_path

        check_path(str(data))


def load_model_file(path: str) -> Any:
    """Read a model file; a missing file is exit 66, a bad one exit 65."""
    from ..io import read_model_file

    p = Path(path)
    require_inputs(model=p)
    with collect_warnings() as messages:
        mf = read_model_file(p)
    for m in messages:
        warn(m)
    return mf
