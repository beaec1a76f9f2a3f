"""Figures of a cross-validated strength: the coefficient path and the CV curve.

Convention (as :mod:`._figures`): plain arrays in, PNG bytes out, matplotlib's
object API only. Both figures put ``log10(alpha)`` on the x axis, decreasing
to the right (glmnet's orientation: the model grows from left to right), and
mark the best point (solid line) and the one-standard-error point (dashed),
the one the fit took (``chosen_index``, by ``--cv-rule``) labelled
"(chosen)".
The labelled coefficient paths each take a :func:`._figures.series_style`
(colour, marker, dash pattern), so that they read without colour.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._figures import _figure, _png, series_style, shown_label

__all__ = [
    "coefficient_path_figure",
    "coefficient_path_png",
    "cv_curve_figure",
    "cv_curve_png",
    "cv_section",
]

#: The path figure labels at most this many curves (the largest at the end).
MAX_LABELS = 8


def _marks(
    ax: Any, x: np.ndarray, best: int, one_se: int, chosen: int | None = None
) -> None:
    """The best and 1-SE strengths, the ``chosen`` one (the fit's) so labelled."""
    at_best = chosen == best
    best_label = "best (chosen)" if at_best else "best"
    se_label = "1 SE (chosen)" if chosen == one_se and not at_best else "1 SE"
    ax.axvline(x[best], color="black", lw=1.2, label=best_label)
    ax.axvline(x[one_se], color="0.4", lw=1.2, ls="--", label=se_label)


def coefficient_path_png(
    alphas: np.ndarray, coefs: np.ndarray, names: list[str], best: int, one_se: int,
    chosen: int | None = None,
) -> bytes:  # fmt: skip
    """The coefficient path (:func:`coefficient_path_figure`) as PNG bytes."""
    return _png(coefficient_path_figure(alphas, coefs, names, best, one_se, chosen))


def coefficient_path_figure(
    alphas: np.ndarray, coefs: np.ndarray, names: list[str], best: int, one_se: int,
    chosen: int | None = None,
) -> Any:  # fmt: skip
    """Each coefficient against log10(alpha); the :data:`MAX_LABELS` largest
    at the end labelled, each in its own style, the others grey."""
    x = np.log10(alphas)
    fig = _figure(6.5, 4.0)
    ax = fig.subplots()
    last = np.abs(coefs[-1])
    top = set(np.argsort(last)[::-1][: min(MAX_LABELS, coefs.shape[1])].tolist())
    shown = 0
    for j in range(coefs.shape[1]):
        if j in top and last[j] > 0:  # labelled: its own colour, marker, dashes
            label = shown_label(names[j])
            ax.plot(x, coefs[:, j], lw=1, label=label, **series_style(shown))
            shown += 1
        else:  # the others grey, so that no colour names two curves
            ax.plot(x, coefs[:, j], lw=0.8, color="0.75")
    _marks(ax, x, best, one_se, chosen)
    ax.axhline(0, color="grey", lw=0.8)
    ax.invert_xaxis()
    ax.set(
        xlabel="log10(alpha)",
        ylabel="coefficient (log-odds)",
        title="Coefficient path (all rows)",
    )
    ax.legend(fontsize="small", loc="upper left")
    return fig


def cv_curve_png(
    alphas: np.ndarray, mean_loss: np.ndarray, std_err: np.ndarray, best: int,
    one_se: int, folds: int, chosen: int | None = None, score: str = "log loss",
) -> bytes:  # fmt: skip
    """The CV curve (:func:`cv_curve_figure`) as PNG bytes."""
    fig = cv_curve_figure(
        alphas, mean_loss, std_err, best, one_se, folds, chosen, score
    )
    return _png(fig)


def cv_curve_figure(
    alphas: np.ndarray, mean_loss: np.ndarray, std_err: np.ndarray, best: int,
    one_se: int, folds: int, chosen: int | None = None, score: str = "log loss",
) -> Any:  # fmt: skip
    """Mean CV score (``score``: its label; log loss for ``fit --cv``) with
    ± one standard error bars."""
    x = np.log10(alphas)
    fig = _figure(6.5, 4.0)
    ax = fig.subplots()
    ax.errorbar(x, mean_loss, yerr=std_err, fmt="o", ms=3, color="C0", ecolor="0.6")
    _marks(ax, x, best, one_se, chosen)
    ax.invert_xaxis()
    ax.set(
        xlabel="log10(alpha)",
        ylabel=f"{score} (mean over folds)",
        title=f"{folds}-fold cross-validation curve",
    )
    ax.legend(fontsize="small")
    return fig


def cv_section(
    record: dict[str, Any], names: list[str]
) -> list[tuple[bytes, str, str]]:
    """``(png, caption, id)`` of the figures a CV record allows."""
    alphas = np.asarray(record["alphas"], dtype=float)
    best, one_se = int(record["best_index"]), int(record["index_1se"])
    chosen = record.get("chosen_index")  # the strength the fit took (--cv-rule)
    chosen = None if chosen is None else int(chosen)
    out = []
    if record.get("path") is not None:
        coefs = np.asarray(record["path"]["coefs"], dtype=float)
        out.append(
            (
                coefficient_path_png(alphas, coefs, names, best, one_se, chosen),
                "Coefficient path, best and 1-SE strengths marked",
                "coefficient-path",
            )
        )
    from ..io._cv import score_shown

    # the record's score: log loss (neg_log_loss negated) or, for a model
    # saved from LogisticRegressionCV(scoring=...), that score as stored
    score, sign = score_shown(str(record.get("scoring", "neg_log_loss")))
    values = sign * np.asarray(record["mean"], dtype=float)
    se = np.asarray(record["std_err"], dtype=float)
    folds = int(record["folds"])
    out.append(
        (
            cv_curve_png(alphas, values, se, best, one_se, folds, chosen, score),
            f"Cross-validation curve of {score} (±1 standard error), best and "
            "1-SE marked",
            "cv-curve",
        )
    )
    return out
