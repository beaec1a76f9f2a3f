"""``logistic fit``'s checks of its options before and after reading the data:
the penalty strength, ``--class-weight`` (parsed, then keyed by class code),
the columns given a role (target, weights, offset, trials) each given one,
and the ``--C`` / ``--trials`` option types (the ``--cv`` options:
:mod:`logistic.cli._cv_options`; ``--checkpoint``:
:mod:`logistic.cli._checkpoint_options`)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import typer

from ._codes import EX_USAGE, CLIError

__all__ = [
    "InverseStrength",
    "Trials",
    "check_column_roles",
    "check_strength",
    "class_weight_codes",
    "parse_class_weight",
]


#: A formula's left-hand side: one column name (bare or in backquotes), or
#: ``cbind(successes, failures)``.
_LHS_NAME = re.compile(r"^\s*(?:`([^`]+)`|([A-Za-z_][\w.]*))\s*~")
_LHS_CBIND = re.compile(
    r"^\s*cbind\(\s*(?:`([^`]+)`|([A-Za-z_][\w.]*))\s*,"
    r"\s*(?:`([^`]+)`|([A-Za-z_][\w.]*))\s*\)\s*~"
)


def check_column_roles(
    target: str | None,
    formula: str | None,
    weights: str | None,
    offset: str | None,
    trials: str | None,
) -> None:
    """A usage error when one column is given two of the roles target (``-t``
    or the formula's left-hand side), ``--weights``, ``--offset`` and
    ``--trials``: the target as an offset puts the outcome into the linear
    predictor (a log-likelihood of -74 against -108, fitted without a word),
    and the others fail later with messages that do not say why."""
    roles: list[tuple[str, str]] = []
    if target is not None:
        roles.append(("--target", target))
    elif formula is not None:
        found = _LHS_CBIND.match(formula)
        if found:
            roles.append(("the formula's successes", found[1] or found[2]))
            roles.append(("the formula's failures", found[3] or found[4]))
        elif found := _LHS_NAME.match(formula):
            roles.append(("the formula's target", found[1] or found[2]))
    roles += [(o, v) for o, v in (("--weights", weights), ("--offset", offset),
                                  ("--trials", trials)) if v is not None]  # fmt: skip
    for i, (option, column) in enumerate(roles):
        for other, name in roles[:i]:
            if name == column:
                raise CLIError(
                    f"{option} and {other} both name the column {column!r:.80}: "
                    "a column can have one of these roles (target, weights, "
                    "offset, trials); give each its own column",
                    EX_USAGE,
                )


def parse_class_weight(value: str | None) -> Any:
    """``--class-weight``: ``"balanced"``, or ``{key text: weight}`` (the keys
    become class codes once the target is read, :func:`class_weight_codes`)."""
    if value is None:
        return None
    if value == "balanced":
        return "balanced"
    weights: dict[str, float] = {}
    for item in value.split(","):
        key, eq, text = item.partition("=")
        try:
            number = float(text) if eq and key.strip() else None
        except ValueError:
            number = None
        if number is None:
            raise CLIError(_class_weight_form(value, item), EX_USAGE)
        if key.strip() in weights:
            raise CLIError(
                f"--class-weight {value!r} gives class {key.strip()!r} twice; "
                "give each class once",
                EX_USAGE,
            )
        weights[key.strip()] = number
    for key, weight in weights.items():
        if not (math.isfinite(weight) and weight > 0):
            raise CLIError(
                f"--class-weight {key}={weight:g}: a class's weight must be a "
                "finite number > 0 (a class of weight 0 leaves no rows of it to "
                "fit); leave the class out of --class-weight for weight 1",
                EX_USAGE,
            )
    return weights


def _class_weight_form(value: str, item: str) -> str:
    """The refusal of a ``--class-weight`` that is not ``KEY=WEIGHT,...``:
    the item at fault and the forms taken, for two classes and for K (the
    target is not read yet, so its own labels cannot be shown)."""
    key, eq, weight = item.partition("=")
    if not item.strip():
        fault = "an empty item (a stray ',')"
    elif not eq:
        fault = f"{item!r} has no '='"
    elif not key.strip():
        fault = f"{item!r} has no class before '='"
    else:
        fault = f"{weight!r} (in {item!r}) is not a number"
    return (
        f"--class-weight must be 'balanced' or a weight per class, LABEL=W,... "
        f"(keyed by the target's labels: 'Stayed=1,Churned=2' for two classes, "
        f"'setosa=2,versicolor=1,virginica=1' for three, a class left out "
        f"weighing 1; with two classes also by code, '0=W0,1=W1'); got "
        f"{value!r}: {fault}"
    )


def class_weight_codes(weights: Any, label: dict[str, Any] | None) -> Any:
    """``--class-weight`` keyed by the class codes the model is fitted on.

    For more than two classes the keys are the levels of the target, matched
    as ``--reference`` matches its level (as text, else as a number: ``2.0``
    names the level 2 and ``2`` the level 2.0). For two, a key is the target's own label
    (matched as ``--positive`` matches it: ``Churned``, or ``2`` for the
    number 2) or a class code, 0 the negative class and 1 the positive
    (:func:`_binary_codes`)."""
    if not isinstance(weights, dict):
        return weights
    label = label or {}
    levels = label.get("levels")
    if levels is None:
        return _binary_codes(weights, label)
    from .._labels import label_text
    from ..tabular._labels import describe_values, match_value

    shown = [label_text(v) for v in levels]  # 2.0 as 2, as the summary names it
    codes: dict[float, float] = {}
    keys: dict[float, str] = {}
    for key, value in weights.items():
        k = match_value(list(levels), key)
        if k is None:
            # sorted, as classes_ and --reference's refusal list them (the
            # levels' code order puts the reference first)
            listed = describe_values(_sorted_levels(levels), None)
            raise CLIError(
                f"--class-weight {key}={value:g}: {key!r} is not a level of target "
                f"{label.get('column')!r} ({len(levels)} levels: {listed})",
                EX_USAGE,
            )
        if float(k) in keys:  # '2' and '2.0' both name the level 2
            raise CLIError(
                f"--class-weight gives level {shown[k]!r} of target "
                f"{label.get('column')!r} twice ({keys[float(k)]!r} and {key!r}); "
                "give each class once",
                EX_USAGE,
            )
        codes[float(k)], keys[float(k)] = value, key
    return codes


def _sorted_levels(levels: list[Any]) -> Any:
    """A K-class target's levels in sorted order (text as text, numbers as
    numbers: :func:`logistic._labels.class_order`'s order of ``classes_``)."""
    import numpy as np

    return np.sort(np.asarray(levels))


def _as_code(key: str) -> float | None:
    """The class code 0 or 1 that ``key`` spells (``1``, ``1.0``), else None."""
    try:
        code = float(key)
    except ValueError:
        return None
    return code if code in (0.0, 1.0) else None


def _binary_codes(
    weights: dict[str, float], label: dict[str, Any]
) -> dict[float, float]:
    """Two classes: ``{code: weight}``, each key read as a label of the
    target (:func:`~logistic.tabular._labels.match_value`, as ``--positive``)
    and as a class code (0 the negative class, 1 the positive), the keys as a
    whole: all labels but not all codes are labels (``1=..,2=..`` for a
    target of 1/2); all codes but not all labels are codes (``0=..,1=..``);
    keys that are both name the same classes either way, except that a
    target of 0/1 with ``--positive 0`` keeps the codes (their meaning
    before labels were accepted) and that elsewhere a key naming one class
    as a label and the other as a code (``1`` for a target of 1/2 with
    ``--positive 2``) is refused, naming both readings. Keys that name no
    class, mix labels with codes or name one class twice are refused, saying
    which label each code stands for."""
    from ..tabular._labels import match_value

    classes = [label.get("negative"), label.get("positive")]
    known = "negative" in label and "positive" in label  # else codes only
    as_label = {k: match_value(classes, k) if known else None for k in weights}
    as_code = {k: _as_code(k) for k in weights}
    for key, value in weights.items():
        if as_label[key] is None and as_code[key] is None:
            raise CLIError(_not_a_class(key, value, label), EX_USAGE)
    labels = {k: float(c) for k, c in as_label.items() if c is not None}
    codes = {k: c for k, c in as_code.items() if c is not None}
    if len(labels) == len(weights) and len(codes) < len(weights):
        return _unique_classes(labels, weights)
    if len(codes) < len(weights):
        raise CLIError(_mixed_keys(weights, as_label, label), EX_USAGE)
    if len(labels) == len(weights) and not _zero_one(classes):
        for key, value in weights.items():  # both readings: the same classes?
            if labels[key] != codes[key]:
                raise CLIError(_ambiguous(key, value, label), EX_USAGE)
    return _unique_classes(codes, weights)


def _unique_classes(
    code_of: dict[str, float], weights: dict[str, float]
) -> dict[float, float]:
    """``{code: weight}``; two keys naming one class are refused."""
    out: dict[float, float] = {}
    first: dict[float, str] = {}
    for key, value in weights.items():
        code = code_of[key]
        if code in first:
            raise CLIError(
                f"--class-weight {first[code]}={out[code]:g} and {key}={value:g} "
                f"name the same class (code {code:g}); give each class once",
                EX_USAGE,
            )
        first[code], out[code] = key, value
    return out


def _zero_one(classes: list[Any]) -> bool:
    """Whether a target's two labels are 0 and 1 (numbers or their text)."""
    from .._labels import label_text

    return sorted(label_text(c) for c in classes) == ["0", "1"]


def _codes_shown(label: dict[str, Any]) -> str:
    """``0 = the negative class 'Stayed', 1 = the positive class 'Churned'``."""
    from .._labels import label_shown

    if "negative" not in label or "positive" not in label:
        return "0 = the negative class, 1 = the positive class"
    return (
        f"0 = the negative class {label_shown(label['negative'])}, 1 = the "
        f"positive class {label_shown(label['positive'])}"
    )


def _label_keys(label: dict[str, Any]) -> str | None:
    """``Stayed=W0,Churned=W1``: the keys by label, or None where the labels
    are unknown or are 0 and 1 (whose keys are the codes, whichever class is
    positive)."""
    from .._labels import label_text

    if "negative" not in label or "positive" not in label:
        return None
    classes = [label["negative"], label["positive"]]
    if _zero_one(classes):
        return None
    negative, positive = (label_text(c) for c in classes)
    return f"{negative}=W0,{positive}=W1"


def _target(label: dict[str, Any]) -> str:
    """`` 'churn'``: the target column, where known."""
    return f" {label['column']!r}" if label.get("column") else ""


def _not_a_class(key: str, value: float, label: dict[str, Any]) -> str:
    """``--class-weight 2=3: a two-class target ... takes the class codes 0 and
    1 as keys``: the codes and the labels they stand for (a key that names
    neither a label nor a code)."""
    target = f" (target{_target(label)})" if label.get("column") else ""
    by_label = _label_keys(label)
    labels = f", or its labels, {by_label}" if by_label else ""
    return (
        f"--class-weight {key}={value:g}: a two-class target{target} takes the "
        f"class codes 0 and 1 as keys, 0=W0,1=W1{labels} ({_codes_shown(label)}), "
        f"not {key!r}"
    )


def _mixed_keys(
    weights: dict[str, float], as_label: dict[str, int | None], label: dict[str, Any]
) -> str:
    """Keys some of which are only labels and some only codes."""
    text = ",".join(f"{k}={v:g}" for k, v in weights.items())
    code = next(k for k in weights if as_label[k] is None)
    return (
        f"--class-weight {text}: give the classes of target{_target(label)} "
        f"by their labels, {_label_keys(label)}, or by their codes, 0=W0,1=W1, "
        f"not {code!r} as a code beside labels ({_codes_shown(label)})"
    )


def _ambiguous(key: str, value: float, label: dict[str, Any]) -> str:
    """A key that is the label of one class and the code of the other."""
    from .._labels import label_shown
    from ..tabular._labels import match_value

    classes = [label["negative"], label["positive"]]
    k, code = match_value(classes, key), _as_code(key)
    assert k is not None and code is not None
    named = ("negative", "positive")
    return (
        f"--class-weight {key}={value:g}: {key!r} is ambiguous for target"
        f"{_target(label)}: as a label it is the {named[k]} class "
        f"{label_shown(classes[k])}, as a class code the {named[int(code)]} class "
        f"{label_shown(classes[int(code)])}. Give the classes by their labels, "
        f"{_label_keys(label)} (both of them), or by their codes, 0=W0,1=W1 "
        f"({_codes_shown(label)})"
    )


#: ``--C``: scikit-learn's inverse penalty strength.
InverseStrength = Annotated[
    float | None,
    typer.Option(
        "--C",
        metavar="C",
        help="Inverse penalty strength, as scikit-learn's C: alpha = 1/(C x sum of "
        "weights). Give --C or --alpha, not both; a --penalty named without either "
        "uses C = 1.",
    ),
]
#: ``--trials``: grouped binomial data.
Trials = Annotated[
    str | None,
    typer.Option(
        "--trials",
        metavar="COLUMN",
        help="Column of trials per row (grouped binomial data): the target column "
        "then holds the number of successes, 0 <= successes <= trials. Same as the "
        "formula 'cbind(successes, failures) ~ ...'.",
    ),
]


_NO_PENALTY = "(no --penalty was given; the default is no penalty)"


def check_strength(
    alpha: float | None,
    C: float | None,
    penalty: str | None = None,
    l1_ratio: float | None = None,
    mixings: bool = False,
    cv: bool = False,
) -> None:
    """Penalty options that contradict each other or say nothing (exit 2):
    ``--alpha`` and ``--C`` both (they set the same strength); a non-finite
    ``--C`` (``inf`` would silently mean no penalty); ``--penalty elasticnet``
    without ``--l1-ratio`` or (``mixings``) ``--l1-ratios`` (the mix must be
    chosen, as in scikit-learn: a default of 0 would silently be L2);
    ``--l1-ratio`` with any other penalty (it would be ignored); an
    ``--l1-ratio`` outside [0, 1], NaN included (the library's mark of an
    unset ``l1_ratio``); ``--C`` or ``--alpha`` > 0 with no ``--penalty`` or
    ``cv``, said as the default (no penalty), not a ``--penalty none`` never typed."""
    if alpha is not None and C is not None:
        raise CLIError(
            f"--alpha {alpha:g} and --C {C:g} both set the penalty strength "
            "(alpha = 1/(C x sum of weights)); give one of them",
            EX_USAGE,
        )
    if C is not None and not math.isfinite(C):
        raise CLIError(
            f"--C must be a finite number > 0, got {C:g} (for no penalty, leave "
            "out --penalty)",
            EX_USAGE,
        )
    given = [(o, v) for o, v in (("--C", C), ("--alpha", alpha)) if v]  # alpha 0: none
    if penalty is None and not cv and given:
        raise CLIError(
            f"{given[0][0]} {given[0][1]:g} sets a penalty strength, but no --penalty "
            "was given and the default is no penalty (maximum likelihood); add "
            "--penalty l2 (or l1, or elasticnet with --l1-ratio) to penalize, or "
            f"leave out {given[0][0]} for maximum likelihood",
            EX_USAGE,
        )
    if l1_ratio is not None and not 0.0 <= l1_ratio <= 1.0:
        # before the library, which reads NaN as l1_ratio not given
        raise CLIError(
            f"--l1-ratio must be a number from 0 to 1, got {l1_ratio}", EX_USAGE
        )
    if penalty == "elasticnet" and l1_ratio is None and not mixings:
        raise CLIError(
            "--penalty elasticnet needs --l1-ratio R in [0, 1] (the share of L1; "
            "0 is plain l2, 1 is plain l1), or with --cv, --l1-ratios R1,R2,... "
            "to choose it",
            EX_USAGE,
        )
    if l1_ratio is not None and penalty != "elasticnet":
        raise CLIError(
            f"--l1-ratio {l1_ratio:g} applies only with --penalty elasticnet "
            + (f"(got --penalty {penalty})" if penalty else _NO_PENALTY),
            EX_USAGE,
        )
