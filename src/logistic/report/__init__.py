"""Self-contained HTML report of a model on a data set (needs the ``plot`` extra).

Convention (owned here): one HTML file, no external resources: figures are
PNG images embedded as ``data:`` URIs, styles inline, every text escaped.
Sections: header (model, data), metrics, summary table, ROC, precision-recall,
calibration (annotated with the Hosmer–Lemeshow test, whose table of groups
follows the calibration table), coefficients with 95% intervals (when the
rows carry them: ``ci_low``/``ci_high``; of a wide model the terms of
largest |z|, :data:`._figures.MAX_TERMS`), convergence history (objective and
gradient norm per iteration), the most influential rows (Cook's distance,
leverage, Pearson residual; or why they are absent) and, when the strength
was cross-validated (``logistic fit --cv``), the coefficient path and the CV
curve with the best and 1-SE points marked. The model checks' conventions
are in :mod:`._diagnostics`. A coefficient row whose ``estimate`` is None is
an aliased column (R's NA, :mod:`logistic.inference._aliased`): the summary
table writes ``NA`` in each of its cells, R's note on singularities stands
above the table, and the coefficient plot draws the other terms and names it
(:func:`._figures.coefficients_figure`). A Hosmer–Lemeshow result with a
``note`` (groups of fitted probability exactly 0 or 1) has the note under
its sentence, and an infinite statistic is written ``∞``. A model of more
than two classes (:func:`build_multiclass_report`) gets its own metrics (log
loss, accuracy, per-class and macro ROC AUC, the K x K confusion matrix), the
per-class coefficients, one ROC curve per class against the rest and the
convergence history; the parts defined for P(positive) of two classes
(precision-recall, calibration, Hosmer–Lemeshow, influential rows) are left
out, and the report says why. matplotlib is imported only when a report is
built.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import numpy as np

from .._feature_names import positional_names
from .._labels import label_text
from ._diagnostics import InfluenceSection, influence_section
from ._rates import rates_line

__all__ = [
    "InfluenceSection",
    "build_multiclass_report",
    "build_report",
    "influence_section",
]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; }
figure { margin: 0; } img { max-width: 100%; border: 1px solid #eee; }
.meta { color: #555; }
"""


def _img(png: bytes, alt: str, ident: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="{ident}"><img alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{html.escape(alt)}'
        "</figcaption></figure>"
    )


def _cell(key: str, v: Any) -> str:
    """A table cell's text: whole numbers in full (a count of 3 139 522, never
    3.13952e+06), p-values as the summaries print them (``<2e-16``, never
    0), other numbers to 6 significant digits."""
    if isinstance(v, str):
        return v
    if v is None:
        return "n/a"
    if key in ("p_value", "pvalue", "p-value"):
        from ..inference._cell_text import pvalue_text

        return pvalue_text(float(v))
    if isinstance(v, (int, np.integer)) or (
        isinstance(v, (float, np.floating)) and float(v).is_integer() and abs(v) < 2**53
    ):
        return str(int(v))
    return f"{v:.6g}"


def _table(rows: list[dict[str, Any]], ident: str) -> str:
    if not rows:
        return ""
    keys = list(rows[0])
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in keys)
    body = []
    for row in rows:
        cells = []
        for k in keys:
            cells.append(f"<td>{html.escape(_cell(k, row[k]))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{ident}"><tr>{head}</tr>{"".join(body)}</table>'


def build_report(
    *,
    title: str,
    meta: list[tuple[str, str]],
    y: np.ndarray,
    z: np.ndarray,
    metrics: dict[str, Any],
    coefficients: list[dict[str, Any]],
    history: list[dict[str, float]],
    cross_validation: dict[str, Any] | None = None,
    feature_names: list[str] | None = None,
    sample_weight: np.ndarray | None = None,
    influence: InfluenceSection | None = None,
    hl_groups: int = 10,
    weights: str | None = None,
    coefficient_note: str | None = None,
) -> str:
    """The report as one HTML string (see the module docstring).

    ``cross_validation`` (the model file's optional record, :mod:`logistic.io._cv`)
    adds the coefficient path and the CV curve, with ``feature_names`` labelling
    the path. ``influence`` (:func:`._diagnostics.influence_section`) fills the
    table of influential rows; without it the report says the rows were not
    available. Its ``training`` flag picks the Hosmer–Lemeshow headline
    (``df = g - 2`` on the training rows, ``df = g`` on other rows).
    ``hl_groups``: the test's number of groups. ``weights``: the name of the
    column weighting the rows (said above the metrics).
    ``coefficient_note`` (such as R's note on singularities) is shown above
    the summary table; without it, aliased rows (``estimate`` None) get R's
    note naming them.
    """
    from .. import metrics as M
    from . import _figures as F
    from ._diagnostics import hosmer_lemeshow_of

    skipped = metrics.get("hosmer_lemeshow_note")  # sampling weights: no test
    hl = None if skipped else hosmer_lemeshow_of(y, z, sample_weight, hl_groups)
    training = None if influence is None else influence.training

    fpr, tpr, _ = M.roc_curve(y, z, sample_weight)
    precision, recall, _ = M.precision_recall_curve(y, z, sample_weight)
    figures = [
        _img(F.roc_png(fpr, tpr, metrics["roc_auc"]), "ROC curve", "roc"),
        _img(
            F.pr_png(
                precision,
                recall,
                metrics["pr_auc"],
                float(np.average(y, weights=sample_weight)),
            ),
            "Precision-recall curve",
            "pr",
        ),
        _img(
            F.calibration_png(
                metrics["calibration"],
                _hl_label(hl, training),
                _size_by(metrics, weights),
            ),
            "Calibration plot",
            "calibration",
        ),
        _img(
            F.coefficients_png(coefficients),
            _coefficients_caption(coefficients),
            "coefficients",
        ),
    ]
    if coefficient_note is None:
        coefficient_note = _singularities(coefficients)
    if cross_validation is not None:
        from ._cv_figures import cv_section

        n = len(coefficients) if feature_names is None else len(feature_names)
        names = feature_names or positional_names(n)
        for png, caption, ident in cv_section(cross_validation, names):
            figures.append(_img(png, caption, ident))
    figures += _convergence(history)
    scores = [
        {"metric": k, "value": metrics[k]}
        for k in ("accuracy", "log_loss", "roc_auc", "pr_auc", "brier")
    ]
    cm = metrics["confusion_matrix"]
    label = metrics.get("label_mapping") or {}  # the classes as the data spells them
    # as every command writes a label (-1 and 1, true: not -1.0 or True)
    neg = label_text(label.get("negative", 0))
    pos = label_text(label.get("positive", 1))
    confusion = [
        {
            "": f"actual {neg}",
            f"predicted {neg}": cm["tn"],
            f"predicted {pos}": cm["fp"],
        },
        {
            "": f"actual {pos}",
            f"predicted {neg}": cm["fn"],
            f"predicted {pos}": cm["tp"],
        },
    ]
    meta_html = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in meta
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><ul class="meta">{meta_html}</ul>'
        f"<h2>Metrics</h2>{_weights_line(weights, without_hl=bool(skipped))}"
        f"{_table(scores, 'metrics')}{_definitions(metrics['threshold'])}"
        f"<p>Confusion matrix at threshold {metrics['threshold']:g}:</p>"
        f"{_table(confusion, 'confusion')}"
        f'<p id="classification-rates">{html.escape(rates_line(metrics))}</p>'
        f"<h2>Summary</h2>{_note(coefficient_note)}"
        f"{_table(_na_rows(coefficients), 'summary')}"
        f'<h2>Figures</h2><div class="figures">{"".join(figures)}</div>'
        "<h2>Calibration "
        f"table</h2>{_bins_line(metrics['calibration'])}"
        f"{_table(metrics['calibration'], 'calibration-table')}"
        f"{_hl_section(hl, training, skipped)}{_influence_section(influence)}"
        "</body></html>\n"
    )


def build_multiclass_report(
    *,
    title: str,
    meta: list[tuple[str, str]],
    y: np.ndarray,
    proba: np.ndarray,
    metrics: dict[str, Any],
    coefficients: list[dict[str, Any]],
    history: list[dict[str, float]],
    sample_weight: np.ndarray | None = None,
    weights: str | None = None,
    coefficient_note: str | None = None,
) -> str:
    """The report of a K-class model as one HTML string.

    ``y`` holds class indices and ``proba`` the (n, K) probabilities;
    ``metrics`` is :func:`logistic.metrics.evaluate_multiclass`'s dict (its
    ``classes`` name the columns); ``coefficients`` are rows with a
    ``class`` and a ``term`` column; ``coefficient_note`` (a warning such as
    separation) is shown just above their table.
    """
    from .. import metrics as M
    from . import _figures as F

    classes = [label_text(c) for c in metrics["classes"]]
    curves = []
    for k, row in enumerate(metrics["per_class"]):
        if row["roc_auc"] is None:  # the class is absent, or is every row
            continue
        fpr, tpr, _ = M.roc_curve((y == k).astype(float), proba[:, k], sample_weight)
        curves.append((classes[k], fpr, tpr, row["roc_auc"]))
    figures: list[str] = []
    if curves:
        figures.append(
            _img(F.roc_ovr_png(curves), "ROC curves, one class against the rest", "roc")
        )
    figures += _convergence(history)
    scores = [
        {"metric": k, "value": metrics[k]}
        for k in ("accuracy", "log_loss", "roc_auc_macro")
    ]
    per_class = [
        {"class": classes[k], "rows": float(r["n_samples"]), "roc_auc": r["roc_auc"]}
        for k, r in enumerate(metrics["per_class"])
    ]
    matrix = metrics["confusion_matrix"]["matrix"]
    confusion = [
        {
            "": f"actual {c}",
            **{f"predicted {d}": float(v) for d, v in zip(classes, row, strict=True)},
        }
        for c, row in zip(classes, matrix, strict=True)
    ]
    meta_html = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in meta
    )
    what = "metrics, confusion matrix and ROC curves"
    omitted = (
        f"The precision-recall curve, the calibration plot, the Hosmer-Lemeshow "
        f"test and the table of influential rows are not shown: they are defined "
        f"for the probability of the positive class of a two-class model, and "
        f"this model has {len(classes)} classes."
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><ul class="meta">{meta_html}</ul>'
        f"<h2>Metrics</h2>{_weights_line(weights, what)}{_table(scores, 'metrics')}"
        "<p>Per class, one class against the rest:</p>"
        f"{_table(per_class, 'per-class')}"
        "<p>Confusion matrix (rows: actual class, columns: predicted, the most "
        f"probable class):</p>{_table(confusion, 'confusion')}"
        f"<h2>Summary</h2>{_note(coefficient_note)}{_table(coefficients, 'summary')}"
        f'<h2>Figures</h2><div class="figures">{"".join(figures)}</div>'
        f'<p id="omitted">{html.escape(omitted)}</p>'
        "</body></html>\n"
    )


def _definitions(threshold: float) -> str:
    """What each number of the metrics table is (:mod:`logistic.metrics`),
    so that a reviewer recomputes the same ones: pr_auc is average precision,
    not the trapezoidal area under the precision-recall curve
    (``sklearn.metrics.auc(recall, precision)``), and log_loss comes from the
    logits, unclipped, where scikit-learn's ``log_loss`` of probabilities
    clips them at its eps (a fitted probability of exactly 0 or 1)."""
    text = (
        f"accuracy: share of rows with p > {threshold:g} exactly when the outcome "
        "is positive; log_loss: mean of -log P(outcome), computed from the "
        "logits (not clipped); roc_auc and pr_auc rank the rows by their logit "
        "(probabilities that round to 1 are not tied); roc_auc: area under the "
        "ROC curve (trapezoidal, ties counting one half); pr_auc: average "
        "precision, the sum over "
        "thresholds of (R_k - R_k-1) x P_k (scikit-learn's "
        "average_precision_score), not the trapezoidal area under the "
        "precision-recall curve; brier: mean of (p - outcome)^2; under the "
        "confusion matrix, sensitivity = tp / (tp + fn), specificity = "
        "tn / (tn + fp), PPV = tp / (tp + fp), NPV = tn / (tn + fn)."
    )
    return f'<p id="metric-definitions">{html.escape(text)}</p>'


def _bins_line(rows: list[dict[str, Any]]) -> str:
    """How the calibration table bins the rows (:func:`logistic.metrics.
    calibration_table`), so that it can be recomputed: which end of a bin is
    closed decides where a probability on an edge goes, and scikit-learn's
    ``calibration_curve`` puts it in the bin below."""
    if not rows:
        return ""
    n_bins = round(1.0 / (rows[0]["bin_high"] - rows[0]["bin_low"]))
    text = (
        f"{n_bins} bins of equal width of the predicted probability p: a bin holds "
        "bin_low <= p < bin_high (the last one p = 1 too); empty bins are left "
        "out. mean_predicted and observed_rate are the bin's means of p and of "
        "the outcome (weighted, as the metrics, under weights or grouped counts)."
    )
    return f'<p id="calibration-bins">{html.escape(text)}</p>'


def _size_by(metrics: dict[str, Any], weights: str | None) -> str:
    """What a calibration bin's marker size counts: the rows' weight, the
    trials of grouped counts, or rows."""
    if weights:
        return "weight"
    return "trials" if metrics.get("grouped") else "rows"


def _aliased_terms(coefficients: list[dict[str, Any]]) -> list[str]:
    """The terms of the aliased rows (``estimate`` None, R's NA)."""
    return [str(r["term"]) for r in coefficients if r.get("estimate") is None]


def _singularities(coefficients: list[dict[str, Any]]) -> str | None:
    """R's note on the aliased rows, or None without any."""
    aliased = _aliased_terms(coefficients)
    if not aliased:
        return None
    from ..inference._aliased import singularity_note

    return singularity_note(aliased)


def _na_rows(coefficients: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with ``NA`` in every cell of an aliased row, as R prints it."""
    return [
        r
        if r.get("estimate") is not None
        else {k: v if k == "term" else "NA" for k, v in r.items()}
        for r in coefficients
    ]


def _coefficients_caption(coefficients: list[dict[str, Any]]) -> str:
    aliased = _aliased_terms(coefficients)
    if any(r.get("ci_low") is not None for r in coefficients):
        text = "Coefficients with 95% confidence intervals"
    else:
        text = "Coefficients (the model file stores no covariance: no intervals)"
    if aliased:
        text += f"; not drawn: {', '.join(aliased)} (aliased, NA)"
    from ._figures import MAX_TERMS, ranked_by

    terms = [
        r
        for r in coefficients
        if r["term"] != "Intercept" and r.get("estimate") is not None
    ]
    if len(terms) > MAX_TERMS:
        by = ranked_by(terms)
        text += f"; the {MAX_TERMS} of {len(terms)} terms with the largest {by} drawn"
    return text


def _note(text: str | None) -> str:
    """A warning paragraph (nothing when ``text`` is None)."""
    if not text:
        return ""
    return f'<p class="warning" id="coefficient-note"><b>{html.escape(text)}</b></p>'


def _convergence(history: list[dict[str, float]]) -> list[str]:
    """The convergence figure (none without a history)."""
    if not history:
        return []
    from . import _figures as F

    png = F.convergence_png(history)
    caption = "Convergence: objective and gradient norm per iteration"
    return [_img(png, caption, "convergence")]


def _weights_line(
    weights: str | None,
    what: str = "metrics, curves, calibration and Hosmer-Lemeshow test",
    without_hl: bool = False,
) -> str:
    """The line above the metrics naming the weights column (``without_hl``:
    the Hosmer-Lemeshow test was not computed, so it is not named)."""
    if not weights:
        return ""
    if without_hl:
        what = "metrics, curves and calibration"
    text = (
        f"Weighted by column {weights!r} (the model's fit --weights): the {what} "
        "count each row by its weight."
    )
    return f'<p id="weights">{html.escape(text)}</p>'


def _hl_df(hl: Any, training: bool | None) -> tuple[int, float]:
    """The headline degrees of freedom and p-value: ``g`` (Stata's outsample)
    on rows that are not the training rows, ``g - 2`` otherwise."""
    if training is False:
        from ..inference._hypothesis import chi2_sf

        return hl.groups, float(chi2_sf(hl.statistic, hl.groups))
    return hl.df, float(hl.pvalue)


def _hl_label(hl: Any, training: bool | None = None) -> str:
    if hl is None:
        return ""
    df, p = _hl_df(hl, training)
    text = f"Hosmer–Lemeshow χ²({df}) = {_statistic(hl.statistic, 2)}, {_p(p, hl)}"
    if hl.note:  # groups of fitted probability 0 or 1
        text += "\nfitted probabilities of 0 or 1: p doubtful"
    return text


def _p(p: float, hl: Any) -> str:
    """``p = …`` by the coefficient table's rule (``p < 2e-16``), ``p = 0``
    for an infinite statistic (exact there)."""
    from ..inference._goodness import p_text

    return "p = 0" if np.isinf(hl.statistic) else p_text(p)


def _statistic(value: float, decimals: int) -> str:
    """A χ² statistic with ``decimals`` decimals, ``∞`` when infinite."""
    return "∞" if np.isinf(value) else f"{value:.{decimals}f}"


def _hl_section(
    hl: Any, training: bool | None = None, skipped: str | None = None
) -> str:
    """The Hosmer–Lemeshow test and its groups (see :mod:`._diagnostics`), or
    ``skipped``: why it was not computed."""
    head = "<h2>Hosmer-Lemeshow test</h2>"
    if skipped:
        return f"{head}<p>{html.escape(skipped[0].upper() + skipped[1:])}.</p>"
    if hl is None:
        return (
            head + "<p>Not computed: fewer than 3 groups of distinct fitted "
            "probabilities.</p>"
        )
    from ..inference._hypothesis import chi2_sf

    outsample = float(chi2_sf(hl.statistic, hl.groups))
    asked = hl.requested or hl.groups
    rows = float(np.sum(hl.count))  # rows (weights as frequencies)
    why = (
        f"the {_cell('', rows)} rows, fewer than the groups,"
        if rows < asked
        else "tied fitted probabilities"
    )
    merged = f"; {why} left {hl.groups} of them" if asked != hl.groups else ""
    rule = (
        f"{asked} groups by quantiles of the fitted probability (Stata's "
        f"estat gof, group({asked}){merged})."
    )
    if training is False:
        text = (
            f"chi2 = {_statistic(hl.statistic, 4)} on {hl.groups} degrees of "
            "freedom (groups), "
            f"{_p(outsample, hl)}; {rule} These rows are not the rows the model was "
            "fitted on, so df = groups (Stata's outsample); df = groups - 2 would "
            f"give {_p(hl.pvalue, hl)}."
        )
    else:
        where = (
            "These are the rows the model was fitted on."
            if training
            else "df = groups - 2 holds for the rows the model was fitted on; on "
            f"other rows use df = groups (Stata's outsample): {_p(outsample, hl)}."
        )
        text = (
            f"chi2 = {_statistic(hl.statistic, 4)} on {hl.df} degrees of freedom "
            "(groups - 2), "
            f"{_p(hl.pvalue, hl)}; {rule} {where}"
        )
    text += (
        " A small p-value means the predicted and observed event counts differ "
        "more than chance allows."
    )
    note = ""
    if hl.note:  # groups of fitted probability 0 or 1
        note = f'<p id="hosmer-lemeshow-note">Note: {html.escape(hl.note)}.</p>'
    table = _table(hl.table(), "hosmer-lemeshow")
    columns = (
        "Columns: prob, the largest fitted probability in the group; obs_1 "
        "and exp_1, the observed and expected (sum of fitted "
        "probabilities) events; obs_0 and exp_0, the same for non-events; total, "
        "the group's rows (weights counted as frequencies)."
    )
    columns_html = f'<p id="hosmer-lemeshow-columns">{html.escape(columns)}</p>'
    return f"{head}<p>{html.escape(text)}</p>{note}{columns_html}{table}"


def _influence_section(section: InfluenceSection | None) -> str:
    head = "<h2>Influential rows</h2>"
    if section is None:
        return head + (
            "<p>Not shown: the report was built without the rows of the data "
            "the model was fitted on.</p>"
        )
    return (
        f"{head}<p>{html.escape(section.note)}</p>{_table(section.rows, 'influence')}"
    )
