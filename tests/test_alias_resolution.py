"""Which columns an unpenalized fit drops as aliased, and that every reader
agrees: the rank rule's tolerance follows the rounding of the information
(``ε·max(√rows, p)``, :func:`logistic._aliasing.alias_tolerance`), not a
fixed ``1e-12`` that dropped columns the rows resolve.

References are statsmodels fits of the same models written without the
near-dependency (the column centred, or the exact reparametrisation), whose
log-likelihood and fitted probabilities are the unpenalized optimum's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic
from logistic import ConvergenceWarning, LogisticRegression, NumericalStabilityWarning

sm = pytest.importorskip("statsmodels.api")


def _loglik(model, X, y):
    p = model.predict_proba(X)[:, 1]
    return float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))


def _quiet_fit(X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalStabilityWarning)
        return LogisticRegression().fit(X, y)


def test_a_column_whose_spread_is_a_millionth_of_its_mean_is_fitted():
    # 6 rows of 2e6 + [0..5]: the column was dropped as aliased with the
    # intercept (coef 0, every probability 0.5, no warning)
    x = np.arange(6.0)
    y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    X = (2e6 + x)[:, None]
    model = _quiet_fit(X, y)
    ref = sm.Logit(y, sm.add_constant(x)).fit(disp=0)  # centred: the same model
    assert model.coef_[0, 0] == pytest.approx(ref.params[1], rel=1e-7)
    assert model.predict_proba(X)[:, 1] == pytest.approx(ref.predict(), abs=1e-8)
    assert _loglik(model, X, y) == pytest.approx(ref.llf, rel=1e-10)


def test_a_near_dependency_the_rows_resolve_is_kept():
    # x2 = x1 + 3e-6 d: a residual ratio of 7e-7 on 8 rows, which R keeps and
    # the rows resolve; dropping x2 cost a deviance of 2 on 8 rows
    x1 = np.arange(8.0)
    d = np.array([1, -1, 1, 1, -1, -1, 1, -1.0])
    y = np.array([1, 0, 1, 0, 0, 1, 1, 0.0])
    X = np.column_stack([x1, x1 + 3e-6 * d])
    model = _quiet_fit(X, y)
    ref = sm.Logit(y, sm.add_constant(np.column_stack([x1, d]))).fit(disp=0)
    assert model.coef_[0, 1] != 0.0
    assert _loglik(model, X, y) == pytest.approx(ref.llf, rel=1e-8)
    assert model.predict_proba(X)[:, 1] == pytest.approx(ref.predict(), abs=1e-6)


def _shifted(shift, n=2000):
    rng = np.random.default_rng(0)
    t, x = rng.normal(size=(2, n))
    y = (rng.random(n) < 1 / (1 + np.exp(-(1.5 * t + 0.5 * x)))).astype(float)
    return np.c_[x, t + shift], y, np.c_[x, t]


def test_a_reading_a_million_times_its_spread_gets_its_slope_and_a_summary():
    X, y, centred = _shifted(1e6)
    model = _quiet_fit(X, y)
    ref = sm.Logit(y, sm.add_constant(centred)).fit(disp=0)
    assert model.coef_[0] == pytest.approx(ref.params[1:], rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalStabilityWarning)
        res = model.inference(X, y)  # was CollinearityError ("linearly dependent")
        assert res.aliased == []
        # the information is summed uncentred: ε·(mean/spread)² ≈ 2e-4 of its
        # precision is lost to the cancellation with the intercept (warned of
        # as "large and imprecise")
        assert res.bse[1:] == pytest.approx(ref.bse[1:], rel=5e-3)


def test_a_column_dropped_at_the_limit_is_named_and_every_reader_agrees(tmp_path):
    # 3e6 ± 1 on 2 000 rows sits at the rule's limit: dropped, but the rows
    # say it carries signal, so fit warns (it was silent); the fit, its
    # inference over the same rows (which refused them as "not the data the
    # model was fitted on") and the model file all drop the same column
    X, y, _ = _shifted(3e6)
    with pytest.warns(NumericalStabilityWarning, match=r"'x2' was left out as aliased.*subtract"):
        model = LogisticRegression().fit(X, y)
    dropped = [f"x{j + 1}" for j in np.flatnonzero(model.coef_[0] == 0.0)]
    assert dropped == ["x2"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalStabilityWarning)
        assert model.inference().aliased == dropped
        assert model.inference(X, y).aliased == dropped
        path = tmp_path / "m.json"
        logistic.save(model, path)
        assert logistic.load(path).inference().aliased == dropped
    assert model.objective_ == pytest.approx(-_loglik(model, X, y) / y.size, rel=1e-12)


def test_a_dependency_of_a_roundings_size_is_dropped_silently():
    # x3 = x1 + x2 written with six decimals: aliased, and its gradient at the
    # reduced fit is of the rounding's size, so nothing to warn about
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(2, 1000))
    y = (rng.random(1000) < 1 / (1 + np.exp(-(x1 - x2)))).astype(float)
    X = np.c_[x1, x2, np.round(x1 + x2, 6)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumericalStabilityWarning)
        model = LogisticRegression().fit(X, y)
    assert model.coef_[0, 2] == 0.0
    ref = sm.Logit(y, sm.add_constant(np.c_[x1, x2])).fit(disp=0)
    assert model.coef_[0, :2] == pytest.approx(ref.params[1:], rel=1e-6)


def _factor_with_a_rare_level(seed, n=1000):
    rng = np.random.default_rng(seed)
    g = rng.choice(4, size=n, p=[0.4, 0.3, 0.29, 0.01])
    z = rng.normal(size=n)
    eta = 0.3 * z + 0.5 * (g == 0) - 0.2
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return np.column_stack([z] + [(g == k).astype(float) for k in range(4)]), y


@pytest.mark.parametrize("seed", range(8))
def test_every_level_of_a_factor_with_a_rare_level_is_aliased_as_r_does(seed):
    # d = 1 - a - b - c exactly: the rare level's pivot cancels terms ~300
    # times larger than itself (1 + ‖r‖²), whose rounding a fixed multiple of
    # ε√n missed (8 of 20 seeds kept it: coefficients on the null line, then
    # "linearly dependent" from summary(); C and Fortran order disagreed)
    X, y = _factor_with_a_rare_level(seed)
    for data in (X, np.asfortranarray(X)):
        model = _quiet_fit(data, y)
        assert model.coef_[0, 4] == 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumericalStabilityWarning)
            res = model.inference()
        assert res.aliased == ["x5"]
        ref = sm.Logit(y, sm.add_constant(X[:, :4])).fit(disp=0)  # R's reduced model
        assert model.coef_[0, :4] == pytest.approx(ref.params[1:], rel=1e-6, abs=1e-9)
        assert res.bse[1:5] == pytest.approx(ref.bse[1:], rel=1e-6)


def test_a_kept_near_dependency_among_correlated_columns_has_standard_errors(tmp_path):
    # 20 columns of a common factor and x21 = x1 + 3.5e-7·sd·d: the rank rule
    # kept x21 and the covariance then called it "linearly dependent" (its own
    # limit on an eigenvalue ratio, ~pivot/λ_max); the two now agree, in the
    # session and after a model file's round trip
    rng = np.random.default_rng(7)
    n, k = 2000, 20
    f = rng.normal(size=n)
    Z = f[:, None] + 0.3 * rng.normal(size=(n, k))
    d = rng.choice([-1.0, 1.0], size=n)
    X = np.c_[Z, Z[:, 0] + 3.5e-7 * d * Z[:, 0].std()]
    y = (rng.random(n) < 1 / (1 + np.exp(-f))).astype(float)
    model = _quiet_fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalStabilityWarning)
        aliased = model.inference().aliased
        assert model.inference(X, y, cov_type="HC0").aliased == aliased
        logistic.save(model, tmp_path / "m.json")
        assert logistic.load(tmp_path / "m.json").inference().aliased == aliased
    dropped = [f"x{j + 1}" for j in np.flatnonzero(model.coef_[0] == 0.0)]
    assert dropped == aliased


def test_the_signal_warning_does_not_depend_on_how_the_intercept_is_written():
    # the 3e6 ± 1 column beside sm.add_constant's column of ones and
    # fit_intercept=False: the same model, silently dropped before
    X, y, _ = _shifted(3e6)
    with pytest.warns(NumericalStabilityWarning, match=r"'x3' was left out as aliased"):
        model = LogisticRegression(fit_intercept=False).fit(np.c_[np.ones(len(y)), X], y)
    assert model.coef_[0, 2] == 0.0


def test_firth_fits_the_column_the_unpenalized_fit_resolves():
    # Firth's refusal of a rank-deficient design uses the same rule: it refused
    # the 6-row 2e6 + [0..5] column as "collinear with the intercept"
    x = np.arange(6.0)
    y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    model = LogisticRegression(penalty="firth").fit((2e6 + x)[:, None], y)
    centred = LogisticRegression(penalty="firth").fit(x[:, None], y)
    # the same estimate (Firth's penalty is invariant to the shift), to the
    # precision the uncentred information keeps: its condition number is
    # ~(mean/spread)² ≈ 1.4e12, so I⁻¹ and the hat values' quadratic forms
    # carry relative errors of ε·1.4e12 ≈ 3e-4, amplified through the
    # modified score; the error depends on the BLAS kernels' summation order
    # (measured: 1e-4 with OpenBLAS's AVX-512 kernels, 1.4e-2 with its AVX2
    # ones). A shift of 2e4 (condition 1.4e8) keeps 1e-6 on both.
    assert model.coef_[0, 0] == pytest.approx(centred.coef_[0, 0], rel=3e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the precision floor
        near = LogisticRegression(penalty="firth").fit((2e4 + x)[:, None], y)
    assert near.coef_[0, 0] == pytest.approx(centred.coef_[0, 0], rel=1e-5)


def test_an_uncentred_polynomials_top_power_the_rows_resolve_is_kept():
    # x, x², …, x¹⁰ on x ~ U(0, 10): x¹⁰'s pivot cancels terms ~550 times its
    # size (1 + ‖r‖²) and is still known to 2 % (long-double Cholesky); a
    # limit of ten times the rounding times that dropped it (a deviance of 9.8)
    rng = np.random.default_rng(0)
    n = 2000
    x = rng.uniform(0, 10, size=n)
    eta = -2 + 0.8 * x - 0.08 * x**2 + 1.5 * np.sin(2 * x)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    X = np.column_stack([x**k for k in range(1, 11)])
    Q = np.linalg.qr(np.c_[np.ones(n), X])[0]  # the same column space, orthonormal
    ref = sm.Logit(y, Q).fit(disp=0, method="newton", maxiter=100)
    model = _quiet_fit(X, y)
    assert not np.any(model.coef_[0] == 0.0)
    assert _loglik(model, X, y) == pytest.approx(ref.llf, rel=1e-7)
