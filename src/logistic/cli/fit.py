"""``logistic fit``: train from a data file and write a model file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from . import _options as opt
from ._common import (
    EX_USAGE,
    CLIError,
    check_output,
    collect_warnings,
    console,
    fitting_progress,
    note,
    parse_list,
    status,
    warn,
)
from ._render import coefficient_table, inference_of, print_design_notes


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _class_weight(value: str | None) -> Any:
    if value is None:
        return None
    if value == "balanced":
        return "balanced"
    try:
        pairs = [item.split("=", 1) for item in value.split(",")]
        return {float(k): float(v) for k, v in pairs}
    except ValueError:
        raise CLIError(
            f"--class-weight must be 'balanced' or '0=W0,1=W1', got {value!r}", EX_USAGE
        ) from None


def _estimator(options: dict[str, Any], fit_intercept: bool) -> Any:
    from .. import LogisticRegression

    params = {k: v for k, v in options.items() if v is not None}
    known = LogisticRegression().get_params()
    unknown = [k for k in params if k not in known]
    if unknown:
        raise CLIError(f"this build's estimator has no option {unknown[0]!r}", EX_USAGE)
    if params.get("penalty") == "none":
        params["penalty"] = None
    return LogisticRegression(fit_intercept=fit_intercept, **params)


def _train(design: Any, options: dict[str, Any]) -> tuple[Any, Any, list[str]]:
    model = _estimator(options, design.encoding.get("intercept", True))
    shape = "x".join(str(n) for n in design.X.shape)
    with (
        collect_warnings() as messages,
        fitting_progress(model, f"fitting {shape} ..."),
    ):
        model.fit(
            design.frame(),
            design.y,
            sample_weight=design.sample_weight,
            offset=design.offset,
        )
        inference = inference_of(model, design)
    return model, inference, messages


def _training_facts(
    data: Path, raw: Any, design: Any, model: Any, options: dict, messages: list[str]
) -> dict[str, Any]:
    return {
        "data": {
            "path": str(data),
            "name": data.name,
            "sha256": _file_sha256(data),
            "format": raw.format,
            "delimiter": raw.delimiter,
        },
        "rows_read": design.rows_read,
        "rows_used": design.rows_read - design.rows_dropped,
        "rows_rejected": design.rows_dropped,
        "options": {k: v for k, v in options.items() if not isinstance(v, dict)},
        "warnings": messages,
        "converged": bool(getattr(model, "converged_", True)),
    }


def fit(
    data: opt.DataArg,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help="Target column (not needed with --formula or LibSVM).",
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Model file to write.")
    ] = Path("model.json"),
    formula: Annotated[
        str | None,
        typer.Option(
            "--formula", help="formulaic formula, e.g. 'admit ~ gre + gpa + C(rank)'."
        ),
    ] = None,
    features: Annotated[
        list[str] | None,
        typer.Option(
            "--features",
            help="Feature columns (comma-separated or repeated); default all.",
        ),
    ] = None,
    drop: Annotated[
        list[str] | None,
        typer.Option(
            "--drop", help="Columns to leave out (comma-separated or repeated)."
        ),
    ] = None,
    positive: Annotated[
        str | None,
        typer.Option(
            "--positive",
            help="Target value of the positive class (needed unless 0/1, "
            "-1/+1, false/true, no/yes).",
        ),
    ] = None,
    missing: opt.Missing = "error",
    penalty: Annotated[
        str | None,
        typer.Option("--penalty", help="none (default), l2, l1, elasticnet or firth."),
    ] = None,
    alpha: Annotated[
        float | None, typer.Option("--alpha", help="Penalty strength.")
    ] = None,
    l1_ratio: Annotated[
        float | None, typer.Option("--l1-ratio", help="Elastic-net mixing in [0, 1].")
    ] = None,
    solver: Annotated[
        str | None,
        typer.Option("--solver", help="auto (default), newton, lbfgs, gd, sgd, ..."),
    ] = None,
    class_weight: Annotated[
        str | None, typer.Option("--class-weight", help="'balanced' or '0=W0,1=W1'.")
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="Column of (frequency) sample weights."),
    ] = None,
    offset: Annotated[
        str | None,
        typer.Option(
            "--offset", help="Column added to the linear predictor with coefficient 1."
        ),
    ] = None,
    max_iter: Annotated[int | None, typer.Option("--max-iter")] = None,
    tol: Annotated[
        float | None,
        typer.Option("--tol", help="Stop when the gradient's max-norm is <= tol."),
    ] = None,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    force: opt.Force = False,
    json_out: opt.Json = False,
) -> None:
    """Fit a logistic regression to a data file and write a model file.

    Numeric columns are used as they are; string columns are one-hot encoded
    (first sorted level dropped); or give a --formula. The encoding is stored
    in the model file and re-applied by predict, evaluate and report.

    Example: logistic fit binary.csv --formula "admit ~ gre + gpa + C(rank)"
    """
    from ..tabular import fit_design, read_data

    opt.check_missing_option(missing)
    out = check_output(output, force=force, inputs=(data,))
    options = {
        "penalty": penalty,
        "alpha": alpha,
        "l1_ratio": l1_ratio,
        "solver": solver,
        "class_weight": _class_weight(class_weight),
        "max_iter": max_iter,
        "tol": tol,
    }
    with status(f"reading {data} ..."):
        raw = read_data(data, sep=sep, fmt=fmt)
        design = fit_design(
            raw,
            target=target,
            formula=formula,
            features=parse_list(features),
            drop=parse_list(drop),
            positive=positive,
            missing=missing,
            weights=weights,
            offset=offset,
        )
    model, inference, messages = _train(design, options)
    facts = _training_facts(data, raw, design, model, options, messages)
    cov, cov_names = _covariance(inference)
    if inference is not None:
        facts["statistics"] = _statistics(inference)
    from ..io import save
    from ._common import writing

    with writing(out, force=force) as tmp:
        save(
            model,
            tmp,
            encoding=design.encoding,
            covariance=cov,
            covariance_names=cov_names,
            training=facts,
        )
    _report(out, model, design, inference, facts, json_out)


def _covariance(inference: Any) -> tuple[Any, Any]:
    if inference is None:
        return None, None
    try:
        return np.asarray(inference.cov_params()), list(inference.term_names)
    except Exception:  # a singular information matrix: no covariance stored
        return None, None


def _statistics(inference: Any) -> dict[str, float]:
    stats = {}
    for name in (
        "nobs",
        "df_model",
        "df_resid",
        "llf",
        "llnull",
        "deviance",
        "null_deviance",
        "aic",
        "bic",
        "pseudo_rsquared",
    ):
        try:
            stats[name] = float(getattr(inference, name))
        except Exception:
            continue
    return stats


def _report(
    out: Path, model: Any, design: Any, inference: Any, facts: dict, json_out: bool
) -> None:
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
            "label_mapping": design.encoding["label"],
            "n_iter": int(np.ravel(model.n_iter_)[0]),
            "solver": model.solver_,
            "feature_names": design.feature_names,
            "coef": model.coef_.ravel().tolist(),
            "intercept": float(model.intercept_[0]),
        }
        typer.echo(json.dumps(summary, indent=2))
        return
    for m in facts["warnings"]:
        warn(m)
    print_design_notes(design)
    console.print(
        coefficient_table(model, design.feature_names, inference),
        markup=False,
        soft_wrap=True,
    )
    note(f"model written to {out}")
