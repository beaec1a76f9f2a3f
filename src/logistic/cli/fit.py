"""``logistic fit``: train from a data file and write a model file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

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
    require_inputs,
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
    target: opt.Target = None,
    output: opt.ModelOut = Path("model.json"),
    formula: opt.Formula = None,
    features: opt.Features = None,
    drop: opt.Drop = None,
    positive: opt.Positive = None,
    missing: opt.Missing = "error",
    penalty: opt.Penalty = None,
    alpha: opt.Alpha = None,
    l1_ratio: opt.L1Ratio = None,
    solver: opt.Solver = None,
    class_weight: opt.ClassWeight = None,
    weights: opt.Weights = None,
    offset: opt.Offset = None,
    max_iter: opt.MaxIter = None,
    tol: opt.Tol = None,
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
    require_inputs(data=data)
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
    _save(out, force, model, design, inference, facts)
    _report(out, model, design, inference, facts, json_out)


def _save(
    out: Path,
    force: bool,
    model: Any,
    design: Any,
    inference: Any,
    facts: dict[str, Any],
) -> None:
    from ..io import save
    from ._common import writing

    cov, cov_names = _covariance(inference)
    if inference is not None:
        facts["statistics"] = _statistics(inference)
    with writing(out, force=force) as tmp:
        save(
            model,
            tmp,
            encoding=design.encoding,
            covariance=cov,
            covariance_names=cov_names,
            training=facts,
        )


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
