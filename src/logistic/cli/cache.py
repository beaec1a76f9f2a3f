"""``logistic cache``: list or clear the row cache of out-of-core fits."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from .._messages import printable
from ._codes import EX_USAGE, CLIError
from ._common import note
from ._stream_options import refuse_cache_folder


def _entries(n: int) -> str:
    """``"1 entry"``, ``"2 entries"``."""
    return f"{n} entry" if n == 1 else f"{n} entries"


def _size(nbytes: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if nbytes < 1024 or unit == "GiB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024  # type: ignore[assignment]
    raise AssertionError  # pragma: no cover


def _names(sources: tuple[str, ...]) -> str:
    if len(sources) == 1:
        return printable(sources[0])
    try:  # a directory of Parquet files
        return f"{printable(os.path.commonpath(sources))} ({len(sources)} files)"
    except ValueError:  # none, or absolute and relative paths mixed
        return "?"


def cache(
    action: Annotated[
        str,
        typer.Argument(
            metavar="ACTION",
            help="What to do: 'list' (the default) shows each entry's size, last "
            "use and source; 'clear' removes every entry no running fit uses.",
            show_default=False,
        ),
    ] = "list",
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            metavar="DIR",
            help="The row cache's folder (default: $LOGISTIC_CACHE_DIR, else "
            "$XDG_CACHE_HOME/logistic/rows, ~/.cache/logistic/rows without it), "
            "as given to fit --cache-dir.",
        ),
    ] = None,
) -> None:
    """List or clear the row cache that fit --stream keeps of each source.

    Every Parquet or CSV source a streamed fit reads keeps a decoded copy
    there (as large as the rows in float64). The folder is capped at
    $LOGISTIC_CACHE_MAX_BYTES (default 20 GiB): a new entry first evicts
    those whose source is gone, then the least recently used. clear removes
    every entry that no running fit uses. Only folders that carry the cache's
    marker are touched; folders named like entries without one (written by
    an earlier version, or not the cache's) are listed and left alone.

    Example: logistic cache list; logistic cache clear --cache-dir /scratch/rows
    """
    from ..backends import row_cache
    from ..backends._cache_id import default_cache_dir

    if action not in ("list", "clear"):
        raise CLIError(
            f"ACTION must be 'list' or 'clear', got {action!r} (logistic cache list, "
            "logistic cache clear)",
            EX_USAGE,
        )
    root = cache_dir if cache_dir is not None else default_cache_dir()
    given = "--cache-dir" if cache_dir is not None else "the default cache folder"
    if cache_dir is None and os.environ.get("LOGISTIC_CACHE_DIR"):
        given = "LOGISTIC_CACHE_DIR"
    refuse_cache_folder(root, given)
    if action == "clear":
        removed, kept, freed = row_cache.clear(root)
        busy = f"; {kept} in use by a running fit, left" if kept else ""
        note(f"{root}: removed {_entries(removed)} ({_size(freed)}){busy}")
        _unmarked(root, row_cache.unmarked(root))
        return
    found = row_cache.entries(root)
    total = sum(e.nbytes for e in found)
    cap = _size(row_cache.max_bytes())
    print(f"{root}: {_entries(len(found))}, {_size(total)} (cap {cap})")
    for e in found:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.last_used))
        state = (
            "" if e.complete else "  (being written or replaced, or left by a crash)"
        )
        if e.missing:
            state = "  (source gone: evicted by the next fit that writes)"
        print(f"{_size(e.nbytes):>10}  {used}  {_names(e.sources)}{state}")
    _unmarked(root, row_cache.unmarked(root))


def _unmarked(root: Path, folders: list[Path]) -> None:
    """Name the folders named like entries but without the cache's marker."""
    if not folders:
        return
    note(
        f"{root}: {len(folders)} folders named like cache entries but without "
        f"the cache's marker are left alone (entries of an earlier version of "
        f"logistic, or not the cache's: remove them yourself if they are old "
        f"entries):"
    )
    for folder in folders:
        note(f"  {printable(str(folder))}")
