"""The tests of :class:`~logistic.inference.InferenceResults` on its
coefficients: Wald tests of linear restrictions and of terms, linear
combinations, and likelihood-ratio tests against a nested fit or of each
term. A base of the results.

``lr_test_terms`` (owned here) is, per term (the columns
:func:`._hypothesis.term_columns` groups, as ``wald_test_terms``), the
likelihood-ratio test of all its coefficients at 0: the fit refitted with
those columns held at 0 (:func:`._profile.held_lr_statistics`), df their
number. Every term is tested, the intercept included, each against the full
model: R's ``car::Anova(type = 3, test.statistic = "LR")``, and ``drop1(fit,
test = "Chisq")`` for a model without interactions (``drop1`` leaves out a
term contained in an interaction). A Firth fit's refits keep the full
model's penalty (logistf's ``drop1``, ``anova(method = "nested")``). It needs
the training data (one refit per term) and refuses what ``pvalues_lr``
refuses (sampling weights, aliased columns, grouped results).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._typing import FloatArray
from ._hypothesis import (
    LRTestResult,
    TermTests,
    WaldTestResult,
    chi2_sf,
    lr_test,
    term_columns,
    wald_test,
)
from ._same_data import check_same_data

if TYPE_CHECKING:
    from ._contrasts import ContrastResults

__all__ = ["HypothesisMethods"]


class HypothesisMethods:
    """Wald, linear-combination and likelihood-ratio tests of the coefficients."""

    term_names: list[str]
    method: str
    k_params: int
    cov_type: str
    separation: str | None
    _theta: FloatArray
    _perm: Any

    if TYPE_CHECKING:

        @property
        def llf(self) -> float: ...
        @property
        def nobs(self) -> float: ...
        def _params(self) -> FloatArray: ...
        def _cov_display(self) -> FloatArray: ...
        def _points(self, what: str = ...) -> Any: ...
        def _refuse_pseudo(self, what: str) -> None: ...
        def _refuse_scaled(self, what: str) -> None: ...
        @property
        def _centred_covariance(self) -> Any: ...

    def _display_form(self) -> Callable[[FloatArray], FloatArray] | None:
        """``R ↦ R V Rᵀ`` (``R`` in display order) in the centred coordinates
        of a Firth fit far from 0, whose ``V`` summed about 0 cancels
        (:func:`._prediction_interval.sandwich`); None otherwise."""
        from ._prediction_interval import sandwich

        if getattr(self, "_centred_covariance", None) is None:
            return None
        return lambda R: sandwich(self, R, self._perm)

    def wald_test(self, R: Any, q: Any = None) -> WaldTestResult:
        """Wald χ² test of ``R β = q`` (matrix, or text like ``"rank3 = rank4"``).

        See :mod:`logistic.inference._hypothesis` for the syntax and formula;
        uses ``cov_params()`` of this result's ``cov_type``.
        """
        params, names, form = self._params(), self.term_names, self._display_form()
        return wald_test(params, self._cov_display(), R, q, names, form)

    def t_test(self, R: Any, q: Any = None) -> ContrastResults:
        """Each row of ``R β = q`` estimated and tested alone (statsmodels'
        ``t_test``, normal; Stata's ``lincom``): a :class:`ContrastResults`,
        e.g. ``t_test("rank3 - rank4")``; see :mod:`._contrasts`."""
        from ._coef_table import covariance_label
        from ._contrasts import contrasts

        names, cov = self.term_names, covariance_label(self)
        form = self._display_form()
        return contrasts(self._params(), self._cov_display(), R, q, names, cov, form)

    def wald_test_terms(self) -> TermTests[WaldTestResult]:
        """Joint Wald test per term (one-hot levels ``x[T.l]`` together), a
        ``{term: WaldTestResult}``; see :func:`._hypothesis.wald_test_terms`."""
        from ._hypothesis import wald_test_terms

        return wald_test_terms(self._params(), self._cov_display(), self.term_names)

    def lr_test_terms(self) -> TermTests[LRTestResult]:
        """Likelihood-ratio test per term (one-hot levels ``x[T.l]`` together):
        ``2 [ℓ*(β̂) - max_{β_term = 0} ℓ*]`` on χ²(its columns), a ``{term:
        LRTestResult}`` in the order of ``wald_test_terms``; R's ``drop1(fit,
        test = "Chisq")`` for a model without interactions (see the module).
        Needs the training data: one constrained refit per term.
        """
        points = self._points("lr_test_terms() (a constrained refit for each term)")
        from ._profile import held_lr_statistics

        groups = term_columns(self.term_names)
        held = [(term, self._perm[np.asarray(idx)]) for term, idx in groups.items()]
        separated = self.separation is not None
        stats = held_lr_statistics(points, self._theta, held, separated)
        return TermTests(
            {
                term: LRTestResult(float(s), float(chi2_sf(s, len(idx))), len(idx))
                for (term, idx), s in zip(held, stats, strict=True)
            }
        )

    def lr_test(self, other: Any) -> LRTestResult:
        """Likelihood-ratio test against a fit nested in (or nesting) this one;
        Firth fits: logistf's nested ``anova`` (:func:`._profile.nested_firth_lr`)."""
        if not isinstance(other, HypothesisMethods):
            got = type(other).__qualname__
            raise InvalidParameterError(f"lr_test needs inference() results, got {got}")
        for res in (self, other):
            res._refuse_pseudo("lr_test")
            res._refuse_scaled("lr_test")
        if other.method != self.method:
            raise InvalidParameterError(
                f"cannot compare a {self.method} fit with a {other.method} fit"
            )
        check_same_data(self, other)
        if self.method == "Firth":
            from ._profile import nested_firth_lr

            return nested_firth_lr(self, other)
        return lr_test(
            self.llf, self.k_params, other.llf, other.k_params, self.nobs, other.nobs,
            (self.cov_type, other.cov_type), (self.term_names, other.term_names),
        )  # fmt: skip
