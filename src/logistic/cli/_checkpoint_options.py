"""``logistic fit --checkpoint``: the path checked before any work (a model
file or another file that is no checkpoint refused, named for what it is;
a folder that cannot hold it), the lock a fit holds on it, the note of a
resumed fit, and the note naming the checkpoint kept when a fit is
interrupted."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ._codes import EX_CANTCREAT, EX_USAGE, CLIError
from ._common import note, unusable_folder

__all__ = ["check_checkpoint", "checkpoint_held", "resumed_note"]


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (existing or not; links resolved)."""
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def resumed_note(
    found: Path | None, checkpoint: Path | None, first: Path | None = None
) -> None:
    """Say which checkpoint the fit resumed from, once the fit has accepted it
    (``found``: the file it read, :func:`logistic._checkpoint_paths.
    recorded_resumes`; None for a fresh fit; ``checkpoint``: the
    ``--checkpoint`` path; ``first``: its ``resume_source`` before the fit,
    which tells a missing latest checkpoint from an unreadable one). A
    checkpoint of other data or settings is refused by the fit with its own
    error, so nothing is said before it."""
    if found is None:
        return
    if checkpoint is not None and Path(found) != Path(checkpoint):
        from .._atomic import link_target

        why = "is unreadable" if first == checkpoint else "is missing"
        written = link_target(checkpoint)  # a link's target, which the fit wrote
        note(
            f"resumed from checkpoint {found}, the previous copy ({checkpoint} "
            f"{why}); delete both {written} and {found} to fit afresh"
        )
    else:
        note(f"resumed from checkpoint {found}")


def check_checkpoint(checkpoint: Path | None, out: Path, data: Path) -> None:
    """Refuse, before any work, a checkpoint path that would overwrite the model
    or the data (exit 2), or that cannot be created or is no regular file
    (exit 73).

    The checkpoint writer keeps the previous checkpoint as ``PATH.prev`` and
    its lock as ``PATH.lock`` (:func:`checkpoint_held`), so those names are
    checked too.
    """
    if checkpoint is None:
        return
    from .._atomic import check_name_length, link_target, name_too_long
    from .._checkpoint_paths import lock_path, previous_path

    try:  # a symbolic link is written through (docs/cli.md)
        target = link_target(checkpoint)
    except OSError:
        raise CLIError(
            f"cannot use --checkpoint {checkpoint}: its symbolic links go round in "
            "a loop (or past 40 links); give --checkpoint a file or a link to one",
            EX_CANTCREAT,
        ) from None
    previous, lock = previous_path(checkpoint), lock_path(checkpoint)
    parent = target.parent if str(target.parent) else Path(".")
    too_long = name_too_long(target)  # its name or a folder's: no such file exists
    if too_long is not None:
        message = f"cannot create checkpoint {checkpoint}: {too_long}"
        raise CLIError(message, EX_CANTCREAT)
    try:  # ENAMETOOLONG: no such file can ever be made there
        for companion in (target, previous, lock):
            check_name_length(companion, parent)
    except OSError as exc:
        also = "" if exc.filename == str(target) else f" (and {exc.filename})"
        raise CLIError(
            f"cannot create checkpoint {checkpoint}{also}: {exc.strerror}", EX_CANTCREAT
        ) from None
    for name, path in (("--output", out), ("the input file", data)):
        for ckpt in (checkpoint, previous, lock):
            if _same_file(ckpt, path):
                what = (
                    f"--checkpoint {checkpoint} and {name} {path} are the same file"
                    if ckpt == checkpoint
                    else f"{name} {path} is the checkpoint's previous copy {ckpt}"
                )
                why = f"the checkpoint is written over {ckpt} at every iteration"
                if ckpt == lock:
                    what = f"{name} {path} is the checkpoint's lock file {ckpt}"
                    why = "the fit holds it while it runs and removes it at the end"
                raise CLIError(
                    f"{what} ({why}); give --checkpoint a path of its own", EX_USAGE
                )
    if checkpoint.is_dir():
        raise CLIError(
            f"cannot create checkpoint {checkpoint}: it is a directory", EX_CANTCREAT
        )
    _refuse_special(checkpoint, previous)  # what it is, before where it lies
    _refuse_foreign(checkpoint, previous)
    problem = unusable_folder(parent)  # as check_output: before the data are read
    if problem is not None:
        link = "" if target == checkpoint else f" (a symbolic link to {target})"
        what = f"cannot create checkpoint {checkpoint}{link}: {problem}"
        raise CLIError(what, EX_CANTCREAT)


@contextlib.contextmanager
def checkpoint_held(checkpoint: Path | None, quiet: bool = False) -> Iterator[None]:
    """Hold the lock of ``--checkpoint`` inside the block
    (:mod:`logistic._checkpoint_lock`), taken before the data are read: a
    checkpoint another running fit holds is refused at once (exit 73, naming
    the file, the holder's process id and the remedy), as is a lock file
    that cannot be created or is no lock file. The fit inside takes the same
    lock again, a no-op. A fit stopped by Ctrl-C, SIGTERM or SIGHUP (a
    KeyboardInterrupt) names the checkpoint it keeps and how to resume from
    it, unless ``quiet``: the error line alone then, as for scripts."""
    if checkpoint is None:
        yield
        return
    from .._checkpoint_lock import acquire, in_use_message
    from .._exceptions import CheckpointInUseError

    try:
        lock = acquire(checkpoint)
    except CheckpointInUseError as exc:
        words = in_use_message(checkpoint, exc.lock_path, exc.pid, "--checkpoint")
        raise CLIError(words, EX_CANTCREAT) from None
    except OSError as exc:
        words = f"cannot use --checkpoint {checkpoint}: {exc.strerror or exc}"
        raise CLIError(words, EX_CANTCREAT) from None
    try:
        yield
    except KeyboardInterrupt:
        if not quiet:
            _note_kept(checkpoint)
        raise
    finally:
        lock.release()


def _note_kept(checkpoint: Path) -> None:
    """The line before an interrupted fit's error line: the checkpoint (or
    its ``.prev``, which a rerun resumes from when it alone exists) that
    holds the work so far; nothing when no checkpoint was written yet."""
    from .._checkpoint_paths import resume_source

    found = resume_source(checkpoint)
    if found is None:
        return
    try:  # a hung-up terminal (SIGHUP) may take no more output
        note(f"checkpoint {found} kept: rerun the same command to resume from it")
    except OSError:
        pass


def _refuse_foreign(checkpoint: Path, previous: Path) -> None:
    """A file at ``checkpoint`` that is no checkpoint is refused (exit 2)
    before any work: a model file (``-o`` and ``--checkpoint`` mixed up) or a
    file that is not JSON (a data file). The checkpoint reader would take it
    for a damaged checkpoint and advise deleting it. A JSON file, or any file
    with a ``.prev`` copy beside it, is left to the reader: a damaged latest
    checkpoint resumes from its ``.prev`` (docs/cli.md)."""
    from ..tabular._encoding import is_model_file_head

    try:
        with open(checkpoint, "rb") as fh:
            head = fh.read(4096)
    except OSError:  # absent (a new checkpoint), or the reader says why
        return
    json_like = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
    if is_model_file_head(head):
        what = "is a logistic model file, not a checkpoint"
    elif not head or json_like or previous.exists():
        return
    else:
        what = "is not a checkpoint (fit writes its checkpoints as JSON)"
    raise CLIError(
        f"--checkpoint {checkpoint} {what}; a fit resumes from the checkpoint "
        "at that path and writes over it at every iteration: give --checkpoint "
        "a path of its own",
        EX_USAGE,
    )


def _refuse_special(checkpoint: Path, previous: Path) -> None:
    """Refuse (exit 73) a checkpoint path, or its ``.prev``, that exists and
    is not a regular file (a device such as /dev/null, a FIFO, a socket):
    the checkpoint is written over both at every iteration, as an output
    that is no regular file is refused (links are judged by their target)."""
    import stat

    from .._files import describe_mode

    for path in (checkpoint, previous):
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue  # missing: created by the fit
        if not stat.S_ISREG(mode):
            raise CLIError(
                f"cannot use --checkpoint {checkpoint}: {path} is "
                f"{describe_mode(mode)}, not a regular file; give --checkpoint "
                "the path of a regular file, or of one to create",
                EX_CANTCREAT,
            )
