"""The row cache's identity of a source: its folder's name and the stamp that
tells a cache of the unchanged source from a stale one (the conventions
*Layout*, *Validity* and *Where* of :mod:`logistic.backends._cache`)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "default_cache_dir", "entry_name", "source_stamp"]

#: Cache format version (part of the folder name: a new format never reads an old one).
FORMAT = 1
#: Bytes of each end of a source file digested into its stamp.
EDGE_BYTES = 64 * 2**10


def default_cache_dir() -> Path:
    """The cache folder when none is given (see the module docstring)."""
    env = os.environ.get("LOGISTIC_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return Path(base) / "logistic" / "rows"


def _file_stamp(path: Path) -> dict[str, Any]:
    st = os.stat(path)
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        h.update(fh.read(EDGE_BYTES))
        if st.st_size > EDGE_BYTES:
            fh.seek(max(EDGE_BYTES, st.st_size - EDGE_BYTES))
            h.update(fh.read(EDGE_BYTES))
    return {
        "path": str(path),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "edges": h.hexdigest(),
    }


def source_stamp(files: Sequence[Path]) -> list[dict[str, Any]]:
    """Size, modification time and a digest of both ends of every source file."""
    return [_file_stamp(Path(f).resolve()) for f in files]


def entry_name(files: Sequence[Path], options: dict[str, Any]) -> str:
    """The cache folder's name for these files read with these options."""
    text = json.dumps(
        {
            "format": FORMAT,
            "files": [str(Path(f).resolve()) for f in files],
            "options": options,
        },
        sort_keys=True,
        default=repr,
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
