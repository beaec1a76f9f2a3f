"""Rendering shared by commands: inference when available, coefficient tables.

Convention: the CLI computes no statistics of its own. Inference comes from
:func:`logistic.inference.fit_inference` (arrays in memory or the backend a
streamed fit read); a coefficient table built from a model file alone
(estimates and, when the file stores a covariance matrix, standard errors,
z, two-sided p-values and intervals at level ``1 - alpha``, intercept
first, as R prints them) comes from :func:`logistic.inference.wald_table`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy loads when a command runs, not for --help
    import numpy as np

from .._messages import count_text, pad_text, text_width
from ._common import note

__all__ = [
    "inference_of",
    "coefficient_rows",
    "coefficient_table",
    "text_table",
    "print_design_notes",
    "design_note",
    "scores_table",
    "capped_table",
    "penalty_summary",
    "penalty_note",
    "FIRTH_REPORT_NOTE",
    "FIRTH_WALD_NOTE",
    "firth_wald_note",
]

#: Under a Firth fit's table built from a model file (no data): its columns
#: are Wald, and logistf's defaults need the training data, which
#: ``summary MODEL DATA`` reads (no refit).
FIRTH_WALD_NOTE = (
    "Firth fit: std_error, z, p_value and the intervals are Wald (the model file "
    "keeps no data), poor with separation or few events. logistf's defaults, "
    "penalized likelihood-ratio p-values and profile penalized-likelihood "
    "intervals, need the training data: 'logistic summary MODEL DATA' prints "
    "them (no refit), or in Python model.inference(X, y).summary()."
)


#: :data:`FIRTH_WALD_NOTE` under a report's table, which is the model file's
#: (the report reads DATA for its plots and diagnostics, not for this table).
FIRTH_REPORT_NOTE = (
    "Firth fit: std_error, z, p_value and the intervals are Wald (this table is the "
    "model file's), poor with separation or few events. logistf's defaults, "
    "penalized likelihood-ratio p-values and profile penalized-likelihood "
    "intervals, need the training data: 'logistic summary MODEL DATA' prints "
    "them (no refit), or in Python model.inference(X, y).summary()."
)


def firth_wald_note(model: Any, report: bool = False) -> str:
    """:data:`FIRTH_WALD_NOTE` (``report``: :data:`FIRTH_REPORT_NOTE`), or for
    a fit on grouped counts, whose likelihood-ratio tests need one 0/1 row
    per trial, what it has instead."""
    from .._firth_correction import corrected_kind, corrected_note
    from .._grouped import fitted_on_counts

    kind = corrected_kind(model)
    if kind is not None:  # FLIC, FLAC: Wald with or without the data
        return corrected_note(kind)
    if not fitted_on_counts(model):
        return FIRTH_REPORT_NOTE if report else FIRTH_WALD_NOTE
    return (
        "Firth fit: std_error, z, p_value and the intervals are Wald, poor with "
        "separation or few events. logistf's defaults, penalized likelihood-ratio "
        "p-values and profile penalized-likelihood intervals, need one 0/1 row per "
        "trial: fit on such rows for them (a fit on counts keeps no rows to refit)."
    )


def inference_of(model: Any, *data: Any, **options: Any) -> Any:
    """Inference results of an unpenalised (or Firth) fit, or None.

    ``data`` is what the model was fitted on: ``X, y, sample_weight, offset``
    in memory, or the backend of a streamed fit; ``options`` go to
    :func:`~logistic.inference.fit_inference` (``sample_weight_kind``). A fit
    without standard errors (collinearity, separation) is reported in a note
    and kept.
    """
    if getattr(model, "penalty", None) not in (None, "firth"):
        return None
    from ..inference import fit_inference

    try:
        return fit_inference(model, *data, **options)
    except Exception as exc:  # collinearity, separation: report, keep the fit
        from ._spelling import cli_spelling

        note(_cli_remedy(cli_spelling(f"no standard errors: {exc}"), exc))
        return None


#: The library's advice for a constant column, which names no CLI option.
_NO_INTERCEPT = "Drop these columns (or fit without intercept)."


def _cli_remedy(text: str, exc: Exception) -> str:
    """``text`` with the library's advice for constant columns said with the
    CLI's options: ``--drop NAME`` (with ``--formula``: leave the term out, or
    the intercept with ``- 1``)."""
    columns = getattr(exc, "columns", None)
    if _NO_INTERCEPT not in text or not columns:
        return text
    from ..inference._coef_table import shown_name

    names = ",".join(str(c) for c in columns)
    return text.replace(
        _NO_INTERCEPT,
        f"Leave {'it' if len(columns) == 1 else 'them'} out: --drop "
        f"{shown_name(names)} (with --formula, remove their "
        "terms, or the intercept with '- 1').",
    )


def coefficient_rows(
    names: list[str],
    coef: np.ndarray,
    intercept: float | None,
    cov: np.ndarray | None,
    alpha: float = 0.05,
) -> list[dict[str, float | str]]:
    """Rows (term, estimate[, std_error, z, p_value, ci_low, ci_high]), intercept
    first; the Wald columns (level ``1 - alpha``) when ``cov`` is given."""
    import numpy as np

    from ..inference import intercept_first, wald_table

    terms = (["Intercept"] if intercept is not None else []) + list(names)
    est = intercept_first(
        np.r_[coef, [intercept] if intercept is not None else []],
        intercept is not None,
    )
    table = None if cov is None else wald_table(est, cov, alpha)
    rows: list[dict[str, float | str]] = []
    for i, (term, value) in enumerate(zip(terms, est, strict=True)):
        row: dict[str, float | str] = {"term": term, "estimate": float(value)}
        if table is not None:
            row.update(table.row(i))
        rows.append(row)
    return rows


#: Coefficient rows a terminal table shows; wider models are summarized.
MAX_TABLE_ROWS = 60
#: Where the rows a terminal table leaves out are.
HIDDEN_ROWS_WHERE = "every one is in the model file, and --json prints them"


def coefficient_table(
    model: Any,
    names: list[str],
    inference: Any = None,
    cov: np.ndarray | None = None,
    title: str | None = None,
    alpha: float = 0.05,
) -> str:
    """The inference summary's text when available, else a plain-text table
    (intervals at level ``1 - alpha``)."""
    where = HIDDEN_ROWS_WHERE
    if inference is not None:
        try:
            text = str(inference.summary(alpha).as_text(MAX_TABLE_ROWS, where))
        except Exception:  # fall back to the plain table
            cov = inference.covariance()
        else:
            lines = text.splitlines()
            if not any(line.startswith("Note:") for line in lines):
                return "\n".join(lines)
            from ._spelling import cli_spelling  # a note may name a parameter

            return "\n".join(
                cli_spelling(line) if line.startswith("Note:") else line
                for line in lines
            )
    intercept = float(model.intercept_[0]) if model.fit_intercept else None
    rows = coefficient_rows(names, model.coef_.ravel(), intercept, cov, alpha)
    head = title or _title(model)
    shrunk = penalty_note(model)
    if shrunk is not None:
        head = f"{shrunk}\n{head}"
    table = capped_table(rows, head, "coefficients", where)
    if getattr(model, "penalty", None) == "firth" and cov is not None:
        table += "\n" + firth_wald_note(model)
    separated = separation_table_note(model)
    if separated is not None:
        table += "\nNote: " + separated
    return table


def capped_table(
    rows: list[dict[str, Any]],
    title: str,
    what: str,
    where: str = "--json prints them",
) -> str:
    """:func:`text_table` of the first :data:`MAX_TABLE_ROWS` rows, and a line
    counting the ``what`` left out (``where`` says where they are)."""
    table = text_table(rows[:MAX_TABLE_ROWS], title)
    if len(rows) > MAX_TABLE_ROWS:
        table += (
            f"\n... {len(rows) - MAX_TABLE_ROWS} more {what} not shown "
            f"({len(rows)} in all; {where})"
        )
    return table


def text_table(rows: list[dict[str, Any]], title: str = "") -> str:
    """Fixed-width text table: every row is shown, and text cells longer than
    :data:`logistic.inference._coef_table.MAX_NAME_WIDTH` characters are cut in
    the middle with ``...`` (one 5 MiB category level would pad every row)."""
    if not rows:
        return title
    keys = list(rows[0])
    cells = [[_fmt(r[k], k) for k in keys] for r in rows]
    widths = [
        max(text_width(k), *(text_width(c[i]) for c in cells))
        for i, k in enumerate(keys)
    ]

    def line(values: list[str]) -> str:  # padded to terminal columns
        return "  ".join(
            pad_text(v, w, "<" if i == 0 else ">")
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    rule = "-" * text_width(line(keys))
    out = ([title] if title else []) + [line(keys), rule] + [line(c) for c in cells]
    return "\n".join(out)


def _fmt(value: Any, key: str = "") -> str:
    """A cell: p-values as the coefficient table prints them (R's format:
    4 decimals, 3 significant digits below 0.001, ``<2e-16``), other numbers
    with 6 decimals (6 significant digits when tiny or huge)."""
    if isinstance(value, str):  # a term name: cut to a table's width
        from ..inference._coef_table import shown_name

        return shown_name(value)
    if value is None:
        return "n/a"
    if key == "p_value":
        from ..inference._cell_text import pvalue_text

        return pvalue_text(float(value))
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.6g}"
    return f"{value:.6f}"


def penalty_summary(model: Any) -> str | None:
    """``l2, C=1 (the default; alpha = 1/(C·Σs) = 0.00529)``: a norm
    penalty and its strength as fitted, or None (maximum likelihood, Firth).
    ``alpha`` is the objective's (``(1/Σs) Σ s_i L_i + alpha·penalty(w)``)."""
    penalty = getattr(model, "penalty", None)
    if penalty in (None, "firth"):
        return None
    C, alpha = getattr(model, "C", None), getattr(model, "alpha", None)
    if alpha is not None:
        strength = f"alpha={alpha:g}"
    else:
        strength = f"C={C:g}" if C is not None else "C=1 (the default)"
        fitted = float(getattr(model, "penalty_l1_", 0.0) or 0.0) + float(
            getattr(model, "penalty_l2_", 0.0) or 0.0
        )
        if fitted > 0:
            strength += f"; alpha = 1/(C·Σs) = {fitted:.4g}"
    ratio = getattr(model, "l1_ratio", None)
    if penalty == "elasticnet" and ratio is not None:
        strength += f", l1_ratio={ratio:g}"
    return f"{penalty}, {strength}"


def penalty_note(model: Any) -> str | None:
    """The line above a penalized fit's table: the estimates are shrunk,
    which penalty and how strong, and why no standard errors are shown."""
    text = penalty_summary(model)
    if text is None:
        return None
    return (
        f"PENALIZED estimates (penalty {text}; objective (1/Σs)Σ s_i L_i + "
        "alpha·penalty(w), intercept unpenalized): shrunk toward 0, not maximum "
        "likelihood. No standard errors, p-values or intervals: model-based ones "
        "would not account for the shrinkage (--penalty none for inference)."
    )


def _separation_kind(model: Any) -> str | None:
    """``model.separation_`` when the fit found separation and no penalty
    bounds the estimates (its MLE does not exist), else None."""
    from .._separation_kinds import mle_does_not_exist

    return str(model.separation_) if mle_does_not_exist(model) else None


def converged_text(model: Any) -> str:
    """``True``/``False`` (the model's ``converged_``), or ``no finite MLE
    (separation)`` for a fit whose MLE does not exist: the word of every
    table and report header."""
    from ..inference._separation_notes import NO_FINITE_MLE

    if _separation_kind(model):
        return NO_FINITE_MLE
    return str(getattr(model, "converged_", "?"))


def separation_table_note(model: Any) -> str | None:
    """The note under a coefficient table of a fit whose MLE does not exist,
    or of a maximum-likelihood fit whose separation check did not run (the
    CLI's words), None otherwise."""
    from ..inference._separation_notes import separation_note, unchecked_note
    from ._spelling import cli_spelling

    kind = _separation_kind(model)
    if kind is not None:
        return cli_spelling(separation_note(kind))
    from .._separation_kinds import separation_unchecked

    if separation_unchecked(model):
        return cli_spelling(unchecked_note())
    return None


def _title(model: Any) -> str:
    import numpy as np

    n_iter = int(np.ravel(getattr(model, "n_iter_", [0]))[0])
    return (
        f"{_solver_text(model)}, {n_iter} iterations, "
        f"converged={converged_text(model)}{stop_text(model)}"
    )


def _solver_text(model: Any) -> str:
    """``solver NAME`` (the fit's ``solver_``). A model saved from a
    ``LogisticRegressionCV`` records none: its coefficients are the refit's
    path at the chosen strength (:mod:`logistic._path_solver`), solved by
    the column coordinate descent (``solver="auto"``) or by the named
    solver on the path's active columns; a file that records neither says
    so rather than guess."""
    name = getattr(model, "solver_", None)
    if name is not None:
        return f"solver {name}"
    if getattr(model, "cross_validation_", None) is None:
        return "solver not recorded"
    setting = model.get_params().get("solver", "auto")
    if setting == "auto":
        return (
            "solver auto along the cross-validation's refit path (coordinate "
            "descent on the columns)"
        )
    return f"solver {setting} along the cross-validation's refit path (active columns)"


def stop_text(model: Any) -> str:
    """`` (gradient max-norm G, tol T)``: where the fit stopped against the
    tolerance it used (the stopping rule of every solver, in standardized
    coordinates; the default tol depends on the dtype and the solver, so
    ``params.tol`` alone does not say it), or nothing where the model
    records neither (a ``partial_fit`` stream: NaN) or has no MLE to stop
    at (separation: :func:`converged_text` says so)."""
    import math

    norm = getattr(model, "grad_max_norm_", None)
    tol = getattr(model, "tol_", None)
    if norm is None or tol is None or not math.isfinite(norm + tol):
        return ""
    if _separation_kind(model):
        return ""
    return f" (gradient max-norm {float(norm):.2g}, tol {float(tol):g})"


def print_design_notes(design: Any, penalized: bool = False) -> None:
    """Label mapping, encoded columns and dropped rows, on stderr
    (``penalized``: the fit has a penalty, so K classes have no reference)."""
    from .._labels import label_shown

    label = design.encoding.get("label") or {}
    if label.get("levels") is not None:  # more than two classes
        note(design_note(label, penalized))
    elif label:
        note(
            f"target {label.get('column')!r}: positive class "
            f"{label_shown(label.get('positive'))}, "
            f"negative {label_shown(label.get('negative'))}"
        )
    from ..inference._coef_table import shown_name

    for spec in design.encoding.get("columns") or []:
        if spec["kind"] == "categorical" and len(spec["levels"]) == 1:
            # the reference level alone: no indicator column (R's glm refuses a
            # factor of one level; here the column is said to add nothing)
            note(
                f"column {spec['name']!r} holds one value "
                f"({shown_name(spec['reference'])!r}) on every row used: it adds "
                "no feature (its one level is the reference level)"
            )
        elif spec["kind"] == "categorical":
            note(
                f"column {spec['name']!r}: {len(spec['levels'])} levels one-hot "
                "encoded, "
                f"reference {shown_name(spec['reference'])!r}"
            )
            _warn_long_level(spec)
    for text in design.notes:
        note(text)


#: A category level longer than this many characters is warned about at fit.
MAX_LEVEL_CHARS = 1024


def _warn_long_level(spec: dict[str, Any]) -> None:
    """Warn when a level of a one-hot encoded column is longer than
    :data:`MAX_LEVEL_CHARS`: likely free text or a damaged cell; the model
    file stores it in full in several places (levels, term names)."""
    longest = max((str(v) for v in spec["levels"]), key=len, default="")
    if len(longest) > MAX_LEVEL_CHARS:
        from ..inference._coef_table import shown_name
        from ._common import warn

        warn(
            f"column {spec['name']!r}: the level {shown_name(longest)!r} is "
            f"{len(longest):,} characters long (more than {MAX_LEVEL_CHARS:,}); "
            "the model file keeps it in full, tables show it cut. If the column "
            f"is free text rather than a category, leave it out: --drop "
            f"{spec['name']}"
        )


def design_note(label: dict[str, Any], penalized: bool = False) -> str:
    """``target 'y': 3 levels, reference 'a' (others: 'b', 'c')``; for a
    penalized (symmetric) fit the class order, as no class is a reference."""
    from .._labels import label_text

    levels = [label_text(v) for v in label["levels"]]  # 1.0 as 1, everywhere
    if penalized:
        order = ", ".join(repr(v) for v in levels)
        return (
            f"target {label.get('column')!r}: {len(levels)} levels ({order}); "
            "penalized fit: symmetric parametrization, no reference level "
            "(--reference only sets the class order)"
        )
    others = ", ".join(repr(v) for v in levels[1:6])
    if len(levels) > 6:
        others += f", … and {len(levels) - 6:,} more"
    return (
        f"target {label.get('column')!r}: {len(levels)} levels, reference "
        f"{levels[0]!r} (each other level is compared with it: {others})"
    )


def scores_table(m: dict[str, Any], head: str, keys: tuple[str, ...]) -> Any:
    """evaluate's table of scores ``keys`` of the metrics ``m`` (n/a for None),
    titled ``head`` and the weights column when the rows are weighted."""
    from rich.table import Table

    title = head
    if m.get("weights"):
        title += (
            f"; metrics weighted by column {m['weights']!r} (sum "
            f"{count_text(m['sum_of_weights'])})"
        )
    scores = Table(title=title)
    scores.add_column("metric")
    scores.add_column("value", justify="right")
    for key in keys:
        scores.add_row(key, "n/a" if m[key] is None else f"{m[key]:.6f}")
    return scores
