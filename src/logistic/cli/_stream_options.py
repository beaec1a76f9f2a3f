"""The options of reading in chunks and of out-of-core and Dask fits (typer
``Annotated`` aliases) and their checks: ``fit --stream``, ``--chunk-rows``,
``--workers``, ``--scheduler``, ``--checkpoint``, the row cache's
``--no-cache``/``--cache-dir``; ``predict``/``evaluate --stream``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

Stream = Annotated[
    bool | None,
    typer.Option(
        "--stream/--no-stream",
        metavar="",
        help="Fit out of core: read the file in chunks, one pass per objective "
        "evaluation, never all in memory (numeric features only). Default: "
        "streamed when the file is larger than 1/4 of physical memory.",
        show_default=False,
    ),
]
ChunkRows = Annotated[
    int | None,
    typer.Option(
        "--chunk-rows",
        metavar="N",
        help="Rows per chunk when streaming (default: 8 MiB of float64 features).",
    ),
]
ReadStream = Annotated[
    bool | None,
    typer.Option(
        "--stream/--no-stream",
        metavar="",
        help="Read DATA in chunks of rows (--chunk-rows), never whole: memory "
        "is bounded by the chunk, not the file (CSV and Parquet files); the "
        "results are the same (a logit up to its last bit). Default: in chunks "
        "when the file is larger than 1/16 of memory.",
        show_default=False,
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        metavar="N",
        help="Fit on Dask with a new local cluster of N worker processes "
        "(needs the dask extra).",
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Fit on a running Dask cluster, e.g. tcp://host:8786 (dask extra).",
    ),
]
Checkpoint = Annotated[
    Path | None,
    typer.Option(
        "--checkpoint",
        metavar="FILE",
        help="Write a checkpoint each iteration; resume from it if it exists.",
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        metavar="",
        help="Out-of-core fits only: decode the file on every pass and write no "
        "row cache (default: the first pass caches the decoded rows).",
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        metavar="DIR",
        help="Out-of-core fits only: folder of the row cache, created if missing "
        "(default: $LOGISTIC_CACHE_DIR, else $XDG_CACHE_HOME/logistic/rows, "
        "~/.cache/logistic/rows without it).",
    ),
]


def check_cache_options(no_cache: bool, cache_dir: Path | None, dask: bool) -> None:
    """``--no-cache`` / ``--cache-dir`` before any work (exit 2): not both, not
    with a Dask fit (its workers keep no row cache), and a ``--cache-dir`` that
    exists must be a directory."""
    from ._codes import EX_USAGE, CLIError

    if no_cache and cache_dir is not None:
        raise CLIError(
            f"--no-cache and --cache-dir {cache_dir} contradict each other "
            "(no cache is written); give one of them",
            EX_USAGE,
        )
    if dask and (no_cache or cache_dir is not None):
        name = "--no-cache" if no_cache else "--cache-dir"
        raise CLIError(
            f"{name} applies to out-of-core fits (--stream), not to a Dask fit "
            "(--workers/--scheduler), which keeps no row cache",
            EX_USAGE,
        )
    if cache_dir is not None:
        refuse_cache_folder(cache_dir, "--cache-dir")


def refuse_variable_cache_folder() -> None:
    """:func:`refuse_cache_folder` of ``$LOGISTIC_CACHE_DIR`` where it is set
    and chooses a streamed fit's row cache (no ``--cache-dir``, no
    ``--no-cache``): the folder the user named by the variable is refused as
    the same folder named by ``--cache-dir`` is, not warned about."""
    env = os.environ.get("LOGISTIC_CACHE_DIR")
    if env:
        refuse_cache_folder(Path(env), "LOGISTIC_CACHE_DIR")


def refuse_cache_folder(root: Path, given: str) -> None:
    """Refuse a row-cache folder that cannot exist (exit 2, naming ``given``,
    where it came from: ``--cache-dir``, ``LOGISTIC_CACHE_DIR``): one that
    exists and is not a directory, lies below a file (``ENOTDIR``), has a
    name longer than its file system takes (``ENAMETOOLONG``), or goes round
    a loop of links (``ELOOP``). The same for fit and for each ``cache``
    subcommand. One that could exist but cannot be made now (no permission,
    a full disk) is left to the fit's warning that it does not cache."""
    import errno
    import stat

    from .._atomic import name_too_long
    from ._codes import EX_USAGE, CLIError

    try:
        mode = os.stat(root).st_mode
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            above = next((p for p in root.parents if os.path.lexists(p)), root)
            why = f"{above} is not a directory"
        elif exc.errno == errno.ENAMETOOLONG:
            why = name_too_long(root) or str(exc.strerror)
        elif exc.errno == errno.ELOOP:
            why = "a loop of symbolic links"
        else:  # missing: made by the fit that writes the cache
            return
    else:
        if stat.S_ISDIR(mode):
            return
        why = "exists and is not a directory"
    raise CLIError(f"{given} {root}: {why}", EX_USAGE)
