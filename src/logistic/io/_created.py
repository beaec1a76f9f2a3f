"""The ``created`` field of a model file: the time of writing, or the one
``SOURCE_DATE_EPOCH`` names.

Convention (owned here): ``created`` is UTC in ISO 8601 to the second
(``2024-01-02T03:04:05+00:00``). Where the environment variable
``SOURCE_DATE_EPOCH`` is set (reproducible-builds.org's convention: an
integer of seconds since 1970-01-01 UTC, as ``date +%s`` prints it), it is
that time instead of the clock's, so that two saves of one fitted model are
the same bytes. Set but empty, it is unset (as Python's ``py_compile`` reads
it); any other value that is no such integer is an
:class:`~logistic.InvalidParameterError` naming the variable and the value,
raised before anything is written (the command line checks it before the
fit: :func:`created_time` at the start of ``logistic fit``).
"""

from __future__ import annotations

import datetime as _dt
import os

from .._exceptions import InvalidParameterError

__all__ = ["SOURCE_DATE_EPOCH", "created_time"]

#: The environment variable that fixes ``created``.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"

#: The last second ``created`` can write (9999-12-31T23:59:59 UTC).
_LAST = 253_402_300_799


def created_time() -> str:
    """The ``created`` value of a file written now (``SOURCE_DATE_EPOCH``'s
    time where it is set)."""
    text = os.environ.get(SOURCE_DATE_EPOCH)
    if not text:
        now = _dt.datetime.now(_dt.timezone.utc)
        return now.isoformat(timespec="seconds")
    digits = text.lstrip("0") if text.isascii() and text.isdigit() else None
    # the length first: int() of 4300 digits or more raises its own error
    if digits is None or len(digits) > len(str(_LAST)) or int(digits or 0) > _LAST:
        raise InvalidParameterError(
            f"environment variable {SOURCE_DATE_EPOCH} must be an integer number "
            "of seconds since 1970-01-01 UTC from 0 to "
            f"{_LAST} (year 9999), as 'date +%s' prints it, got {text[:100]!r}; "
            "unset it to write the time of writing"
        )
    when = _dt.datetime.fromtimestamp(int(digits or 0), _dt.timezone.utc)
    return when.isoformat(timespec="seconds")
