"""Drop files from the page cache, for benchmarks that measure a row cache
read back from disk (the state the system's reclaim leaves)."""

from __future__ import annotations

import os
from pathlib import Path


def drop_page_cache(folder: Path, pattern: str = "*.bin") -> None:
    """Drop the files under ``folder`` matching ``pattern`` from the page
    cache (``POSIX_FADV_DONTNEED``: their clean, unmapped pages)."""
    for path in folder.glob(pattern):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
