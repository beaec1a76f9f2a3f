"""The report's model checks: the Hosmer–Lemeshow test and the influential rows.

Conventions (owned here):

* **Hosmer–Lemeshow** on the report's rows (labels, logits and weights as
  scored), 10 groups by Stata's rule
  (:func:`logistic.inference.hosmer_lemeshow`). Its ``df = g - 2`` holds for
  the rows the model was fitted on; for other rows the section also gives
  the p-value on ``df = g`` (Stata's ``estat gof, outsample``).
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

from .._math import sigmoid

__all__ = ["InfluenceSection", "hosmer_lemeshow_of", "influence_section"]

#: Rows in the report's table of influential rows.
N_INFLUENTIAL = 10


@dataclass(frozen=True)
class InfluenceSection:
    """The rows of the influence table, or the reason there are none."""

    rows: list[dict[str, Any]]
    note: str


def hosmer_lemeshow_of(
    y: np.ndarray, z: np.ndarray, sample_weight: np.ndarray | None
) -> Any:
    """The Hosmer–Lemeshow test (10 groups, Stata's rule) of the scored rows,
    or None when fewer than three groups can be formed."""
    from ..inference import hosmer_lemeshow

    proba = sigmoid(np.asarray(z, dtype=np.float64))
    result = hosmer_lemeshow(y, proba, sample_weight, groups=10)
    return result if result.groups >= 3 else None


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
    from ..inference import fit_inference

    if grouped:
        return InfluenceSection(
            [], "not shown: the data are grouped binomial counts (trials), whose "
            "inference holds no per-row quantities"
        )  # fmt: skip
    if getattr(model, "penalty", None) not in (None, "firth"):
        return InfluenceSection(
            [], f"not shown: the model is penalized (penalty={model.penalty!r}); "
            "leverage and Cook's distance are those of an unpenalized fit"
        )  # fmt: skip
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_inference(model, X, y, sample_weight, offset)
            frame = res.get_influence().most_influential(N_INFLUENTIAL)
    except Exception as exc:  # an optional table never stops the report
        reason = str(exc).split("\n")[0] or type(exc).__name__
        return InfluenceSection(
            [], "not shown: influence is defined for the rows the model was fitted "
            f"on, and these rows are not usable as such ({reason})"
        )  # fmt: skip
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
        f"The {len(rows)} rows with the largest Cook's distance among the "
        f"{X.shape[0]} rows the model was fitted on (row: 0-based data row of the "
        "input file). Cook's distance above 4/n, or far above the others, marks a "
        "row that moves the estimates.",
    )
