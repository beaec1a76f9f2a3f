"""An unpenalized fit of separated data stops once the separation is established
(logistic._separation_stop), instead of creeping to max_iter.

The design: 150 sparse rows × 100 columns with random labels, 30 of them
repeated with the other label (points seen with both classes: they lie on
every separating direction's boundary), so the data are quasi-completely
separated and the maximum-likelihood estimate does not exist (Albert &
Anderson 1984). ``newton-cd-columns`` crept along the separating directions
here: 1 000 iterations (max_iter) with a ConvergenceWarning, its gradient
falling like 1/k, as on reuters.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from _quasi_separated_design import quasi_separated
from logistic import (
    ConvergenceWarning,
    LogisticRegression,
    PerfectSeparationWarning,
)


def _design() -> tuple[sp.csr_matrix, np.ndarray]:
    return quasi_separated()


def _fit(X, y, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(**params).fit(X, y)
    return model, caught


def test_a_creeping_separated_fit_stops_well_before_max_iter():
    X, y = _design()
    model, caught = _fit(X, y, solver="newton-cd-columns")
    assert model.n_iter_[0] < 500  # max_iter=1000 reached before the stop
    assert model.converged_ is False  # the MLE does not exist
    assert model.separation_ == "quasi-complete"
    assert model.fit_status_.startswith("stopped under quasi-complete separation")
    kinds = [w.category for w in caught]
    assert ConvergenceWarning not in kinds  # the separation warning says why
    (message,) = [
        str(w.message) for w in caught if w.category is PerfectSeparationWarning
    ]
    assert f"stopped at iteration {model.n_iter_[0]}" in message
    assert "z = " in message and "1e-08" in message


def test_inference_on_the_stopped_fit_says_the_separation_once():
    # the stopped fit is not converged (converged_ False), yet the reason is
    # the separation its warnings name: inference warned "the model did not
    # converge; inference at these coefficients is unreliable" beside them
    # (the CLI printed it after the fit's separation warning)
    # (newton: where newton-cd stops, 4 columns' rows all have fitted p of 0
    # or 1 and inference refuses the singular information, as
    # test_the_stop_survives_the_model_file checks)
    X, y = _design()
    model, _ = _fit(X.toarray(), y, solver="newton")
    assert model.fit_status_.startswith("stopped under quasi-complete separation")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.inference(X.toarray(), y)
    kinds = [w.category for w in caught]
    assert ConvergenceWarning not in kinds
    assert PerfectSeparationWarning in kinds
    # a fit ended by max_iter still warns
    capped, _ = _fit(X.toarray(), y, solver="newton", max_iter=3)
    with pytest.warns(ConvergenceWarning, match="did not converge; inference"):
        capped.inference(X.toarray(), y)


def test_lbfgs_stops_there_too():
    # scipy's L-BFGS-B (the choice of solver="auto" for unpenalized dense
    # designs of more than 500 columns) crept as well: max_iter=1000 reached
    # ("TOTAL NO. OF ITERATIONS REACHED LIMIT") with a ConvergenceWarning
    X, y = _design()
    model, caught = _fit(X.toarray(), y, solver="lbfgs")
    assert model.n_iter_[0] < 600 and model.converged_ is False
    assert model.fit_status_.startswith("stopped under quasi-complete separation")
    assert ConvergenceWarning not in [w.category for w in caught]
    (message,) = [
        str(w.message) for w in caught if w.category is PerfectSeparationWarning
    ]
    assert f"stopped at iteration {model.n_iter_[0]}" in message


def test_the_stopped_fit_orders_the_data():
    # The warning names one separating column (z = ±1*xK, names from 1);
    # checked here from the data alone: its non-zeros (all positive) lie in
    # rows of one class, none of them a point seen with both labels. Those
    # rows' fitted probabilities must be within 1e-8 of their labels (the
    # stopping rule), and the fit must rank the rows far better than chance
    # (AUC by scikit-learn).
    import re

    from sklearn.metrics import roc_auc_score

    X, y = _design()
    model, caught = _fit(X, y, solver="newton-cd-columns")
    (message,) = [
        str(w.message) for w in caught if w.category is PerfectSeparationWarning
    ]
    found = re.search(r"z = ([+-])1\*x(\d+) separates", message)
    assert found is not None, message
    j = int(found.group(2)) - 1
    Xc = X.tocsc()
    rows = Xc.indices[Xc.indptr[j] : Xc.indptr[j + 1]]
    both = np.zeros(X.shape[0], bool)
    both[:30] = both[150:] = True  # the repeated points, both labels
    assert rows.size and not both[rows].any()
    assert np.unique(y[rows]).size == 1
    assert (found.group(1) == "+") == (y[rows[0]] == 1)
    p = model.predict_proba(X)[:, 1]
    assert np.all(np.abs(p[rows] - y[rows]) < 1e-8)
    assert roc_auc_score(y, model.decision_function(X)) > 0.75


def test_a_fit_of_data_that_do_not_separate_is_untouched():
    # Reference: statsmodels' Logit MLE on the same sparse design, no
    # separation (n = 2000 rows for 20 columns, labels from a logistic model).
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(1)
    X = sp.random(2000, 20, density=0.3, random_state=1, format="csr")
    z = X @ rng.normal(size=20) - 0.5
    y = (rng.random(2000) < 1 / (1 + np.exp(-z))).astype(int)
    model, caught = _fit(X, y, solver="newton-cd-columns")
    ref = sm.Logit(y, sm.add_constant(X.toarray())).fit(disp=0, tol=1e-12)
    assert model.converged_ and model.separation_ is None
    assert not [w for w in caught if w.category is PerfectSeparationWarning]
    np.testing.assert_allclose(
        model.coef_.ravel(), ref.params[1:], rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(model.intercept_[0], ref.params[0], rtol=1e-6)


def test_the_stop_survives_the_model_file(tmp_path):
    # The information of this fit without its aliased columns is singular
    # (columns whose rows all have fitted p of 0 or 1 in float64), so its
    # estimate cannot be reduced nor its covariance formed: inference refuses
    # it naming the columns, as it refuses other singular informations, and
    # the model file is written without a covariance (it raised
    # LinAlgError('Singular matrix') from the aliased columns' step before,
    # in save and in summary alike).
    import json

    import logistic
    from logistic.inference import CollinearityError

    X, y = _design()
    model, _ = _fit(X, y, solver="newton-cd-columns")
    with pytest.raises(CollinearityError, match="carry no information"):
        model.summary()
    path = tmp_path / "m.json"
    logistic.save(model, path)
    assert json.loads(path.read_text())["covariance"] is None
    back = logistic.load(path)
    assert back.separation_ == "quasi-complete"
    assert back.converged_ is False
    assert back.fit_status_ == model.fit_status_
    assert back.n_iter_[0] == model.n_iter_[0]
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))
    with pytest.raises(CollinearityError, match="penalty='firth'"):
        back.inference(X, y)
