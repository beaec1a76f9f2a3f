"""The notes and header entry of summaries of separated fits (two-class and
K-class tables, and the command line's), one owner for their words.

Under separation the maximum-likelihood estimate does not exist: the
coefficients along the separating direction diverge (their estimates,
standard errors and Wald tests mean nothing), while the log-likelihood rises
to a finite supremum, so likelihood-ratio statistics stay usable.
"""

from __future__ import annotations

from typing import Any

from .._separation_kinds import SEPARATED_OR_SUSPECTED

__all__ = [
    "NO_FINITE_MLE",
    "margins_separation",
    "separated_margins_warning",
    "separated_lr_note",
    "separated_margins_note",
    "FIRTH",
    "PENALTY",
    "separation_note",
    "separation_remedy",
    "unchecked_note",
    "UNCHECKED_FIRTH",
    "UNCHECKED_PENALTY",
]

#: The "Converged" entry of a fit whose maximum-likelihood estimate does not exist.
NO_FINITE_MLE = "no finite MLE (separation)"


#: The remedy :func:`unchecked_note` gives a two-class fit. Its rows may not
#: be in memory (a streamed, Dask or GPU fit), where Firth's fit is refused
#: (``_estimator_params.refuse_firth_rows``; the command line's ``--stream``
#: refuses ``--penalty firth`` too), so the note says where Firth's fit runs
#: and names the penalty such data do take: L2, finite but shrunk estimates
#: without standard errors.
UNCHECKED_FIRTH = (
    "refit with penalty='firth' with the rows in memory (not for streamed, "
    "Dask or GPU data) or, where they do not fit in memory, with "
    "penalty='l2' (shrunk estimates, without standard errors)"
)

#: The remedy of a K-class fit (no Firth penalty): a norm penalty, which
#: streamed and Dask fits take.
UNCHECKED_PENALTY = (
    "refit with a penalty, e.g. penalty='l2' (shrunk estimates, without "
    "standard errors)"
)


def separation_note(kind: str) -> str:
    """The table's note on a fit of separated data (``kind``: the model's
    ``separation_``, e.g. ``"complete"``, or inference's ``"suspected"``).
    A suspected separation is one the linear program did not check, mostly
    of rows not in memory, where Firth's fit is refused: its remedy is
    :data:`UNCHECKED_FIRTH`, which says where Firth's fit runs."""
    remedy = separation_remedy(kind, "Use penalty='firth'.")
    return (
        f"Separation ({kind}): the MLE does not exist; the coefficients along "
        "the separating direction diverge, and their estimates, standard errors "
        f"and Wald tests are meaningless. {remedy}"
    )


def unchecked_note(remedy: str = UNCHECKED_FIRTH) -> str:
    """The note on an unpenalized fit whose separation check did not run
    (``separation_`` ``"unchecked"``: rows not in memory, or the check's
    linear program out of time) and whose fitted logits raise no suspicion:
    a quasi-separated fit can stop with its diverging coefficient near 20,
    below the fitted-logit rule's 30, where only its standard error shows it.
    ``remedy``: :data:`UNCHECKED_FIRTH` (two classes) or
    :data:`UNCHECKED_PENALTY` (K classes), a remedy the data's fit takes."""
    return (
        "Separation was not checked for this fit (its rows were not in memory, "
        "or the check's linear program ran out of time): a coefficient with a "
        "huge standard error may be diverging along a separating direction, "
        f"where the MLE does not exist. For finite estimates, {remedy}."
    )


def separated_lr_note(
    converged: bool,
    statistics: str = "LR chi2, its p-value and pseudo R-sq.",
    stopped: bool = False,
) -> str:
    """The note on the likelihood-ratio ``statistics`` of a separated MLE fit.

    Under separation the log-likelihood rises to a finite supremum while
    some coefficients diverge, so the fit's log-likelihood, and the
    statistics built from it and LL-null, approach finite limits: the LR
    tests stay usable (Heinze & Schemper 2002), unlike the Wald tests of
    the diverging coefficients. They are evaluated where the fit stopped,
    never above the supremum, so LR chi2 can only be understated there (at
    the default tol, a Newton fit stops with its log-likelihood 3e-9 below
    the supremum on Heinze & Schemper's endometrial data, 1.5e-8 below on
    the K-class iris fit). ``stopped``: the separation stop ended the fit
    (:func:`logistic._separation_stop.stopped_by_separation`), once the
    deviance had settled; a larger ``max_iter`` stops it at the same place,
    so the note does not ask for one (reuters: deviance 40.989 at the stop,
    40.984 where L-BFGS reaches ``tol``)."""
    if stopped:
        where = (
            "once the separation was established and its deviance had settled, "
            "close to that supremum and never above it (the LR statistic can "
            "only be understated; more iterations cannot help)"
        )
    elif converged:
        where = (
            "within its tolerance, close to that supremum and never above it "
            "(the LR statistic can only be understated)"
        )
    else:
        where = (
            "before reaching its tolerance, possibly well below that supremum: "
            "the LR statistic is understated and its p-value too large; refit "
            "with a larger max_iter"
        )
    return (
        f"{statistics} are evaluated where the fit stopped: under separation the "
        "log-likelihood rises to a finite supremum as coefficients diverge, and "
        f"the fit stopped {where}. Likelihood-ratio tests remain usable under "
        "separation (Heinze & Schemper 2002), unlike the Wald tests of the "
        "diverging coefficients."
    )


def separation_remedy(kind: str, remedy: str) -> str:
    """``remedy``, or for a suspected separation of a two-class fit (a
    remedy naming ``penalty='firth'``), one the fit's data take: a suspected
    separation is one the linear program did not check, mostly of rows not
    in memory (streamed, Dask or GPU data), where Firth's fit is refused, so
    it says where Firth's fit runs (:data:`UNCHECKED_FIRTH`). The one choice
    of the table's note, inference's warning and the margins' notes."""
    if kind == "suspected" and "penalty='firth'" in remedy:
        return f"For finite estimates, {UNCHECKED_FIRTH}."
    return remedy


def _margins_effects(remedy: str, predictive: bool = False) -> str:
    if predictive:  # average probabilities converge along the path; SEs do not
        return (
            "the standard errors and tests of these predictive margins are "
            "meaningless (the margins themselves settle as the coefficients "
            "diverge): the delta method is taken at a point on a diverging path, "
            "where the standard errors can be huge or, for a margin whose "
            f"probabilities no longer move, far too small. {remedy}"
        )
    return (
        "these marginal effects, their standard errors and tests are meaningless: "
        "the delta method is taken at a point on a diverging path, where the "
        "standard errors can be huge or, for an effect whose probabilities no "
        "longer move (a discrete change across the separating column), far too "
        f"small. {remedy}"
    )


#: How a "suspected" separation (fitted logits beyond ±30, no LP check) is said.
_SUSPECTED = "(fitted logits beyond ±30): if the MLE does not exist, "


#: The remedy of a two-class fit of separated data; K-class fits (no Firth
#: penalty) are told to use a penalty, as their summary tells them.
FIRTH = "Use penalty='firth'."
PENALTY = "Use a penalty."


def separated_margins_note(
    kind: str, remedy: str = FIRTH, predictive: bool = False
) -> str:
    """The note of marginal effects of a fit of separated data. The effects'
    delta-method standard errors are not always huge as the coefficients'
    are: a discrete change across a separating column has probabilities of
    0 or 1 at both ends, its Jacobian column vanishes, and its standard
    error comes out small with a confident p-value. ``predictive``: of
    predictive margins, whose values settle but standard errors do not."""
    said = _margins_effects(separation_remedy(kind, remedy), predictive)
    if kind == "suspected":
        return f"Separation suspected {_SUSPECTED}{said}"
    return f"Separation ({kind}): the MLE does not exist, so {said}"


def margins_separation(
    results: Any, remedy: str = FIRTH, predictive: bool = False
) -> str | None:
    """The separation of the fit behind marginal effects (``results.separation``
    where its MLE does not exist, else None), warned of with
    :func:`separated_margins_note` as a :class:`PerfectSeparationWarning`."""
    from .._exceptions import PerfectSeparationWarning, warn

    kind = getattr(results, "separation", None)
    if kind not in SEPARATED_OR_SUSPECTED:
        return None
    warn(
        separated_margins_warning(kind, remedy, predictive),
        PerfectSeparationWarning,
    )
    return str(kind)


def separated_margins_warning(
    kind: str, remedy: str = FIRTH, predictive: bool = False
) -> str:
    """The warning of marginal effects (``predictive``: predictive margins) of
    a fit of separated data."""
    said = _margins_effects(separation_remedy(kind, remedy), predictive)
    if kind == "suspected":
        return f"the training data look separated {_SUSPECTED}{said}"
    return (
        f"the training data are separated ({kind}): the MLE does not exist, so "
        f"{said}"
    )
