"""Figures of a cross-validated strength: the coefficient path and the CV curve.

Convention (as :mod:`._figures`): plain arrays in, PNG bytes out, matplotlib's
object API only. Both figures put ``log10(alpha)`` on the x axis, decreasing
to the right (glmnet's orientation: the model grows from left to right), and
mark the best point (solid line) and the one-standard-error point (dashed).
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
    "cv_curve_png",
    "cv_section",
]

#: The path figure labels at most this many curves (the largest at the end).
MAX_LABELS = 8


def _marks(ax: Any, x: np.ndarray, best: int, one_se: int) -> None:
    ax.axvline(x[best], color="black", lw=1.2, label="best")
    ax.axvline(x[one_se], color="0.4", lw=1.2, ls="--", label="1 SE")


def coefficient_path_png(
    alphas: np.ndarray, coefs: np.ndarray, names: list[str], best: int, one_se: int
) -> bytes:
    """The coefficient path (:func:`coefficient_path_figure`) as PNG bytes."""
    return _png(coefficient_path_figure(alphas, coefs, names, best, one_se))


def coefficient_path_figure(
    alphas: np.ndarray, coefs: np.ndarray, names: list[str], best: int, one_se: int
) -> Any:
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
    _marks(ax, x, best, one_se)
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
    one_se: int, folds: int,
) -> bytes:  # fmt: skip
    """Mean CV log loss with ± one standard error bars."""
    x = np.log10(alphas)
    fig = _figure(6.5, 4.0)
    ax = fig.subplots()
    ax.errorbar(x, mean_loss, yerr=std_err, fmt="o", ms=3, color="C0", ecolor="0.6")
    _marks(ax, x, best, one_se)
    ax.invert_xaxis()
    ax.set(
        xlabel="log10(alpha)",
        ylabel="log loss (mean over folds)",
        title=f"{folds}-fold cross-validation curve",
    )
    ax.legend(fontsize="small")
    return _png(fig)


def cv_section(
    record: dict[str, Any], names: list[str]
) -> list[tuple[bytes, str, str]]:
    """``(png, caption, id)`` of the figures a CV record allows."""
    alphas = np.asarray(record["alphas"], dtype=float)
    best, one_se = int(record["best_index"]), int(record["index_1se"])
    out = []
    if record.get("path") is not None:
        coefs = np.asarray(record["path"]["coefs"], dtype=float)
        out.append(
            (
                coefficient_path_png(alphas, coefs, names, best, one_se),
                "Coefficient path, best and 1-SE strengths marked",
                "coefficient-path",
            )
        )
    loss = -np.asarray(record["mean"], dtype=float)
    se = np.asarray(record["std_err"], dtype=float)
    out.append(
        (
            cv_curve_png(alphas, loss, se, best, one_se, int(record["folds"])),
            "Cross-validation curve (±1 standard error), best and 1-SE marked",
            "cv-curve",
        )
    )
    return out
