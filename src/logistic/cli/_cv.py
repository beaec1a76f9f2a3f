"""``logistic fit --cv K``: choose the penalty strength by cross-validation.

The design matrix of the in-memory fit is cross-validated with
:class:`logistic.model_selection.LogisticRegressionCV` (K stratified folds,
shuffled with seed 0 so that files sorted by class still give balanced
folds; negative log loss weighted by the row weights; ``--n-alphas``
strengths from ``alpha_max`` down to ``alpha_max x --eps``, glmnet's
sequence; targets of two classes). The chosen ``alpha``
then drives the ordinary fit (same estimator, same inference and model
file), and the CV record (:mod:`logistic.io._cv`) is attached to the fitted
model as ``cross_validation_``, printed as a table and stored in the model
file. Needs scikit-learn (for the splitter); data in memory. The options
and their checks are in :mod:`logistic.cli._cv_options` (``logistic fit``
imports this module only with ``--cv``).
"""

from __future__ import annotations

from typing import Any

from ._codes import EX_USAGE, CLIError
from ._common import collect_warnings
from ._cv_options import CV_KEYS
from ._progress import status

__all__ = [
    "check_cv",
    "cv_facts",
    "select_strength",
    "attach",
    "cv_table",
    "l1_ratio_table",
]


def select_strength(
    design: Any, options: dict[str, Any], quiet: bool = False
) -> tuple[dict[str, Any], dict[str, Any] | None, list[str]]:
    """The estimator options (CV keys removed; with ``--cv``, the chosen
    ``alpha``), the CV record (None without ``--cv``) and the warnings of
    the cross-validation, in the CLI's words: the fit's warnings, printed,
    stored in the model file and listed by ``--json`` with the others. A
    spinner on a terminal says the folds run (``quiet``: none)."""
    est = {k: v for k, v in options.items() if k not in CV_KEYS}
    folds = options.get("cv")
    if folds is None:
        return est, None, []
    check_cv(design, options)
    label = design.encoding.get("label") or {}
    try:
        from sklearn.model_selection import StratifiedKFold
    except ImportError as exc:
        raise CLIError(
            "--cv needs scikit-learn: pip install 'logistic[sklearn]' (or pip "
            f"install scikit-learn) ({exc})",
            EX_USAGE,
        ) from None
    from .._path import path
    from ..io._cv import MAX_PATH_VALUES
    from ..io._cv_estimator import cv_record
    from ..model_selection import LogisticRegressionCV

    penalty = est.get("penalty") or "l2"
    ratio = est.get("l1_ratio")
    ratios = options.get("l1_ratios")  # --l1-ratios: checked, elasticnet only
    # a formula without an intercept ("- 1", "+ 0") fits none: the folds, the
    # grid's alpha_max and the stored path solve the problem the fit solves
    intercept = bool(design.encoding.get("intercept", True))
    common = {
        k: est[k]
        for k in ("class_weight", "solver", "tol", "max_iter", "random_state")
        if est.get(k) is not None
    }
    cv = LogisticRegressionCV(
        penalty=penalty,
        l1_ratio=0.5 if ratio is None else ratio,
        l1_ratios=ratios,
        n_alphas=options.get("n_alphas") or 100,
        eps=options.get("eps"),
        cv=StratifiedKFold(folds, shuffle=True, random_state=0),
        rule=options.get("cv_rule") or "min",
        refit=False,
        fit_intercept=intercept,
        **common,
    )
    X, y = design.named_X(), design.y
    sparse_class = _check_folds(folds, y, label)
    strengths = options.get("n_alphas") or 100
    mixings = f" x {len(ratios)} l1 ratios" if ratios else ""
    what = f"cross-validating: {folds} folds x {strengths} strengths{mixings} ..."
    with collect_warnings() as messages, status(what, quiet):
        cv.fit(X, y, sample_weight=design.sample_weight, offset=design.offset)
    said = [sparse_class] if sparse_class else []
    if sparse_class:  # said in the CLI's words, not StratifiedKFold's
        messages = [m for m in messages if "least populated class" not in m]
    for m in messages[:3]:
        if "strength of the grid" in m:
            m = m.split(": widen the grid")[0] + _widen(
                cv.cv_curve_.alphas, m, len(ratios or ()) > 1
            )
        said.append(f"cross-validation: {m}")
    curve = cv.cv_curve_  # the chosen mixing's (of the best mean score)
    coefs = None
    if len(curve.alphas) * cv.n_features_in_ <= MAX_PATH_VALUES:
        with collect_warnings() as on_all_rows:  # the stored path's own
            full = path(
                X, y, curve.alphas, l1_ratio=curve.l1_ratio,
                sample_weight=design.sample_weight, offset=design.offset,
                fit_intercept=intercept, class_weight=common.get("class_weight"),
                **{
                    k: common[k]
                    for k in ("solver", "tol", "max_iter", "random_state")
                    if k in common
                },
            )  # fmt: skip
        said += [f"coefficient path on all rows: {m}" for m in on_all_rows[:3]]
        coefs = {"coefs": full.coefs.tolist()}
    record = cv_record(cv)  # the chosen point, every mixing's curve with --l1-ratios
    record.update(
        splitter="StratifiedKFold(shuffle=True, random_state=0)", path=coefs
    )
    est.update(penalty=penalty, alpha=float(cv.alpha_), C=None)
    if penalty == "elasticnet":
        est["l1_ratio"] = float(curve.l1_ratio)
    return est, record, said


def check_cv(design: Any, options: dict[str, Any]) -> None:
    """Refuse a ``--cv K`` the encoded data cannot take (exit 2): a target
    of more than two classes, or more folds than stratified folds can make
    (:func:`_check_folds`). Called by fit before it refuses an existing
    output, so that such a mistake is named first."""
    folds = options.get("cv")
    if folds is None:
        return
    label = design.encoding.get("label") or {}
    if label.get("levels") is not None:
        raise CLIError(
            f"--cv {folds} supports targets of two classes only so far; target "
            f"{label.get('column')!r} has {len(label['levels'])} levels: give --C "
            "or --alpha instead",
            EX_USAGE,
        )
    _check_folds(folds, design.y, label)


def _check_folds(folds: int, y: Any, label: dict[str, Any]) -> str:
    """Refuse ``--cv K`` that stratified folds cannot make (more folds than
    rows, or than the rows of every class: exit 2, naming the counts); the
    warning to give when a class has fewer rows than folds (some folds then
    validate on no row of it), else ""."""
    import numpy as np

    n = int(np.size(y))
    positive = int(np.count_nonzero(np.asarray(y) == 1))
    counts = {"negative": n - positive, "positive": positive}
    names = {
        "negative": label.get("negative", 0),
        "positive": label.get("positive", 1),
    }
    fewest = min(counts, key=lambda k: counts[k])
    rows = counts[fewest]
    held = (
        f"the data hold {counts['negative']:,} rows of class {names['negative']!r} "
        f"and {counts['positive']:,} of class {names['positive']!r}"
    )
    # a class of one row: the fold validating on it trains without that class
    none = "no number of folds can be made: fit a chosen strength with --alpha or --C"
    if folds > n or folds > max(counts.values()):
        # 2 folds, the fewest there are, need 2 rows of a class
        way = f"use --cv {rows} or fewer" if rows >= 2 else none
        raise CLIError(
            f"--cv {folds}: stratified folds need at least {folds} rows of a class, "
            f"and {held}: {way}",
            EX_USAGE,
        )
    if rows < 2:
        raise CLIError(
            f"--cv {folds}: {held}; the fold that validates on the one row of class "
            f"{names[fewest]!r} would train without that class, so {none}",
            EX_USAGE,
        )
    if folds > rows:
        return (
            f"cross-validation: --cv {folds} makes more folds than the {rows:,} "
            f"rows of class {names[fewest]!r}, so some folds validate on no row of "
            f"it; --cv {rows} or fewer gives every fold one"
        )
    return ""


def _widen(alphas: Any, message: str, mixings: bool = False) -> str:
    """How to go beyond the grid's edge where the best score lies, in the
    CLI's options: the grid is ``alpha_max`` down to ``alpha_max x eps``
    (L2: to C = 1e4 at least), so ``--eps`` reaches weaker penalties; a
    stronger one than ``alpha_max`` only a chosen ``--alpha`` or ``--C``.
    Several ``mixings`` (``--l1-ratios``) share a grid spanning each one's
    ``alpha_max`` and ``alpha_max x eps``, whose ends are then no one
    ``eps``: a smaller ``--eps`` is advised without a bound."""
    grid = f"; the grid has {len(alphas)} strengths (--n-alphas)"
    if len(alphas) == 1:  # alpha_max alone, whatever --eps
        return (
            "; the grid has 1 strength (--n-alphas 1: alpha_max alone, whatever "
            "--eps): to go beyond it, give --n-alphas 2 or more, or fit a chosen "
            "strength with --alpha or --C"
        )
    if "weakest" in message and mixings:
        return (
            f"{grid}, from the largest alpha_max of the --l1-ratios down to the "
            "smallest alpha_max x --eps: to go beyond it, give a smaller --eps, "
            "or fit a chosen strength with --alpha or --C"
        )
    if "weakest" in message:
        ratio = float(alphas[-1] / alphas[0])
        return (
            f"{grid} down to alpha_max x {ratio:.3g}: to go beyond it, give a "
            f"smaller --eps (below {ratio:.3g}), or fit a chosen strength with "
            "--alpha or --C"
        )
    return f"{grid}: to go beyond it, fit a chosen strength with --alpha or --C"


def attach(model: Any, record: dict[str, Any] | None) -> None:
    """Store the CV record on the fitted model (written to the model file)."""
    if record is not None:
        model.cross_validation_ = record


def cv_table(record: dict[str, Any], rows: int = 12) -> Any:
    """A rich table of the CV curve: about ``rows`` strengths, always with the
    best and the 1-SE points; the score named by the record's ``scoring``
    (:func:`logistic.io._cv.score_shown`: log loss for ``fit --cv``)."""
    import numpy as np
    from rich.table import Table

    n = len(record["alphas"])
    marks = {record["best_index"]: "best", record["index_1se"]: "1se"}
    if record["best_index"] == record["index_1se"]:
        marks[record["best_index"]] = "best, 1se"
    picks = set(np.linspace(0, n - 1, min(rows, n)).round().astype(int)) | set(marks)
    omitted = n - len(picks)
    caption = (
        f"{len(picks)} of {n} strengths shown (evenly spaced, with the best and "
        f"1se ones); the {omitted} others are in the model file "
        "(model.cross_validation)"
        if omitted
        else None
    )
    grid = record.get("l1_ratio_grid")
    mixing = "" if grid is None else f", l1_ratio = {record['l1_ratio']:g}"
    score, sign = _score(record)
    table = Table(
        title=f"{record['folds']}-fold cross-validation ({record['penalty']}, "
        f"{score}); chosen: alpha = {record['alpha']:.6g}{mixing} (C = "
        f"{record['C']:.6g}, rule {record['rule']})",
        caption=caption,
    )
    for col in ("alpha", "C", score, "std err", "non-zero", ""):
        table.add_column(col, justify="right" if col else "left")
    for i in sorted(picks):
        table.add_row(
            f"{record['alphas'][i]:.4g}",
            f"{record['Cs'][i]:.4g}",
            f"{sign * record['mean'][i]:.6f}",
            f"{record['std_err'][i]:.2g}",
            f"{record['n_nonzero'][i]:.1f}",
            ("<- " + marks[i]) if i in marks else "",
        )
    return table


def l1_ratio_table(record: dict[str, Any]) -> Any:
    """A rich table of the mixings of ``--l1-ratios`` (None without them):
    each one's best mean score (log loss for ``fit --cv``), its strength and
    standard error, the chosen mixing marked (its whole curve is :func:`cv_table`'s)."""
    grid = record.get("l1_ratio_grid")
    if grid is None:
        return None
    import numpy as np
    from rich.table import Table

    score, sign = _score(record)
    table = Table(title="l1 ratios (each at its best strength)")
    for col in ("l1_ratio", "alpha", score, "std err", "non-zero", ""):
        table.add_column(col, justify="right" if col else "left")
    for i, ratio in enumerate(grid["l1_ratios"]):
        mean = np.asarray(grid["mean"][i])
        best = int(np.argmax(np.where(np.isfinite(mean), mean, -np.inf)))
        table.add_row(
            f"{ratio:g}",
            f"{record['alphas'][best]:.4g}",
            f"{sign * mean[best]:.6f}",
            f"{grid['std_err'][i][best]:.2g}",
            f"{grid['n_nonzero'][i][best]:.1f}",
            "<- chosen" if i == grid["chosen_index"] else "",
        )
    return table


def _score(record: dict[str, Any]) -> tuple[str, float]:
    """The label of the record's score and the sign of its shown values."""
    from ..io._cv import score_shown

    return score_shown(str(record.get("scoring", "neg_log_loss")))


def cv_facts(cv: dict[str, Any]) -> dict[str, Any]:
    """How a model's strength was chosen, for ``summary --json``: the CV
    record's folds, splitter, scoring (and the score's name as the text and
    the report say it), rule and chosen point, and the chosen mixing with
    ``--l1-ratios`` (the curve itself stays in the file)."""
    from ..io._cv import score_shown

    keys = ("folds", "splitter", "scoring", "rule", "alpha", "C", "chosen_index")
    facts = {k: cv[k] for k in keys if k in cv}
    facts["score"] = score_shown(cv["scoring"])[0]
    if "l1_ratio_grid" in cv:  # --l1-ratios: the mixing was chosen too
        facts["l1_ratio"] = cv["l1_ratio"]
        facts["l1_ratios"] = cv["l1_ratio_grid"]["l1_ratios"]
    return facts
