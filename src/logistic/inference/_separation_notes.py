"""The notes and header entry of summaries of separated fits (two-class and
K-class tables, and the command line's), one owner for their words.

Under separation the maximum-likelihood estimate does not exist: the
coefficients along the separating direction diverge (their estimates,
standard errors and Wald tests mean nothing), while the log-likelihood rises
to a finite supremum, so likelihood-ratio statistics stay usable.
"""

from __future__ import annotations

__all__ = ["NO_FINITE_MLE", "separated_lr_note", "separation_note"]

#: The "Converged" entry of a fit whose maximum-likelihood estimate does not exist.
NO_FINITE_MLE = "no finite MLE (separation)"


def separation_note(kind: str) -> str:
    """The table's note on a fit of separated data (``kind``: the model's
    ``separation_``, e.g. ``"complete"``)."""
    return (
        f"Separation ({kind}): the MLE does not exist; the coefficients along "
        "the separating direction diverge, and their estimates, standard errors "
        "and Wald tests are meaningless. Use penalty='firth'."
    )


def separated_lr_note(
    converged: bool, statistics: str = "LR chi2, its p-value and pseudo R-sq."
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
    the K-class iris fit)."""
    where = (
        "within its tolerance, close to that supremum and never above it "
        "(the LR statistic can only be understated)"
        if converged
        else "before reaching its tolerance, possibly well below that supremum: "
        "the LR statistic is understated and its p-value too large; refit with "
        "a larger max_iter"
    )
    return (
        f"{statistics} are evaluated where the fit stopped: under separation the "
        "log-likelihood rises to a finite supremum as coefficients diverge, and "
        f"the fit stopped {where}. Likelihood-ratio tests remain usable under "
        "separation (Heinze & Schemper 2002), unlike the Wald tests of the "
        "diverging coefficients."
    )
