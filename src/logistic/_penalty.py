"""Which penalty strength an estimator's ``penalty``, ``alpha`` and ``C`` mean.

Convention (owned here): the *settings* rules; the arithmetic ``alpha =
1/(C·Σs)`` is :func:`logistic._objective.penalty_strengths`'.

* A norm penalty (``"l2"``, ``"l1"``, ``"elasticnet"``) named with neither
  ``alpha`` nor ``C`` means scikit-learn's default ``C = 1.0`` (:data:`DEFAULT_C`),
  so ``LogisticRegression(penalty="l2")`` minimises what scikit-learn's
  ``LogisticRegression()`` minimises.
* ``alpha = 0`` with a norm penalty is an error (it would silently fit no
  penalty; ``penalty=None`` says that).
* ``alpha`` and ``C`` together are an error (two strengths for one penalty).
* ``alpha`` or ``C`` with ``penalty=None`` or ``"firth"`` is an error: neither
  has a strength. (scikit-learn only warns that it ignores ``C``.) ``alpha=0``
  there is accepted: it says the same as the penalty (model files written
  before ``alpha`` defaulted to None record it), and so is ``C=inf``
  (scikit-learn ≥ 1.8's spelling of no penalty).

The checks run in ``fit`` (``__init__`` stores parameters unchanged, as
scikit-learn requires).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._exceptions import InvalidParameterError

__all__ = ["DEFAULT_C", "NORM_PENALTIES", "penalty_strengths", "resolve_strength"]

#: scikit-learn's default inverse strength, used when a norm penalty is named
#: without ``alpha`` or ``C``.
DEFAULT_C = 1.0
#: Penalties that have a strength.
NORM_PENALTIES = ("l2", "l1", "elasticnet")


def resolve_strength(
    penalty: str | None, alpha: float | None, C: float | None, owner: str
) -> tuple[float, float | None]:
    """``(alpha, C)`` to hand to :meth:`LogisticObjective.from_penalty`.

    Parameters
    ----------
    penalty : {None, "l2", "l1", "elasticnet", "firth"}
    alpha, C : the estimator's settings (None when not set)
    owner : str
        The estimator's name, for messages.

    Returns
    -------
    alpha : float
        The given ``alpha``, or 0.0 when the strength comes from ``C``.
    C : float or None
        The given ``C``, :data:`DEFAULT_C` for a norm penalty without a
        strength, or None when ``alpha`` is used.

    Raises
    ------
    InvalidParameterError
        For the combinations of the module docstring.
    """
    if penalty not in NORM_PENALTIES:
        if alpha == 0:
            alpha = None
        if C == float("inf"):
            C = None
        if alpha is not None or C is not None:
            given = ", ".join(
                f"{k}={v!r}" for k, v in (("alpha", alpha), ("C", C)) if v is not None
            )
            raise InvalidParameterError(
                f"{owner}: penalty={penalty!r} has no strength, but {given} was set; "
                f"use penalty='l2', 'l1' or 'elasticnet' with it, or unset it."
            )
        return 0.0, None
    if alpha is not None and C is not None:
        raise InvalidParameterError(
            f"{owner}: set the penalty strength with alpha or with C, not both "
            f"(got alpha={alpha!r}, C={C!r}; C means alpha = 1/(C·Σs))."
        )
    if alpha is not None:
        if alpha == 0:
            raise InvalidParameterError(
                f"{owner}: alpha=0 with penalty={penalty!r} is no penalty; use "
                f"penalty=None for maximum likelihood, or alpha > 0 (or C)."
            )
        return float(alpha), None
    return 0.0, DEFAULT_C if C is None else float(C)


def penalty_strengths(
    penalty: str | None,
    alpha: float,
    l1_ratio: float | None,
    C: float | None,
    weight_sum: float | Callable[[], float],
) -> tuple[float, float]:
    """``(l1, l2)`` strengths on the mean-loss scale.

    ``C`` (when given) overrides ``alpha`` through ``alpha = 1/(C·Σs)``;
    ``weight_sum`` is Σs or a callable returning it (asked only then). With
    ``penalty=None`` or ``"firth"`` both are 0 (Firth's penalty is the
    solver's, not a norm of w).
    """
    if penalty is None or penalty == "firth":
        return 0.0, 0.0
    if C is None:
        a = float(alpha)
    else:
        total = weight_sum() if callable(weight_sum) else float(weight_sum)
        a = 1.0 / (C * total)
        if not np.isfinite(a):
            raise InvalidParameterError(
                f"C={C!r} is too small: alpha = 1/(C·Σs) = 1/({C!r}·{total:g}) "
                f"overflows. Use a larger C (or alpha directly)."
            )
    # l1_ratio is read for "elasticnet" only (None elsewhere)
    if penalty == "elasticnet":
        if l1_ratio is None:
            raise InvalidParameterError(
                "penalty='elasticnet' needs l1_ratio, a number in [0, 1]; got None"
            )
        ratio = float(l1_ratio)
    else:
        ratio = {"l2": 0.0, "l1": 1.0}[penalty]
    return a * ratio, a * (1.0 - ratio)
