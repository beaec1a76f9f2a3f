"""``logistic evaluate``: metrics of a model on labelled data."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import typer
from rich.table import Table

from . import _options as opt
from ._apply import (
    MissingRows,
    UnknownLevels,
    apply_model,
    check_row_options,
    tell_unscored,
)
from ._common import console
from ._progress import Quiet


def scored_outcomes(applied: Any) -> tuple[Any, Any, Any]:
    """``(y, z, sample_weight)`` of the individual outcomes in ``applied``.

    Grouped binomial data (successes out of trials per row) are scored as
    their individual outcomes: each row counts as its successes (y = 1) and
    its failures (y = 0), as weights. Otherwise the rows themselves, no
    weights. ``evaluate`` and ``report`` both score through this.
    """
    design = applied.design
    if design.trials is None:
        return design.y, applied.z, None
    failures = design.trials - design.y
    y = np.r_[np.ones_like(design.y), np.zeros_like(failures)]
    return y, np.r_[applied.z, applied.z], np.r_[design.y, failures]


def metrics_of(applied: Any, threshold: float) -> dict[str, Any]:
    """Every metric of :func:`logistic.metrics.evaluate` plus row counts
    (grouped data scored per trial, :func:`scored_outcomes`)."""
    from ..metrics import evaluate as compute

    design = applied.design
    y, z, weight = scored_outcomes(applied)
    result = compute(y, z, threshold=threshold, sample_weight=weight)
    if design.trials is not None:
        result["n_samples"] = float(design.trials.sum())
        result["n_positive"] = float(design.y.sum())
    result["rows_read"] = design.rows_read
    result["rows_rejected"] = design.rows_dropped
    result["rows_missing"] = int(getattr(design, "n_missing", 0))
    result["rows_unknown_levels"] = int(getattr(design, "n_unknown", 0))
    result["label_mapping"] = applied.model_file.encoding.get("label")
    return result


def metrics_tables(m: dict[str, Any]) -> list[Table]:
    """Rich tables: scores, confusion matrix, calibration."""
    scores = Table(title=f"{m['n_samples']:g} rows, {m['n_positive']:g} positive")
    scores.add_column("metric")
    scores.add_column("value", justify="right")
    for key in ("accuracy", "log_loss", "roc_auc", "pr_auc", "brier"):
        scores.add_row(key, "n/a" if m[key] is None else f"{m[key]:.6f}")
    cm = m["confusion_matrix"]
    conf = Table(title=f"confusion matrix at threshold {m['threshold']:g}")
    for col in ("", "predicted 0", "predicted 1"):
        conf.add_column(col, justify="right")
    conf.add_row("actual 0", f"{cm['tn']:g}", f"{cm['fp']:g}")
    conf.add_row("actual 1", f"{cm['fn']:g}", f"{cm['tp']:g}")
    cal = Table(title="calibration")
    for col in ("bin", "count", "mean predicted", "observed rate"):
        cal.add_column(col, justify="right")
    for row in m["calibration"]:
        cal.add_row(
            f"[{row['bin_low']:.1f}, {row['bin_high']:.1f})",
            str(row["count"]),
            f"{row['mean_predicted']:.4f}",
            f"{row['observed_rate']:.4f}",
        )
    return [scores, conf, cal]


def evaluate(
    model: opt.ModelArg,
    data: opt.DataArg,
    threshold: opt.Threshold = 0.5,
    missing: MissingRows = "error",
    unknown: UnknownLevels = "error",
    json_out: opt.Json = False,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    quiet: Quiet = False,
) -> None:
    """Accuracy, log loss, ROC AUC, PR AUC, Brier score, confusion matrix, calibration.

    DATA must contain the target column (values as at fit time). Rows with a
    missing value or a category not seen at fit time are an error, or left
    out with --missing drop|na and --unknown-levels na (stderr says how many).

    Example: logistic evaluate model.json test.csv --json
    """
    check_row_options(missing, unknown)
    applied = apply_model(
        model,
        data,
        with_target=True,
        missing=missing,
        unknown=unknown,
        sep=sep,
        fmt=fmt,
        quiet=quiet,
        encoding=encoding,
        decimal=decimal,
    )
    tell_unscored(applied, data, missing, unknown, task="evaluate")
    m = metrics_of(applied, threshold)
    if json_out:
        typer.echo(json.dumps(m, indent=2))
        return
    for table in metrics_tables(m):
        console.print(table)
