"""The CLI's two consoles (stdout, stderr): rich's, imported on first need.

A command that prints only plain text to a file or pipe (``logistic fit`` on
the UCLA file: the summary table, notes on stderr) writes it as rich would,
the text and a newline, without importing rich (≈ 20 ms of its start-up).
That path is taken only where rich's output is known to be exactly that:

* the text is a ``str`` printed without markup, style or highlighting, with
  soft wrapping on (the consoles' settings: markup is off), without control
  characters or tabs (rich strips the former and expands the latter);
* the stream is not a terminal (``isatty()`` false), no variable that rich
  reads to decide otherwise is set (``FORCE_COLOR``, ``TTY_COMPATIBLE``,
  ``TTY_INTERACTIVE``), and neither IPython nor IDLE is loaded;
* the stream encodes the text (rich adds a hint to an encoding error).

Everything else (terminals, ``status``, progress bars, styled text) goes to
rich's ``Console``, made on first use with the same settings.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any, TextIO

__all__ = ["LazyConsole", "console", "err_console"]

#: Environment variables with which rich may treat a pipe as a terminal.
_RICH_TERMINAL_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
#: The keywords of a plain print and the values that keep it plain.
_PLAIN_KEYWORDS = {
    "markup": (False,),
    "highlight": (False, None),
    "soft_wrap": (True, None),
}


#: The longest word of a table's cells kept whole on a narrow console (every
#: number fits; a longer label is cut, with ``…``, rather than widen the table).
_WORD_KEPT = 32


def _has_control(text: str) -> bool:
    """Whether ``text`` has a character rich would strip or expand (C0 controls
    but the newline, DEL)."""
    return any((c < " " and c != "\n") or c == "\x7f" for c in text)


class LazyConsole:
    """rich's ``Console(stderr=stderr, highlight=False, soft_wrap=True,
    emoji=False, markup=False)``, made on first use; plain text to a non-terminal is
    written directly (see the module doc). Other attributes are the
    console's."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Any = None

    @property
    def file(self) -> TextIO:
        """The stream written to (looked up at each write, as rich does)."""
        return sys.stderr if self._stderr else sys.stdout

    @property
    def rich(self) -> Any:
        """The rich console (imported and made on first use)."""
        if self._console is None:
            self._console = _make_console(self._stderr)
        return self._console

    def _plain_stream(self) -> bool:
        """Whether rich would treat the stream as a plain, non-terminal file."""
        if any(os.environ.get(name) is not None for name in _RICH_TERMINAL_ENV):
            return False
        if "IPython" in sys.modules or "idlelib" in sys.modules:
            return False
        isatty = getattr(self.file, "isatty", None)
        try:
            return isatty is not None and not isatty()
        except ValueError:  # closed: rich decides
            return False

    @property
    def is_terminal(self) -> bool:
        """rich's ``Console.is_terminal`` (False without rich on a plain file)."""
        return False if self._plain_stream() else bool(self.rich.is_terminal)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """rich's ``Console.print``; plain text to a plain file directly."""
        if self._plain(objects, kwargs):
            try:
                self.file.write(objects[0] + "\n")
                self.file.flush()
            except BrokenPipeError:  # rich's reaction, as if it had written
                self.rich.on_broken_pipe()
            return
        self.rich.print(*objects, **kwargs)

    def print_table(self, table: Any, **kwargs: Any) -> None:
        """Print a rich ``Table`` whose cells are never cut inside a word: on
        a console narrower than the table (``COLUMNS=40``, a narrow
        terminal), rich would cut every cell to fit, numbers too (``0.…``
        for ``0.5732``, ``17…`` for a count of 1735). Each column is kept at
        least as wide as the longest word of its cells, up to
        :data:`_WORD_KEPT` characters (cells still wrap at spaces; a header
        may still be cut, with ``…``); a table that is then
        wider than the console is printed whole, its lines wrapped by the
        terminal."""
        from .._messages import text_width

        needed = 1  # the left edge; then each column, its padding and border
        for column in table.columns:
            words = [w for cell in column.cells for w in str(cell).split()]
            longest = max((text_width(w) for w in words), default=1)
            column.min_width = max(column.min_width or 0, min(longest, _WORD_KEPT))
            needed += column.min_width + 3
        rich = self.rich
        # laid out at the width those minimums need where the console is
        # narrower: rich gives a column no room at all (its cells dropped)
        # when it squeezes a table far below them (COLUMNS=5)
        if table.width is None and needed > rich.width:
            table.width = needed
        rich.print(table, **kwargs)

    def _plain(self, objects: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        if len(objects) != 1 or type(objects[0]) is not str:
            return False
        if kwargs.get("markup", False) is not False:  # the consoles' default: off
            return False
        if any(
            key not in _PLAIN_KEYWORDS or value not in _PLAIN_KEYWORDS[key]
            for key, value in kwargs.items()
        ):
            return False
        text = objects[0]
        if _has_control(text) or not self._plain_stream():
            return False
        encoding = getattr(self.file, "encoding", None)  # None: takes any str
        try:
            text.encode(encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)


def _make_console(stderr: bool) -> Any:
    from rich.console import Console

    class _Console(Console):
        """rich's console, but a closed standard output raises
        ``BrokenPipeError`` (rich's own reaction is ``SystemExit(1)``, the
        exit code of a bug): the entry point turns it into the documented
        quiet exit 141."""

        def on_broken_pipe(self) -> None:
            raise BrokenPipeError(errno.EPIPE, "standard output closed by its reader")

    # emoji=False: names from data files are printed as written (":x:" is not
    # an emoji code here), and rich's 0.01 s table of emoji codes is never
    # imported. markup=False: every string (a table's cells and titles too)
    # is printed as written; a label or file name from a data or model file
    # such as "[link=http://…]yes" or "yes[/x]" is text, not rich markup that
    # would send terminal escapes or fail to parse
    cls = Console if stderr else _Console
    return cls(
        stderr=stderr, highlight=False, soft_wrap=True, emoji=False, markup=False
    )


console = LazyConsole()
err_console = LazyConsole(stderr=True)
