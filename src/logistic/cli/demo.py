"""``logistic demo``: the bundled UCLA admissions data, end to end."""

from __future__ import annotations

import errno
import importlib.util
import os
import shlex
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .._messages import printable
from . import _options as opt
from ._codes import EX_CANTCREAT, EX_USAGE, CLIError
from ._common import console

FORMULA = "admit ~ gre + gpa + C(rank)"


def _data_copy(bundled: Path, output_dir: Path, force: bool) -> Path:
    """The bundled data copied into ``output_dir`` (atomically), so that every
    command the demo prints can be run again as shown; an existing file of
    other content is kept unless ``force``."""
    from .._atomic import atomic_write_bytes, folder_problem

    content = bundled.read_bytes()
    copy = output_dir / bundled.name
    if copy.exists() and not force:
        same = copy.is_file() and copy.stat().st_size == len(content)
        if same and copy.read_bytes() == content:  # another size: not read
            return copy
        raise CLIError(
            f"output file {copy} exists and is not the bundled data; pass --force "
            "to replace it, or choose another --output-dir",
            EX_CANTCREAT,
        )
    try:
        return atomic_write_bytes(copy, content)
    except OSError as exc:  # the folder refuses files (permissions, read-only)
        why = folder_problem(output_dir, exc.errno or 0)
        if why is None:  # a write that failed (a full disk): exit 74, as elsewhere
            raise
        message = f"cannot write to --output-dir {output_dir}: {why}"
        raise CLIError(message, EX_CANTCREAT) from None


def _check_output_dir(output_dir: Path) -> None:
    """Refuse an ``--output-dir`` that cannot hold the demo's files before
    anything is announced or written (exit 73): a file, a name the file
    system cannot hold (its length and the limit), a folder that cannot be
    made or is not writable; a missing one is made."""
    from .._atomic import name_too_long
    from ._common import unusable_folder

    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise CLIError(
            f"--output-dir {output_dir} is a file, not a directory: name a new or "
            "an existing directory",
            EX_CANTCREAT,
        )
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = name_too_long(output_dir) if exc.errno == errno.ENAMETOOLONG else None
        raise CLIError(
            f"cannot create --output-dir {output_dir}: {why or exc.strerror or exc}",
            EX_CANTCREAT,
        ) from None
    problem = unusable_folder(output_dir)
    if problem is not None:
        message = f"cannot write to --output-dir {output_dir}: {problem}"
        raise CLIError(message, EX_CANTCREAT)


def _refuse_unwritable(outputs: list[Path]) -> None:
    """With ``--force``, refuse to start where any output (the data's copy
    included) cannot be replaced as its command would (a symbolic link, a
    directory, a device: :func:`._output_path.check_output`'s refusals, exit
    73), before the first file is written: else the data's copy replaced a
    link and the fit stopped at ``model.json``, the folder half-written."""
    from ._common import check_output

    for path in outputs:
        check_output(path, force=True, names=())


def _refuse_existing(outputs: list[Path]) -> None:
    """Refuse to start when any of the demo's outputs exists (before its
    first step, as each command refuses its own output before its work), so
    that a refusal never leaves some outputs of this run beside older ones."""
    there = [str(path) for path in outputs if path.exists() or path.is_symlink()]
    if there:
        listed = ", ".join(there)
        raise CLIError(
            f"output file(s) {listed} already exist: pass --force to replace them, "
            "or choose another --output-dir",
            EX_CANTCREAT,
        )


def _step(text: str) -> None:
    line = f"\n$ {printable(text)}"  # a folder's name: control characters escaped
    console.print(line, markup=False, style="bold", soft_wrap=True)


def demo(
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            metavar="DIR",
            help="Directory for the model, predictions and report "
            "(default: a new temporary directory, printed).",
        ),
    ] = None,
    force: opt.Force = False,
) -> None:
    """Run fit, summary, evaluate, predict and report on the bundled UCLA data.

    The coefficients match R's glm(admit ~ gre + gpa + factor(rank), binomial).

    Example: logistic demo --output-dir demo-out
    """
    from .. import datasets
    from .evaluate import evaluate
    from .fit import fit
    from .predict import predict
    from .report import report
    from .summary import summary

    if output_dir is not None and str(output_dir) == "-":  # no standard output here
        raise CLIError(
            "--output-dir -: the demo writes several files into a directory; name "
            "one (or leave the option out for a new temporary directory)",
            EX_USAGE,
        )
    if output_dir is None:
        output_dir = Path(tempfile.mkdtemp(prefix="logistic-demo-"))
    _check_output_dir(output_dir)

    def q(path: Path) -> str:  # a path as the shell reads it back
        return shlex.quote(str(path))

    model = output_dir / "model.json"
    predictions = output_dir / "predictions.csv"
    html = output_dir / "report.html"
    bundled = Path(datasets.ucla_admissions_path())
    # the report only where it will be written (matplotlib)
    plots = importlib.util.find_spec("matplotlib") is not None
    outputs = [model, predictions, *([html] if plots else [])]
    if force:  # nothing replaced before every output is known to be replaceable
        _refuse_unwritable([output_dir / bundled.name, *outputs])
    else:
        _refuse_existing(outputs)
    data = _data_copy(bundled, output_dir, force)
    shown = printable(str(output_dir))
    console.print(f"output directory: {shown}", markup=False)  # it takes files
    _step(f'logistic fit {q(data)} --formula "{FORMULA}" -o {q(model)}')
    fit(data, formula=FORMULA, output=model, force=force)
    _step(f"logistic summary {q(model)}")
    summary(model)
    _step(f"logistic evaluate {q(model)} {q(data)}")
    evaluate(model, data)
    _step(f"logistic predict {q(model)} {q(data)} -o {q(predictions)}")
    predict(model, data, output=predictions, force=force)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        console.print(
            "(report skipped: install matplotlib, the 'plot' extra)", markup=False
        )
        return
    _step(f"logistic report {q(model)} {q(data)} -o {q(html)}")
    report(model, data, output=html, force=force)
