"""Shared CLI pieces: exit codes, the console, error reporting.

Exit codes (sysexits style): 0 ok · 1 internal bug · 2 usage · 65 data error ·
66 input missing · 73 cannot create output · 74 I/O error · 130 interrupted.
Diagnostics go to stderr; results to stdout.
"""

from __future__ import annotations

from rich.console import Console

EX_OK = 0
EX_SOFTWARE = 1
EX_USAGE = 2
EX_DATAERR = 65
EX_NOINPUT = 66
EX_CANTCREAT = 73
EX_IOERR = 74
EX_INTERRUPTED = 130

console = Console()
err_console = Console(stderr=True)


class CLIError(Exception):
    """An error to report as one line on stderr with a given exit code."""

    def __init__(self, message: str, code: int = EX_DATAERR) -> None:
        super().__init__(message)
        self.code = code
