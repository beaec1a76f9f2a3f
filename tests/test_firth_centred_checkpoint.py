"""A Firth fit's checkpoint resumes in the coordinates it was written in; the
centred copy's edges (a sparse X near centre stays sparse, a float32 X).

A fit with an intercept runs on centred columns (``logistic._firth_centred``)
and its checkpoint holds the centred problem's state. A checkpoint written
where the same fit ran on the columns as given (builds before the centring;
stood in for here by a fit with the centring switched off) holds a point that
means another estimate: it must be refused, not resumed to a wrong answer.

Reference (from outside the code under test): logistf's published sex2
estimate (tests/test_firth.py's ``SEX2_COEF``; with ``age`` moved by 1e6 the
intercept is logistf's minus 1e6 times age's slope).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import logistic._fit_steps as fit_steps
import logistic.solvers.firth as firth_solver
from logistic import IntegrityError, LogisticRegression
from test_firth import SEX2_COEF, sex2


class Stop(Exception):
    """Stands in for a killed process."""


def _stop_at_2(entry):
    if entry["iter"] == 2:
        raise Stop


def _data(shift):
    X, y, w = sex2()
    return X.assign(age=X["age"] + shift), y, w


def _check_logistf(model, shift):
    beta = np.asarray(SEX2_COEF)
    np.testing.assert_allclose(model.coef_.ravel(), beta[1:], rtol=1e-6)
    np.testing.assert_allclose(
        model.intercept_[0], beta[0] - shift * beta[1], rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("shift", [0.0, 1e6])
def test_a_checkpoint_of_a_firth_fit_resumes_to_logistf(tmp_path, shift):
    X, y, w = _data(shift)
    path = tmp_path / "ckpt.json"
    with pytest.raises(Stop):
        LogisticRegression(penalty="firth").fit(
            X, y, sample_weight=w, checkpoint=path, callback=_stop_at_2
        )
    model = LogisticRegression(penalty="firth").fit(
        X, y, sample_weight=w, checkpoint=path, resume=True
    )
    assert model.converged_
    _check_logistf(model, shift)


def test_a_checkpoint_written_in_the_columns_own_coordinates_is_refused(
    tmp_path, monkeypatch
):
    X, y, w = _data(0.0)
    path = tmp_path / "ckpt.json"
    with monkeypatch.context() as m:  # the fit as builds before the centring ran it
        m.setattr(firth_solver, "centred_firth", lambda *a, **k: None)
        m.setattr(fit_steps, "centres", lambda objective: False)
        with pytest.raises(Stop):
            LogisticRegression(penalty="firth").fit(
                X, y, sample_weight=w, checkpoint=path, callback=_stop_at_2
            )
    # resumed as the centred problem's state it stopped at n_iter=2 on a
    # point 1.6 times logistf's, with only a ConvergenceWarning
    with pytest.raises(IntegrityError, match="another problem.*columns as given"):
        LogisticRegression(penalty="firth").fit(
            X, y, sample_weight=w, checkpoint=path, resume=True
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(penalty="firth").fit(
            X, y, sample_weight=w, checkpoint=path, resume=True, force_resume=True
        )
    said = [str(c.message) for c in caught]
    assert any("columns' own coordinates" in t and "restarts from" in t for t in said)
    assert model.converged_
    _check_logistf(model, 0.0)


def test_a_sparse_x_near_centre_is_not_densified(monkeypatch):
    # centring densifies a sparse X: only for a column far from centred
    import scipy.sparse as sp

    import logistic._firth_centred as firth_centred

    made = []
    init = firth_centred.CentredFirth.__init__

    def spy(self, original, view, X):
        made.append(X.shape)
        init(self, original, view, X)

    monkeypatch.setattr(firth_centred.CentredFirth, "__init__", spy)
    X, y, w = _data(0.0)
    model = LogisticRegression(penalty="firth").fit(
        sp.csr_matrix(X.to_numpy()), y, sample_weight=w
    )
    assert made == []
    _check_logistf(model, 0.0)


@pytest.mark.parametrize("shift", [0.0, 1e3])
def test_float32_x_reaches_logistf_to_its_precision(shift):
    # float32 on the columns as given stopped unconverged at age + 1e3, 3e-4
    # off logistf's slopes; the copy is float32 and exact
    X, y, w = _data(shift)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(penalty="firth").fit(
            X.to_numpy(np.float32), y, sample_weight=w
        )
    assert model.converged_ and model.coef_.dtype == np.float32
    beta = np.asarray(SEX2_COEF)
    np.testing.assert_allclose(model.coef_.ravel(), beta[1:], rtol=0, atol=1e-4)
