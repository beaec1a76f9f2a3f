"""Numerical reliability (RELIABILITY decision 10, issue 10 items 2, 5, 6, 7, 9).

* Scale never decides: a column in units of 1e-8 or 1e8 is standardized like
  any other, so every registered solver reaches the same optimum; multiplying
  a column by a power of two changes the coefficients by the inverse power,
  bit for bit. A column is constant only when its values are equal.
* No fit that stopped short reports ``converged_=True``, and its
  ConvergenceWarning names the likely cause and the remedies.
* Weights are checked after class weights are applied.
* Probabilities are finite for every finite input; a logit beyond float64 is
  an error naming the row, never a silent class.
* Extreme values, infinite penalties, ragged lists, missing labels and
  missing values in extension columns give our errors, naming what is wrong
  and where, and no numpy RuntimeWarning.
* SGD's default tolerance is reachable; FISTA does not stop far above its
  floating-point floor.

References are independent of the library's scaling: the fit of the same
solver on the unscaled column, whose coefficient relates to the scaled one
exactly (``coef_scaled = coef / 1e-8``), Newton's fit on the unscaled data
and, where installed, statsmodels' ``Logit``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit

import logistic.solvers
from logistic import (
    ConvergenceWarning,
    DataValidationError,
    InvalidParameterError,
    LogisticRegression,
    NumericalError,
    NumericalStabilityWarning,
)
from logistic._objective import LogisticObjective
from logistic.solvers import SOLVERS

ALL = sorted(SOLVERS)
STOCHASTIC = {n for n in ALL if SOLVERS[n].capabilities.stochastic}


def _kw(name):
    """Parameters that make ``name`` applicable: Firth solvers need Firth."""
    return {"penalty": "firth"} if SOLVERS[name].capabilities.firth else {}


def _data(seed=0, n=500):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    y = (rng.random(n) < expit(0.5 + 2.0 * X[:, 0] - 1.0 * X[:, 1])).astype(int)
    return X, y


def _fit(name, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(solver=name, random_state=0, **_kw(name), **kw).fit(
            X, y
        )


# -- item 2: tiny and huge units ------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_tiny_unit_column_gives_the_rescaled_coefficient(name):
    X, y = _data()
    Xt = X * [1e-8, 1.0]
    ref = _fit(name, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(solver=name, random_state=0, **_kw(name)).fit(Xt, y)
    assert m.converged_ and ref.converged_
    # the exact relation coef_scaled = coef / 1e-8, solver against itself
    np.testing.assert_allclose(m.coef_ * [1e-8, 1.0], ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(m.intercept_, ref.intercept_, rtol=1e-6)
    if name not in STOCHASTIC and not SOLVERS[name].capabilities.firth:
        newton = _fit("newton", X, y)
        np.testing.assert_allclose(m.coef_ * [1e-8, 1.0], newton.coef_, rtol=1e-7)


@pytest.mark.parametrize("name", ALL)
def test_mixed_1e8_and_1e_minus_8_columns(name):
    X, y = _data(seed=1)
    f = np.array([1e-8, 1e8])
    ref = _fit(name, X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(solver=name, random_state=0, **_kw(name)).fit(X * f, y)
    assert m.converged_
    np.testing.assert_allclose(m.coef_ * f, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(m.predict_proba(X * f), ref.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("name", ALL)
def test_power_of_two_units_change_nothing_bit_for_bit(name):
    # x·2^k is an exact change of units: the fit must be the same, bit for bit
    X, y = _data(seed=2, n=300)
    f = np.array([2.0**-30, 2.0**30])
    a, b = _fit(name, X, y), _fit(name, X * f, y)
    assert np.array_equal(b.coef_ * f, a.coef_)
    assert np.array_equal(b.intercept_, a.intercept_)
    assert a.n_iter_[0] == b.n_iter_[0] and a.converged_ == b.converged_


def test_tiny_unit_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _data(seed=3)
    Xt = X * [1e-8, 1.0]
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12, maxiter=100)
    for name in ("lbfgs", "newton", "newton-cg", "gd"):
        m = LogisticRegression(solver=name).fit(Xt, y)
        np.testing.assert_allclose(
            m.coef_.ravel() * [1e-8, 1.0], ref.params[1:], rtol=1e-6
        )


def test_auto_on_wide_data_with_tiny_unit_columns():
    rng = np.random.default_rng(0)
    n, p = 5000, 400
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < expit(X @ (0.1 * rng.standard_normal(p)))).astype(int)
    Xt = X.copy()
    Xt[:, ::4] *= 1e-8
    ref = LogisticRegression().fit(X, y)
    m = LogisticRegression().fit(Xt, y)
    assert m.converged_
    assert np.max(np.abs(m.predict_proba(Xt) - ref.predict_proba(X))) < 1e-6


@pytest.mark.parametrize("name", ALL)
def test_converged_means_the_scale_free_gradient_is_below_tol(name):
    # computed from scratch: the gradient with respect to the coefficients of
    # the standardized features (x_j - mean_j) / std_j and the intercept, on
    # data with 1e-8 and 1e8 columns
    X, y = _data(seed=4)
    X = X * [1e-8, 1e8]
    m = _fit(name, X, y, max_iter=3 if name in STOCHASTIC else 1000)
    if not m.converged_ or SOLVERS[name].capabilities.firth:
        return
    z = X @ m.coef_.ravel() + m.intercept_[0]
    r = expit(z) - y
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    g = np.r_[Xs.T @ r / len(y), r.mean()]
    assert np.max(np.abs(g)) <= 1.01 * m.tol_


@pytest.mark.parametrize("name", ALL)
def test_a_fit_stopped_early_is_not_converged(name):
    X, y = _data(seed=5)
    X = X * [1e-8, 1.0]
    with pytest.warns(ConvergenceWarning, match="Likely cause: .*Remedies"):
        m = LogisticRegression(solver=name, max_iter=1, tol=0.0, **_kw(name)).fit(X, y)
    assert not m.converged_


def test_constant_means_equal_values_whatever_the_scale():
    rng = np.random.default_rng(6)
    n = 50
    eps = np.finfo(float).eps
    cols = [
        np.full(n, 1e-300),  # constant, tiny
        np.full(n, 3e300),  # constant, huge
        np.where(np.arange(n) % 2 == 0, 1.0, 1.0 + eps),  # differs in the last bit
        1e-200 * rng.standard_normal(n),  # varies on a tiny scale
        1e8 + 1e-6 * rng.standard_normal(n),  # varies far from zero
    ]
    X = np.column_stack(cols)
    obj = LogisticObjective.from_arrays(X, (rng.random(n) < 0.5).astype(float))
    mean, std = obj.column_moments()
    assert std[0] == 0 and std[1] == 0
    assert mean[0] == 1e-300 and mean[1] == 3e300
    assert np.all(std[2:] > 0)
    np.testing.assert_allclose(std[3], np.std(cols[3] * 1e200) * 1e-200, rtol=1e-12)
    np.testing.assert_allclose(std[4], np.std(cols[4] - 1e8), rtol=1e-6)


def test_moments_are_exact_under_power_of_two_units_and_blocking():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((3000, 3)) * [1.0, 1e5, 1e-5] + [0.0, 3e7, 1.0]
    y = (rng.random(3000) < 0.5).astype(float)
    mean, std = LogisticObjective.from_arrays(X, y).column_moments()
    m2, s2 = LogisticObjective.from_arrays(X * 2.0**40, y).column_moments()
    assert np.array_equal(m2, mean * 2.0**40) and np.array_equal(s2, std * 2.0**40)
    # two-pass accuracy: against the textbook formula on the centred data
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(std, np.sqrt(np.mean(Xc**2, axis=0)), rtol=1e-12)
    from logistic.backends.in_memory import InMemory

    small = LogisticObjective(InMemory(X, y, block_bytes=1000))
    m3, s3 = small.column_moments()
    np.testing.assert_allclose(m3, mean, rtol=1e-14)
    np.testing.assert_allclose(s3, std, rtol=1e-12)


@pytest.mark.parametrize(
    "make, cause",
    [
        # one column varies by 1e-4 around 1e9: its information is in the last digits
        (lambda X: np.column_stack([X[:, 0], 1e9 + 1e-4 * X[:, 1]]), "scale"),
        # the classes are separated by the first column
        (lambda X: X, "separation"),
    ],
)
def test_convergence_warning_names_the_cause(make, cause):
    X, _ = _data(seed=8)
    y = (X[:, 0] > 0).astype(int) if cause == "separation" else _data(seed=8)[1]
    with pytest.warns(ConvergenceWarning) as rec:
        LogisticRegression(solver="gd", max_iter=60).fit(make(X), y)
    msg = " ".join(str(w.message) for w in rec if w.category is ConvergenceWarning)
    assert f"Likely cause: {cause}" in msg and "Remedies" in msg


@pytest.mark.parametrize("l2", [1e-3, 0.0])
def test_convergence_warning_names_divergence_of_a_step_too_long(l2):
    # SGD with learning_rate=1e6 ran its coefficients to 1e103; the warning
    # blamed separation (unpenalized) or mini-batch noise (penalized)
    X, y = _data(seed=10)
    obj = LogisticObjective.from_arrays(X, y.astype(float), l2=l2)
    with pytest.warns(ConvergenceWarning) as rec:
        logistic.solvers.solve(
            "sgd", obj, np.zeros(obj.n_params), options={"learning_rate": 1e6},
            tol=1e-3, max_iter=20,
        )  # fmt: skip
    msg = str(rec[0].message)
    assert "Likely cause: divergence: the objective grew from 0.693" in msg
    assert "lower learning_rate" in msg
    with pytest.warns(ConvergenceWarning) as rec:  # the default step: noise
        logistic.solvers.solve("sgd", obj, np.zeros(obj.n_params), tol=1e-8, max_iter=5)
    assert "Likely cause: stochastic gradients" in str(rec[0].message)


@pytest.mark.parametrize("rate", [1e-6, 1e-3])
def test_convergence_warning_names_a_step_too_short(rate):
    # the converse of the test above: with learning_rate=1e-6 (1e-3) the
    # gradient's max-norm after 20 epochs was 100 % (99.7 %) of its start's,
    # and the warning said "stochastic gradients: mini-batch steps reach the
    # optimum only to within their noise. Remedies: loosen tol, ..."
    X, y = _data(seed=10)
    obj = LogisticObjective.from_arrays(X, y.astype(float))
    with pytest.warns(ConvergenceWarning) as rec:
        result = logistic.solvers.solve(
            "sgd", obj, np.zeros(obj.n_params), options={"learning_rate": rate},
            tol=1e-3, max_iter=20, random_state=0,
        )  # fmt: skip
    assert result.grad_max_norm >= 0.5 * result.history[0]["grad_max_norm"]
    msg = str(rec[0].message)
    assert "Likely cause: steps too short" in msg and "raise learning_rate" in msg
    assert "stochastic gradients" not in msg


def test_sgd_noise_after_a_warm_start_is_not_called_divergence():
    # from an optimum the start's gradient is tiny (1e-7): SGD's noise grew it a
    # thousandfold and the warning said the coefficients ran away
    X, y = _data(seed=11)
    est = LogisticRegression(
        warm_start=True, penalty="l2", alpha=1e-3, tol=1e-6, solver="lbfgs"
    ).fit(X, y)
    est.set_params(solver="sgd", tol=1e-12, max_iter=5)
    with pytest.warns(ConvergenceWarning) as rec:
        est.fit(X, y)
    msg = str(rec[0].message)
    assert "Likely cause: stochastic gradients" in msg and "divergence" not in msg


def test_convergence_warning_names_conditioning_at_the_precision_floor():
    X, y = _data(seed=9)
    with pytest.warns(ConvergenceWarning) as rec:
        LogisticRegression(solver="newton", tol=0.0).fit(X, y)
    msg = str(rec[0].message)
    assert "precision reached" in msg and "Likely cause: conditioning" in msg


def test_huge_values_give_no_runtime_warning():
    X, y = _data(seed=10, n=200)
    X[0, 0] = 1e155  # the square overflows float64
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        obj = LogisticObjective.from_arrays(X, y.astype(float))
        mean, std = obj.column_moments()
        assert np.all(np.isfinite(mean)) and np.all(np.isfinite(std))
        np.testing.assert_allclose(std[0], np.std(X[:, 0] / 1e150) * 1e150)
        try:
            m = LogisticRegression().fit(X, y)
        except NumericalError:
            return
    assert np.all(np.isfinite(m.coef_))


def _huge_designs():
    rng = np.random.default_rng(12)
    n = 60
    z = rng.normal(size=(n, 2))
    one = z.copy()
    one[0, 1] = 1e200  # one value whose square overflows
    column = np.column_stack([z[:, 0], 1e160 * z[:, 1]])
    y = (rng.random(n) < 0.5).astype(int)
    return {"one value": one, "a column": column}, y


@pytest.mark.parametrize("penalty", [None, "l2", "l1"])
@pytest.mark.parametrize(
    "name", ["auto", "newton", "lbfgs", "newton-cg", "gd", "newton-cd", "fista", "sgd"]
)
def test_huge_values_give_no_runtime_warning_whatever_the_solver(name, penalty):
    # newton-cg's Hessian diagonal and newton-cd's scaled Hessian overflowed
    # with raw numpy warnings; every solver handles the non-finite values
    designs, y = _huge_designs()
    params = {"solver": name, "max_iter": 200}
    if penalty is not None:
        params.update(penalty=penalty, alpha=1e-3)
    for X in designs.values():
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", NumericalStabilityWarning)
            try:
                LogisticRegression(**params).fit(X, y)
            except (NumericalError, InvalidParameterError):
                continue  # a clear error (or a solver that refuses the penalty)


@pytest.mark.parametrize("name", ["lbfgs", "newton", "gd"])
def test_float32_values_up_to_3e38(name):
    rng = np.random.default_rng(11)
    n = 200
    mag = 10 ** rng.uniform(18, 38.4, (n, 2))
    X = np.clip(mag * rng.choice([-1, 1], (n, 2)), -3e38, 3e38).astype(np.float32)
    y = (rng.random(n) < 0.5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            m = LogisticRegression(solver=name).fit(X, y)
        except NumericalError:
            return
    assert np.all(np.isfinite(m.coef_))
    assert np.all(np.isfinite(m.predict_proba(X)))


# -- item 5: class weights ------------------------------------------------------------
@pytest.mark.parametrize(
    "labels, class_weight, zeroed",
    [([0, 1], {0: 0}, "0"), (["a", "b"], {"b": 0.0}, "'b'")],
)
def test_class_weight_that_zeroes_a_class_is_an_error(labels, class_weight, zeroed):
    X, y = _data(seed=12, n=60)
    y = np.asarray(labels, dtype=object)[y]
    with pytest.raises(DataValidationError, match=rf"'class_weight'.*class {zeroed}"):
        LogisticRegression(class_weight=class_weight).fit(X, y)


def test_class_weight_times_sample_weight_zeroing_a_class_is_an_error():
    X, y = _data(seed=13, n=60)
    sw = np.where(y == 1, 1.0, 0.0)
    sw[np.flatnonzero(y == 0)[0]] = 1.0  # one sample of class 0 keeps weight ...
    cw = {0: 0.0, 1: 1.0}  # ... which class_weight removes
    with pytest.raises(DataValidationError, match="class_weight.*class 0"):
        LogisticRegression(class_weight=cw).fit(X, y, sample_weight=sw)


# -- item 6: finite input, finite probabilities ---------------------------------------
def _model(coef, intercept=0.0):
    X, y = _data(seed=14, n=50)
    m = LogisticRegression().fit(X, y)
    m.coef_ = np.array([coef], dtype=float)
    m.intercept_ = np.array([intercept])
    return m


def test_probabilities_are_finite_when_the_products_overflow():
    m = _model([1.5, -1.47])
    X = np.array([[1.7e308, 1.7e308], [1.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        z = m.decision_function(X)
        proba = m.predict_proba(X)
    np.testing.assert_allclose(z[0], 0.03 * 1.7e308, rtol=1e-12)
    assert np.all(np.isfinite(proba))
    np.testing.assert_array_equal(proba[0], [0.0, 1.0])
    assert m.predict(X)[0] == m.classes_[1]


def test_float32_rows_whose_product_overflows_float32_are_recomputed():
    m = _model([1.0, 1.0])
    X = np.array([[3e38, 3e38]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        z = m.decision_function(X)
    np.testing.assert_allclose(z, [2 * float(np.float32(3e38))], rtol=1e-7)


def test_a_logit_beyond_float64_is_an_error_naming_the_row():
    m = _model([1.5, 1.5])
    X = np.array([[1.0, 1.0], [1.7e308, 1.7e308]])
    for method in ("decision_function", "predict_proba", "predict"):
        with pytest.raises(NumericalError, match=r"row 1 of X"):
            getattr(m, method)(X)


# -- item 7: raw exceptions -----------------------------------------------------------
def test_infinite_alpha_is_an_invalid_parameter():
    X, y = _data(n=40)
    with pytest.raises(InvalidParameterError, match="'alpha'.*inf"):
        LogisticRegression(penalty="l2", alpha=np.inf).fit(X, y)


def test_a_c_so_small_that_alpha_overflows_is_an_invalid_parameter():
    X, y = _data(n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(InvalidParameterError, match="C=.*too small"):
            LogisticRegression(penalty="l2", C=1e-320).fit(X, y)


def test_ragged_list_names_x_and_the_row():
    with pytest.raises(DataValidationError, match=r"X is ragged: row 1"):
        LogisticRegression().fit([[1.0, 2.0], [3.0], [4.0, 5.0]], [0, 1, 0])


def test_nullable_boolean_y_with_na_names_the_row():
    pd = pytest.importorskip("pandas")
    X = np.arange(8.0).reshape(4, 2)
    y = pd.array([True, False, None, True], dtype="boolean")
    with pytest.raises(DataValidationError, match=r"y .*missing label at row 2"):
        LogisticRegression().fit(X, y)


@pytest.mark.parametrize("label", [None, "pd.NA", "nan"])
def test_missing_labels_are_reported_as_missing(label):
    pd = pytest.importorskip("pandas")
    value = {"pd.NA": pd.NA, "nan": float("nan"), None: None}[label]
    X = np.arange(10.0).reshape(5, 2)
    y = np.array(["a", "b", value, "a", "b"], dtype=object)
    with pytest.raises(DataValidationError, match=r"missing label at row 2"):
        LogisticRegression().fit(X, y)


@pytest.mark.parametrize("dtype", ["double[pyarrow]", "Float64", "Int64"])
def test_missing_value_in_an_extension_column_names_column_and_row(dtype):
    pd = pytest.importorskip("pandas")
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    X = pd.DataFrame(
        {
            "age": pd.array([1, 2, 3, 4, 5, 6], dtype=dtype),
            "income": pd.array([1, 2, None, 4, 5, 6], dtype=dtype),
        }
    )
    y = [0, 1, 0, 1, 0, 1]
    with pytest.raises(DataValidationError, match=r"X contains NaN.*'income'.*row: 2"):
        LogisticRegression().fit(X, y)
    ok = X.fillna(3)
    m = LogisticRegression(penalty="l2", alpha=0.1).fit(ok, y)
    assert list(m.feature_names_in_) == ["age", "income"]


# -- item 9: SGD's default tolerance, FISTA's stall -----------------------------------
def test_sgd_default_tolerance_is_reachable():
    rng = np.random.default_rng(15)
    X = rng.standard_normal((1000, 5))
    y = (rng.random(1000) < expit(X @ [1.0, -0.5, 0.3, 0.0, 0.8])).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(solver="sgd", random_state=0).fit(X, y)
    assert m.converged_ and m.tol_ == 1e-3  # the documented default (docs/reliability.md)
    ref = LogisticRegression(solver="newton").fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=5e-2, atol=1e-2)


@pytest.mark.parametrize(
    "penalty, l1_ratio, seed", [("l2", 0.0, 0), ("l2", 0.0, 2), ("elasticnet", 0.5, 1)]
)
def test_fista_does_not_stall_far_above_its_floor(penalty, l1_ratio, seed):
    sk = pytest.importorskip("sklearn.datasets")
    X, y = sk.make_classification(2000, 30, n_informative=10, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(
            penalty=penalty, alpha=1e-3, l1_ratio=l1_ratio, solver="fista"
        ).fit(X, y)
    assert m.converged_ and m.grad_max_norm_ <= m.tol_
    ref = LogisticRegression(
        penalty=penalty, alpha=1e-3, l1_ratio=l1_ratio, solver="newton-cd"
    ).fit(X, y)
    # same optimum: objective to rounding; coefficients to what tol implies on
    # these collinear columns (curvature down to alpha = 1e-3)
    assert abs(m.objective_ - ref.objective_) <= 1e-13 * ref.objective_
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n in ALL if n not in STOCHASTIC))
def test_precision_status_only_at_the_floor(name):
    # whatever stops a solver early, "precision reached" means the gradient is
    # within FLOOR_FACTOR of its measured rounding noise
    from logistic._numerics import FLOOR_FACTOR
    from logistic._scaling import ScaledObjective
    from logistic.solvers._iterative import gradient_noise

    X, y = _data(seed=16)
    m = _fit(name, X, y, tol=0.0, max_iter=3000)
    # tol=0 stops every solver at its floor (gd, newton, newton-cg, firth), at a
    # gradient that is exactly zero, or where scipy's L-BFGS-B stops itself
    floor = "precision reached" in m.fit_status_
    assert floor or m.converged_ or "L-BFGS-B stopped" in m.fit_status_, m.fit_status_
    if floor:
        obj = LogisticObjective.from_arrays(X, y.astype(float))
        theta = np.r_[m.coef_.ravel(), m.intercept_]
        noise = gradient_noise(obj, ScaledObjective(obj), theta)
        assert m.grad_max_norm_ <= FLOOR_FACTOR * max(noise, 1e-300)


def test_inference_standard_errors_follow_the_units():
    # the information matrix of 1e-8 / 1e8 columns spans 32 orders of magnitude;
    # its entries are judged against each column's own scale, never the largest
    X, y = _data(seed=17)
    f = np.array([1e-8, 1e8])
    a = LogisticRegression().fit(X, y).inference(X, y)
    b = LogisticRegression().fit(X * f, y).inference(X * f, y)
    np.testing.assert_allclose(b.bse * np.r_[1.0, f], a.bse, rtol=1e-8)
    np.testing.assert_allclose(b.rcond, a.rcond, rtol=1e-8)


def test_moments_merge_blocks_of_any_magnitude():
    # blocks of zeros, of tiny values and of huge values in the same column
    from logistic.backends.in_memory import InMemory

    rng = np.random.default_rng(18)
    parts = [np.zeros(1000), 1e-200 * rng.standard_normal(1000), np.zeros(1000)]
    big = [np.zeros(1000), 1e300 * rng.standard_normal(1000), np.ones(1000)]
    X = np.column_stack([np.concatenate(parts), np.concatenate(big)])
    y = (rng.random(3000) < 0.5).astype(float)
    for block_bytes in (1000, 16_000, 10**9):
        obj = LogisticObjective(InMemory(X, y, block_bytes=block_bytes))
        mean, std = obj.column_moments()
        ref0 = np.std(X[:, 0] * 1e200) * 1e-200
        ref1 = np.std(X[:, 1] * 1e-300) * 1e300
        np.testing.assert_allclose(std, [ref0, ref1], rtol=1e-12)
        np.testing.assert_allclose(mean[0], np.mean(X[:, 0] * 1e200) * 1e-200)


def test_moments_sparse_equal_dense_and_ignore_zero_weight_rows():
    sp = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(19)
    X = sp.random(400, 6, density=0.3, format="csr", random_state=19).toarray()
    X[:, 5] = 2.5
    X[7, 5] = -4.0  # differs only on a row of weight 0: still constant
    s = rng.random(400)
    s[7] = 0.0
    y = (rng.random(400) < 0.5).astype(float)
    dense = LogisticObjective.from_arrays(X, y, s).column_moments()
    for fmt in ("csr", "csc"):
        sparse = LogisticObjective.from_arrays(sp.csr_matrix(X).asformat(fmt), y, s)
        for a, b in zip(sparse.column_moments(), dense, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=0)
    keep = s > 0
    ref = np.sqrt(np.cov(X[keep].T, aweights=s[keep], ddof=0).diagonal())
    np.testing.assert_allclose(dense[1], ref, rtol=1e-12)
    assert dense[1][5] == 0 and dense[0][5] == 2.5


def test_a_warm_start_near_the_optimum_with_the_default_step_is_not_too_short():
    # from R's estimates on the UCLA data moved by 1e-4, sgd's default step
    # (1/L) ends at 52 % of its start's gradient (the steps' noise floor,
    # 7.7e-4 from any start that near): the warning said "steps too short:
    # ... raise learning_rate (or leave it unset ...)", advice for a step the
    # caller never set; it is the steps' noise. Reference: R's glm estimates.
    X, y, _ = logistic.datasets.load_ucla_admissions()
    obj = LogisticObjective.from_arrays(X, y.astype(float))
    r_glm = np.array([0.002264426, 0.804037549, -0.675442928, -1.340203916,
                      -1.551463677, -3.989979073])  # fmt: skip
    theta = r_glm + 1e-4 * np.random.default_rng(0).normal(size=6)
    with pytest.warns(ConvergenceWarning) as rec:
        result = logistic.solvers.solve(
            "sgd", obj, theta, tol=1e-8, max_iter=20, random_state=0
        )
    start = result.history[0]["grad_max_norm"]
    assert 0.5 * start <= result.grad_max_norm <= start  # hardly moved
    msg = str(rec[0].message)
    assert "Likely cause: stochastic gradients" in msg
    assert "steps too short" not in msg
