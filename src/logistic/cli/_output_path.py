"""An output path checked before any work (:func:`check_output`): its
folder, its name, what is there now, and whether it is one of the files the
command reads; an existing output refused without ``--force``
(:func:`refuse_existing`), which a command may run later, after checking its
inputs. The write itself is :func:`._common.writing`'s.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ._codes import EX_CANTCREAT, EX_USAGE, CLIError
from ._typed import command_line, given_once


def unusable_folder(parent: Path) -> str | None:
    """Why an output's folder ``parent`` cannot hold it (it does not exist,
    is a file, or is not writable: the atomic write's words,
    :func:`logistic._atomic.folder_problem`), checked before any work; None
    when it can."""
    import errno

    from .._atomic import folder_problem

    if not parent.is_dir():
        code = errno.ENOTDIR if parent.exists() else errno.ENOENT
    elif not os.access(parent, os.W_OK):
        code = errno.EACCES
    else:
        return None
    return folder_problem(parent, code)


def _typed_as_folder(out: Path) -> str | None:
    """The command line's spelling of ``out`` when it ends in a path
    separator (``-o newdir/``: typer's ``Path`` drops it), else None."""
    for arg in command_line:
        text = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
        if text.endswith(("/", os.sep)) and len(text) > 1 and Path(text) == out:
            return text
    return None


def check_output(
    path: str | os.PathLike[str],
    *,
    force: bool,
    inputs: tuple[str | os.PathLike[str], ...] = (),
    option: str = "--output",
    names: tuple[str, ...] = ("-o", "--output"),
    stdout: bool = False,
) -> Path:
    """Refuse an output path up front (exit 73): missing directory, existing file
    without ``--force``, a directory, the same file as an input (or as a file
    of an input folder's Parquet dataset, hard and symbolic links included), a
    name longer than the file system takes, or anything not a regular file (a
    device such as /dev/null, a FIFO, a socket: the atomic rename would replace
    the node); before them, the option (its ``names``) given twice (exit 2).
    ``stdout``: the command writes standard output with ``-o -``, which the
    refusal of ``/dev/stdout`` (a link) then names."""
    from .._atomic import check_replaceable, name_too_long

    given_once(*names)

    if str(path) == "-":  # predict's "-" is standard output; here it is no file
        raise CLIError(
            f"{option} -: this command writes a file, not standard output; name a file",
            EX_USAGE,
        )
    out = Path(path)
    too_long = name_too_long(out)  # its name or a folder's: no such file can exist
    if too_long is not None:
        raise CLIError(f"cannot create {out}: {too_long}", EX_CANTCREAT)
    typed = _typed_as_folder(out)
    if typed is not None and not out.is_dir():
        raise CLIError(
            f"cannot create {typed}: it ends in {os.sep!r}, naming a folder that does "
            "not exist; name the file to write",
            EX_CANTCREAT,
        )
    parent = out.parent if str(out.parent) else Path(".")
    problem = unusable_folder(parent)
    if problem is not None:
        raise CLIError(f"cannot create {out}: {problem}", EX_CANTCREAT)
    if out.is_dir():
        raise CLIError(f"cannot create {out}: it is a directory", EX_CANTCREAT)
    for read in _files_read(inputs) if out.exists() else ():
        if os.path.samefile(out, read):
            raise CLIError(
                f"refusing to write {out}: it is the input file {read}", EX_CANTCREAT
            )
    if out.exists() and _stdin_is(out, inputs):
        raise CLIError(
            f"refusing to write {out}: it is the input file, read as standard "
            f"input (- < {out})",
            EX_CANTCREAT,
        )
    if out.is_symlink():
        raise CLIError(
            f"refusing to write {out}: it is a symbolic link"
            + _stream_hint(out, stdout),
            EX_CANTCREAT,
        )
    try:
        check_replaceable(out)
    except OSError as exc:
        raise CLIError(str(exc.strerror), EX_CANTCREAT) from None
    refuse_existing(out, force=force)
    return out


#: Links naming a standard stream of the process (``-o /dev/stdout``).
_STREAM_LINKS = {
    "stdout": ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"),
    "stderr": ("/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"),
}


def _stream_hint(out: Path, stdout: bool) -> str:
    """What to give instead of a link to standard output or error
    (``/dev/stdout``, ``/dev/fd/2``); empty for any other link."""
    spelt = os.path.normpath(str(out))
    if spelt in _STREAM_LINKS["stdout"]:
        if stdout:
            return "; for standard output give -o -"
        return "; this command writes a file, not standard output: name a file"
    if spelt in _STREAM_LINKS["stderr"]:
        return "; stderr holds the messages, not an output: name a file"
    return ""


def _stdin_is(out: Path, inputs: tuple[str | os.PathLike[str], ...]) -> bool:
    """Whether an input is ``-`` and standard input is the regular file
    ``out`` (``logistic predict m.json - -o d.csv --force < d.csv``, which
    would replace the data with the predictions)."""
    import stat

    from .._files import STDIN

    if not any(str(item) == STDIN for item in inputs):
        return False
    try:
        held = os.fstat(0)
        return stat.S_ISREG(held.st_mode) and os.path.samestat(held, os.stat(out))
    except OSError:  # standard input closed: refused as an input later
        return False


def _files_read(
    inputs: tuple[str | os.PathLike[str], ...],
) -> Iterator[str | os.PathLike[str]]:
    """Each existing input and each file read from it: a folder's Parquet
    files (:func:`logistic.formats.parquet_files`, the files a streamed or Dask
    fit reads, links followed) after the folder itself. ``-`` is standard
    input (:func:`_stdin_is`), never a file of that name."""
    from .._files import STDIN

    for item in inputs:
        if str(item) == STDIN or not Path(item).exists():
            continue
        yield item
        if Path(item).is_dir():
            from ..formats import parquet_files

            yield from (p for p in parquet_files(item) if p.exists())


def refuse_existing(out: Path, *, force: bool) -> None:
    """Refuse an existing ``out`` without ``--force`` (exit 73): the part of
    :func:`check_output` a command may run later, after checking its inputs
    (``check_output(..., force=True)`` first). The atomic write refuses the
    file again whatever was checked here, so it is never overwritten without
    ``--force``."""
    if out.exists() and not force:
        raise CLIError(
            f"{out} already exists; pass --force to overwrite it", EX_CANTCREAT
        )


#: Names of another format than a model file's JSON, by extension, and what
#: each is: ``fit -o`` refuses them (the file would fail in the tool its name
#: points to), as ``predict -o`` and ``report -o`` refuse other formats.
_NOT_A_MODEL_FILE = {
    ".onnx": "an ONNX graph",
    ".pkl": "a pickle",
    ".pickle": "a pickle",
    ".joblib": "a pickle",
    ".csv": "a data file",
    ".tsv": "a data file",
    ".parquet": "a data file",
    ".pq": "a data file",
    ".html": "an HTML report",
    ".htm": "an HTML report",
}


def refuse_model_file_name(out: Path, option: str) -> None:
    """Refuse (exit 2) a model file's output name whose extension is another
    format's (:data:`_NOT_A_MODEL_FILE`); any other name, none included, is
    taken."""
    from .._messages import printable

    suffix = out.suffix.lower()
    what = _NOT_A_MODEL_FILE.get(suffix)
    if what is None:
        return
    way = f"name it {printable(out.stem)}.json"
    if suffix == ".onnx":
        way += " (logistic export MODEL --onnx FILE then writes the ONNX graph)"
    raise CLIError(
        f"{option} {printable(str(out))}: a name for {what}, but fit writes a JSON "
        f"model file; {way}",
        EX_USAGE,
    )


def require_suffix(out: Path, option: str, suffix: str, what: str) -> None:
    """Refuse (exit 2) an output name that does not end in ``suffix`` (any
    case): the file ``what`` says the command writes."""
    if out.suffix.lower() != suffix:
        raise CLIError(
            f"{option} must end in {suffix} ({what}), got {out.name!r}", EX_USAGE
        )
