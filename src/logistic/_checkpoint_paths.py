"""Where a checkpoint's files are, and which one a fit resumed from.

Conventions (owned here, for :mod:`logistic._checkpoint`)
--------------------------------------------------------
* **Symbolic links.** A checkpoint path that is a symbolic link is read and
  written through: the checkpoint is written atomically in its target's
  folder (:func:`logistic._atomic.link_target`) and keeps its predecessor
  beside the target as ``<target>.prev`` (:func:`previous_path`), so the link
  stays a link, as a fit that wrote the target directly would leave it.
* **The file resumed from.** :meth:`logistic._checkpoint.Checkpointer.load`
  reads the latest checkpoint, or falls back to the previous one when the
  latest is missing or unreadable; it records the file it resumed from
  (:func:`note_resumed`) for a caller that asked (:func:`recorded_resumes`),
  so that a note names the file actually read.
* **The lock file.** A running fit holds ``<target>.lock`` beside the file
  the checkpoint writes to (:func:`lock_path`; :mod:`logistic._checkpoint_lock`
  owns the lock), so that two link names of one checkpoint share one lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "lock_path",
    "note_resumed",
    "previous_path",
    "recorded_resumes",
    "resume_source",
]


def previous_path(path: str | os.PathLike[str]) -> Path:
    """Where the checkpoint ``path`` keeps its predecessor: ``<path>.prev``
    beside the file ``path`` writes to (a symbolic link's target,
    :func:`logistic._atomic.link_target`)."""
    from ._atomic import link_target

    target = link_target(path)
    return target.with_name(target.name + ".prev")


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file a fit writing the checkpoint ``path`` holds:
    ``<path>.lock`` beside the file ``path`` writes to (a symbolic link's
    target, as :func:`previous_path`)."""
    from ._atomic import link_target

    target = link_target(path)
    return target.with_name(target.name + ".lock")


def resume_source(path: str | os.PathLike[str]) -> Path | None:
    """The file a resume from ``path`` reads first: ``path``, or its
    :func:`previous_path` when ``path`` is missing; None when neither exists,
    so that a fit starts afresh. (:meth:`Checkpointer.load` also falls back
    to the previous one when ``path`` is unreadable: the file it resumed from
    is known after the fit, :func:`recorded_resumes`.)"""
    for candidate in (Path(path), previous_path(path)):
        if candidate.exists():
            return candidate
    return None


#: The files checkpoints resumed from in this context (None: not recorded).
_RESUMED: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar(
    "logistic_checkpoint_resumed", default=None
)


@contextlib.contextmanager
def recorded_resumes() -> Iterator[list[Path]]:
    """A list of the files that :meth:`Checkpointer.load` resumed from inside
    the block (the latest, or the previous one it fell back to), so that a
    caller names the file actually read."""
    found: list[Path] = []
    token = _RESUMED.set(found)
    try:
        yield found
    finally:
        _RESUMED.reset(token)


def note_resumed(path: Path) -> None:
    """Record that a checkpoint resumed from ``path`` (:func:`recorded_resumes`)."""
    found = _RESUMED.get()
    if found is not None:
        found.append(path)
