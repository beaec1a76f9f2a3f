"""``LogisticRegressionCV(penalty="elasticnet", l1_ratios=[...])``: a grid of
L1 mixings cross-validated with the strengths, as scikit-learn's
``LogisticRegressionCV(l1_ratios=...)``.

Reference: scikit-learn 1.9's ``LogisticRegressionCV(solver="saga",
l1_ratios=..., tol=1e-10, max_iter=10000)`` fitted in the test on the same
folds, ``Cs`` and scoring, on the UCLA admissions data (tests/data, the
three predictors standardized). Its saga solves the elastic-net problems to
~1e-10 where a coefficient is non-zero; at the strengths where every
coefficient is zero it stops after 1 to 3 epochs with the intercept still
moving (its stopping rule is the change of all weights, the intercept's
step is damped), so there the reference is the closed form instead: the
intercept of the null model, ``logit`` of the training rows' mean
(scipy.special.logit).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from scipy.special import logit  # noqa: E402
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from conftest import data_path  # noqa: E402
from logistic._exceptions import InvalidParameterError  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402
from test_cv_sklearn_attributes import _assert_same_layout  # noqa: E402

CS = np.array([0.003, 0.01, 0.03, 0.1, 1.0])
RATIOS = np.array([0.1, 0.5, 0.9])
FOLDS = StratifiedKFold(4)


def _ucla():
    d = np.loadtxt(
        data_path("ucla-admissions", "binary.csv"), delimiter=",", skiprows=1
    )
    X = d[:, 1:]
    return (X - X.mean(0)) / X.std(0), d[:, 0]


def _sk(X, y, **kw):
    kw = {
        "Cs": CS, "cv": FOLDS, "scoring": "neg_log_loss", "solver": "saga",
        "tol": 1e-10, "max_iter": 10000, "l1_ratios": RATIOS, "random_state": 0,
        **kw,
    }  # fmt: skip
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", FutureWarning)  # use_legacy_attributes
        return SkCV(**kw).fit(X, y)


def _ours(X, y, **kw):
    kw = {"penalty": "elasticnet", "l1_ratios": RATIOS, "Cs": CS, "cv": FOLDS, **kw}
    return LogisticRegressionCV(**kw).fit(X, y)


def _as_legacy(est, legacy):
    """scores (n_folds, n_Cs, n_ratios) and paths (..., n_dof) of either layout"""
    if legacy:
        return est.scores_[1], est.coefs_paths_[1]
    return est.scores_.transpose(0, 2, 1), est.coefs_paths_[:, :, :, 0].transpose(
        0, 2, 1, 3
    )


@pytest.mark.parametrize("refit", [True, False])
@pytest.mark.parametrize("legacy", [True, False])
def test_grid_of_mixings_equals_sklearn(legacy, refit):
    X, y = _ucla()
    sk = _sk(X, y, use_legacy_attributes=legacy, refit=refit)
    ours = _ours(X, y, use_legacy_attributes=legacy, refit=refit)
    _assert_same_layout(ours, sk)
    sk_scores, sk_paths = _as_legacy(sk, legacy)
    scores, paths = _as_legacy(ours, legacy)
    assert scores.shape == (4, len(CS), len(RATIOS))
    solved = np.any(sk_paths[..., :-1] != 0, axis=-1)  # sklearn's saga converged
    assert solved.sum() > 30 and (~solved).sum() > 5  # both kinds are checked
    np.testing.assert_allclose(scores[solved], sk_scores[solved], rtol=0, atol=1e-8)
    np.testing.assert_allclose(paths[solved], sk_paths[solved], rtol=0, atol=1e-8)
    # the null model where every coefficient is zero: logit of the training mean
    assert not paths[~solved][:, :-1].any()
    null = [logit(y[train].mean()) for train, _ in FOLDS.split(X, y)]
    fold = np.nonzero(~solved)[0]
    np.testing.assert_allclose(paths[~solved][:, -1], np.take(null, fold), atol=1e-9)
    np.testing.assert_allclose(ours.C_, sk.C_, rtol=1e-12)
    np.testing.assert_allclose(ours.l1_ratio_, sk.l1_ratio_, rtol=1e-12)
    np.testing.assert_array_equal(ours.l1_ratios_, RATIOS)
    np.testing.assert_array_equal(ours.Cs_, sk.Cs_)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, rtol=0, atol=1e-8)
    assert np.all(ours.n_iter_ >= 1)
    if not refit:
        # the folds' best pairs differ in C and in mixing here, so the means
        # tell scikit-learn's rule from the best mean score's pair
        best = np.argmax(sk_scores.reshape(4, -1), axis=1)
        c, r = np.unravel_index(best, (len(CS), len(RATIOS)))
        assert len(set(c.tolist())) > 1 and len(set(r.tolist())) > 1


def test_one_standard_error_rule_on_the_chosen_mixing():
    """rule="1se": the mixing of the best mean score, then on its curve the
    largest strength (smallest C) whose mean score is within one standard
    error (std(ddof=1)/√K) of the best, computed here from scikit-learn's
    fold scores."""
    X, y = _ucla()
    sk = _sk(X, y)
    ours = _ours(X, y, rule="1se")
    scores = sk.scores_[1]  # (n_folds, n_Cs increasing, n_ratios)
    mean = scores.mean(axis=0)
    c, r = np.unravel_index(np.argmax(mean), mean.shape)
    se = scores[:, c, r].std(ddof=1) / 2.0
    first = int(np.flatnonzero(mean[:, r] >= mean[c, r] - se)[0])
    assert first < c  # the rule moves the choice here
    assert ours.cv_curve_.l1_ratio == RATIOS[r]
    assert ours.cv_curve_.Cs[ours.index_1se_] == pytest.approx(CS[first], rel=1e-12)
    assert ours.C_[0] == pytest.approx(CS[first], rel=1e-12)
    assert ours.l1_ratio_[0] == RATIOS[r]


def test_shapes_without_intercept_and_with_the_pure_penalties_as_sklearn():
    """l1_ratios holding 0 (L2) and 1 (L1), fit_intercept=False: the shapes
    of scikit-learn's (its fit is cut short: only the layout is compared)."""
    X, y = _ucla()
    ratios = np.array([0.0, 0.5, 1.0])
    for legacy in (True, False):
        ours = _ours(
            X, y, l1_ratios=ratios, fit_intercept=False, use_legacy_attributes=legacy
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # max_iter=20: not converged
            sk = _sk(
                X, y, l1_ratios=ratios, fit_intercept=False, max_iter=20,
                use_legacy_attributes=legacy,
            )  # fmt: skip
        _assert_same_layout(ours, sk)
        assert [c.l1_ratio for c in ours.cv_curves_] == [0.0, 0.5, 1.0]


def test_default_sequence_spans_every_mixings_own():
    """Without Cs or alphas the mixings share one sequence, from the largest
    alpha_max (the smallest L1 share's) down to the smallest alpha_max·eps.
    alpha_max of the L1 share r is glmnet's lambda_max, max_j |x_jᵀ(y − ȳ)|
    / (n·r) (Friedman, Hastie & Tibshirani 2010, section 2.5)."""
    X, y = _ucla()
    gmax = np.max(np.abs(X.T @ (y - y.mean()))) / len(y)
    ours = _ours(X, y, Cs=None, l1_ratios=[1.0, 0.2], n_alphas=12, eps=1e-3)
    np.testing.assert_allclose(ours.alphas_[0], gmax / 0.2, rtol=1e-9)
    np.testing.assert_allclose(ours.alphas_[-1], gmax * 1e-3, rtol=1e-9)
    assert len(ours.alphas_) == 12 and np.all(np.diff(ours.alphas_) < 0)
    np.testing.assert_array_equal(ours.l1_ratios_, [1.0, 0.2])  # order given


@pytest.mark.parametrize(
    "l1_ratios, penalty, match",
    [
        ([], "elasticnet", r"Got \[\], an empty sequence"),
        ([0.5, np.nan], "elasticnet", r"l1_ratios\[1\] is NaN"),
        ((0.2, 1.5), "elasticnet", r"l1_ratios\[1\] is 1.5"),
        ([-0.1], "elasticnet", r"l1_ratios\[0\] is -0.1"),
        (0.5, "elasticnet", r"not a sequence \(for one mixing: l1_ratios=\[0.5\]\)"),
        ("0.5", "elasticnet", "not a sequence"),
        ([[0.1, 0.2]], "elasticnet", r"of shape \(1, 2\)"),
        (["a"], "elasticnet", "something other than numbers"),
        ([0.5], "l2", "penalty='l2' has no mixing to choose"),
        ([0.0, 1.0], "l1", "penalty='l1' has no mixing to choose"),
    ],
)
def test_bad_grids_are_refused_naming_the_item(l1_ratios, penalty, match):
    X, y = _ucla()
    est = LogisticRegressionCV(penalty=penalty, l1_ratios=l1_ratios, Cs=CS, cv=FOLDS)
    with pytest.raises(InvalidParameterError, match=match):
        est.fit(X, y)
