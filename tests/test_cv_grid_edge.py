"""``LogisticRegressionCV``'s default L2 grid reaches the optimum, and a best
score at an edge of the grid warns.

Reference: scikit-learn's ``cross_val_score`` of its own
``LogisticRegression`` (newton-cg) on the same folds over a fine grid of ``C``.
On Wells (arsenic) the CV log loss is flat from C ≈ 0.03 up to unpenalized
(0.64883 to 0.64890); the old grid stopped at alpha_max·1e-4 (C = 0.00148,
log loss 0.6555).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="the reference CV losses need scikit-learn")
pd = pytest.importorskip("pandas", reason="Wells.csv is read with pandas")

from sklearn.linear_model import LogisticRegression as SkLogistic  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_score  # noqa: E402

from conftest import data_path, run_cli  # noqa: E402
from logistic import ConvergenceWarning, GridEdgeWarning  # noqa: E402
from logistic.model_selection import LogisticRegressionCV  # noqa: E402


@pytest.fixture(scope="module")
def wells():
    df = pd.read_csv(data_path("wells-arsenic", "Wells.csv"))
    y = (df["switch"] == "yes").to_numpy(dtype=int)
    X = df[["arsenic", "distance", "education"]].to_numpy(dtype=float)
    X = np.column_stack([X, (df["association"] == "yes").to_numpy(dtype=float)])
    return X, y


FOLDS = StratifiedKFold(5, shuffle=True, random_state=0)


def _sk_cv_loss(X, y, C):
    model = SkLogistic(C=C, solver="newton-cg", max_iter=1000, tol=1e-8)
    return -cross_val_score(model, X, y, cv=FOLDS, scoring="neg_log_loss").mean()


def test_default_l2_grid_reaches_the_cv_optimum_on_wells(wells):
    X, y = wells
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("error", GridEdgeWarning)
        cv = LogisticRegressionCV(cv=FOLDS).fit(X, y)
    best_sk = min(_sk_cv_loss(X, y, C) for C in np.logspace(-3, 3, 25))
    chosen = _sk_cv_loss(X, y, cv.C_[0])
    assert chosen <= best_sk + 1e-5, (cv.C_[0], chosen, best_sk)
    # the library's own CV loss at its choice agrees with scikit-learn's
    assert -cv.cv_curve_.mean[cv.best_index_] == pytest.approx(chosen, abs=1e-5)
    # the old lower end, alpha_max·1e-4, is well inside the grid now
    assert cv.Cs_[-1] >= 1e4 * (1 - 1e-9)
    assert cv.C_[0] > 0.01


@pytest.mark.parametrize(
    "grid, side, point, hint",
    [
        ({"alphas": [1.0, 0.5, 0.2]}, "weakest", "(alpha = 0.2)", "alphas reaching lower"),
        ({"Cs": [1e-6, 1e-5]}, "weakest", "(C = 1e-05)", "Cs reaching higher C"),
    ],
)
def test_best_at_an_edge_of_the_grid_warns(wells, grid, side, point, hint):
    # the point is named as the grid was given: a grid of Cs named its edge
    # by alpha, a number the user never wrote
    X, y = wells
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogisticRegressionCV(cv=FOLDS, **grid).fit(X, y)
    messages = [
        str(w.message) for w in caught if issubclass(w.category, GridEdgeWarning)
    ]
    assert any(side in m and point in m and hint in m for m in messages), messages
    # every fit converged: the advice is not a convergence failure, so code
    # that makes ConvergenceWarning an error still fits
    assert not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def test_l1_null_model_at_the_strong_end_does_not_warn():
    # every point at or above alpha_max: all null models, equal scores; the
    # best is the strongest, and stronger strengths give the same model
    rng = np.random.default_rng(0)
    X = 0.01 * rng.standard_normal((200, 5))
    y = rng.integers(0, 2, 200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cv = LogisticRegressionCV(
            penalty="l1", alphas=[30.0, 20.0, 10.0], cv=FOLDS
        ).fit(X, y)
    edge = [w for w in caught if "strength of the grid" in str(w.message)]
    assert cv.best_index_ == 0 and cv.cv_curve_.n_nonzero[0] == 0
    assert not edge


def test_cli_shows_the_edge_warning_with_its_options(capsys, workdir):
    code, out, err = run_cli(
        capsys,
        [
            "fit", data_path("wells-arsenic", "Wells.csv"), "--target", "switch",
            "--drop", "rownames", "--cv", "5", "--n-alphas", "1", "-o", "m.json",
        ],
    )  # fmt: skip
    assert code == 0, err
    text = " ".join((out + err).split())
    assert "weakest penalty strength of the grid" in text
    assert "--n-alphas" in text and "--alpha" in text


def test_an_alpha_of_zero_is_c_inf_without_a_numpy_warning(wells):
    """``alphas`` may hold 0 (no penalty): its ``C`` is inf, as in
    ``PathResult.Cs`` and scikit-learn's ``C=np.inf``, and the fit warns of
    nothing (numpy's divide-by-zero RuntimeWarning stays inside). Its fold
    loss is scikit-learn's unpenalized one on the same folds."""
    X, y = wells
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cv = LogisticRegressionCV(cv=FOLDS, alphas=[0.1, 0.0]).fit(X, y)
    assert cv.alphas_[-1] == 0.0
    assert np.isinf(cv.cv_curve_.Cs[-1]) and np.isinf(cv.Cs_).sum() == 1
    assert -cv.cv_curve_.mean[-1] == pytest.approx(_sk_cv_loss(X, y, np.inf), abs=1e-6)


def test_a_given_alphas_grid_is_widened_by_alphas_not_eps(wells):
    """With alphas given, eps and n_alphas do nothing (they make the default
    sequence), yet the edge warning advised "pass alphas reaching lower or a
    smaller eps (alpha_min/alpha_max)". A given grid's advice is now to pass
    other alphas; the default sequence's still names eps."""
    X, y = wells
    with pytest.warns(GridEdgeWarning) as caught:
        LogisticRegressionCV(cv=FOLDS, alphas=[0.1, 0.05]).fit(X, y)
    text = " ".join(str(w.message) for w in caught)
    assert "weakest penalty strength" in text
    assert text.endswith("widen the grid (pass alphas reaching lower)")
    assert "eps" not in text
    with pytest.warns(GridEdgeWarning, match="or a smaller eps"):
        LogisticRegressionCV(cv=FOLDS, penalty="l1", n_alphas=5, eps=0.5).fit(X, y)
