"""Shared CLI pieces: consoles, error messages, output paths, warnings.

Exit codes and the exceptions they stand for are :mod:`._codes`'s; commands
import them from there. Diagnostics go to stderr; results to stdout. Output
files are checked *before* any work (:mod:`._output_path`) and written atomically
(:func:`logistic.io.atomic_output`); a command that reads a model or data
(``fit``, ``predict``, ``report``, ``margins``, ``export``) refuses an
existing output without ``--force`` (:func:`refuse_existing`) once those
are checked, before its work, so that a mistake in them is reported first.
"""

from __future__ import annotations

import errno
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._codes import (
    EX_CANTCREAT,
    EX_DATAERR,
    EX_IOERR,
    EX_NOINPUT,
    EX_SOFTWARE,
    EX_USAGE,
    CLIError,
    Terminated,
    exit_code_for,
    is_cluster_fault,
)
from ._console import console, err_console
from ._output_path import check_output, refuse_existing, unusable_folder
from ._typed import command_line, typed_option

__all__ = [
    "check_output",
    "collect_warnings",
    "command_line",
    "console",
    "data_sha256",
    "err_console",
    "error_message",
    "import_pandas_first",
    "load_model_file",
    "mark_said",
    "note",
    "parse_list",
    "refuse_existing",
    "require_inputs",
    "typed_option",
    "unusable_folder",
    "warn",
    "writing",
]


def error_message(exc: BaseException) -> str:
    """One line for stderr, naming options as the CLI spells them, at most
    :data:`logistic._messages.MAX_LINE` characters (whatever the exception
    holds: a message listing a thousand columns is cut, with a count)."""
    from .._messages import cap_line
    from ._spelling import cli_spelling

    return cap_line(cli_spelling(_error_text(exc)))


def _error_text(exc: BaseException) -> str:
    from .._atomic import name_too_long
    from .._exceptions import InvalidParameterError

    if isinstance(exc, InvalidParameterError):
        return " ".join(str(exc).split())  # one line; cli_spelling names options
    if "force_resume=True" in str(exc):  # a Python-only remedy: no CLI option
        return str(exc).replace(", or pass force_resume=True to resume anyway", "")
    if isinstance(exc, Terminated):
        return exc.words
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, MemoryError) and not is_cluster_fault(exc):
        return (
            "out of memory: the data do not fit in memory; fit with --stream "
            "(numeric feature columns, read in chunks) or on Dask with --workers N"
        )
    if isinstance(exc, OSError) and not isinstance(exc, CLIError):
        text = exc.strerror if exc.filename and exc.strerror else str(exc)
        if exc.errno == errno.ENAMETOOLONG and exc.filename:  # which name, what limit
            text = name_too_long(exc.filename) or text
        if exc.filename and str(exc.filename) not in text:
            text = f"{exc.filename}: {text}"
        return text
    if isinstance(exc, Warning):  # warnings made errors: -W error, PYTHONWARNINGS
        return (
            f"{type(exc).__name__}, a warning, stopped the command (Python's "
            f"warning filters make warnings errors: -W error or PYTHONWARNINGS): {exc}"
        )
    if exit_code_for(exc) == EX_SOFTWARE:
        return (
            f"internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for details)"
        )
    return str(exc)


@contextmanager
def writing(path: Path, *, force: bool) -> Iterator[Path]:
    """Atomic output with exit code 73/74 on failure (see :func:`atomic_output`)."""
    from ..io import atomic_output

    with write_errors(path), atomic_output(path, overwrite=force) as tmp:
        yield tmp


@contextmanager
def write_errors(path: Path) -> Iterator[None]:
    """Errors of writing ``path`` (itself atomic, e.g. ``io.save``) as exit
    codes 73/74, with the messages of :func:`writing`."""
    from .._files import NotARegularFileError

    try:
        yield
    except NotARegularFileError as exc:
        raise CLIError(str(exc.strerror), EX_CANTCREAT) from None
    except FileExistsError:
        raise CLIError(
            f"{path} already exists; pass --force to overwrite it", EX_CANTCREAT
        ) from None
    except FileNotFoundError as exc:
        raise CLIError(
            f"cannot create {path}: {exc.strerror or exc}", EX_CANTCREAT
        ) from None
    except PermissionError as exc:
        raise CLIError(
            f"cannot create {path}: {exc.strerror or exc}", EX_CANTCREAT
        ) from None
    except OSError as exc:
        raise CLIError(
            f"error writing {path}: {exc.strerror or exc}", EX_IOERR
        ) from None


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Record warnings raised inside (to print them once and store them), with
    parameters spelt as CLI options (:func:`._spelling.cli_spelling`).

    Of the separation warnings only the first is kept: the fit's, which names
    the separating direction; the inference's that follows it in the same
    command says again that the MLE does not exist, which the table's note
    also says. The inference's warning of an unconverged fit is not kept
    after the solver's, which says why and what to do (:func:`_said_before`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        messages: list[str] = []
        yield messages
    seen: set[str] = set()
    for w in caught:
        text = _warning_text(w.message, w.category)
        if text is not None and text not in seen and not _said_before(text, seen):
            seen.add(text)
            messages.append(text)


def _warning_text(message: Warning | str, category: type[Warning]) -> str | None:
    """``Category: message`` with CLI spellings, on one printable line (a model
    file stores it: io refuses control characters there; other characters are
    escaped as repr escapes them); None for a DeprecationWarning (not the
    user's concern) and for an interval alpha above 0.5 (the commands take the
    coverage, ``--level``: a low one is what was asked for)."""
    from .._exceptions import IntervalAlphaWarning

    if issubclass(category, (DeprecationWarning, IntervalAlphaWarning)):
        return None
    from ._spelling import cli_spelling

    text = cli_spelling(f"{category.__name__}: {message}")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


#: Warning lines printed by the running command (None outside
#: :func:`routed_warnings`): each is printed once.
_printed: set[str] | None = None


@contextmanager
def routed_warnings() -> Iterator[None]:
    """Run a command with every warning printed by :func:`warn`: those raised
    outside :func:`collect_warnings` too (after a collection block, in a
    summary computed lazily, in typer's callback) are shown as the collected
    ones, ``warning: Category: message`` with CLI spellings, never Python's
    ``file:line: Category: message`` and source line; each line once per
    command (a warning both collected and raised again is printed once).
    Warnings raised outside a collection are printed when the command ends
    (or fails, before its error line), after the ones the command prints
    itself, which name the cause first. A separation is said once: an
    inference's separation warning is not printed after the fit's (which
    names the separating direction; the table's note says what it means for
    the standard errors)."""
    global _printed
    escaped: list[str] = []

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        text = _warning_text(message, category)
        if text is not None:
            escaped.append(text)

    previous, _printed = _printed, set()
    try:
        with warnings.catch_warnings():
            warnings.showwarning = show
            yield
    finally:
        for text in escaped:
            if _said_before(text, _printed):
                continue
            warn(text)
        _printed = previous


_SEPARATION = "PerfectSeparationWarning:"
#: The solver's warning that a fit stopped short of its tolerance
#: (``solvers._base``: why, and the remedies) ...
_SOLVER_SHORT = "ConvergenceWarning: Solver "
#: ... and the inference's on the same fit (``inference._fit``), which says
#: the same fact again: after the solver's it is not printed.
_INFERENCE_SHORT = "ConvergenceWarning: the model did not converge"


def _said_before(text: str, printed: set[str]) -> bool:
    """Whether ``text`` says again what a warning already printed said in
    other words: a separation warning after one, or the inference's warning
    of an unconverged fit after the solver's."""
    if text.startswith(_INFERENCE_SHORT):
        return any(t.startswith(_SOLVER_SHORT) for t in printed)
    return text.startswith(_SEPARATION) and any(
        t.startswith(_SEPARATION) for t in printed
    )


def mark_said(lines: list[str]) -> None:
    """Count warning ``lines`` (``Category: message``) that the command printed
    another way (``summary``'s ``fit warning:`` lines, the fit's own stored
    warnings) as printed: the same warning raised again in the command, and a
    separation warning after a stored one, are then not repeated."""
    if _printed is not None:
        _printed.update(lines)


def warn(message: str) -> None:
    """A warning line on stderr (capped like :func:`error_message`, control
    characters escaped: :func:`logistic._messages.printable`); within
    :func:`routed_warnings`, a line already printed is not printed again, nor
    a separation warning after one already said."""
    from .._messages import cap_line, printable

    if _printed is not None:
        if message in _printed or _said_before(message, _printed):
            return
        _printed.add(message)
    line = f"warning: {printable(cap_line(message))}"
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)


def note(message: str) -> None:
    """An informational line on stderr (capped like :func:`error_message`):
    a file name typed on the command line (``model written to NAME``) is
    shown with its control characters escaped
    (:func:`logistic._messages.printable`), never acted on by the terminal."""
    from .._messages import cap_line, printable

    line = printable(cap_line(message))
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)


def parse_list(values: list[str] | None, option: str | None = None) -> list[str] | None:
    """``["a,b", "c"]`` → ``["a", "b", "c"]`` (``a\\,b`` names the column
    ``a,b``); None stays None. With
    ``option`` (the option's name, for the message), a name given twice is a
    usage error: ``--features x1,x1`` would fit a duplicated column."""
    if not values:
        return None
    names = [
        v.strip().replace("\\,", ",")
        for item in values
        for v in re.split(r"(?<!\\),", item)  # "a\\,b" is one name, "a,b"
        if v.strip()
    ]
    if option is not None and len(set(names)) < len(names):
        twice = next(n for i, n in enumerate(names) if n in names[:i])
        raise CLIError(
            f"{option} names the column {twice!r:.80} more than once "
            f"({option} {','.join(names)!s:.200}); give each column once",
            EX_USAGE,
        )
    return names


def data_sha256(path: Path) -> str:
    """sha256 of a file, or of the Parquet files a fit of directory ``path``
    reads, in its order (:func:`logistic.formats.parquet_files`; no marker or
    hidden file): each one's path below ``path``, a NUL byte, its bytes."""
    import hashlib

    from .._files import open_regular
    from ..formats import parquet_files

    files = parquet_files(path) if path.is_dir() else [path]
    h = hashlib.sha256()
    for f in files:
        if path.is_dir():
            h.update(os.fsencode(f.relative_to(path)) + b"\0")
        with open_regular(f, what="input file") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return h.hexdigest()


def _loops(path: Path) -> bool:
    """Whether resolving ``path`` meets a loop of symbolic links (ELOOP)."""
    import errno

    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def require_inputs(
    *,
    data: str | os.PathLike[str] | None = None,
    model: str | os.PathLike[str] | None = None,
) -> None:
    """Missing inputs are reported (exit 66) before anything about outputs."""
    if model is not None:
        p = Path(model)
        if str(model) == "-" and not p.exists():
            raise CLIError(
                "model file '-': standard input is read for DATA only; give the "
                "model file's path",
                EX_USAGE,
            )
        if not p.exists():
            if _loops(p):  # a loop of links, in the name or a folder above it
                from .._files import open_regular

                open_regular(p, what="model file").close()
            raise CLIError(f"model file {model} does not exist", EX_NOINPUT)
        if p.is_dir():
            raise CLIError(f"model file {model} is a directory", EX_NOINPUT)
    if data is not None:
        from ..tabular._read import check_path

        if model is not None and Path(data).is_dir():  # predict, evaluate, ...
            raise CLIError(
                f"input file {data} is a directory; this command reads one data "
                "file (a directory of Parquet files is read by `logistic fit` "
                "only): give one of its files, or join them into one",
                EX_NOINPUT,
            )
        check_path(str(data))


def import_pandas_first(needed: bool = True) -> None:
    """Import pandas now, where Ctrl-C can interrupt the import, when
    ``needed``: the formula encodings read their columns through pandas.

    pyarrow imports pandas on its first conversion to pandas, inside a
    function that cannot pass exceptions on: a Ctrl-C during that import is
    reported as ignored and the command carries on. Commands call this before
    reading data they will encode with a formula; column encodings convert
    Arrow columns without pandas (:mod:`logistic._arrow_numpy`) and fit on
    :class:`logistic.tabular._named.NamedColumns`, so they skip the ≈ 0.2–0.6 s
    import.
    """
    if not needed:
        return
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover - pandas comes with the cli extra
        pass


def load_model_file(path: str, data: str | os.PathLike[str] | None = None) -> Any:
    """Read a model file; a missing file is exit 66, a bad one exit 65 (with
    the order of the arguments when ``data``, the command's DATA, is the
    model file: MODEL and DATA swapped)."""
    from .._exceptions import IntegrityError, ModelFormatError
    from ..io import read_model_file

    p = Path(path)
    require_inputs(model=p)
    with collect_warnings() as messages:
        try:
            mf = read_model_file(p)
        except ModelFormatError as exc:
            if isinstance(exc, IntegrityError) or not _is_model_file(data):
                raise
            raise CLIError(
                f"{exc}; {data} is a model file: the arguments are MODEL DATA, the "
                "model file first",
                EX_DATAERR,
            ) from None
    for m in messages:
        warn(m)
    _attach_statistics(mf, str(p))
    return mf


def _is_model_file(path: str | os.PathLike[str] | None) -> bool:
    """Whether ``path`` is a regular file that starts as a model file does."""
    from ..tabular._encoding import is_model_file_head

    if path is None or not Path(path).is_file():
        return False
    try:
        with open(path, "rb") as fh:
            return is_model_file_head(fh.read(4096))
    except OSError:
        return False


def _attach_statistics(mf: Any, path: str) -> None:
    """Give a K-class model read from ``path`` the fit statistics its file
    keeps (an unpenalized fit), so that ``summary`` and ``report`` show
    per-equation standard errors without the data, and a FLIC or FLAC fit
    those its inference on the data reads (its covariance kept at fit):
    :func:`logistic.load` rebuilds them (the CLI reads files with
    ``read_model_file``, which does not); read once more only for such files."""
    from .._firth_correction import corrected_kind
    from .._multiclass import is_multiclass

    model = mf.model
    wanted = is_multiclass(model) or corrected_kind(model) is not None
    if not wanted or mf.covariance is None:
        return
    if getattr(model, "fit_statistics_", None) is None:
        import warnings

        from ..io import load

        with warnings.catch_warnings():  # the file's warnings came with its read
            warnings.simplefilter("ignore")
            stats = getattr(load(path), "fit_statistics_", None)
        if stats is not None:
            model.fit_statistics_ = stats


def binary_classes_named(messages: list[str], design: Any) -> list[str]:
    """``messages`` with a two-class model's ``classes_[0]`` and
    ``classes_[1]`` (the separation warning's sides, in the estimator's
    words) named by the target's labels, as the command prints them
    (``label = 1``): the command fitted the codes 0 and 1 for the negative and
    the positive label. Unchanged without a two-class label mapping."""
    import re

    from .._labels import label_shown

    label = design.encoding.get("label") or {}
    if "positive" not in label or "negative" not in label:
        return messages
    column = label.get("column")
    sides = [label["negative"], label["positive"]]

    def named(match: re.Match[str]) -> str:
        shown = label_shown(sides[int(match.group(1))])
        return shown if column is None else f"{column} = {shown}"

    return [re.sub(r"classes_\[([01])\]", named, text) for text in messages]


#: More rare classes than this are warned of in one line that names a few.
MAX_RARE_WARNINGS = 3


def rare_class_warnings(design: Any, model: Any = None) -> list[str]:
    """A warning per rare class (``_rare_classes.rare_classes``) of a target of more
    than two classes: a stray value (one ``Yes`` among ``yes``/``no``)
    silently makes a K-class model with other prediction columns. Says how to
    get a two-class model. The rows of each class are counted from the
    design's ``y`` (in memory) or, for a streamed fit, which holds no rows,
    read from the ``model``'s fit statistics (its class totals: rows where
    no weights column weighs them; a penalized fit keeps none, and gets no
    warning)."""
    import numpy as np

    from .._rare_classes import RARE_CLASS_ROWS, rare_class_text, rare_classes

    label = design.encoding.get("label") or {}
    levels, y = label.get("levels"), getattr(design, "y", None)
    if levels is None or len(levels) <= 2:
        return []
    if y is not None:
        counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=len(levels))
    else:
        totals = getattr(getattr(model, "fit_statistics_", None), "class_totals", None)
        if totals is None or design.encoding.get("weights") is not None:
            return []
        counts = np.rint(np.asarray(totals, dtype=np.float64)).astype(np.int64)
    rare = rare_classes(levels, counts.tolist())
    head = f"target {label.get('column')!r:.60}: {len(levels)} classes, so the model"
    advice = (
        "correct or remove those rows for a two-class model; --positive VALUE "
        "makes fit require exactly two classes"
    )
    twins = _twin_class_warnings(label, levels, counts.tolist(), set(rare))
    if len(rare) > MAX_RARE_WARNINGS:  # one line, not one per class
        from .._labels import label_text

        shown = ", ".join(
            f"{label_text(levels[k])!r:.60} ({int(counts[k])})" for k in rare[:5]
        )
        more = f", … and {len(rare) - 5:,} more" if len(rare) > 5 else ""
        return [
            f"{head} is multinomial; {len(rare):,} classes have fewer than "
            f"{RARE_CLASS_ROWS} rows or a small share of the {int(counts.sum())}: "
            f"{shown}{more}. If they are typos or stray values, {advice}"
        ] + twins
    return [
        f"{head} is multinomial; {rare_class_text(levels, counts.tolist(), k)}. If "
        f"that class is a typo or a stray value, {advice}"
        for k in rare
    ] + twins


def _twin_class_warnings(
    label: dict[str, Any], levels: Any, counts: list[int], rare: set[int]
) -> list[str]:
    """A warning per group of classes that differ only in case, spaces or
    Unicode form (``_rare_classes.twin_groups``) none of which is ``rare`` (a
    rare one's warning names its twin already): ``Yes``, ``yes`` and ``YES``
    make three classes."""
    from .._labels import label_text
    from .._rare_classes import twin_groups, twin_reason, twin_shown

    out = []
    for group in twin_groups(levels):
        if rare & set(group):
            continue
        texts = [label_text(levels[i]) for i in group]
        shown = ", ".join(
            f"{twin_shown(t):.60} ({counts[i]})"
            for t, i in zip(texts, group, strict=True)
        )
        out.append(
            f"target {label.get('column')!r:.60}: {shown} differ only in "
            f"{twin_reason(texts)}, so each is a class of its own ({len(levels)} "
            "classes, a multinomial model); if they are one answer, correct those "
            "values in the file"
        )
    return out
