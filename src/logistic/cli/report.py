"""``logistic report``: one self-contained HTML report of a model on data.

The header's ``fit on training data`` line (deviances, AIC/BIC, pseudo R²
of a two-class fit) comes from ``training.statistics`` of a file written by
``logistic fit``, or is derived from ``training.fit_statistics`` of one
saved from Python (:func:`._aliased_file.stored_statistics`, as ``summary``
does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._messages import count_text, printable
from . import _options as opt
from ._aliased_file import with_file_statistics
from ._apply import (
    apply_model,
    tell_unscored,
)
from ._codes import EX_USAGE, CLIError
from ._common import (
    check_output,
    note,
    refuse_existing,
    require_inputs,
    typed_option,
    writing,
)
from ._progress import QuietReading
from ._render import converged_text, separation_table_note, stop_text
from ._row_options import (
    MissingScored,
    SavedTarget,
    UnknownScored,
    check_row_options,
)
from ._spelling import cli_spelling
from ._summary_lines import covariance_line
from .evaluate import HLGroups, check_groups, metrics_of, scored_outcomes
from .summary import summary_dict


def write_report(
    applied: Any,
    out: Path,
    *,
    force: bool,
    threshold: float = 0.5,
    model_path: str = "",
    data_path: str = "",
    groups: int = 10,
    unscored: str | None = None,
) -> None:
    """Compute metrics, draw figures, write the HTML atomically. ``unscored``
    (:func:`._apply.unscored_line`) counts the rows of DATA left out, which
    the header says beside the rows scored."""
    import numpy as np

    try:
        import matplotlib  # noqa: F401

        from ..report import build_report, influence_section
    except ImportError as exc:
        raise CLIError(
            f"report needs matplotlib: pip install 'logistic[plot]' (from a clone: "
            f"pip install '.[plot]') or pip install matplotlib ({exc})",
            EX_USAGE,
        ) from None
    from . import _multiclass

    if _multiclass.is_multiclass(applied.model_file.model):
        _multiclass.check_threshold(threshold, groups)
        text = _multiclass_report(applied, model_path, data_path, unscored)
        with writing(out, force=force) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return
    m = metrics_of(applied, threshold, groups)
    if m["roc_auc"] is None:
        raise CLIError(_one_class(applied, m, data_path))
    y, z, weight = scored_outcomes(applied)
    # aliased columns: the reduced model's intervals and NA rows, as summary
    mf = applied.model_file
    with_file_statistics(mf, model_path)
    info = summary_dict(mf)
    rows = f"{count_text(m['n_samples'])} ({count_text(m['n_positive'])} positive)"
    if m["grouped"]:
        rows = (
            f"{count_text(m['n_rows'])} ({count_text(m['n_samples'])} trials, "
            f"{count_text(m['n_positive'])} successes)"
        )
    meta = _meta(info, mf, m, applied.weights, [model_path, data_path, rows], unscored)
    if info["label_mapping"]:
        from .._labels import label_shown

        lab = info["label_mapping"]
        meta.append(
            ("positive class", f"{lab['column']} = {label_shown(lab['positive'])}")
        )
    stats = (info["training"] or {}).get("statistics") or {}
    if stats:
        meta.append(("fit on training data", _fit_line(stats)))
    design = applied.design
    influence = influence_section(
        applied.model_file.model,
        design.X,
        design.y,
        design.sample_weight,
        design.offset,
        row_numbers=np.flatnonzero(design.keep),
        grouped=design.trials is not None,
    )
    influence = _in_cli_words(influence, data_path, model_path)
    text = build_report(
        title="Logistic regression report",
        meta=meta,
        y=y,
        z=z,
        sample_weight=weight,
        metrics=m,
        coefficients=info["coefficients"],
        history=list(applied.model_file.model.history_ or []),
        cross_validation=getattr(applied.model_file.model, "cross_validation_", None),
        feature_names=[
            r["term"] for r in info["coefficients"] if r["term"] != "Intercept"
        ],
        influence=influence,
        hl_groups=groups,
        weights=applied.weights,
        coefficient_note=_coefficient_note(info, mf.model),
    )
    with writing(out, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _fit_line(stats: dict[str, float]) -> str:
    """``deviance 458.517, null_deviance 499.977, aic 470.517, ...``: the
    deviances, AIC/BIC and pseudo R² of ``training.statistics``."""
    from ..inference._cell_text import shown

    keys = ("deviance", "null_deviance", "aic", "bic", "pseudo_rsquared")
    return ", ".join(f"{k} {shown(v, '.6g')}" for k, v in stats.items() if k in keys)


def _coefficient_note(info: dict[str, Any], model: Any) -> str | None:
    """The warning above the summary table: R's note on aliased columns, the
    note on a fit whose MLE does not exist (separation) and a Firth fit's note
    that its columns are Wald, as ``summary`` prints them under its table."""
    notes = [info.get("singularities"), separation_table_note(model)]
    if getattr(model, "penalty", None) == "firth":  # its columns are Wald
        from ._render import firth_wald_note

        notes.append(firth_wald_note(model, report=True))
    return " ".join(n for n in notes if n) or None


def _meta(
    info: dict[str, Any],
    mf: Any,
    m: dict[str, Any],
    weights: str | None,
    head: list[str],
    unscored: str | None = None,
) -> list[tuple[str, str]]:
    """The report's header lines: model file, (formula,) data, rows (``head``),
    the rows of DATA not scored (``unscored``: left out by --missing or
    --unknown-levels, which stderr alone said), the solver (``no finite MLE
    (separation)`` for a fit whose MLE does not exist, as ``summary`` says,
    with where the fit stopped against its tol),
    the weights column (or, when the fit had one DATA lacks, that the rows
    are not weighted: the page is read without the command's stderr) and the
    offset column, the warnings the fit recorded (``summary``'s ``fit
    warning:`` lines) and the covariance of the Summary table's standard errors
    where it is not the model-based one (sampling weights' robust sandwich)."""
    from .._messages import cap_line  # a stored warning may quote a long name

    meta = [
        ("model file", head[0]),
        ("data", head[1]),
        ("rows", head[2]),
        *([("rows not scored", unscored)] if unscored else []),
        (
            "solver",
            f"{info['solver']}, {info['n_iter']} iterations, "
            f"converged={converged_text(mf.model)}{stop_text(mf.model)}",
        ),
    ]
    for warning in (info.get("training") or {}).get("warnings") or []:
        meta.append(("fit warning", cap_line(str(warning))))
    if info["formula"]:
        meta.insert(1, ("formula", info["formula"]))
    if info.get("penalty"):  # a penalized binary fit (summary_dict)
        meta.append(
            (
                "penalty",
                f"{info['penalty']}: PENALIZED estimates, shrunk toward 0, not "
                "maximum likelihood",
            )
        )
    if weights:
        meta.append(
            ("weights", f"column {weights!r}, sum {count_text(m['sum_of_weights'])}")
        )
    elif info.get("weights"):  # fit weighted its rows; DATA lacks the column
        meta.append(
            (
                "weights",
                f"none: {head[1]} has no column {info['weights']!r} (the model's "
                "fit --weights), so the rows are not weighted",
            )
        )
    if info.get("offset") is not None:  # read from DATA, in every logit
        meta.append(("offset", f"column {info['offset']!r}, added to each row's logit"))
    # the Summary table's standard errors: say which covariance, as summary does
    training = info.get("training") or {}
    if (covariance := covariance_line(training, mf.covariance is not None)) is not None:
        meta.append(("covariance", covariance))
    return meta


def _multiclass_report(
    applied: Any, model_path: str, data_path: str, unscored: str | None = None
) -> str:
    """The HTML report of a model of more than two classes
    (:func:`logistic.report.build_multiclass_report`)."""
    import numpy as np

    from .._labels import label_text
    from .._softmax import softmax
    from ..report import build_multiclass_report
    from . import _multiclass

    m = _multiclass.metrics_of(applied)
    present = [c for c in m["per_class"] if c["weight"] > 0]
    if len(present) < 2:  # no curve of one class against the rest
        raise CLIError(_one_level(applied, present, data_path))
    spelled = [label_text(c) for c in m["classes"]]  # 1.0 as 1, as every command
    m = {**m, "classes": spelled}
    m["confusion_matrix"] = {**m["confusion_matrix"], "classes": spelled}
    mf = applied.model_file
    model = mf.model
    levels = _multiclass.levels_of(mf)
    # a file saved from Python: training.statistics from its fit statistics,
    # as summary derives them (the "fit on training data" line below)
    with_file_statistics(mf, model_path)
    info = summary_dict(mf)
    label = (mf.encoding or {}).get("label") or {}
    rows = f"{count_text(m['n_samples'])}, {len(levels)} classes"
    meta = _meta(info, mf, m, applied.weights, [model_path, data_path, rows], unscored)
    column = label.get("column", "?")
    target = _multiclass.target_text(model, column, levels, sep=", ")
    at = next((i for i, (k, _) in enumerate(meta) if k == "weights"), len(meta))
    meta[at:at] = [("target", target), ("penalty", _multiclass.penalty_text(model))]
    stats = _multiclass.fit_statistics(mf)
    if stats:
        from ._summary_lines import statistics_line

        meta.append(("fit on training data", statistics_line(stats)))
    design = applied.design
    return build_multiclass_report(
        title="Multinomial logistic regression report",
        meta=meta,
        y=np.asarray(design.y).astype(np.intp),
        proba=softmax(applied.z),
        metrics=m,
        coefficients=info["coefficients"],
        history=list(model.history_ or []),
        sample_weight=design.sample_weight,
        weights=applied.weights,
        coefficient_note=_multiclass.separation_text(model),
    )


def _in_cli_words(section: Any, data_path: str, model_path: str) -> Any:
    """The influence section's reason in the CLI's terms: options, files."""
    from dataclasses import replace

    if section.rows:  # the caveat of a separated fit names its remedy
        return replace(section, note=cli_spelling(section.note))
    if section.training is False:
        return replace(
            section,
            note=f"not shown: {data_path} is not the data {model_path} was fitted on "
            f"({section.mismatch}); the table needs the training file, with the same "
            "rows, --weights and --offset columns",
        )
    return replace(section, note=cli_spelling(section.note))


def report(
    model: opt.ModelArg,
    data: opt.DataArg,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="FILE", help="HTML file to write.", readable=False
        ),
    ] = Path("report.html"),
    threshold: opt.Threshold = 0.5,
    groups: HLGroups = 10,
    missing: MissingScored = "error",
    unknown: UnknownScored = "error",
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
    force: opt.Force = False,
    quiet: QuietReading = False,
    target: SavedTarget = None,
) -> None:
    """Write a self-contained HTML report of a model on DATA.

    ROC and precision-recall curves, calibration, coefficients with
    confidence intervals, convergence history, the summary table, the
    Hosmer-Lemeshow test (--groups) and the most influential rows (images
    embedded; needs matplotlib). Rows are weighted by the model's --weights
    column when DATA has it. A model of more than two classes gets its
    multi-class metrics, confusion matrix and one ROC curve per class against
    the rest.

    Example: logistic report model.json test.csv -o report.html
    """
    check_row_options(missing, unknown)
    check_groups(groups)
    require_inputs(data=data, model=model)
    # an existing output is refused once the model and data are checked
    out = check_output(output, force=True, inputs=(data, model))
    if out.suffix.lower() not in (".html", ".htm"):
        option = typed_option("--output", "-o")
        raise CLIError(
            f"{option} must end in .html or .htm (the report is one HTML file), "
            f"got {out.name!r}",
            EX_USAGE,
        )
    def checked(model_file: Any) -> None:
        """The two-class options against the model, then the output."""
        from . import _multiclass

        if _multiclass.is_multiclass(model_file.model):
            _multiclass.check_threshold(threshold, groups)
        refuse_existing(out, force=force)

    applied = apply_model(
        model,
        data,
        with_target=True,
        missing=missing,
        unknown=unknown,
        sep=sep,
        fmt=fmt,
        encoding=encoding,
        decimal=decimal,
        quiet=quiet,
        weighted=True,
        checked=checked,
        target=target,
    )
    tell_unscored(applied, data, missing, unknown, task="report on")
    from .._files import STDIN_NAME
    from ._apply import unscored_line

    write_report(
        applied,
        out,
        force=force,
        threshold=threshold,
        # names as messages show them: control characters and a byte that is
        # not UTF-8 (b'm\xe9.json') escaped, which the page's UTF-8 can hold
        model_path=printable(str(model)),
        # the page names standard input as messages do, not by its '-'
        data_path=STDIN_NAME if str(data) == "-" else printable(str(data)),
        groups=groups,
        unscored=unscored_line(applied.design, missing, unknown, output=False),
    )
    note(f"report written to {printable(str(out))}")


def _one_class(applied: Any, m: dict[str, Any], data_path: Any) -> str:
    """Why a report of data with one class is refused: which class the
    target holds and where the metrics that one class defines are."""
    label = (applied.model_file.encoding or {}).get("label") or {}
    positive = int(m["n_positive"]) > 0
    value = label.get("positive" if positive else "negative", 1 if positive else 0)
    return _refusal(
        applied, data_path, repr(value), float(m["n_samples"]),
        "ROC and precision-recall curves need both classes",
        "accuracy, log loss, Brier",
    )  # fmt: skip


def _one_level(applied: Any, present: list[dict[str, Any]], data_path: Any) -> str:
    """Why a K-class report of data holding one class (of positive weight)
    is refused, as :func:`_one_class` words it for two classes."""
    from .._labels import label_text

    shown = repr(label_text(present[0]["class"])) if present else None
    return _refusal(
        applied, data_path, shown, present[0]["n_samples"] if present else 0,
        "ROC curves (one class against the rest) need at least two classes",
        "accuracy, log loss",
    )  # fmt: skip


def _refusal(
    applied: Any, data_path: Any, shown: str | None, rows: float, why: str,
    metrics: str,
) -> str:  # fmt: skip
    """The refusal of a report on data of one class (``shown``, None for no
    row at all) on ``rows`` rows (with weights: the rows of positive weight),
    ``why`` the report needs more, ``metrics`` what ``evaluate`` still gives."""
    encoding = applied.model_file.encoding or {}
    column = (encoding.get("label") or {}).get("column") or encoding.get("target")
    weighted = ""
    weights = getattr(applied.design, "sample_weight", None)
    if applied.weights is not None and weights is not None:
        import numpy as np

        rows, weighted = float(np.count_nonzero(weights > 0)), " of positive weight"
    where = f"target column {column!r}" if column else "the target"
    held = (
        f"only class {shown} on its {count_text(rows)} rows{weighted}"
        if shown is not None
        else f"no row{weighted}"
    )
    return (
        f"{data_path}: {where} holds {held}, and the report's {why}; `logistic "
        f"evaluate MODEL DATA` gives the metrics one class defines ({metrics})"
    )
