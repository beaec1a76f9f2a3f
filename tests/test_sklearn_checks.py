"""scikit-learn's estimator checks (RELIABILITY rows marked ``C``).

Every check of ``parametrize_with_checks`` runs on the default estimator and
on one instance per penalty family; a check expected to fail is listed in
``_expected_failed`` with its reason, and xfail is strict,
so an unexplained failure or an unexpected pass fails the suite.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

# scikit-learn warns that the class does not inherit from its BaseEstimator: by
# design (the core package must not import scikit-learn); the protocol
# (get_params/set_params/__sklearn_tags__) is implemented instead.
pytestmark = pytest.mark.filterwarnings("ignore:Estimator LogisticRegression does not")

from logistic import LogisticRegression  # noqa: E402

ESTIMATORS = [
    LogisticRegression(),
    LogisticRegression(penalty="l2", C=1.0),
    LogisticRegression(penalty="l1", C=1.0),
    LogisticRegression(penalty="l1", C=1.0, solver="fista"),
    LogisticRegression(penalty="elasticnet", alpha=0.01, l1_ratio=0.5),
    LogisticRegression(penalty="l2", alpha=0.01, solver="lbfgs"),
    LogisticRegression(
        penalty="l2", C=10.0, class_weight="balanced", solver="newton-cd"
    ),
    # binary-only settings: their tags say multi_class=False
    LogisticRegression(penalty="firth"),
    LogisticRegression(penalty="l2", C=1.0, solver="newton-cd-columns"),
    LogisticRegression(penalty="l1", C=1.0, solver="newton-cd-columns"),
]


_SEPARABLE = (
    "the check's data (three classes) are linearly separable, so the unpenalised "
    "maximum-likelihood estimate does not exist: both fits stop (with a "
    "PerfectSeparationWarning) at different points of the same diverging ray, which "
    "the check's rtol 1e-7 resolves. The same equivalence on data where the MLE "
    "exists is tested in tests/test_invariances.py (binary, unpenalised, to 1e-8) "
    "and tests/test_multinomial.py (weight 2 == a duplicated row)."
)


_FIRTH_WIDE = (
    "the check's X is 15 x 30 (more columns than rows): Firth's penalty "
    "0.5 log det I(beta) needs a full-rank Fisher information, which such a design "
    "cannot give, so both fits refuse it (InvalidParameterError naming the cause). "
    "Frequency weights equal repeated rows for Firth in tests/test_firth.py (sex2, "
    "logistf's reference)."
)


def _expected_failed(estimator: LogisticRegression) -> dict[str, str]:
    if estimator.penalty == "firth":
        return {
            "check_sample_weight_equivalence_on_dense_data": _FIRTH_WIDE,
            "check_sample_weight_equivalence_on_sparse_data": _FIRTH_WIDE,
        }
    if estimator.penalty is None:
        return {
            "check_sample_weight_equivalence_on_dense_data": _SEPARABLE,
            "check_sample_weight_equivalence_on_sparse_data": _SEPARABLE,
        }
    return {}


@parametrize_with_checks(
    ESTIMATORS, expected_failed_checks=_expected_failed, xfail_strict=True
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
