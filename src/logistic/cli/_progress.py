"""Progress of a command on stderr: rows read, iterations, data passes.

Convention (owned here): where progress goes is decided once per step by
:func:`progress_mode`:

* ``"terminal"`` — stderr is a terminal (:func:`show_progress`): a live
  status line (a spinner, or a bar while reading a file whose size is
  known), redrawn in place;
* ``"lines"`` — stderr is a pipe or a log file (``FORCE_COLOR`` too), or a
  terminal that cannot redraw a line (``TERM=dumb`` or ``unknown``, as in
  Emacs' shell, where rich draws no live display at all): a plain line at
  most every ``LOGISTIC_PROGRESS_INTERVAL`` seconds (default
  :data:`DEFAULT_INTERVAL`; 0 prints every event), and nothing for a step
  shorter than that;
* ``"off"`` — ``--quiet`` or ``LOGISTIC_NO_PROGRESS`` set.

Progress never goes to stdout. A fit reports through callables, never
through printed text: the solver calls ``callback(entry)`` after every
iteration (``LogisticRegression.fit(..., callback=...)``; the entry holds
``iter``, ``objective``, ``grad_max_norm``, ``step``, ``time``,
``n_passes``), the out-of-core and Dask backends call ``progress(info)``
after every pass over the data (``rows``, ``seconds``), and the file reader
calls ``on_progress(rows_read, bytes_read, bytes_total)`` (``bytes_total``
None when unknown, e.g. standard input).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from ._common import err_console, note

__all__ = [
    "DEFAULT_INTERVAL",
    "FitProgress",
    "Quiet",
    "QuietEvaluate",
    "QuietMargins",
    "QuietReading",
    "ReadProgress",
    "Ticker",
    "iteration_text",
    "progress_interval",
    "progress_mode",
    "quiet_option",
    "show_progress",
    "status",
]

#: Seconds between two plain progress lines when stderr is not a terminal.
DEFAULT_INTERVAL = 5.0
#: The environment variable that sets that interval (seconds, >= 0).
INTERVAL_ENV = "LOGISTIC_PROGRESS_INTERVAL"


def quiet_option(progress: str, kept: str = "warnings and errors") -> Any:
    """The ``--quiet`` flag of a command whose progress lines on stderr are
    ``progress`` (what that command shows, as its help says it); ``kept``
    are the lines it still prints."""
    return Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            metavar="",
            help=f"No progress on stderr ({progress}); {kept} are still shown.",
        ),
    ]


#: ``fit``'s ``--quiet``.
Quiet = quiet_option(
    "rows read; the fit's iterations and passes; the cross-validation folds"
)
#: ``predict``'s and ``report``'s: reading is their progress.
QuietReading = quiet_option(
    "the rows read so far",
    "notes (columns ignored, the file written), warnings and errors",
)
#: ``evaluate``'s: no output file.
QuietEvaluate = quiet_option(
    "the rows read so far", "notes (columns ignored), warnings and errors"
)
#: ``margins``': its two notes on reading the table are left out too.
QuietMargins = quiet_option(
    "rows read; the effects being computed) and no notes on reading the table "
    "(categorical effects, overdispersion",
    "the line naming the file written, warnings and errors",
)


def show_progress() -> bool:
    """Whether stderr is an interactive terminal that shows live progress
    (not a dumb one, nor one that ``TTY_INTERACTIVE=0`` declares not
    interactive: rich draws neither a bar nor a spinner there, so a fit
    would show nothing at all; it gets the plain lines instead). It must be
    a terminal indeed: ``FORCE_COLOR`` (set in CI for coloured logs) makes
    rich treat a pipe or log file as one, which would then receive the live
    display's redraws (cursor moves, ``\r``, a bar redrawn many times)."""
    return (
        _stderr_is_a_tty()
        and err_console.is_terminal
        and bool(err_console.is_interactive)  # not dumb, nor TTY_INTERACTIVE=0
        and not os.environ.get("LOGISTIC_NO_PROGRESS")
    )


def _stderr_is_a_tty() -> bool:
    isatty = getattr(err_console.file, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # closed
        return False


def progress_mode(quiet: bool = False) -> str:
    """``"terminal"``, ``"lines"`` or ``"off"`` (see the module docstring)."""
    if quiet or os.environ.get("LOGISTIC_NO_PROGRESS"):
        return "off"
    return "terminal" if show_progress() else "lines"


def progress_interval() -> float:
    """Seconds between plain progress lines (``LOGISTIC_PROGRESS_INTERVAL``).

    A value that is not a number >= 0 is an error naming the variable.
    """
    text = os.environ.get(INTERVAL_ENV)
    if text is None or not text.strip():
        return DEFAULT_INTERVAL
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0.0 or value == float("inf"):
        from ._codes import EX_USAGE, CLIError

        raise CLIError(
            f"{INTERVAL_ENV} must be a number of seconds >= 0, got {text[:100]!r}",
            EX_USAGE,
        )
    return value


class Ticker:
    """Says when the next plain line is due: at most one per ``interval``."""

    def __init__(
        self, interval: float, clock: Callable[[], float] | None = None
    ) -> None:
        self.interval = interval
        self.clock = time.monotonic if clock is None else clock
        self.start = self.clock()
        self._next = self.start + interval

    def elapsed(self) -> float:
        return self.clock() - self.start

    def due(self) -> bool:
        """True (and the next line scheduled) when a line should be printed now."""
        now = self.clock()
        if now < self._next:
            return False
        self._next = now + self.interval
        return True


@contextmanager
def status(message: str, quiet: bool = False) -> Iterator[Any]:
    """A spinner on stderr while a step runs (only on a terminal)."""
    if quiet or not show_progress():
        yield None
        return
    with err_console.status(literal(message)) as st:
        yield st


def literal(text: str) -> str:
    """``text`` with rich's markup escaped, so that a spinner, which reads a
    ``str`` as markup, prints it as written: a file name such as
    ``a[/x].csv`` would fail to parse there or style the line. Its
    unprintable characters are escaped first
    (:func:`logistic._messages.printable`): rich passes a terminal escape or
    a bidi control in a file name on to the terminal, which acts on it."""
    from rich.markup import escape

    from .._messages import printable

    return escape(printable(text))


def _number(value: Any, spec: str) -> str:
    return "?" if value is None else format(float(value), spec)


def iteration_text(entry: Mapping[str, Any]) -> str:
    """``iteration 3, objective 0.57, max|grad| 1e-05`` from a history entry."""
    return (
        f"iteration {entry.get('iter', '?')}, objective "
        f"{_number(entry.get('objective'), '.6g')}, max|grad| "
        f"{_number(entry.get('grad_max_norm'), '.3g')}"
    )


def _size(n: float) -> str:
    """Bytes as ``12.3 MB`` (decimal units, as file managers show sizes)."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover - the loop returns at GB


class ReadProgress:
    """Rows read and rows/s while a file is read; a bar when its size is known.

    The instance is the reader's ``on_progress(rows_read, bytes_read,
    bytes_total)`` callable; use it inside :meth:`live`.
    """

    def __init__(self, name: str, quiet: bool = False) -> None:
        from .._messages import printable

        self.name = printable(name)  # shown as spelt, never acted on
        self.mode = progress_mode(quiet)
        self.rows = 0
        self._ticker: Ticker | None = None
        self._bar: Any = None
        self._task: Any = None

    def text(self, rows: int, done: int, total: int | None) -> str:
        """``reading d.csv: 1,200 rows, 4.5 MB of 9.0 MB (50%), 3,000 rows/s``."""
        assert self._ticker is not None
        seconds = self._ticker.elapsed()
        rate = f", {rows / seconds:,.0f} rows/s" if seconds > 0 else ""
        size = _size(done)
        if total:
            size += f" of {_size(total)} ({100 * done / total:.0f}%)"
        return f"reading {self.name}: {rows:,} rows, {size}{rate}"

    def __call__(self, rows: int, done: int, total: int | None) -> None:
        self.rows = int(rows)
        if self._ticker is None:
            return
        if self.mode == "lines":
            if self._ticker.due():
                note(self.text(rows, done, total))
        elif self._bar is not None:
            self._bar.update(
                self._task,
                completed=done,
                total=total,
                description=self.text(rows, done, total),
            )

    @contextmanager
    def live(self) -> Iterator[ReadProgress | None]:
        """Yields the ``on_progress`` callable (None when progress is off)."""
        if self.mode == "off":
            yield None
            return
        self._ticker = Ticker(progress_interval())
        if self.mode == "lines":
            try:
                yield self
            finally:
                self._ticker = None
            return
        from rich.progress import BarColumn, Progress, TextColumn

        columns = (TextColumn("{task.description}", markup=False), BarColumn())
        with Progress(*columns, console=err_console.rich, transient=True) as bar:
            self._bar = bar
            self._task = bar.add_task(f"reading {self.name} ...", total=None)
            try:
                yield self
            finally:
                self._bar = self._task = self._ticker = None


class FitProgress:
    """The progress of one fit: its iterations and its passes over the data.

    :meth:`on_iteration` is the estimator's ``callback``; the instance itself
    is a backend's ``progress`` callable. On a terminal it updates a status
    line; otherwise it prints a plain line at most every
    :func:`progress_interval` seconds.
    """

    def __init__(self, quiet: bool = False) -> None:
        self.passes = 0
        self.rows = 0
        self.seconds = 0.0
        self.iteration = ""
        self.quiet = quiet
        self._status: Any = None
        self._ticker: Ticker | None = None

    def __call__(self, info: Mapping[str, float]) -> None:
        self.passes += 1
        self.rows += int(info.get("rows", 0))
        self.seconds += float(info.get("seconds", 0.0))
        self._show()

    def on_iteration(self, entry: Mapping[str, Any]) -> None:
        self.iteration = f"fitting: {iteration_text(entry)}"
        self._show()

    def line(self) -> str:
        """The current state in one line (passes first when streaming)."""
        parts = [self.iteration] if self.iteration else []
        if self.passes:
            rate = self.rows / self.seconds if self.seconds > 0 else 0.0
            parts.insert(
                0, f"pass {self.passes}: {self.rows:,} rows, {rate:,.0f} rows/s"
            )
        return " | ".join(parts)

    def _show(self) -> None:
        if self._status is not None:
            text = self.line()
            if text:
                self._status.update(literal(text))
        elif self._ticker is not None and self._ticker.due():
            text = self.line()
            if text:
                note(f"{text} ({self._ticker.elapsed():.1f}s)")

    def summary(self) -> str:
        """``N passes over the data, R rows read in S s (rows/s)``."""
        rate = self.rows / self.seconds if self.seconds > 0 else float("nan")
        return (
            f"{self.passes} passes over the data, {self.rows:,} rows read in "
            f"{self.seconds:.1f}s ({rate:,.0f} rows/s)"
        )

    @contextmanager
    def live(
        self, message: str
    ) -> Iterator[Callable[[Mapping[str, Any]], None] | None]:
        """Progress while the fit runs; yields the ``callback`` to give ``fit``
        (None when progress is off)."""
        mode = progress_mode(self.quiet)
        if mode == "off":
            yield None
            return
        if mode == "lines":
            self._ticker = Ticker(progress_interval())
            try:
                yield self.on_iteration
            finally:
                self._ticker = None
            return
        with err_console.status(literal(message)) as st:
            self._status = st
            try:
                yield self.on_iteration
            finally:
                self._status = None
