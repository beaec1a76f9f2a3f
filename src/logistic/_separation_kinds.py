"""The verdicts a fit's separation check gives (``separation_``), owned here.

* ``"complete"`` and ``"quasi-complete"`` (:data:`SEPARATION_FOUND`): a linear
  program found a separating direction (two classes :mod:`logistic._separation`,
  K classes :mod:`logistic._multinomial_separation`); without a penalty the
  maximum-likelihood estimate then does not exist (:func:`mle_does_not_exist`).
* ``"suspected"``: inference's rule on fitted logits, for fits the program
  could not check (:func:`logistic.inference._checks.separation`); with the
  two above, :data:`SEPARATED_OR_SUSPECTED`.
* ``"unchecked"`` (the program was not run) and None (no separation, or a
  penalized fit) are neither.
"""

from __future__ import annotations

from typing import Any

from ._fitted_params import fitted_param

__all__ = [
    "SEPARATED_OR_SUSPECTED",
    "SEPARATION_FOUND",
    "UNCHECKED",
    "mle_does_not_exist",
    "separation_unchecked",
]

#: The linear program's two verdicts of separation.
SEPARATION_FOUND = ("complete", "quasi-complete")

#: Those, and the fitted logits' suspicion of one.
SEPARATED_OR_SUSPECTED = (*SEPARATION_FOUND, "suspected")

#: The verdict of a fit whose program did not run.
UNCHECKED = "unchecked"


def mle_does_not_exist(model: Any) -> bool:
    """Whether ``model``'s maximum-likelihood estimate does not exist: its
    ``separation_`` is one of :data:`SEPARATION_FOUND` and no penalty bounds
    the estimates (the ``penalty`` its fit used is None,
    :mod:`logistic._fitted_params`)."""
    return (
        getattr(model, "separation_", None) in SEPARATION_FOUND
        and fitted_param(model, "penalty") is None
    )


def separation_unchecked(model: Any) -> bool:
    """Whether ``model`` is a maximum-likelihood fit (the ``penalty`` its fit
    used None) whose separation check did not run (``separation_``
    :data:`UNCHECKED`): only its fitted logits and standard errors can show
    a separation."""
    return (
        getattr(model, "separation_", None) == UNCHECKED
        and fitted_param(model, "penalty") is None
    )
