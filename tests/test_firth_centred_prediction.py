"""Prediction standard errors, margins and influence of a Firth fit (FLIC,
FLAC) with a column far from 0: ``x̃ᵀ V x̃`` and ``J V Jᵀ`` computed in the
centred coordinates the covariance was inverted in
(``_prediction_interval.CentredCovariance``).

At ``x1 - 3e9`` the terms of ``x̃ᵀ V x̃`` in the user's coordinates are about
``(μ/σ)² ≈ 3e18`` times the result: ``predict_interval`` gave ``linpred_se``
0.0 (FLAC: 0.0, and 5.66 where 0.52 and 0.70 are right), and the margins' and the
leverages' errors were off by up to 30%.

References (from outside the code under test):
* the covariance of each fit on the columns centred by numpy
  (``test_model_file_centred.centred_reference``: Firth's estimate the root
  of the modified score by scipy, FLIC's intercept by statsmodels' GLM, FLAC
  by statsmodels' GLM on the augmented data), with ``x̃ = [1, x - centre]``:
  ``se_z = sqrt(x̃ᵀ V_c x̃)`` and the leverage ``s p (1 - p) x̃ᵀ V_c x̃`` in
  numpy;
* margins: the same estimator fitted on the numpy-centred columns, where the
  columns are near 0 and ``V`` is well conditioned in the user's coordinates
  (a marginal effect does not change when a column is shifted).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from logistic import LogisticRegression, load, save
from test_firth_centred import _data
from test_model_file_centred import SHIFT, centred_reference

pytestmark = pytest.mark.filterwarnings(
    "ignore:60 rows have non-integer sample weights"
)


@pytest.fixture(scope="module")
def rows():
    _, y, w, offset, raw = _data(1e8, seed=5)
    return raw + SHIFT, y, w, offset, raw


@pytest.fixture(scope="module", params=[None, "flic", "flac"])
def fits(request, rows):
    """``kind``, its fit on the far columns, the same on numpy-centred ones."""
    X, y, w, offset, raw = rows
    far = LogisticRegression(penalty="firth", firth_correction=request.param)
    near = LogisticRegression(penalty="firth", firth_correction=request.param)
    far.fit(X, y, sample_weight=w, offset=offset)
    near.fit(raw - raw.mean(axis=0), y, sample_weight=w, offset=offset)
    return request.param or "firth", far, near


def _reference_se(kind, rows):
    """``sqrt(x̃ᵀ V_c x̃)`` of every row in the numpy-centred coordinates."""
    centre, cov_c = centred_reference(kind, rows)
    _, _, _, _, raw = rows
    Xt = np.column_stack([np.ones(len(raw)), raw - centre])
    return np.sqrt(np.einsum("ij,jk,ik->i", Xt, cov_c, Xt)), Xt, cov_c


def test_prediction_se_of_a_far_fit(fits, rows, tmp_path):
    kind, far, _ = fits
    X, y, w, offset, _ = rows
    ref, _, _ = _reference_se(kind, rows)
    assert ref.min() > 0.1  # the test's premise: no row's se is near 0
    new = far.predict_interval(X[:10], offset=offset[:10])
    np.testing.assert_allclose(new["linpred_se"], ref[:10], rtol=1e-6)
    inside = far.inference(X, y, sample_weight=w, offset=offset).get_prediction()
    np.testing.assert_allclose(inside.linpred_se, ref, rtol=1e-6)
    # a loaded model (the file's centred information, format 1.6) too
    save(far, tmp_path / "m.json")
    back = load(tmp_path / "m.json").predict_interval(X[:10], offset=offset[:10])
    np.testing.assert_allclose(back["linpred_se"], ref[:10], rtol=1e-6)
    # the probability interval follows: σ(z ± 1.96 se) holds the fitted σ(z)
    assert np.all(back["mean_ci_lower"] < back["mean"])
    assert np.all(back["mean"] < back["mean_ci_upper"])


def test_leverage_of_a_far_fit(fits, rows):
    kind, far, near = fits
    X, y, w, offset, raw = rows
    _, Xt, cov_c = _reference_se(kind, rows)
    res = far.inference(X, y, sample_weight=w, offset=offset)
    p = expit(far.decision_function(X, offset=offset))
    # h = s p (1 - p) x̃ᵀ V x̃ with V the fit's covariance (FLAC's: logistf's)
    ref = w * p * (1 - p) * np.einsum("ij,jk,ik->i", Xt, cov_c, Xt)
    infl = res.get_influence()
    np.testing.assert_allclose(infl.hat_matrix_diag, ref, rtol=1e-6)
    # the slopes' DFBETAS do not depend on where the columns lie: those of
    # the fit on the numpy-centred columns
    ref_infl = near.inference(
        raw - raw.mean(axis=0), y, sample_weight=w, offset=offset
    ).get_influence()
    np.testing.assert_allclose(
        infl.dfbetas[:, 1:], ref_infl.dfbetas[:, 1:], rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize("at", ["overall", "mean"])
def test_margins_of_a_far_fit(fits, rows, at):
    _, far, near = fits
    X, y, w, offset, raw = rows
    res = far.inference(X, y, sample_weight=w, offset=offset)
    ref = near.inference(raw - raw.mean(axis=0), y, sample_weight=w, offset=offset)
    got, want = res.get_margeff(at=at), ref.get_margeff(at=at)
    np.testing.assert_allclose(got.margeff, want.margeff, rtol=1e-6)
    np.testing.assert_allclose(got.margeff_se, want.margeff_se, rtol=1e-6)


def test_predictive_margins_and_grids_of_a_far_fit(fits, rows):
    # points set x2: x2 = v on the far columns is v - centre on the near ones
    _, far, near = fits
    X, y, w, offset, raw = rows
    centre = raw.mean(axis=0)
    res = far.inference(X, y, sample_weight=w, offset=offset)
    ref = near.inference(raw - centre, y, sample_weight=w, offset=offset)
    grid, moved = {1: [-0.5, 0.5]}, {1: [-0.5 - centre[1], 0.5 - centre[1]]}
    got, want = res.predictive_margins(grid), ref.predictive_margins(moved)
    np.testing.assert_allclose(got.margeff, want.margeff, rtol=1e-6)
    np.testing.assert_allclose(got.margeff_se, want.margeff_se, rtol=1e-6)
    got, want = res.get_margeff(atexog=grid), ref.get_margeff(atexog=moved)
    np.testing.assert_allclose(
        np.asarray(got.margeff_cov), np.asarray(want.margeff_cov), rtol=1e-5
    )


def test_prediction_se_of_a_far_fit_over_a_streamed_file(rows, tmp_path):
    # predict_interval(backend): the rows read block by block from a CSV;
    # reference: the fit on the numpy-centred columns (well conditioned)
    from logistic.backends import Chunked

    X, y, _, _, raw = rows
    path = tmp_path / "rows.csv"
    pairs = zip(X.tolist(), y.tolist(), strict=True)
    lines = [f"{a!r},{b!r},{c!r}\n" for (a, b), c in pairs]
    path.write_text("x1,x2,y\n" + "".join(lines))
    data = Chunked.from_csv(path, target="y")
    far = LogisticRegression(penalty="firth", firth_correction="flac").fit(X, y)
    near = LogisticRegression(penalty="firth", firth_correction="flac")
    near.fit(raw - raw.mean(axis=0), y)
    want = near.predict_interval(raw - raw.mean(axis=0))["linpred_se"].to_numpy()
    got = far.predict_interval(data)["linpred_se"].to_numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_linear_combinations_of_a_far_fit(fits, rows):
    # b + centre·w is the intercept of the fit on the numpy-centred columns:
    # its estimate, standard error and Wald test are that fit's (its
    # covariance there is scipy's/statsmodels', centred_reference)
    kind, far, _ = fits
    X, y, w, offset, raw = rows
    centre, cov_c = centred_reference(kind, rows)
    res = far.inference(X, y, sample_weight=w, offset=offset)
    R = np.array([[1.0, centre[0] + SHIFT[0], centre[1] + SHIFT[1]]])
    got = res.t_test(R)
    np.testing.assert_allclose(got.sd, np.sqrt(cov_c[0, 0]), rtol=1e-6)
    stat = res.wald_test(R).statistic
    np.testing.assert_allclose(stat, (got.effect[0] / np.sqrt(cov_c[0, 0])) ** 2, rtol=1e-5)
