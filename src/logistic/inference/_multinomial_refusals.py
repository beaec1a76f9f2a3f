"""What a K-class inference refuses: the two-class methods it has no version of.

Convention (owned here): every public method of the two-class
:class:`~logistic.inference.InferenceResults` exists on
:class:`~logistic.inference.MultinomialInference` with the same parameters,
either working or raising :class:`~logistic._multiclass.MultiClassNotSupportedError`
(never ``AttributeError`` or ``TypeError``). The message, from
:func:`refusal`, names the method, says in one line why it is two-class only
and what works instead (:data:`REFUSED`); ``docs/multinomial.md`` lists the
same. The refused methods live in :class:`BinaryOnlyMethods`, a base of
``MultinomialInference``; refused options of shared methods
(``conf_int(method="profile")``) use
:func:`refusal` from there.
"""

from __future__ import annotations

from typing import Any

from .._multiclass import MultiClassNotSupportedError, not_supported

__all__ = ["REFUSED", "BinaryOnlyMethods", "refusal"]

#: ``name: (why, instead)`` of each refused method or option.
REFUSED: dict[str, tuple[str, str]] = {
    "get_prediction()": (
        "its standard errors are those of one linear predictor, and a K-class "
        "prediction is K probabilities from K-1 equations",
        "predict_proba(X) gives every class's probability (without intervals); "
        "for intervals, fit one-vs-rest binary models (y == k) and use their "
        "get_prediction()",
    ),
    "get_influence()": (
        "leverage, Cook's distance and DFBETAS are defined here for one binary "
        "equation, and a K-class row has a (K-1) x (K-1) leverage block",
        "fit one-vs-rest binary models (y == k) and use their get_influence()",
    ),
    "hosmer_lemeshow()": (
        "the test groups the rows by one fitted probability; the multinomial "
        "version (Fagerland, Hosmer and Bofin 2008) is not implemented",
        "fit one-vs-rest binary models (y == k) and use their hosmer_lemeshow(), "
        "or lr_test() against a richer K-class fit",
    ),
    "goodness_of_fit()": (
        "the deviance and Pearson tests need grouped counts, and a K-class fit "
        "has one row per observation, whose deviance tests nothing (as with 0/1 "
        "data)",
        "lr_test() against a richer nested K-class fit (added terms or interactions)",
    ),
    "pvalues_lr()": (
        "each p-value needs a constrained K-class refit per parameter, which is "
        "not implemented",
        "pvalues (Wald) per equation, wald_test_terms() for a term in all "
        "equations, or lr_test() between nested K-class fits without the term",
    ),
    "conf_int(method='profile')": (
        "profile-likelihood intervals need constrained K-class refits, which are "
        "not implemented",
        "use method='wald' (the default)",
    ),
    "odds_ratios(method='profile')": (
        "its intervals are exp of profile-likelihood intervals, which need "
        "constrained K-class refits (not implemented)",
        "use method='wald' (the default): exp of the Wald intervals",
    ),
    "summary(odds_ratios='profile')": (
        "its intervals are exp of profile-likelihood intervals, which need "
        "constrained K-class refits (not implemented)",
        "use odds_ratios=True (Wald intervals)",
    ),
}


def refusal(name: str) -> MultiClassNotSupportedError:
    """The error of the refused ``name`` (a key of :data:`REFUSED`):
    ``multi-class models are not supported by {name} yet; {why}. Instead,
    {instead}``."""
    why, instead = REFUSED[name]
    return not_supported(name, f"{why}. Instead, {instead}")


class BinaryOnlyMethods:
    """The two-class methods a K-class inference refuses (see module)."""

    def get_prediction(self, X: Any = None, offset: Any = None) -> Any:
        """Refused for K classes (:data:`REFUSED`)."""
        raise refusal("get_prediction()")

    def get_influence(self) -> Any:
        """Refused for K classes (:data:`REFUSED`)."""
        raise refusal("get_influence()")

    def hosmer_lemeshow(self, groups: int = 10, method: str = "stata") -> Any:
        """Refused for K classes (:data:`REFUSED`)."""
        raise refusal("hosmer_lemeshow()")

    def goodness_of_fit(self) -> Any:
        """Refused for K classes (:data:`REFUSED`)."""
        raise refusal("goodness_of_fit()")

    def pvalues_lr(self) -> Any:
        """Refused for K classes (:data:`REFUSED`)."""
        raise refusal("pvalues_lr()")

