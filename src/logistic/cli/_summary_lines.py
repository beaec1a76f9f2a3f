"""The one-line descriptions ``logistic summary`` prints above its table
(and ``report`` reuses): where the model was trained, the columns of its
weights and offset, its fit statistics, the covariance its standard errors
come from, grouped data, goodness of fit."""

from __future__ import annotations

from typing import Any

_STATISTICS = (
    ("nobs", "observations", "count"),
    ("df_model", "df model", ".0f"),
    ("df_resid", "df residuals", "count"),
    ("llf", "log-likelihood", ".4f"),
    ("llnull", "null log-likelihood", ".4f"),
    ("deviance", "deviance", ".3f"),
    ("null_deviance", "null deviance", ".3f"),
    ("aic", "AIC", ".3f"),
    ("bic", "BIC", ".3f"),
    ("pseudo_rsquared", "pseudo R-squared (McFadden)", ".4f"),
    ("pearson_chi2", "Pearson chi2", ".3f"),
    ("dispersion", "Pearson chi2/df", ".4f"),
)


def statistics_line(stats: dict[str, float]) -> str:
    """``observations 400, df model 5, ..., AIC 470.517`` in a fixed order;
    the observations and residual degrees of freedom as counts (a weighted
    fit's 790.94, not 791: :func:`logistic._messages.count_text`)."""
    from .._messages import count_text
    from ..inference._cell_text import shown

    known = {key for key, _, _ in _STATISTICS}
    parts = [
        f"{label} "
        + (count_text(stats[key]) if spec == "count" else shown(stats[key], spec))
        for key, label, spec in _STATISTICS
        if key in stats
    ]
    parts += [f"{k} {shown(v, '.6g')}" for k, v in stats.items() if k not in known]
    return ", ".join(parts)


def grouped_line(binomial: dict[str, str] | None) -> str:
    """``grouped binomial: successes 's' out of trials 'n' (groups, scale)``;
    without column names (a model fitted in Python with ``trials=``) the line
    says so."""
    if binomial is None:
        counts = "successes out of trials (fitted with trials=)"
    elif "trials" in binomial:
        counts = (
            f"successes {binomial['successes']!r} out of trials {binomial['trials']!r}"
        )
    else:
        counts = f"cbind({binomial['successes']}, {binomial['failures']})"
    return (
        f"grouped binomial data: {counts}; one row per group, statistics on the "
        "grouped scale (observations = groups; Pearson chi2/df well above 1 "
        "means overdispersion)"
    )


def gof_line(gof: dict[str, Any]) -> str:
    """``goodness of fit: deviance D on df, p = ...; Pearson chi2 X on df, p = ...``."""
    from ..inference._goodness import p_text  # the coefficient table's p rule

    df = f"{gof['df_resid']:g}"
    if gof["deviance_pvalue"] is None:
        return f"goodness of fit: no residual degrees of freedom ({df})"
    return (
        f"goodness of fit (grouped data): deviance {gof['deviance']:.3f} on {df} df, "
        f"{p_text(gof['deviance_pvalue'])}; Pearson chi2 {gof['pearson_chi2']:.3f} "
        f"on {df} df, {p_text(gof['pearson_pvalue'])}"
    )


def training_line(training: dict[str, Any]) -> str:
    """Where the model was trained and how many rows it used, as far as the
    file records it (a model saved from Python records neither)."""
    from .._files import STDIN, STDIN_NAME

    data = training.get("data") or {}
    source = STDIN_NAME if data.get("path") == STDIN else data.get("name")
    used, read = training.get("rows_used"), training.get("rows_read")
    if source is None and used is None:
        return "training data: not recorded in the model file (saved from Python)"
    where = source if source is not None else "data not recorded in the model file"
    if used is None:
        return f"trained on {where}"
    rows = f"{used} rows used" + (f" of {read}" if read is not None else "")
    return f"trained on {where}: {rows}"


def roles_line(encoding: dict[str, Any] | None) -> str | None:
    """The weights and offset columns the fit read (``fit --weights``,
    ``--offset``), as the file's encoding names them, or None: the offset is
    part of every logit ``predict``, ``evaluate``, ``report`` and ``margins``
    compute, read from DATA's column."""
    enc = encoding or {}
    parts = []
    if enc.get("weights") is not None:
        parts.append(f"weights column {enc['weights']!r}")
    if enc.get("offset") is not None:
        parts.append(
            f"offset column {enc['offset']!r} (added to each row's logit, read "
            "from DATA)"
        )
    return "; ".join(parts) if parts else None


def class_weight_line(model: Any, encoding: dict[str, Any] | None) -> str | None:
    """``class weights: 'fraud' 50, 'ok' 1; ...`` for a model fitted with
    ``class_weight`` (``fit --class-weight``), or None: its observations and
    fit statistics count each row at its weight times its class's, which the
    file's reader cannot otherwise tell (35112 observations of 23597 rows).
    The keys are the fit's class codes where the file maps them to labels
    (``encoding.label``: ``negative``/``positive``, or ``levels``), else the
    model's labels as stored."""
    from .._labels import label_shown

    weights = getattr(model, "class_weight", None)
    if weights is None:
        return None
    if isinstance(weights, str):
        shown = f"{weights} (class c weighs sum of weights / (K x c's sum))"
    else:
        label = (encoding or {}).get("label") or {}
        names: dict[Any, Any] = dict(enumerate(label.get("levels") or ()))
        if "positive" in label:
            names = {0: label.get("negative"), 1: label.get("positive")}
        shown = ", ".join(
            f"{label_shown(names.get(key, key))} {value:g}"
            for key, value in weights.items()
        )
    return (
        f"class weights: {shown}; each row's weight is multiplied by its class's, "
        "and the observations, fit statistics and standard errors count the "
        "combined weights as frequency weights"
    )


def covariance_line(training: dict[str, Any], has_covariance: bool) -> str | None:
    """The covariance the stored standard errors come from, where it is not
    the model-based one: a ``--weights-kind sampling`` fit's robust sandwich
    (``sampling weights: covariance HC0 (robust), ...``) or another stored
    robust ``cov_type``; None for the model-based covariance."""
    if training.get("sample_weight_kind") == "sampling":
        return (
            "sampling weights: "
            + (
                f"covariance {training['cov_type']} (robust), "
                if training.get("cov_type")
                else "no covariance stored, "
            )
            + "observations are rows; likelihood-based statistics (LR tests, "
            "AIC/BIC, pseudo R-squared) are not valid"
        )
    if has_covariance and training.get("cov_type") not in (None, "nonrobust"):
        return (
            f"standard errors: covariance {training['cov_type']}, as stored in the "
            "model file"
        )
    return None
