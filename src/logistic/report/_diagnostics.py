"""The report's model checks: the Hosmer–Lemeshow test and the influential rows.

Conventions (owned here):

* **Hosmer–Lemeshow** on the report's rows (labels, logits and weights as
  scored), 10 groups by default, by Stata's rule
  (:func:`logistic.inference.hosmer_lemeshow`; groups of fitted probability
  exactly 0 or 1 come with the result's ``note``, shown under the test, not
  as a warning). Its ``df = g - 2`` holds for
  the rows the model was fitted on; on other rows the right reference is
  ``df = g`` (Stata's ``estat gof, outsample``). Whether the rows are the
  training rows is known from the influence check below
  (``InfluenceSection.training``): when they are not, ``df = g`` is the
  headline; when it is unknown (penalized, grouped), both are given. Rows
  weighted by sampling weights (a model fitted with ``--weights-kind
  sampling``) get no test: it counts weights as frequencies, so its
  statistic scales with the weights (:data:`HL_SAMPLING_NOTE`), nor the
  table of influential rows (model-based leverage and Cook's distance).
* **Influential rows** are those of the data the model was fitted on:
  :meth:`InferenceResults.get_influence` of an unpenalized (or Firth) fit on
  the report's rows, checked to be the training rows by
  :func:`logistic.inference.fit_inference`. The table lists the 10 rows
  with the largest Cook's distance, with their leverage and Pearson
  residual, numbered as data rows of the input file (0-based, header not
  counted). When the rows are not the training rows, the model is
  penalized, or the data are grouped counts, the report says why the table
  is absent instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._exceptions import held_back
from .._fitted_params import fitted_param
from .._math import sigmoid

__all__ = [
    "HL_FEW_GROUPS_NOTE",
    "HL_SAMPLING_NOTE",
    "InfluenceSection",
    "hosmer_lemeshow_of",
    "influence_section",
]

#: Rows in the report's table of influential rows.
N_INFLUENTIAL = 10


@dataclass(frozen=True)
class InfluenceSection:
    """The rows of the influence table, or the reason there are none.

    ``training``: True when the rows were checked to be the training rows,
    False when the check found they are not (``mismatch`` says how it shows:
    the gradient at the fitted coefficients is not zero on them, or their
    total weight differs), None when not checked.
    """

    rows: list[dict[str, Any]]
    note: str
    training: bool | None = None
    mismatch: str = ""


#: Why the Hosmer–Lemeshow test is left out when the fitted probabilities
#: take fewer than 3 distinct values (a constant or aliased feature).
HL_FEW_GROUPS_NOTE = (
    "not computed: fewer than 3 groups of distinct fitted probabilities (the "
    "test needs df = groups - 2 >= 1)"
)

#: Why the Hosmer–Lemeshow test is left out for rows weighted by sampling
#: weights (a model file of `logistic fit --weights-kind sampling`).
HL_SAMPLING_NOTE = (
    "not computed: the rows carry sampling weights (the model was fitted with "
    "--weights-kind sampling), and the Hosmer-Lemeshow test counts weights as "
    "frequencies, so its statistic grows with the weights' scale (Stata: estat "
    "gof is not appropriate after svy; Archer and Lemeshow's F-adjusted test is "
    "the survey analogue)"
)


def hosmer_lemeshow_of(
    y: np.ndarray,
    z: np.ndarray,
    sample_weight: np.ndarray | None,
    groups: int = 10,
    name: str = "hl_groups",
) -> Any:
    """The Hosmer–Lemeshow test (``groups`` groups, Stata's rule) of the scored
    rows, or None when fewer than three groups can be formed. Groups of fitted
    probability exactly 0 or 1 give no warning here: the result's ``note``
    says what they mean, and the report prints it beside the test. More
    groups than observations are refused naming ``name``."""
    from .._exceptions import InvalidParameterError, PerfectSeparationWarning
    from ..inference import hosmer_lemeshow
    from ..inference._hl_groups import TooManyGroups

    proba = sigmoid(np.asarray(z, dtype=np.float64))
    try:  # this thread's warning only: the process's filters are every thread's
        with held_back(PerfectSeparationWarning):
            return hosmer_lemeshow(y, proba, sample_weight, groups=groups)
    except TooManyGroups as exc:
        raise exc.named(name) from None
    except InvalidParameterError:  # fewer than three groups (y, proba are valid)
        return None


def influence_section(
    model: Any,
    X: Any,
    y: Any,
    sample_weight: Any = None,
    offset: Any = None,
    row_numbers: Any = None,
    grouped: bool = False,
) -> InfluenceSection:
    """The most influential training rows (by Cook's distance), or a note.

    ``row_numbers`` maps the rows of ``X`` to the input file's data rows
    (default: 0, 1, ...).
    """
    from .._exceptions import DataValidationError
    from ..inference import fit_inference

    if grouped:
        return InfluenceSection(
            [], "not shown: the data are grouped binomial counts (trials), whose "
            "inference holds no per-row quantities"
        )  # fmt: skip
    if fitted_param(model, "penalty") not in (None, "firth"):
        return InfluenceSection(
            [], "not shown: the model is penalized "
            f"(penalty={fitted_param(model, 'penalty')!r}); "
            "leverage and Cook's distance are those of an unpenalized fit"
        )  # fmt: skip
    from ..inference._fit import model_weight_kind

    if sample_weight is not None and model_weight_kind(model) == "sampling":
        return InfluenceSection(
            [], "not shown: the model was fitted with sampling weights, and "
            "leverage and Cook's distance here are those of the model-based "
            "covariance (frequency weights)"
        )  # fmt: skip
    try:  # caveats the summary gives; held back in this thread only
        with held_back(Warning), np.errstate(all="ignore"):
            res = fit_inference(model, X, y, sample_weight, offset)
            frame = res.get_influence().most_influential(N_INFLUENTIAL)
    except DataValidationError as exc:
        from ..inference._checks import NotTrainingDataError

        if not isinstance(exc, NotTrainingDataError):
            return _unusable(exc)
        return InfluenceSection(
            [], "not shown: influence is defined for the rows the model was fitted "
            f"on, and these are not those rows ({exc.detail}; the same rows, "
            "weights and offset as at fit are needed)", training=False,
            mismatch=exc.detail,
        )  # fmt: skip
    except Exception as exc:  # an optional table never stops the report
        return _unusable(exc)
    get = frame.__getitem__  # a DataFrame, or a dict of arrays without pandas
    rows_in_fit = np.asarray(get("row"), dtype=np.int64)
    numbers = (
        rows_in_fit
        if row_numbers is None
        else np.asarray(row_numbers, dtype=np.int64)[rows_in_fit]
    )
    cooks, hat, pearson = (
        np.asarray(get(c), dtype=np.float64)
        for c in ("cooks_d", "hat_diag", "resid_pearson")
    )
    rows = [
        {
            "row": str(int(numbers[i])),
            "Cook's distance": float(cooks[i]),
            "leverage": float(hat[i]),
            "Pearson residual": float(pearson[i]),
        }
        for i in range(numbers.size)
    ]
    return InfluenceSection(
        rows,
        _separated_caveat(model)
        + f"The {len(rows)} rows with the largest Cook's distance among the "
        f"{X.shape[0]} rows the model was fitted on (row: 0-based data row of the "
        "input file). Cook's distance above 4/n, or far above the others, marks a "
        "row that moves the estimates.",
        training=True,
    )


def _separated_caveat(model: Any) -> str:
    """The words before the table of a fit whose MLE does not exist
    (separation, no penalty): its measures are taken where the diverging
    coefficients stopped."""
    from .._separation_kinds import mle_does_not_exist

    if not mle_does_not_exist(model):
        return ""
    return (
        "The fit is separated (no finite MLE): these measures are taken where the "
        "diverging coefficients stopped, so their sizes and the usual cut-offs "
        "below do not apply; refit with penalty='firth' for meaningful ones. "
    )


def _unusable(exc: Exception) -> InfluenceSection:
    reason = str(exc).split("\n")[0] or type(exc).__name__
    return InfluenceSection(
        [], "not shown: influence is defined for the rows the model was fitted "
        f"on, and these rows are not usable as such ({reason})"
    )  # fmt: skip
