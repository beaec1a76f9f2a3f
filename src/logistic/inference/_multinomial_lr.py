"""Likelihood-ratio tests of each term of a multinomial fit (K > 2 classes):
``MultinomialInference.lr_test_terms``, the tests of R's ``car::Anova(type =
3)`` of a ``multinom`` fit, every term against the full model (its default type
II and ``drop1(test = "Chisq")`` are the same only without interactions).

Each term (a factor's one-hot columns together, as ``wald_test_terms``
groups them) is dropped from every equation at once and the model refitted
on the same rows by Newton's method to a tight gradient tolerance: the
statistic ``2 (ℓ_full − ℓ_reduced)`` is ``χ²`` on ``(K − 1) × columns``
degrees of freedom. The refits read the rows the inference read (its
backend, which ``inference(X, y, ...)`` keeps), so they need the training
data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError, NumericalError
from .._separation_kinds import SEPARATION_FOUND, UNCHECKED
from ._hypothesis import LRTestResult, TermTests, chi2_sf, term_columns

__all__ = ["multinomial_lr_terms"]

#: Gradient tolerance of the reduced fits (the statistic differences two
#: log-likelihoods of order n: each must sit at its maximum).
REFIT_TOL = 1e-10


def multinomial_lr_terms(res: Any) -> TermTests[LRTestResult]:
    """``{term: LRTestResult}`` of ``res`` (a ``MultinomialInference``) in
    ``term_names`` order; refused without the training data, for a separated
    fit (its maximum does not exist) and for a robust covariance (the
    statistic assumes the model's own variance, as Stata's ``lrtest``)."""
    backend = getattr(res, "_data", None)
    if backend is None or not hasattr(backend, "X"):
        raise InvalidParameterError(
            "lr_test_terms() refits the model without each term, so it needs the "
            "training data in memory: model.inference(X, y).lr_test_terms() "
            "(with sample_weight, offset as given to fit)"
        )
    separation = _separation(res, backend)
    if separation in SEPARATION_FOUND:
        raise InvalidParameterError(
            f"the data are separated ({separation}): the maximum-likelihood "
            "estimate does not exist, so the likelihood-ratio statistics of its "
            "terms are not defined"
        )
    if res.cov_type != "nonrobust":
        raise InvalidParameterError(
            f"lr_test_terms() with cov_type={res.cov_type!r}: likelihood-ratio "
            "tests use the model's own likelihood, which a robust covariance was "
            "chosen not to trust; wald_test_terms() gives the robust tests"
        )
    K = len(res.classes)
    p = int(backend.n_features)
    tests: dict[str, LRTestResult] = {}
    for term, columns in term_columns(res.term_names).items():
        dropped = set(columns)
        features = [j for j in range(p) if j not in dropped]
        intercept = res.fit_intercept and p not in dropped  # Intercept's index is p
        kept = features + ([p] if intercept else [])  # columns of each equation
        start = res._flat.reshape(K - 1, -1)[:, kept].ravel()
        reduced = _reduced_llf(backend, K, features, intercept, term, start)
        statistic = max(2.0 * (res.llf - reduced), 0.0)
        df = (K - 1) * len(columns)
        tests[term] = LRTestResult(statistic, float(chi2_sf(statistic, df)), df)
    return TermTests(tests)


def _separation(res: Any, backend: Any) -> str | None:
    """The fit's separation verdict; a fit whose check did not run
    (``"unchecked"``: its rows were not in memory, as a fit on a file read
    out of core) is checked on the rows given, which are."""
    if res.separation != UNCHECKED or not backend.capabilities.rows_in_memory:
        return res.separation  # type: ignore[no-any-return]
    from types import SimpleNamespace

    from .._multinomial import MultinomialObjective
    from .._multinomial_separation import check_multinomial_separation

    objective = MultinomialObjective(
        backend, len(res.classes), fit_intercept=res.fit_intercept, reference=True
    )
    fit = SimpleNamespace(coef=res._flat, converged=res.converged)
    return check_multinomial_separation(objective, fit)


def _reduced_llf(
    backend: Any,
    K: int,
    features: list[int],
    intercept: bool,
    term: str,
    start: Any,
) -> float:
    """The maximum log-likelihood of the K-class model on ``backend``'s rows
    with only ``features`` (and the intercepts when ``intercept``), by Newton
    from ``start``: the full fit's coefficients of those columns, closer to
    the reduced maximum than 0 (two or three Newton steps instead of four or
    five, each a pass with the Hessian; the maximum is unique either way)."""
    from .._multinomial import MultinomialObjective
    from .._multinomial_scaled import ScaledMultinomial
    from ..backends.in_memory import InMemory
    from ..solvers import get_solver

    # float64 whatever the data's dtype: a float32 pass cannot reach REFIT_TOL
    X = backend.X[:, features].astype(np.float64, copy=False)
    rows = InMemory(
        X, backend.y, backend.sample_weight, backend.offset, classes=backend.classes_
    )
    objective = MultinomialObjective(rows, K, fit_intercept=intercept, reference=True)
    theta = np.array(start, dtype=np.float64)
    if theta.size:
        solver = get_solver("newton")(tol=REFIT_TOL, max_iter=200)
        result = solver.solve(objective, theta, view=ScaledMultinomial(objective))
        if not result.converged:
            raise NumericalError(
                f"lr_test_terms(): the refit without {term!r} did not converge in "
                "200 Newton iterations (its gradient's max-norm "
                f"{result.grad_max_norm:.3g}); the term's statistic is not defined"
            )
        theta = np.asarray(result.coef, dtype=np.float64)
    # the reference objective is the mean loss, unpenalized
    return -float(objective.value(theta)) * float(objective.weight_sum)
