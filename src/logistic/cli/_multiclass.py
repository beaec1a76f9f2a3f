"""The command line's models of more than two classes (multinomial fits).

Convention (owned here): a model file is multi-class when its model has
more than two classes (:func:`logistic._multiclass.is_multiclass`). The model
is fitted on class codes ``0..K-1``; the target's levels in code order (the
reference level first) are the stored label mapping's ``levels``
(:func:`levels_of`; a model saved from Python: its ``classes_``). Every
command shows levels, never codes:

* ``predict`` writes one probability column per class, ``proba_<level>``
  (:func:`proba_names`: the level as text, whole floats without ``.0``;
  characters other than letters, digits, ``_ . -`` become ``_``; names
  that would then collide fall back to ``proba_<code>``), and ``label``,
  the most probable level; no ``logit`` column (K logits are defined only
  up to a common shift);
* ``evaluate`` and ``report`` compute
  :func:`logistic.metrics.evaluate_multiclass` (log loss, accuracy,
  per-class and macro one-vs-rest ROC AUC, K x K confusion matrix) with the
  model file's weights;
* coefficient tables have one row per (class, term) or, for unpenalized
  fits, one block per equation against the reference level, named by the
  levels and the target (``species: versicolor vs setosa``,
  :func:`name_classes`), the intercept first in every block;
* a separated unpenalized fit (``separation_`` complete or quasi-complete:
  the MLE does not exist) shows its estimates alone, without standard
  errors, tests or intervals, under the separation note (:func:`separated`):
  in ``fit``, ``summary`` (text, ``--json``, ``--odds-ratios``) and
  ``report``. Its standard errors (~1e4 and more at a point on a diverging
  path) would test nothing.

Two-class options (``--threshold``, ``--groups``, ``--interval``,
``--odds-ratios``, ``--offset``; ``--positive`` and ``--cv`` in ``fit``)
are refused with one line naming the option (exit 2).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy loads when a command runs, not for --help
    import numpy as np

from .._multiclass import is_multiclass
from ._codes import EX_USAGE, CLIError

__all__ = [
    "check_offset",
    "check_threshold",
    "cli_notes",
    "coefficient_rows",
    "coefficient_text",
    "fit_statistics",
    "penalty_text",
    "separated",
    "separation_text",
    "target_text",
    "inference_of",
    "is_multiclass",
    "levels_of",
    "metrics_of",
    "metrics_tables",
    "model_levels",
    "name_classes",
    "levels_in_messages",
    "predict_columns",
    "proba_names",
    "rrr_rows",
    "summary_rows",
    "whole_level",
]


def levels_of(mf: Any) -> list[Any]:
    """The target's levels in code order (reference first) of a model file."""
    return model_levels(mf.model, mf.encoding)


def model_levels(model: Any, encoding: dict[str, Any] | None) -> list[Any]:
    """The levels of ``model``'s classes: the stored label mapping's
    ``levels``, else (a model fitted in Python) its ``classes_``; plain
    Python values, a whole-number float as an integer."""
    import numpy as np

    label = (encoding or {}).get("label") or {}
    levels = label.get("levels")
    if levels is None:
        levels = np.asarray(model.classes_).tolist()
    return [whole_level(v) for v in levels]  # 1.0 as 1, as every command writes it


def inference_of(model: Any, levels: list[Any]) -> Any:
    """The per-equation inference of an unpenalized multinomial fit (from the
    statistics ``fit`` kept), its equations named by ``levels``; None for a
    penalized fit or when no standard errors exist (a note says why)."""
    if model.penalty is not None:
        return None
    from ..inference._stored import MAX_STORED_PARAMS
    from ._common import note

    n_params = (len(levels) - 1) * (model.coef_.shape[1] + int(model.fit_intercept))
    if getattr(model, "fit_statistics_", None) is None and n_params > MAX_STORED_PARAMS:
        note(
            f"no standard errors or fit statistics: they are computed for at most "
            f"{MAX_STORED_PARAMS} parameters, and this fit has {n_params} "
            f"({len(levels) - 1} equations x {n_params // (len(levels) - 1)} terms); "
            "estimates only"
        )
        return None
    with levels_in_messages(model, levels) as named:
        try:
            return name_classes(model.inference(), levels)
        except Exception as exc:  # singular information
            from ._spelling import cli_spelling

            note(cli_spelling(f"no standard errors: {named(str(exc))}"))
            return None


def separated(model: Any) -> bool:
    """Whether ``model``'s MLE does not exist (its ``separation_`` is
    ``"complete"`` or ``"quasi-complete"``): its tables show estimates alone."""
    from .._separation_kinds import SEPARATION_FOUND

    return getattr(model, "separation_", None) in SEPARATION_FOUND


def cli_notes(summary: Any, model: Any) -> Any:
    """``summary`` (a multinomial summary) with its notes in the command
    line's words: the separation note :func:`separation_text` (the option to
    pass), the others through :func:`cli_spelling` (the unchecked-separation
    note's ``penalty='l2'`` is ``--penalty l2``)."""
    from ._spelling import cli_spelling

    text = separation_text(model)
    summary.notes = [
        text
        if text is not None and note.startswith("Separation (")
        else cli_spelling(note)
        for note in summary.notes
    ]
    return summary


def separation_text(model: Any) -> str | None:
    """The warning of a fit whose MLE does not exist (the model's
    ``separation_``, kept in the model file), as ``fit`` and ``summary`` say
    it; None when no separation was found or it was not checked."""
    from .._separation_kinds import SEPARATION_FOUND

    kind = getattr(model, "separation_", None)
    if kind not in SEPARATION_FOUND:
        return None
    return (
        f"Separation ({kind}): the MLE does not exist; the estimates are a point "
        "on a diverging path and have no standard errors. Use a penalty "
        "(--penalty l2)."
    )


def penalty_text(model: Any) -> str:
    """``none (maximum likelihood)``, ``l2, C=1 (the default)``,
    ``l1, alpha=0.01``: the penalty and its strength as fitted (Firth's
    penalty has no strength)."""
    if model.penalty is None:
        return "none (maximum likelihood)"
    if model.penalty == "firth":
        kind = getattr(model, "firth_correction", None)
        extra = f", {kind.upper()} correction" if kind else ""
        return f"firth (Firth's bias-reduced likelihood{extra})"
    alpha = getattr(model, "alpha", None)
    C = getattr(model, "C", None)
    if alpha is not None:
        strength = f"alpha={alpha:g}"
    elif C is not None:
        strength = f"C={C:g}"
    else:
        strength = "C=1 (the default)"
    ratio = getattr(model, "l1_ratio", None)
    if model.penalty == "elasticnet" and ratio is not None:
        strength += f", l1_ratio={ratio:g}"
    return f"{model.penalty}, {strength}"


def target_text(model: Any, column: Any, levels: list[Any], sep: str = ": ") -> str:
    """``'species': 3 classes, reference 'setosa'`` for an unpenalized fit;
    a penalized fit is symmetric (no class is a reference), so its line gives
    the class order instead. ``column`` None (a model saved from Python with
    no target name): the classes alone. ``sep`` follows the column (a
    report's ``target:`` line takes ``", "``)."""
    from .._labels import label_text

    head = f"{len(levels)} classes"
    if column is not None:
        head = f"{column!r}{sep}{head}"
    if model.penalty is None:
        return f"{head}, reference {label_text(levels[0])!r}"
    order = ", ".join(repr(label_text(v)) for v in levels)
    return f"{head} ({order}); symmetric parametrization, no reference class"


def fit_statistics(mf: Any) -> dict[str, float]:
    """The fit statistics ``fit`` stored for an unpenalized model
    (log-likelihood, LL-null, AIC, BIC, pseudo R-squared, ...); empty for a
    penalized fit or a file without them."""
    stats = (mf.training or {}).get("statistics") or {}
    return {k: float(v) for k, v in stats.items() if isinstance(v, int | float)}


def whole_level(value: Any) -> Any:
    """A level as a plain Python value, a whole-number float as the integer
    every command writes (``1.0`` as ``1``)."""
    if isinstance(value, float) and not isinstance(value, bool) and value.is_integer():
        return int(value)
    return value


def check_threshold(threshold: float, groups: int = 10) -> None:
    """``--threshold`` (a cut-off of P(positive)) and ``--groups`` (the
    Hosmer-Lemeshow test) apply to two-class models only (exit 2)."""
    if threshold != 0.5:
        raise CLIError(
            f"--threshold {threshold:g} applies to two-class models; a model of "
            "more than two classes predicts the most probable class",
            EX_USAGE,
        )
    if groups != 10:
        raise CLIError(
            f"--groups {groups} applies to two-class models (the Hosmer-Lemeshow "
            "test of P(positive)); this model has more than two classes",
            EX_USAGE,
        )


def check_offset(offset: str | None) -> None:
    """``--offset`` is one column: added to every class's logit it would change
    no probability, and a multinomial offset has one column per class (exit 2)."""
    if offset is not None:
        raise CLIError(
            f"--offset {offset} applies to two-class targets: a multinomial model "
            "needs one offset column per class (offset= of shape (n, K) in Python)",
            EX_USAGE,
        )


def proba_names(levels: list[Any]) -> list[str]:
    """``proba_<level>`` column names, safe for CSV headers and spreadsheets."""
    from .._labels import label_text

    names = [
        "proba_" + re.sub(r"[^0-9A-Za-z_.\-]", "_", label_text(level))
        for level in levels
    ]
    if len(set(names)) < len(names):
        return [f"proba_{k}" for k in range(len(levels))]
    return names


def predict_columns(
    applied: Any, scored: np.ndarray
) -> tuple[dict[str, Any], list[Any]]:
    """``({proba_<level>: column}, labels)`` of predict's output rows: the
    probabilities of the scored rows (NaN elsewhere) and the most probable
    level (None elsewhere)."""
    import numpy as np

    from .._softmax import softmax

    levels = levels_of(applied.model_file)
    K = len(levels)
    P = np.full((scored.size, K), np.nan)
    labels = np.full(scored.size, None, dtype=object)
    if applied.z.size:
        P[scored] = softmax(applied.z)
        labels[scored] = np.asarray(levels, dtype=object)[np.argmax(applied.z, axis=1)]
    names = proba_names(levels)
    return {names[k]: P[:, k] for k in range(K)}, labels.tolist()


def metrics_of(applied: Any) -> dict[str, Any]:
    """:func:`logistic.metrics.evaluate_multiclass` of the scored rows (with
    the model file's weights) plus the weights column and row counts."""
    import numpy as np

    from ..metrics import evaluate_multiclass

    design = applied.design
    w = design.sample_weight
    m = evaluate_multiclass(
        np.asarray(design.y).astype(np.intp),
        applied.z,
        sample_weight=w,
        classes=levels_of(applied.model_file),
    )
    m["reference"] = m["classes"][0]
    m["weights"] = applied.weights
    # always present (a stable --json schema): the rows scored when unweighted
    m["sum_of_weights"] = float(m["n_samples"] if w is None else np.sum(w))
    m["rows_read"] = design.rows_read
    m["rows_rejected"] = design.rows_dropped
    m["rows_missing"] = int(getattr(design, "n_missing", 0))
    m["rows_unknown_levels"] = int(getattr(design, "n_unknown", 0))
    m["label_mapping"] = (applied.model_file.encoding or {}).get("label")
    return m


def metrics_tables(m: dict[str, Any]) -> list[Any]:
    """Rich tables: scores, per-class ROC AUC, the K x K confusion matrix."""
    from rich.table import Table

    from .._labels import label_text
    from .._messages import count_text
    from ._render import scores_table

    head = f"{count_text(m['n_samples'])} rows, {m['n_classes']} classes"
    scores = scores_table(m, head, ("accuracy", "log_loss", "roc_auc_macro"))
    per = Table(title="per class (one-vs-rest)")
    for col in ("class", "rows", "roc_auc"):
        per.add_column(col, justify="left" if col == "class" else "right")
    for row in m["per_class"]:
        auc = row["roc_auc"]
        per.add_row(
            label_text(row["class"]),
            str(row["n_samples"]),
            "n/a" if auc is None else f"{auc:.6f}",
        )
    cm = m["confusion_matrix"]
    conf = Table(title="confusion matrix (rows: actual, columns: predicted)")
    conf.add_column("")
    for c in cm["classes"]:
        conf.add_column(f"predicted {label_text(c)}", justify="right")
    for c, row in zip(cm["classes"], cm["matrix"], strict=True):
        conf.add_row(f"actual {label_text(c)}", *(f"{v:g}" for v in row))
    return [scores, per, conf]


def name_classes(inference: Any, levels: list[Any], target: Any = None) -> Any:
    """Label a multinomial inference result's equations with the target's
    levels instead of the class codes the model was fitted on, and with the
    target's name (``target``, the label column) when known."""
    import numpy as np

    from .._labels import label_text

    if target is not None:
        inference.target_name = str(target)
    inference.classes = np.asarray([label_text(v) for v in levels], dtype=object)
    inference.equations = [label_text(v) for v in levels[1:]]
    inference.param_names = [
        f"{e}:{t}" for e in inference.equations for t in inference.term_names
    ]
    return inference


@contextmanager
def levels_in_messages(model: Any, levels: list[Any]) -> Iterator[Callable[[str], str]]:
    """Warnings raised inside (a nearly collinear information matrix) name
    the K-class ``model``'s parameters by the target's ``levels``, as its
    tables do (:func:`name_classes`), not by the class codes it was fitted on
    (``'2.0:Intercept'`` becomes ``'Yes:Intercept'``); yields that renaming
    for the caller's own messages (a singular matrix's error)."""
    from .._labels import label_text

    pairs = [
        (re.compile(r"(?<=['·])" + re.escape(f"{code}:")), f"{label_text(level)}:")
        for code, level in zip(getattr(model, "classes_", []), levels, strict=False)
    ]

    def named(text: str) -> str:
        for pattern, label in pairs:
            text = pattern.sub(label.replace("\\", "\\\\"), text)
        return text

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield named
    for w in caught:
        warnings.warn_explicit(named(str(w.message)), w.category, w.filename, w.lineno)


def rrr_rows(
    inference: Any, alpha: float = 0.05, estimates_only: bool = False
) -> list[dict[str, Any]]:
    """Relative-risk ratio rows (``class``, ``term``, ``odds_ratio`` = RRR,
    ``std_error``, ``z``, ``p_value``, ``ci_low``, ``ci_high``) of a named
    multinomial inference, equation by equation, the intercept first;
    ``class``, ``term`` and ``odds_ratio`` alone with ``estimates_only``
    (a separated fit)."""
    from ..inference._order import equations_display_order

    rows = inference.odds_ratios(alpha).rows()  # display order, as below
    if estimates_only:
        rows = [{"term": r["term"], "odds_ratio": r["odds_ratio"]} for r in rows]
    q = len(inference.term_names)
    order = equations_display_order(
        len(inference.equations), q, inference.fit_intercept
    )
    terms = [inference.term_names[j] for j in order[:q]]
    return [
        {"class": level, **rows[e * q + j], "term": t}
        for e, level in enumerate(inference.equations)
        for j, t in enumerate(terms)
    ]


def coefficient_rows(model: Any, names: list[str], levels: list[Any]) -> list[dict]:
    """One row per (class, term): ``class``, ``term``, ``estimate``; the
    intercept first in each class, as the binary tables."""
    import numpy as np

    from .._labels import label_text

    coef = np.asarray(model.coef_, dtype=np.float64)
    rows: list[dict[str, Any]] = []
    for k, level in enumerate(levels):
        if model.fit_intercept:
            b = float(np.asarray(model.intercept_)[k])
            rows.append({"class": label_text(level), "term": "Intercept",
                         "estimate": b})  # fmt: skip
        for name, value in zip(names, coef[k], strict=True):
            rows.append(
                {"class": label_text(level), "term": name, "estimate": float(value)}
            )
    return rows


def summary_rows(
    mf: Any, names: list[str], alpha: float = 0.05
) -> list[dict[str, Any]]:
    """Coefficient rows of a model file: with the fit's statistics (an
    unpenalized fit), one row per (equation, term) against the reference
    level with standard error, z, p-value and interval at ``1 - alpha``;
    otherwise :func:`coefficient_rows`. The intercept first in each class.
    A separated fit (:func:`separated`) gets ``class``, ``term`` and
    ``estimate`` alone, one row per (equation, term)."""

    model, levels = mf.model, levels_of(mf)
    inference = None
    if getattr(model, "fit_statistics_", None) is not None:
        with levels_in_messages(model, levels):
            try:
                inference = model.inference()
            except Exception:  # singular information: estimates only
                inference = None
    if inference is None:
        return coefficient_rows(model, names, levels)
    return inference_rows(inference, model, names, levels, alpha)


def inference_rows(
    inference: Any, model: Any, names: list[str], levels: list[Any], alpha: float
) -> list[dict[str, Any]]:
    """:func:`summary_rows`' rows of a multinomial ``inference`` (the file's,
    or one on the training rows at another covariance)."""
    from .._labels import label_text

    ci = inference.conf_int(alpha)
    terms = ["Intercept", *names] if model.fit_intercept else names
    # the inference's terms are the features, then "Intercept"
    order = [len(names)] + list(range(len(names))) if model.fit_intercept else None
    alone = separated(model)
    rows: list[dict[str, Any]] = []
    for e, level in enumerate(levels[1:]):
        for t, j in zip(terms, order or range(len(names)), strict=True):
            row = {
                "class": label_text(level),
                "term": t,
                "estimate": float(inference.params[e, j]),
            }
            if not alone:
                row.update(
                    std_error=float(inference.bse[e, j]),
                    z=float(inference.zvalues[e, j]),
                    p_value=float(inference.pvalues[e, j]),
                    ci_low=float(ci[e, j, 0]),
                    ci_high=float(ci[e, j, 1]),
                )
            rows.append(row)
    return rows


def coefficient_text(
    model: Any,
    names: list[str],
    levels: list[Any],
    inference: Any = None,
    alpha: float = 0.05,
    target: Any = None,
) -> str:
    """The per-equation summary of an unpenalized fit when ``inference`` is
    given (or the model kept its fit statistics), its blocks titled with the
    ``target`` column's name when given, estimates alone for a separated
    fit (:func:`separated`); else the plain table of
    :func:`coefficient_rows`, with the parametrization said in its title."""
    from .._labels import label_text
    from ._render import HIDDEN_ROWS_WHERE, MAX_TABLE_ROWS, capped_table

    if inference is None and getattr(model, "fit_statistics_", None) is not None:
        with levels_in_messages(model, levels):
            try:
                inference = model.inference()
            except Exception:  # singular information: the plain table
                inference = None
    if inference is not None:
        named = name_classes(inference, levels, target)
        summary = named.summary(alpha, estimates_only=separated(model))
        text = cli_notes(summary, model).as_text(MAX_TABLE_ROWS, HIDDEN_ROWS_WHERE)
        return str(text)
    rows = coefficient_rows(model, names, levels)
    if model.penalty is None:
        form = (
            f"reference parametrization: {label_text(levels[0])!r} is the "
            "reference level"
        )
    else:
        form = "symmetric parametrization (penalized fit)"
    title = f"coefficients of {len(levels)} classes, {form}"
    return capped_table(rows, title, "coefficients")
