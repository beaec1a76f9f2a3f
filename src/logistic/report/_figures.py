"""Figures of the report, drawn with matplotlib's object API (no pyplot state).

Convention: every function takes plain arrays and returns PNG bytes; the
global matplotlib state (backend, rcParams) is never changed. The coefficient
plot and the convergence figure are also built as
:class:`~matplotlib.figure.Figure` objects (:func:`coefficients_figure`,
:func:`convergence_figure`), so their artists can be checked without pixels.

The coefficient plot draws every estimate and interval on one log-odds axis
with zero marked, as R's ``arm::coefplot`` and Stata's ``coefplot`` do. When
the terms differ in scale by orders of magnitude (a coefficient per dollar of
income beside one per category), the small ones would sit on the zero line,
their intervals narrower than a pixel, and read as "no effect". The axis is
then symmetric-logarithmic (matplotlib's ``symlog``): linear within ±t
(shaded), logarithmic beyond, with t the power of ten at or below the
smallest such term's magnitude, at most six decades below the largest; zero,
signs, order and whether an interval crosses zero still read as usual, but
interval lengths compare only within a row, which a note under the plot says.
Rows are never rescaled one by one: a per-row scale would draw different
effects alike. To compare effects across terms, the note points to
standardized columns (Gelman 2008, "Scaling regression inputs by dividing by
two standard deviations").

Names from the data (terms, classes) are drawn as written
(:func:`shown_label`): a ``$`` would start matplotlib's math text (which
cannot parse ``income_$_over_$50k`` and draws ``cost $x^2$`` as a
formula), so it is escaped; a name longer than :data:`LABEL_WIDTH`
characters loses its middle to an ellipsis, so that its start and its end
(a one-hot level, ``[T.yes]``) stay (the tables beside the figures give it
whole).

Series told apart by colour are also told apart without it (a greyscale
print, a reader who does not see the colours): each of several curves (one
ROC curve a class, the labelled coefficient paths) has its own marker and
dash pattern beside its colour (:func:`series_style`), which its legend
entry shows.

Aliased terms (rows whose ``estimate`` is None: R's NA, a column exactly
collinear with earlier ones) have no estimate to draw: the plot draws the
other terms, with the reduced model's intervals, and a note under it names
the aliased ones.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

import numpy as np

__all__ = [
    "roc_png",
    "roc_ovr_figure",
    "roc_ovr_png",
    "series_style",
    "pr_png",
    "calibration_figure",
    "calibration_png",
    "coefficients_figure",
    "coefficients_png",
    "convergence_figure",
    "convergence_png",
]


#: Data names in a figure are cut to this many characters.
LABEL_WIDTH = 40


def shown_label(name: Any, width: int = LABEL_WIDTH) -> str:
    """A data name as figure text: its ``$`` escaped (no math text), at most
    ``width`` characters, the middle of a longer one an ellipsis."""
    text = str(name)
    if len(text) > width:
        head = (width - 1) // 2
        text = text[:head] + "…" + text[len(text) - (width - 1 - head) :]
    return text.replace("$", r"\$")


#: Markers and dash patterns of :func:`series_style`.
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
_DASHES = ("-", "--", "-.", ":")


def series_style(k: int) -> dict[str, Any]:
    """Line properties of the ``k``-th series: colour ``C{k}``, a marker every
    tenth of the axes' diagonal and a dash pattern, so that the first 20
    series differ in marker or dash, not in colour alone."""
    return {
        "color": f"C{k % 10}",
        "marker": _MARKERS[k % len(_MARKERS)],
        "ls": _DASHES[k % len(_DASHES)],
        "markevery": 0.1,
        "ms": 5,
    }


#: A ROC figure of more curves than this names none in its legend: 60 entries
#: outgrew the axes, and matplotlib's layout collapsed them to nothing (a
#: blank figure and a UserWarning); the report's per-class table has each AUC.
MAX_LEGEND_CURVES = 20


def _figure(width: float = 5.0, height: float = 4.0) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(fig: Any) -> bytes:
    """The figure as PNG bytes. matplotlib's warnings of characters its font
    lacks (names in Chinese, Japanese, ...: drawn as boxes) are not passed
    on: the tables beside the figures give those names."""
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        fig.savefig(buf, format="png")
    return buf.getvalue()


def roc_png(fpr: np.ndarray, tpr: np.ndarray, auc: float) -> bytes:
    return _png(_roc_curves([("model", fpr, tpr, auc)], "ROC curve", _figure()))


def roc_ovr_png(curves: list[tuple[str, np.ndarray, np.ndarray, float]]) -> bytes:
    """The ROC curves of :func:`roc_ovr_figure` as PNG bytes."""
    return _png(roc_ovr_figure(curves))


def roc_ovr_figure(curves: list[tuple[str, np.ndarray, np.ndarray, float]]) -> Any:
    """One ROC curve per class against the rest: ``(label, fpr, tpr, auc)``,
    each in its own :func:`series_style`."""
    title = "ROC curves, each class against the rest"
    return _roc_curves(curves, title, _figure(5.5, 4.5), fontsize=8)


def _roc_curves(
    curves: list[tuple[str, np.ndarray, np.ndarray, float]],
    title: str,
    fig: Any,
    fontsize: float | None = None,
) -> Any:
    ax = fig.subplots()
    many = len(curves) > MAX_LEGEND_CURVES  # their AUCs: the per-class table
    for k, (label, fpr, tpr, auc) in enumerate(curves):
        name = shown_label(label)
        style = series_style(k) if len(curves) > 1 else {"color": "C0"}
        entry = "_nolegend_" if many else f"{name} (AUC = {auc:.3f})"
        ax.plot(fpr, tpr, lw=2, label=entry, **style)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="chance")
    ax.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title=f"{title}\n({len(curves)} classes: AUCs in the table)" if many else title,
        xlim=(0, 1),
        ylim=(0, 1.01),
    )
    ax.legend(loc="lower right", fontsize=fontsize)
    return fig


def pr_png(
    precision: np.ndarray, recall: np.ndarray, ap: float, base_rate: float
) -> bytes:
    fig = _figure()
    ax = fig.subplots()
    ax.step(
        recall,
        precision,
        where="post",
        color="C1",
        lw=2,
        label=f"model (AP = {ap:.3f})",
    )
    ax.axhline(
        base_rate, color="grey", ls="--", lw=1, label=f"base rate {base_rate:.3f}"
    )
    ax.set(
        xlabel="recall",
        ylabel="precision",
        title="Precision-recall curve",
        xlim=(0, 1),
        ylim=(0, 1.01),
    )
    ax.legend(loc="upper right")
    return _png(fig)


def calibration_png(
    rows: list[dict[str, float]], annotation: str = "", size_by: str = "rows"
) -> bytes:
    """The calibration plot (:func:`calibration_figure`) as PNG bytes."""
    return _png(calibration_figure(rows, annotation, size_by))


def calibration_figure(
    rows: list[dict[str, float]], annotation: str = "", size_by: str = "rows"
) -> Any:
    """Observed rate against mean predicted probability per bin; ``annotation``
    (the Hosmer–Lemeshow test) is written in the lower right corner.

    A bin's marker grows with its ``weight`` (its rows when unweighted; older
    tables: ``count``), from a floor that keeps a bin of one row in sight, so
    its area is not proportional: the legend says "larger = more
    ``size_by``" (``rows``, ``weight`` or ``trials``), and the calibration
    table gives the numbers."""
    fig = _figure()
    ax = fig.subplots()
    pred = [r["mean_predicted"] for r in rows]
    obs = [r["observed_rate"] for r in rows]
    sizes = np.array([r.get("weight", r["count"]) for r in rows], dtype=float)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="perfect calibration")
    ax.plot(pred, obs, color="C2", lw=1.5)
    ax.scatter(
        pred,
        obs,
        s=20 + 200 * sizes / (sizes.max() if sizes.max() > 0 else 1.0),
        color="C2",
        zorder=3,
        label=f"bins (larger = more {size_by})",
    )
    ax.set(
        xlabel="mean predicted probability",
        ylabel="observed positive rate",
        title="Calibration",
        # a margin round [0, 1], as scikit-learn's CalibrationDisplay: a bin
        # whose rate is 0 or 1 shows its whole marker, not half of it
        xlim=(-0.05, 1.05),
        ylim=(-0.05, 1.05),
    )
    ax.legend(loc="upper left")
    if annotation:
        ax.text(0.98, 0.03, annotation, transform=ax.transAxes, ha="right",
                va="bottom", fontsize=9,
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})  # fmt: skip
    return fig


#: Aliased terms a coefficient plot's note names; the rest are counted.
NOTE_NAMES = 5


def _few(names: list[str]) -> str:
    """At most :data:`NOTE_NAMES` of ``names`` and a count of the others (the
    page's table lists every one)."""
    shown = ", ".join(shown_label(a) for a in names[:NOTE_NAMES])
    rest = len(names) - NOTE_NAMES
    return shown + (f" and {rest:,} more" if rest > 0 else "")


#: A term is too small to see on a linear axis when its interval (or its
#: estimate, without one) lies within this fraction of the axis around zero.
SMALL_FRACTION = 0.01
#: The symmetric-log axis spans at most this many decades below the largest term.
MAX_DECADES = 6


def coefficients_png(rows: list[dict[str, Any]]) -> bytes:
    """The coefficient plot (:func:`coefficients_figure`) as PNG bytes."""
    return _png(coefficients_figure(rows))


def coefficients_figure(rows: list[dict[str, Any]]) -> Any:
    """Estimates (and 95% intervals with ``ci_low``/``ci_high``) of the
    summary rows but the intercept, one row a term, on one log-odds axis:
    linear, or symmetric-log when terms differ by orders of magnitude (see
    the module docstring). Aliased rows (``estimate`` None) are not drawn;
    a note names them. Of more than :data:`MAX_TERMS` terms, those of
    largest ``|z|`` are drawn (:func:`_drawn_terms`), which a note says."""
    aliased = [str(r["term"]) for r in rows if r["estimate"] is None]
    rows = [r for r in rows if r["estimate"] is not None]
    rows = [r for r in rows if r["term"] != "Intercept"] or rows
    rows, drawn_note = _drawn_terms(rows)
    est = np.array([r["estimate"] for r in rows], dtype=float)
    has_ci = bool(rows) and rows[0].get("ci_low") is not None
    lo = np.array([r["ci_low"] for r in rows], dtype=float) if has_ci else est
    hi = np.array([r["ci_high"] for r in rows], dtype=float) if has_ci else est
    t = symlog_threshold(lo, hi)
    note = drawn_note + ([] if t is None else _scale_note(t))
    if aliased:
        them = "it" if len(aliased) == 1 else "them"
        note += textwrap.wrap(
            f"Not drawn: {_few(aliased)}, aliased "
            "(NA: exactly collinear "
            "with earlier columns, not estimable); the others are the estimates "
            f"of the model without {them}, as R's glm.",
            100,
        )
    height = max(2.5, 0.35 * len(rows) + 1.2) + 0.15 * len(note)
    fig = _figure(6.0, height)
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    if has_ci:
        ax.errorbar(
            est, y, xerr=[est - lo, hi - est], fmt="o", color="C0", ecolor="C0",
            capsize=3,
        )  # fmt: skip
        title = "Coefficients with 95% confidence intervals"
    else:
        ax.plot(est, y, "o", color="C0")
        title = "Coefficients (no intervals: no covariance stored)"
    ax.axvline(0, color="grey", lw=1)
    # half a row above and below: the default 5 % margins grow with the rows
    # (150 terms: ~2 inches of empty axis at the top and bottom)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_yticks(y, [shown_label(r["term"]) for r in rows])
    if t is None:
        ax.set_xlabel("coefficient (log-odds)")
    else:
        ax.set_xscale("symlog", linthresh=t, linscale=1.0)
        ax.axvspan(-t, t, color="0.92", zorder=0, lw=0)
        _decade_ticks(ax, t)
        # two lines: beside long term names the axes is narrow, and one line
        # ran past the figure's right edge, cutting off the threshold
        ax.set_xlabel(
            f"coefficient (log-odds)\nsymmetric log scale, linear within ±{t:g}"
        )
    if note:
        fig.supxlabel("\n".join(note), fontsize=8, ha="left", x=0.02)
    # a figure title is centred on the whole figure, so long term names on the
    # left never push it off the edge (an axes title would be clipped)
    fig.suptitle(title)
    return fig


#: A symmetric-log axis labels at most this many decades on each side of zero.
MAX_DECADE_TICKS = 4


def _decade_ticks(ax: Any, t: float) -> None:
    """Ticks of a symmetric-log axis: 0 and, on each side, ±t and every
    decade beyond when they are at most :data:`MAX_DECADE_TICKS` (matplotlib's
    own ticks), else every ``s``-th decade from ``t`` on, ``s`` the stride that
    keeps them to that many and ±t left to the shaded band (matplotlib labels
    every decade: across the twelve decades of a separated term's interval,
    ±1e4 beside a band of ±0.01, the labels ran into each other); no minor
    ticks."""
    from matplotlib.ticker import NullLocator

    lo, hi = ax.get_xlim()
    first = round(math.log10(t))
    ticks = [0.0]
    for sign, end in ((1.0, hi), (-1.0, -lo)):
        if end < t:
            continue
        last = math.floor(math.log10(end) + 1e-9)
        stride = max(1, math.ceil((last - first + 1) / MAX_DECADE_TICKS))
        start = first if stride == 1 else first + stride
        ticks += [sign * 10.0**k for k in range(start, last + 1, stride)]
    ax.set_xticks(sorted(ticks))
    ax.xaxis.set_minor_locator(NullLocator())


#: The coefficient plot draws at most this many terms.
MAX_TERMS = 50


def ranked_by(rows: list[dict[str, Any]]) -> str:
    """What picks the drawn terms of a wide model: ``|z|`` when every row
    has one, else ``|estimate|`` (no covariance stored)."""
    return "|z|" if all(r.get("z") is not None for r in rows) else "|estimate|"


def _drawn_terms(
    rows: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows the coefficient plot draws, in the table's order, and the
    note saying which: all of them, or the :data:`MAX_TERMS` of largest
    ``|z|`` (``|estimate|`` without standard errors). A plot of every term
    of a wide model is no figure to read (8,000 terms: a PNG 280,000 pixels
    tall, 19 MB, drawn in about two minutes); the summary table lists all."""
    if len(rows) <= MAX_TERMS:
        return rows, []
    by = ranked_by(rows)
    key = np.abs(
        np.array([r["z" if by == "|z|" else "estimate"] for r in rows], dtype=float)
    )
    key = np.where(np.isnan(key), -1.0, key)  # an undefined z last
    top = np.sort(np.argsort(-key, kind="stable")[:MAX_TERMS])
    note = textwrap.wrap(
        f"Drawn: the {MAX_TERMS} of {len(rows)} terms with the largest {by}, in "
        "the summary table's order; the table lists every term.",
        100,
    )
    return [rows[i] for i in top], note


def symlog_threshold(lo: np.ndarray, hi: np.ndarray) -> float | None:
    """The linear half-width t of a symmetric-log axis for intervals
    ``[lo, hi]``, or None when a linear axis shows every one: t is the power
    of ten at or below the smallest non-zero magnitude ``max(|lo|, |hi|)``
    among the terms within :data:`SMALL_FRACTION` of the linear axis's span
    around zero, and at least ``10**-MAX_DECADES`` times the largest."""
    finite = np.isfinite(lo) & np.isfinite(hi)
    if not finite.any():
        return None
    lo, hi = lo[finite], hi[finite]
    span = max(float(hi.max()), 0.0) - min(float(lo.min()), 0.0)
    size = np.maximum(np.abs(lo), np.abs(hi))
    small = size[(size > 0) & (size < SMALL_FRACTION * span)]
    if not small.size:
        return None
    floor = float(size.max()) * 10.0**-MAX_DECADES
    return 10.0 ** math.floor(math.log10(max(float(small.min()), floor)))


def _scale_note(t: float) -> list[str]:
    text = (
        "The terms differ in scale by orders of magnitude: the axis is logarithmic "
        f"beyond ±{t:g} (linear in the shaded band), so zero, signs and order read "
        "as usual but interval lengths compare only within a row; the summary "
        "table has the values. Coefficients are per unit of each column: "
        "standardize the columns to compare effects."
    )
    return textwrap.wrap(text, 100)


def convergence_png(history: list[dict[str, float]]) -> bytes:
    """The convergence figure (:func:`convergence_figure`) as PNG bytes."""
    return _png(convergence_figure(history))


def convergence_figure(history: list[dict[str, float]]) -> Any:
    """The objective and the stopping rule's gradient max-norm per iteration.

    A history's ``grad_max_norm`` is the gradient's max-norm in standardized
    coordinates (the KKT residual with an L1 term), the number ``tol``
    bounds, not ``max_j |∂J/∂w_j|`` of the columns as given: the axis says
    so (on the UCLA data at θ = 0 it is 0.18, the raw gradient's 97)."""
    fig = _figure(8.0, 3.5)
    ax1, ax2 = fig.subplots(1, 2)
    it = [h.get("iter", i) for i, h in enumerate(history)]
    obj = np.array([h.get("objective", np.nan) for h in history], dtype=float)
    gn = np.array([h.get("grad_max_norm", np.nan) for h in history], dtype=float)
    ax1.plot(it, obj, marker="o", ms=3, color="C3")
    ax1.set(xlabel="iteration", ylabel="objective J", title="Objective per iteration")
    positive = gn > 0
    if positive.any():
        ax2.semilogy(
            np.asarray(it)[positive], gn[positive], marker="o", ms=3, color="C4"
        )
    ax2.set(
        xlabel="iteration",
        ylabel="max |gradient|, standardized columns",
        title="Gradient max-norm (what tol bounds)",
    )
    return fig
