"""``logistic evaluate``: metrics of a model on labelled data."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from . import _options as opt
from ._apply import apply_model
from ._common import console


def metrics_of(applied: Any, threshold: float) -> dict[str, Any]:
    """Every metric of :func:`logistic.metrics.evaluate` plus row counts."""
    from ..metrics import evaluate as compute

    result = compute(applied.design.y, applied.z, threshold=threshold)
    result["rows_read"] = applied.design.rows_read
    result["rows_rejected"] = applied.design.rows_dropped
    result["label_mapping"] = applied.model_file.encoding.get("label")
    return result


def metrics_tables(m: dict[str, Any]) -> list[Table]:
    """Rich tables: scores, confusion matrix, calibration."""
    scores = Table(title=f"{m['n_samples']} rows, {m['n_positive']} positive")
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
    missing: opt.Missing = "error",
    json_out: opt.Json = False,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
) -> None:
    """Accuracy, log loss, ROC AUC, PR AUC, Brier score, confusion matrix, calibration.

    DATA must contain the target column (values as at fit time).

    Example: logistic evaluate model.json test.csv --json
    """
    opt.check_missing_option(missing)
    applied = apply_model(
        model, data, with_target=True, missing=missing, sep=sep, fmt=fmt
    )
    m = metrics_of(applied, threshold)
    if json_out:
        typer.echo(json.dumps(m, indent=2))
        return
    for table in metrics_tables(m):
        console.print(table)
