"""A file source's data must not change between the passes of one fit.

Convention (owned here): a file source (:mod:`._sources`) reads its files
once a pass, and a fit makes several. Each pass begins and ends by taking
the files' status (device, inode, size, modification and status-change
times: one ``stat`` each, no read); the first one taken is the source's, and
any later one that differs from it is an :class:`~logistic.IntegrityError`
naming the file. A file replaced (``mv``, a new inode), rewritten in place
(new times) or grown between passes would otherwise mix two data sets in
one fit, with no error when the row count stays the same. The row cache's
stronger stamp (:mod:`._cache_id`, sampled bytes too) decides whether a
cache entry is still the file's; this one guards a fit that reads the file
itself (``cache=False``, ``--no-cache``, or the scan that writes the entry).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .._exceptions import IntegrityError

__all__ = ["UnchangedFiles"]


def _status(path: Path) -> tuple[int, ...]:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class UnchangedFiles:
    """The status of a source's files at its first pass, checked again at
    the start and the end of every pass (:meth:`check`)."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = [Path(f) for f in files]
        self._first: list[tuple[int, ...]] | None = None

    def check(self) -> None:
        """Take the files' status: the first time it is kept, later it must
        equal the kept one."""
        try:
            now = [_status(f) for f in self.files]
        except OSError as exc:
            if self._first is None:
                raise
            raise IntegrityError(
                f"{exc.filename or self.files[0]} can no longer be read during the "
                f"fit ({exc.strerror}): a fit reads its data once a pass; keep the "
                "file in place until the fit ends"
            ) from None
        if self._first is None:
            self._first = now
            return
        for path, then, status in zip(self.files, self._first, now, strict=True):
            if status != then:
                how = (
                    "replaced (another file now has its name)"
                    if status[:2] != then[:2]
                    else "modified (its size or times differ)"
                )
                raise IntegrityError(
                    f"{path} was {how} after the source's first pass over it, "
                    "during the fit or since an earlier one: a fit reads its data "
                    "once a pass, and passes over two versions of a file would mix "
                    "two data sets; refit once the file no longer changes (or fit "
                    "a copy of it)"
                )
