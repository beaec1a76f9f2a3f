"""Blocks given to ``fit`` as a callable of ``(X, y[, w[, offset]])`` tuples
are read as the in-memory checks read arrays, naming the block: a scipy
sparse X (a raw numpy "setting an array element with a sequence"), complex
values (their imaginary part dropped by the cast, with only numpy's
ComplexWarning: a fit of other data than given, where in-memory arrays are
refused) and text (numpy's "could not convert string to float") are a
DataValidationError naming the block and the input. Ordinary blocks fit as
the same rows in memory do (the in-memory fit is the reference here; both
agree with scikit-learn elsewhere in the suite)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import DataValidationError, LogisticRegression

RNG = np.random.default_rng(7)
X = RNG.standard_normal((300, 3))
Y = (RNG.random(300) < 1 / (1 + np.exp(-X @ [1.0, -0.5, 0.25]))).astype(float)
W = RNG.uniform(0.5, 2.0, 300)


def _blocks(f=lambda a: a, w=None):  # type: ignore[no-untyped-def]
    def blocks():  # type: ignore[no-untyped-def]
        for i in range(0, 300, 100):
            rows = slice(i, i + 100)
            if w is None:
                yield f(X[rows]), Y[rows]
            else:
                yield X[rows], Y[rows], w(W[rows])
    return blocks


@pytest.mark.parametrize(
    ("f", "words"),
    [
        (sp.csr_matrix, "block 0: X is a scipy sparse csr_matrix"),
        (lambda a: a + 1j, "block 0: complex data not supported: X"),
        (lambda a: np.where(a > 0, "big", "small"), "block 0: X must hold numbers"),
    ],
    ids=["sparse", "complex", "text"],
)
def test_a_block_x_that_is_no_dense_real_array_is_refused(f, words) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's ComplexWarning is no answer
        with pytest.raises(DataValidationError, match=words):
            LogisticRegression().fit(_blocks(f), None)


def test_complex_block_weights_are_refused() -> None:
    with pytest.raises(DataValidationError, match="block 0: complex data not supported: sample_weight"):
        LogisticRegression().fit(_blocks(w=lambda v: v + 0.5j), None)


def test_blocks_fit_as_the_rows_in_memory() -> None:
    ref = LogisticRegression().fit(X, Y, sample_weight=W)
    got = LogisticRegression().fit(_blocks(w=lambda v: v), None)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-8)
