"""What ``logistic fit`` does with a fitted model: write the model file and
print the result (the coefficient table, or ``--json``'s summary).

The file is written first; when printing then fails (a full or closed
standard output), the error says that the model file is written, so that a
rerun is not a surprise ("already exists"). A reader that left (a broken
pipe) stays the entry point's quiet exit 141.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from .._messages import printable
from .._multiclass import is_multiclass
from ._codes import EX_IOERR, CLIError
from ._common import console, error_message, note, warn
from ._json_text import json_text
from ._render import coefficient_table, print_design_notes

__all__ = ["print_result", "printed_after_save", "save_model"]


def save_model(
    out: Path,
    force: bool,
    model: Any,
    design: Any,
    facts: dict[str, Any],
    cov: Any,
    cov_names: list[str] | None,
) -> None:
    from ..io import save
    from ._common import write_errors

    if getattr(model, "fit_statistics_", None) is not None and "cov_type" not in facts:
        # the same model-based covariance, written by save() together with the
        # fit statistics, so that load(path).inference() needs no data
        cov, cov_names = None, None
    with write_errors(out):  # save() writes atomically itself (one fsync'd rename)
        save(
            model,
            out,
            encoding=design.encoding,
            covariance=cov,
            covariance_names=cov_names,
            training=facts,
            overwrite=force,
        )


def print_result(
    out: Path,
    model: Any,
    design: Any,
    inference: Any,
    facts: dict,
    json_out: bool,
    cov: Any = None,
) -> None:
    import numpy as np

    # on stderr with --json too (which also lists them), as summary --json
    # does: a log of stderr holds the fit's own warnings, and a later one that
    # repeats them (the inference's separation warning) is then not printed
    for m in facts["warnings"]:
        warn(m)
    if json_out:
        summary = {
            "ok": True,
            "model": str(out),
            **{
                k: facts[k]
                for k in (
                    "rows_read",
                    "rows_used",
                    "rows_rejected",
                    "warnings",
                    "converged",
                )
            },
            # why the fit stopped ("gradient max-norm below tol", "stopped
            # under quasi-complete separation ..."), as summary --json has it
            "fit_status": getattr(model, "fit_status_", None),
            "label_mapping": design.encoding["label"],
            "binomial": design.encoding.get("binomial"),
            "n_iter": int(np.ravel(model.n_iter_)[0]),
            "solver": model.solver_,
            "feature_names": design.feature_names,
            "notes": design.notes,  # rows dropped, columns left out
            # as summary --json: "unchecked" for a streamed fit, whose text
            # output carries the note that separation was not checked
            "separation": getattr(model, "separation_", None),
            "coef": model.coef_.ravel().tolist(),
            "intercept": float(model.intercept_[0]),
        }
        if is_multiclass(model):  # one row of coefficients per class
            from ._multiclass import model_levels

            summary["classes"] = model_levels(model, design.encoding)
            summary["coef"] = model.coef_.tolist()
            summary["intercept"] = np.asarray(model.intercept_).tolist()
        if "streaming" in facts:
            summary["streaming"] = facts["streaming"]
        if getattr(model, "cross_validation_", None) is not None:
            # --cv: the record the table prints (and the model file stores)
            summary["cross_validation"] = model.cross_validation_
        typer.echo(json_text(summary))
        return
    if getattr(model, "cross_validation_", None) is not None:
        from ._cv import cv_table, l1_ratio_table

        console.print_table(cv_table(model.cross_validation_), markup=False)
        if (mixings := l1_ratio_table(model.cross_validation_)) is not None:
            console.print_table(mixings, markup=False)
    print_design_notes(design, penalized=model.penalty is not None)
    if is_multiclass(model):
        from ._multiclass import coefficient_text, model_levels

        levels = model_levels(model, design.encoding)
        target = (design.encoding.get("label") or {}).get("column")
        table = coefficient_text(
            model, design.feature_names, levels, inference, target=target
        )
    else:
        table = coefficient_table(model, design.feature_names, inference, cov)
    console.print(table, markup=False, soft_wrap=True)
    note(f"model written to {printable(str(out))}")


@contextmanager
def printed_after_save(out: Path) -> Iterator[None]:
    """Printing the result of a fit whose model file ``out`` is written: an
    output error says so (exit 74); a broken pipe is raised as it is."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        raise CLIError(
            f"model written to {printable(str(out))}, but printing the result failed: "
            f"{error_message(exc)}",
            EX_IOERR,
        ) from None
