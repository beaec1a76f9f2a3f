"""The check of the estimator's parameters, and the rules for those that
scikit-learn ≥ 1.8 spells differently.

Convention (owned here): :func:`validate_estimator_params` is the one check
of :class:`logistic.LogisticRegression`'s parameters that ``fit`` and
``partial_fit`` start with (the declared ``_parameter_constraints``, once per
set of values, :func:`logistic._fit_steps.validate_once`; the solver's name
against the registry; a solver for Firth; ``l1_ratio``; the penalty strength,
whose rules are :mod:`logistic._penalty`'s); and what ``l1_ratio`` and
``random_state`` accept and mean:

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

from ._constraints import is_random_state
from ._exceptions import InvalidParameterError, link_sklearn_warnings
from ._fit_steps import validate_once
from ._penalty import resolve_strength
from .solvers import SOLVERS

__all__ = [
    "L1_RATIO_UNSET",
    "binary_only_error",
    "check_l1_ratio",
    "is_l1_ratio",
    "is_random_state",
    "l1_ratio_is_set",
    "refuse_firth_rows",
    "validate_estimator_params",
]

#: ``l1_ratio``'s default: not set (a number, unlike None, for scikit-learn).
L1_RATIO_UNSET = float("nan")


def l1_ratio_is_set(v: Any) -> bool:
    """Whether ``l1_ratio`` was given (neither None nor NaN; an integer is
    never NaN, and ``math.isnan`` of one beyond float64 would raise)."""
    return v is not None and not (
        isinstance(v, numbers.Real)
        and not isinstance(v, numbers.Integral)
        and math.isnan(v)
    )


def is_l1_ratio(v: Any) -> bool:
    """a float in the range [0, 1]"""  # or NaN: not set, as None
    if v is None:
        return True
    if not isinstance(v, numbers.Real) or isinstance(v, bool):
        return False
    if isinstance(v, numbers.Integral):  # compared as it is: 10**400 is no float
        return int(v) in (0, 1)
    return math.isnan(v) or 0.0 <= float(v) <= 1.0


def check_l1_ratio(penalty: str | None, l1_ratio: Any, owner: str) -> None:
    """Raise :class:`InvalidParameterError` when ``l1_ratio`` cannot apply."""
    given = l1_ratio_is_set(l1_ratio)
    if penalty == "elasticnet":
        if not given:  # None, or NaN: the unset marker, not shown
            raise InvalidParameterError(
                f"penalty='elasticnet' needs the 'l1_ratio' parameter of {owner}: "
                "a number in [0, 1] (0 is L2, 1 is L1); l1_ratio is not set."
            )
        return
    if not given:
        return
    if (penalty == "l2" and l1_ratio == 0) or (penalty == "l1" and l1_ratio == 1):
        return  # says the same as the penalty
    if penalty is None:
        why = (
            "scikit-learn >= 1.8 reads l1_ratio alone as the penalty (l1_ratio=1: "
            "L1, l1_ratio=0: L2, with C=1); here penalty defaults to None (maximum "
            "likelihood), so say penalty='l1', 'l2' or 'elasticnet' (with "
            "l1_ratio), or unset l1_ratio."
        )
    else:
        meant = "L2" if l1_ratio == 0 else ("L1" if l1_ratio == 1 else "a mix")
        asked = {"l1": "L1", "l2": "L2", "firth": "Firth's bias reduction"}
        why = (
            f"l1_ratio={l1_ratio!r} asks for {meant}, penalty={penalty!r} for "
            f"{asked.get(penalty, penalty)}: unset l1_ratio (or say "
            "penalty='elasticnet' for a mix)."
        )
        if l1_ratio == 0:  # scikit-learn's default, copied from its get_params()
            why += (
                " scikit-learn's get_params() holds l1_ratio=0.0 whatever the "
                "penalty."
            )
    raise InvalidParameterError(
        f"{owner}: l1_ratio={l1_ratio!r} does not apply with penalty={penalty!r} "
        f"(the elastic-net mixing needs penalty='elasticnet'). {why}"
    )


def validate_estimator_params(est: Any) -> None:
    """Raise :class:`InvalidParameterError` naming the first parameter of
    ``est`` (a :class:`logistic.LogisticRegression`) that is not allowed;
    the messages name the estimator's class."""
    name = type(est).__name__
    link_sklearn_warnings()  # scikit-learn's filters apply to our warnings
    # the constrained parameters only (validate_params reads no other):
    # get_params would read the signature of __init__ at every fit
    constraints = est._parameter_constraints
    params = {key: getattr(est, key) for key in constraints}
    validate_once(name, params, constraints)
    if est.solver != "auto" and est.solver not in SOLVERS:
        raise InvalidParameterError(
            f"The 'solver' parameter of {name} must be 'auto' or one of the "
            f"registered solvers {sorted(SOLVERS)}. Got {est.solver!r} instead."
        )
    if est.penalty == "firth" and not any(
        c.capabilities.firth for c in SOLVERS.values()
    ):
        raise InvalidParameterError(
            f"penalty='firth' needs a solver with the 'firth' capability, but none "
            f"is registered (registered: {sorted(SOLVERS)}). Use penalty='l2' "
            f"instead, or install a version of logistic with Firth."
        )
    check_l1_ratio(est.penalty, est.l1_ratio, name)
    resolve_strength(est.penalty, est.alpha, est.C, name)
    from ._firth_correction import check_firth_correction

    check_firth_correction(est, name)


def refuse_firth_rows(penalty: str | None, backend: Any) -> None:
    """Refuse Firth's fit of data whose rows are not in host memory."""
    if penalty == "firth" and not backend.capabilities.rows_in_memory:
        raise InvalidParameterError(
            "penalty='firth' needs the rows in host memory (numpy or scipy "
            "arrays); it is not available for out-of-core, Dask or GPU (array "
            "API) data: convert a GPU array first (e.g. X.cpu().numpy())"
        )


def binary_only_error(penalty: str | None, solver: str) -> InvalidParameterError:
    """The refusal of K > 2 classes by a binary-only setting (Firth, a solver
    without a multinomial fit): one sentence, ``Only binary classification is
    supported with penalty='firth' so far; for more than two classes use ...``,
    worded so scikit-learn's check of a classifier tagged
    ``multi_class=False`` recognises it (a
    :class:`~logistic._multiclass.MultiClassNotSupportedError`)."""
    from ._multiclass import binary_only
    from ._multinomial_fit import MULTINOMIAL_SOLVERS

    if penalty == "firth":
        what, remedy = "penalty='firth'", "use penalty='l2' or penalty=None"
    else:
        what = f"solver={solver!r}"
        remedy = f"use one of {list(MULTINOMIAL_SOLVERS)} or solver='auto'"
    return binary_only(what, remedy)
