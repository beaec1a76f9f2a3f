"""The row cache's identity of a source: its folder's name and the stamp that
tells a cache of the unchanged source from a stale one (the conventions
*Layout*, *Validity* and *Where* of :mod:`logistic.backends._cache`)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: :func:`file_sha256`'s digests by (path, device, inode, size, mtime, ctime).
_SHA256: dict[tuple[Any, ...], str] = {}

__all__ = [
    "FORMAT",
    "default_cache_dir",
    "entry_name",
    "file_sha256",
    "known_sha256",
    "source_stamp",
    "young",
]

#: Cache format version (part of the folder name: a new format never reads an
#: old one). 2: entries carry the marker of :mod:`._cache_marker`; entries of
#: format 1 have none, so they are never read, listed or removed.
FORMAT = 2
#: Bytes of each end of a source file digested into its stamp.
EDGE_BYTES = 64 * 2**10
#: Evenly spaced samples of the rest of a source file digested into its stamp.
SAMPLES, SAMPLE_BYTES = 16, 4096
#: A file modified less than this before its stamp was taken may change again
#: within the same timestamp tick (FAT keeps 2 s, ext3 and HFS+ 1 s, Linux's
#: nanosecond times advance a clock tick, 1-10 ms, at a time): its cache entry
#: records the file's sha256 and is checked against it (``RACY`` in git's words).
RACY_NS = 2_000_000_000


def default_cache_dir() -> Path:
    """The cache folder when none is given (see the module docstring)."""
    env = os.environ.get("LOGISTIC_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # a relative one is invalid (the XDG spec): ignored
        return Path(xdg) / "logistic" / "rows"
    home = _home()
    if home is None:
        import tempfile

        uid = os.getuid() if hasattr(os, "getuid") else "user"
        return Path(tempfile.gettempdir()) / f"logistic-{uid}" / "rows"
    return Path(home) / ".cache" / "logistic" / "rows"


def _home() -> str | None:
    """The user's home folder for the cache: ``$HOME`` when it is an
    existing absolute folder, else the user database's (``HOME`` empty,
    relative, or a folder that does not exist, as ``/nonexistent`` of a
    service account); None when neither is."""
    candidates = [os.environ.get("HOME", "")]
    try:
        import pwd

        candidates.append(pwd.getpwuid(os.getuid()).pw_dir)
    except (ImportError, KeyError, OSError):
        pass
    for home in candidates:
        if os.path.isabs(home) and os.path.isdir(home):
            return home
    return None


def _file_stamp(path: Path) -> dict[str, Any]:
    st = os.stat(path)
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        h.update(fh.read(EDGE_BYTES))
        if st.st_size > EDGE_BYTES:
            fh.seek(max(EDGE_BYTES, st.st_size - EDGE_BYTES))
            h.update(fh.read(EDGE_BYTES))
        inner = st.st_size - 2 * EDGE_BYTES
        if inner > SAMPLES * SAMPLE_BYTES:
            for k in range(1, SAMPLES + 1):
                fh.seek(EDGE_BYTES + inner * k // (SAMPLES + 1))
                h.update(fh.read(SAMPLE_BYTES))
    return {
        "path": str(path),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
        "dev": st.st_dev,
        "ino": st.st_ino,
        "sampled": h.hexdigest(),
    }


def source_stamp(files: Sequence[Path]) -> list[dict[str, Any]]:
    """Identity, size, times and a digest of sampled bytes of every source file
    (the convention *Validity*)."""
    return [_file_stamp(Path(f).resolve()) for f in files]


def young(stamp: list[dict[str, Any]], now_ns: int | None = None) -> bool:
    """Whether a file of ``stamp`` was modified (or its status changed) less
    than :data:`RACY_NS` before ``now_ns`` (default: now): a later edit within
    the same timestamp tick would leave its stamp unchanged."""
    now = time.time_ns() if now_ns is None else now_ns
    return any(max(f["mtime_ns"], f.get("ctime_ns", 0)) > now - RACY_NS for f in stamp)


def _sha256_key(path: str | os.PathLike[str]) -> tuple[Any, ...]:
    st = os.stat(path)
    key: tuple[Any, ...] = (os.fspath(path), st.st_dev, st.st_ino, st.st_size)
    return key + (st.st_mtime_ns, st.st_ctime_ns)


def known_sha256(path: str | os.PathLike[str]) -> str | None:
    """The file's sha256 if :func:`file_sha256` computed it in this process
    for the file as it is now (nothing is read)."""
    try:
        return _SHA256.get(_sha256_key(path))
    except OSError:
        return None


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes, remembered in this process for the file's
    present identity, size and times (a second call for the unchanged file
    reads nothing). A file modified within :data:`RACY_NS` of the hash is
    not remembered: an edit in the same timestamp tick keeps its key."""
    key = _sha256_key(path)
    digest = _SHA256.get(key)
    if digest is None:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        digest = h.hexdigest()
        if max(key[-2], key[-1]) <= time.time_ns() - RACY_NS:
            _SHA256[key] = digest
    return digest


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
