"""``LogisticRegression`` behaviour: fitted state, input kinds, separation,
never-silent warnings, global hygiene (RELIABILITY A04, A07, A08, A10, A12,
A17–A19, A21, N05, N06, N11–N14, N16).

References are independent of the code under test: closed forms (the
intercept-only MLE is the logit of the base rate), the published UCLA R fit,
or a second fit of the same model on transformed input.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from scipy.special import expit, logit

from logistic import (
    ConvergenceWarning,
    LogisticRegression,
    NumericalError,
    PerfectSeparationWarning,
)
from logistic.estimator import NotFittedError
from logistic.solvers import SOLVERS

SMOOTH = sorted(n for n, c in SOLVERS.items() if not c.capabilities.firth)
DETERMINISTIC = [n for n in SMOOTH if not SOLVERS[n].capabilities.stochastic]


def xy(n=200, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < expit(X @ np.linspace(1, -0.5, p) + 0.2)).astype(float)
    return X, y


def test_core_import_does_not_import_sklearn():
    code = (
        "import logistic, sys; logistic.LogisticRegression(); "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_ucla_matches_r_and_records_fit_state():
    from logistic.datasets import load_ucla_admissions

    X, y, _ = load_ucla_admissions()
    m = LogisticRegression().fit(X, y)
    # R glm, as printed by UCLA OARC (dataset README)
    np.testing.assert_allclose(m.intercept_, [-3.989979], atol=1e-6)
    np.testing.assert_allclose(
        m.coef_, [[0.002264, 0.804038, -0.675443, -1.340204, -1.551464]], atol=1e-6
    )
    assert m.coef_.shape == (1, 5) and m.intercept_.shape == (1,)
    assert m.n_iter_.shape == (1,) and m.n_iter_[0] >= 1
    assert m.converged_ and m.solver_ in SOLVERS and m.separation_ is None
    assert m.penalty_l1_ == 0.0 and m.penalty_l2_ == 0.0 and m.tol_ == 1e-10
    assert m.grad_max_norm_ <= m.tol_
    assert [h["iter"] for h in m.history_] == list(range(len(m.history_)))
    assert all({"objective", "grad_max_norm", "step"} <= set(h) for h in m.history_)
    assert m.objective_ == pytest.approx(m.history_[-1]["objective"])
    assert not hasattr(m, "X_") and not any(
        isinstance(v, np.ndarray) and v.shape[:1] == (400,) for v in vars(m).values()
    )  # training data are not stored


# -- A04: tiny inputs ---------------------------------------------------------------
@pytest.mark.parametrize("solver", SMOOTH)
def test_one_feature_fits_with_every_solver(solver):
    X, y = xy(p=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(solver=solver, penalty="l2", alpha=0.01).fit(X, y)
    assert m.coef_.shape == (1, 1) and np.all(np.isfinite(m.coef_))


def test_one_sample_is_an_error():
    with pytest.raises(ValueError, match="one class"):
        LogisticRegression().fit([[1.0, 2.0]], [1])


# -- A07 / A08: features ---------------------------------------------------------------
def test_n_features_mismatch_in_every_method():
    X, y = xy()
    m = LogisticRegression()
    assert not hasattr(m, "n_features_in_")
    m.fit(X, y)
    for method in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
    ):
        with pytest.raises(
            ValueError,
            match="X has 2 features, but LogisticRegression is "
            "expecting 3 features as input",
        ):
            getattr(m, method)(X[:, :2])


def test_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = xy()
    df = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(200) * 7 + 3)
    m = LogisticRegression().fit(df, pd.Series(y, index=df.index))
    np.testing.assert_array_equal(m.feature_names_in_, ["a", "b", "c"])
    np.testing.assert_allclose(m.coef_, LogisticRegression().fit(X, y).coef_)
    with pytest.raises(ValueError, match="feature names should match"):
        m.predict(df[["b", "a", "c"]])
    with pytest.raises(ValueError, match="unseen at fit time"):
        m.predict(df.rename(columns={"a": "z"}))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        m.predict(X)
    plain = LogisticRegression().fit(X, y)
    with pytest.warns(UserWarning, match="fitted without feature names"):
        plain.predict(df)
    assert not hasattr(plain, "feature_names_in_")


def test_polars_and_pyarrow_frames():
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    X, y = xy()
    ref = LogisticRegression().fit(X, y)
    pdf = pl.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2]})
    m = LogisticRegression().fit(pdf, y)
    np.testing.assert_array_equal(m.feature_names_in_, ["a", "b", "c"])
    np.testing.assert_allclose(m.coef_, ref.coef_)
    table = pa.table({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2]})
    np.testing.assert_allclose(
        LogisticRegression().fit(table.to_pandas(), y).coef_, ref.coef_
    )


# -- A10 / A12: array kinds ------------------------------------------------------------
def test_array_kinds_give_identical_fits(tmp_path):
    X, y = xy()
    ref = LogisticRegression().fit(X, y)
    ro = X.copy()
    ro.setflags(write=False)
    mm = np.lib.format.open_memmap(
        tmp_path / "x.npy", mode="w+", dtype=X.dtype, shape=X.shape
    )
    mm[:] = X
    mm.flush()
    mm_ro = np.load(tmp_path / "x.npy", mmap_mode="r")
    wide = np.zeros((200, 6))
    wide[:, ::2] = X

    class ArrayLike:
        def __array__(self, dtype=None, copy=None):
            return X

    for kind in (
        ro,
        mm_ro,
        np.asfortranarray(X),
        wide[:, ::2],
        X.tolist(),
        ArrayLike(),
    ):
        m = LogisticRegression().fit(kind, y.tolist())
        # memory order changes BLAS summation order: equal to rounding (FP64 tol)
        np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(
            m.predict_proba(kind), ref.predict_proba(X), rtol=1e-12, atol=1e-14
        )


def test_inputs_are_not_modified():
    X, y = xy()
    w = np.random.default_rng(1).uniform(0.5, 2, 200)
    o = np.random.default_rng(2).standard_normal(200)
    copies = [a.copy() for a in (X, y, w, o)]
    for solver in SMOOTH:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            LogisticRegression(solver=solver, class_weight="balanced", max_iter=50).fit(
                X, y, sample_weight=w, offset=o
            )
    for a, c in zip((X, y, w, o), copies, strict=True):
        np.testing.assert_array_equal(a, c)


# -- A17 / A18 / A19: API hygiene ------------------------------------------------------
def test_fit_returns_self_and_predict_does_not_mutate():
    X, y = xy()
    m = LogisticRegression(penalty="l2", C=1.0)
    assert m.fit(X, y) is m
    state = {
        k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(m).items()
    }
    m.predict(X), m.predict_proba(X), m.score(X, y), m.decision_function(X)
    assert vars(m).keys() == state.keys()
    assert all(k.endswith("_") for k in set(vars(m)) - set(m.get_params()))
    assert repr(m) == "LogisticRegression(C=1.0, penalty='l2')"


def test_unfitted_raises_not_fitted_error():
    X, _ = xy()
    m = LogisticRegression()
    for method in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
    ):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            getattr(m, method)(X)
    assert issubclass(NotFittedError, ValueError) and issubclass(
        NotFittedError, AttributeError
    )


def test_pipeline_grid_search_and_cross_val_score():
    sk = pytest.importorskip("sklearn")  # noqa: F841
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = xy(n=300)
    est = LogisticRegression(penalty="l2", C=1.0)
    pipe = make_pipeline(StandardScaler(), est).fit(X, y)
    Xs = StandardScaler().fit_transform(X)
    assert pipe.score(X, y) == LogisticRegression(penalty="l2", C=1.0).fit(Xs, y).score(
        Xs, y
    )
    cv = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(est, X, y, cv=cv)
    manual = [
        clone(est).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in cv.split(X)
    ]
    np.testing.assert_allclose(scores, manual)
    gs = GridSearchCV(est, {"C": [0.01, 1.0], "penalty": ["l1", "l2"]}, cv=cv).fit(X, y)
    assert gs.best_params_["penalty"] in ("l1", "l2")
    assert gs.best_estimator_.coef_.shape == (1, 3)


# -- A21: global hygiene ---------------------------------------------------------------
def test_no_global_side_effects_and_thread_safe_predict():
    X, y = xy(n=2000)
    err = np.geterr()
    filters = list(warnings.filters)
    rng_state = np.random.get_state()[1].copy()  # noqa: NPY002
    for solver in SMOOTH:
        LogisticRegression(
            solver=solver,
            penalty="l2",
            alpha=0.01,
            random_state=0,
            max_iter=5 if solver == "sgd" else 1000,
        ).fit(X, y)
    assert np.geterr() == err
    assert list(warnings.filters) == filters
    np.testing.assert_array_equal(np.random.get_state()[1], rng_state)  # noqa: NPY002
    m = LogisticRegression(penalty="l2", alpha=0.01).fit(X, y)
    expected = m.predict_proba(X)
    results = [None] * 8

    def work(i):
        results[i] = m.predict_proba(X)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, expected)


# -- N05 / N14 / N16 -------------------------------------------------------------------
@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_score_equation_calibration_in_the_large(solver):
    X, y = xy(n=1000)
    y[:] = 0
    y[:3] = 1  # extreme imbalance
    m = LogisticRegression(solver=solver, penalty="l2", alpha=1e-3).fit(X, y)
    assert abs(m.predict_proba(X)[:, 1].mean() - y.mean()) < 1e-8


def test_probability_outputs():
    X, y = xy()
    m = LogisticRegression(penalty="l2", alpha=0.01).fit(X, y)
    p, lp, z = m.predict_proba(X), m.predict_log_proba(X), m.decision_function(X)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(p[:, 1], expit(z), rtol=1e-15)
    np.testing.assert_array_equal(m.predict(X), m.classes_[(z > 0).astype(int)])
    np.testing.assert_allclose(lp, np.log(p), rtol=1e-12)
    m.coef_ = np.array([[800.0, 0, 0]])
    m.intercept_ = np.array([0.0])
    lp = m.predict_log_proba(np.array([[-1.0, 0, 0], [1.0, 0, 0]]))
    np.testing.assert_allclose(lp, [[0.0, -800.0], [-800.0, 0.0]], rtol=1e-15, atol=0)


@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_huge_penalty_gives_base_rate(solver):
    X, y = xy()
    m = LogisticRegression(solver=solver, penalty="l2", alpha=1e12).fit(X, y)
    assert np.all(np.abs(m.coef_) < 1e-10)
    assert m.intercept_[0] == pytest.approx(logit(y.mean()), abs=1e-8)


# -- N06: separation -------------------------------------------------------------------
SEPARATED = {
    "complete": (
        np.array([[-2.0], [-1], [1], [2]]),
        [0, 0, 1, 1],
        "Complete separation",
    ),
    "quasi": (
        np.array([[-2.0], [-1], [0], [0], [1], [2]]),
        [0, 0, 0, 1, 1, 1],
        "Quasi-complete separation",
    ),
    "wide": (
        np.random.default_rng(0).standard_normal((5, 8)),
        [0, 1, 0, 1, 1],
        "separation",
    ),
}


@pytest.mark.parametrize("case", sorted(SEPARATED))
@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_separation_is_detected(solver, case):
    X, y, text = SEPARATED[case]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m = LogisticRegression(solver=solver).fit(X, y)
    sep = [w for w in rec if w.category is PerfectSeparationWarning]
    assert len(sep) == 1, [str(w.message) for w in rec]
    msg = str(sep[0].message)
    assert text in msg and "penalty" in msg and "firth" in msg and "z = " in msg
    assert m.separation_ in ("complete", "quasi-complete")
    assert np.all(np.isfinite(m.coef_))
    if case == "complete":  # the returned model still orders the data correctly
        np.testing.assert_array_equal(m.predict(X), y)
    if not m.converged_:
        assert any(w.category is ConvergenceWarning for w in rec)


def test_separation_message_names_the_direction():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 3))
    y = (X[:, 1] - 0.5 * X[:, 2] > 0).astype(int)  # separated by x1 - 0.5 x2
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(X, columns=["noise", "dose", "age"])
    with pytest.warns(PerfectSeparationWarning) as rec:
        LogisticRegression().fit(df, y)
    msg = str(rec[0].message)
    assert "dose" in msg and "age" in msg and "Complete separation" in msg


def test_penalised_fit_on_separated_data_is_quiet():
    X, y, _ = SEPARATED["complete"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = LogisticRegression(penalty="l2", alpha=0.01).fit(X, y)
    assert m.converged_ and m.separation_ is None


def test_non_separated_real_data_has_no_warning():
    from logistic.datasets import load_ucla_admissions

    X, y, _ = load_ucla_admissions()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression(solver="newton").fit(X, y)


def test_firth_penalty_gives_finite_estimates_without_warning():
    if not any(c.capabilities.firth for c in SOLVERS.values()):
        pytest.fail("no solver with the firth capability is registered")
    X, y, _ = SEPARATED["complete"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        m = LogisticRegression(penalty="firth").fit(X, y)
    assert SOLVERS[m.solver_].capabilities.firth
    assert np.all(np.abs(m.coef_) < 10)


# -- N11 / N12 / N13 -------------------------------------------------------------------
@pytest.mark.parametrize("solver", SMOOTH)
def test_max_iter_one_warns_once(solver):
    X, y = xy()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m = LogisticRegression(
            solver=solver, max_iter=1, tol=0.0, penalty="l2", alpha=0.01
        ).fit(X, y)
    conv = [w for w in rec if w.category is ConvergenceWarning]
    assert len(conv) == 1
    msg = str(conv[0].message)
    assert solver in msg and "n_iter=" in msg and "Remedies" in msg
    assert m.n_iter_[0] >= 1 and not m.converged_
    assert m.objective_ <= np.log(2) + 1e-12  # the objective at w = 0, b = 0


@pytest.mark.parametrize("solver", SMOOTH)
def test_nan_gradient_mid_fit_raises_and_keeps_the_old_model(solver, monkeypatch):
    from logistic import _objective

    X, y = xy()
    m = LogisticRegression(solver=solver, penalty="l2", alpha=0.01, max_iter=50).fit(
        X, y
    )
    old = m.coef_.copy()
    original = _objective.LogisticObjective.value_and_gradient
    calls = {"n": 0}

    def poisoned(self, theta):
        calls["n"] += 1
        f, g = original(self, theta)
        if calls["n"] >= 3:
            g = g * np.nan
        return f, g

    original_vgh = _objective.LogisticObjective.value_gradient_hessian

    def poisoned_vgh(self, theta, *args, **kwargs):  # Newton's one pass a step
        calls["n"] += 1
        f, g, H = original_vgh(self, theta, *args, **kwargs)
        if calls["n"] >= 3:
            g = g * np.nan
        return f, g, H

    monkeypatch.setattr(_objective.LogisticObjective, "value_and_gradient", poisoned)
    monkeypatch.setattr(
        _objective.LogisticObjective, "value_gradient_hessian", poisoned_vgh
    )
    with pytest.raises(NumericalError, match=solver) as info:
        m.fit(X, y)
    assert info.value.iteration >= 0
    assert info.value.last_finite_coef is not None
    assert np.all(np.isfinite(info.value.last_finite_coef))
    np.testing.assert_array_equal(m.coef_, old)


@pytest.mark.parametrize("solver", SMOOTH)
def test_determinism(solver):
    X, y = xy()
    kw = dict(solver=solver, penalty="l2", alpha=0.01, random_state=3, max_iter=30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = LogisticRegression(**kw).fit(X, y)
        b = LogisticRegression(**kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)


def test_warm_start():
    X, y = xy(n=2000)
    cold = LogisticRegression(solver="gd", penalty="l2", alpha=1e-3).fit(X, y)
    m = LogisticRegression(solver="gd", penalty="l2", alpha=1e-3, warm_start=True)
    m.fit(X, y)
    n_first = m.n_iter_[0]
    m.fit(X, y)
    assert m.n_iter_[0] <= 1 < n_first  # already at the optimum
    np.testing.assert_allclose(m.coef_, cold.coef_, atol=1e-8)
    m.set_params(warm_start=False).fit(X, y)
    assert m.n_iter_[0] == n_first  # no warm start: the same path as a cold fit


def test_verbose_prints_iterations(capsys):
    X, y = xy()
    LogisticRegression(solver="newton", verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "[newton]" in out and "grad_max_norm=" in out


# -- N07 / N08: collinear, duplicated, constant and all-zero columns ---------------
@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_collinear_and_constant_columns(solver):
    X, y = xy(n=300)
    a = LogisticRegression(solver=solver).fit(X, y)
    Xdup = np.column_stack([X, X[:, 0], 2 * X[:, 1]])  # [x, x] and [x, 2x]
    Xconst = np.column_stack([X, np.zeros(300), np.ones(300)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Newton's damping is warned (N07)
        b = LogisticRegression(solver=solver).fit(Xdup, y)
        c = LogisticRegression(solver=solver).fit(Xconst, y)
    for m, Xm in ((b, Xdup), (c, Xconst)):
        assert m.converged_ and np.all(np.isfinite(m.coef_))
        np.testing.assert_allclose(
            m.decision_function(Xm), a.decision_function(X), atol=1e-6
        )
        assert m.objective_ == pytest.approx(a.objective_, rel=1e-12)
    assert c.coef_[0, 3] == 0.0  # an all-zero column gets no weight


def test_separation_lp_is_skipped_when_curvature_certifies_the_mle(monkeypatch):
    # A converged fit with some margins > 20 but every direction well curved is not
    # separated: the LP (the costly part of an unpenalised fit) must not run.
    import logistic._separation as sep

    rng = np.random.default_rng(5)
    X = rng.standard_normal((3000, 3))
    X[:5, 0] = 40.0  # a few extreme but non-separating rows
    y = (rng.random(3000) < 1 / (1 + np.exp(-(0.6 * X[:, 0] + X[:, 1])))).astype(float)
    y[:5] = 1.0

    def no_lp(*args, **kwargs):
        raise AssertionError("the separation LP ran")

    monkeypatch.setattr(sep, "lp_report", no_lp)
    m = LogisticRegression().fit(X, y)
    assert m.converged_ and m.separation_ is None


# -- the one fit path: callback, offset in predictions, data kinds -------------------
@pytest.mark.parametrize("solver", DETERMINISTIC)
def test_callback_sees_every_history_entry(solver):
    X, y = xy()
    seen = []
    m = LogisticRegression(solver=solver, penalty="l2", C=1.0).fit(
        X, y, callback=seen.append
    )
    assert seen and [e["iter"] for e in seen] == [h["iter"] for h in m.history_]


def test_offset_in_predictions_matches_the_fit():
    X, y = xy(seed=3)
    off = np.random.default_rng(3).standard_normal(X.shape[0])
    m = LogisticRegression().fit(X, y, offset=off)
    z = m.decision_function(X, offset=off)
    np.testing.assert_array_equal(z, m.decision_function(X) + off)
    np.testing.assert_allclose(m.predict_proba(X, offset=off)[:, 1], expit(z))
    np.testing.assert_allclose(
        m.predict_log_proba(X, offset=off), np.log(m.predict_proba(X, offset=off))
    )
    np.testing.assert_array_equal(m.predict(X, offset=off), (z > 0).astype(float))
    # the fitted offset model satisfies the score equation with its own offset
    p = m.predict_proba(X, offset=off)[:, 1]
    assert abs(np.mean(p - y)) < 1e-8
    with pytest.raises(ValueError, match="offset"):
        m.decision_function(X, offset=off[:-1])
    m.intercept_ = np.array([1.7e308])  # finite logits, beyond range with offset
    assert np.all(np.isfinite(m.decision_function(X[:1])))
    with pytest.raises(NumericalError, match=r"X w \+ b \+ offset of row 0"):
        m.decision_function(X[:1], offset=[1.7e308])


def test_every_kind_of_data_takes_the_same_path():
    """Arrays, a block callable and an in-memory backend give the same fit; an
    unpenalised fit whose rows are not in memory is "unchecked" for separation."""
    from logistic.backends import InMemory

    X, y = xy(seed=5)
    a = LogisticRegression(solver="newton").fit(X, y)
    b = LogisticRegression(solver="newton").fit(lambda: [(X, y)], None)
    c = LogisticRegression(solver="newton").fit(InMemory(X, y), None)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-12)
    np.testing.assert_array_equal(c.coef_, a.coef_)
    assert a.separation_ is None and c.separation_ is None
    assert b.separation_ == "unchecked"


def test_class_weight_needs_rows_in_memory():
    X, y = xy()
    with pytest.raises(ValueError, match="class_weight.*out-of-core"):
        LogisticRegression(class_weight="balanced").fit(lambda: [(X, y)], None)


def test_balanced_weights_of_a_subnormal_class_total_are_an_error():
    X, y = xy(n=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(
            ValueError, match="class 1 has total sample_weight 2.2e-313"
        ):
            LogisticRegression(class_weight="balanced").fit(
                X, [0, 1, 0], sample_weight=[1.0, 2.2e-313, 0.0]
            )
