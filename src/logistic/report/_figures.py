"""Figures of the report, drawn with matplotlib's object API (no pyplot state).

Convention: every function takes plain arrays and returns PNG bytes; the
global matplotlib state (backend, rcParams) is never changed.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

__all__ = [
    "roc_png",
    "roc_ovr_png",
    "pr_png",
    "calibration_png",
    "coefficients_png",
    "convergence_png",
]


def _figure(width: float = 5.0, height: float = 4.0) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def roc_png(fpr: np.ndarray, tpr: np.ndarray, auc: float) -> bytes:
    return _roc_curves([("model", fpr, tpr, auc)], "ROC curve", _figure())


def roc_ovr_png(curves: list[tuple[str, np.ndarray, np.ndarray, float]]) -> bytes:
    """One ROC curve per class against the rest: ``(label, fpr, tpr, auc)``."""
    title = "ROC curves, each class against the rest"
    return _roc_curves(curves, title, _figure(5.5, 4.5), fontsize=8)


def _roc_curves(
    curves: list[tuple[str, np.ndarray, np.ndarray, float]],
    title: str,
    fig: Any,
    fontsize: float | None = None,
) -> bytes:
    ax = fig.subplots()
    for k, (label, fpr, tpr, auc) in enumerate(curves):
        ax.plot(fpr, tpr, color=f"C{k % 10}", lw=2, label=f"{label} (AUC = {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="chance")
    ax.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title=title,
        xlim=(0, 1),
        ylim=(0, 1.01),
    )
    ax.legend(loc="lower right", fontsize=fontsize)
    return _png(fig)


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


def calibration_png(rows: list[dict[str, float]], annotation: str = "") -> bytes:
    """Observed rate against mean predicted probability per bin; ``annotation``
    (the Hosmer–Lemeshow test) is written in the lower right corner."""
    fig = _figure()
    ax = fig.subplots()
    pred = [r["mean_predicted"] for r in rows]
    obs = [r["observed_rate"] for r in rows]
    sizes = np.array([r["count"] for r in rows], dtype=float)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="perfect calibration")
    ax.plot(pred, obs, color="C2", lw=1.5)
    ax.scatter(
        pred,
        obs,
        s=20 + 200 * sizes / max(sizes.max(), 1),
        color="C2",
        zorder=3,
        label="bins (area ~ count)",
    )
    ax.set(
        xlabel="mean predicted probability",
        ylabel="observed positive rate",
        title="Calibration",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    ax.legend(loc="upper left")
    if annotation:
        ax.text(0.98, 0.03, annotation, transform=ax.transAxes, ha="right",
                va="bottom", fontsize=9,
                bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})  # fmt: skip
    return _png(fig)


def coefficients_png(rows: list[dict[str, Any]]) -> bytes:
    rows = [r for r in rows if r["term"] != "Intercept"] or rows
    fig = _figure(6.0, max(2.5, 0.35 * len(rows) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    est = np.array([r["estimate"] for r in rows])
    if "ci_low" in rows[0]:
        lo = est - np.array([r["ci_low"] for r in rows])
        hi = np.array([r["ci_high"] for r in rows]) - est
        ax.errorbar(est, y, xerr=[lo, hi], fmt="o", color="C0", ecolor="C0", capsize=3)
        title = "Coefficients with 95% confidence intervals"
    else:
        ax.plot(est, y, "o", color="C0")
        title = "Coefficients (no intervals: no covariance stored)"
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(y, [str(r["term"]) for r in rows])
    ax.set_xlabel("coefficient (log-odds)")
    # a figure title is centred on the whole figure, so long term names on the
    # left never push it off the edge (an axes title would be clipped)
    fig.suptitle(title)
    return _png(fig)


def convergence_png(history: list[dict[str, float]]) -> bytes:
    fig = _figure(8.0, 3.5)
    ax1, ax2 = fig.subplots(1, 2)
    it = [h.get("iter", i) for i, h in enumerate(history)]
    obj = np.array([h.get("objective", np.nan) for h in history], dtype=float)
    gn = np.array([h.get("grad_max_norm", np.nan) for h in history], dtype=float)
    ax1.plot(it, obj, marker="o", ms=3, color="C3")
    ax1.set(xlabel="iteration", ylabel="objective", title="Objective per iteration")
    positive = gn > 0
    if positive.any():
        ax2.semilogy(
            np.asarray(it)[positive], gn[positive], marker="o", ms=3, color="C4"
        )
    ax2.set(xlabel="iteration", ylabel="max |gradient|", title="Gradient norm")
    return _png(fig)
