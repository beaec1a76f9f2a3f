"""``logistic fit``'s cross-validation options (``--cv``, ``--n-alphas``,
``--eps``, ``--cv-rule``, ``--l1-ratios``) and their checks before any data
are read (the cross-validation itself: :mod:`logistic.cli._cv`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ._codes import EX_USAGE, CLIError

__all__ = [
    "CVEps",
    "CVFolds",
    "CVL1Ratios",
    "CVRule",
    "CV_KEYS",
    "NAlphas",
    "check_cv_options",
    "parse_l1_ratios",
]


CVFolds = Annotated[
    int | None,
    typer.Option(
        "--cv",
        metavar="K",
        help="Choose the penalty strength by K-fold cross-validation (stratified, "
        "shuffled with seed 0; log loss): K >= 2. Uses --penalty (default l2), "
        "--l1-ratio (or --l1-ratios) and --n-alphas; not with --alpha or --C.",
    ),
]
NAlphas = Annotated[
    int | None,
    typer.Option(
        "--n-alphas",
        metavar="N",
        help="With --cv: number of strengths tried, from alpha_max (all "
        "coefficients zero) down to alpha_max x --eps. Default 100.",
    ),
]
CVEps = Annotated[
    float | None,
    typer.Option(
        "--eps",
        metavar="RATIO",
        help="With --cv: the grid's smallest strength as a share of the largest "
        "(alpha_min = eps x alpha_max; glmnet's lambda.min.ratio, scikit-learn's "
        "eps), 0 < eps < 1. Default 1e-4 (1e-2 when features > rows; l2 grids "
        "also reach C = 1e4). Smaller reaches weaker penalties.",
    ),
]
CVRule = Annotated[
    str | None,
    typer.Option(
        "--cv-rule",
        metavar="RULE",
        help="With --cv: 'min' (best mean score, default) or '1se' (the largest "
        "strength within one standard error of the best, glmnet's lambda.1se).",
    ),
]

CVL1Ratios = Annotated[
    str | None,
    typer.Option(
        "--l1-ratios",
        metavar="RATIOS",
        help="With --cv and --penalty elasticnet: the elastic-net mixings (L1 "
        "shares in [0, 1], comma-separated, e.g. 0.1,0.5,0.9) cross-validated "
        "with every strength; the pair of the best mean score is chosen (as "
        "scikit-learn's LogisticRegressionCV l1_ratios). Not with --l1-ratio.",
    ),
]

#: The keys ``fit`` adds to its options for this module (removed before the
#: estimator is built).
CV_KEYS = ("cv", "n_alphas", "eps", "cv_rule", "l1_ratios")


def check_cv_options(options: dict[str, Any], in_memory: bool, grouped: bool) -> None:
    """Refuse inconsistent ``--cv`` options before any data are read (exit 2)."""
    cv = options.get("cv")
    if cv is None:
        flags = (
            ("n_alphas", "--n-alphas"), ("eps", "--eps"), ("cv_rule", "--cv-rule"),
            ("l1_ratios", "--l1-ratios"),
        )  # fmt: skip
        for key, flag in flags:
            if options.get(key) is not None:
                raise CLIError(f"{flag} is used only with --cv K", EX_USAGE)
        return
    if cv < 2:
        raise CLIError(f"--cv must be at least 2 folds, got {cv}", EX_USAGE)
    if options.get("n_alphas") is not None and options["n_alphas"] < 1:
        raise CLIError(
            f"--n-alphas must be at least 1, got {options['n_alphas']}", EX_USAGE
        )
    eps = options.get("eps")
    if eps is not None and not 0 < eps < 1:  # NaN too
        raise CLIError(
            f"--eps must be a number between 0 and 1 (exclusive): the smallest "
            f"strength of the grid as a share of the largest, got {eps:g}",
            EX_USAGE,
        )
    if options.get("cv_rule") not in (None, "min", "1se"):
        raise CLIError(
            f"--cv-rule must be 'min' or '1se', got {options['cv_rule']!r}", EX_USAGE
        )
    for key, flag in (("alpha", "--alpha"), ("C", "--C")):
        if options.get(key) is not None:
            raise CLIError(
                f"--cv chooses the penalty strength; do not give {flag} with it",
                EX_USAGE,
            )
    if options.get("penalty") not in (None, "l1", "l2", "elasticnet"):
        raise CLIError(
            f"--cv needs --penalty l1, l2 or elasticnet, got {options['penalty']!r}",
            EX_USAGE,
        )
    if not in_memory:
        raise CLIError(
            "--cv needs the data in memory; it is not available with --stream, "
            "--workers or --scheduler",
            EX_USAGE,
        )
    if grouped:
        raise CLIError(
            "--cv is not available for grouped binomial data (--trials or "
            "cbind() in --formula)",
            EX_USAGE,
        )
    ratios = options.get("l1_ratios")
    if ratios is not None:
        shown = ",".join(f"{r:g}" for r in ratios)
        if options.get("penalty") != "elasticnet":
            raise CLIError(
                f"--l1-ratios {shown} is a grid of elastic-net mixings and applies "
                f"only with --penalty elasticnet (got --penalty "
                f"{options.get('penalty') or 'l2, the default'}); 0 in it is the "
                "l2 penalty, 1 the l1 penalty",
                EX_USAGE,
            )
        if options.get("l1_ratio") is not None:
            raise CLIError(
                f"--l1-ratio {options['l1_ratio']:g} and --l1-ratios {shown} both "
                "given: --l1-ratio fixes the mixing, --l1-ratios cross-validates "
                "several; give one of them",
                EX_USAGE,
            )


def parse_l1_ratios(text: str | None) -> list[float] | None:
    """``--l1-ratios``: comma-separated numbers in [0, 1], at least one, in
    the order given (a usage error, exit 2, naming the item otherwise)."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",")]
    expected = (
        "--l1-ratios must be comma-separated numbers in [0, 1] (the L1 share of "
        "each elastic-net mixing, e.g. 0.1,0.5,0.9)"
    )
    ratios = []
    for i, item in enumerate(items):
        try:
            value = float(item)
        except ValueError:
            what = "empty" if not item else f"{item!r:.40}, not a number"
            raise CLIError(
                f"{expected}; got {text!r:.80}, whose item {i + 1} is {what}",
                EX_USAGE,
            ) from None
        if not 0 <= value <= 1:  # NaN too
            raise CLIError(
                f"{expected}; got {text!r:.80}, whose item {i + 1} is {item}, "
                "outside [0, 1]",
                EX_USAGE,
            )
        ratios.append(value)
    return ratios
