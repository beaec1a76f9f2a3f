"""Rules for the estimator parameters that scikit-learn ≥ 1.8 spells differently.

Convention (owned here): what ``l1_ratio`` and ``random_state`` accept and
mean on :class:`logistic.LogisticRegression`; the penalty strength rules are
:mod:`logistic._penalty`'s.

* ``l1_ratio`` defaults to :data:`L1_RATIO_UNSET` (NaN, "not set"; None says
  the same). A number is what scikit-learn's tooling expects there:
  ``SelectFromModel`` computes ``np.isclose(estimator.l1_ratio, 1.0)`` on any
  estimator named ``LogisticRegression``, which None breaks.
* A set ``l1_ratio`` is the elastic-net mixing of ``penalty="elasticnet"``
  (required there). With another penalty it must say the same as that penalty
  (0 with ``"l2"``, 1 with ``"l1"``); anything else is an error, never ignored:
  scikit-learn ≥ 1.8 reads ``LogisticRegression(l1_ratio=1)`` as L1 with
  ``C=1`` because its ``penalty`` defaults to L2 through ``l1_ratio=0``, while
  ours defaults to None (maximum likelihood), so the same line would silently
  fit another model.
* ``random_state`` also takes a ``numpy.random.RandomState`` (scikit-learn's
  convention); the solvers draw from its bit generator through
  ``numpy.random.default_rng``, so a fit advances it, as in scikit-learn.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ._exceptions import InvalidParameterError

__all__ = [
    "L1_RATIO_UNSET",
    "check_l1_ratio",
    "is_l1_ratio",
    "is_random_state",
    "l1_ratio_is_set",
]

#: ``l1_ratio``'s default: not set (a number, unlike None, for scikit-learn).
L1_RATIO_UNSET = float("nan")


def l1_ratio_is_set(v: Any) -> bool:
    """Whether ``l1_ratio`` was given (neither None nor NaN)."""
    return v is not None and not (isinstance(v, numbers.Real) and math.isnan(v))


def is_l1_ratio(v: Any) -> bool:
    """a float in the range [0, 1]"""  # or NaN: not set, as None
    if v is None:
        return True
    if not isinstance(v, numbers.Real) or isinstance(v, bool):
        return False
    return math.isnan(v) or 0.0 <= float(v) <= 1.0


def is_random_state(v: Any) -> bool:
    """an int ≥ 0, a numpy Generator or RandomState, or None"""
    if v is None or isinstance(v, (np.random.Generator, np.random.RandomState)):
        return True
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and int(v) >= 0


def check_l1_ratio(penalty: str | None, l1_ratio: Any, owner: str) -> None:
    """Raise :class:`InvalidParameterError` when ``l1_ratio`` cannot apply."""
    given = l1_ratio_is_set(l1_ratio)
    if penalty == "elasticnet":
        if not given:
            raise InvalidParameterError(
                f"penalty='elasticnet' needs the 'l1_ratio' parameter of {owner}: "
                f"a number in [0, 1] (0 is L2, 1 is L1). Got l1_ratio="
                f"{l1_ratio!r} instead."
            )
        return
    if not given:
        return
    if (penalty == "l2" and l1_ratio == 0) or (penalty == "l1" and l1_ratio == 1):
        return  # says the same as the penalty
    raise InvalidParameterError(
        f"{owner}: l1_ratio={l1_ratio!r} does not apply with penalty={penalty!r} "
        f"(the elastic-net mixing needs penalty='elasticnet'). scikit-learn >= 1.8 "
        f"reads l1_ratio alone as the penalty (l1_ratio=1: L1, l1_ratio=0: L2, "
        f"with C=1); here penalty defaults to None (maximum likelihood), so say "
        f"penalty='l1', 'l2' or 'elasticnet' (with l1_ratio), or unset l1_ratio."
    )


def binary_only_error(penalty: str | None, solver: str) -> InvalidParameterError:
    """The refusal of K > 2 classes by a binary-only setting (Firth, a solver
    without a multinomial fit), worded so scikit-learn's check of a classifier
    tagged ``multi_class=False`` recognises it."""
    from ._multiclass import not_supported
    from ._multinomial_fit import MULTINOMIAL_SOLVERS

    if penalty == "firth":
        what, remedy = "penalty='firth'", "use penalty='l2', or penalty=None"
    else:
        what = f"solver={solver!r}"
        remedy = f"use one of {list(MULTINOMIAL_SOLVERS)} or solver='auto'"
    return not_supported(
        what, f"Only binary classification is supported with these parameters; {remedy}"
    )
