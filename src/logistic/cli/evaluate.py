"""``logistic evaluate``: metrics of a model on labelled data."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from .._messages import count_text
from . import _options as opt
from . import _stream_options as sopt
from ._apply import (
    apply_model,
    tell_unscored,
)
from ._codes import EX_USAGE, CLIError
from ._common import console
from ._json_text import json_text
from ._progress import QuietEvaluate
from ._render import scores_table
from ._row_options import (
    MissingScored,
    SavedTarget,
    UnknownScored,
    check_row_options,
)

HLGroups = Annotated[
    int,
    typer.Option(
        "--groups",
        metavar="N",
        help="Groups of the Hosmer-Lemeshow test (quantiles of the predicted "
        "probability; default 10, at least 3).",
        show_default=False,  # the help names it
    ),
]


def check_groups(groups: int) -> None:
    """``--groups`` is at least 3 (exit 2)."""
    if groups < 3:
        raise CLIError(f"--groups must be at least 3; got {groups}", EX_USAGE)


def scored_outcomes(applied: Any) -> tuple[Any, Any, Any]:
    """``(y, z, sample_weight)`` of the individual outcomes in ``applied``.

    Grouped binomial data (successes out of trials per row) are scored as
    their individual outcomes: each row counts as its successes (y = 1) and
    its failures (y = 0), as weights. Otherwise the rows themselves. Rows
    carry the model file's weights column when DATA has it
    (:func:`._apply.weights_of`; multiplying the counts of grouped rows).
    ``evaluate`` and ``report`` both score through this.
    """
    import numpy as np

    design = applied.design
    w = design.sample_weight
    if design.trials is None:
        return design.y, applied.z, w
    failures = design.trials - design.y
    y = np.r_[np.ones_like(design.y), np.zeros_like(failures)]
    counts = np.r_[design.y, failures]
    return y, np.r_[applied.z, applied.z], counts if w is None else counts * np.r_[w, w]


def metrics_of(applied: Any, threshold: float, groups: int = 10) -> dict[str, Any]:
    """Every metric of :func:`logistic.metrics.evaluate` plus row counts
    (grouped data scored per trial, :func:`scored_outcomes`), the weights
    column (``weights``: its name, or None) and the Hosmer–Lemeshow test
    (``hosmer_lemeshow``, 10 groups; None when fewer than 3 can be formed,
    or with a model's sampling weights: ``hosmer_lemeshow_note`` says why,
    null when the test was made)."""
    import numpy as np

    from ..metrics import evaluate as compute
    from ..report._diagnostics import (
        HL_FEW_GROUPS_NOTE,
        HL_SAMPLING_NOTE,
        hosmer_lemeshow_of,
    )

    design = applied.design
    y, z, weight = scored_outcomes(applied)
    result = compute(y, z, threshold=threshold, sample_weight=weight)
    result["grouped"] = design.trials is not None
    result["n_rows"] = int(design.y.size)  # the file's rows scored
    if design.trials is not None:  # trials and successes: whole numbers, as counts
        trials, successes = float(design.trials.sum()), float(design.y.sum())
        result["n_samples"] = int(trials) if trials.is_integer() else trials
        result["n_positive"] = int(successes) if successes.is_integer() else successes
        # a bin's count is the file's rows in it, not the two outcome rows
        # (successes, failures) each row is scored as
        for row in result["calibration"]:
            row["count"] //= 2
    result["weights"] = applied.weights
    # always present (a stable --json schema): the rows scored when unweighted
    result["sum_of_weights"] = (
        float(result["n_samples"])
        if design.sample_weight is None
        else float(np.sum(design.sample_weight))
    )
    result["rows_read"] = design.rows_read
    result["rows_rejected"] = design.rows_dropped
    result["rows_missing"] = int(getattr(design, "n_missing", 0))
    result["rows_unknown_levels"] = int(getattr(design, "n_unknown", 0))
    result["label_mapping"] = applied.model_file.encoding.get("label")
    training = applied.model_file.training or {}
    sampling = training.get("sample_weight_kind") == "sampling"
    # sampling weights: no test (it would count them as frequencies), a note
    skip = sampling and weight is not None
    hl = None if skip else hosmer_lemeshow_of(y, z, weight, groups, "--groups")
    result["hosmer_lemeshow"] = None if hl is None else hl_dict(hl)
    result["hosmer_lemeshow_note"] = (
        HL_SAMPLING_NOTE if skip else (HL_FEW_GROUPS_NOTE if hl is None else None)
    )
    return result


def hl_dict(hl: Any) -> dict[str, Any]:
    """The Hosmer–Lemeshow test as JSON: statistic, df (groups - 2), p-value,
    groups, the p-value on df = groups (rows other than the training rows,
    Stata's ``outsample``) and the test's note (groups of fitted probability
    exactly 0 or 1; null otherwise). An infinite statistic (an outcome such
    a group makes impossible) is null, which JSON can hold; its note says so."""
    import math

    from ..inference._hypothesis import chi2_sf

    statistic = float(hl.statistic)
    return {
        "statistic": None if math.isinf(statistic) else statistic,
        "df": int(hl.df),
        "pvalue": float(hl.pvalue),
        "groups": int(hl.groups),
        "pvalue_outsample": float(chi2_sf(statistic, hl.groups)),
        "note": hl.note,
    }


def hl_line(m: dict[str, Any]) -> str | None:
    """The Hosmer–Lemeshow line under the metrics (the test of
    :func:`hl_dict`, as ``HosmerLemeshowResult`` prints it), its note when
    the test is not made (sampling weights, too few groups), or None (K
    classes)."""
    from ..inference._goodness import p_text  # the coefficient table's p rule

    hl = m.get("hosmer_lemeshow")
    if hl is None:
        note = m.get("hosmer_lemeshow_note")
        return None if note is None else f"Hosmer-Lemeshow: {note}"
    statistic = hl["statistic"]
    shown = (
        "inf, p = 0"
        if statistic is None
        else (f"{statistic:.4f}, {p_text(hl['pvalue'])}")
    )
    g = hl["groups"]
    text = f"Hosmer-Lemeshow chi2({hl['df']}) = {shown} ({g} groups"
    if statistic is not None:  # Stata's outsample: df = groups on new rows
        text += f"; rows other than the training rows: chi2({g}), "
        text += p_text(hl["pvalue_outsample"])
    text += ")"
    return text if hl["note"] is None else f"{text}\nNote: {hl['note']}"


def shown_edges(m: dict[str, Any]) -> dict[str, Any]:
    """``m`` with its calibration bins' edges (``k / n_bins``) written with 12
    significant digits (``0.3``), as JSON shows them; ``m`` is unchanged."""
    if not m.get("calibration"):
        return m
    rows = [
        {**row, **{k: float(f"{row[k]:.12g}") for k in ("bin_low", "bin_high")}}
        for row in m["calibration"]
    ]
    return {**m, "calibration": rows}


def metrics_tables(m: dict[str, Any]) -> list[Table]:
    """Rich tables: scores, confusion matrix (the rates at its threshold as
    its caption), calibration."""
    weighted = m.get("weights") is not None  # rates weighted, counts in rows
    n, positive = count_text(m["n_samples"]), count_text(m["n_positive"])
    if m.get("grouped"):  # trials and successes; a weight multiplies a row's
        rows = f"{count_text(m['n_rows'])} rows"
        if weighted:
            rows += f" of weight {count_text(m['sum_of_weights'])}"
        head = f"{n} trials in {rows}, {positive} successes"
    elif weighted:
        head = (
            f"{n} rows (weight {count_text(m['sum_of_weights'])}), "
            f"{positive} positive (weight {count_text(m['positive_weight'])})"
        )
    else:
        head = f"{n} rows, {positive} positive"
    keys = ("accuracy", "log_loss", "roc_auc", "pr_auc", "brier")
    scores = scores_table(m, head, keys)
    cm = m["confusion_matrix"]
    conf = Table(title=f"confusion matrix at threshold {m['threshold']:g}")
    label = m.get("label_mapping") or {}  # the classes as the data spells them
    from .._labels import label_text  # numbers as every command writes them

    neg, pos = (
        label_text(label.get(k, v)) for k, v in (("negative", 0), ("positive", 1))
    )
    for col in ("", f"predicted {neg}", f"predicted {pos}"):
        conf.add_column(col, justify="right")
    conf.add_row(f"actual {neg}", count_text(cm["tn"]), count_text(cm["fp"]))
    conf.add_row(f"actual {pos}", count_text(cm["fn"]), count_text(cm["tp"]))
    from ..report._rates import rates_line

    conf.caption = rates_line(m)
    cal = Table(title="calibration")
    sizes = ("rows", "weight") if weighted else ("count",)
    for col in ("bin", *sizes, "mean predicted", "observed rate"):
        cal.add_column(col, justify="right")
    for row in m["calibration"]:
        weight = (count_text(row["weight"]),) if weighted else ()
        close = "]" if row["bin_high"] >= 1 else ")"  # the last bin holds 1
        cal.add_row(
            f"[{row['bin_low']:.1f}, {row['bin_high']:.1f}{close}",
            str(row["count"]),
            *weight,
            f"{row['mean_predicted']:.4f}",
            f"{row['observed_rate']:.4f}",
        )
    return [scores, conf, cal]


def evaluate(
    model: opt.ModelArg,
    data: opt.DataArg,
    threshold: opt.Threshold = 0.5,
    groups: HLGroups = 10,
    missing: MissingScored = "error",
    unknown: UnknownScored = "error",
    json_out: opt.Json = False,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    quiet: QuietEvaluate = False,
    target: SavedTarget = None,
    stream: sopt.ReadStream = None,
    chunk_rows: sopt.ChunkRows = None,
) -> None:
    """Accuracy, log loss, ROC AUC and confusion matrix of a model on DATA.

    Two classes: also PR AUC, Brier score, sensitivity, specificity, PPV and
    NPV at the threshold, and calibration. A model of more
    than two classes gets log loss, accuracy, per-class and macro ROC AUC
    (one-vs-rest) and the K x K confusion matrix.

    DATA must contain the target column (values as at fit time). Rows with a
    missing value or a category not seen at fit time are an error, or left
    out with --missing drop|na and --unknown-levels na (stderr says how many).
    Rows are weighted by the model's --weights column when DATA has it. Two
    classes: the Hosmer-Lemeshow test (--groups groups) follows the table.

    A CSV or Parquet file larger than 1/16 of memory (or any, with
    --stream) is read in chunks of rows (--chunk-rows): only the scores,
    outcomes and weights are kept (8 bytes a row each), and the metrics are
    the same.

    Example: logistic evaluate model.json test.csv --json
    """
    from ._apply_stream import (
        apply_chunks,
        check_chunk_rows,
        chunked_note,
        gathered,
        note_unused_chunk_rows,
        stream_wanted,
    )

    check_row_options(missing, unknown)
    check_groups(groups)
    check_chunk_rows(chunk_rows)
    options: dict[str, Any] = {"missing": missing, "unknown": unknown, "sep": sep}
    options.update(fmt=fmt, quiet=quiet, encoding=encoding, decimal=decimal)
    options.update(weighted=True, target=target)
    from ..tabular._raw import DecompressedTooLarge

    chunked = stream_wanted(data, fmt, stream)
    if not chunked:
        try:
            applied = apply_model(model, data, with_target=True, **options)
            note_unused_chunk_rows(chunk_rows, data)
        except DecompressedTooLarge as exc:  # its text is too large to hold
            if stream is False:
                raise
            chunked_note(exc)
            chunked = True
    if chunked:
        streamed = apply_chunks(
            model, data, with_target=True, chunk_rows=chunk_rows, **options
        )
        applied = gathered(streamed, data)
    tell_unscored(applied, data, missing, unknown, task="evaluate")
    from . import _multiclass

    if _multiclass.is_multiclass(applied.model_file.model):
        _multiclass.check_threshold(threshold, groups)
        m = _multiclass.metrics_of(applied)
        tables = _multiclass.metrics_tables(m)
    else:
        m = metrics_of(applied, threshold, groups)
        tables = metrics_tables(m)
    if json_out:
        typer.echo(json_text(shown_edges(m)))
        return
    for table in tables:
        console.print_table(table)
    hl_text = hl_line(m)
    if hl_text is not None:
        console.print(hl_text, markup=False, soft_wrap=True)
