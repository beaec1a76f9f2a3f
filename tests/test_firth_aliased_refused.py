"""``penalty="firth"`` on a design with an aliased column is refused at the
start, naming the column. Firth's estimate is not defined there (``½ log
det I = -∞`` for every coefficient vector; logistf refuses such designs).
The start only tried a Cholesky factor of the information: ``2·x1`` and
``x1 + x2`` left a tiny positive pivot in roundoff, and the fit stopped
unconverged at an arbitrary point with a ConvergenceWarning only. The
columns named are those the unpenalized fit reports aliased (R's ``glm``
rule: the reference here, ``coef_`` 0 and ``NA`` in the summary)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from logistic import InvalidParameterError, LogisticRegression


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ [1.0, -1.0]))).astype(float)
    return X, y


@pytest.mark.parametrize("combine", [lambda X: 2 * X[:, 0], lambda X: X[:, 0] + X[:, 1]])
def test_firth_names_the_aliased_column(combine):
    X, y = _data()
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "x3": combine(X)})
    plain = LogisticRegression().fit(frame, y)
    assert plain.coef_[0, 2] == 0.0  # the unpenalized fit: x3 aliased
    with pytest.raises(InvalidParameterError, match="'x3' is collinear"):
        LogisticRegression(penalty="firth").fit(frame, y)
    with pytest.raises(InvalidParameterError, match="X column 2 is collinear"):
        LogisticRegression(penalty="firth").fit(frame.to_numpy(), y)


def test_firth_still_fits_a_full_rank_design():
    X, y = _data()
    m = LogisticRegression(penalty="firth").fit(X, y)
    assert m.converged_


def test_large_offsets_do_not_fake_a_dependency():
    """The rank test reads the design's rows of positive weight, not the
    information at the start: offsets of ±40 on all but three rows make
    ``W = p(1 - p)`` ~1e-18 there, and the information's test called a
    full-rank design collinear (review of the first version)."""
    rng = np.random.default_rng(0)
    n = 200
    X = rng.normal(size=(n, 3))
    off = np.where(np.arange(n) < 197, np.where(rng.random(n) < 0.5, 40.0, -40.0), 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [1.0, -1.0, 0.5] + off)))).astype(float)
    assert np.linalg.matrix_rank(np.column_stack([X, np.ones(n)])) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(penalty="firth").fit(X, y, offset=off)
    assert m.converged_


def test_float32_design_names_the_column():
    """The Gram of float32 rows was summed in float32 (``ssyrk``): the pivot
    of ``x3 = x1 + x2`` was 2.3e-7, the dependency went unseen and the fit
    failed later with a message naming no column (review)."""
    X, y = _data(n=2000)
    X = X.astype(np.float32)
    Z = np.column_stack([X, X[:, 0] + X[:, 1]])  # exact in float32's rounding
    with pytest.raises(InvalidParameterError, match="X column 2 is collinear"):
        LogisticRegression(penalty="firth").fit(Z, y)
