"""The L1 proximal map sets a coefficient to ``+0.0``, never ``-0.0``:
``sign(x)·max(|x| - t, 0)`` is ``-0.0`` for a negative ``x`` within the
threshold, and that sign reached fitted models (``fista``'s L1 fits: 1 525
``-0.0`` of 3 072 coefficients of a 3-class fit of ``fixtures/wide_l1_k3.svm``),
their printed tables (``-0.000000``) and their model files, which keep a
``-0.0`` as written, so that no such file could be compact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import load_svmlight_file

import logistic
from logistic.solvers._base import soft_threshold


def test_the_proximal_map_zeroes_with_a_positive_sign():
    x = np.array([-0.5, -2.0, 0.3, -0.0, 0.0, 2.0, -1.0, 1.0])
    got = soft_threshold(x, np.full(x.size, 1.0))
    # the definition, coordinate by coordinate: x - t above t, x + t below -t
    assert got.tolist() == [0.0, -1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    assert not np.signbit(got[got == 0]).any()
    wide = np.array([-3.0, 5e-324, -5e-324, 1e308])
    assert soft_threshold(wide, np.zeros(4)).view(np.int64).tolist()[::3] == (
        wide.view(np.int64).tolist()[::3]  # a zero threshold keeps x's bits
    )


def test_a_fista_l1_fit_holds_no_negative_zero():
    data = Path(__file__).parent / "fixtures" / "wide_l1_k3.svm"
    X, y = load_svmlight_file(str(data), n_features=1024)
    m = logistic.LogisticRegression(penalty="l1", C=0.5, solver="fista", max_iter=60)
    m.fit(X, (y > 0).astype(int))  # was 416 of 1 024 at -0.0
    zero = m.coef_ == 0
    assert zero.sum() > 900 and not np.signbit(m.coef_[zero]).any()
