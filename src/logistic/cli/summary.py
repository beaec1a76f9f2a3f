"""``logistic summary``: what a model file holds; given DATA, its inference on them.

With ``--odds-ratios`` the coefficient table becomes the odds-ratio table of
:mod:`logistic.inference._odds` (``exp(coef)``, delta-method standard error,
z and p of ``coef = 0``, ``exp`` of the Wald bounds), computed from the
estimates and the covariance matrix stored in the file; ``--level`` sets the
coverage of either table's intervals (default 0.95; ``1 - level`` is the
``alpha`` of the library's ``conf_int``). ``--level``, not ``--alpha``:
``fit --alpha`` is the penalty strength, and one option name means one thing
in this CLI. Profile-likelihood intervals of a maximum-likelihood fit are
not offered here (``LogisticRegression.summary(X, y, odds_ratios="profile")``
in Python); a Firth fit gets them given DATA.
A model fitted on grouped counts also gets the deviance and Pearson
goodness-of-fit tests from the statistics stored in the file
(:mod:`logistic.inference._goodness`; not shown for 0/1 data).

Given the training file as DATA, the table is the library's inference on its
rows (``--cov-type``, ``--cluster``; Firth: logistf's tests and intervals),
and ``--json`` adds it to the file's description as ``inference``
(:mod:`._summary_json`, which also derives the statistics line of a file
saved from Python).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .._feature_names import positional_names
from .._messages import printable
from . import _options as opt
from ._aliased_file import (
    aliased_inference,
    aliased_rows,
    reduced_in_file,
    singularity_note,
    with_file_statistics,
)
from ._codes import EX_USAGE, CLIError
from ._common import console, load_model_file, mark_said
from ._json_text import json_text
from ._nobs import nobs_counts, training_json
from ._render import (
    HIDDEN_ROWS_WHERE,
    _title,
    capped_table,
    coefficient_rows,
    coefficient_table,
    firth_wald_note,
    penalty_note,
    penalty_summary,
)
from ._scale import Scale, apply_scale, scale_line
from ._summary_json import data_inference, inference_dict
from ._summary_lines import (
    class_weight_line,
    covariance_line,
    gof_line,
    grouped_line,
    roles_line,
    statistics_line,
    training_line,
)

OddsRatios = Annotated[
    bool,
    typer.Option(
        "--odds-ratios",
        metavar="",
        help="Show odds ratios exp(coef) with exp'd Wald intervals (delta-method "
        "std. errors) instead of coefficients (more than two classes: relative-risk "
        "ratios per equation); in --json, adds 'odds_ratios'.",
    ),
]
Level = Annotated[
    float,
    typer.Option(
        "--level",
        metavar="LEVEL",
        help="Coverage of the confidence intervals, in (0, 1): 0.95 gives 95% "
        "intervals (as 'predict --interval 0.95').",
    ),
]


TrainingData = Annotated[
    Path | None,
    typer.Argument(
        readable=False,  # an unreadable file: our PermissionError, exit 66
        metavar="DATA",
        help="Optional: the data the model was fitted on. With it the table is "
        "the library's inference summary (--cov-type, --cluster; Firth fits get "
        "penalized LR p-values and profile intervals).",
        show_default=False,
    ),
]
SummaryCovType = Annotated[
    str | None,
    typer.Option(
        "--cov-type",
        metavar="TYPE",
        help="With DATA: covariance of the coefficient table: nonrobust (the "
        "default; HC0 for a model fitted with --weights-kind sampling, which "
        "refuses nonrobust), HC0, HC1 or cluster (with --cluster).",
        show_default=False,
    ),
]
SummaryCluster = Annotated[
    list[str] | None,
    typer.Option(
        "--cluster", metavar="COLUMN", help="With DATA: column of cluster labels."
    ),
]


def _check_options(
    mf: Any,
    model: Path,
    data: Path | None,
    json_out: bool,
    cov_type: str | None,
    cluster: str | None,
) -> None:
    """Refuse a combination of options before anything is printed (exit 2)."""
    from ..inference import COV_TYPES
    from ..inference._covariance import cov_type_hint
    from ._training_rows import check_cluster_option, check_counts

    robust = cov_type not in (None, "nonrobust") or cluster is not None
    if json_out and data is None and robust:
        raise CLIError(
            "--json with --cov-type/--cluster: the robust table is a pass over the "
            "training rows; pass the training file as DATA (logistic summary MODEL "
            "DATA --cov-type TYPE --json), or leave them out for the file's table",
            EX_USAGE,
        )
    if cov_type is not None and cov_type not in COV_TYPES:
        raise CLIError(
            f"--cov-type {cov_type}: expected one of {', '.join(COV_TYPES)}"
            f"{cov_type_hint(cov_type, cli=True)}",
            EX_USAGE,
        )
    check_cluster_option(cov_type, cluster)
    check_counts(mf, model, cov_type)
    sampling = (mf.training or {}).get("sample_weight_kind") == "sampling"
    if data is None and cov_type == "nonrobust" and sampling:
        raise CLIError(
            f"--cov-type nonrobust (the inverse information) is not a covariance of "
            f"the estimate under sampling weights, and {model} was fitted with "
            "--weights-kind sampling: its table is HC0 (the default here); for HC1 "
            "or cluster pass the training file as DATA",
            EX_USAGE,
        )
    if data is None and robust:
        raise CLIError(
            "--cov-type and --cluster need the training rows: pass the training "
            "file as DATA (the robust covariance is a pass over its rows)",
            EX_USAGE,
        )
    if data is not None and mf.model.penalty not in (None, "firth"):
        raise CLIError(
            f"{model} is a penalized model (--penalty {mf.model.penalty}): standard "
            "errors of shrunken estimates would not account for the shrinkage; "
            "leave DATA out for the estimates, or refit with --penalty none",
            EX_USAGE,
        )


def alpha_of(level: float) -> float:
    """``1 - level`` of a ``--level`` in (0, 1) (exit 2 otherwise)."""
    if not 0.0 < level < 1.0:
        raise CLIError(f"--level must be in (0, 1); got {level:g}", EX_USAGE)
    return 1.0 - level


def odds_ratio_rows(
    coefficients: list[dict[str, Any]], cov: Any, alpha: float = 0.05
) -> list[dict[str, Any]]:
    """Odds-ratio rows (term, odds_ratio[, std_error, z, p_value, ci_low,
    ci_high]) of coefficient rows (intercept first) and the covariance matrix
    in the same order; ``exp(estimate)`` only when ``cov`` is None."""
    import numpy as np

    from ..inference import wald_table
    from ..inference._odds import odds_ratio_table

    terms = [str(r["term"]) for r in coefficients]
    if any(r["estimate"] is None for r in coefficients):  # aliased terms: NA
        kept = [i for i, r in enumerate(coefficients) if r["estimate"] is not None]
        sub = None if cov is None else np.asarray(cov)[np.ix_(kept, kept)]
        rows = odds_ratio_rows([coefficients[i] for i in kept], sub, alpha)
        keys = [k for k in rows[0] if k != "term"] if rows else ["odds_ratio"]
        by_term = {str(r["term"]): r for r in rows}
        return [by_term.get(t) or {"term": t, **dict.fromkeys(keys)} for t in terms]
    est = np.array([float(r["estimate"]) for r in coefficients])
    if cov is None:
        with np.errstate(over="ignore"):
            return [
                {"term": t, "odds_ratio": float(v)}
                for t, v in zip(terms, np.exp(est), strict=True)
            ]
    return odds_ratio_table(terms, wald_table(est, cov, alpha)).rows()


def summary_dict(mf: Any, alpha: float = 0.05) -> dict[str, Any]:
    """JSON-ready description of a model file (intervals at ``1 - alpha``)."""
    import numpy as np

    from .._grouped import fitted_on_counts
    from ._multiclass import is_multiclass, levels_of, summary_rows

    model = mf.model
    intercept = float(model.intercept_[0]) if model.fit_intercept else None
    aliased = None if is_multiclass(model) else aliased_inference(mf)
    if is_multiclass(model):
        rows = summary_rows(mf, feature_names(mf), alpha)
    elif aliased is not None:
        rows = aliased_rows(aliased, alpha)
    else:
        rows = coefficient_rows(
            feature_names(mf), model.coef_.ravel(), intercept, _cov(mf), alpha
        )
        if reduced_in_file(mf):  # the aliased terms: NA in every column
            rows = [_na_row(r) if np.isnan(r["std_error"]) else r for r in rows]
    info = {
        "format_version": mf.format_version,
        "library_version": mf.library_version,
        "created": mf.created,
        "solver": getattr(model, "solver_", None),
        "converged": getattr(model, "converged_", None),
        "n_iter": int(np.ravel(model.n_iter_)[0]),
        # where the fit stopped, against the tol it used (defaults vary); null
        # where the model records none (a partial_fit stream: NaN)
        **{
            k: _finite_or_none(getattr(model, f"{k}_", None))
            for k in ("tol", "grad_max_norm")
        },  # fmt: skip
        "fit_status": getattr(model, "fit_status_", None),
        "separation": getattr(model, "separation_", None),
        "params": {
            k: None if isinstance(v, float) and not np.isfinite(v) else v
            for k, v in model.get_params().items()
            if not callable(v)
        },  # null for a float not set (l1_ratio NaN): JSON has no NaN
        "label_mapping": (mf.encoding or {}).get("label"),
        "weights": (mf.encoding or {}).get("weights"),  # the columns fit read
        "offset": (mf.encoding or {}).get("offset"),
        "formula": (mf.encoding or {}).get("formula"),
        "binomial": (mf.encoding or {}).get("binomial"),
        "grouped": fitted_on_counts(model),
        "training": mf.training,
        "coefficients": rows,
    }
    note = None if is_multiclass(model) else singularity_note(mf, aliased)
    if note is not None:
        info["singularities"] = note
    if not is_multiclass(model) and penalty_summary(model) is not None:
        info["penalty"] = penalty_summary(model)
        info["penalized_estimates"] = (
            "shrunk toward 0, not maximum likelihood; no standard errors (model-"
            "based ones would not account for the shrinkage)"
        )
    if is_multiclass(model):
        info["classes"] = levels_of(mf)
    cv = getattr(model, "cross_validation_", None)
    if cv is not None:  # fit --cv: how the strength was chosen (the curve: the file)
        from ._cv import cv_facts

        info["cross_validation"] = cv_facts(cv)
    return info


def _finite_or_none(value: Any) -> float | None:
    """A float attribute for JSON: None where missing or not finite."""
    import math

    return None if value is None or not math.isfinite(value) else float(value)


def _no_inference(model: Any) -> str | None:
    """Why a model gets no inference at all (a ``partial_fit`` stream: no
    stopping rule, so no maximum-likelihood estimate), else None."""
    from .._exceptions import InvalidParameterError
    from ..inference._checks import refuse_stream

    try:
        refuse_stream(model)
    except InvalidParameterError as exc:
        return str(exc)
    return None


def _na_row(row: dict[str, Any]) -> dict[str, Any]:
    """An aliased term's row: R's NA (JSON null) in every column."""
    return {"term": row["term"], **dict.fromkeys(k for k in row if k != "term")}


def _cov(mf: Any) -> Any:
    """The stored covariance, intercept first (as the coefficient rows), or
    None. A covariance marking aliased parameters (NaN rows) is the reduced
    model's: it goes with the reduced estimates (:func:`aliased_inference`),
    not with the model's coefficients, and is None without them."""
    cov = mf.covariance
    if cov is not None and mf.model.penalty is None and cov.size:
        import numpy as np

        if np.isnan(np.diag(cov)).any() and aliased_inference(mf) is None:
            if not reduced_in_file(mf):
                return None
    if (
        cov is not None
        and mf.covariance_names
        and mf.covariance_names[0] != "Intercept"
        and mf.model.fit_intercept
    ):  # stored intercept-last: reorder
        from ..inference import intercept_first

        cov = intercept_first(cov)
    return cov


def feature_names(mf: Any) -> list[str]:
    """The model's feature names: the stored encoding's, the estimator's
    ``feature_names_in_`` (a model saved from Python), else ``x1 … xp``."""
    names = (mf.encoding or {}).get("feature_names")
    if names is None:
        names = getattr(mf.model, "feature_names_in_", None)
    if names is None:
        names = positional_names(mf.model.n_features_in_)
    return [str(n) for n in names]


def summary(
    model: opt.ModelArg,
    data: TrainingData = None,
    json_out: opt.Json = False,
    odds_ratios: OddsRatios = False,
    level: Level = 0.95,
    cov_type: SummaryCovType = None,
    clusters: SummaryCluster = None,
    scale: Scale = None,
    sep: opt.Sep = None,
    fmt: opt.Format = None,
    encoding: opt.Encoding = None,
    decimal: opt.Decimal = ".",
) -> None:
    """Show a model file: training data, options, diagnostics and coefficients.

    Standard errors, z, p-values and 95% Wald intervals are shown when the
    file stores the covariance matrix (unpenalized and Firth fits). --odds-ratios shows
    exp(coef) with exp'd Wald intervals instead; --level sets the coverage.

    With DATA (the training file), the table is the library's inference
    summary: --cov-type HC0|HC1|cluster --cluster COL for robust standard
    errors, and Firth fits get penalized LR p-values and profile intervals;
    with --json its numbers, statistics and notes are in 'inference'.
    --sep, --format, --encoding and --decimal read DATA as fit read it.

    Example: logistic summary model.json --odds-ratios --level 0.9
    """
    from ..inference import COV_TYPES
    from ._multiclass import (
        cli_notes,
        coefficient_text,
        is_multiclass,
        levels_of,
        penalty_text,
        rrr_rows,
        separated,
        target_text,
    )
    from ._training_rows import one_cluster

    alpha = alpha_of(level)
    cov_type = opt.spelled_as(cov_type, COV_TYPES)
    cluster = one_cluster(clusters)  # before the model file is read
    mf = load_model_file(str(model), data)
    _check_options(mf, model, data, json_out, cov_type, cluster)
    reading = {"sep": sep, "fmt": fmt, "encoding": encoding, "decimal": decimal}
    given = [k for k, v in reading.items() if v not in (None, ".")]
    if given and data is None:
        raise CLIError(
            f"--{given[0].replace('fmt', 'format')} says how to read DATA, and no "
            "DATA was given: pass the training file after the model file",
            EX_USAGE,
        )
    with_file_statistics(mf, str(model))
    stored = [str(w) for w in (mf.training or {}).get("warnings") or []]
    if not json_out:  # printed as "fit warning:" lines below: inference's repeat
        mark_said(stored)  # of one of them is not printed again
    from .._grouped import fitted_on_counts

    grouped = bool((mf.encoding or {}).get("binomial")) or fitted_on_counts(mf.model)
    scaled = apply_scale(mf, str(model), scale, grouped, data is not None)
    multiclass = is_multiclass(mf.model)
    inference = _rrr_inference(mf, model) if multiclass and odds_ratios else None
    info = summary_dict(mf, alpha)
    alone = multiclass and separated(mf.model)  # estimates only: no MLE
    if inference is not None:
        info["odds_ratios"] = rrr_rows(inference, alpha, alone)
    elif odds_ratios:
        info["odds_ratios"] = odds_ratio_rows(info["coefficients"], _cov(mf), alpha)
    gof = goodness_of_fit_dict(info)
    if gof is not None:
        info["goodness_of_fit"] = gof
    if scaled is not None:
        info["scale"] = scaled
    found = None  # the table on DATA, made before anything is printed
    if data is not None:
        options = {"cov_type": cov_type, "cluster": cluster, "alpha": alpha,
                   "odds": odds_ratios, "reading": reading}  # fmt: skip
        found = data_inference(mf, model, data, options)
    if json_out:
        if level != 0.95 or odds_ratios:
            info["level"] = level
        info["training"] = training_json(mf.training, nobs_counts(mf))
        if found is not None and data is not None:
            info["inference"] = inference_dict(found, data, mf)
        typer.echo(json_text(info, default=str))
        return
    console.print(
        f"model file {printable(str(model))} (format {mf.format_version}, logistic "
        f"{mf.library_version}, created {mf.created})",
        markup=False,
    )
    if info["formula"]:
        console.print(f"formula: {info['formula']}", markup=False)
    training = mf.training or {}
    console.print(training_line(training), markup=False)
    from ..io._environment import environment_text  # loads numpy: not at --help

    if (environment := environment_text(training)) is not None:
        console.print(environment, markup=False)  # what wrote the fit
    if multiclass:
        column = (info["label_mapping"] or {}).get("column")
        target = target_text(mf.model, column, levels_of(mf))
        console.print(f"target {target}", markup=False)
        console.print(f"penalty {penalty_text(mf.model)}", markup=False)
    elif info["label_mapping"]:
        from .._labels import label_shown

        lab = info["label_mapping"]
        console.print(
            f"target {lab.get('column')!r}: positive {label_shown(lab['positive'])}, "
            f"negative {label_shown(lab['negative'])}",
            markup=False,
        )
    if (roles := roles_line(mf.encoding)) is not None:
        console.print(roles, markup=False)
    if (weighted := class_weight_line(mf.model, mf.encoding)) is not None:
        console.print(weighted, markup=False)
    if not multiclass and mf.model.penalty is not None:
        console.print(f"penalty {penalty_text(mf.model)}", markup=False)
    if (cv := info.get("cross_validation")) is not None:
        mixing = (
            f", l1_ratio = {cv['l1_ratio']:g} (of "
            f"{', '.join(f'{r:g}' for r in cv['l1_ratios'])})"
            if "l1_ratios" in cv
            else ""
        )
        console.print(
            f"strength chosen by {cv['folds']}-fold cross-validation ({cv['score']}, "
            f"rule {cv['rule']}): alpha = {cv['alpha']:.6g} (C = {cv['C']:.6g})"
            f"{mixing}; "
            "the curve is in the model file (model.cross_validation)",
            markup=False,
        )
    binomial = (mf.encoding or {}).get("binomial")
    if binomial or info["grouped"]:
        console.print(grouped_line(binomial or None), markup=False)
    stats = training.get("statistics") or {}
    if stats:
        console.print(statistics_line(stats), markup=False)
    if (covariance := covariance_line(training, mf.covariance is not None)) is not None:
        console.print(covariance, markup=False)
    if info.get("goodness_of_fit"):
        console.print(gof_line(info["goodness_of_fit"]), markup=False)
    if scaled is not None:
        console.print(scale_line(scaled), markup=False)
    streamed = training.get("streaming")
    if streamed:
        console.print(
            f"fitted out of core ({streamed.get('backend')}): "
            f"{streamed.get('passes')} passes over the data, chunks of "
            f"{streamed.get('chunk_rows')} rows"
            + ("" if mf.covariance is not None else "; no covariance stored"),
            markup=False,
        )
    cov = _cov(mf)
    if found is not None:
        console.print(found.text(), markup=False, soft_wrap=True)
    elif inference is not None:  # relative-risk ratios per equation
        rrr = inference.summary(alpha, odds_ratios=True, estimates_only=alone)
        text = cli_notes(rrr, mf.model).as_text()
        console.print(text, markup=False, soft_wrap=True)
    elif multiclass:
        names, levels = feature_names(mf), levels_of(mf)
        column = (info["label_mapping"] or {}).get("column")
        text = coefficient_text(mf.model, names, levels, alpha=alpha, target=column)
        console.print(text, markup=False, soft_wrap=True)
    elif odds_ratios:
        text = _odds_text(info["odds_ratios"], cov is not None, alpha)
        shrunk = penalty_note(mf.model)
        if shrunk is not None:
            text = f"{shrunk}\n{text}"
        elif mf.model.penalty == "firth" and cov is not None:
            text += "\n" + firth_wald_note(mf.model)
        console.print(text, markup=False, soft_wrap=True)
    else:
        names = [r["term"] for r in info["coefficients"] if r["term"] != "Intercept"]
        res = aliased_inference(mf)
        if res is None and reduced_in_file(mf):  # NA rows, as the JSON's
            rows = info["coefficients"]
            head = _title(mf.model)
            table = capped_table(rows, head, "coefficients", HIDDEN_ROWS_WHERE)
        else:
            table = coefficient_table(mf.model, names, res, cov, alpha=alpha)
        if res is None and info.get("singularities"):
            table += "\nNote: " + info["singularities"]
        if cov is None and (why := _no_inference(mf.model)) is not None:
            table += f"\nNote: no standard errors: {why}"
        if level != 0.95 and cov is not None:
            table += f"\nci_low, ci_high: {100 * level:g}% Wald intervals"
        console.print(table, markup=False, soft_wrap=True)
    from .._messages import cap_line  # a stored warning may quote a long name

    for w in stored:
        console.print(f"fit warning: {cap_line(w)}", markup=False)


def _rrr_inference(mf: Any, model: Any) -> Any:
    """The named per-equation inference behind ``--odds-ratios`` of a model of
    more than two classes (relative-risk ratios, Stata's ``mlogit, rrr``);
    exit 2 when the model has no standard errors."""
    from ._multiclass import levels_in_messages, levels_of, name_classes, penalty_text

    fitted = mf.model
    if fitted.penalty is not None:
        raise CLIError(
            f"--odds-ratios of {model}: relative-risk ratios are against a reference "
            f"class, and this penalized fit (penalty {penalty_text(fitted)}) is "
            "symmetric with no reference; refit with --penalty none",
            EX_USAGE,
        )
    if getattr(fitted, "fit_statistics_", None) is None:
        raise CLIError(
            f"--odds-ratios of {model}: the file keeps no statistics for standard "
            "errors (more than 500 parameters, or a fit out of core); "
            "exp(coef) of each equation is exp of the coefficients summary shows",
            EX_USAGE,
        )
    column = ((mf.encoding or {}).get("label") or {}).get("column")
    with levels_in_messages(fitted, levels_of(mf)) as named:
        try:
            return name_classes(fitted.inference(), levels_of(mf), column)
        except Exception as exc:  # singular information
            raise CLIError(
                f"--odds-ratios of {model}: no standard errors ({named(str(exc))})",
                EX_USAGE,
            ) from None


def goodness_of_fit_dict(info: dict[str, Any]) -> dict[str, Any] | None:
    """Deviance and Pearson tests of a grouped binomial fit from the file's
    statistics (:func:`logistic.inference._goodness.goodness_of_fit`), or None
    (0/1 data, where they do not apply, or no statistics stored)."""
    stats = (info.get("training") or {}).get("statistics") or {}
    keys = ("deviance", "pearson_chi2", "df_resid")
    if not (info.get("binomial") or info.get("grouped")) or not all(
        k in stats for k in keys
    ):
        return None
    from ..inference._goodness import goodness_of_fit

    deviance, pearson, df_resid = (float(stats[k]) for k in keys)
    gof = goodness_of_fit(deviance, pearson, df_resid, grouped=True)
    return {
        "deviance": gof.deviance,
        "deviance_pvalue": gof.deviance_pvalue,
        "pearson_chi2": gof.pearson_chi2,
        "pearson_pvalue": gof.pearson_pvalue,
        "df_resid": gof.df_resid,
    }


def _odds_text(rows: list[dict[str, Any]], with_cov: bool, alpha: float) -> str:
    level = f"{100 * (1 - alpha):g}%"
    title = (
        f"Odds ratios exp(coef), {level} intervals exp(Wald bounds of coef); "
        "std_error by the delta method; z, p_value test coef = 0"
        if with_cov
        else "Odds ratios exp(coef) (the model file stores no covariance: no "
        "standard errors or intervals)"
    )
    return capped_table(rows, title, "odds ratios")
